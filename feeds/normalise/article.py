"""RawEntry -> Article: the one shape every later step works with.

Rules (see DESIGN.md): dates are aware UTC, links canonical, the id stable for the life of the
article, HTML sanitised, the summary plain text of at most ~300 characters.
"""

import hashlib
import json
import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from feeds.extract import RawEntry
from feeds.normalise.dateline import split_dateline
from feeds.normalise.dates import parse_date
from feeds.normalise.html import clean_html, first_image, html_to_text, shorten, xml_safe
from feeds.normalise.urls import absolute_url, canonical_url, is_web_url

SUMMARY_LENGTH = 300
# Text read for a summary: a dateline (at most ~80 characters) and then the summary itself.
SUMMARY_TEXT_NEEDED = SUMMARY_LENGTH + 200
TITLE_FROM_TEXT_LENGTH = 120
# A clock a little ahead is normal; further than this the date is wrong and would pin the
# article to the top of the stream.
FUTURE_TOLERANCE = timedelta(minutes=10)
EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)
ID_NAMESPACE = uuid.UUID("0b3c61a2-6b1e-4f7e-9a51-3f1d0f2a9e10")


@dataclass(slots=True)
class Image:
    url: str
    type: str | None = None
    length: int | None = None


@dataclass(slots=True)
class Article:
    id: str
    source_id: str
    guid: str | None  # the source's own id for the item, to follow it when its link changes
    url: str | None
    title: str
    summary: str
    content_html: str
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    image: Image | None = None
    language: str | None = None
    location: str | None = None  # the dateline's place: "Makassar" for "PLUZ.ID, MAKASSAR –"
    published_at: datetime | None = None  # None: the source gave no date we could read
    updated_at: datetime | None = None
    date_clamped: bool = False  # the source's date was in the future
    date_implausible: bool = False  # the source's date was before web news (1970: "no date")
    # The digest of the raw item it was made from (feeds/digest.py), when reading the same item
    # again would make the same article; None when it might not (a clamped date).
    entry_digest: str | None = None
    _fingerprint: str | None = field(default=None, init=False, repr=False, compare=False)

    def fingerprint(self) -> str:
        """Changes when anything a reader sees changes; not when only the fetch time does.

        Computed once (normalising is done by then; ids may still be re-pointed, and they
        are not part of it), so a run can compute it in its worker processes."""
        if self._fingerprint is None:
            self._fingerprint = self._compute_fingerprint()
        return self._fingerprint

    def _compute_fingerprint(self) -> str:
        visible = [
            self.url, self.title, self.summary, self.content_html, self.author,
            self.categories, self.image and (self.image.url, self.image.type, self.image.length),
            self.language, self.location, self.published_at and self.published_at.isoformat(),
        ]  # fmt: skip
        encoded = json.dumps(visible, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()[:32]


def normalise_entry(
    entry: RawEntry,
    *,
    source_id: str,
    timezone: ZoneInfo,
    fetched_at: datetime,
    language: str | None = None,
) -> Article | None:
    """None when the entry has nothing to identify it by (no link, no guid, no title)."""
    base = entry.base_url
    link = absolute_url(entry.link, base)
    if link is None and entry.guid_is_permalink is not False and is_web_url(entry.guid):
        link = entry.guid
    url = canonical_url(link) if link else None

    content_html = clean_html(entry.content_html or entry.summary_html, base_url=base)
    summary_source = entry.summary_html if entry.summary_html else content_html
    # "PLUZ.ID, MAKASSAR – ..." is where the story was filed, not its first words.
    location, summary_text = split_dateline(
        html_to_text(summary_source, captions=False, enough=SUMMARY_TEXT_NEEDED)
    )
    if location is None and entry.summary_html and content_html:
        location = split_dateline(html_to_text(content_html, enough=SUMMARY_TEXT_NEEDED))[0]
    summary = shorten(summary_text, SUMMARY_LENGTH)
    title = (
        html_to_text(entry.title)
        or shorten(summary, TITLE_FROM_TEXT_LENGTH)
        or xml_safe(title_from_url(url or entry.guid or ""))  # a guid may hold controls
    )

    article_id = make_id(url, entry.guid, source_id, title)
    if article_id is None:
        return None

    published = plausible(parse_date(entry.published, default_tz=timezone, now=fetched_at))
    updated = plausible(parse_date(entry.updated, default_tz=timezone, now=fetched_at))
    implausible = bool(entry.published or entry.updated) and not (published or updated)
    published = published or updated
    clamped = False
    if published and published > fetched_at + FUTURE_TOLERANCE:
        published, clamped = fetched_at, True
    if updated and (updated > fetched_at + FUTURE_TOLERANCE or (published and updated < published)):
        updated = published

    return Article(
        id=article_id,
        source_id=source_id,
        guid=xml_safe(entry.guid) if entry.guid else None,
        url=url,
        title=title,
        summary=summary,
        content_html=content_html,
        author=", ".join(dict.fromkeys(a for a in map(html_to_text, entry.authors) if a)) or None,
        categories=unique_text(entry.categories),
        image=pick_image(entry, content_html),
        language=entry.language or language,
        location=location,
        published_at=published,
        updated_at=updated,
        date_clamped=clamped,
        date_implausible=implausible,
    )


def plausible(date: datetime | None) -> datetime | None:
    """A date before web news existed is a CMS's "no date" (epoch 0 = 1970-01-01): missing."""
    return date if date is None or date >= EARLIEST_PLAUSIBLE else None


def title_from_url(url: str) -> str:
    """A last resort for items that carry nothing but a link (plain sitemaps): the slug,
    "pemkot-resmikan-jembatan.html" -> "Pemkot resmikan jembatan"."""
    path = urlsplit(url).path if "://" in url else url
    segments = [segment for segment in path.split("/") if segment]
    slug = segments[-1].rsplit(".", 1)[0] if segments else ""
    words = " ".join(part for part in re.split(r"[-_+]+", unquote(slug)) if part)
    return (words[:1].upper() + words[1:]) if words else url


def make_id(url: str | None, guid: str | None, source_id: str, title: str) -> str | None:
    """The canonical URL when there is one, so the same story from two sources is one article;
    else the source's guid, made into a URN that is unique across sources."""
    if url:
        return url
    if guid and is_web_url(guid):
        return canonical_url(guid)
    if guid and guid.startswith(("urn:", "tag:")) and guid == xml_safe(guid) and " " not in guid:
        return guid
    key = f"guid:{guid}" if guid else f"title:{title}" if title else None
    if key is None:
        return None
    # A lone surrogate (a JSON Feed can carry one) cannot be hashed as UTF-8: it becomes U+FFFD,
    # so every other guid keeps the id it always had.
    name = f"{source_id}/{key}".encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, name)}"


def unique_text(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        text = html_to_text(value)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())


def pick_image(entry: RawEntry, content_html: str) -> Image | None:
    for image in entry.images:
        if url := absolute_url(image.url, entry.base_url):
            return Image(url=url, type=image.type or guess_image_type(url), length=image.length)
    if url := first_image(content_html):
        return Image(url=url, type=guess_image_type(url))
    return None


def guess_image_type(url: str) -> str | None:
    kind = mimetypes.guess_type(url.split("?", 1)[0])[0]
    return kind if kind and kind.startswith("image/") else None
