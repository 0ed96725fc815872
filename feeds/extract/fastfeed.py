"""A fast reader for plain, well-formed RSS 2.0 and Atom 1.0, on lxml.

feedparser stays the reference reader: this module reproduces what its strict (SAX) parser
builds for a small, known set of elements - the same dictionaries, keys and values, through the
same per-element rules (whitespace stripping, link resolution against the feed URL, its
Latin-1-as-UTF-8 repair and windows-1252 mapping, its guess of HTML in RSS text, guid/link
precedence, author and category bookkeeping) - and hands them to the same
`entry_from_feedparser`. Anything outside that set makes `parse_fast` answer None and the caller
runs feedparser: an unknown namespace or element, an unexpected attribute, nested markup in a
text element, a DOCTYPE, xml:base, xml:lang below the root, an encoding other than UTF-8, a
repeated single-valued element, a media type feedparser would flag. Falling back is always
correct; tests/test_fastfeed.py proves the answers equal on every fixture and corpus file.

The parser expands no entity and fetches nothing (resolve_entities=False, no_network=True).
"""

import codecs
import contextlib
import html.entities
import re
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

from lxml import etree

from feeds.extract.entry import ExtractResult

ATOM = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"

# Namespace URI -> feedparser's prefix for it (feedparser's own table, the URIs exactly as
# published). An element in any other namespace makes the document fall back.
RSS_NAMESPACES = {
    None: "",
    ATOM: "",  # only atom:link is accepted in RSS (see RSS_ITEM / RSS_CHANNEL)
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
}
ATOM_NAMESPACES = {
    ATOM: "",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
}

LINK_ATTRS = frozenset({"href", "rel", "type", "title", "hreflang", "length"})
TEXT_TYPE_ATTRS = frozenset({"type"})
MEDIA_CONTENT_ATTRS = frozenset(
    {"url", "type", "medium", "width", "height", "filesize", "duration", "bitrate", "framerate",
     "samplingrate", "channels", "expression", "isdefault"}
)  # fmt: skip
MEDIA_THUMBNAIL_ATTRS = frozenset({"url", "width", "height", "time"})
NONE: frozenset[str] = frozenset()

# Element (feedparser's name: prefix:localname, lower case) -> the attributes it may carry.
RSS_CHANNEL = {
    "title": NONE, "link": NONE, "language": NONE, "dc:language": NONE, "ttl": NONE,
    "sy:updateperiod": NONE, "sy:updatefrequency": NONE, "link#atom": LINK_ATTRS,
    # read by feedparser into keys this reader does not use:
    "description": NONE, "generator": NONE, "copyright": NONE, "managingeditor": NONE,
    "webmaster": NONE, "pubdate": NONE, "lastbuilddate": NONE, "category": frozenset({"domain"}),
    "docs": NONE, "dc:date": NONE, "dc:rights": NONE, "sy:updatebase": NONE,
}  # fmt: skip
RSS_IMAGE = {"title", "url", "link", "width", "height", "description"}
RSS_ITEM = {
    "title": NONE, "link": NONE, "description": NONE, "guid": frozenset({"ispermalink"}),
    "pubdate": NONE, "author": NONE, "category": frozenset({"domain"}), "comments": NONE,
    "enclosure": frozenset({"url", "type", "length"}), "source": frozenset({"url"}),
    "content:encoded": NONE, "dc:creator": NONE, "dc:date": NONE, "dc:subject": NONE,
    "media:content": MEDIA_CONTENT_ATTRS, "media:thumbnail": MEDIA_THUMBNAIL_ATTRS,
    "link#atom": LINK_ATTRS, "slash:comments": NONE, "wfw:commentrss": NONE, "wfw:comment": NONE,
    "feedburner:origlink": NONE,
}  # fmt: skip
ATOM_FEED = {
    "title": TEXT_TYPE_ATTRS, "subtitle": TEXT_TYPE_ATTRS, "rights": TEXT_TYPE_ATTRS,
    "link": LINK_ATTRS, "id": NONE, "updated": NONE, "author": NONE, "contributor": NONE,
    "generator": frozenset({"uri", "version"}), "icon": NONE, "logo": NONE,
    "category": frozenset({"term", "scheme", "label"}),
}  # fmt: skip
ATOM_ENTRY = {
    "title": TEXT_TYPE_ATTRS, "summary": TEXT_TYPE_ATTRS, "content": TEXT_TYPE_ATTRS,
    "rights": TEXT_TYPE_ATTRS, "link": LINK_ATTRS, "id": NONE, "updated": NONE,
    "published": NONE, "author": NONE, "contributor": NONE,
    "category": frozenset({"term", "scheme", "label"}),
    "media:content": MEDIA_CONTENT_ATTRS, "media:thumbnail": MEDIA_THUMBNAIL_ATTRS,
}  # fmt: skip
# Elements that may appear once per channel/feed/item/entry: feedparser's handling of a second
# one depends on depth bookkeeping this reader does not reproduce.
SINGLE = {
    "title", "description", "summary", "content", "content:encoded", "guid", "id",
    "pubdate", "published", "updated", "dc:date", "language", "dc:language", "ttl",
    "sy:updateperiod", "sy:updatefrequency", "subtitle", "rights", "generator", "icon", "logo",
    "image", "comments", "source",
}  # fmt: skip
ATOM_TEXT_TYPES = {None: None, "text": "text/plain", "html": "text/html",
                   "text/plain": "text/plain", "text/html": "text/html"}  # fmt: skip
HTML_TYPES = {"application/xhtml+xml", "text/html"}

# Constants copied from feedparser 6 (tests/test_fastfeed.py checks they still match).
ACCEPTABLE_URI_SCHEMES = (
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews",
    "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed", "git",
    "gtalk", "irc", "ircs", "irc6", "itms", "mms", "msnim", "skype", "ssh", "smb", "svn", "ymsg",
)  # fmt: skip
CP1252 = {
    128: "\u20ac", 130: "\u201a", 131: "\u0192", 132: "\u201e", 133: "\u2026", 134: "\u2020",
    135: "\u2021", 136: "\u02c6", 137: "\u2030", 138: "\u0160", 139: "\u2039", 140: "\u0152",
    142: "\u017d", 145: "\u2018", 146: "\u2019", 147: "\u201c", 148: "\u201d", 149: "\u2022",
    150: "\u2013", 151: "\u2014", 152: "\u02dc", 153: "\u2122", 154: "\u0161", 155: "\u203a",
    156: "\u0153", 158: "\u017e", 159: "\u0178",
}  # fmt: skip
_ACCEPTABLE_ELEMENTS = (
    "a abbr acronym address area article aside audio b big blockquote br button canvas caption "
    "center cite code col colgroup command datagrid datalist dd del details dfn dialog dir div "
    "dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header "
    "hr i img input ins kbd keygen label legend li m map menu meter multicol nav nextid noscript "
    "ol optgroup option output p pre progress q s samp section select small sound source spacer "
    "span strike strong sub sup table tbody td textarea tfoot th thead time tr tt u ul var "
    "video"
)
ACCEPTABLE_ELEMENTS = frozenset(_ACCEPTABLE_ELEMENTS.split())
URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"""
    r"""([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)
CLOSE_TAG = re.compile(r"</(\w+)>")
ENTITY_REF = re.compile(r"&#?\w+;")
ANY_TAG = re.compile(r"</?(\w+)")
NAMED_ENTITY = re.compile(r"&(\w+);")
LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")

# The prolog: an optional XML declaration for version 1.0 in UTF-8, nothing else unusual.
DECLARATION = re.compile(
    rb"""<\?xml\s+version\s*=\s*(["'])1\.0\1"""
    rb"""(?:\s+encoding\s*=\s*(["'])(?:utf-8|UTF-8|utf8|UTF8|Utf-8)\2)?"""
    rb"""(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>"""
)
DECLARATION_START = re.compile(rb"<\?xml[\s?]")
MARKUP_DECLARATION = re.compile(rb"<!(?!\[CDATA\[|--)")
CONTENT_TYPE = re.compile(
    r"""^\s*([a-z0-9.+-]+/[a-z0-9.+-]+)\s*(?:;\s*charset\s*=\s*(["']?)(utf-8|utf8)\2\s*)?;?\s*$""",
    re.IGNORECASE,
)

_local = threading.local()


class Fallback(Exception):
    """The document holds something this reader does not reproduce exactly."""


def parse_fast(body: bytes, *, url: str, content_type: str | None) -> ExtractResult | None:
    """The feed read without feedparser, or None when feedparser must read it."""
    try:
        parsed = read(body, url, content_type)
    except Fallback:
        return None
    from feeds.extract.feed import result_from_parsed

    return result_from_parsed(parsed, url, [])


def read(body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    screen(body, content_type)
    base = make_safe_absolute_uri(url, url) or url
    if not url.startswith(("http://", "https://")) or base != url:
        raise Fallback("feed URL that feedparser would rewrite")
    parser = getattr(_local, "parser", None)
    if parser is None:  # one per thread: lxml parsers are not to be shared between threads
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, recover=False,
            remove_blank_text=False, remove_comments=False, remove_pis=False,
        )  # fmt: skip
    try:
        root = etree.fromstring(body, parser)
    except (etree.LxmlError, ValueError) as error:
        raise Fallback(str(error)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.xml_version != "1.0":
        raise Fallback("DOCTYPE or XML other than 1.0")
    for _event, (prefix, uri) in etree.iterwalk(root, events=("start-ns",)):
        check_declaration(prefix or "", uri)
    if root.tag == "rss":
        return Reader(url, atom=False).rss(root)
    if root.tag == f"{{{ATOM}}}feed":
        return Reader(url, atom=True).atom(root)
    raise Fallback("not RSS 2.0 or Atom 1.0")


def screen(body: bytes, content_type: str | None) -> None:
    """Bytes feedparser decodes as UTF-8 without complaint, and nothing before the root that
    either parser treats specially."""
    start = 3 if body.startswith(codecs.BOM_UTF8) else 0
    if body[start : start + 1] != b"<":
        raise Fallback("BOM other than UTF-8's, or leading whitespace")
    if DECLARATION_START.match(body, start) and not DECLARATION.match(body, start):
        raise Fallback("XML declaration other than version 1.0 in UTF-8")
    if MARKUP_DECLARATION.search(body):
        raise Fallback("DOCTYPE or other markup declaration")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Fallback("not UTF-8") from None
    match = CONTENT_TYPE.match(content_type or "application/xml")
    if not match:
        raise Fallback("unusual Content-Type")
    media_type = match.group(1).lower()
    # feedparser's RFC 3023 rules: these types default to the document's own encoding (UTF-8
    # here); text/xml defaults to US-ASCII and anything else is "not an XML media type" (bozo).
    if not (
        media_type in ("application/xml", "application/xml-dtd")
        or (media_type.startswith("application/") and media_type.endswith("+xml"))
        or (media_type == "text/xml" and (match.group(3) or body.isascii()))
    ):
        raise Fallback("media type feedparser reads differently")


class Reader:
    """feedparser's handlers for the elements accepted here, on a parsed tree."""

    def __init__(self, url: str, *, atom: bool) -> None:
        self.base = url
        self.is_atom = atom
        self.lang: str | None = None
        self.namespaces = ATOM_NAMESPACES if atom else RSS_NAMESPACES
        self.guidislink = False
        self.has_content = False

    # -- document structure --------------------------------------------------------------

    def rss(self, root: Any) -> dict[str, Any]:
        self.root_attributes(root, {"version"})
        # Any version attribute (or none) gives a feedparser "rss*" version: read alike.
        if root.text and root.text.strip():
            raise Fallback("text in <rss>")
        channels = list(self.children(root))
        if len(channels) != 1 or channels[0][0] != "channel" or channels[0][1].attrib:
            raise Fallback("<rss> must hold one <channel> and nothing else")
        feed: dict[str, Any] = {}
        if self.lang:
            feed["language"] = self.lang.replace("_", "-")
        entries = []
        seen: set[str] = set()
        for name, element in self.children(channels[0][1]):
            if name == "item":
                if element.attrib:
                    raise Fallback("attributes on <item>")
                entries.append(self.item(element, RSS_ITEM))
                continue
            if name == "image":
                self.rss_image(element)
                name = "image"
            else:
                self.check(element, name, RSS_CHANNEL, seen)
            self.feed_element(feed, name, element)
        return {"version": "rss20", "feed": feed, "entries": entries, "bozo": False}

    def atom(self, root: Any) -> dict[str, Any]:
        self.root_attributes(root, set())
        feed: dict[str, Any] = {}
        if self.lang:
            feed["language"] = self.lang.replace("_", "-")
        entries = []
        seen: set[str] = set()
        for name, element in self.children(root):
            if name == "entry":
                if element.attrib:
                    raise Fallback("attributes on <entry>")
                entries.append(self.item(element, ATOM_ENTRY))
                continue
            if name in ("author", "contributor"):
                self.person(feed, name, element)
                continue
            self.check(element, name, ATOM_FEED, seen)
            self.feed_element(feed, name, element)
        return {"version": "atom10", "feed": feed, "entries": entries, "bozo": False}

    def root_attributes(self, root: Any, allowed: set[str]) -> None:
        for key, value in root.attrib.items():
            if key == XML_LANG and value:
                self.lang = value
            elif key not in allowed:
                raise Fallback(f"attribute {key} on the root")

    def children(self, parent: Any) -> Any:
        """(feedparser's element name, element) for each child element; comments and processing
        instructions skipped as feedparser's SAX handler skips them."""
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comment or processing instruction
            if tag[0] == "{":
                uri, _, local = tag[1:].partition("}")
            else:
                uri, local = None, tag
            if uri not in self.namespaces:
                raise Fallback(f"element in namespace {uri}")
            prefix = self.namespaces[uri]
            name = f"{prefix}:{local.lower()}" if prefix else local.lower()
            if uri == ATOM and not self.is_atom:
                name += "#atom"
            yield name, child

    def check(self, element: Any, name: str, allowed: dict[str, frozenset[str]], seen: set[str]):
        if name not in allowed:
            raise Fallback(f"element {name}")
        if name in SINGLE:
            if name in seen:
                raise Fallback(f"second {name}")
            seen.add(name)
        if len(element):
            raise Fallback(f"markup inside {name}")
        attributes = allowed[name]
        names = set()
        for key in element.attrib:
            lower = key.lower()
            if lower not in attributes or lower in names:
                raise Fallback(f"attribute {key} on {name}")
            names.add(lower)

    def attributes(self, element: Any) -> dict[str, str]:
        return {key.lower(): value for key, value in element.attrib.items()}

    def rss_image(self, image: Any) -> None:
        """<image> is read into feed['image'], which nothing here uses; only its children are
        checked (plain elements feedparser keeps inside the image)."""
        if image.attrib or (image.text and image.text.strip()):
            raise Fallback("unusual <image>")
        seen: set[str] = set()
        for name, element in self.children(image):
            if name not in RSS_IMAGE or name in seen or len(element) or element.attrib:
                raise Fallback(f"{name} in <image>")
            seen.add(name)

    # -- feedparser's pop() ----------------------------------------------------------------

    def text(self, element: Any) -> str:
        if len(element):
            raise Fallback("markup inside a text element")
        return element.text or ""

    def finish(self, raw: str, element: str, content_type: str | None = None):
        """feedparser's pop() for an element that expects text: (value, content type)."""
        output = raw.strip()
        if element in RELATIVE and output and (element != "id" or self.guidislink):
            output = urljoin(self.base, output)
        if not self.is_atom and content_type == "text/plain" and looks_like_html(output):
            content_type = "text/html"
        if output.isascii():
            return output, content_type  # both steps below leave ASCII as it is
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            output = output.encode("iso-8859-1").decode("utf-8")
        return output.translate(CP1252), content_type

    def content_type(self, element: Any, default: str) -> str:
        if not self.is_atom:
            return default  # RSS elements here carry no type attribute
        kind = element.get("type")
        if kind not in ATOM_TEXT_TYPES:
            raise Fallback(f"content type {kind}")
        return ATOM_TEXT_TYPES[kind] or default

    def detail(self, content_type: str | None, value: str) -> dict[str, Any]:
        return {"type": content_type, "language": self.lang_in_content(), "base": self.base,
                "value": value}  # fmt: skip

    def lang_in_content(self) -> str | None:
        return self.lang.replace("_", "-") if self.lang else None

    # -- elements ------------------------------------------------------------------------------

    def feed_element(self, feed: dict[str, Any], name: str, element: Any) -> None:
        """The channel / feed children whose value reaches ExtractResult (title, link, language,
        TTL; Atom: id, authors); the others are checked and skipped."""
        if name == "title":
            kind = self.content_type(element, "text/plain")
            feed["title"], _ = self.finish(self.text(element), "title", kind)
        elif name in ("link", "link#atom"):
            self.start_link(feed, self.attributes(element), element, in_entry=False)
        elif name in ("language", "dc:language"):
            feed["language"], _ = self.finish(self.text(element), "language")
        elif name in ("ttl", "sy:updateperiod", "sy:updatefrequency"):
            key = name.replace(":", "_")
            feed[key], _ = self.finish(self.text(element), key)
        elif name == "id":
            self.guid(feed, element, {})
        elif name in ("subtitle", "rights"):
            self.content_type(element, "text/plain")
            self.text(element)

    def item(self, item: Any, allowed: dict[str, frozenset[str]]) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        self.guidislink = False
        for name, element in self.children(item):
            if name in ("author", "contributor") and self.is_atom:
                self.person(entry, name, element)
                continue
            self.check(element, name, allowed, seen)
            self.entry_element(entry, name, element)
        self.has_content = False
        if "links" in entry:
            entry["enclosures"] = [
                {key: value for key, value in link.items() if key != "rel"}
                for link in entry["links"]
                if link["rel"] == "enclosure"
            ]
        return entry

    def entry_element(self, entry: dict[str, Any], name: str, element: Any) -> None:
        if name == "title":
            kind = self.content_type(element, "text/plain")
            value, kind = self.finish(self.text(element), "title", kind)
            entry["title"] = value
            entry["title_detail"] = self.detail(kind, value)
        elif name in ("link", "link#atom"):
            self.start_link(entry, self.attributes(element), element, in_entry=True)
        elif name == "description" or name == "summary":
            if "summary" in entry and not self.has_content:
                raise Fallback("summary read as content")
            kind = self.content_type(
                element, "text/html" if name == "description" else "text/plain"
            )
            value, kind = self.finish(self.text(element), "summary", kind)
            entry["summary"] = value
            entry["summary_detail"] = self.detail(kind, value)
        elif name in ("content:encoded", "content"):
            self.has_content = True
            if name == "content" and element.get("src") is not None:
                raise Fallback("content with src")
            kind = self.content_type(
                element, "text/html" if name == "content:encoded" else "text/plain"
            )
            value, kind = self.finish(self.text(element), "content", kind)
            entry.setdefault("content", []).append(self.detail(kind, value))
            if kind in {"text/plain"} | HTML_TYPES:
                entry.setdefault("summary", value)
        elif name in ("guid", "id"):
            self.guid(entry, element, self.attributes(element))
        elif name in ("pubdate", "published"):
            entry["published"], _ = self.finish(self.text(element), "published")
        elif name in ("updated", "dc:date"):
            entry["updated"], _ = self.finish(self.text(element), "updated")
        elif name in ("author", "dc:creator"):
            self.author(entry, element, rss=True)
        elif name in ("category", "dc:subject"):
            attributes = self.attributes(element)
            term, label = attributes.get("term"), attributes.get("label")
            scheme = attributes.get("scheme", attributes.get("domain"))
            add_tag(entry, term, scheme, label)
            value, _ = self.finish(self.text(element), "category")
            if value:
                tags = entry["tags"]
                if tags and not tags[-1]["term"]:
                    tags[-1]["term"] = value
                else:
                    add_tag(entry, value, None, None)
        elif name == "enclosure":
            if element.text and element.text.strip():
                raise Fallback("text in <enclosure>")
            attributes = enforce_href(self.attributes(element))
            attributes["rel"] = "enclosure"
            entry.setdefault("links", []).append(attributes)
        elif name == "media:content":
            if element.text and element.text.strip():
                raise Fallback("text in <media:content>")
            entry.setdefault("media_content", []).append(self.attributes(element))
        elif name == "media:thumbnail":
            if element.text and element.text.strip():
                raise Fallback("text in <media:thumbnail>")
            entry.setdefault("media_thumbnail", []).append(self.attributes(element))
        else:
            # comments, source, slash:*, wfw:*, feedburner:*, rights: kept by feedparser under
            # keys nothing here reads; a text element all the same.
            self.text(element)

    def start_link(self, context: dict[str, Any], attributes: dict[str, str], element: Any, *,
                   in_entry: bool) -> None:  # fmt: skip
        """feedparser's _start_link, and its pop() of a text <link>."""
        attributes.setdefault("rel", "alternate")
        if attributes["rel"] == "self":
            attributes.setdefault("type", "application/atom+xml")
        else:
            attributes.setdefault("type", "text/html")
        if "href" in attributes:
            if element.text and element.text.strip():
                raise Fallback("text in a link with href")
            attributes["href"] = urljoin(self.base, attributes["href"])
        context.setdefault("links", []).append(attributes)
        if "href" in attributes:
            if (
                attributes["rel"] == "alternate"
                and map_content_type(attributes["type"]) in HTML_TYPES
            ):
                context["link"] = attributes["href"]
            return
        output, _ = self.finish(self.text(element), "link")
        if in_entry:
            output = LINK_ENTITY.sub(r"&\g<1>", output.replace("&amp;", "&"))
            context["link"] = output
            if output:
                attributes["href"] = output
        else:
            output = LINK_ENTITY.sub(r"&\g<1>", output)
            context["link"] = output
            attributes["href"] = output

    def guid(self, context: dict[str, Any], element: Any, attributes: dict[str, str]) -> None:
        """feedparser's _start_guid / _end_guid (Atom <id> included)."""
        self.guidislink = attributes.get("ispermalink", "true") == "true"
        value, _ = self.finish(self.text(element), "id")
        context["id"] = value
        context.setdefault("guidislink", self.guidislink and "link" not in context)
        if self.guidislink:
            context.setdefault("link", value)

    def author(self, context: dict[str, Any], element: Any, *, rss: bool) -> None:
        """feedparser's _start_author / _end_author, with Atom's name, email and uri."""
        context.setdefault("authors", []).append({})
        if rss:
            raw = self.text(element)
        else:
            raw = element.text or ""
            for name, child in self.person_parts(element):
                raw += child.tail or ""
                if name == "uri":
                    value, _ = self.finish(child.text or "", "href")
                    key = "href"
                    context["href"] = value  # pop() keeps it in the entry as well
                else:
                    value, key = (child.text or "").strip(), name  # pushed without text handling
                context.setdefault("author_detail", {})[key] = value
                sync_author_detail(context)
                context["authors"][-1][key] = value
        context["author"], _ = self.finish(raw, "author")
        sync_author_detail(context)

    def person(self, context: dict[str, Any], name: str, element: Any) -> None:
        if element.attrib:
            raise Fallback("attributes on an Atom person")
        if name == "author":
            self.author(context, element, rss=False)
        else:
            self.contributor(element)

    def contributor(self, element: Any) -> None:
        """Atom contributors are kept by feedparser where nothing here reads; only checked."""
        list(self.person_parts(element))  # each part is checked as it is read

    def person_parts(self, element: Any) -> Iterator[tuple[str, Any]]:
        """An Atom person's name, email and uri, each at most once and plain text."""
        seen: set[str] = set()
        for name, child in self.children(element):
            if name not in ("name", "email", "uri") or name in seen:
                raise Fallback(f"{name} in an Atom person")
            seen.add(name)
            if len(child) or child.attrib:
                raise Fallback("markup in an Atom person")
            yield name, child


RELATIVE = {"comments", "docs", "href", "icon", "id", "link", "logo", "url", "wfw_comment",
            "wfw_commentrss"}  # fmt: skip


# Standard prefix -> the namespaces feedparser gives it, for the declarations accepted here.
DECLARABLE = {
    "dc": {"http://purl.org/dc/elements/1.1/"},
    "content": {"http://purl.org/rss/1.0/modules/content/"},
    "media": {"http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"},
    "sy": {"http://purl.org/rss/1.0/modules/syndication/"},
    "slash": {"http://purl.org/rss/1.0/modules/slash/"},
    "wfw": {"http://wellformedweb.org/CommentAPI/"},
    "feedburner": {"http://rssnamespace.org/feedburner/ext/1.0"},
    "atom": {ATOM},
    "": {ATOM},
}


def check_declaration(prefix: str, uri: str) -> None:
    """A namespace declared anywhere must be one of ours, under its usual prefix: feedparser maps
    declared prefixes to its standard ones document-wide, so an unusual pairing ("xmlns:dc" for
    another namespace) changes which handler reads an element."""
    if uri not in DECLARABLE.get(prefix, ()):
        raise Fallback(f"namespace declaration {prefix}={uri}")


def map_content_type(content_type: str) -> str:
    content_type = content_type.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(content_type, content_type)  # fmt: skip


def add_tag(context: dict[str, Any], term: str | None, scheme: str | None, label: str | None):
    tags = context.setdefault("tags", [])
    if not term and not scheme and not label:
        return
    value = {"term": term, "scheme": scheme, "label": label}
    if value not in tags:
        tags.append(value)


def enforce_href(attributes: dict[str, str]) -> dict[str, str]:
    href = attributes.get("url", attributes.get("uri", attributes.get("href")))
    if href:
        attributes.pop("url", None)
        attributes.pop("uri", None)
        attributes["href"] = href
    return attributes


def sync_author_detail(context: dict[str, Any]) -> None:
    """feedparser's _sync_author_detail('author')."""
    detail = context.get("authors", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name:
            context["author"] = name
        elif email:
            context["author"] = email
        return
    author, email = context.get("author"), None
    if not author:
        return
    match = EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        context.setdefault("author_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def looks_like_html(text: str) -> bool:
    """feedparser's guess that RSS text holds HTML."""
    if not (CLOSE_TAG.search(text) or ENTITY_REF.search(text)):
        return False
    if any(tag.lower() not in ACCEPTABLE_ELEMENTS for tag in ANY_TAG.findall(text)):
        return False
    return all(name in html.entities.entitydefs for name in NAMED_ENTITY.findall(text))


def urljoin(base: str, uri: str) -> str:
    """feedparser's _urljoin."""
    uri = URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def make_safe_absolute_uri(base: str, rel: str | None = None) -> str:
    if not base:
        return rel or ""
    if not rel:
        try:
            scheme = urllib.parse.urlparse(base)[0]
        except ValueError:
            return ""
        return base if not scheme or scheme in ACCEPTABLE_URI_SCHEMES else ""
    uri = urljoin(base, rel)
    if uri.strip().split(":", 1)[0] not in ACCEPTABLE_URI_SCHEMES:
        return ""
    return uri
