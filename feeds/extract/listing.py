"""Kind `html`: a site's listing page ("Berita Terkini", "Indeks") read with CSS selectors."""

import html
from dataclasses import dataclass

from feeds.config.model import ListingSelectors
from feeds.extract.decode import decode_html, parse_html
from feeds.extract.entry import RawEntry, RawImage
from feeds.extract.selectors import parse_selector, select_all, select_html, select_value
from feeds.normalise.html import LAZY_SOURCES, is_placeholder
from feeds.normalise.urls import absolute_url


@dataclass(slots=True)
class Listing:
    entries: list[RawEntry]
    next_page: str | None


def parse_listing(
    body: bytes, *, url: str, select: ListingSelectors, content_type: str | None = None
) -> Listing:
    root = parse_html(decode_html(body, content_type))
    link_selector = parse_selector(select.link)
    entries: list[RawEntry] = []
    seen: set[str] = set()
    for item in select_all(root, parse_selector(select.item)):
        link = absolute_url(select_value(item, link_selector), url)
        if link is None or link in seen:
            continue
        seen.add(link)
        title_selector = parse_selector(select.title) if select.title else text_of(link_selector)
        image = listing_image(item, select.image, url)
        entries.append(
            RawEntry(
                link=link,
                title=escape_text(select_value(item, title_selector)),
                published=select_value(item, parse_selector(select.date)) if select.date else None,
                summary_html=select_html(item, parse_selector(select.summary))
                if select.summary
                else None,
                images=[RawImage(url=image)] if image else [],
                base_url=url,
            )
        )
    next_page = None
    if select.next:
        next_page = absolute_url(select_value(root, parse_selector(select.next)), url)
    return Listing(entries=entries, next_page=next_page if next_page != url else None)


def text_of(link_selector):  # type: ignore[no-untyped-def]
    """The default title: the text of the element the link came from."""
    return parse_selector(link_selector.css)


def listing_image(item, selector: str | None, base: str) -> str | None:  # type: ignore[no-untyped-def]
    if not selector:
        return None
    parsed = parse_selector(selector)
    for element in select_all(item, parse_selector(parsed.css)):
        value = element.get(parsed.attribute or "src")
        if not value or is_placeholder(value):
            value = next((element.get(name) for name in LAZY_SOURCES if element.get(name)), value)
        if resolved := absolute_url(value, base):
            return resolved
    return None


def escape_text(text: str | None) -> str | None:
    return html.escape(text, quote=False) if text else None
