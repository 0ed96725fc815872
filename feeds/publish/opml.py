"""OPML 2.0 (http://opml.org/spec2.opml): the enabled sources, and the published streams.

A reader imports it to follow the same sources directly, or to subscribe to every stream at
once. Only what is public goes in: names and URLs. Request headers never do (they can hold
API keys), nor do user names and passwords written into a source URL, nor local file paths
(the offline snapshot reads `file:` URLs that mean nothing on another machine).

No dates are written, so the file changes only when the configuration does.
"""

from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from feeds.config import Settings, Source

SPEC = "http://opml.org/spec2.opml"


def render_opml(settings: Settings) -> bytes:
    stream = settings.config.stream
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = f"{stream.title}: sumber dan stream"
    etree.SubElement(head, "docs").text = SPEC
    body = etree.SubElement(opml, "body")

    sources = outline(body, "Sumber berita")
    for source in settings.enabled_sources():
        source_outline(sources, source)

    streams = outline(body, f"{stream.title} streams")
    for output in settings.outputs:
        outline(streams, output.title, type="rss",
                xmlUrl=settings.self_url(f"{output.slug}.rss"), htmlUrl=stream.link)  # fmt: skip

    return etree.tostring(opml, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def outline(parent: etree._Element, text: str, **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, "outline", text=text, title=text)
    for name, value in attributes.items():
        if value:
            element.set(name, value)
    return element


def source_outline(parent: etree._Element, source: Source) -> etree._Element:
    """A feed is a `type="rss"` subscription; a site read through its pages (html) or its
    sitemap has no feed to subscribe to, so it is listed as a link to what we read."""
    url = public_url(source.url)
    if url is None:  # a local file: nothing a reader elsewhere could fetch
        return outline(parent, source.name)
    if source.kind in (None, "feed"):
        return outline(parent, source.name, type="rss", xmlUrl=url)
    if source.kind == "html":
        return outline(parent, source.name, type="link", url=url, htmlUrl=url)
    return outline(parent, source.name, type="link", url=url)


def public_url(url: str) -> str | None:
    """`url` without any user name or password; None for a local file."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
