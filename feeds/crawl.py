"""Reading one source by its kind, after its first fetch.

- feed: the feed's items.
- html: the listing page's items (and further listing pages through `select.next`).
- sitemap: the sitemap's URLs (an index is followed, newest child sitemaps first).
- no kind: the URL is a feed, or a web page announcing one (<link rel="alternate">).

With `follow: true`, each article page not yet stored is fetched (politely, at most
`follow_limit` a run) for its body, date, author and image; stored articles are never fetched
again, only kept current.
"""

import asyncio
import html
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING

from feeds.config import Source
from feeds.discovery import discover
from feeds.extract import ExtractError, RawEntry, RawImage, parse_feed
from feeds.extract.decode import decode_html
from feeds.extract.listing import parse_listing
from feeds.extract.screen import looks_like_html
from feeds.extract.sitemap import Sitemap, SitemapError, parse_sitemap
from feeds.fetch import Fetcher, FetchError, FetchResult
from feeds.normalise.dates import parse_date
from feeds.normalise.urls import canonical_url
from feeds.store import Store

if TYPE_CHECKING:
    from feeds.extract.page import ArticlePage

MAX_CHILD_SITEMAPS = 5  # newest child sitemaps read from an index
MAX_SITEMAP_URLS = 200  # newest URLs kept from a sitemap
MAX_ARTICLE_PAGES = 10  # pages joined for one multi-page article


@dataclass(slots=True)
class Harvest:
    entries: list[RawEntry]  # to normalise and store
    still_listed: list[str] = field(default_factory=list)  # stored ids the source still lists
    warnings: list[str] = field(default_factory=list)
    ttl_seconds: float | None = None  # how often the feed says it changes


async def harvest(fetcher: Fetcher, store: Store, source: Source, first: FetchResult) -> Harvest:
    if source.kind == "html":
        result = await read_listing(fetcher, source, first)
    elif source.kind == "sitemap":
        result = await read_sitemaps(fetcher, source, first)
    elif source.kind == "feed":
        result = read_feed(first)
    else:
        result = await read_discovered(fetcher, source, first)
    if source.follow:
        await follow_articles(fetcher, store, source, result)
    return result


async def crawl_page(fetcher: Fetcher, source: Source, url: str) -> FetchResult:
    """A page of the source's own site: paced, robots.txt honoured unless the source says
    not, SSRF protection unless the source is marked intranet."""
    return await fetcher.fetch(
        url,
        headers=source.headers,
        polite=True,
        obey_robots=source.robots,
        allow_private=source.allow_private,
    )


def read_feed(result: FetchResult) -> Harvest:
    extracted = parse_feed(result.body, url=result.url, content_type=result.content_type)
    return Harvest(entries=extracted.entries, warnings=list(extracted.warnings),
                   ttl_seconds=extracted.ttl_seconds)  # fmt: skip


async def read_discovered(fetcher: Fetcher, source: Source, first: FetchResult) -> Harvest:
    """No kind given: a feed, or a web page whose feed (or sitemap) is found as
    `feeds discover` finds it, and read instead."""
    if not looks_like_html(first.body):
        return read_feed(first)
    found = await discover(fetcher, first.url, first, allow_private=source.allow_private)
    if not found:
        raise ExtractError(
            'a web page with no feed: none announced (<link rel="alternate">), none at the '
            "common paths, no sitemap in robots.txt; set kind: html with select"
        )
    best = found[0]
    if best.kind == "feed":
        result = read_feed(
            await fetcher.fetch(
                best.url, headers=source.headers, allow_private=source.allow_private
            )
        )
    else:
        sitemap = await crawl_page(fetcher, source, best.url)
        result = await read_sitemaps(fetcher, source, sitemap)
    result.warnings.append(
        f"no kind given: read the {best.kind} found at {best.url} ({best.how}); "
        "put that URL and kind in sources.yaml to skip the search"
    )
    return result


async def read_listing(fetcher: Fetcher, source: Source, first: FetchResult) -> Harvest:
    assert source.select is not None  # the config loader insists on it for kind html
    page = parse_listing(first.body, url=first.url, select=source.select,
                         content_type=first.content_type)  # fmt: skip
    entries = list(page.entries)
    warnings: list[str] = []
    visited = {first.url}
    for _ in range(source.pages - 1):
        if page.next_page is None or page.next_page in visited:
            break
        visited.add(page.next_page)
        try:
            result = await crawl_page(fetcher, source, page.next_page)
        except FetchError as error:
            warnings.append(f"listing page {page.next_page}: {error}")
            break
        page = parse_listing(result.body, url=result.url, select=source.select,
                             content_type=result.content_type)  # fmt: skip
        known = {entry.link for entry in entries}
        entries += [entry for entry in page.entries if entry.link not in known]
    if not entries:
        raise ExtractError(f"select.item {source.select.item!r} matched no article on the page")
    return Harvest(entries=entries, warnings=warnings)


async def read_sitemaps(fetcher: Fetcher, source: Source, first: FetchResult) -> Harvest:
    max_bytes = fetcher.limits.max_bytes
    try:
        sitemap = parse_sitemap(first.body, url=first.url, max_bytes=max_bytes)
    except SitemapError as error:
        raise ExtractError(str(error)) from None
    entries = list(sitemap.entries)
    warnings: list[str] = []
    for child in newest_children(sitemap)[:MAX_CHILD_SITEMAPS]:
        try:
            result = await crawl_page(fetcher, source, child)
            entries += parse_sitemap(result.body, url=result.url, max_bytes=max_bytes).entries
        except (FetchError, SitemapError) as error:
            warnings.append(f"sitemap {child}: {error}")
    if source.robots and entries:
        rules = await fetcher.robots(first.url, source.allow_private)
        allowed = [entry for entry in entries if entry.link and rules.allows(entry.link)]
        if skipped := len(entries) - len(allowed):
            warnings.append(f"{skipped} sitemap URL(s) disallowed by robots.txt were skipped")
        entries = allowed
    entries.sort(key=entry_time, reverse=True)
    return Harvest(entries=entries[:MAX_SITEMAP_URLS], warnings=warnings)


def newest_children(sitemap: Sitemap) -> list[str]:
    """Child sitemaps, newest <lastmod> first (news is in the newest)."""

    def when(child: tuple[str, str | None]) -> float:
        parsed = parse_date(child[1], default_tz=UTC) if child[1] else None
        return parsed.timestamp() if parsed else float("-inf")

    return [url for url, _ in sorted(sitemap.children, key=when, reverse=True)]


def entry_time(entry: RawEntry) -> float:
    parsed = parse_date(entry.published, default_tz=UTC) if entry.published else None
    return parsed.timestamp() if parsed else float("-inf")


async def follow_articles(fetcher: Fetcher, store: Store, source: Source, harvest: Harvest) -> None:
    """Replace new entries by what their article pages say; stored ones are only kept current."""
    ids = {id(entry): canonical_url(entry.link) for entry in harvest.entries if entry.link}
    known = store.known_ids(list(ids.values()))
    new = [entry for entry in harvest.entries if entry.link and ids[id(entry)] not in known]
    harvest.still_listed = [ids[id(e)] for e in harvest.entries if ids.get(id(e)) in known]
    todo, later = new[: source.follow_limit], new[source.follow_limit :]
    if later:
        harvest.warnings.append(
            f"{len(later)} new article page(s) left for the next run (follow_limit "
            f"{source.follow_limit})"
        )
    outcomes = await asyncio.gather(*(read_article(fetcher, source, entry) for entry in todo))
    failures = [message for message in outcomes if message]
    if failures:
        harvest.warnings.append(
            f"{len(failures)} article page(s) could not be read, listing data kept: {failures[0]}"
        )
    harvest.entries = todo


async def read_article(fetcher: Fetcher, source: Source, entry: RawEntry) -> str | None:
    """Fill `entry` from its article page (all its pages); returns an error message or None."""
    # Imported here: the article extractor takes a tenth of a second to import, and runs
    # that only read feeds never need it.
    from feeds.extract.page import extract_article, join_pages

    assert entry.link is not None
    pages: list[ArticlePage] = []
    url: str | None = entry.link
    try:
        while url and len(pages) < MAX_ARTICLE_PAGES:
            result = await crawl_page(fetcher, source, url)
            text = decode_html(result.body, result.content_type)
            pages.append(extract_article(text, url=result.url, overrides=source.article.as_dict()))
            url = pages[-1].next_page
            if url in {entry.link, *(page.url for page in pages)}:
                break
    except FetchError as error:
        if not pages:
            return f"{entry.link}: {error}"
    merge_page(entry, join_pages(pages), pages[0].url if pages else entry.link)
    return None


def merge_page(entry: RawEntry, page: "ArticlePage", page_url: str) -> None:
    """The article page is more complete and more trustworthy than the listing's snippet."""
    if page.title:
        entry.title = html.escape(page.title, quote=False)
    entry.published = page.published or entry.published
    entry.updated = page.updated or entry.updated
    if page.author:
        entry.authors = [page.author]
    if page.body_html:
        # The summary is then the article's own opening (dateline removed in normalise),
        # not a teaser written for search engines or the listing.
        entry.content_html = page.body_html
        entry.summary_html = None
    elif not entry.summary_html and page.description:
        entry.summary_html = html.escape(page.description, quote=False)
    if page.image:
        entry.images = [RawImage(url=page.image), *entry.images]
    entry.categories = list(dict.fromkeys([*entry.categories, *page.categories]))
    entry.language = page.language or entry.language
    entry.base_url = page_url
