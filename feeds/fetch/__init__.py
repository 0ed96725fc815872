"""Fetch: bytes from a URL with conditional GET, timeouts, a size cap and per-host limits."""

from feeds.fetch.fetcher import Fetcher, FetchError, FetchResult, Validators, user_agent

__all__ = ["FetchError", "FetchResult", "Fetcher", "Validators", "user_agent"]
