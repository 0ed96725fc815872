"""HTML from sources made safe and self-contained, and turned into plain text.

Order matters: links are made absolute and lazy images made real on the parsed tree first,
then nh3 sanitises the result with an allowlist, so nothing we add can bypass it.
"""

import html
import re

import lxml.html
import nh3
from lxml import etree

from feeds.normalise.urls import absolute_url, strip_tracking

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s", "small", "source",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "srcset", "alt", "title", "width", "height"},
    "source": {"srcset", "type", "media"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
LAZY_SRCSETS = ("data-srcset", "data-lazy-srcset")
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
    "figcaption", "blockquote", "tr", "table", "section", "article", "header", "footer", "pre",
    "hr", "dd", "dt",
}  # fmt: skip
NUMERIC_REFERENCE = re.compile(r"&#([xX][0-9a-fA-F]+|[0-9]+);?")
HTML_PARSER = lxml.html.html_parser  # lxml.html's own: its elements have drop_tree() and such
FULL_PAGE = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)  # lxml.html's test for a page
CLEAN_IMAGE_SOURCE = re.compile(r'<img\s(?:[^>]*?\s)?src="([^"]*)"')
PREFIX_PER_CHARACTER = 4  # HTML characters read per wanted text character, at first
PREFIX_MARGIN = 40  # text kept past `enough`, so a cut never lands on the wanted part
# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF): one of them in
# a title would make every published document unwritable, so none survives normalising.
XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# The same characters as bytes of UTF-8, for a quick look before the regex: U+FFFE/U+FFFF
# are EF BF BE / EF BF BF, lone surrogates cannot be encoded at all.
C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def xml_safe(text: str) -> str:
    try:
        encoded = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        encoded = None
    # Most text is clean: bytes.translate finds that in a few microseconds, the regex in 20.
    if (
        encoded is not None
        and len(encoded.translate(None, C0_BYTES)) == len(encoded)
        and b"\xef\xbf\xbe" not in encoded
        and b"\xef\xbf\xbf" not in encoded
    ):
        return text
    return XML_INVALID.sub("", text.replace("\x0b", " ").replace("\x0c", " "))


def clean_html(fragment: str | None, *, base_url: str | None) -> str:
    """Sanitised HTML with absolute links and real image sources; "" for nothing."""
    if not fragment or not fragment.strip():
        return ""
    # Controls first: lxml refuses to set an attribute holding one (data-src="\x1f"), which
    # would fail the whole source's fetch.
    root = parse_fragment(xml_safe(fragment))
    if root is None:
        return ""
    reveal_lazy_images(root)
    make_urls_absolute(root, base_url)
    html = lxml.html.tostring(root, encoding="unicode")
    cleaned = nh3.clean(
        xml_safe(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.removeprefix("<div>").removesuffix("</div>").strip()


def parse_fragment(fragment: str) -> lxml.html.HtmlElement | None:
    """The fragment's elements under one <div>: what lxml.html.fragment_fromstring(fragment,
    create_parent="div") gives, without its cost of moving every element into a new tree
    (a third of the parse; it runs two or three times an article)."""
    if "&#" in fragment:
        fragment = NUMERIC_REFERENCE.sub(xml_safe_reference, fragment)
    if FULL_PAGE.match(fragment):  # a whole page: lxml's own reading of it
        try:
            return lxml.html.fragment_fromstring(fragment, create_parent="div")
        except (etree.ParserError, ValueError, AssertionError):
            # lxml asserts the page has one <body>: a page with only a <head> (or the first
            # 2 KB of a long page, cut for a summary) has none, so no visible text either.
            return None
    try:
        document = etree.fromstring(f"<html><body>{fragment}</body></html>", HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    bodies = [] if document is None else [child for child in document if child.tag == "body"]
    if len(bodies) != 1:
        return None
    root = bodies[0]
    root.tag = "div"
    if root.text is not None and not root.text.strip():
        root.text = None  # as fragment_fromstring: leading whitespace is not kept
    return root


def xml_safe_reference(match: re.Match[str]) -> str:
    """A numeric character reference, unless it names a character XML forbids ("&#1;"): the
    parser would decode that into the tree, where lxml then refuses to set any text holding
    it, and no published document could carry it."""
    digits = match.group(1)
    try:
        code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        character = chr(code)
    except (ValueError, OverflowError):
        return ""  # beyond Unicode
    return match.group(0) if xml_safe(character) else ""


def reveal_lazy_images(root: lxml.html.HtmlElement) -> None:
    """Lazy-loading themes put the real image in data-src and a placeholder in src."""
    for image in root.iter("img", "source"):
        real = next((image.get(name) for name in LAZY_SOURCES if image.get(name)), None)
        if real and (not image.get("src") or is_placeholder(image.get("src", ""))):
            image.set("src", real)
        srcset = next((image.get(name) for name in LAZY_SRCSETS if image.get(name)), None)
        if srcset:
            image.set("srcset", srcset)


def is_placeholder(src: str) -> bool:
    lowered = src.lower()
    return lowered.startswith("data:") or any(
        word in lowered for word in ("placeholder", "lazy", "blank.gif", "spacer.gif", "1x1")
    )


def make_urls_absolute(root: lxml.html.HtmlElement, base_url: str | None) -> None:
    for element in root.iter("a", "img", "source"):
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None:
                continue
            resolved = absolute_url(value, base_url)
            if resolved is None and not value.lower().startswith("mailto:"):
                del element.attrib[attribute]  # javascript:, data: and the like
            elif resolved is not None:
                element.set(attribute, strip_tracking(resolved))
        if srcset := element.get("srcset"):
            element.set("srcset", absolute_srcset(srcset, base_url))


def absolute_srcset(srcset: str, base_url: str | None) -> str:
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        if resolved := absolute_url(url, base_url):
            candidates.append(f"{resolved} {descriptor}".strip())
    return ", ".join(candidates)


def html_to_text(fragment: str | None, *, captions: bool = True, enough: int | None = None) -> str:
    """Visible text of an HTML fragment, entities decoded, whitespace collapsed.

    captions=False leaves out figure captions ("Abdul Hayat Gani. foto: istimewa"): a summary
    starts with the story, not with the photo credit above it.
    enough=N: only the first N characters are wanted (a summary). The text may then stop
    soon after them; it is read from the start of the HTML, cut at a tag's end, when that
    holds enough, which saves parsing whole 5 KB bodies for 300 characters."""
    if not fragment:
        return ""
    if enough is not None and len(fragment) > PREFIX_PER_CHARACTER * enough:
        cut = fragment.rfind(">", 0, PREFIX_PER_CHARACTER * enough)
        if cut > 0:
            text = html_to_text(fragment[: cut + 1], captions=captions)
            if len(text) > enough + PREFIX_MARGIN:
                return text[: enough + PREFIX_MARGIN]
    fragment = xml_safe(fragment)
    if "<" not in fragment and "&" not in fragment:
        return collapse_whitespace(fragment)
    root = parse_fragment(fragment)
    if root is None:
        return ""
    dropped = ["script", "style", "template", "noscript"]
    if not captions:
        dropped += ["figcaption"]
        for caption in root.find_class("caption"):
            caption.drop_tree()
    for element in list(root.iter(*dropped)):
        element.drop_tree()
    for element in root.iter(*BLOCK_TAGS):
        element.text = " " + (element.text or "")
        element.tail = " " + (element.tail or "")
    return collapse_whitespace(xml_safe(root.text_content()))


def collapse_whitespace(text: str) -> str:
    r"""Runs of whitespace as one space, none at the ends: what re.sub(r"\s+", " ") and
    strip() give (the same characters count as whitespace), at a tenth of the cost."""
    return " ".join(text.split())


def first_image(fragment: str) -> str | None:
    """The first image in already cleaned HTML: the article's picture when it has no other.

    Read with a pattern, not a parser: nh3 writes every attribute as name="value" with quotes
    inside escaped, and escapes "<" in text, so the pattern cannot be fooled by what it reads.
    """
    for match in CLEAN_IMAGE_SOURCE.finditer(fragment):
        src = html.unescape(match.group(1))
        if src and not is_placeholder(src):
            return src
    return None


def shorten(text: str, limit: int = 300) -> str:
    """Cut at a word boundary so a summary never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"
