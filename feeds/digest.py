"""Raw entries -> articles, and feed bytes -> articles in one pure function.

Parsing and normalising are most of a cold run's CPU time. `digest_feed` takes only plain
values and returns only plain values, so `feeds run` can hand it to a process pool and use every
core while the event loop goes on fetching (see `feeds.pipeline.collect`).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from feeds import __version__
from feeds.extract import RawEntry, parse_feed
from feeds.extract.screen import looks_like_html
from feeds.normalise.article import Article, normalise_entry


@dataclass(slots=True)
class Digest:
    articles: list[Article]
    entries: int  # items the source listed: articles, unchanged ones and unusable ones
    warnings: list[str] = field(default_factory=list)
    still_listed: list[str] = field(default_factory=list)
    ttl_seconds: float | None = None
    # Stored articles whose items are exactly as when last read: not normalised again.
    unchanged: list[str] = field(default_factory=list)


def entry_digest(entry: RawEntry, context: tuple[str | None, ...]) -> str:
    """Everything an article is made from: the raw item, the source's settings that shape it
    and the version of feeds that normalises it. The same digest, the same article."""
    described = repr((__version__, context, entry)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(described, digest_size=16).hexdigest()


def normalise_entries(
    entries: list[RawEntry],
    *,
    source_id: str,
    timezone: ZoneInfo,
    fetched_at: datetime,
    language: str | None,
    known: dict[str, str] | None = None,
) -> tuple[list[Article], list[str]]:
    """The entries' articles, and the ids of the stored articles whose items are unchanged
    (`known`: the source's entry digests, each with its article's id): those are not
    normalised again, which is most of the work of a feed that lists what it listed before."""
    context = (source_id, timezone.key, language)
    articles: list[Article] = []
    unchanged: dict[str, None] = {}
    for entry in entries:
        digest = entry_digest(entry, context)
        if known and (article_id := known.get(digest)) is not None:
            unchanged[article_id] = None
            continue
        article = normalise_entry(
            entry, source_id=source_id, timezone=timezone, fetched_at=fetched_at, language=language
        )
        if article is None or article.id in unchanged:
            continue  # unusable, or the same article as an item before it (the first counts)
        article.fingerprint()  # here, in the worker process, rather than when storing
        # A clamped date is the fetch time: a later read makes another article. An implausible
        # one is warned about at every fetch: the operator should go on seeing it.
        kept = not (article.date_clamped or article.date_implausible)
        article.entry_digest = digest if kept else None
        articles.append(article)
    return articles, list(unchanged)


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
    known_entries: dict[str, str] | None = None,
) -> Digest | None:
    """A feed's articles; None when a source of no kind answered with a web page (finding
    its feed needs the network). `known_entries`: see normalise_entries."""
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
        known_entries=known_entries,
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
    known_entries: dict[str, str] | None = None,
) -> Digest:
    """What a source's raw entries come to, whichever way they were read."""
    articles, unchanged = normalise_entries(
        entries,
        source_id=source_id,
        timezone=ZoneInfo(timezone),
        fetched_at=fetched_at,
        language=language,
        known=known_entries,
    )
    return Digest(
        articles=articles,
        entries=len(entries),
        warnings=list(warnings),
        still_listed=list(still_listed),
        ttl_seconds=ttl_seconds,
        unchanged=unchanged,
    )


def warm_up() -> None:
    """Import the lazily imported parser now, so processes forked later inherit it."""
    import feedparser  # noqa: F401
