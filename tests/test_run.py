"""`feeds run` end to end: a real HTTP server on 127.0.0.1, a real SQLite file, the CLI as a
user runs it, and the published RSS/Atom parsed back and checked field by field."""

import json
import os
import re
import sqlite3
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feeds import crawl as feeds_crawl
from feeds.runlock import RunLock
from tests.conftest import (
    FEED_FIXTURES,
    Workspace,
    closed_port_url,
    feed_problems,
    serve_fixture,
)
from tests.server import FixtureServer, Route

ATOM = "{http://www.w3.org/2005/Atom}"


def truth_file(fixture: str) -> Path:
    return FEED_FIXTURES / f"{fixture.split('.')[0]}.expected.json"


# Each fixture "x.xml" has its truth in "x.expected.json", written by hand from the fixture.
EXPECTED_FIXTURES = sorted(
    feed.name
    for feed in FEED_FIXTURES.iterdir()
    if not feed.name.endswith(".expected.json") and truth_file(feed.name).exists()
)


def source(source_id: str, url: str, **extra: object) -> dict:
    return {"id": source_id, "name": source_id.title(), "url": url, **extra}


def rss_items(data: bytes) -> dict[str, etree._Element]:
    """Items of a published RSS file by guid, read with lxml (independent of feedparser)."""
    root = etree.fromstring(data)
    return {item.findtext("guid"): item for item in root.iter("item")}


def feed_files(workspace: Workspace) -> dict[str, bytes]:
    """Every published file except index.html, whose source status table shows each source's
    last success, which every successful fetch moves; the feeds themselves must not change."""
    return {name: data for name, data in workspace.published().items() if name != "index.html"}


def atom_entries(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data)
    return {entry.findtext(f"{ATOM}id"): entry for entry in root.iter(f"{ATOM}entry")}


@pytest.mark.parametrize("name", EXPECTED_FIXTURES)
def test_every_field_of_every_fixture_reaches_rss_and_atom(
    name: str, server, workspace: Workspace, feeds
) -> None:
    expected = json.loads(truth_file(name).read_text(encoding="utf-8"))
    workspace.write_config([source("fixture", serve_fixture(server, name))])
    started = datetime.now(UTC).replace(microsecond=0)
    result = feeds("run")
    finished = datetime.now(UTC)
    assert result.code == 0, result.err
    rss = (workspace.output / "berita-terkini.rss").read_bytes()
    atom = (workspace.output / "berita-terkini.atom").read_bytes()
    assert feed_problems(workspace.output) == []
    items, entries = rss_items(rss), atom_entries(atom)
    parsed_rss, parsed_atom = feedparser.parse(rss), feedparser.parse(atom)
    by_link_rss = {e.get("link"): e for e in parsed_rss.entries}
    by_link_atom = {e.get("link"): e for e in parsed_atom.entries}

    with_links = [item for item in expected if item.get("link")]
    assert len(items) == len(expected), "every item is published once"
    for truth in expected:
        [entry] = [e for e in parsed_rss.entries if e.title == truth["title"]]
        [atom_entry] = [e for e in parsed_atom.entries if e.title == truth["title"]]
        for published in (entry.content[0].value, atom_entry.content[0].value):
            for text in truth.get("content_must_contain", []):
                assert text in published
            for text in truth.get("content_must_not_contain", []):
                assert text.lower() not in published.lower()
    for truth in with_links:
        link = truth["link"]
        item, entry = items[link], entries[link]
        assert item.findtext("title") == truth["title"]
        assert entry.findtext(f"{ATOM}title") == truth["title"]
        assert item.findtext("guid") == link  # the canonical URL is the id...
        assert item.find("guid").get("isPermaLink") == "true"  # ...and a permalink
        assert entry.findtext(f"{ATOM}id") == link
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert entry.findtext(f"{ATOM}published") == published.isoformat()
        if truth.get("published"):
            assert published.isoformat() == truth["published"]
        else:  # no date, or one clamped from the future: the time we first saw it
            assert started <= published <= finished
        if truth.get("author"):
            assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == truth["author"]
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == truth["author"]
        assert [c.text for c in item.findall("category")] == truth.get("categories", [])
        assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == truth.get(
            "categories", []
        )
        media = item.find("{http://search.yahoo.com/mrss/}content")
        assert (media.get("url") if media is not None else None) == truth.get("image")
        enclosure = item.find("enclosure")
        if enclosure is not None:
            assert enclosure.get("url") == truth["image"]
            assert enclosure.get("type").startswith("image/")
            assert enclosure.get("length").isdigit()
        # feedparser reads back what lxml reads: both formats agree.
        assert by_link_rss[link].title == by_link_atom[link].title == truth["title"]
        assert by_link_rss[link].id == by_link_atom[link].id == link
        assert by_link_rss[link].published_parsed == by_link_atom[link].published_parsed


def test_two_runs_second_is_not_modified_and_writes_nothing(server, workspace: Workspace, feeds):
    workspace.write_config(
        [
            source("rss", serve_fixture(server, "rss20.xml")),
            source("atom", serve_fixture(server, "atom10.xml")),
        ]
    )
    first = feeds("run")
    assert first.code == 0
    before = feed_files(workspace)
    assert set(before) == {"berita-terkini.rss", "berita-terkini.atom", "berita-terkini.json",
                           "sources.opml", "feed.xsl"}  # fmt: skip
    stamps = {name: (workspace.output / name).stat().st_mtime_ns for name in before}
    time.sleep(0.05)

    second = feeds("run")
    assert second.code == 0
    assert "rss   not modified" in second.out and "atom  not modified" in second.out
    # The second request carried the validators, and the server answered 304.
    assert server.hits("/rss20.xml")[-1].headers.get("If-None-Match")
    assert feed_files(workspace) == before  # byte-identical
    assert {n: (workspace.output / n).stat().st_mtime_ns for n in before} == stamps  # untouched
    # Only index.html may be rewritten: its last-success times move (to the minute).
    assert re.search(r"; (0 files written, 6|1 files written, 5) unchanged", second.out)


def test_the_same_body_from_a_server_without_304_is_not_read_again(
    server, workspace, feeds, monkeypatch
):
    """A server that never answers 304 (no validators, or ignored): the same bytes again are
    as good as a 304. Nothing is parsed, nothing is written, the status keeps the real 200."""
    url = serve_fixture(server, "rss20.xml")
    server.routes["/rss20.xml"].conditional = False
    workspace.write_config([source("rss", url)])
    feeds("run")
    before = feed_files(workspace)
    parsed: list[str] = []  # a source this small is read in the process, by harvest()
    real = feeds_crawl.harvest

    async def counting(fetcher, store, source, result):  # type: ignore[no-untyped-def]
        parsed.append(source.id)
        return await real(fetcher, store, source, result)

    monkeypatch.setattr(feeds_crawl, "harvest", counting)
    second = feeds("run")
    assert "rss  not modified" in second.out
    assert parsed == [] and feed_files(workspace) == before
    assert not server.hits("/rss20.xml")[-1].headers.get("If-None-Match")  # none to send
    status = json.loads(feeds("status", "--json").out)["sources"][0]
    assert status["last_status"] == 200

    server.routes["/rss20.xml"].body += b"<!-- another build -->"  # new bytes, same items
    third = feeds("run")
    assert "0 new, 0 updated, 4 unchanged" in third.out and parsed == ["rss"]


def test_the_same_page_is_still_read_for_the_feed_it_names(server, workspace, feeds):
    """A source given as a web page: the page may stay the same while the feed it names
    changes, so the same page is not taken for "not modified"."""
    link = b'<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    page = b"<!doctype html><html><head>" + link + b"</head><body>Portal</body></html>"
    server.routes["/"] = Route(page, content_type="text/html", conditional=False)
    serve_fixture(server, "edited-v1.xml", "/feed.xml")
    workspace.write_config([source("site", server.url("/"))])
    assert "3 new" in feeds("run").out
    serve_fixture(server, "edited-v2.xml", "/feed.xml")
    assert "1 new, 1 updated, 2 unchanged" in feeds("run").out


def test_items_listed_again_unchanged_are_only_marked_seen(server, workspace, feeds, normalised):
    """A server that never answers 304 sends every item again each run: the unchanged ones are
    recognised by their stored entry digest, not normalised, and stay current for retention;
    an edited item and a new one are read. Links stored without a digest (before revision
    0004) are read once more and get one."""
    url = serve_fixture(server, "edited-v1.xml", "/feed.xml")
    server.routes["/feed.xml"].conditional = False
    workspace.write_config([source("site", url)])
    builds = iter(range(10))

    def rebuilt() -> None:  # as a CMS that stamps each answer: new bytes, the same items
        server.routes["/feed.xml"].body += f"<!-- build {next(builds)} -->".encode()

    assert feeds("run").code == 0
    assert len(normalised) == 3
    before = feed_files(workspace)

    normalised.clear()
    rebuilt()
    second = feeds("run")
    assert "0 new, 0 updated, 3 unchanged" in second.out
    assert normalised == []
    assert feed_files(workspace) == before
    with sqlite3.connect(workspace.database) as database:
        seen = {row[0] for row in database.execute("SELECT last_seen_at FROM articles")}
        fetched = database.execute("SELECT last_fetch_at FROM sources").fetchone()[0]
        assert seen == {fetched}  # marked seen by the second run
        database.execute("UPDATE article_sources SET entry_digest = NULL")

    rebuilt()
    third = feeds("run")
    assert "0 new, 0 updated, 3 unchanged" in third.out and len(normalised) == 3
    with sqlite3.connect(workspace.database) as database:
        digests = database.execute("SELECT entry_digest FROM article_sources").fetchall()
        assert len(digests) == 3 and None not in {digest for (digest,) in digests}

    normalised.clear()
    serve_fixture(server, "edited-v2.xml", "/feed.xml")
    server.routes["/feed.xml"].conditional = False
    fourth = feeds("run")
    assert "1 new, 1 updated, 2 unchanged" in fourth.out
    assert len(normalised) == 2  # the new item and the edited one


def test_a_clamped_date_is_warned_about_at_every_fetch(server, workspace: Workspace, feeds):
    url = serve_fixture(server, "dates-id.xml")
    server.routes["/dates-id.xml"].conditional = False
    workspace.write_config([source("dates", url)])
    for build in range(2):
        server.routes["/dates-id.xml"].body += f"<!-- build {build} -->".encode()
        result = feeds("run")
        assert "1 article(s) dated in the future; clamped to fetch time" in result.err


def test_failures_are_isolated_and_reported(server, workspace: Workspace, feeds):
    server.routes["/broken.xml"] = Route(body=b"oops", status=500)
    server.routes["/slow.xml"] = Route(body=b"<rss/>", delay=3)
    server.routes["/html.xml"] = Route(
        body=b"<html><body>Maaf</body></html>", content_type="text/html"
    )
    workspace.write_config(
        [
            source("good", serve_fixture(server, "rss20.xml")),
            source("broken", server.url("/broken.xml")),
            source("slow", server.url("/slow.xml")),
            source("gone", closed_port_url()),
            source("notfeed", server.url("/html.xml"), kind="feed"),
        ]
    )
    started = time.monotonic()
    result = feeds("run")
    assert time.monotonic() - started < 8  # the read timeout (1 s) bounds the slow source
    assert result.code == 0  # source failures are reported, not fatal
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.strip()}
    assert "new" in lines["good"]
    assert "failed: HTTP 500 Internal Server Error" in lines["broken"]
    assert "failed: server stopped sending for 1 s (read timeout)" in lines["slow"]
    assert "failed: cannot connect" in lines["gone"]
    assert "failed: not an RSS, Atom or JSON feed" in lines["notfeed"]
    assert "5 sources, 1 ok, 4 failed" in result.out
    assert b"<item>" in workspace.published()["berita-terkini.rss"]

    strict = feeds("run", "--strict")
    assert strict.code == 1

    status = feeds("status", "--json")
    entries = {entry["id"]: entry for entry in json.loads(status.out)["sources"]}
    assert entries["broken"]["consecutive_failures"] == 2
    assert entries["broken"]["last_status"] == 500
    assert entries["good"]["last_error"] is None and entries["good"]["articles"] > 0
    table = feeds("status")
    assert "broken" in table.out and "HTTP 500" in table.out


def test_same_story_in_two_sources_is_published_once(server, workspace: Workspace, feeds):
    workspace.write_config([source("a", serve_fixture(server, "dup-a.xml"))])
    feeds("run")
    workspace.write_config(
        [
            source("a", serve_fixture(server, "dup-a.xml")),
            source("b", serve_fixture(server, "dup-b.xml")),
        ]
    )
    feeds("run")
    rss = workspace.published()["berita-terkini.rss"]
    links = [item.findtext("link") for item in etree.fromstring(rss).iter("item")]
    story = "https://www.sulselpos.example/berita/2026/11/27/banjir-rob-pesisir-makassar"
    assert links.count(story) == 1
    assert len(links) == len(set(links)) == 3  # the shared story plus one unique item each


def test_malicious_items_are_published_clean(server, workspace: Workspace, feeds):
    workspace.write_config([source("evil", serve_fixture(server, "malicious.xml"))])
    assert feeds("run").code == 0
    for name in ("berita-terkini.rss", "berita-terkini.atom"):
        parsed = feedparser.parse(workspace.published()[name])
        assert parsed.entries, name
        for entry in parsed.entries:
            html = " ".join(c.value for c in entry.get("content", [])).lower()
            for forbidden in (
                "<script",
                "<iframe",
                "<object",
                "<embed",
                "<style",
                "<form",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "style=",
            ):
                assert forbidden not in html, (name, forbidden)


def test_bozo_feed_yields_items_and_a_warning(server, workspace: Workspace, feeds):
    workspace.write_config([source("bozo", serve_fixture(server, "bozo.xml"))])
    result = feeds("run")
    assert result.code == 0
    assert "warning" in result.out
    assert "feed is not well-formed" in result.err
    assert len(rss_items(workspace.published()["berita-terkini.rss"])) >= 3
    status = json.loads(feeds("status", "--json").out)["sources"][0]
    assert any("not well-formed" in warning for warning in status["warnings"])


def test_an_edit_updates_the_article_instead_of_adding_one(server, workspace, feeds):
    url = serve_fixture(server, "edited-v1.xml", "/feed.xml")
    workspace.write_config([source("site", url)])
    feeds("run")
    v1 = atom_entries(workspace.published()["berita-terkini.atom"])
    serve_fixture(server, "edited-v2.xml", "/feed.xml")
    result = feeds("run")
    assert "1 new, 1 updated, 2 unchanged" in result.out
    v2 = atom_entries(workspace.published()["berita-terkini.atom"])
    assert len(v2) == len(v1) + 1
    changed = [
        link
        for link in v1
        if v1[link].findtext(f"{ATOM}title") != v2[link].findtext(f"{ATOM}title")
    ]
    assert len(changed) == 1
    [link] = changed
    assert v2[link].findtext(f"{ATOM}updated") > v1[link].findtext(f"{ATOM}updated")
    assert v2[link].findtext(f"{ATOM}published") == v1[link].findtext(f"{ATOM}published")


def test_bad_config_exits_2_and_leaves_published_files_alone(server, workspace, feeds):
    workspace.write_config([source("rss", serve_fixture(server, "rss20.xml"))])
    feeds("run")
    before = workspace.published()
    text = workspace.config.read_text().replace("interval: 15m", "intreval: 15m")
    workspace.config.write_text(text)
    result = feeds("run")
    assert result.code == 2
    assert f"{workspace.config}:" in result.err and "did you mean 'interval'?" in result.err
    assert "nothing was changed" in result.err
    assert workspace.published() == before
    assert feeds("check").code == 2


def test_output_not_writable_exits_2(server, workspace: Workspace, feeds):
    workspace.write_config([source("rss", serve_fixture(server, "rss20.xml"))])
    workspace.output.parent.mkdir(exist_ok=True)
    workspace.output.write_text("a file where the folder should be")
    result = feeds("run")
    assert result.code == 2 and "cannot create output folder" in result.err


def test_a_second_run_waits_for_the_first_then_gives_up(server, workspace: Workspace, feeds):
    workspace.write_config([source("rss", serve_fixture(server, "rss20.xml"))])
    database_url = f"sqlite:///{workspace.database}"
    workspace.database.parent.mkdir(parents=True)
    with RunLock(database_url, wait_seconds=0):
        started = time.monotonic()
        result = feeds("run", "--wait", "0.5")
        assert 0.4 < time.monotonic() - started < 5
    assert result.code == 3
    assert "another feeds run is still working" in result.err
    assert not workspace.output.exists()

    # Released within the wait: the second run goes ahead.
    held = threading.Event()

    def hold_briefly() -> None:
        with RunLock(database_url, wait_seconds=0):
            held.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    held.wait(5)
    assert feeds("run", "--wait", "10").code == 0
    holder.join()


def test_only_and_check_and_disabled(server, workspace: Workspace, feeds):
    workspace.write_config(
        [
            source("one", serve_fixture(server, "rss20.xml")),
            source("two", serve_fixture(server, "atom10.xml")),
            source("off", serve_fixture(server, "rss091.xml"), enabled=False),
        ]
    )
    result = feeds("run", "--only", "two")
    assert [line.split()[0] for line in result.out.splitlines()[:-2]] == ["two"]
    assert not server.hits("/rss20.xml") and not server.hits("/rss091.xml")
    assert feeds("run", "--only", "nope").code == 2
    check = feeds("check")
    assert check.code == 0
    assert "sources: 3 (2 enabled)" in check.out and "[disabled]" in check.out
    assert "berita-terkini: 'Berita Terkini', 50 items" in check.out


def test_permanent_redirect_is_followed_and_reported(server, workspace: Workspace, feeds):
    serve_fixture(server, "rss20.xml", "/new.xml")
    server.routes["/old.xml"] = Route(status=301, headers={"Location": "/new.xml"})
    workspace.write_config([source("moved", server.url("/old.xml"))])
    result = feeds("run")
    assert f"moved permanently to {server.url('/new.xml')}" in result.out
    status = json.loads(feeds("status", "--json").out)["sources"][0]
    assert status["moved_to"] == server.url("/new.xml")


def test_redirect_loop_is_bounded(server, workspace: Workspace, feeds):
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    workspace.write_config([source("loop", server.url("/a"))])
    result = feeds("run")
    assert "failed: more than 5 redirects" in result.out
    assert len(server.requests) == 6


def test_size_cap_stops_a_huge_body(server, workspace: Workspace, feeds):
    server.routes["/big.xml"] = Route(body=b"<rss>" + b" " * 300_000 + b"</rss>")
    workspace.write_config([source("big", server.url("/big.xml"))], fetch={"max_bytes": "100KB"})
    result = feeds("run")
    assert "failed: response larger than the 100 KB cap" in result.out


def test_user_agent_and_custom_headers_are_sent(server, workspace: Workspace, feeds):
    url = serve_fixture(server, "rss20.xml")
    workspace.write_config([source("rss", url, headers={"X-Api-Key": "rahasia"})])
    feeds("run")
    [request] = server.hits("/rss20.xml")
    assert request.headers["User-Agent"].startswith("feeds/0.1.0 (+https://berita.example.id/")
    assert request.headers["X-Api-Key"] == "rahasia"
    assert "gzip" in request.headers["Accept-Encoding"]


def test_file_sources_and_retention_setting(tmp_path: Path, workspace: Workspace, feeds):
    copy = tmp_path / "snap.xml"
    copy.write_bytes((FEED_FIXTURES / "rss20.xml").read_bytes())
    workspace.write_config([source("file", "snap.xml")], defaults={"retention": "7d"})
    assert "new" in feeds("run").out
    assert "not modified" in feeds("run").out
    os.utime(copy, (2_000_000_000, 2_000_000_000))
    assert "0 new, 0 updated" in feeds("run").out


def test_per_host_limit_bounds_parallel_requests(server, workspace: Workspace, feeds):
    for number in range(6):
        serve_fixture(server, "rss20.xml", f"/feed{number}.xml")
        server.routes[f"/feed{number}.xml"].delay = 0.3
    workspace.write_config(
        [source(f"s{number}", server.url(f"/feed{number}.xml")) for number in range(6)],
        fetch={"per_host": 2, "concurrency": 16},
    )
    assert "6 sources, 6 ok" in feeds("run").out
    assert server.max_in_flight == 2


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_responses_are_decoded(server, workspace: Workspace, feeds, encoding):
    serve_fixture(server, "rss20.xml")
    server.routes["/rss20.xml"].encoding = encoding
    workspace.write_config([source("packed", server.url("/rss20.xml"))])
    result = feeds("run")
    assert "4 new" in result.out
    assert "br" in server.requests[0].headers["Accept-Encoding"]


def test_a_configured_authorization_wins_over_url_credentials_and_stays_home(
    server, workspace: Workspace, feeds
):
    """The header goes to the source's own site, never to another origin it redirects to;
    with both a header and user:pass@ in the URL, the header is what is sent."""
    elsewhere = FixtureServer().start()
    try:
        serve_fixture(elsewhere, "rss20.xml", "/moved.xml")
        server.routes["/feed.xml"] = Route(
            status=302, headers={"Location": elsewhere.url("/moved.xml")}
        )
        serve_fixture(server, "rss20.xml", "/direct.xml")
        with_password = server.url("/direct.xml").replace("http://", "http://redaksi:sandi@")
        workspace.write_config([
            source("redirected", server.url("/feed.xml"),
                   headers={"Authorization": "Bearer rahasia", "Cookie": "sesi=1"}),
            source("both", with_password, headers={"Authorization": "Bearer rahasia"}),
        ])  # fmt: skip
        assert "2 sources, 2 ok" in feeds("run").out
        first_hop = server.hits("/feed.xml")[0].headers
        assert first_hop["Authorization"] == "Bearer rahasia" and first_hop["Cookie"] == "sesi=1"
        second_hop = elsewhere.hits("/moved.xml")[0].headers
        assert "Authorization" not in second_hop and "Cookie" not in second_hop
        assert server.hits("/direct.xml")[0].headers["Authorization"] == "Bearer rahasia"
    finally:
        elsewhere.stop()


def test_sources_go_through_the_proxy_the_environment_names(
    server, workspace: Workspace, feeds, monkeypatch: pytest.MonkeyPatch
):
    """HTTP_PROXY is honoured (a forward proxy on loopback gets the absolute URL) and
    NO_PROXY lets a host be fetched directly."""
    feed = (FEED_FIXTURES / "rss20.xml").read_bytes()
    seen: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)  # a proxy is asked for the whole URL
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(feed)))
            self.end_headers()
            self.wfile.write(feed)

        def log_message(self, *args: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        serve_fixture(server, "rss20.xml", "/feed.xml")
        workspace.write_config([source("proxied", server.url("/feed.xml"))])
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert "4 new" in feeds("run").out
        assert seen == [server.url("/feed.xml")] and not server.hits("/feed.xml")

        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with_password = server.url("/feed.xml").replace("http://", "http://redaksi:sandi@")
        workspace.write_config([source("proxied", with_password)])  # user:pass@ too
        feeds("run")
        assert len(seen) == 1 and len(server.hits("/feed.xml")) == 1
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_json_logs_put_the_source_first(server, workspace: Workspace, capsys):
    server.routes["/broken.xml"] = Route(body=b"oops", status=503)
    workspace.write_config([source("broken", server.url("/broken.xml"))])
    from feeds.cli import main

    # After the command, as the README's cron line writes it ("feeds run --log-format json").
    code = main(
        [
            "run",
            "--log-format",
            "json",
            "--sources",
            str(workspace.config),
            "--db",
            f"sqlite:///{workspace.database}",
            "--output",
            str(workspace.output),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert err.startswith("{"), err
    event = json.loads(err.splitlines()[0])
    assert next(iter(event)) == "source"
    assert event["source"] == "broken" and event["level"] == "error"
    assert "HTTP 503 Service Unavailable" in event["message"]


def test_future_dates_are_clamped_and_flagged(server, workspace: Workspace, feeds):
    workspace.write_config([source("dates", serve_fixture(server, "dates-id.xml"))])
    result = feeds("run")
    assert "1 article(s) dated in the future; clamped to fetch time" in result.err
    status = json.loads(feeds("status", "--json").out)["sources"][0]
    assert status["warnings"] == ["1 article(s) dated in the future; clamped to fetch time"]


def test_progress_bar_on_a_terminal_and_plain_lines_without(server, workspace, tmp_path):
    import os
    import pty
    import select
    import subprocess
    import sys

    serve_fixture(server, "rss20.xml")
    server.routes["/rss20.xml"].delay = 1.5  # long enough for the bar to be drawn
    workspace.write_config([source("rss", server.url("/rss20.xml"))], fetch={"read_timeout": "10s"})
    command = [
        sys.executable,
        "-m",
        "feeds",
        "run",
        "--sources",
        str(workspace.config),
        "--db",
        f"sqlite:///{workspace.database}",
        "--output",
        str(workspace.output),
    ]
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command,
        stdout=follower,
        stderr=follower,
        close_fds=True,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    os.close(leader)
    assert process.returncode == 0
    assert b"fetching" in seen and b"0/1" in seen  # the bar, drawn while the fetch runs
    assert b"4 new" in seen  # the per-source line still appears


def test_control_characters_never_reach_published_xml(server, workspace: Workspace, feeds):
    """JSON can carry characters XML 1.0 forbids; one of them must not make every output
    unwritable, and the published documents must stay well-formed and valid."""
    item = {
        "id": "tag:x.example,2026:\u0001kontrol",
        "url": "https://x.example/berita/\u0007satu",
        "title": "Judul\u000bdengan\u0001karakter\u0000kontrol \ufffe\U0001f600",
        "content_html": "<p>Isi\u0008 berita\u001f \U0001f4f0 \u05e9\u05dc\u05d5\u05dd</p>",
        "authors": [{"name": "Reda\u0002ksi"}],
        "tags": ["Sul\u0003sel"],
        "date_published": "2026-11-27T10:00:00+07:00",
    }
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "x",
                       "items": [item]}).encode()  # fmt: skip
    server.routes["/kontrol.json"] = Route(body, "application/feed+json")
    workspace.write_config([source("kontrol", server.url("/kontrol.json"))])
    result = feeds("run")
    assert result.code == 0 and "1 new" in result.out, result.out + result.err
    rss = workspace.published()["berita-terkini.rss"]
    parsed = etree.fromstring(rss)  # well-formed
    assert parsed.findtext("channel/item/title") == "Judul dengankarakterkontrol \U0001f600"
    assert parsed.findtext("channel/item/link") == "https://x.example/berita/satu"
    assert feed_problems(workspace.output) == []


def test_secrets_in_headers_never_appear_in_logs_status_or_output(server, workspace, feeds):
    secret = "Bearer rahasia-0123456789"
    serve_fixture(server, "rss20.xml")
    server.routes["/rusak.xml"] = Route(b"x", status=500)
    workspace.write_config([
        source("baik", server.url("/rss20.xml"), headers={"Authorization": secret}),
        source("rusak", server.url("/rusak.xml"), headers={"Authorization": secret}),
    ])  # fmt: skip
    texts = []
    for command in (("run",), ("run", "--log-format", "json"), ("check",), ("status",),
                    ("status", "--json")):  # fmt: skip
        result = feeds(*command)
        texts += [result.out, result.err]
    assert server.hits("/rss20.xml")[0].headers["Authorization"] == secret  # it was sent
    published = b"".join(workspace.published().values())
    assert secret.encode() not in published and b"rahasia" not in published
    assert not any("rahasia" in text for text in texts)
