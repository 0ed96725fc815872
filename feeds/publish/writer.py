"""RSS 2.0 and Atom 1.0 documents for one output stream, written with feedgen.

Both formats are built from the same items by the same code, so a reader sees the same
articles, ids, links and dates whichever it subscribes to. Both name output/feed.xsl, so a
browser shows them as a page (see stylesheet.py).
"""

import html
import re
from datetime import datetime
from typing import Any

from feedgen.feed import FeedGenerator
from sqlalchemy.engine import Row

from feeds import __version__
from feeds.config import Output, Settings
from feeds.publish.hub import HubLinkExtension
from feeds.publish.media import MediaImageEntryExtension, MediaImageExtension
from feeds.publish.stylesheet import with_stylesheet
from feeds.store import StoredArticle


def render_feeds(output: Output, items: list[StoredArticle], settings: Settings,
                 built_at: datetime) -> tuple[bytes, bytes]:  # fmt: skip
    """The RSS and the Atom document, from one generator: the entries are built once (most of
    the cost of publishing), and only the self link differs between the two."""
    generator = build(output, items, settings, built_at)
    set_links(generator, settings, settings.self_url(f"{output.slug}.rss"))
    rss = generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    set_links(generator, settings, settings.self_url(f"{output.slug}.atom"))
    atom = generator.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return with_stylesheet(hex_escape_plain_text(rss)), with_stylesheet(atom)


def build(
    output: Output,
    items: list[StoredArticle],
    settings: Settings,
    built_at: datetime,
) -> FeedGenerator:
    stream = settings.config.stream
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS <author> needs an email
    feed.register_extension("media_image", MediaImageExtension, MediaImageEntryExtension)
    # The Atom id is the Atom document's own URL: stable as long as the stream is published.
    feed.id(settings.self_url(f"{output.slug}.atom"))
    feed.title(output.title)
    feed.description(output.description or stream.description)
    if stream.websub_hub:
        feed.register_extension("websub", HubLinkExtension, atom=False)  # RSS; Atom: a link
        feed.websub.hub = stream.websub_hub
    feed.language(stream.language)
    feed.author({"name": stream.title, "uri": stream.link})
    feed.generator("feeds", version=__version__)
    feed.lastBuildDate(built_at)
    feed.updated(built_at)
    interval = settings.config.defaults.interval.every
    if interval is not None:
        feed.ttl(max(1, int(interval.total_seconds() // 60)))

    for item in items:
        add_entry(feed, item)
    return feed


def set_links(feed: FeedGenerator, settings: Settings, self_url: str) -> None:
    """The feed's links, replacing any before: feedgen takes RSS's <channel><link> from the
    last link added, so the alternate goes last."""
    stream = settings.config.stream
    feed.link(href=self_url, rel="self", type=mime_type(self_url), replace=True)
    if stream.websub_hub:
        feed.link(href=stream.websub_hub, rel="hub")
    feed.link(href=stream.link, rel="alternate", type="text/html")


def add_entry(feed: FeedGenerator, item: StoredArticle) -> None:
    row = item.row
    entry = feed.add_entry(order="append")
    entry.id(row.id)
    entry.guid(row.id, permalink=row.id == row.url)
    entry.title(row.title)
    if row.image_url:
        add_image(entry, row.image_url, row.image_type, row.image_length)
    if row.url:
        # replace=True drops the Atom link feedgen adds for an enclosure: feedgen 1.0 writes
        # entry links without their rel attribute, which would make it a second alternate.
        entry.link(href=row.url, rel="alternate", replace=True)
    if row.summary:
        # Escaped, typed as HTML: readers render RSS descriptions as HTML, so a summary that
        # mentions "<script>" must arrive as text, never as markup.
        entry.summary(html.escape(row.summary, quote=False), type="html")
    entry.content(content_html(row), type="html")
    entry.published(row.date)
    entry.updated(row.updated_at)
    if row.author:
        entry.author({"name": row.author})
        entry.dc.dc_creator(row.author)
    for category in row.categories:
        entry.category(term=category)


def content_html(row: Row[Any]) -> str:
    """The article body as HTML; a paragraph of its summary (or title) when it has none. The
    JSON Feed uses it too, so every format carries the same body."""
    return row.content_html or f"<p>{html.escape(row.summary or row.title)}</p>"


def add_image(entry, url: str, kind: str | None, length: int | None) -> None:  # type: ignore[no-untyped-def]
    """The article's picture: Media RSS for readers that show thumbnails, and an RSS enclosure.

    An enclosure needs a MIME type; its length is "0" when unknown, as the RSS Best Practices
    Profile asks (the W3C validator accepts it; fetching every image to measure it would not
    be polite)."""
    entry.media_image.image(url, kind, length)
    if kind:
        entry.enclosure(url, str(length or 0), kind)


# RSS says nothing about whether these hold text or HTML; the RSS Best Practices Profile (and the
# W3C validator) ask for "&" and "<" in plain text as hexadecimal references, so a reader can
# tell "AT&T <3" from markup. The parsed text is identical either way. Only texts holding an
# "&" (as every escape starts) are matched: most titles have none, and skip the call.
PLAIN_TEXT_ELEMENTS = re.compile(rb"(<(title|category|dc:creator)>)([^<&]*&[^<]*)(</\2>)")


def hex_escape_plain_text(document: bytes) -> bytes:
    def escape(match: re.Match[bytes]) -> bytes:
        text = match.group(3).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return match.group(1) + text + match.group(4)

    return PLAIN_TEXT_ELEMENTS.sub(escape, document)


def mime_type(url: str) -> str:
    return "application/atom+xml" if url.endswith(".atom") else "application/rss+xml"
