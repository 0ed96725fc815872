"""Normalise: canonical URLs, safe HTML, plain-text summaries, stable ids, date rules."""

from datetime import UTC, datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.extract import RawEntry, RawImage
from feeds.normalise.article import normalise_entry
from feeds.normalise.html import clean_html, first_image, html_to_text, shorten
from feeds.normalise.urls import absolute_url, canonical_url, join

JAKARTA = ZoneInfo("Asia/Jakarta")
FETCHED = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.KabarSulsel.example/berita/satu?utm_source=rss&utm_campaign=x&id=5#komentar",
            "https://www.kabarsulsel.example/berita/satu?id=5",
        ),
        (
            "https://www.kabarsulsel.example:443/berita/tiga?gclid=zzz&page=2",
            "https://www.kabarsulsel.example/berita/tiga?page=2",
        ),
        ("http://x.example:80/a?fbclid=1", "http://x.example/a"),
        ("http://x.example:8080/a", "http://x.example:8080/a"),
        (
            "https://x.example/a%20b?q=a+b&x=%2F&mc_cid=1&MC_EID=2",
            "https://x.example/a%20b?q=a+b&x=%2F",
        ),
        (
            "https://x.example/?b=2&a=1&dclid=3&msclkid=4&yclid=5&igshid=6",
            "https://x.example/?b=2&a=1",
        ),
        ("https://x.example", "https://x.example/"),
        (
            "https://x.example/berita/ñandú kota?q=é",
            "https://x.example/berita/%C3%B1and%C3%BA%20kota?q=%C3%A9",
        ),
        ("https://x.example/a%2fb?x=%c3%a9", "https://x.example/a%2Fb?x=%C3%A9"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_absolute_url_resolves_and_refuses_non_web_schemes() -> None:
    base = "https://www.kabarsulsel.example/kanal/feed/"
    assert absolute_url("/berita/dua", base) == "https://www.kabarsulsel.example/berita/dua"
    assert absolute_url("../foto/a.jpg", base) == "https://www.kabarsulsel.example/kanal/foto/a.jpg"
    assert absolute_url("javascript:alert(1)", base) is None
    assert absolute_url("data:image/png;base64,AAAA", base) is None
    assert absolute_url("  ", base) is None


MALICIOUS = """
<p onclick="steal()">Paragraf <b>aman</b> tetap ada.</p>
<script>alert(1)</script><style>body{display:none}</style>
<img src=x onerror="alert(1)"><a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(2)">b</a>
<a href="vbscript:msgbox(1)">c</a><iframe src="https://evil.example/"></iframe>
<object data="x.swf"></object><embed src="x.swf"><form action="/x"><input name="q"></form>
<svg onload="alert(1)"><circle r="1"/></svg><p style="position:fixed">gaya</p>
<a href="https://ok.example/?utm_source=x&amp;id=1#bagian">tautan</a>
"""


def test_sanitiser_removes_every_active_part_and_keeps_the_text() -> None:
    cleaned = clean_html(MALICIOUS, base_url="https://kabarsulsel.example/")
    lowered = cleaned.lower()
    for forbidden in (
        "<script",
        "<style",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<svg",
        "onclick",
        "onerror",
        "onload",
        "javascript:",
        "vbscript:",
        "style=",
        "alert(",
    ):
        assert forbidden not in lowered, forbidden
    assert "<p>Paragraf <b>aman</b> tetap ada.</p>" in cleaned
    assert "gaya" in cleaned
    # Tracking parameters go from links in the body too; the fragment stays.
    assert 'href="https://ok.example/?id=1#bagian"' in cleaned


def test_relative_links_and_lazy_images_become_real() -> None:
    fragment = (
        '<p><a href="/kanal/x">x</a><img src="data:image/gif;base64,R0lGOD" data-src="/img/a.jpg">'
        '<img src="/placeholder.png" data-lazy-src="img/b.jpg">'
        '<img data-srcset="/img/c.jpg 1x, /img/c2.jpg 2x" src="blank.gif"></p>'
    )
    cleaned = clean_html(fragment, base_url="https://www.kabarsulsel.example/feed/")
    assert 'href="https://www.kabarsulsel.example/kanal/x"' in cleaned
    assert 'src="https://www.kabarsulsel.example/img/a.jpg"' in cleaned
    assert 'src="https://www.kabarsulsel.example/feed/img/b.jpg"' in cleaned
    assert (
        'srcset="https://www.kabarsulsel.example/img/c.jpg 1x, '
        'https://www.kabarsulsel.example/img/c2.jpg 2x"'
    ) in cleaned
    assert "data:" not in cleaned and "data-src" not in cleaned


def test_text_of_html_and_summary_cut_at_a_word() -> None:
    assert html_to_text("<b>Tebal</b> &amp; &lt;script&gt;  \n  spasi") == "Tebal & <script> spasi"
    assert html_to_text("<p>Satu.</p><p>Dua.</p>") == "Satu. Dua."
    text = "Pemerintah Provinsi Sulawesi Selatan " * 20
    short = shorten(text.strip(), 300)
    assert len(short) <= 300 and short.endswith("…")
    assert short[:-1] == text[: len(short) - 1].rstrip()  # a prefix of the text, cut at a space
    assert text.startswith(short[:-1]) and text[len(short) - 1] == " "


HEAD_ONLY = "<!DOCTYPE html><html><head><meta charset=utf-8><title>Judul</title></head></html>"


@pytest.mark.parametrize("page", [HEAD_ONLY, HEAD_ONLY.replace("</head></html>", "x" * 3000)])
def test_a_whole_page_without_a_body_is_no_text_not_a_crash(page: str) -> None:
    """lxml asserts that a page has a <body>: a head-only page (or a long one cut to its first
    2 KB for a summary) used to fail the whole source with an internal error."""
    assert html_to_text(HEAD_ONLY) == "" and clean_html(HEAD_ONLY, base_url=None) == ""
    assert html_to_text(page).startswith(html_to_text(page, enough=500))
    article = normalise_entry(
        entry(link="/a", title="Judul", summary_html=page, content_html=page),
        source_id="s", timezone=ZoneInfo("Asia/Jakarta"), fetched_at=FETCHED,
    )  # fmt: skip
    assert article is not None and article.title == "Judul"


@pytest.mark.parametrize(
    ("fragment", "text"),
    [("<p>a&#1;b</p>", "ab"), ("a&#x1F;b", "ab"), ("<p>&#0;&#xD800;&#99999999;</p>", ""),
     ("<p>&#65;&#x20AC;&#128512;</p>", "A€😀"), ("AT&#38;T", "AT&T")],
)  # fmt: skip
def test_references_to_characters_xml_forbids_are_dropped(fragment: str, text: str) -> None:
    """ "&#1;" inside a paragraph was decoded by the parser, then lxml refused to set any text
    holding it: html_to_text raised and the whole source failed. Valid references stay."""
    assert html_to_text(fragment) == text
    cleaned = clean_html(fragment, base_url=None)
    assert html_to_text(cleaned) == text
    assert all(ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF for c in cleaned)


def entry(**fields: object) -> RawEntry:
    values = {"base_url": "https://www.kabarsulsel.example/feed/"}
    values.update(fields)
    return RawEntry(**values)  # type: ignore[arg-type]


def test_article_from_a_full_entry() -> None:
    article = normalise_entry(
        entry(
            guid="https://kabarsulsel.example/?p=12345",
            guid_is_permalink=False,
            link="/berita/banjir?utm_source=rss",
            title="Banjir &amp; <i>rob</i>   di Makassar",
            summary_html="<p>Ringkasan <b>berita</b>.</p>",
            content_html='<p>Isi.</p><img src="/img/a.jpg">',
            published="Jumat, 27 November 2026 14:40",
            authors=["doelbeckz"],
            categories=["Sulsel", "sulsel", "Makassar"],
            language="id",
        ),
        source_id="kabarsulsel",
        timezone=ZoneInfo("Asia/Makassar"),
        fetched_at=FETCHED,
    )
    assert article is not None
    assert article.id == article.url == "https://www.kabarsulsel.example/berita/banjir"
    assert article.guid == "https://kabarsulsel.example/?p=12345"
    assert article.title == "Banjir & rob di Makassar"
    assert article.summary == "Ringkasan berita."
    assert (
        article.content_html == '<p>Isi.</p><img src="https://www.kabarsulsel.example/img/a.jpg">'
    )
    assert article.published_at == datetime(2026, 11, 27, 6, 40, tzinfo=UTC)  # 14:40 WITA
    assert article.author == "doelbeckz"
    assert article.categories == ["Sulsel", "Makassar"]
    assert article.image is not None
    assert article.image.url == "https://www.kabarsulsel.example/img/a.jpg"
    assert article.image.type == "image/jpeg"


def test_enclosure_image_wins_over_the_body_image() -> None:
    article = normalise_entry(
        entry(
            link="https://x.example/a",
            title="t",
            content_html='<img src="/b.png">',
            images=[RawImage(url="/foto/a.jpg", type="image/jpeg", length=1234)],
        ),
        source_id="s",
        timezone=JAKARTA,
        fetched_at=FETCHED,
    )
    assert article and article.image
    assert (article.image.url, article.image.length) == (
        "https://www.kabarsulsel.example/foto/a.jpg",
        1234,
    )


def test_ids_without_a_link_are_stable_and_unique_per_source() -> None:
    def make(source: str, guid: str | None, title: str = "Judul") -> str:
        article = normalise_entry(
            entry(guid=guid, guid_is_permalink=False, title=title),
            source_id=source,
            timezone=JAKARTA,
            fetched_at=FETCHED,
        )
        assert article is not None
        return article.id

    assert make("a", "12345") == make("a", "12345")
    assert make("a", "12345") != make("b", "12345")
    assert make("a", "12345").startswith("urn:uuid:")
    assert make("a", "tag:x.example,2026:1") == "tag:x.example,2026:1"
    # A permalink guid is the link when there is no <link>.
    article = normalise_entry(
        entry(guid="https://x.example/a?utm_medium=x"),
        source_id="a",
        timezone=JAKARTA,
        fetched_at=FETCHED,
    )
    assert article and article.id == article.url == "https://x.example/a"
    assert normalise_entry(entry(), source_id="a", timezone=JAKARTA, fetched_at=FETCHED) is None


def test_dates_future_clamped_missing_kept_missing_and_zone_default() -> None:
    def dated(published: str | None, zone: ZoneInfo = JAKARTA):  # type: ignore[no-untyped-def]
        article = normalise_entry(
            entry(link="https://x.example/a", title="t", published=published),
            source_id="s",
            timezone=zone,
            fetched_at=FETCHED,
        )
        assert article is not None
        return article

    future = dated("Fri, 27 Nov 2099 10:00:00 +0700")
    assert future.published_at == FETCHED and future.date_clamped
    slightly_ahead = dated("Sat, 28 Nov 2026 10:05:00 +0700")  # 5 minutes ahead: a clock skew
    assert slightly_ahead.published_at == datetime(2026, 11, 28, 3, 5, tzinfo=UTC)
    assert not slightly_ahead.date_clamped
    assert dated(None).published_at is None  # the store gives it its first-seen time
    assert dated("Fri, 27 Nov 2026 14:40:00 WIB").published_at == datetime(
        2026, 11, 27, 7, 40, tzinfo=UTC
    )
    assert dated("27/11/2026 14:40", ZoneInfo("Asia/Jayapura")).published_at == datetime(
        2026, 11, 27, 5, 40, tzinfo=UTC
    )


def test_fingerprint_changes_with_visible_content_only() -> None:
    def make(title: str):  # type: ignore[no-untyped-def]
        return normalise_entry(
            entry(link="https://x.example/a", title=title, published="2026-11-27"),
            source_id="s",
            timezone=JAKARTA,
            fetched_at=FETCHED,
        )

    assert make("Judul").fingerprint() == make("Judul").fingerprint()
    assert make("Judul").fingerprint() != make("Judul baru").fingerprint()


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<img src="https://x.example/a.jpg?w=1&amp;h=2">', "https://x.example/a.jpg?w=1&h=2"),
        ('<img alt="q" src="https://x.example/1x1.gif"><img src="https://x.example/b.jpg">',
         "https://x.example/b.jpg"),
        ('<img srcset="https://x.example/s.jpg 1x" src="https://x.example/c.png">',
         "https://x.example/c.png"),
        ('<p>&lt;img src="https://evil.example/x.jpg"&gt;</p>', None),
        ("<img title='src=\"https://evil.example/t.jpg\"' src=\"https://x.example/d.jpg\">",
         "https://x.example/d.jpg"),
        ('<img data-src="https://x.example/lazy.jpg">', None),
    ],
)  # fmt: skip
def test_first_image_reads_sanitised_html(fragment: str, expected: str | None) -> None:
    """first_image reads nh3's output with a pattern: text that only looks like an image,
    attribute values that mention src, and placeholders must not fool it."""
    assert first_image(clean_html(fragment, base_url="https://x.example/")) == expected


@pytest.mark.parametrize(
    "link", ["https://[", "https://[::1", "http://x.example:99999/a", "https://[zz]/a"]
)
def test_a_link_no_one_can_fetch_does_not_fail_the_source(link: str) -> None:
    """urllib raises on these (bad IPv6 literal, port out of range): the item keeps an id from
    its guid, and nothing raises, so one bad item cannot cost the source its fetch."""
    assert absolute_url(link, "https://x.example/") is None
    assert canonical_url(link) == link
    entry = RawEntry(title="Judul", link=link, guid="g-1", base_url="https://x.example/feed")
    article = normalise_entry(entry, source_id="s", timezone=JAKARTA, fetched_at=FETCHED)
    assert article is not None and article.url is None and article.id.startswith("urn:uuid:")


def test_ipv6_hosts_keep_their_brackets() -> None:
    assert (
        canonical_url("https://[2001:db8::1]:8443/a?utm_source=x") == "https://[2001:db8::1]:8443/a"
    )


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    base=st.sampled_from(["", "https://x.example/a/b", "http://x.example/", "HTTPS://X.example/",
                          "//x.example/a", "ftp://x.example/", "https://x.example"]),
    scheme=st.sampled_from(["http://", "https://", "HTTP://", "hTTps://"]),
    host=st.sampled_from(["", "h.example", "h.example:8080", "[::1]", "u@h.example"]),
    rest=st.text(alphabet="/.?#;=&%ab", max_size=12),
)  # fmt: skip
def test_join_agrees_with_urljoin(base: str, scheme: str, host: str, rest: str) -> None:
    """The shortcut for links that are already absolute gives what urljoin gives."""
    url = scheme + host + rest
    try:
        expected = urljoin(base, url)
    except ValueError:
        return
    assert join(base, url) == expected
