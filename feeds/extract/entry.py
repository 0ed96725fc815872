"""The plain data that extract hands to normalise.

Values are kept as the source wrote them (raw date text, HTML with relative links): normalise
decides what they mean, so every source kind shares one set of rules.
"""

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawImage:
    url: str
    type: str | None = None
    length: int | None = None


@dataclass(slots=True)
class RawEntry:
    guid: str | None = None
    # True/False when the source said (RSS isPermaLink); None when it did not.
    guid_is_permalink: bool | None = None
    link: str | None = None
    title: str | None = None
    summary_html: str | None = None
    content_html: str | None = None
    # Date text exactly as published, e.g. "Fri, 11 Nov 2022 14:40:00 WIB".
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    images: list[RawImage] = field(default_factory=list)
    language: str | None = None
    # URL that relative links in this entry resolve against (xml:base, else the feed URL).
    base_url: str | None = None


@dataclass(slots=True)
class ExtractResult:
    entries: list[RawEntry]
    title: str | None = None
    link: str | None = None
    language: str | None = None
    # Problems worth telling the operator that did not stop extraction (e.g. a bozo feed).
    warnings: list[str] = field(default_factory=list)
    # How often the feed says it changes (RSS <ttl>, sy:updatePeriod/updateFrequency).
    ttl_seconds: float | None = None
