"""Finding a site's feed: <link rel="alternate">, common paths, then robots.txt sitemaps."""

from dataclasses import dataclass

from feeds.extract.decode import decode_html, parse_html
from feeds.normalise.urls import absolute_url

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
    "application/rdf+xml": "rss",
    "text/xml": "rss",
    "application/xml": "rss",
}
# Where feeds usually live when a page does not say (WordPress, Ghost, Hugo, Jekyll, Blogger).
COMMON_PATHS = ("/feed", "/feed/", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
                "/?feed=rss2", "/feeds/posts/default")  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeedLink:
    url: str
    format: str  # "rss", "atom" or "json"
    title: str | None = None


def feed_links(body: bytes, *, url: str, content_type: str | None = None) -> list[FeedLink]:
    """Feeds a page announces with <link rel="alternate" type="...">, in page order."""
    root = parse_html(decode_html(body, content_type))
    links: list[FeedLink] = []
    for element in root.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((element.get("type") or "").split(";")[0].strip().lower())
        href = absolute_url(element.get("href"), url)
        if "alternate" in rel and kind and href and href not in [link.url for link in links]:
            links.append(FeedLink(url=href, format=kind, title=element.get("title")))
    return links
