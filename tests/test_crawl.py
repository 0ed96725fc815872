"""Politeness and discovery: robots.txt, per-host pacing, feeds found on pages."""

import itertools
import json

from tests.conftest import FEED_FIXTURES, Workspace, serve_fixture
from tests.server import Route

LISTING = """<html><body>{items}<a class="next" href="{next}">next</a></body></html>"""


def listing_page(number: int, next_path: str) -> bytes:
    items = "".join(
        f'<article><h2><a href="/berita/{number}-{i}.html">Berita {number}-{i}</a></h2>'
        f'<span class="tgl">Jumat, 27 November 2026 1{i}:00</span></article>'
        for i in range(3)
    )
    return LISTING.format(items=items, next=next_path).encode()


def html_source(server, path: str = "/indeks/", **extra) -> dict:
    return {"id": "situs", "name": "Situs", "url": server.url(path), "kind": "html",
            "select": {"item": "article", "link": "h2 a@href", "date": ".tgl",
                       "next": "a.next@href"}, **extra}  # fmt: skip


def serve_listing(server, prefix: str = "/indeks/") -> None:
    for number in range(1, 4):
        path = prefix if number == 1 else f"{prefix}{number}/"
        server.routes[path] = Route(listing_page(number, f"{prefix}{number + 1}/"), "text/html")


def test_listing_pages_are_paced_per_host(server, workspace: Workspace, feeds) -> None:
    serve_listing(server)
    workspace.write_config([html_source(server, pages=3)], fetch={"host_delay": "1s"})
    result = feeds("run")
    assert "9 new" in result.out, result.out + result.err
    pages = [request for request in server.requests if request.path.startswith("/indeks/")]
    assert [request.path for request in pages] == ["/indeks/", "/indeks/2/", "/indeks/3/"]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(pages)]
    assert all(gap >= 0.95 for gap in gaps), gaps
    assert server.hits("/robots.txt"), "robots.txt is read before crawling"
    assert len(server.hits("/robots.txt")) == 1, "and only once per run"


def test_robots_disallow_is_honoured_unless_overridden(server, workspace, feeds) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /indeks/\n", "text/plain")
    serve_listing(server)
    workspace.write_config([html_source(server)], fetch={"host_delay": "0s"})
    result = feeds("run")
    assert "failed: disallowed by" in result.out and "robots.txt" in result.out
    assert not server.hits("/indeks/")

    workspace.write_config([html_source(server, robots=False)], fetch={"host_delay": "0s"})
    result = feeds("run")
    assert "3 new" in result.out
    assert "robots: false, so robots.txt is not honoured" in result.err


def test_robots_txt_that_fails_blocks_and_one_that_is_missing_allows(server, workspace, feeds):
    serve_listing(server)
    server.routes["/robots.txt"] = Route(b"oops", "text/plain", status=503)
    workspace.write_config([html_source(server)], fetch={"host_delay": "0s"})
    assert "failed: disallowed by" in feeds("run").out
    del server.routes["/robots.txt"]  # now a 404: everything allowed
    assert "3 new" in feeds("run").out


def test_crawl_delay_from_robots_txt(server, workspace: Workspace, feeds) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 1\n", "text/plain")
    serve_listing(server)
    workspace.write_config([html_source(server, pages=2)], fetch={"host_delay": "0s"})
    feeds("run")
    first, second = (r for r in server.requests if r.path.startswith("/indeks/"))
    assert second.at - first.at >= 0.95


def test_a_site_url_without_kind_reads_the_announced_feed(server, workspace, feeds) -> None:
    serve_fixture(server, "rss20.xml", "/situs/berita.xml")
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="berita.xml">'
    server.routes["/situs/"] = Route(page + b"</head><body>Beranda</body></html>", "text/html")
    server.routes["/kosong/"] = Route(b"<html><body>Tanpa feed</body></html>", "text/html")
    workspace.write_config([
        {"id": "situs", "name": "Situs", "url": server.url("/situs/")},
        {"id": "kosong", "name": "Kosong", "url": server.url("/kosong/")},
    ])  # fmt: skip
    result = feeds("run")
    assert "4 new" in result.out
    assert "no kind given: read the feed found at" in result.err
    assert "failed: a web page with no feed" in result.out


def test_discover_command_finds_link_path_or_sitemap(server, workspace: Workspace, feeds):
    workspace.write_config([])
    serve_fixture(server, "rss20.xml", "/a/rss.xml")
    server.routes["/a/"] = Route(
        b'<html><head><link rel="alternate" type="application/rss+xml" title="A" '
        b'href="/a/rss.xml"></head></html>', "text/html")  # fmt: skip
    result = feeds("discover", server.url("/a/"))
    assert result.code == 0
    assert f"feed     {server.url('/a/rss.xml')}  4 items" in result.out
    assert f"    url: {server.url('/a/rss.xml')}\n    kind: feed" in result.out

    server.routes["/b/"] = Route(b"<html><body>no link</body></html>", "text/html")
    server.routes["/feed"] = Route((FEED_FIXTURES / "atom10.xml").read_bytes(),
                                   "application/atom+xml")  # fmt: skip
    result = feeds("discover", server.url("/b/"))
    assert f"{server.url('/feed')}  3 items  (from common path /feed)" in result.out

    del server.routes["/feed"]
    server.routes["/robots.txt"] = Route(
        f"Sitemap: {server.url('/sitemap.xml')}\n".encode(), "text/plain")  # fmt: skip
    server.routes["/sitemap.xml"] = Route(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
        + server.url("/x").encode() + b"</loc></url></urlset>", "application/xml")  # fmt: skip
    result = feeds("discover", server.url("/b/"))
    assert "sitemap" in result.out and "1 items  (from Sitemap: line in robots.txt)" in result.out

    del server.routes["/robots.txt"]
    result = feeds("discover", server.url("/b/"))
    assert result.code == 1 and "no feed found" in result.out


def test_status_json_still_lists_sources_after_crawls(server, workspace, feeds) -> None:
    serve_listing(server)
    workspace.write_config([html_source(server)], fetch={"host_delay": "0s"})
    feeds("run")
    [entry] = json.loads(feeds("status", "--json").out)["sources"]
    assert entry["articles"] == 3 and entry["last_error"] is None
