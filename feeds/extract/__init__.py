"""Extract: turn fetched bytes into `RawEntry` objects, one per item, by source kind."""

from feeds.extract.entry import ExtractResult, RawEntry, RawImage
from feeds.extract.feed import ExtractError, parse_feed

__all__ = ["ExtractError", "ExtractResult", "RawEntry", "RawImage", "parse_feed"]
