"""Listing pages read with selectors, sitemaps of every shape, feed links on pages."""

import gzip

import pytest

from feeds.config.model import ListingSelectors
from feeds.extract.discover import feed_links
from feeds.extract.listing import parse_listing
from feeds.extract.screen import looks_like_html
from feeds.extract.sitemap import SitemapError, parse_sitemap

LISTING = """<!doctype html><html><head><meta charset="windows-1252"></head><body>
<div class="terkini">
 <article class="post"><h2><a href="/2026/11/27/satu/?utm_source=home">Judul &amp; Satu</a></h2>
  <span class="date">Jumat, 27 November 2026 14:40</span>
  <p class="excerpt">Ringkasan <b>satu</b></p>
  <img src="/lazy.gif" data-src="/foto/satu.jpg"></article>
 <article class="post"><h2><a href="https://site.example/2026/11/27/dua/">Dua</a></h2></article>
 <article class="post"><h2>Tanpa tautan</h2></article>
 <article class="post"><h2><a href="/2026/11/27/satu/?utm_source=home">Ulang</a></h2></article>
</div><a class="next" href="/page/2/">Berikutnya</a></body></html>
""".encode("cp1252")


def test_listing_items_with_selectors_and_next_page() -> None:
    select = ListingSelectors(
        item="article.post",
        link="h2 a@href",
        date=".date",
        summary=".excerpt",
        image="img@src",
        next="a.next@href",
    )
    listing = parse_listing(LISTING, url="https://site.example/", select=select)
    assert [entry.link for entry in listing.entries] == [
        "https://site.example/2026/11/27/satu/?utm_source=home",
        "https://site.example/2026/11/27/dua/",
    ]
    first, second = listing.entries
    assert first.title == "Judul &amp; Satu"  # HTML, as every extractor hands on
    assert first.published == "Jumat, 27 November 2026 14:40"
    assert first.summary_html == "Ringkasan <b>satu</b>"
    assert first.images[0].url == "https://site.example/foto/satu.jpg"  # lazy image resolved
    assert second.published is None and second.images == []
    assert listing.next_page == "https://site.example/page/2/"


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
 <url><loc>https://site.example/a</loc>
  <news:news><news:publication><news:name>Site</news:name><news:language>id</news:language>
  </news:publication><news:publication_date>2026-11-27T14:40:00+08:00</news:publication_date>
  <news:title>Judul A &amp; B</news:title>
  <news:keywords>Makassar, banjir</news:keywords></news:news>
  <image:image><image:loc>https://site.example/a.jpg</image:loc></image:image></url>
 <url><loc>https://site.example/b</loc><lastmod>2026-11-26</lastmod></url>
 <url><lastmod>2026-11-26</lastmod></url>
</urlset>"""


def test_news_sitemap_and_plain_urls() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, url="https://site.example/sitemap-news.xml")
    first, second = sitemap.entries
    assert (first.link, first.title, first.published) == (
        "https://site.example/a",
        "Judul A &amp; B",
        "2026-11-27T14:40:00+08:00",
    )
    assert first.categories == ["Makassar", "banjir"] and first.language == "id"
    assert first.images[0].url == "https://site.example/a.jpg"
    assert (second.link, second.published, second.title) == (
        "https://site.example/b",
        "2026-11-26",
        None,
    )


def test_sitemap_index_gzip_and_rejections() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://site.example/post-1.xml</loc><lastmod>2026-10-01</lastmod></sitemap>
      <sitemap><loc>https://site.example/post-2.xml.gz</loc></sitemap></sitemapindex>"""
    sitemap = parse_sitemap(gzip.compress(index), url="https://site.example/index.xml")
    assert sitemap.children == [
        ("https://site.example/post-1.xml", "2026-10-01"),
        ("https://site.example/post-2.xml.gz", None),
    ]
    with pytest.raises(SitemapError, match="unpacks to more than"):
        parse_sitemap(
            gzip.compress(b"<urlset>" + b" " * 5000 + b"</urlset>"), url="x", max_bytes=1000
        )
    with pytest.raises(SitemapError, match="root element <rss>"):
        parse_sitemap(b"<rss/>", url="x")
    with pytest.raises(SitemapError, match="not a sitemap"):
        parse_sitemap(b"", url="x")


def test_entities_in_a_sitemap_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">
      <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/&c;</loc>
      </url></urlset>"""
    entries = parse_sitemap(bomb, url="x").entries
    assert all(len(entry.link or "") < 200 for entry in entries)


def test_feed_links_on_a_page() -> None:
    page = b"""<html><head>
      <link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
      <link rel="alternate" type="application/feed+json" href="https://site.example/feed.json">
      <link rel="alternate" type="text/html" hreflang="en" href="/en/">
      <link rel="stylesheet" type="text/css" href="/s.css"></head></html>"""
    links = feed_links(page, url="https://site.example/berita/")
    assert [(link.url, link.format, link.title) for link in links] == [
        ("https://site.example/rss.xml", "rss", "RSS"),
        ("https://site.example/feed.json", "json", None),
    ]
    assert looks_like_html(page) and not looks_like_html(b"<?xml version='1.0'?><rss/>")


@pytest.mark.parametrize(
    ("channel", "seconds"),
    [
        ("<ttl>30</ttl>", 1800.0),
        ("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>",
         1800.0),
        ("<sy:updatePeriod>daily</sy:updatePeriod>", 86400.0),
        ("<ttl>nol</ttl>", None),
        ("", None),
    ],
)  # fmt: skip
def test_a_feed_says_how_often_it_changes(channel: str, seconds: float | None) -> None:
    from feeds.extract import parse_feed

    feed = (
        '<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        f"<title>x</title>{channel}<item><title>a</title><link>https://x.example/a</link></item>"
        "</channel></rss>"
    ).encode()
    assert parse_feed(feed, url="https://x.example/feed").ttl_seconds == seconds
