"""Kind `feed`: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser, JSON Feed on its own.

feedparser runs with its own sanitising and URI resolution off: normalise does both once, with
nh3 and lxml, for every source kind. Dates are passed on as the raw text the feed contains
because feedparser reads "WIB" as UTC. Plain RSS 2.0 / Atom 1.0 is read first by
feeds.extract.fastfeed on lxml, which gives feedparser's answer or declines.
"""

import html
import io
import mimetypes
import re
from typing import Any

from feeds.extract.entry import ExtractResult, RawEntry, RawImage
from feeds.extract.jsonfeed import looks_like_json, parse_json_feed
from feeds.extract.screen import drop_unknown_encoding, repair_utf8, strip_internal_subset
from feeds.normalise.urls import absolute_url

PERSON = re.compile(r"^\s*(.*?)\s*[(<]\s*(.*?)\s*[)>]\s*$")


class ExtractError(Exception):
    """The bytes hold nothing we can read as a feed."""


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ExtractResult:
    return read_feed(body, url=url, content_type=content_type, fast=True)


def parse_with_feedparser(
    body: bytes, *, url: str, content_type: str | None = None
) -> ExtractResult:
    """parse_feed without the lxml fast path: the reference that path is tested against."""
    return read_feed(body, url=url, content_type=content_type, fast=False)


def read_feed(body: bytes, *, url: str, content_type: str | None, fast: bool) -> ExtractResult:
    if not body.strip():
        raise ExtractError("empty response (0 bytes of content)")
    if looks_like_json(body, content_type):
        return parse_json_feed(body, url=url)

    warnings: list[str] = []
    body, warning = strip_internal_subset(body)
    if warning:
        warnings.append(warning)
    body, warning = drop_unknown_encoding(body)
    if warning:
        warnings.append(warning)
    body, warning = repair_utf8(body, content_type)
    if warning:
        warnings.append(warning)

    if fast:
        # Plain RSS 2.0 / Atom 1.0 is read on lxml, with feedparser's results (tests/test_fastfeed).
        from feeds.extract.fastfeed import parse_fast

        result = parse_fast(body, url=url, content_type=content_type)
        if result is not None:
            result.warnings[:0] = warnings
            return result

    import feedparser  # imported here: it is slow to import and only needed for feeds

    # Files and servers that send no type get the generic XML type, so feedparser does not
    # flag every such feed as bozo.
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except (UnicodeError, LookupError, ValueError) as error:  # feedparser's own decoding bugs
        raise ExtractError(f"undecodable feed: {type(error).__name__}: {error}") from None
    if not parsed.get("version") and not parsed.entries:
        reason = describe_bozo(parsed)
        raise ExtractError(f"not an RSS, Atom or JSON feed{': ' + reason if reason else ''}")
    if parsed.get("bozo"):
        warnings.append(f"feed is not well-formed, read leniently: {describe_bozo(parsed)}")
    return result_from_parsed(parsed, url, warnings)


def result_from_parsed(parsed: Any, url: str, warnings: list[str]) -> ExtractResult:
    """The ExtractResult for feedparser's result (or the fast path's copy of its structure)."""
    feed = parsed.get("feed", {})
    language = feed.get("language")
    # Relative links in an item point into the site, which is often not where the feed is
    # served (a CDN, FeedBurner): resolve them against the site's link, as Miniflux does.
    site = absolute_url(feed.get("link"), url) or url
    # Atom: a feed-level author is the author of every entry that names none.
    feed_authors = author_names(feed) if parsed.get("version", "").startswith("atom") else []
    return ExtractResult(
        entries=[
            entry_from_feedparser(entry, url, site, language, feed_authors)
            for entry in parsed["entries"]
        ],
        title=feed.get("title"),
        link=feed.get("link"),
        language=language,
        warnings=warnings,
        ttl_seconds=feed_ttl(feed),
    )


SY_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000,
              "yearly": 31536000}  # fmt: skip


def feed_ttl(feed: Any) -> float | None:
    """RSS <ttl> (minutes) or the syndication module's updatePeriod / updateFrequency."""
    ttl = str(feed.get("ttl", "")).strip()
    if ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60.0
    period = SY_PERIODS.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if period:
        frequency = str(feed.get("sy_updatefrequency", "1")).strip()
        return period / (int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1)
    return None


def describe_bozo(parsed: Any) -> str:
    error = parsed.get("bozo_exception")
    if error is None:
        return ""
    text = str(error).strip() or type(error).__name__
    return text[:200]


def entry_from_feedparser(
    entry: Any, feed_url: str, site_url: str, feed_language: str | None, feed_authors: list[str]
) -> RawEntry:
    title_detail = entry.get("title_detail") or {}
    summary_detail = entry.get("summary_detail") or {}
    content = best_content(entry.get("content") or [])
    summary = as_html(entry.get("summary"), summary_detail.get("type"))
    if content is not None and summary == content:
        summary = None  # feedparser copies content into summary when there is no summary
    return RawEntry(
        guid=entry.get("id") or None,
        guid_is_permalink=bool(entry.get("guidislink")) if entry.get("id") else None,
        link=alternate_link(entry),
        title=as_html(entry.get("title"), title_detail.get("type")),
        summary_html=summary,
        content_html=content,
        # dict.get: feedparser's own get() answers "updated" with the published date.
        published=dict.get(entry, "published") or dict.get(entry, "issued") or None,
        updated=dict.get(entry, "updated") or dict.get(entry, "modified") or None,
        authors=author_names(entry) or feed_authors,
        categories=[
            c for c in (tag.get("term") or tag.get("label") for tag in entry.get("tags") or []) if c
        ],
        images=images_of(entry),
        language=title_detail.get("language") or feed_language,
        base_url=xml_base(entry, feed_url) or site_url,
    )


def xml_base(entry: Any, feed_url: str) -> str | None:
    """The entry's xml:base, if the feed set one (feedparser reports the feed URL otherwise)."""
    for key in ("content", "summary_detail", "title_detail"):
        detail = entry.get(key)
        detail = detail[0] if isinstance(detail, list) and detail else detail
        base = detail.get("base") if detail else None
        if base and base != feed_url:
            return base
    return None


def as_html(value: str | None, media_type: str | None) -> str | None:
    """Everything leaves extract as HTML, so normalise has one rule for turning it into text."""
    if not value:
        return None
    return html.escape(value, quote=False) if media_type == "text/plain" else value


def best_content(contents: list[Any]) -> str | None:
    for wanted in ("text/html", "application/xhtml+xml", "text/plain"):
        for content in contents:
            if content.get("type") == wanted and content.get("value"):
                return as_html(content["value"], wanted)
    return None


def alternate_link(entry: Any) -> str | None:
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return entry.get("link") or None


def author_names(entry: Any) -> list[str]:
    raw = (entry.get("author") or "").strip()
    if "@" in raw:
        # feedparser's e-mail pattern cuts long TLDs ("redaksi@x.example (Redaksi)" came back
        # as name "ple (Redaksi"), so the raw "email (Name)" text is read here instead.
        return [person_name(raw)]
    names = []
    for author in entry.get("authors") or []:
        name = (author.get("name") or "").strip()
        if name and name not in names:
            names.append(name)
    return names or ([raw] if raw else [])


def person_name(text: str) -> str:
    """The name in "email (Name)", "Name (email)" or "Name <email>"; the e-mail if no name."""
    match = PERSON.match(text)
    if not match:
        return text
    first, second = match.groups()
    name = second if "@" in first else first
    return name or (first if "@" in first else second)


def images_of(entry: Any) -> list[RawImage]:
    """Enclosures and Media RSS images, in that order of trust."""
    images: list[RawImage] = []
    for enclosure in entry.get("enclosures") or []:
        url = enclosure.get("href") or enclosure.get("url")
        kind = enclosure.get("type") or guess_type(url)
        if url and kind and kind.startswith("image/"):
            images.append(RawImage(url=url, type=kind, length=as_length(enclosure.get("length"))))
    for media in entry.get("media_content") or []:
        url = media.get("url")
        kind = media.get("type") or guess_type(url)
        is_image = media.get("medium") == "image" or (kind or "").startswith("image/")
        if url and is_image:
            images.append(RawImage(url=url, type=kind, length=as_length(media.get("filesize"))))
    for thumbnail in entry.get("media_thumbnail") or []:
        if url := thumbnail.get("url"):
            images.append(RawImage(url=url, type=guess_type(url)))
    return images


def guess_type(url: str | None) -> str | None:
    if not url:
        return None
    return mimetypes.guess_type(url.split("?", 1)[0])[0]


def as_length(value: object) -> int | None:
    try:
        length = int(str(value))
    except (TypeError, ValueError):
        return None
    return length if length > 0 else None


__all__ = ["ExtractError", "parse_feed", "parse_with_feedparser"]
