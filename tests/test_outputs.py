"""The outputs beyond RSS and Atom, end to end through `feeds run`: JSON Feed, OPML, the
index.html page and the feed.xsl stylesheet named by every RSS and Atom document.

Two small feeds are served from a real HTTP server on 127.0.0.1: a Makassar outlet (WITA) whose
article opens with a dateline and whose title contains "<script>", and a Jakarta outlet (WIB)
fetched with a secret Authorization header and a password in its URL. Their truth is written
here, next to the feeds, so every assertion can be checked by reading this file.
"""

import json
import re
import time
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

from feeds import cores
from tests.conftest import Workspace, feed_problems, serve_fixture
from tests.server import FixtureServer, Route

SELF_BASE = "https://berita.example.id/feeds/"
ATOM = "{http://www.w3.org/2005/Atom}"
STYLESHEET_PI = b'<?xml-stylesheet type="text/xsl" href="feed.xsl"?>'
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

SCRIPT_TITLE = "Awas <script>alert(1)</script> palsu beredar di grup WhatsApp"
SCRIPT_URL = "https://kabarmakassar.example/berita/2025/06/13/awas-pesan-palsu"
SCRIPT_IMAGE = "https://kabarmakassar.example/img/2025/06/pesan-palsu.jpg"
PORT_TITLE = "Pelabuhan Makassar Siapkan Posko Terpadu"
JAKARTA_TITLE = "Pemprov DKI Pasang Sensor Ketinggian Air di 30 Pintu Air"

# 13 June 2025 was a Friday: 14:40 WITA (UTC+8) is 06:40 UTC.
MAKASSAR_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Kabar Makassar</title>
  <link>https://kabarmakassar.example/</link>
  <description>Berita Makassar</description>
  <item>
    <title>Awas &lt;script&gt;alert(1)&lt;/script&gt; palsu beredar di grup WhatsApp</title>
    <link>{SCRIPT_URL}</link>
    <pubDate>Fri, 13 Jun 2025 14:40:00 +0800</pubDate>
    <enclosure url="{SCRIPT_IMAGE}" length="48213" type="image/jpeg"/>
    <content:encoded><![CDATA[<p>KABARSULSEL.EXAMPLE, MAKASSAR – Polisi &amp; Diskominfo
      Makassar mengimbau warga tidak membuka tautan dalam pesan berantai yang mengatasnamakan
      pemerintah kota.</p>]]></content:encoded>
  </item>
  <item>
    <title>{PORT_TITLE}</title>
    <link>https://kabarmakassar.example/berita/2025/06/12/pelabuhan-makassar-posko</link>
    <pubDate>Thu, 12 Jun 2025 10:05:00 +0800</pubDate>
    <description>Posko terpadu melayani penumpang kapal selama libur panjang.</description>
  </item>
</channel>
</rss>
""".encode()

JAKARTA_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Detak Jakarta</title>
  <link>https://detakjakarta.example/</link>
  <description>Berita Jakarta</description>
  <item>
    <title>{JAKARTA_TITLE}</title>
    <link>https://detakjakarta.example/megapolitan/sensor-pintu-air</link>
    <pubDate>Fri, 13 Jun 2025 09:15:00 +0700</pubDate>
    <description>Data sensor dikirim setiap lima menit ke pusat kendali.</description>
  </item>
</channel>
</rss>
""".encode()

SECRET_HEADER = "Bearer rahasia-token-123"
URL_PASSWORD = "sandi-rahasia-456"


def configure(server: FixtureServer, workspace: Workspace) -> None:
    """Three working sources (one disabled), one failing, and a second output."""
    server.routes["/makassar.xml"] = Route(MAKASSAR_FEED)
    server.routes["/jakarta.xml"] = Route(JAKARTA_FEED)
    server.routes["/rusak.xml"] = Route(b"oops", status=500)
    jakarta_url = server.url("/jakarta.xml").replace("http://", f"http://redaksi:{URL_PASSWORD}@")
    workspace.write_config(
        [
            {"id": "kabarmakassar", "name": "Kabar Makassar", "url": server.url("/makassar.xml"),
             "timezone": "Asia/Makassar", "categories": ["sulsel"]},
            {"id": "detak", "name": "Detak Jakarta", "url": jakarta_url,
             "headers": {"Authorization": SECRET_HEADER}},
            {"id": "rusak", "name": "Portal Rusak", "url": server.url("/rusak.xml")},
            {"id": "mati", "name": "Portal Mati", "url": server.url("/mati.xml"),
             "enabled": False},
        ],
        outputs=[{"slug": "sulsel", "title": "Berita Terkini Sulawesi Selatan",
                  "include": {"categories": ["sulsel"]}}],
    )  # fmt: skip


@pytest.fixture
def output(server: FixtureServer, workspace: Workspace, feeds: Callable) -> Path:
    """The output folder after one `feeds run` over the sources above."""
    configure(server, workspace)
    result = feeds("run")
    assert result.code == 0, result.err
    assert "3 sources, 2 ok, 1 failed" in result.out
    return workspace.output


def rss_guids(output: Path, slug: str = "berita-terkini") -> list[str]:
    root = etree.fromstring((output / f"{slug}.rss").read_bytes())
    return [item.findtext("guid") for item in root.iter("item")]


def json_feed(output: Path, slug: str = "berita-terkini") -> dict:
    return json.loads((output / f"{slug}.json").read_bytes())


def item_titled(feed: dict, title: str) -> dict:
    [item] = [item for item in feed["items"] if item["title"] == title]
    return item


# JSON Feed ----------------------------------------------------------------------------------


def test_json_feed_has_the_required_members_with_the_right_types(output: Path) -> None:
    """A reader rejects a JSON Feed without version, title or items, or with items lacking an
    id; the self URL lets it find the feed again."""
    feed = json_feed(output)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Berita Terkini"
    assert feed["home_page_url"] == "https://berita.example.id/"
    assert feed["feed_url"] == f"{SELF_BASE}berita-terkini.json"
    assert feed["description"] == "Berita terkini untuk pengujian"
    assert feed["language"] == "id"
    assert feed["authors"] == [{"name": "Berita Terkini", "url": "https://berita.example.id/"}]
    assert len(feed["items"]) == 3
    for item in feed["items"]:
        for member in ("id", "url", "title", "content_html", "date_published", "date_modified"):
            assert isinstance(item[member], str) and item[member], (member, item)
        for member in ("date_published", "date_modified"):
            assert RFC3339.match(item[member]), item[member]
            assert datetime.fromisoformat(item[member]).utcoffset() is not None
        assert isinstance(item.get("tags", []), list)
        assert all(isinstance(author["name"], str) for author in item.get("authors", []))
        assert isinstance(item["_feeds"]["sources"], list)


def test_json_feed_items_are_the_rss_items_in_the_same_order(output: Path) -> None:
    """Same ids as the RSS guids, same order and same instants, so a reader that switches
    format (or reads both) sees no duplicate and no reordering."""
    for slug in ("berita-terkini", "sulsel"):
        feed = json_feed(output, slug)
        assert [item["id"] for item in feed["items"]] == rss_guids(output, slug)
    rss = feedparser.parse((output / "berita-terkini.rss").read_bytes())
    for entry, item in zip(rss.entries, json_feed(output)["items"], strict=True):
        assert parsedate_to_datetime(entry.published) == datetime.fromisoformat(
            item["date_published"]
        )
        assert entry.title == item["title"]


def test_json_feed_carries_the_dateline_place_and_the_sources(output: Path) -> None:
    feed = json_feed(output)
    alert = item_titled(feed, SCRIPT_TITLE)
    assert alert["_feeds"] == {"sources": ["kabarmakassar"], "location": "Makassar"}
    assert alert["image"] == SCRIPT_IMAGE
    assert alert["date_published"] == "2025-06-13T06:40:00+00:00"
    # Plain text: the dateline is gone and "&" is a character, not an entity.
    assert alert["summary"].startswith("Polisi & Diskominfo Makassar mengimbau")
    jakarta = item_titled(feed, JAKARTA_TITLE)
    assert jakarta["_feeds"] == {"sources": ["detak"]}  # no dateline: no location


def test_json_feed_bytes_are_utf8_text_with_one_trailing_newline(output: Path) -> None:
    data = (output / "berita-terkini.json").read_bytes()
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    # Indonesian text stays readable: the dateline's dash is UTF-8, not an ASCII escape.
    assert "MAKASSAR – Polisi".encode() in data and b"\\u2013" not in data


# OPML ---------------------------------------------------------------------------------------


def test_opml_lists_enabled_sources_and_the_streams(output: Path, server: FixtureServer) -> None:
    root = etree.fromstring((output / "sources.opml").read_bytes())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    sources_group, streams_group = root.findall("body/outline")
    sources = {o.get("text"): o for o in sources_group.findall("outline")}
    assert set(sources) == {"Kabar Makassar", "Detak Jakarta", "Portal Rusak"}  # not "Mati"
    assert sources["Kabar Makassar"].get("type") == "rss"
    assert sources["Kabar Makassar"].get("xmlUrl") == server.url("/makassar.xml")
    assert sources["Detak Jakarta"].get("xmlUrl") == server.url("/jakarta.xml")  # no password
    assert streams_group.get("text") == "Berita Terkini streams"
    assert [(o.get("text"), o.get("type"), o.get("xmlUrl")) for o in streams_group] == [
        ("Berita Terkini", "rss", f"{SELF_BASE}berita-terkini.rss"),
        ("Berita Terkini Sulawesi Selatan", "rss", f"{SELF_BASE}sulsel.rss"),
    ]


def test_opml_never_contains_request_headers_or_passwords(output: Path) -> None:
    """sources.opml is public; headers hold API keys and a URL may hold a password."""
    data = (output / "sources.opml").read_bytes()
    for secret in ("rahasia-token-123", "Authorization", URL_PASSWORD, "redaksi@"):
        assert secret.encode() not in data, secret


# index.html ---------------------------------------------------------------------------------


def page(output: Path) -> html.HtmlElement:
    return html.fromstring((output / "index.html").read_bytes())


def card(document: html.HtmlElement, title: str) -> html.HtmlElement:
    [heading] = [h for h in document.iter("h3") if h.text_content() == title]
    return heading.getparent()


def test_index_shows_the_latest_titles_escaped(output: Path) -> None:
    """A title from someone else's feed that says "<script>" is text on the page."""
    data = (output / "index.html").read_bytes()
    assert b"Awas &lt;script&gt;alert(1)&lt;/script&gt; palsu" in data
    assert b"<script" not in data.lower()
    document = page(output)
    titles = [h.text_content() for h in document.iter("h3")]
    assert titles == [SCRIPT_TITLE, JAKARTA_TITLE, PORT_TITLE]  # newest first, as the RSS
    link = card(document, SCRIPT_TITLE).find("h3/a")
    assert link.get("href") == SCRIPT_URL


def test_index_shows_times_in_the_sources_own_zone(output: Path) -> None:
    """06:40 UTC is 14:40 in Makassar (WITA); the Jakarta story is at Jakarta time (WIB)."""
    document = page(output)
    assert card(document, SCRIPT_TITLE).findtext(".//time") == "Jumat, 13 Juni 2025 14:40 WITA"
    assert card(document, SCRIPT_TITLE).find(".//time").get("datetime") == (
        "2025-06-13T06:40:00+00:00"
    )
    assert card(document, JAKARTA_TITLE).findtext(".//time") == "Jumat, 13 Juni 2025 09:15 WIB"
    assert "Kabar Makassar" in card(document, SCRIPT_TITLE).findtext(".//p[@class='meta']")


def test_index_announces_every_feed_of_every_output(output: Path) -> None:
    """Browsers and readers discover feeds from <link rel="alternate"> in the page's head."""
    document = page(output)
    announced = {
        (link.get("type"), link.get("href"))
        for link in document.head.iter("link")
        if link.get("rel") == "alternate"
    }
    for slug in ("berita-terkini", "sulsel"):
        assert ("application/rss+xml", f"{slug}.rss") in announced
        assert ("application/atom+xml", f"{slug}.atom") in announced
        assert ("application/feed+json", f"{slug}.json") in announced
    body_links = {a.get("href") for a in document.body.iter("a")}
    assert {"berita-terkini.rss", "sulsel.atom", "sulsel.json", "sources.opml"} <= body_links


def test_index_has_no_script_and_no_outside_assets(output: Path) -> None:
    """Only the articles' own links and pictures point elsewhere: no CDN, no web font, no
    external stylesheet, nothing that runs."""
    document = page(output)
    feed = json_feed(output)
    allowed = {item["url"] for item in feed["items"]} | {
        item["image"] for item in feed["items"] if "image" in item
    }
    for element in document.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src", "srcset", "action", "poster", "data"):
                outside = re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", value, re.IGNORECASE)
                assert not outside or value in allowed, (element.tag, name, value)
    assert not document.xpath("//script | //iframe | //link[@rel='stylesheet'] | //object")
    [style] = document.xpath("//style")
    assert "@import" not in style.text and "url(" not in style.text
    assert document.xpath("//meta[@name='viewport']")
    [image] = document.xpath("//img")
    assert image.get("src") == SCRIPT_IMAGE
    assert image.get("loading") == "lazy" and image.get("width") and image.get("height")


def test_index_status_table_reports_every_source(output: Path) -> None:
    document = page(output)
    rows = {
        tr.findtext("td[1]"): [td.text_content() for td in tr.findall("td")]
        for tr in document.xpath("//section[@aria-labelledby='status']//tbody/tr")
    }
    assert set(rows) == {
        "Kabar Makassar",
        "Detak Jakarta",
        "Portal Rusak",
        "Portal Mati (nonaktif)",
    }
    _, success, failures, articles, error = rows["Kabar Makassar"]
    assert re.fullmatch(r"\w+, \d{1,2} \w+ \d{4} \d{2}:\d{2} WITA", success), success
    assert (failures, articles, error) == ("0", "2", "—")
    assert rows["Detak Jakarta"][1].endswith(" WIB")
    assert rows["Portal Rusak"][1:4] == ["belum pernah", "1", "0"]
    assert "HTTP 500" in rows["Portal Rusak"][4]
    assert rows["Portal Mati (nonaktif)"][1] == "belum pernah"


# feed.xsl -----------------------------------------------------------------------------------


def without_stylesheet(document: bytes) -> bytes:
    return document.replace(STYLESHEET_PI + b"\n", b"", 1)


@pytest.mark.parametrize("name", ["berita-terkini.rss", "berita-terkini.atom", "sulsel.rss"])
def test_feeds_name_the_stylesheet_right_after_the_xml_declaration(output: Path, name) -> None:
    declaration, instruction, _ = (output / name).read_bytes().split(b"\n", 2)
    assert declaration.startswith(b"<?xml version=")
    assert instruction == STYLESHEET_PI


@pytest.mark.parametrize("name", ["berita-terkini.rss", "berita-terkini.atom", "sulsel.atom"])
def test_the_stylesheet_changes_nothing_for_readers(output: Path, name: str) -> None:
    """Feed readers ignore the processing instruction: feedparser reads exactly what it read
    without it, and lxml parses the document."""
    data = (output / name).read_bytes()
    with_it, without_it = feedparser.parse(data), feedparser.parse(without_stylesheet(data))
    assert not with_it.bozo, with_it.get("bozo_exception")
    assert with_it.feed == without_it.feed
    assert with_it.entries == without_it.entries
    assert len(with_it.entries) > 0
    assert etree.fromstring(data).tag in ("rss", f"{ATOM}feed")


def test_feeds_naming_the_stylesheet_pass_the_validator(server, workspace, feeds) -> None:
    """The W3C validator's rules hold with the instruction in place. (The "<script>" title
    above draws a validator warning of its own, so the validated feeds are the plain RSS 2.0
    and Atom 1.0 fixtures.)"""
    workspace.write_config(
        [
            {"id": "rss", "name": "Rss", "url": serve_fixture(server, "rss20.xml")},
            {"id": "atom", "name": "Atom", "url": serve_fixture(server, "atom10.xml")},
        ]
    )
    assert feeds("run").code == 0
    for name in ("berita-terkini.rss", "berita-terkini.atom"):
        assert STYLESHEET_PI in (workspace.output / name).read_bytes()
    assert feed_problems(workspace.output) == []


def transform(output: Path, name: str) -> html.HtmlElement:
    """What a browser shows for the feed: feed.xsl applied by libxslt (Chromium's engine)."""
    stylesheet = etree.XSLT(etree.parse(str(output / "feed.xsl")))
    result = stylesheet(etree.fromstring((output / name).read_bytes()))
    return html.fromstring(str(result))


@pytest.mark.parametrize(("name", "kind"), [("berita-terkini.rss", "RSS"),
                                            ("berita-terkini.atom", "Atom")])  # fmt: skip
def test_the_stylesheet_shows_the_feed_as_a_page(output: Path, name: str, kind: str) -> None:
    document = transform(output, name)
    assert document.findtext(".//h1") == "Berita Terkini"
    text = " ".join(document.text_content().split())
    assert "Berita terkini untuk pengujian" in text
    assert f"Ini adalah feed {kind}. Salin alamat ini ke aplikasi pembaca berita Anda" in text
    assert document.xpath("//code")[0].text == f"{SELF_BASE}{name}"
    alert = card(document, SCRIPT_TITLE)
    assert alert.find("h3/a").get("href") == SCRIPT_URL
    assert alert.findtext("p[@class='meta']") == "13 Juni 2025 06:40 UTC"
    # The escaped-HTML summary is shown as plain text, its "&" decoded once.
    summary = alert.findall("p")[-1].text_content()
    assert summary.startswith("Polisi & Diskominfo Makassar mengimbau"), summary
    assert [h.text_content() for h in document.iter("h3")] == [
        SCRIPT_TITLE, JAKARTA_TITLE, PORT_TITLE,
    ]  # fmt: skip
    assert not document.xpath("//script | //link | //img | //iframe")


def test_the_stylesheet_loads_nothing_and_runs_nothing(output: Path) -> None:
    data = (output / "feed.xsl").read_bytes()
    stylesheet = etree.fromstring(data)
    namespaces = {stylesheet.nsmap[prefix] for prefix in stylesheet.nsmap}
    outside = set(re.findall(rb"https?://[^\s\"'<>]+", data)) - {n.encode() for n in namespaces}
    assert outside == set()
    for forbidden in (b"<script", b"@import", b"url(", b"<link", b"<img", b"disable-output"):
        assert forbidden not in data.lower(), forbidden


# Change-only writes -------------------------------------------------------------------------


def test_a_second_run_leaves_every_feed_untouched(output: Path, feeds: Callable) -> None:
    """Nothing new: .rss/.atom/.json/.opml/.xsl keep their bytes and their mtime, so readers'
    conditional requests keep answering 304. Only index.html's status table may change."""
    files = sorted(p for p in output.iterdir() if p.name != "index.html")
    assert {p.suffix for p in files} == {".rss", ".atom", ".json", ".opml", ".xsl"}
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    page_before = (output / "index.html").read_bytes()
    time.sleep(0.05)

    assert feeds("run").code == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    page_after = (output / "index.html").read_bytes()
    status = b'<section aria-labelledby="status">'
    assert page_after.split(status)[0] == page_before.split(status)[0]


def test_feeds_rendered_on_two_cores_are_the_bytes_rendered_on_one(
    server: FixtureServer, workspace: Workspace, feeds: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing shares the outputs out between processes (feeds/cores.py): each output's
    documents must be the ones a single process renders, under their own names."""
    configure(server, workspace)
    monkeypatch.setattr(cores, "usable_cores", lambda: 2)
    assert feeds("run").code == 0
    documents = [p for p in workspace.output.iterdir() if p.suffix in (".rss", ".atom", ".json")]
    assert len(documents) == 6  # berita-terkini and sulsel: different items, different bytes
    on_two = {p.name: p.read_bytes() for p in documents}
    for path in documents:
        path.unlink()  # rendered again on the next run, with the build dates stored

    monkeypatch.setattr(cores, "usable_cores", lambda: 1)
    assert feeds("run").code == 0
    assert {name: (workspace.output / name).read_bytes() for name in on_two} == on_two
