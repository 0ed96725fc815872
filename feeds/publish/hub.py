"""A feedgen extension for <atom:link rel="hub"> in RSS (WebSub discovery).

feedgen writes feed-level Atom links into Atom documents but, in RSS, only the self link.
"""

from feedgen.ext.base import BaseExtension
from feedgen.util import xml_elem

ATOM_NS = "http://www.w3.org/2005/Atom"


class HubLinkExtension(BaseExtension):
    def __init__(self) -> None:
        self.hub: str | None = None

    def extend_rss(self, feed):  # type: ignore[no-untyped-def]
        channel = feed.find("channel")
        if self.hub and channel is not None:
            xml_elem(f"{{{ATOM_NS}}}link", channel, href=self.hub, rel="hub")
        return feed
