"""Sites without feeds, end to end: listing pages followed to article pages, sitemaps, no
dates — served from tests/fixtures/sites/ on 127.0.0.1, run through `feeds run`, and every
field of every article checked in the published RSS and Atom against the sites' truth files."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from sqlalchemy import create_engine, text

from tests.conftest import Workspace, feed_problems, serve_site, site_truth

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def html_source(server, site: str, path: str, **extra) -> dict:
    select = site_truth(site, "listing.expected.json")["select"]
    return {"id": site, "name": site.title(), "url": server.url(path), "kind": "html",
            "select": select, "follow": True, **extra}  # fmt: skip


def published(workspace: Workspace) -> dict[str, etree._Element]:
    rss = etree.fromstring(workspace.published()["berita-terkini.rss"])
    return {item.findtext("link"): item for item in rss.iter("item")}


def locations(workspace: Workspace) -> dict[str, str | None]:
    engine = create_engine(f"sqlite:///{workspace.database}")
    with engine.connect() as connection:
        rows = connection.execute(text("select id, location from articles")).all()
    engine.dispose()
    return dict(rows)


def check_article(item: etree._Element, truth: dict, server) -> None:
    """Every field of one published RSS item against the site's truth for that article."""
    assert item.findtext("title") == truth["title"]
    if truth["published"]:
        assert parsedate_to_datetime(item.findtext("pubDate")).isoformat() == truth["published"]
    assert item.findtext(f"{DC}creator") == truth["author"]
    categories = [category.text for category in item.findall("category")]
    assert set(truth["categories"]) <= set(categories), categories
    image = truth["image"]
    if image and image.startswith("/"):
        image = server.url(image)
    media = item.find(f"{MEDIA}content")
    assert (media.get("url") if media is not None else None) == image
    body = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    for sentence in truth["body_must_contain"]:
        assert sentence in body, sentence
    for chrome in truth["body_must_not_contain"]:
        assert chrome not in body, chrome
    summary = item.findtext("description")
    assert summary.startswith(truth["summary_starts_with"]), summary
    if truth.get("caption"):
        first_paragraph = body.split("<p>", 1)[1] if "<p>" in body else ""
        assert not first_paragraph.startswith(truth["caption"])


def test_wordpress_listing_followed_to_article_pages(server, workspace, feeds) -> None:
    serve_site(server, "kabarsulsel")
    workspace.write_config([html_source(server, "kabarsulsel", "/", pages=2,
                                        timezone="Asia/Makassar")],
                           fetch={"host_delay": "0s"})  # fmt: skip
    result = feeds("run")
    assert result.code == 0 and "9 new" in result.out, result.out + result.err
    items = published(workspace)
    truths = site_truth("kabarsulsel")
    for truth in truths:
        check_article(items[server.url(truth["url"])], truth, server)
    where = locations(workspace)
    assert {where[server.url(t["url"])] for t in truths} == {t["location"] for t in truths}

    # Listing items whose page does not exist keep the listing's title and date.
    listing = site_truth("kabarsulsel", "listing.expected.json")
    for page in listing["pages"]:
        for entry in page["items"]:
            item = items[server.url(entry["url"])]
            assert item.findtext("title") == entry["title"]
            assert parsedate_to_datetime(item.findtext("pubDate")).isoformat() == entry["published"]
    assert feed_problems(workspace.output) == []

    # The second run reads the listing again but never an article page already stored.
    pages_before = len([r for r in server.requests if r.path.startswith("/2026/")])
    second = feeds("run")
    assert "0 new, 0 updated" in second.out
    assert len([r for r in server.requests if r.path.startswith("/2026/")]) == pages_before


def test_portal_with_json_ld_baca_juga_and_multi_page_articles(server, workspace, feeds) -> None:
    serve_site(server, "portalnews")
    workspace.write_config([html_source(server, "portalnews", "/indeks.html")],
                           fetch={"host_delay": "0s"})  # fmt: skip
    result = feeds("run")
    assert result.code == 0, result.err
    items = published(workspace)
    for truth in site_truth("portalnews"):
        check_article(items[server.url(truth["url"])], truth, server)
        for page in truth.get("pages", [])[1:]:
            assert server.hits(page), f"page {page} of a multi-page article was read"
    assert feed_problems(workspace.output) == []


def test_articles_without_any_date_keep_their_first_seen_time(server, workspace, feeds) -> None:
    serve_site(server, "tanpatanggal")
    workspace.write_config([html_source(server, "tanpatanggal", "/", timezone="Asia/Jayapura")],
                           fetch={"host_delay": "0s"})  # fmt: skip
    before = datetime.now(UTC).replace(microsecond=0)
    feeds("run")
    items = published(workspace)
    first_dates = {}
    for truth in site_truth("tanpatanggal"):
        item = items[server.url(truth["url"])]
        date = parsedate_to_datetime(item.findtext("pubDate"))
        if truth["published"]:
            assert date.isoformat() == truth["published"]
        else:
            assert date >= before
        first_dates[truth["url"]] = item.findtext("pubDate")
        assert item.findtext("title") == truth["title"]
    feeds("run")  # a day later, nothing may come back as new
    items = published(workspace)
    assert {u: items[server.url(u)].findtext("pubDate") for u in first_dates} == first_dates


def test_json_ld_graph_and_broken_json_ld_fall_back(server, workspace, feeds) -> None:
    serve_site(server, "grafik")
    truths = site_truth("grafik")
    links = "".join(f'<li><a href="{t["url"]}">x</a></li>' for t in truths)
    from tests.server import Route

    server.routes["/daftar/"] = Route(f"<html><body><ul>{links}</ul></body></html>".encode(),
                                      "text/html")  # fmt: skip
    workspace.write_config([{"id": "grafik", "name": "Grafik", "url": server.url("/daftar/"),
                             "kind": "html", "select": {"item": "li"}, "follow": True}],
                           fetch={"host_delay": "0s"})  # fmt: skip
    assert feeds("run").code == 0
    items = published(workspace)
    for truth in truths:
        check_article(items[server.url(truth["url"])], truth, server)


def test_sitemap_index_newest_first_skipping_disallowed(server, workspace, feeds) -> None:
    serve_site(server, "sitemaps")
    truth = site_truth("sitemaps")
    workspace.write_config([{"id": "peta", "name": "Peta", "url": server.url("/sitemap_index.xml"),
                             "kind": "sitemap", "timezone": "Asia/Makassar"}],
                           fetch={"host_delay": "0s"})  # fmt: skip
    result = feeds("run")
    assert result.code == 0, result.err
    assert "disallowed by robots.txt were skipped" in result.err
    children = [
        r.path for r in server.requests if "sitemap" in r.path and r.path != "/sitemap_index.xml"
    ]
    assert children == truth["index"]["children_newest_first"]
    links = set(published(workspace))
    assert links == {server.url(u["url"]) for u in truth["urls"]}
    assert not any("/private/" in r.path for r in server.requests)


def test_news_sitemap_followed_to_article_pages(server, workspace, feeds) -> None:
    serve_site(server, "sitemaps")
    source = {"id": "berita", "name": "Berita", "url": server.url("/sitemap-news.xml"),
              "kind": "sitemap", "follow": True, "timezone": "Asia/Makassar"}  # fmt: skip
    workspace.write_config([source], fetch={"host_delay": "0s"})
    assert feeds("run").code == 0
    items = published(workspace)
    for truth in site_truth("sitemaps", "articles.expected.json"):
        check_article(items[server.url(truth["url"])], truth, server)
    assert feed_problems(workspace.output) == []


def test_discovery_on_fixture_homepages(server, workspace, feeds) -> None:
    serve_site(server, "discovery")
    workspace.write_config([])
    truth = site_truth("discovery")
    for page in truth["pages"]:
        result = feeds("discover", server.url(page["page"]))
        if not page["feeds"] and not page.get("sitemaps"):
            # robots.txt is per host and names c's sitemap: d alone must find nothing.
            server.routes.pop("/robots.txt")
            result = feeds("discover", server.url(page["page"]))
            assert result.code == 1 and "no feed found" in result.out
            continue
        assert result.code == 0, result.out
        for feed in page["feeds"]:
            assert server.url(feed["url"]) in result.out
        for sitemap in page.get("sitemaps", []):
            assert (
                server.url(sitemap["url"] if isinstance(sitemap, dict) else sitemap) in result.out
            )


def test_per_source_article_selectors_win(server, workspace, feeds) -> None:
    serve_site(server, "grafik")
    truth = site_truth("grafik")[0]
    from tests.server import Route

    server.routes["/daftar/"] = Route(
        f'<html><body><li><a href="{truth["url"]}">x</a></li></body></html>'.encode(), "text/html"
    )
    overrides = {"title": "title", "author": "meta[name='nonexistent']@content"}
    source = {"id": "grafik", "name": "Grafik", "url": server.url("/daftar/"), "kind": "html",
              "select": {"item": "li"}, "follow": True, "article": overrides}  # fmt: skip
    workspace.write_config([source], fetch={"host_delay": "0s"})
    assert feeds("run").code == 0
    item = published(workspace)[server.url(truth["url"])]
    # The <title> override wins over JSON-LD's headline; a selector that matches nothing
    # leaves the field to automatic extraction.
    assert item.findtext("title") == truth["title"] + " - Grafik Jateng"
    assert item.findtext(f"{DC}creator") == truth["author"]


def test_the_same_sitemap_still_follows_the_pages_left_for_the_next_run(server, workspace, feeds):
    """A sitemap that never answers 304 and comes back byte for byte the same is not "not
    modified" (as the same feed would be): the article pages beyond follow_limit are still to
    be read. (A listing page is never taken for a feed: it is HTML.)"""
    serve_site(server, "sitemaps")
    for route in server.routes.values():
        route.conditional = False
    source = {"id": "berita", "name": "Berita", "url": server.url("/sitemap-news.xml"),
              "kind": "sitemap", "follow": True, "follow_limit": 2}  # fmt: skip
    workspace.write_config([source], fetch={"host_delay": "0s"})

    def pages_read() -> set[str]:
        return {request.path for request in server.requests if request.path.startswith("/berita/")}

    first = feeds("run")
    assert "left for the next run" in first.err, first.err
    assert len(pages_read()) == 2
    second = feeds("run")
    assert "not modified" not in second.out
    assert len(pages_read()) == 4
