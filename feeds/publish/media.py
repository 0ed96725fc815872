"""A feedgen extension for one article image as <media:content medium="image">.

feedgen's own media extension always wraps content in <media:group>, which the W3C validator
rejects when the group holds a single item; readers (Feedly, Inoreader, NetNewsWire) look for a
plain <media:content> anyway.
"""

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

MEDIA_NS = "http://search.yahoo.com/mrss/"


class MediaImageExtension(BaseExtension):
    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}


class MediaImageEntryExtension(BaseEntryExtension):
    def __init__(self) -> None:
        self._image: dict[str, str] | None = None

    def image(self, url: str, mime_type: str | None = None, length: int | None = None) -> None:
        self._image = {"url": url, "medium": "image"}
        if mime_type:
            self._image["type"] = mime_type
        if length:
            self._image["fileSize"] = str(length)

    def _extend(self, entry):  # type: ignore[no-untyped-def]
        if self._image:
            xml_elem(f"{{{MEDIA_NS}}}content", entry, **self._image)
        return entry

    extend_rss = _extend
    extend_atom = _extend
