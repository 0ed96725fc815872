"""Config: sources.yaml -> validated `Settings`, or a `ConfigError` naming file:line."""

from feeds.config.loader import ConfigError, Problem, Settings, load_settings
from feeds.config.model import MAIN_STREAM_SLUG, Config, Output, Source

__all__ = [
    "MAIN_STREAM_SLUG",
    "Config",
    "ConfigError",
    "Output",
    "Problem",
    "Settings",
    "Source",
    "load_settings",
]
