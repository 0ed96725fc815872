"""`feeds discover URL`: which feeds (or sitemaps) a site offers, and how many items each has."""

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from feeds.extract import ExtractError, parse_feed
from feeds.extract.discover import COMMON_PATHS, feed_links
from feeds.extract.screen import looks_like_html
from feeds.extract.sitemap import SitemapError, parse_sitemap
from feeds.fetch import Fetcher, FetchError, FetchResult


@dataclass(slots=True)
class Found:
    url: str
    kind: str  # "feed" or "sitemap"
    how: str  # where it was found, for the operator
    items: int
    title: str | None = None


async def discover(
    fetcher: Fetcher, url: str, page: FetchResult | None = None, *, allow_private: bool = False
) -> list[Found]:
    """Feeds announced by the page, else at common paths, else sitemaps from robots.txt.
    `page`: the page already fetched, if the caller has it."""
    page = page or await fetcher.fetch(url, allow_private=allow_private)
    if not looks_like_html(page.body):
        found = try_feed(page.body, page.url, page.content_type, "the URL itself")
        return [found] if found else []

    results: list[Found] = []
    for link in feed_links(page.body, url=page.url, content_type=page.content_type):
        how = f'<link rel="alternate"> ({link.format})'
        if found := await fetch_feed(fetcher, link.url, how, allow_private):
            results.append(found)
    if results:
        return results
    # Common paths under the page's own folder first (a site may live below the host's root).
    candidates = [urljoin(page.url, path.lstrip("/")) for path in COMMON_PATHS]
    candidates += [urljoin(page.url, path) for path in COMMON_PATHS]
    for candidate in dict.fromkeys(candidates):
        path = urlsplit(candidate).path + (
            f"?{urlsplit(candidate).query}" if "?" in candidate else ""
        )
        if found := await fetch_feed(fetcher, candidate, f"common path {path}", allow_private):
            return [found]
    rules = await fetcher.robots(page.url, allow_private)
    for sitemap_url in rules.sitemaps():
        try:
            result = await fetcher.fetch(sitemap_url, polite=True, allow_private=allow_private)
            sitemap = parse_sitemap(result.body, url=result.url)
        except (FetchError, SitemapError):
            continue
        count = len(sitemap.entries) or len(sitemap.children)
        results.append(Found(sitemap_url, "sitemap", "Sitemap: line in robots.txt", count))
    return results


async def fetch_feed(fetcher: Fetcher, url: str, how: str, allow_private: bool) -> Found | None:
    try:
        result = await fetcher.fetch(url, allow_private=allow_private)
    except FetchError:
        return None
    return try_feed(result.body, result.url, result.content_type, how)


def try_feed(body: bytes, url: str, content_type: str | None, how: str) -> Found | None:
    if looks_like_html(body):
        return None
    try:
        extracted = parse_feed(body, url=url, content_type=content_type)
    except ExtractError:
        return None
    return Found(url, "feed", how, len(extracted.entries), extracted.title)


def suggested_entry(found: Found, site_url: str) -> str:
    """A sources.yaml entry ready to paste."""
    host = (urlsplit(site_url).hostname or "site").removeprefix("www.")
    source_id = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:64] or "site"
    name = (found.title or host).replace('"', "'")
    return (
        f'  - id: {source_id}\n    name: "{name}"\n    url: {found.url}\n    kind: {found.kind}\n'
    )
