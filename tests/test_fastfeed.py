"""The lxml fast path reads exactly what the feedparser path reads, or declines.

Every feed file we have (fixtures, snapshot, ../shared/corpus/, a generated benchmark corpus) goes
through `parse_feed` (fast path first) and `parse_with_feedparser` (the reference): the two
ExtractResults must be equal field by field, and so must the Articles normalise makes of them.
A declined document (parse_fast -> None) is still compared: parse_feed must then be feedparser.
"""

import copy
import random
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.extract import ExtractError, fastfeed, parse_feed
from feeds.extract.feed import parse_with_feedparser
from feeds.extract.screen import drop_unknown_encoding, repair_utf8, strip_internal_subset
from feeds.normalise.article import normalise_entry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIXTURE_FILES = sorted(
    [p for p in (ROOT / "tests" / "fixtures" / "feeds").iterdir() if p.suffix in (".xml", ".rdf")]
    + [p for p in (ROOT / "snapshot" / "feeds").iterdir() if p.suffix in (".rss", ".atom")]
    + [
        ROOT / "tests/fixtures/sites/discovery/a/rss.xml",
        ROOT / "tests/fixtures/sites/discovery/b/feed",
        ROOT / "tests/fixtures/sites/discovery/e/rss.xml",
    ]
)
FEED_FOLDERS = [
    "feedparser-wellformed", "feedparser-illformed", "feedparser-encoding", "feedparser-entities",
    "feed-rs-fixtures", "misc", "indonesian/rss-real-2019",
]  # fmt: skip
CONTENT_TYPES = [None, "application/rss+xml; charset=UTF-8", "text/xml", "text/html"]
FETCHED_AT = datetime(2026, 11, 28, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")


def screened(body: bytes, content_type: str | None) -> bytes:
    """The bytes parse_feed hands to the readers (the same three screening steps)."""
    body, _ = strip_internal_subset(body)
    body, _ = drop_unknown_encoding(body)
    body, _ = repair_utf8(body, content_type)
    return body


def takes_fast_path(body: bytes, url: str, content_type: str | None) -> bool:
    if not body.strip() or body.lstrip()[:1] in (b"{", b"["):
        return False
    return fastfeed.parse_fast(screened(body, content_type), url=url,
                               content_type=content_type) is not None  # fmt: skip


def outcome(read, body: bytes, url: str, content_type: str | None):
    try:
        return read(body, url=url, content_type=content_type)
    except ExtractError as error:
        return f"ExtractError: {error}"


def assert_same(body: bytes, *, url: str, content_type: str | None = None, name: str = "") -> bool:
    """parse_feed equals the feedparser path; returns whether the fast path was taken."""
    fast = takes_fast_path(body, url, content_type)
    got = outcome(parse_feed, body, url, content_type)
    want = outcome(parse_with_feedparser, body, url, content_type)
    if isinstance(want, str) or isinstance(got, str):
        assert got == want, name
        assert not fast, f"{name}: fast path taken where feedparser rejects"
        return fast
    assert asdict(got) == asdict(want), f"{name} ({content_type}): fast={fast}"
    for mine, theirs in zip(got.entries, want.entries, strict=True):
        assert article(mine, got) == article(theirs, want), name
    return fast


def article(entry, result):
    return normalise_entry(entry, source_id="diff", timezone=JAKARTA, fetched_at=FETCHED_AT,
                           language=result.language)  # fmt: skip


def corpus_files() -> list[Path]:
    files: list[Path] = []
    for folder in FEED_FOLDERS:
        files += sorted(p for p in (CORPUS / folder).rglob("*") if p.is_file())
    return files


def corpus_headers() -> dict[str, str]:
    """The Content-Type feedparser's own tests serve a file with (feedparser-expect.tsv)."""
    headers: dict[str, str] = {}
    table = CORPUS / "feedparser-expect.tsv"
    if not table.is_file():
        return headers
    for line in table.read_text(encoding="utf-8").splitlines()[1:]:
        path, *rest = line.split("\t")
        header = rest[2] if len(rest) > 2 else ""
        if header.lower().startswith("content-type:"):
            headers[path] = header.split(":", 1)[1].strip()
    return headers


def report(request, label: str, counts: Counter) -> None:
    line = f"fastfeed {label}: " + ", ".join(f"{key} {value}" for key, value in counts.items())
    request.node.user_properties.append((label, dict(counts)))
    print(line)


# -- the differential tests ----------------------------------------------------------------------


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_every_fixture_reads_the_same_on_both_paths(request, content_type) -> None:
    counts: Counter = Counter()
    for path in FIXTURE_FILES:
        fast = assert_same(path.read_bytes(), url=f"https://fixture.example/feeds/{path.name}",
                           content_type=content_type, name=path.name)  # fmt: skip
        counts["fast" if fast else "fallback"] += 1
    report(request, f"fixtures ({content_type})", counts)
    assert counts["fast"] + counts["fallback"] == len(FIXTURE_FILES) >= 15


def test_plain_rss_and_atom_fixtures_take_the_fast_path() -> None:
    for name in ["rss20.xml", "dates-id.xml", "dup-a.xml", "edited-v1.xml", "malicious.xml"]:
        body = (ROOT / "tests" / "fixtures" / "feeds" / name).read_bytes()
        assert takes_fast_path(body, "https://fixture.example/feed", None), name
    # Not plain: xml:base on the channel, xhtml content, RSS 1.0, Atom 0.3, a DOCTYPE.
    for name in ["tracking.xml", "atom10.xml", "rss10.rdf", "atom03.xml", "rss091.xml"]:
        body = (ROOT / "tests" / "fixtures" / "feeds" / name).read_bytes()
        assert not takes_fast_path(body, "https://fixture.example/feed", None), name
    for name in ["kabarsulsel.rss", "makassarterkini.atom", "detakjakarta.rss"]:
        body = (ROOT / "snapshot" / "feeds" / name).read_bytes()
        assert takes_fast_path(body, "https://snapshot.example/feed", None), name


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_every_corpus_file_reads_the_same_on_both_paths(request) -> None:
    files = corpus_files()
    assert len(files) > 300
    headers = corpus_headers()
    counts: Counter = Counter()
    for path in files:
        relative = path.relative_to(CORPUS).as_posix()
        body = path.read_bytes()
        url = f"https://corpus.example/{relative}"
        for content_type in dict.fromkeys([headers.get(relative), *CONTENT_TYPES]):
            fast = assert_same(body, url=url, content_type=content_type, name=relative)
            if content_type is headers.get(relative):
                counts["fast" if fast else "fallback"] += 1
    report(request, "../shared/corpus", counts)
    assert counts["fast"] > 100


@pytest.fixture(scope="module")
def bench_feeds() -> list[str]:
    corpus = pytest.importorskip("bench.corpus")
    return [corpus.render(feed, random.Random(1)) for feed in corpus.build(5)]


def test_benchmark_corpus_takes_the_fast_path_and_reads_the_same(request, bench_feeds) -> None:
    counts: Counter = Counter()
    for number, text in enumerate(bench_feeds):
        body = text.encode("utf-8")
        url = f"http://127.0.1.{number + 1}/feed.xml"
        assert assert_same(body, url=url, content_type="application/rss+xml", name=str(number))
        counts["fast"] += 1
        assert parse_feed(body, url=url).entries
    report(request, "bench corpus", counts)


# -- targeted cases ------------------------------------------------------------------------------

URL = "https://berita.example/rss"
NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
    'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
)


def rss(items: str, channel: str = "", *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>'):
    return (
        f'{prolog}\n<rss version="2.0" {NAMESPACES}><channel><title>Kabar</title>'
        f"<link>https://berita.example/</link><language>id</language>{channel}"
        f"{items}</channel></rss>"
    ).encode()


def atom(entries: str, feed: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        f'xmlns:media="http://search.yahoo.com/mrss/"><title>Kabar</title>{feed}'
        f'<link href="https://berita.example/"/><id>urn:uuid:feed</id>'
        f"<updated>2026-11-28T07:00:00+07:00</updated>{entries}</feed>"
    ).encode()


def fast(body: bytes, content_type: str | None = None):
    """The result, asserting the fast path took it and the feedparser path agrees."""
    assert assert_same(body, url=URL, content_type=content_type), "fell back"
    return parse_feed(body, url=URL, content_type=content_type)


def falls_back(body: bytes, content_type: str | None = None) -> None:
    assert not assert_same(body, url=URL, content_type=content_type)


def test_cdata_and_escaped_html_descriptions() -> None:
    html = "<p>Banjir di <b>Makassar</b> &amp; sekitarnya</p>"
    escaped = html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    result = fast(
        rss(
            f"<item><title>A</title><description><![CDATA[{html}]]></description></item>"
            f"<item><title>B</title><description>{escaped}</description></item>"
        )
    )
    assert [e.summary_html for e in result.entries] == [html, html]


def test_entities_and_character_references() -> None:
    result = fast(
        rss(
            "<item><title>AT&amp;T &#8211; caf&#233; &lt;b&gt; &#x80;</title>"
            "<link>https://berita.example/a?x=1&amp;y=2</link></item>"
        )
    )
    entry = result.entries[0]
    assert entry.title == "AT&amp;T \u2013 caf\u00e9 &lt;b&gt; \u20ac"  # text, escaped as HTML
    assert entry.link == "https://berita.example/a?x=1&y=2"


def test_title_that_looks_like_html_is_kept_as_html() -> None:
    entry = fast(rss("<item><title>&lt;b&gt;Tegas&lt;/b&gt; kata dia</title></item>")).entries[0]
    assert entry.title == "<b>Tegas</b> kata dia"


def test_missing_fields() -> None:
    result = fast(rss("<item><description>Hanya isi</description></item><item/>"))
    first, second = result.entries
    assert first.title is None and first.link is None and first.guid is None
    assert first.published is None and first.authors == [] and first.images == []
    assert second.summary_html is None
    assert result.ttl_seconds is None


@pytest.mark.parametrize(
    ("guid", "link", "permalink", "expected_link"),
    [
        ('<guid isPermaLink="false">id-1</guid>', "", False, None),
        ('<guid isPermaLink="true">https://berita.example/a</guid>', "", True,
         "https://berita.example/a"),
        ("<guid>https://berita.example/a</guid>", "", True, "https://berita.example/a"),
        ('<guid isPermaLink="True">https://berita.example/a</guid>', "", False, None),
        ("<guid>https://berita.example/a</guid>", "<link>https://berita.example/b</link>", True,
         "https://berita.example/b"),
    ],
)  # fmt: skip
def test_guid_is_permalink_variations(guid, link, permalink, expected_link) -> None:
    entry = fast(rss(f"<item><title>T</title>{guid}{link}</item>")).entries[0]
    assert entry.guid_is_permalink is permalink
    assert entry.link == expected_link


def test_link_before_guid_makes_the_guid_no_permalink() -> None:
    entry = fast(
        rss(
            "<item><link>https://berita.example/b</link>"
            "<guid>https://berita.example/a</guid></item>"
        )
    ).entries[0]
    assert entry.guid_is_permalink is False and entry.link == "https://berita.example/b"


def test_multiple_categories_and_creators() -> None:
    entry = fast(
        rss(
            "<item><title>T</title><category>Nasional</category>"
            '<category domain="x">Daerah</category><category>Nasional</category>'
            "<dc:subject>Ekonomi</dc:subject><dc:creator>Andi</dc:creator>"
            "<dc:creator>Budi</dc:creator></item>"
        )
    ).entries[0]
    assert entry.categories == ["Nasional", "Daerah", "Ekonomi"]
    assert entry.authors == ["Andi", "Budi"]


def test_author_with_email() -> None:
    entry = fast(rss("<item><author>redaksi@berita.example (Redaksi)</author></item>")).entries[0]
    assert entry.authors == ["Redaksi"]


def test_enclosures_and_media() -> None:
    entry = fast(
        rss(
            '<item><title>T</title><enclosure url="https://cdn.example/a.jpg" type="image/jpeg" '
            'length="1234"/><enclosure url="https://cdn.example/b.png" type="image/png"/>'
            '<enclosure url="https://cdn.example/c.mp3" type="audio/mpeg" length="0"/>'
            '<media:content url="https://cdn.example/d.jpg" medium="image" fileSize="99"/>'
            '<media:thumbnail url="https://cdn.example/e.webp"/></item>'
        )
    ).entries[0]
    assert [(i.url, i.type, i.length) for i in entry.images] == [
        ("https://cdn.example/a.jpg", "image/jpeg", 1234),
        ("https://cdn.example/b.png", "image/png", None),
        ("https://cdn.example/d.jpg", "image/jpeg", 99),
        ("https://cdn.example/e.webp", "image/webp", None),
    ]


def test_content_encoded_and_description() -> None:
    entry = fast(
        rss(
            "<item><description>Ringkas</description>"
            "<content:encoded><![CDATA[<p>Lengkap</p>]]></content:encoded></item>"
            "<item><content:encoded>&lt;p&gt;Saja&lt;/p&gt;</content:encoded></item>"
        )
    )
    first, second = entry.entries
    assert (first.summary_html, first.content_html) == ("Ringkas", "<p>Lengkap</p>")
    assert (second.summary_html, second.content_html) == (None, "<p>Saja</p>")


def test_atom_summary_content_and_feed_author() -> None:
    result = fast(
        atom(
            '<entry><title type="html">A &amp;lt;b&amp;gt;</title>'
            "<id>tag:berita.example,2026:1</id>"
            '<link rel="alternate" type="text/html" href="https://berita.example/1"/>'
            '<link rel="enclosure" type="image/jpeg" href="https://cdn.example/1.jpg" length="5"/>'
            "<published>2026-11-28T07:00:00+07:00</published><summary>Ringkas &amp; padat</summary>"
            '<content type="html">&lt;p&gt;Isi&lt;/p&gt;</content></entry>'
            "<entry><title>Tanpa penulis</title><id>urn:uuid:2</id>"
            "<content>teks &lt;polos&gt;</content>"
            "<author><name>Cici</name><email>cici@berita.example</email></author></entry>",
            feed="<author><name>Redaksi</name></author>",
        )
    )
    first, second = result.entries
    assert first.title == "A &lt;b&gt;"
    assert first.summary_html == "Ringkas &amp; padat" and first.content_html == "<p>Isi</p>"
    assert first.authors == ["Redaksi"] and first.link == "https://berita.example/1"
    assert first.published == "2026-11-28T07:00:00+07:00"
    assert [i.url for i in first.images] == ["https://cdn.example/1.jpg"]
    # feedparser copies a plain-text content into the summary unescaped, so entry_from_feedparser
    # does not see the two as equal: both paths keep that (pre-existing) quirk alike.
    assert second.content_html == "teks &lt;polos&gt;" and second.summary_html == "teks <polos>"
    assert second.authors == ["Cici"]


def test_atom_feed_without_alternate_link_uses_its_id_as_link() -> None:
    body = atom("<entry><title>T</title><id>x</id></entry>").replace(
        b'<link href="https://berita.example/"/><id>urn:uuid:feed</id>',
        b'<id>https://berita.example/home</id><link rel="self" href="https://berita.example/a"/>',
    )
    assert fast(body).link == "https://berita.example/home"


def test_relative_links_resolve_like_feedparser() -> None:
    result = fast(
        rss(
            "<item><title>T</title><link>/berita/1</link><guid>/berita/1</guid>"
            '<description>&lt;a href="/x"&gt;x&lt;/a&gt;</description></item>',
            channel='<atom:link rel="self" href="/rss"/>',
        )
    )
    entry = result.entries[0]
    assert entry.link == "https://berita.example/berita/1"  # against the feed URL, as feedparser
    assert entry.base_url == "https://berita.example/"  # relative HTML resolves against the site


def test_whitespace_around_text_is_stripped() -> None:
    entry = fast(
        rss(
            "<item><title>\n   Judul  \n</title><link>\n https://berita.example/a \n"
            "</link><pubDate>  Fri, 28 Nov 2026 07:00:00 WIB </pubDate></item>"
        )
    ).entries[0]
    assert (entry.title, entry.link) == ("Judul", "https://berita.example/a")
    assert entry.published == "Fri, 28 Nov 2026 07:00:00 WIB"


def test_ttl_and_syndication_period() -> None:
    assert fast(rss("", channel="<ttl>15</ttl>")).ttl_seconds == 900
    hourly = "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>"
    assert fast(rss("", channel=hourly)).ttl_seconds == 900


def test_comment_slash_and_wfw_elements_are_ignored_as_feedparser_ignores_them() -> None:
    fast(
        rss(
            "<item><title>T</title><!-- komentar --><slash:comments>3</slash:comments>"
            "<wfw:commentRss>https://berita.example/a/feed</wfw:commentRss>"
            "<comments>https://berita.example/a#c</comments></item>"
        )
    )


def test_latin1_mojibake_is_repaired_as_feedparser_repairs_it() -> None:
    result = fast(
        rss(
            "<item><title>Caf\u00c3\u00a9</title></item>"
            "<item><title>\u0093kutip\u0094</title></item>"
            "<item><title>Caf\u00c3\u00a9 \u0093kutip\u0094</title></item>"
        )
    )
    assert [entry.title for entry in result.entries] == [
        "Caf\u00e9",
        "\u201ckutip\u201d",
        "Caf\u00c3\u00a9 \u201ckutip\u201d",
    ]


def test_language_from_the_root_xml_lang() -> None:
    body = atom("<entry><title>T</title><id>x</id></entry>").replace(
        b"<feed ", b'<feed xml:lang="id_ID" '
    )
    result = fast(body)
    assert result.language == "id-ID" and result.entries[0].language == "id-ID"


def test_unknown_namespace_element_in_an_item_falls_back() -> None:
    body = rss("<item><title>T</title><x:extra>1</x:extra></item>").replace(
        b"<rss ", b'<rss xmlns:x="urn:example:x" '
    )
    falls_back(body)


def test_unknown_plain_element_in_an_item_falls_back() -> None:
    falls_back(rss("<item><title>T</title><mobilelink>https://m.example/</mobilelink></item>"))


def test_doctype_falls_back() -> None:
    falls_back(
        rss(
            "<item><title>T</title></item>",
            prolog='<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "rss.dtd">',
        )
    )


def test_non_utf8_declared_encoding_falls_back() -> None:
    body = rss("<item><title>Caf\u00e9</title></item>",
               prolog='<?xml version="1.0" encoding="ISO-8859-1"?>')  # fmt: skip
    falls_back(body.decode("utf-8").encode("iso-8859-1"))
    falls_back(body.decode("utf-8").encode("iso-8859-1"), "application/rss+xml; charset=utf-8")


def test_non_xml_media_type_falls_back() -> None:
    body = rss("<item><title>T</title></item>")
    falls_back(body, "text/html; charset=utf-8")
    falls_back(body, "text/plain")
    fast(body, "text/xml; charset=utf-8")
    fast(body, "application/xml")


def test_xml_base_xhtml_content_and_nested_markup_fall_back() -> None:
    falls_back(rss('<item xml:base="https://lain.example/"><title>T</title></item>'))
    falls_back(rss("<item><description>Teks <b>tebal</b></description></item>"))
    xhtml = '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></content>'
    falls_back(atom(f"<entry><title>T</title><id>x</id>{xhtml}</entry>"))


def test_media_content_with_children_falls_back() -> None:
    falls_back(
        rss(
            '<item><media:content url="https://cdn.example/a.jpg" medium="image">'
            "<media:description>Keterangan</media:description></media:content></item>"
        )
    )


def test_repeated_single_elements_fall_back() -> None:
    falls_back(rss("<item><title>A</title><title>B</title></item>"))
    falls_back(rss("<item><description>A</description><description>B</description></item>"))


def test_carriage_returns_and_bom() -> None:
    body = rss("<item><title>A\r\nB</title><description>x\ry</description></item>")
    fast(body.replace(b"\n", b"\r\n"))
    fast(b"\xef\xbb\xbf" + body)


def test_screening_warnings_are_kept_on_the_fast_path() -> None:
    body = rss("<item><title>Caf\u00e9 \u00e9\u00e9\u00e9 \u00e9\u00e9 \xff</title></item>")
    body = body.replace("\xff".encode(), b"\xff")
    result = fast(body)
    assert result.warnings == ["1 invalid UTF-8 byte sequence(s) removed"]


def test_not_well_formed_falls_back() -> None:
    falls_back(rss("<item><title>A & B</title></item>"))
    falls_back(rss("<item><title>&nbsp;</title></item>"))


def test_copied_constants_still_match_feedparser() -> None:
    from feedparser.html import _cp1252
    from feedparser.mixin import _FeedParserMixin
    from feedparser.sanitizer import _HTMLSanitizer
    from feedparser.urls import ACCEPTABLE_URI_SCHEMES

    assert _cp1252 == fastfeed.CP1252
    assert _HTMLSanitizer.acceptable_elements == fastfeed.ACCEPTABLE_ELEMENTS
    assert fastfeed.ACCEPTABLE_URI_SCHEMES == ACCEPTABLE_URI_SCHEMES
    assert _FeedParserMixin.can_be_relative_uri == fastfeed.RELATIVE
    assert _FeedParserMixin.html_types == fastfeed.HTML_TYPES
    matched = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
    for uri, prefix in {**fastfeed.RSS_NAMESPACES, **fastfeed.ATOM_NAMESPACES}.items():
        assert matched[(uri or "").lower()] == prefix, uri


# -- mutations: small random edits of feeds the fast path reads --------------------------------

RICH_RSS = rss(
    '<item><title>Judul</title><link>https://berita.example/1</link><guid isPermaLink="false">'
    "id-1</guid><pubDate>Fri, 28 Nov 2026 07:00:00 WIB</pubDate><dc:creator>Andi</dc:creator>"
    "<author>redaksi@berita.example (Redaksi)</author><category>Nasional</category>"
    '<category domain="x">Daerah</category><description><![CDATA[<p>Ringkas</p>]]></description>'
    "<content:encoded><![CDATA[<p>Isi</p>]]></content:encoded>"
    '<enclosure url="https://cdn.example/a.jpg" type="image/jpeg" length="123"/>'
    '<media:content url="https://cdn.example/b.jpg" medium="image"/>'
    '<media:thumbnail url="https://cdn.example/c.jpg"/><comments>/1#c</comments>'
    "<slash:comments>3</slash:comments><dc:date>2026-11-28T07:00:00+07:00</dc:date>"
    '<source url="https://s.example/">S</source><atom:link rel="alternate" href="/alt"/></item>'
    "<item><title>Dua</title><guid>https://berita.example/2</guid>"
    "<description>&lt;b&gt;x&lt;/b&gt;</description></item>",
    channel='<atom:link rel="self" href="/rss"/><ttl>30</ttl><image><url>/logo.png</url>'
    "<title>Logo</title><link>https://berita.example/</link></image>",
)
RICH_ATOM = atom(
    '<entry><title type="html">A &amp;lt;b&amp;gt;</title><id>tag:berita.example,2026:1</id>'
    '<link rel="alternate" type="text/html" href="https://berita.example/1"/>'
    '<link rel="enclosure" type="image/jpeg" href="/1.jpg" length="5"/>'
    "<published>2026-11-28T07:00:00+07:00</published><updated>2026-11-28T08:00:00Z</updated>"
    '<summary>Ringkas</summary><content type="html">&lt;p&gt;Isi&lt;/p&gt;</content>'
    '<author><name>Budi</name><uri>/budi</uri></author><category term="x" label="L"/>'
    '<media:thumbnail url="https://cdn.example/t.jpg"/></entry>'
    '<entry><title>Dua</title><id>urn:uuid:2</id><content>teks</content><link href="/r"/></entry>',
    feed="<author><name>Redaksi</name><email>r@berita.example</email></author><subtitle>S</subtitle>",
)
TEXTS = [
    "", "  ", " x ", "A &amp; B", "<b>x</b>", "&lt;b&gt;", "Caf\u00c3\u00a9", "\u0093q\u0094",
    "/rel/path", "https://ex.example/a?b=1&c=2", "redaksi@x.example (Redaksi)", "&amp;amp;",
    "a&#169;b", "x&y", "tag:x,2020:1", "HTTP://X.example//a/../b", "http:////x.example/a",
    "\u00e9", "mailto:x@y", "</unknown>", "&foo;", "60", "hourly", "0", "id_ID",
]  # fmt: skip
ATTRIBUTES = {
    "isPermaLink": ["true", "false", "True"], "type": ["text", "html", "xhtml", "text/html", "x/y"],
    "rel": ["alternate", "self", "enclosure", "related"], "href": ["/x", "https://a.example/b", ""],
    "url": ["/img.jpg", "https://c.example/a.png", ""], "length": ["0", "12", "x"],
    "domain": ["d"], "term": ["t", ""], "label": ["L"], "medium": ["image", "video"],
    "{http://www.w3.org/XML/1998/namespace}lang": ["en", "", "id_ID"], "version": ["2.0", "1"],
}  # fmt: skip


def mutated(body: bytes, rng: random.Random) -> bytes:
    from lxml import etree

    root = etree.fromstring(body)
    for _ in range(rng.randint(1, 4)):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        element = rng.choice(elements)
        parent = element.getparent()
        operation = rng.randrange(7)
        if operation == 0 and not len(element):
            element.text = rng.choice(TEXTS)
        elif operation == 1 and parent is not None:
            element.addnext(copy.deepcopy(element))
        elif operation == 2 and parent is not None:
            parent.remove(element)
        elif operation == 3 and len(element) > 1:
            children = list(element)
            rng.shuffle(children)
            element[:] = children
        elif operation == 4:
            name = rng.choice(list(ATTRIBUTES))
            element.set(name, rng.choice(ATTRIBUTES[name]))
        elif operation == 5 and element.attrib:
            del element.attrib[rng.choice(list(element.attrib))]
        elif operation == 6 and parent is not None:
            element.addnext(copy.deepcopy(rng.choice(elements[1:])))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def test_mutated_feeds_read_the_same_on_both_paths(request) -> None:
    rng = random.Random(2026)
    counts: Counter = Counter()
    for number in range(600):
        body = mutated(rng.choice([RICH_RSS, RICH_ATOM]), rng)
        url = rng.choice([URL, "http://berita.example/a/b/"])
        fast = assert_same(body, url=url, name=f"mutation {number}:\n{body.decode()}")
        counts["fast" if fast else "fallback"] += 1
    report(request, "mutations", counts)
    assert counts["fast"] > 150
