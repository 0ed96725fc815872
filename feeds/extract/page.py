"""One article page -> its metadata and main text.

Many Indonesian outlets publish feeds with a teaser only, so the article page itself is read.
Metadata comes from the most deliberate source first: JSON-LD, then OpenGraph and other meta
tags, then embedded page data (Next.js), then <time>, and last the visible byline next to the
title. Dates are returned as the page wrote them; normalise reads them.

The main text comes from a small density extractor written for news templates (the container
whose paragraphs carry the most prose wins), with trafilatura as a fallback. Trafilatura is not
the first choice because on these pages it keeps "Baca juga" boxes, sometimes takes a whole
sidebar, and costs 30-400 ms a page against a few ms here. Page chrome (share bars, related
links, ads, follow prompts, tag clouds, credits) goes before the container is chosen and again
while the kept blocks are rebuilt, so it cannot come back either way.
"""

import contextlib
import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree

from feeds.extract.selectors import Selector, parse_selector, select_html, select_value
from feeds.normalise.dateline import byline_credits, split_byline, split_dateline
from feeds.normalise.dates import MONTHS, parse_date
from feeds.normalise.html import (  # one list of lazy-image attributes
    LAZY_SOURCES,
    collapse_whitespace,
)
from feeds.normalise.urls import absolute_url, is_web_url

# ---------------------------------------------------------------------------------------------
# What counts as what
# ---------------------------------------------------------------------------------------------

# Only used to recognise date text; the raw text is what gets returned.
RECOGNITION_ZONE = ZoneInfo("Asia/Jakarta")

OVERRIDE_FIELDS = frozenset(
    {"title", "published", "updated", "author", "image", "body", "description", "next_page"}
)
ARTICLE_TYPES = frozenset(
    {
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
    }
)  # fmt: skip

# Meta keys (lower case) in order of trust.
PUBLISHED_META = (
    "article:published_time", "og:published_time", "pubdate", "publishdate", "publish-date",
    "publish_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "dcterms.date", "content_publisheddate", "datepublished", "datecreated", "sailthru.date",
    "parsely-pub-date", "article.published", "date",
)  # fmt: skip
UPDATED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "dcterms.modified", "content_updateddate", "last-modified", "lastmod",
)  # fmt: skip
AUTHOR_META = ("article:author", "author", "dc.creator", "parsely-author", "sailthru.author")
IMAGE_META = (
    "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src",
    "image", "thumbnailurl",
)  # fmt: skip
DESCRIPTION_META = ("og:description", "description", "twitter:description")
LANGUAGE_META = ("og:locale", "language", "content-language", "dc.language")

# Keys of embedded page data (e.g. Next.js __NEXT_DATA__) that hold the body and the date.
EMBEDDED_BODY_KEYS = frozenset(
    {"content", "body", "articlebody", "article_body", "content_html", "contenthtml", "html"}
)
EMBEDDED_DATE_KEYS = (
    "published_at", "publishedat", "publish_date", "published_date", "datepublished",
    "date_published", "publishdate", "published_time", "created_at",
)  # fmt: skip

# Elements that never hold article text.
DROP_TAGS = (
    "script", "style", "template", "iframe", "object", "embed", "button", "input", "select",
    "textarea", "label", "svg", "canvas", "nav", "aside", "footer", "header", "link", "meta",
    "ins", "video", "audio", "map", "dialog", "title", "head",
)  # fmt: skip

# class/id words of page chrome, matched as whole words of the attribute.
CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:share|shares|sharing|social|sosmed|socmed|related|terkait|recommended"
    r"|recommendation|rekomendasi|comments?|komentar|disqus|ads?|advert\w*|iklan|adsbygoogle"
    r"|gpt|dfp|banner|sponsor\w*|outbrain|taboola|mgid|revive|newsletter|subscribe"
    r"|langganan|tags?|tagcloud\d*|breadcrumbs?|pagination|paging|pager|sidebar|widget"
    r"|popular|populer|terpopuler|trending|menu|navbar|nav|footer|copyright|hide|hidden"
    r"|d-none|sr-only|visually-hidden|screen-reader-text|follow|author-box|avatar|rating)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
CHROME_COMPOUNDS = re.compile(
    r"baca-?_?juga|bacajuga|lihatjg|lihat-?juga|artikel-?terkait|berita-?terkait|fb-comment"
    r"|google-?news|whatsapp|readmore|read-?next|next-?article|also-?read|more-?news",
    re.IGNORECASE,
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Labels that start a box of links to other articles ("Baca juga: <a>...</a>"). Weak labels
# are also ordinary words ("Rekomendasi tersebut ..."), so they need a colon or to stand alone.
STRONG_LABEL = re.compile(
    r"^(?:baca\s+(?:juga|pula)|lihat\s+juga|simak\s+(?:juga|video)|tonton\s+juga"
    r"|artikel\s+terkait|berita\s+terkait|berita\s+terkini\s+lainnya|berita\s+lainnya"
    r"|artikel\s+lainnya|berita\s+pilihan|pilihan\s+editor|pilihan\s+untukmu"
    r"|topik\s+(?:terkait|artikel)|foto\s+(?:&\s+)?video\s+terkait|video\s+terkait"
    r"|jangan\s+lewatkan|berita\s+populer|read\s+more|related\s+(?:news|articles?)"
    r"|(?:foto|video)\s+terkait|more\s+photos|baca\s+berita\s+lainnya)\b\s*[:!.]*",
    re.IGNORECASE,
)
WEAK_LABEL = re.compile(
    r"^(?:tags?|topik|halaman|rekomendasi|terpopuler|populer|related)\b\s*[:!.]*", re.IGNORECASE
)
# Whole blocks that are chrome whatever surrounds them.
EXACT_CHROME = re.compile(
    r"^(?:advertisement|\(?iklan\)?|ads|scroll to continue with content"
    r"|scroll ke bawah untuk melanjutkan membaca|gulir untuk melanjutkan|to top|back to top"
    r"|kembali ke atas|komentar|tulis komentar|beri komentar|bagikan|share|loading\.*"
    r"|konten premium|\d+\s*shares?)$",
    re.IGNORECASE,
)
FOLLOW_PROMPT = re.compile(
    r"\b(?:ikuti|simak|dapatkan|cek|gabung|bergabung|follow|join|klik|add as|pantau)\b"
    r".{0,140}?\b(?:google news|whatsapp|telegram|preferred source|saluran|channel)\b",
    re.IGNORECASE | re.DOTALL,
)
COPYRIGHT_LINE = re.compile(r"^(?:copyright|hak cipta|©)", re.IGNORECASE)
CREDIT_LINE = re.compile(
    r"^(?:editor|penulis|reporter|pewarta|redaktur|rep|red|wartawan|kontributor|sumber"
    r"|fotografer|foto|video|penyunting|editing)\s*:",
    re.IGNORECASE,
)
# Photo captions and credits: "Abdul Hayat Gani. foto: istimewa", "(Foto: ANTARA/Arnas Padda)".
CAPTION_TEXT = re.compile(
    r"\b(?:foto|photo|ilustrasi|dok(?:umentasi)?|kredit|sumber foto|credit)\s*[:/]"
    r"|\b(?:doc|dok)\.\s|\((?:foto|dok|ist|istimewa|net|int|ilustrasi)\b[^)]*\)\s*\.?$"
    r"|^ilustrasi\b|©",
    re.IGNORECASE,
)
CAPTION_CLASS = re.compile(
    r"caption|keterangan|desc-?foto|ket-?foto|credit|photo-?desc|foto-?desc|img-?desc",
    re.IGNORECASE,
)
MAX_CAPTION = 260
JUNK_IMAGE = re.compile(
    r"logo|icon|avatar|pixel|spacer|blank\.(?:gif|png)|/ads?/|banner|loader|loading\.gif"
    r"|(?:^|[/_-])(?:arrow|btn|button|star_\w+|gal_\w+|next|prev|rating)\.(?:png|gif|svg)",
    re.IGNORECASE,
)

BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "ul", "ol", "dl", "li", "dd", "dt", "table",
        "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote", "pre", "figure",
        "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center", "form", "fieldset",
        "address", "picture", "details", "summary",
    }
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "li"})
# Where lazy-loading themes put the real image; normalise makes them real, so they stay.
LAZY_ATTRIBUTES = (*LAZY_SOURCES, "data-srcset", "data-lazy-srcset")
KEEP_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "srcset", "alt", "title", "width", "height", *LAZY_ATTRIBUTES}),
    "source": frozenset({"srcset", "type", "media", "data-srcset"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "ol": frozenset({"start", "reversed"}),
    "blockquote": frozenset({"cite"}),
    "time": frozenset({"datetime"}),
}

MIN_PARAGRAPH = 25  # characters of prose that make a block count as a paragraph
PROSE_BLOCKS = frozenset({"p", "blockquote", "ul", "ol", "figure"})
FALLBACK_BELOW = 80  # characters of prose below which the own extraction has failed
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_IN_TEXT = re.compile(
    r"(?:(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)\s*,?\s*)?"
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
    rf"|\d{{1,2}}\s+(?:{_MONTH_NAMES})\.?,?\s+\d{{4}}|(?:{_MONTH_NAMES})\.?\s+\d{{1,2}},?\s+\d{{4}})"
    r"(?:\s*[,|/·•-]?\s*(?:pukul|pkl\.?|jam|at)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
    r"(?:\s*(?:WIB|WITA|WIT|GMT|UTC|[+-]\d{2}:?\d{2}))?)?\b",
    re.IGNORECASE,
)
BYLINE_WINDOW = 80  # text nodes after the title searched for the byline

# Multi-page articles.
NEXT_TEXTS = frozenset(
    {
        "selanjutnya", "halaman selanjutnya", "halaman berikutnya", "berikutnya", "next",
        "next page", "»", "›", ">", ">>", "lanjut", "lanjutkan", "selanjutnya »",
        "berikutnya »", "next »",
    }
)  # fmt: skip
PAGE_QUERY_KEYS = frozenset({"page", "p", "hal", "halaman", "pg", "paged"})
PAGE_PATH = re.compile(
    r"^(?P<base>.+?)(?:/(?:page/|halaman/|hal/|halaman-|page-)?(?P<n>\d{1,2})/?"
    r"|[-_](?P<n2>\d{1,2})(?P<ext>\.html?))$"
)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters lxml refuses in text (not allowed in XML); some pages have them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


@dataclass(slots=True)
class ArticlePage:
    url: str  # canonical (<link rel=canonical>, og:url) if http(s), else the page's own URL
    title: str | None = None
    published: str | None = None  # date text as written: ISO from JSON-LD/meta, or the byline's
    updated: str | None = None
    author: str | None = None
    image: str | None = None  # absolute URL
    # Main content as an HTML fragment, chrome removed; not sanitised yet (normalise runs nh3)
    # and links may still be relative.
    body_html: str | None = None
    description: str | None = None
    categories: list[str] = field(default_factory=list)
    language: str | None = None
    next_page: str | None = None  # absolute URL of the next page of a multi-page article


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def extract_article(
    html: str | bytes, *, url: str, overrides: dict[str, str] | None = None
) -> ArticlePage:
    """Read one article page. `overrides` maps field names to selectors that win when they match.

    Raises ValueError for an unknown override field or a selector that does not compile.
    """
    selectors = parse_overrides(overrides)
    root = parse_document(html)
    if root is None:
        return ArticlePage(url=url)
    page = PageReader(root, url, selectors)
    metadata = page.metadata()  # before the body: reading the body takes the tree apart
    body, credits = page.body()
    metadata.body_html = body
    if metadata.author is None:
        metadata.author = credit_author(credits)
    if metadata.image is None and body:
        metadata.image = first_body_image(body, page.url)
    return metadata


def join_pages(pages: list[ArticlePage]) -> ArticlePage:
    """One article from its pages in order: the first page's metadata (gaps filled from later
    pages), the bodies concatenated with repeated paragraphs, figures and captions dropped."""
    if not pages:
        raise ValueError("join_pages needs at least one page")
    first = pages[0]
    joined = copy.copy(first)
    joined.categories = list(first.categories)
    for page in pages[1:]:
        for name in ("title", "published", "updated", "author", "image", "description"):
            if getattr(joined, name) is None:
                setattr(joined, name, getattr(page, name))
        if not joined.categories:
            joined.categories = list(page.categories)
    seen: set[str] = set()
    blocks: list[str] = []
    for page in pages:
        for block in fragment_blocks(page.body_html):
            key = block_key(block)
            if key and key in seen:
                continue
            seen.add(key)
            blocks.append(lxml.html.tostring(block, encoding="unicode"))
    joined.body_html = "".join(blocks) or None
    joined.next_page = pages[-1].next_page
    return joined


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def parse_overrides(overrides: dict[str, str] | None) -> dict[str, Selector]:
    selectors = {}
    for name, text in (overrides or {}).items():
        if name not in OVERRIDE_FIELDS:
            raise ValueError(f"unknown override field {name!r} (one of {sorted(OVERRIDE_FIELDS)})")
        selectors[name] = parse_selector(text)
    return selectors


def parse_document(html: str | bytes) -> lxml.html.HtmlElement | None:
    text = CONTROL_CHARACTERS.sub("", XML_DECLARATION.sub("", decode(html), count=1))
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def decode(html: str | bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, whatever the page declares: saved and re-served
    pages often keep a stale "iso-8859-1" over UTF-8 text, and valid multi-byte UTF-8 is almost
    never another charset by chance. Otherwise the declared charset, else windows-1252."""
    if isinstance(html, str):
        return html
    with contextlib.suppress(UnicodeDecodeError):
        return html.decode("utf-8-sig")
    if declared := META_CHARSET.search(html[:4096]):
        with contextlib.suppress(LookupError):
            return html.decode(declared.group(1).decode("ascii"), errors="replace")
    return html.decode("windows-1252", errors="replace")


def squash(text: str | None) -> str:
    return collapse_whitespace(text) if text else ""


def text_of(element: lxml.html.HtmlElement) -> str:
    return squash(element.text_content())


def same_text(left: str | None, right: str | None) -> bool:
    """Equal ignoring case, spacing and punctuation: titles are rewritten in small ways."""
    return bool(left and right) and comparable(left) == comparable(right)


def comparable(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def is_date(text: str | None) -> bool:
    return bool(text) and parse_date(text, default_tz=RECOGNITION_ZONE) is not None


def unique(values: Iterable[str]) -> list[str]:
    """First spelling of each value, compared without case."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------


class PageReader:
    """Holds one parsed page and reads each field from it in order of trust."""

    def __init__(
        self, root: lxml.html.HtmlElement, url: str, selectors: dict[str, Selector]
    ) -> None:
        self.root = root
        self.url = url
        self.selectors = selectors

    def metadata(self) -> ArticlePage:
        return ArticlePage(
            url=self.canonical_url,
            title=self.title,
            published=self.published(),
            updated=self.updated(),
            author=self.author(),
            image=self.image(),
            description=self.description(),
            categories=self.categories(),
            language=self.language(),
            next_page=self.next_page(),
        )

    # -- sources -----------------------------------------------------------------------------

    @cached_property
    def ld(self) -> dict[str, Any]:
        return article_json_ld(self.root)

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        return read_meta(self.root)

    @cached_property
    def embedded(self) -> dict[str, str]:
        return embedded_article(self.root)

    @cached_property
    def canonical_url(self) -> str:
        """Canonical URL: <link rel=canonical>, then og:url, then the URL the page came from."""
        links = self.root.xpath("//link[@href][contains(concat(' ', @rel, ' '), ' canonical ')]")
        for href in [link.get("href") for link in links] + self.meta_values("og:url"):
            resolved = absolute_url(href, self.url)
            if resolved and is_web_url(resolved):
                return resolved
        return self.url

    def meta_values(self, *keys: str) -> list[str]:
        return [value for key in keys for value in self.meta.get(key, ())]

    def override(self, name: str) -> str | None:
        selector = self.selectors.get(name)
        return select_value(self.root, selector) if selector else None

    # -- fields ------------------------------------------------------------------------------

    @cached_property
    def title(self) -> str | None:
        if found := self.override("title"):
            return found
        if headline := ld_text(self.ld.get("headline")) or ld_text(self.ld.get("name")):
            return squash(headline)
        titles = self.meta_values("og:title", "twitter:title", "title")
        title_element = self.root.find(".//title")
        if title_element is not None:
            titles.append(text_of(title_element))
        written = next((squash(title) for title in titles if squash(title)), None)
        return heading_matching(self.root, written) or strip_site_name(written, self.site_names)

    @cached_property
    def site_names(self) -> list[str]:
        host = (urlsplit(self.canonical_url).hostname or "").removeprefix("www.")
        names = [*self.meta_values("og:site_name", "application-name"), host.split(".")[0]]
        return [name.lower() for name in names if len(name) >= 3]

    def published(self) -> str | None:
        if found := self.override("published"):
            return found
        return first_date(self.published_candidates())

    def published_candidates(self) -> Iterator[str | None]:
        yield ld_text(self.ld.get("datePublished"))
        yield ld_text(self.ld.get("dateCreated"))
        yield from self.meta_values(*PUBLISHED_META)
        yield self.embedded.get("published")
        yield from time_values(self.root, published=True)
        yield self.byline[0]

    def updated(self) -> str | None:
        if found := self.override("updated"):
            return found
        candidates = [ld_text(self.ld.get("dateModified")), *self.meta_values(*UPDATED_META)]
        candidates += time_values(self.root, published=False)
        return first_date(candidates)

    def author(self) -> str | None:
        if found := self.override("author"):
            return found
        names = ld_people(self.ld.get("author"))
        if names:
            return ", ".join(unique(names))
        for value in self.meta_values(*AUTHOR_META):
            if not self.is_site_like(value):
                return split_byline(value)[0] or squash(re.sub(r"^by\s+", "", value, flags=re.I))
        return dom_author(self.root) or self.byline[1]

    def is_site_like(self, value: str) -> bool:
        """Meta author is often the publisher ("Kompas Cyber Media", "Liputan6.com") or a
        Facebook page URL: neither names the person who wrote the article."""
        lowered = value.lower()
        return (
            "://" in value
            or bool(re.search(r"\.(?:com|co|id|net|org)\b", lowered))
            or any(name in lowered for name in self.site_names)
            or bool(re.search(r"\b(?:pt|media|redaksi|cyber|news|group)\b", lowered))
        )

    def image(self) -> str | None:
        if found := self.override("image"):
            return absolute_url(found, self.url)
        candidates = ld_images(self.ld.get("image")) + self.meta_values(*IMAGE_META)
        candidates += [link.get("href") for link in self.root.xpath("//link[@rel='image_src']")]
        # A theme's featured image often sits above the body, outside what body() keeps.
        candidates += [
            image_source(image)
            for image in self.root.xpath(FEATURED_IMAGES)
            if not is_junk_image(image) and not in_chrome(image)
        ]
        for value in candidates:
            if not value or re.match(r"[a-z]+:(?!//)", value, re.IGNORECASE):
                continue  # "http:http://..." (seen in the wild), "data:..."
            resolved = absolute_url(value, self.url)
            if resolved and is_web_url(resolved):
                return resolved
        return None

    def description(self) -> str | None:
        if found := self.override("description"):
            return found
        candidates = [ld_text(self.ld.get("description")), *self.meta_values(*DESCRIPTION_META)]
        return next((squash(value) for value in candidates if squash(value)), None)

    def categories(self) -> list[str]:
        terms = ld_terms(self.ld.get("articleSection")) + ld_terms(self.ld.get("keywords"))
        terms += self.meta_values("article:section", "article:tag")
        terms = terms or marked_terms(self.root)
        return unique(squash(term) for term in terms if 0 < len(squash(term)) <= 60)

    def language(self) -> str | None:
        candidates = [ld_text(self.ld.get("inLanguage")), self.root.get("lang")]
        candidates += self.meta_values(*LANGUAGE_META)
        return next((code for value in candidates if (code := language_code(value))), None)

    def next_page(self) -> str | None:
        selector = self.selectors.get("next_page")
        if selector and (found := select_value(self.root, selector)):
            return absolute_url(found, self.url)
        return find_next_page(self.root, self.url)

    @cached_property
    def byline(self) -> tuple[str | None, str | None]:
        """(date text, author) from the visible byline next to the title."""
        return find_byline(self.root, self.title)

    # -- body --------------------------------------------------------------------------------

    def body(self) -> tuple[str | None, list[tuple[str, str]]]:
        """(body HTML, credit lines such as ("editor", "Ade Marboen")) from the page."""
        selector = self.selectors.get("body")
        if selector and (inner := select_html(self.root, selector)):
            container = lxml.html.fragment_fromstring(inner, create_parent="div")
            return build_body([prune(container)], self.title)
        return extract_body(self.root, self.title, self.embedded, self.ld)


def article_json_ld(root: lxml.html.HtmlElement) -> dict[str, Any]:
    """The page's article object from JSON-LD; {} when there is none or none parses.

    Its author and image are resolved when they only point at another node by "@id" (Yoast
    writes {"@id": ".../#primaryimage"} and puts the ImageObject elsewhere in the @graph).
    """
    nodes: list[dict[str, Any]] = []
    for script in root.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        try:
            data = json.loads(script.text or "", strict=False)  # raw newlines in strings are common
        except (ValueError, RecursionError):
            continue  # broken JSON-LD (trailing commas, comments, several objects): other sources
        nodes += ld_nodes(data)
    articles = [node for node in nodes if is_article(node)]
    with_headline = [node for node in articles if ld_text(node.get("headline"))]
    article = (with_headline or articles or [{}])[0]
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    return {key: resolve_reference(value, by_id) for key, value in article.items()}


def resolve_reference(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """{"@id": X} alone (or a list of them) replaced by the node X, when the page has it."""
    if isinstance(value, list):
        return [resolve_reference(item, by_id) for item in value]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def ld_nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Objects at the top level, in lists, in "@graph" and as a page's "mainEntity"."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from ld_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if isinstance(data.get(key), list | dict):
                yield from ld_nodes(data[key], depth + 1)


def is_article(node: dict[str, Any]) -> bool:
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(
        isinstance(kind, str) and re.split(r"[/:]", kind)[-1].lower() in ARTICLE_TYPES
        for kind in types
    )


def ld_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return next((text for item in value if (text := ld_text(item))), None)
    if isinstance(value, dict):
        return ld_text(value.get("name")) or ld_text(value.get("@value"))
    return None


def ld_people(value: Any) -> list[str]:
    if isinstance(value, str):
        return [] if "://" in value else [squash(value)] if squash(value) else []
    if isinstance(value, list):
        return [name for item in value for name in ld_people(item)]
    if isinstance(value, dict):
        return ld_people(value.get("name"))
    return []


def ld_images(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, list):
        return [url for item in value for url in ld_images(item)]
    if isinstance(value, dict):
        identifier = value.get("@id") if "#" not in str(value.get("@id")) else None
        return ld_images(value.get("url") or value.get("contentUrl") or identifier)
    return []


def ld_terms(value: Any) -> list[str]:
    if isinstance(value, str):
        return [term.strip() for term in value.split(",")]
    if isinstance(value, list):
        return [term for item in value if isinstance(item, str) for term in [item.strip()]]
    return []


def read_meta(root: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Meta content by lower-case property/name/itemprop, in page order."""
    meta: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        value = element.get("content")
        if key and value and value.strip():
            meta.setdefault(key.strip().lower(), []).append(value.strip())
    return meta


def embedded_article(root: lxml.html.HtmlElement) -> dict[str, str]:
    """Body HTML and date from embedded page data (Next.js __NEXT_DATA__), which some sites
    (Jawa Pos) ship instead of a rendered body or JSON-LD: the object with the longest HTML
    string under a body-like key ("content", "body", ...), and a date-like key beside it."""
    script = root.find(".//script[@id='__NEXT_DATA__']")
    if script is None or not script.text:
        return {}
    try:
        data = json.loads(script.text)
    except (ValueError, RecursionError):
        return {}
    best: dict[str, str] = {"body": ""}
    for node in json_objects(data):
        lowered = {str(key).lower(): value for key, value in node.items()}
        bodies = [lowered[key] for key in EMBEDDED_BODY_KEYS & lowered.keys()]
        for body in bodies:
            if isinstance(body, str) and "<p" in body and len(body) > len(best["body"]):
                dates = [lowered.get(name) for name in EMBEDDED_DATE_KEYS]
                published = next((date for date in dates if isinstance(date, str)), "")
                best = {"body": body, "published": published}
    return best if best["body"] else {}


def json_objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in parsed JSON, depth first (nesting limited: it is page data, not ours)."""
    if depth > 12:
        return
    if isinstance(data, dict):
        yield data
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict | list):
                yield from json_objects(item, depth + 1)


def heading_matching(root: lxml.html.HtmlElement, written: str | None) -> str | None:
    """The page's own heading for a title that og:title/<title> decorate with the site name."""
    if not written:
        return None
    key = comparable(written)
    best = None
    for heading in root.iter("h1", "h2", "h3"):
        text = text_of(heading)
        found = len(text) >= 8 and comparable(text) and comparable(text) in key
        if found and (best is None or len(text) > len(best)):
            best = text
    return best


def strip_site_name(title: str | None, site_names: list[str]) -> str | None:
    """ "Judul - Kompas.com Regional" -> "Judul": parts that are the site's name (or a page
    number) go; the title is unchanged when nothing is left."""
    if not title:
        return None
    parts = [p for p in re.split(r"\s+[|–—:-]\s+|\s+::\s+|\s*\|\s*|(?<=\.com):\s+", title) if p]
    kept = [part for part in parts if not is_site_part(part, site_names)]
    return " - ".join(kept) if kept else title


def is_site_part(part: str, site_names: list[str]) -> bool:
    key = comparable(part)
    if re.fullmatch(r"(?:halaman|page|hal)\s*\d+", part.strip(), re.IGNORECASE):
        return True
    return any(
        key.startswith(comparable(name)) and len(key) <= len(comparable(name)) + 15
        for name in site_names
    )


def first_date(candidates: Iterable[str | None]) -> str | None:
    """The first candidate that reads as a date, whitespace collapsed."""
    return next((squash(value) for value in candidates if value and is_date(squash(value))), None)


def marked_terms(root: lxml.html.HtmlElement) -> list[str]:
    """Category and tag links marked with rel (WordPress: rel="category tag", rel="tag"), for
    pages with no JSON-LD or meta terms; categories first, none from sidebars or menus."""
    links = root.xpath("//a[@rel][contains(concat(' ', @rel, ' '), ' tag ')]")
    links = [link for link in links if not in_menu(link)]
    categories = [link for link in links if "category" in link.get("rel", "").split()]
    return [text_of(link) for link in categories + [t for t in links if t not in categories]]


def in_menu(element: lxml.html.HtmlElement) -> bool:
    return any(
        ancestor.tag in ("aside", "nav", "footer") or "widget" in (ancestor.get("class") or "")
        for ancestor in element.iterancestors()
    )


def time_values(root: lxml.html.HtmlElement, *, published: bool) -> Iterator[str]:
    """Dates from itemprop markup, then (for the published date) <time> outside page chrome."""
    prop = "datePublished" if published else "dateModified"
    for element in root.xpath(f"//*[@itemprop='{prop}']"):
        value = element.get("datetime") or element.get("content") or text_of(element)
        if value:
            yield value
    if not published:
        return
    for element in root.iter("time"):
        if not in_chrome(element):
            yield element.get("datetime") or ""
            yield text_of(element)


def in_chrome(element: lxml.html.HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("aside", "nav", "footer") or is_chrome_attribute(ancestor):
            return True
    return False


def is_chrome_attribute(element: lxml.html.HtmlElement) -> bool:
    words = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(words.strip()) and bool(
        CHROME_WORDS.search(words) or CHROME_COMPOUNDS.search(words)
    )


def dom_author(root: lxml.html.HtmlElement) -> str | None:
    """A name marked up as the author outside page chrome: rel=author, itemprop=author, the
    hCard WordPress themes print ("author vcard" ... "fn"), or a link to /author/<name>/."""
    marked = root.xpath(
        "//*[@rel='author' or @itemprop='author']"
        " | //*[contains(concat(' ', normalize-space(@class), ' '), ' vcard ')"
        "       and contains(concat(' ', normalize-space(@class), ' '), ' author ')]"
        "   //*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
        " | //a[contains(@href, '/author/')]"
    )
    for element in marked:
        named = element.xpath(".//*[@itemprop='name']")
        text = text_of(named[0]) if named else text_of(element)
        text = text or (element.get("content") or "").strip()
        text = split_byline(text)[0] or text
        plausible = 2 <= len(text) <= 60 and "://" not in text
        if plausible and not any(char.isdigit() for char in text) and not in_chrome(element):
            return text
    return None


def find_byline(root: lxml.html.HtmlElement, title: str | None) -> tuple[str | None, str | None]:
    """(date text, author) from the byline: the first date after the visible title (else the
    nearest before it), and a "Penulis: X" / "X - Outlet" in front of that date."""
    body = root.find("body")
    if body is None:
        return None, None
    nodes = [
        node
        for node in body.xpath(
            ".//text()[normalize-space()][not(ancestor::script)][not(ancestor::style)]"
        )
        if node.getparent() is not None
    ]
    anchor = title_position(nodes, title)
    if anchor is None:
        order = list(range(min(len(nodes), 4000)))
    else:
        after = range(anchor + 1, min(len(nodes), anchor + 1 + BYLINE_WINDOW))
        order = [*after, *range(anchor, max(-1, anchor - 30), -1)]
    for index in order:
        line = line_of(nodes[index])
        for match in DATE_IN_TEXT.finditer(line):
            text = re.sub(r"\s+,", ",", squash(match.group(0))).strip(" ,|-")
            if is_date(text):
                author, _ = split_byline(line[: match.start()].strip(" ,|-"))
                return text, author or nearby_author(nodes, anchor, index)
    return None, None


def title_position(nodes: list[Any], title: str | None) -> int | None:
    if not title:
        return None
    key = comparable(title)
    candidates = [
        i
        for i, node in enumerate(nodes)
        if comparable(node) in key and comparable(line_of(node)) == key  # cheap test first
    ]
    headings = [i for i in candidates if nodes[i].getparent().tag in HEADINGS]
    return (headings or candidates or [None])[0]


def line_of(node: Any) -> str:
    """The text of a node's element when short (dates split over <span>s), else the node."""
    parent = node.getparent()
    if node.is_text and parent is not None and len(parent) <= 6:
        whole = text_of(parent)
        if len(whole) <= 160:
            return whole
    return squash(node)


def nearby_author(nodes: list[Any], anchor: int | None, end: int) -> str | None:
    start = anchor + 1 if anchor is not None else max(0, end - 5)
    for node in nodes[start:end]:
        author, _ = split_byline(line_of(node))
        if author:
            return author
    return None


def language_code(value: str | None) -> str | None:
    """ "id_ID" -> "id-ID", "In-Id" -> "id-ID" ("in" is the old code for Indonesian)."""
    if not value or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value.strip()):
        return None
    language, *rest = re.split(r"[-_]", value.strip())
    language = "id" if language.lower() == "in" else language.lower()
    return "-".join([language, *(part.upper() if len(part) == 2 else part for part in rest)])


def credit_author(credits: list[tuple[str, str]]) -> str | None:
    """A "Penulis:"/"Reporter:" line in the body, else an "Editor:" line."""
    for wanted in ("author", "editor"):
        if names := [name for role, name in credits if role == wanted]:
            return names[0]
    return None


def first_body_image(body: str, base_url: str) -> str | None:
    for block in fragment_blocks(body):
        for image in block.iter("img"):
            resolved = absolute_url(image_source(image), base_url)
            if resolved and is_web_url(resolved):
                return resolved
    return None


# ---------------------------------------------------------------------------------------------
# Next page of a multi-page article
# ---------------------------------------------------------------------------------------------


def find_next_page(root: lxml.html.HtmlElement, url: str) -> str | None:
    """The next page of this article, or None on the last page or a single-page article.

    Candidates, in order: <link rel=next>, <a rel=next>, "Selanjutnya"/"Next"/"»" links, a
    link numbered with the next page ("2", "Halaman 2", "Page 2"), any link to this article's
    URL with the next page number (?page=2, /2, -2.html). Each must stay on this article.
    """
    current = page_address(url)
    wanted = current.number + 1
    candidates: list[str | None] = []
    candidates += [link.get("href") for link in root.xpath("//link[@href][contains(@rel, 'next')]")]
    anchors = root.xpath("//a[@href]")
    candidates += [a.get("href") for a in anchors if "next" in (a.get("rel") or "").lower().split()]
    labels = {
        a: squash(a.text_content()).lower() or (a.get("aria-label") or "").lower() for a in anchors
    }
    candidates += [a.get("href") for a in anchors if labels[a] in NEXT_TEXTS]
    numbered = {str(wanted), f"halaman {wanted}", f"page {wanted}", f"hal {wanted}"}
    candidates += [
        a.get("href")
        for a in anchors
        if labels[a] in numbered or (a.get("aria-label") or "").lower() in numbered
    ]
    slug = current.base_path.rsplit("/", 1)[-1]
    for anchor in anchors:  # a cheap text test first: a page links to its pages by its slug
        href = anchor.get("href")
        if not (slug in href or href.startswith("?")):
            continue
        resolved = absolute_url(href, url)
        if resolved and page_address(resolved).same_as(current, wanted):
            candidates.append(href)
    for href in candidates:
        resolved = absolute_url(href, url)
        if resolved and is_next_of(resolved, current):
            return resolved
    return None


@dataclass(frozen=True, slots=True)
class PageAddress:
    """A URL split into the article it belongs to and its page number (1 without one)."""

    url: str
    host: str
    base_path: str
    query: tuple[tuple[str, str], ...]
    number: int
    shows_all: bool

    def same_as(self, other: "PageAddress", number: int) -> bool:
        return (
            self.number == number
            and self.host == other.host
            and self.base_path == other.base_path
            and self.query == other.query
        )


def page_address(url: str) -> PageAddress:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path or "/"
    number = 1
    query = []
    shows_all = False
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in PAGE_QUERY_KEYS | {"showpage"} and value.lower() == "all":
            shows_all = True
        elif key.lower() in PAGE_QUERY_KEYS and value.isdigit():
            number = int(value)
        else:
            query.append((key, value))
    match = PAGE_PATH.match(path)
    if match and number == 1 and not match["base"].rsplit("/", 1)[-1].isdigit():
        number = int(match["n"] or match["n2"])
        path = match["base"] + (match["ext"] or "")
    base = re.sub(r"\.html?$|/$", "", path)
    return PageAddress(url, host, base, tuple(sorted(query)), number, shows_all)


def is_next_of(candidate_url: str, current: PageAddress) -> bool:
    """Same host, same article (its path starts with this page's path without the page
    suffix) and a later page: never another article, never this page or an earlier one."""
    candidate = page_address(candidate_url)
    if candidate.host != current.host or candidate.shows_all:
        return False
    if candidate_url.split("#")[0] == current.url.split("#")[0]:
        return False
    if not candidate.base_path.startswith(current.base_path) or len(current.base_path) < 2:
        return False
    if candidate.base_path == current.base_path and candidate.query != current.query:
        return False
    return candidate.number > current.number


# ---------------------------------------------------------------------------------------------
# Body: prune the page, choose the main container, rebuild clean blocks
# ---------------------------------------------------------------------------------------------


def extract_body(
    root: lxml.html.HtmlElement,
    title: str | None,
    embedded: dict[str, str],
    ld: dict[str, Any],
) -> tuple[str | None, list[tuple[str, str]]]:
    """The own extractor first; when it finds almost nothing, embedded page data, trafilatura
    (on the pruned page: 5-10 times faster than on the raw one, and no chrome to keep) and
    JSON-LD articleBody, in that order."""
    body = root.find("body")
    if body is None:
        return None, []
    prune(body)
    fallbacks: list[Callable[[], tuple[str | None, list[tuple[str, str]]]]] = [
        lambda: build_fragment(embedded.get("body"), title),
        lambda: build_fragment(
            run_trafilatura(lxml.html.tostring(root, encoding="unicode")), title
        ),
        lambda: build_fragment(plain_text_html(ld_text(ld.get("articleBody"))), title),
    ]
    best = build_body(choose_main(body), title)
    for fallback in fallbacks:
        if prose_size(best[0]) >= FALLBACK_BELOW:
            break
        candidate = fallback()
        # Another source must do clearly better: on a photo page with one caption-length
        # paragraph, trafilatura's extra text is the "related photos" list, not article.
        if prose_size(candidate[0]) > 1.5 * prose_size(best[0]) + 50:
            best = candidate
    return best


def prose_size(html: str | None) -> int:
    """Characters in real paragraphs and captions (80 characters or more each): the measure
    of a body, in which headings, link lists and "Vote Photo" lines do not count."""
    return sum(
        len(text)
        for block in fragment_blocks(html)
        if block.tag in PROSE_BLOCKS and len(text := text_of(block)) >= 80
    )


def build_fragment(html: str | None, title: str | None) -> tuple[str | None, list[tuple[str, str]]]:
    if not html or not html.strip():
        return None, []
    container = lxml.html.fragment_fromstring(html, create_parent="div")
    return build_body([prune(container)], title)


def plain_text_html(text: str | None) -> str | None:
    if not text:
        return None
    paragraphs = [squash(line) for line in text.splitlines() if squash(line)]
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


@cache
def trafilatura_module() -> ModuleType | None:
    """Trafilatura is optional: without it (or with a broken install) the fallback is skipped.
    Imported on first use: it is slow to import and most pages never need it."""
    try:
        import trafilatura
    except ImportError:
        return None
    return trafilatura


def run_trafilatura(html: str) -> str | None:
    """Trafilatura's main text as HTML. Only the text is used: its date guess starts from the
    dateline and drops the time, so dates never come from it."""
    trafilatura = trafilatura_module()
    if trafilatura is None:
        return None
    try:
        return trafilatura.extract(
            html,
            output_format="html",
            include_images=True,
            include_formatting=True,
            include_comments=False,
            include_tables=True,
            include_links=True,  # the link-based chrome rules need them
            favor_precision=True,
            with_metadata=False,
        )
    except Exception:  # a third-party failure must not lose the page
        return None


# -- pruning ----------------------------------------------------------------------------------


def prune(container: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Remove what is never article text: scripts, navigation, hidden parts, chrome by class
    and by label. Returns the container for chaining."""
    drop_non_content(container)
    total = long_paragraph_text(container)
    for element in list(container.iter()):
        if element is container or not isinstance(element.tag, str):
            continue
        chrome = is_hidden(element) or is_chrome_attribute(element)
        if chrome and not holds_the_article(element, total):
            element.drop_tree()
    remove_labelled_chrome(container)
    return container


def drop_non_content(container: lxml.html.HtmlElement) -> None:
    for element in list(container.iter(etree.Comment, etree.ProcessingInstruction)):
        element.drop_tree()  # keeps the text after it
    for noscript in list(container.iter("noscript")):
        # Lazy-loading themes repeat the image in <noscript>: keep it only when it is the only one.
        parent = noscript.getparent()
        if parent is not None and parent.find("img") is not None:
            noscript.drop_tree()
        else:
            noscript.drop_tag()
    for element in list(container.iter(*DROP_TAGS)):
        if element is not container:
            element.drop_tree()


def is_hidden(element: lxml.html.HtmlElement) -> bool:
    return element.get("hidden") is not None or bool(
        HIDDEN_STYLE.search(element.get("style") or "")
    )


def long_paragraph_text(container: lxml.html.HtmlElement) -> int:
    return sum(len(text) for p in container.iter("p") if len(text := text_of(p)) >= 80)


def holds_the_article(element: lxml.html.HtmlElement, total: int) -> bool:
    """A chrome-looking class on the element that wraps the article (body class "sidebar-right",
    a "hidden-print" wrapper) must not take the article with it."""
    if total == 0 or element.find(".//p") is None:
        return False
    return long_paragraph_text(element) * 2 >= total


def remove_labelled_chrome(container: lxml.html.HtmlElement) -> None:
    """Boxes recognised by their words: "Baca juga: <a>", "ADVERTISEMENT", follow prompts."""
    for node in container.xpath(".//text()[normalize-space()]"):
        if len(node) > 600:
            continue  # a paragraph of prose, not a label
        text = squash(node)
        label = related_label(text)
        chrome = label is None and (
            EXACT_CHROME.match(text.strip(" .:"))
            or (len(text) < 300 and FOLLOW_PROMPT.search(text))
        )
        element = node.getparent()
        if not (label or chrome) or element is None or not is_attached(element, container):
            continue  # nothing to remove, or already removed with an earlier box
        if label:
            remove_related(node, element, label, container)
        else:
            remove_box(element, container, len(text))


def is_attached(element: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


def remove_box(element: lxml.html.HtmlElement, container: lxml.html.HtmlElement, size: int) -> None:
    """Remove the largest ancestor holding nothing but this text (and a few characters)."""
    box = element
    while box.getparent() is not None and box.getparent() is not container:
        if len(text_of(box.getparent())) > size + 20:
            break
        box = box.getparent()
    if box is not container and len(text_of(box)) <= size + 20:
        box.drop_tree()


def related_label(text: str) -> str | None:
    """The related-links label `text` starts with; a weak one only with a colon or alone."""
    if strong := STRONG_LABEL.match(text):
        return strong.group(0)
    weak = WEAK_LABEL.match(text)
    if weak and (weak.group(0).rstrip().endswith(":") or len(weak.group(0)) == len(text)):
        return weak.group(0)
    return None


def remove_related(
    node: Any, element: lxml.html.HtmlElement, label: str, container: lxml.html.HtmlElement
) -> None:
    """A related-links label: drop its box when the box is only the label and links, else
    (inside a paragraph) only the label and the links right after it."""
    label_size = len(squash(label))
    if node.is_tail:  # "... text <br>Baca juga: <a>..</a>": the label follows an element
        if label.rstrip().endswith(":") and is_link(element.getnext()):
            element.tail = None
            drop_following_links(element)
        return
    box = element
    while box.getparent() is not None and box.getparent() is not container:
        if prose_length(box.getparent()) - label_size > 30:
            break
        box = box.getparent()
    prose = prose_length(box) - label_size
    if box.find(".//a") is None and prose <= 3:  # the label alone: its links follow it
        drop_following_links(box)
        box.drop_tree()
    elif box.find(".//a") is not None and prose <= 30 and link_density(box) >= 0.4:
        box.drop_tree()
    elif squash(node) == squash(label) and is_link(element.find("a")):
        # "<p>Baca juga: <a>..</a> and then real text</p>": cut the label and its links.
        element.text = None
        link = element.find("a")
        drop_following_links(link)
        link.drop_tree()


def prose_length(element: lxml.html.HtmlElement) -> int:
    """Characters of text outside links."""
    links = sum(len(text_of(a)) for a in element.iter("a"))
    return len(text_of(element)) - links


def is_link(element: Any) -> bool:
    return element is not None and element.tag == "a"


def drop_following_links(element: lxml.html.HtmlElement) -> None:
    """Drop the siblings after `element` that are links or boxes of links, up to real text
    (dropping a sibling moves its tail onto `element`, which then stops the loop)."""
    while not (element.tail or "").strip():
        sibling = element.getnext()
        if sibling is None or not isinstance(sibling.tag, str) or not is_link_box(sibling):
            return
        sibling.drop_tree()


def is_link_box(element: lxml.html.HtmlElement) -> bool:
    if element.tag == "br":
        return False
    text = text_of(element)
    if not text:
        return element.find(".//img") is None
    return prose_length(element) <= 3


# -- choosing the main container --------------------------------------------------------------


def choose_main(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The container whose paragraphs carry the most prose (readability's idea: each paragraph
    credits its parent fully, its grandparent half, its great-grandparent a third), discounted
    by link density, plus siblings that score well too."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("a", "figure", "figcaption"):
            continue
        own = own_text(element)
        if len(own) < (MIN_PARAGRAPH if element.tag != "li" else 80):
            continue  # list items count only when they are sentences, not headlines
        # Text split by <br><br> is that many paragraphs (sites without <p>).
        paragraphs = 1 + sum(1 for br in element.iterchildren("br") if is_double_break(br))
        score = paragraphs + own.count(",") + min(len(own) / 100, 3 * paragraphs)
        # A <p>, or a <div> holding only text, is a paragraph and credits its container; a
        # <div> mixing text with blocks is itself the container.
        is_paragraph = element.tag in PARAGRAPH_TAGS or not has_blocks(element)
        holder = element.getparent() if is_paragraph else element
        for level, ancestor in enumerate(ancestors_from(holder, 3)):
            scores[ancestor] = scores.get(ancestor, 0) + score / (1, 2, 3)[level]
    if not scores:
        return [body]
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:8]
    best = max(ranked, key=lambda element: scores[element] * (1 - link_density(element)))
    return with_good_siblings(best, scores[best] * (1 - link_density(best)), scores)


def is_double_break(br: lxml.html.HtmlElement) -> bool:
    """A <br> followed (after only whitespace) by another <br>."""
    following = br.getnext()
    return following is not None and following.tag == "br" and not (br.tail or "").strip()


def own_text(element: lxml.html.HtmlElement) -> str:
    """Text of the element and its inline children, without its block children."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS and not has_blocks(child):
            pieces.append(child.text_content())
        pieces.append(child.tail or "")
    return squash("".join(pieces))


def ancestors_from(element: Any, count: int) -> list[lxml.html.HtmlElement]:
    found = []
    while element is not None and len(found) < count:
        if element.tag in ("html", "head"):
            break
        found.append(element)
        element = element.getparent()
    return found


def link_density(element: lxml.html.HtmlElement) -> float:
    length = len(text_of(element))
    return 0.0 if length == 0 else (length - prose_length(element)) / length


def with_good_siblings(
    best: lxml.html.HtmlElement, best_score: float, scores: dict[lxml.html.HtmlElement, float]
) -> list[lxml.html.HtmlElement]:
    parent = best.getparent()
    if parent is None or best.tag == "body":
        return [best]
    threshold = max(10.0, best_score * 0.2)
    kept = []
    for sibling in parent:
        if sibling is best:
            kept.append(sibling)
        elif not isinstance(sibling.tag, str):
            continue
        elif scores.get(sibling, 0) * (1 - link_density(sibling)) >= threshold or (
            sibling.tag == "p" and len(text_of(sibling)) > 80 and link_density(sibling) < 0.25
        ):
            kept.append(sibling)
    return kept


def has_blocks(element: lxml.html.HtmlElement) -> bool:
    return any(d.tag in BLOCK_TAGS for d in element.iterdescendants() if isinstance(d.tag, str))


# -- rebuilding clean blocks -------------------------------------------------------------------


def build_body(
    containers: list[lxml.html.HtmlElement], title: str | None
) -> tuple[str | None, list[tuple[str, str]]]:
    builder = BodyBuilder(title)
    for container in containers:
        builder.add_block(container)
    html = "".join(lxml.html.tostring(block, encoding="unicode") for block in builder.blocks)
    return html or None, builder.credits


class BodyBuilder:
    """Walks the chosen containers and emits clean blocks: <p>, <h2>-<h4>, lists, quotes,
    tables and <figure><img><figcaption>. Text between blocks becomes paragraphs; credit lines,
    the title, byline dates and repeats are left out; captions go with their image."""

    def __init__(self, title: str | None) -> None:
        self.title = title
        self.blocks: list[lxml.html.HtmlElement] = []
        self.credits: list[tuple[str, str]] = []
        self.seen_text: set[str] = set()
        self.seen_images: set[str] = set()
        self.open_figure: lxml.html.HtmlElement | None = None  # may still take a caption
        self.dateline: str | None = None  # a paragraph that is only "JAKARTA -"

    # -- walking ---------------------------------------------------------------------------

    def add_block(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag
        if tag == "figure" or (tag not in ("p", "table") and looks_like_figure(element)):
            self.add_figure(element)
        elif tag in ("img", "picture"):
            self.add_image(element)
        elif tag in HEADINGS:
            self.add_heading(element)
        elif tag == "p":
            self.add_runs(run_of(element))
        elif tag in ("ul", "ol", "dl"):
            self.add_copy(element, max_link_density=0.5)
        elif tag in ("blockquote", "pre"):
            self.add_copy(element, max_link_density=0.8)
        elif tag == "table" and not is_layout_table(element):
            self.add_copy(element, max_link_density=0.5)
        elif tag == "figcaption":
            self.add_caption(text_of(element))
        elif tag in ("br", "hr"):
            return
        elif text_of(element) and link_density(element) > 0.6 and prose_length(element) < 80:
            return  # a box of links that escaped pruning
        else:
            self.add_container(element)

    def add_container(self, element: lxml.html.HtmlElement) -> None:
        run: list[Any] = [element.text] if element.text else []
        for child in element:
            if not isinstance(child.tag, str):
                pass
            elif child.tag in BLOCK_TAGS or has_blocks(child):
                self.add_runs(run)
                run = []
                self.add_block(child)
            else:
                run.append(child)
            if child.tail:
                run.append(child.tail)
        self.add_runs(run)

    def add_runs(self, run: list[Any]) -> None:
        for segment in split_on_double_breaks(run):
            self.add_run(segment)

    def add_run(self, segment: list[Any]) -> None:
        """One paragraph's worth of text and inline elements."""
        segment = trim_breaks(segment)
        text = squash(
            "".join(item if isinstance(item, str) else item.text_content() for item in segment)
        )
        images = [img for item in segment if not isinstance(item, str) for img in item_images(item)]
        if not text:
            for image in images:
                self.add_image(image)
            return
        location, rest = split_dateline(text)
        if (location is not None or rest != text) and not rest:
            self.dateline = text  # "JAKARTA -" alone: it opens the next paragraph
            return
        if self.is_left_out(text) or is_link_list(segment, text):
            return
        if len(images) == 1 and (is_caption_text(text) or same_text(text, images[0].get("alt"))):
            self.add_image(images[0])
            self.add_caption(text)
            return
        if is_caption_text(text):
            self.add_caption(text)
            return
        paragraph = build_element("p", segment)
        if self.dateline:
            paragraph.text = f"{self.dateline} {paragraph.text or ''}"
            self.dateline = None
        self.emit(paragraph, text)

    def is_left_out(self, text: str) -> bool:
        """Credits, copyright, the title, a byline date, chrome and repeated paragraphs."""
        if CREDIT_LINE.match(text) and len(text) < 160:
            credits, _ = byline_credits(text)
            self.credits += credits
            return True
        if COPYRIGHT_LINE.match(text) and len(text) < 160:
            return True
        if same_text(text, self.title) or EXACT_CHROME.match(text.strip(" .:")):
            return True
        if len(text) < 300 and FOLLOW_PROMPT.search(text):
            return True
        label = related_label(text)
        headline = label and label.rstrip().endswith(":") and STRONG_LABEL.match(label)
        if label and len(text) < 200 and (len(label) >= len(text) - 3 or headline):
            return True  # the label alone, or "Baca juga: <headline>" with or without its link
        if len(text) < 120 and (date := DATE_IN_TEXT.search(text)) and is_date(date.group(0)):
            before = text[: date.start()].strip(" ,|-")
            return len(text) - len(date.group(0)) < 45 or split_byline(before)[0] is not None
        key = comparable(text)
        return len(key) > 40 and key in self.seen_text

    def add_heading(self, element: lxml.html.HtmlElement) -> None:
        text = text_of(element)
        if not text or same_text(text, self.title) or self.is_left_out(text):
            return
        heading = lxml.html.Element("h2" if element.tag == "h1" else element.tag)
        heading.text = text
        self.emit(heading, text)

    def add_copy(self, element: lxml.html.HtmlElement, *, max_link_density: float) -> None:
        text = text_of(element)
        if not text or link_density(element) > max_link_density or self.is_left_out(text):
            return
        self.emit(clean_copy(element), text)

    def add_figure(self, element: lxml.html.HtmlElement) -> None:
        images = [img for img in element.iter("img") if not is_junk_image(img)]
        captions = [text_of(c) for c in element.iter("figcaption")] or [
            text_of(c) for c in caption_elements(element)
        ]
        caption = squash(" ".join(captions)) if captions else ""
        if not captions and element.tag != "figure":
            caption = text_of(element)
        if not images:
            if caption:
                self.add_caption(caption)
            return
        self.add_image(images[0])
        if caption:
            self.add_caption(caption)

    def add_image(self, image: lxml.html.HtmlElement) -> None:
        if image.tag == "picture":
            image = image.find(".//img")
            if image is None:
                return
        source = image_source(image)
        if not source or is_junk_image(image) or source in self.seen_images:
            return
        self.seen_images.add(source)
        figure = lxml.html.Element("figure")
        figure.append(clean_copy(image))
        self.emit(figure, "")
        self.open_figure = figure

    def add_caption(self, text: str) -> None:
        """A caption joins the image right before it; repeated captions appear once."""
        text = squash(text)
        key = comparable(text)
        if not key or key in self.seen_text:
            return
        self.seen_text.add(key)
        figure = self.open_figure
        if figure is not None and figure.find("figcaption") is None:
            caption = etree.SubElement(figure, "figcaption")
            caption.text = text
            return
        paragraph = lxml.html.Element("p", {"class": "caption"})
        paragraph.text = text
        self.blocks.append(paragraph)
        self.open_figure = None

    def emit(self, block: lxml.html.HtmlElement, text: str) -> None:
        if text:
            self.seen_text.add(comparable(text))
        self.blocks.append(block)
        self.open_figure = None


def is_link_list(segment: list[Any], text: str) -> bool:
    """Text that is (nearly) all links: "related" lists that escaped the labels."""
    links = [a for item in segment if not isinstance(item, str) for a in item.iter("a")]
    link_text = sum(len(text_of(a)) for a in links)
    return bool(links) and link_text >= 0.9 * len(text) and (len(links) > 1 or len(text) < 120)


def caption_elements(element: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Descendants marked as captions, innermost only (a "wp-caption" wraps "wp-caption-text")."""
    marked = [
        child
        for child in element.iterdescendants()
        if isinstance(child.tag, str) and CAPTION_CLASS.search(child.get("class") or "")
    ]
    return [
        child for child in marked if not any(other in marked for other in child.iterdescendants())
    ]


def looks_like_figure(element: lxml.html.HtmlElement) -> bool:
    """A wrapper holding one image and at most a short caption (<div class="img-article">)."""
    images = [img for img in element.iter("img") if not is_junk_image(img)]
    if len(images) != 1 or len(element.findall(".//p")) > 1:
        return False
    text = text_of(element)
    return len(text) <= MAX_CAPTION and (
        not text or is_caption_text(text) or has_caption_child(element)
    )


def has_caption_child(element: lxml.html.HtmlElement) -> bool:
    return any(
        child.tag == "figcaption" or CAPTION_CLASS.search(child.get("class") or "")
        for child in element.iterdescendants()
        if isinstance(child.tag, str)
    )


def is_caption_text(text: str) -> bool:
    return len(text) <= MAX_CAPTION and bool(CAPTION_TEXT.search(text)) and text.count(". ") <= 2


def is_layout_table(table: lxml.html.HtmlElement) -> bool:
    """A table used for layout holds paragraphs or long text in its cells."""
    return (
        table.find(".//p") is not None
        or table.find(".//div") is not None
        or any(len(own_text(cell)) > 200 for cell in table.iter("td"))
    )


FEATURED_IMAGES = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-thumbnail ')]//img"
    " | //img[contains(concat(' ', normalize-space(@class), ' '), ' wp-post-image ')]"
    " | //article//figure//img"
)


def image_source(image: lxml.html.HtmlElement) -> str | None:
    for name in (*LAZY_SOURCES, "src"):
        value = (image.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def is_junk_image(image: lxml.html.HtmlElement) -> bool:
    """Icons, logos, avatars and tracking pixels are not the article's pictures."""
    source = image_source(image) or ""
    if not source or JUNK_IMAGE.search(source) or JUNK_IMAGE.search(image.get("class") or ""):
        return True
    for name in ("width", "height"):
        value = (image.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < 60:
            return True
    return False


def item_images(item: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [item] if item.tag == "img" else list(item.iter("img"))


def run_of(element: lxml.html.HtmlElement) -> list[Any]:
    run: list[Any] = [element.text] if element.text else []
    for child in element:
        if isinstance(child.tag, str):
            run.append(child)
        if child.tail:
            run.append(child.tail)
    return run


def split_on_double_breaks(run: list[Any]) -> list[list[Any]]:
    """Text separated by two or more <br> is two paragraphs (sites without <p>)."""
    segments: list[list[Any]] = [[]]
    breaks = 0
    for item in run:
        if not isinstance(item, str) and item.tag == "br":
            breaks += 1
            if breaks == 2:
                segments.append([])
            if breaks < 2:
                segments[-1].append(item)
            continue
        if isinstance(item, str) and not item.strip():
            segments[-1].append(item)
            continue
        breaks = 0
        segments[-1].append(item)
    return [segment for segment in segments if segment]


def trim_breaks(segment: list[Any]) -> list[Any]:
    def blank(item: Any) -> bool:
        return (isinstance(item, str) and not item.strip()) or (
            not isinstance(item, str) and item.tag == "br"
        )

    start, end = 0, len(segment)
    while start < end and blank(segment[start]):
        start += 1
    while end > start and blank(segment[end - 1]):
        end -= 1
    return segment[start:end]


def build_element(tag: str, segment: list[Any]) -> lxml.html.HtmlElement:
    element = lxml.html.Element(tag)
    last = None
    for item in segment:
        if isinstance(item, str):
            if last is None:
                element.text = (element.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            last = clean_copy(item)
            element.append(last)
    element.text = (element.text or "").lstrip() or None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip() or None
    elif last is None and element.text:
        element.text = element.text.rstrip()
    return element


def clean_copy(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy without the tail and with only the attributes a reader needs."""
    duplicate = copy.deepcopy(element)
    duplicate.tail = None
    for node in duplicate.iter():
        if not isinstance(node.tag, str):
            continue
        allowed = KEEP_ATTRIBUTES.get(node.tag, frozenset())
        if any(name not in allowed for name in node.attrib):
            # Cleared and set again rather than deleted one by one: lxml refuses to delete
            # (by name) an attribute whose name it considers invalid, such as "{".
            kept = {name: value for name, value in node.attrib.items() if name in allowed}
            node.attrib.clear()
            node.attrib.update(kept)
    return duplicate


# -- fragments (for join_pages and measuring) ---------------------------------------------------


def fragment_blocks(html: str | None) -> list[lxml.html.HtmlElement]:
    if not html or not html.strip():
        return []
    try:
        container = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return [child for child in container if isinstance(child.tag, str)]


def block_key(block: lxml.html.HtmlElement) -> str:
    """What makes two blocks the same: their text, or for a figure its image."""
    image = block.find(".//img") if block.tag == "figure" else None
    if image is not None:
        return "img:" + (image_source(image) or "")
    return comparable(text_of(block))
