"""Extract: turn fetched bytes into `RawEntry` objects, one per item, by source kind."""

from feeds.extract.entry import ExtractResult, RawEntry, RawImage

__all__ = ["ExtractResult", "RawEntry", "RawImage"]
