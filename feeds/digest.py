"""Raw entries -> articles, and feed bytes -> articles in one pure function.

Parsing and normalising are most of a cold run's CPU time. `digest_feed` takes only plain
values and returns only plain values, so `feeds run` can hand it to a process pool and use every
core while the event loop goes on fetching (see `feeds.pipeline.collect`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from feeds.extract import RawEntry, parse_feed
from feeds.extract.discover import looks_like_html
from feeds.normalise.article import Article, normalise_entry


@dataclass(slots=True)
class Digest:
    articles: list[Article]
    entries: int  # items the source listed; more than len(articles) when some were unusable
    warnings: list[str] = field(default_factory=list)
    still_listed: list[str] = field(default_factory=list)
    ttl_seconds: float | None = None


def normalise_entries(
    entries: list[RawEntry],
    *,
    source_id: str,
    timezone: ZoneInfo,
    fetched_at: datetime,
    language: str | None,
) -> list[Article]:
    articles = []
    for entry in entries:
        article = normalise_entry(
            entry, source_id=source_id, timezone=timezone, fetched_at=fetched_at, language=language
        )
        if article is not None:
            article.fingerprint()  # here, in the worker process, rather than when storing
            articles.append(article)
    return articles


def digest_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None,
    source_id: str,
    timezone: str,
    fetched_at: datetime,
    language: str | None,
    kind: str | None,
) -> Digest | None:
    """A feed's articles; None when a source of no kind answered with a web page (finding
    its feed needs the network)."""
    if kind is None and looks_like_html(body):
        return None
    extracted = parse_feed(body, url=url, content_type=content_type)
    return digest_entries(
        extracted.entries,
        warnings=extracted.warnings,
        ttl_seconds=extracted.ttl_seconds,
        source_id=source_id,
        timezone=timezone,
        fetched_at=fetched_at,
        language=language,
    )


def digest_entries(
    entries: list[RawEntry],
    *,
    warnings: list[str],
    ttl_seconds: float | None,
    still_listed: list[str] = (),
    source_id: str,
    timezone: str,
    fetched_at: datetime,
    language: str | None,
) -> Digest:
    """What a source's raw entries come to, whichever way they were read."""
    articles = normalise_entries(
        entries,
        source_id=source_id,
        timezone=ZoneInfo(timezone),
        fetched_at=fetched_at,
        language=language,
    )
    return Digest(
        articles=articles,
        entries=len(entries),
        warnings=list(warnings),
        still_listed=list(still_listed),
        ttl_seconds=ttl_seconds,
    )


def warm_up() -> None:
    """Import the lazily imported parser now, so processes forked later inherit it."""
    import feedparser  # noqa: F401
