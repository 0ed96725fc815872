"""Kind `sitemap`: Google News sitemaps, plain sitemaps with <lastmod>, sitemap indexes.

Parsed with lxml with entities and network access off, so a sitemap cannot expand into
gigabytes or read local files; gzip'd sitemaps are unpacked with a size cap.
"""

import html
import zlib
from dataclasses import dataclass, field

from lxml import etree

from feeds.extract.entry import RawEntry, RawImage

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


@dataclass(slots=True)
class Sitemap:
    entries: list[RawEntry] = field(default_factory=list)
    # A sitemap index lists other sitemaps: (URL, lastmod text or None).
    children: list[tuple[str, str | None]] = field(default_factory=list)


class SitemapError(Exception):
    pass


def gunzip(body: bytes, max_bytes: int) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    unpacker = zlib.decompressobj(wbits=31)
    data = unpacker.decompress(body, max_bytes + 1)
    if len(data) > max_bytes:
        raise SitemapError(f"gzip'd sitemap unpacks to more than {max_bytes} bytes")
    return data


def parse_sitemap(body: bytes, *, url: str, max_bytes: int = 50 * 1024 * 1024) -> Sitemap:
    try:
        root = etree.fromstring(gunzip(body, max_bytes), PARSER)
    except etree.XMLSyntaxError as error:
        raise SitemapError(f"not a sitemap: {error}") from None
    if root is None:
        raise SitemapError("not a sitemap: empty document")
    # Not etree.QName: a mangled namespace ("}http://...") makes it raise (found by fuzzing).
    tag = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else ""
    if tag == "sitemapindex":
        return Sitemap(children=[
            (loc, text(child, "lastmod"))
            for child in root
            if (loc := text(child, "loc"))
        ])  # fmt: skip
    if tag != "urlset":
        raise SitemapError(f"not a sitemap: root element <{tag}>")
    return Sitemap(entries=[entry for node in root if (entry := url_entry(node, url))])


def url_entry(node: etree._Element, base: str) -> RawEntry | None:
    loc = text(node, "loc")
    if not loc:
        return None
    news = node.find(f"{{{NEWS_NS}}}news")
    title = published = language = None
    keywords: list[str] = []
    if news is not None:
        title = news.findtext(f"{{{NEWS_NS}}}title")
        published = news.findtext(f"{{{NEWS_NS}}}publication_date")
        language = news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language")
        keywords = [k.strip() for k in (news.findtext(f"{{{NEWS_NS}}}keywords") or "").split(",")]
    images = [
        RawImage(url=image.text.strip())
        for image in node.findall(f"{{{IMAGE_NS}}}image/{{{IMAGE_NS}}}loc")
        if image.text and image.text.strip()
    ]
    return RawEntry(
        link=loc,
        title=html.escape(title.strip(), quote=False) if title and title.strip() else None,
        published=(published or text(node, "lastmod") or None),
        categories=[k for k in keywords if k],
        images=images,
        language=language.strip() if language else None,
        base_url=base,
    )


def text(node: etree._Element, name: str) -> str | None:
    value = node.findtext(f"{{{SITEMAP_NS}}}{name}")
    if value is None:  # some sitemaps forget the namespace
        value = node.findtext(name)
    return value.strip() if value and value.strip() else None
