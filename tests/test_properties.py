"""Property tests: whatever a source sends, what we publish is safe and well-formed.

Hand-picked malicious fixtures (test_run.py, test_normalise.py) catch the attacks someone
thought of; these generate thousands of combinations of tags, attributes, schemes, entity
encodings, control characters and broken nesting, and push each one through the real
normalise -> store -> publish path. Runs are derandomised so CI failures reproduce.
"""

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.config import Settings, load_settings
from feeds.extract import RawEntry
from feeds.fetch import Validators
from feeds.normalise.article import normalise_entry
from feeds.normalise.html import clean_html
from feeds.publish import publish_all
from feeds.store import Store
from tests.conftest import Workspace, feed_problems

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")
BASE_URL = "https://sumber.example/berita/"
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}

# --- strategies --------------------------------------------------------------------------

TAGS = ["script", "style", "iframe", "object", "embed", "svg", "math", "form", "img", "a", "p",
        "div", "source", "picture", "input", "button", "link", "meta", "base", "frame",
        "template", "noscript", "textarea", "video", "annotation-xml", "mglyph", "use"]  # fmt: skip
ATTRIBUTE_NAMES = ["onclick", "onerror", "ONLOAD", "OnMouseOver", "onfocus", "style", "href",
                   "src", "srcset", "data-src", "data-lazy-src", "data-srcset", "xlink:href",
                   "action", "formaction", "title", "alt", "class", "background", "poster",
                   "data", "cite", "lowsrc", "dynsrc", "width"]  # fmt: skip
HOSTILE_VALUES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "jav&#x61;script:alert(1)",
    "&#106;avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\x00script:alert(1)",
    " \x01\x1fjavascript:alert(1)",
    "\u00a0javascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "d&#x61;ta:text/html,x",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "javascript:alert(1) 1x, https://ok.example/a.jpg 2x",
    "https://ok.example/a.jpg 1x, javascript:alert(1) 2x",
    "expression(alert(1))",
    "background:url(javascript:alert(1))",
    "alert(1)",
    "https://ok.example/gambar.jpg",
    "/relatif/gambar.jpg",
    "//evil.example/x",
    "gambar.jpg?utm_source=x",
    "mailto:redaksi@example.id",
    "",
]


def attribute_value() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.tuples(st.sampled_from(HOSTILE_VALUES), st.text(max_size=5)).map("".join),
        st.text(max_size=20),
    )


def quoted(value: str, quote: str) -> str:
    if quote == "":
        return value.replace(" ", "").replace(">", "") or "x"
    return value.replace(quote, "")


@st.composite
def open_tag(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(TAGS))
    tag = draw(st.sampled_from([tag, tag.upper(), tag.title()]))
    parts = [tag]
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(ATTRIBUTE_NAMES))
        quote = draw(st.sampled_from(['"', "'", ""]))
        value = quoted(draw(attribute_value()), quote)
        separator = draw(st.sampled_from([" ", "\n", "/", "\t"]))
        parts.append(f"{separator}{name}={quote}{value}{quote}")
    closing = draw(st.sampled_from([">", "/>", " >", ""]))
    return "<" + "".join(parts) + closing


PIECES = st.one_of(
    open_tag(),
    st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
    st.text(max_size=15),
    st.sampled_from(
        [
            "<!-- komentar -->",
            "<!--<script>alert(1)</script>-->",
            "<!--[if IE]><script>alert(1)</script><![endif]-->",
            "<![CDATA[<script>alert(1)</script>]]>",
            "<!DOCTYPE html>",
            "<?xml-stylesheet href='javascript:alert(1)'?>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "<scr<script>ipt>alert(1)</script>",
            "<svg><script>alert(1)</script></svg>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
            "<a href='javascript:alert(1)'>klik</a>",
            "<img src=x onerror=alert(1)//",
            "<style>@import 'javascript:alert(1)';</style>",
            "<p style='background:url(javascript:alert(1))'>x</p>",
            "<object data='data:text/html,x'></object>",
            "<embed src='javascript:alert(1)'>",
            "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
            "<form action='javascript:alert(1)'><button formaction=javascript:alert(1)>x",
            "<img data-src='javascript:alert(1)' src='data:image/gif;base64,R0lGOD'>",
            "<img data-srcset='javascript:alert(1) 1x' src='placeholder.gif'>",
            "\x00",
            "\ufffe",
        ]
    ),
)
HTML_SOUP = st.lists(PIECES, max_size=25).map("".join)

# Every character, control characters and lone surrogates included; Python strings hold them,
# so a source's JSON Feed can hand them to us.
ANY_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
    max_size=40,
)
NASTY_TEXT = st.one_of(
    ANY_TEXT,
    st.lists(
        st.sampled_from(["\x00", "\x01", "\x0b", "\x0c", "\ufffe", "\uffff", "\ud800", "\udfff",
                         "]]>", "&", "<", ">", "&amp;", "&#0;", "&#x1;", "\"", "'", " ", "\t",
                         "\r\n", "\u2028", "\U0001f600", "é", "\u202e", "--", "<![CDATA["]),
        max_size=12,
    ).map("".join),
)  # fmt: skip

# --- checks ------------------------------------------------------------------------------

FORBIDDEN_ELEMENTS = {"script", "style", "iframe", "object", "embed", "form", "frame", "base",
                      "link", "meta", "svg", "math"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "background",
                  "poster", "data", "cite", "lowsrc", "dynsrc"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


def squeeze(url: str) -> str:
    """The URL as a browser reads its scheme: leading/embedded controls and spaces dropped."""
    return "".join(ch for ch in url if ord(ch) > 0x20 and ch != "\u00a0").lower()


def url_candidates(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [candidate.strip().split(" ")[0] for candidate in value.split(",")]
    return [value]


def html_problems(fragment: str, where: str) -> list[str]:
    """Unsafe markup in a published HTML fragment, found by parsing it as a browser would."""
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return element_problems(root, where)


def element_problems(root: lxml.html.HtmlElement, where: str) -> list[str]:
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions carry no behaviour
        tag = element.tag.lower()
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"{where}: <{tag}> element")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                problems.append(f"{where}: <{tag} {name}=…> handler")
            if lowered == "style":
                problems.append(f"{where}: <{tag} style=…>")
            if lowered not in URL_ATTRIBUTES:
                continue
            for url in url_candidates(lowered, value):
                squeezed = squeeze(url)
                if tag == "img" and lowered == "src" and squeezed.startswith("data:image/"):
                    continue
                if squeezed.startswith(BAD_SCHEMES):
                    problems.append(f"{where}: <{tag} {name}={value!r}>")
    return problems


def page_problems(document: bytes) -> list[str]:
    """index.html is our own page: its one <style> in <head> is ours; nothing else may be."""
    root = lxml.html.document_fromstring(document)
    problems = element_problems(root.body, "index.html body")
    head = root.head
    for element in head.iter():
        if isinstance(element.tag, str) and element.tag in ("script", "iframe", "object", "embed"):
            problems.append(f"index.html head: <{element.tag}>")
    return problems


def published_fragments(output: Path, slug: str = "berita-terkini") -> Iterator[tuple[str, str]]:
    """Every HTML fragment the feeds publish: RSS content:encoded and description, Atom
    content and summary, JSON Feed content_html."""
    rss = etree.fromstring((output / f"{slug}.rss").read_bytes(), SAFE_XML)
    for item in rss.iter("item"):
        yield "rss description", item.findtext("description") or ""
        yield "rss content:encoded", item.findtext("content:encoded", namespaces=NS) or ""
    atom = etree.fromstring((output / f"{slug}.atom").read_bytes(), SAFE_XML)
    for entry in atom.iterfind("atom:entry", NS):
        yield "atom content", entry.findtext("atom:content", namespaces=NS) or ""
        yield "atom summary", entry.findtext("atom:summary", namespaces=NS) or ""
    feed = json.loads((output / f"{slug}.json").read_bytes())
    for item in feed["items"]:
        yield "json content_html", item.get("content_html", "")


# --- the pipeline ------------------------------------------------------------------------


@dataclass
class Pipeline:
    settings: Settings
    store: Store

    @property
    def output(self) -> Path:
        return self.settings.output_dir

    def publish(self, *entries: RawEntry) -> None:
        articles = [
            article
            for entry in entries
            if (article := normalise_entry(entry, source_id="sumber", timezone=JAKARTA,
                                           fetched_at=NOW)) is not None
        ]  # fmt: skip
        self.store.save_fetch(
            "sumber",
            BASE_URL + "feed.xml",
            articles,
            validators=Validators(),
            status=200,
            fetched_at=NOW,
            warnings=[],
            moved_to=None,
        )
        publish_all(self.settings, self.store, now=NOW)


@contextmanager
def pipeline() -> Iterator[Pipeline]:
    """A fresh sources.yaml, SQLite file and output folder for one example."""
    with tempfile.TemporaryDirectory(prefix="feeds-prop-") as folder:
        workspace = Workspace(Path(folder))
        workspace.write_config([{"id": "sumber", "name": "Sumber", "url": BASE_URL + "feed.xml"}])
        loaded = load_settings(
            workspace.config,
            database_url=f"sqlite:///{workspace.database}",
            output_dir=workspace.output,
        )
        store = Store(loaded.database_url)
        try:
            yield Pipeline(loaded, store)
        finally:
            store.close()


# --- properties --------------------------------------------------------------------------


@settings(SETTINGS, max_examples=400)
@given(soup=HTML_SOUP)
def test_clean_html_never_lets_active_content_through(soup: str) -> None:
    """The sanitiser on its own, fast, many examples: nothing executable survives, whatever
    the nesting, case, entity encoding or control characters."""
    cleaned = clean_html(soup, base_url=BASE_URL)
    assert html_problems(cleaned, "clean_html") == []
    # Sanitising is stable: cleaning clean output changes nothing a browser would run.
    assert html_problems(clean_html(cleaned, base_url=BASE_URL), "clean_html twice") == []


@SETTINGS
@given(content=HTML_SOUP, summary=HTML_SOUP, title=HTML_SOUP)
def test_published_html_is_safe_end_to_end(content: str, summary: str, title: str) -> None:
    """Through normalise -> store -> publish: every HTML fragment in RSS, Atom, JSON Feed and
    the index page is free of scripts, handlers and dangerous URLs."""
    entry = RawEntry(
        link=BASE_URL + "artikel-1",
        title=title,
        summary_html=summary,
        content_html=content,
        published="2026-11-27T10:00:00+07:00",
        base_url=BASE_URL,
    )
    summary_only = RawEntry(
        link=BASE_URL + "artikel-2",
        title=title,
        summary_html=content,
        published="2026-11-27T09:00:00+07:00",
        base_url=BASE_URL,
    )
    with pipeline() as run:
        run.publish(entry, summary_only)
        problems = []
        for where, fragment in published_fragments(run.output):
            problems += html_problems(fragment, where)
        problems += page_problems((run.output / "index.html").read_bytes())
        assert problems == []


@SETTINGS
@given(
    title=NASTY_TEXT,
    author=NASTY_TEXT,
    category=NASTY_TEXT,
    summary=NASTY_TEXT,
    guid=NASTY_TEXT,
    path=NASTY_TEXT,
)
def test_any_text_gives_well_formed_valid_feeds(
    title: str, author: str, category: str, summary: str, guid: str, path: str
) -> None:
    """Sources can send any characters (JSON Feed carries what XML forbids): each field with
    arbitrary text still gives RSS and Atom that parse and pass the validator's rules, and a
    JSON Feed that parses."""
    entries = [
        RawEntry(
            guid=guid or None,
            link=f"https://sumber.example/{path}",
            title=title,
            summary_html=summary,
            authors=[author],
            categories=[category],
            published="2026-11-27T10:00:00+07:00",
            base_url=BASE_URL,
        ),
        # Without a link the guid (or title) becomes the id: it must still be a valid one.
        RawEntry(
            guid=guid or None,
            title=title,
            summary_html=summary,
            authors=[author],
            categories=[category],
            published="2026-11-27T09:00:00+07:00",
        ),
    ]
    with pipeline() as run:
        run.publish(*entries)
        for name in ("berita-terkini.rss", "berita-terkini.atom", "index.html"):
            data = (run.output / name).read_bytes()
            if name.endswith(".html"):
                lxml.html.document_fromstring(data)
            else:
                etree.fromstring(data, SAFE_XML)
        feed = json.loads((run.output / "berita-terkini.json").read_bytes())
        assert isinstance(feed["items"], list)
        errors = [p for p in feed_problems(run.output) if p.startswith("error:")]
        assert errors == []
