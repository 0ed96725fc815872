"""Screen feed bytes before feedparser sees them.

feedparser's loose parser expands internal entities (a "billion laughs" feed becomes hundreds of
megabytes) and, on one invalid UTF-8 byte, re-decodes the whole document in another charset,
garbling every title. Both are fixed here, on bytes, where it is cheap.
"""

import codecs
import re

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
ENTITY_NAME = re.compile(rb"<!ENTITY\s+(?!%)([A-Za-z_][\w.:-]*)", re.IGNORECASE)
UTF8_NAMES = {"utf-8", "utf8"}


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the document claims: BOM, then HTTP header, then XML declaration."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    if content_type and (match := CHARSET.search(content_type)):
        return match.group(1).lower()
    if match := XML_DECLARATION.match(body[:200]):
        return match.group(1).decode("ascii").lower()
    return None


def repair_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Make a UTF-8 document valid UTF-8 again.

    Declared UTF-8 with a few bad bytes: those bytes are removed. Declared UTF-8 with no valid
    multi-byte sequence at all: it was really windows-1252 and is re-encoded from that.
    Undeclared and mostly not UTF-8: left alone for feedparser's own detection.
    Returns the bytes to parse and a warning, or the input and None when nothing was changed.
    """
    charset = declared_charset(body, content_type)
    if charset is not None and charset not in UTF8_NAMES:
        return body, None
    try:
        body.decode("utf-8")
        return body, None
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for char in text if ord(char) > 0x7F) - bad
    if charset is None and good < 4 * bad:
        return body, None
    if good == 0:
        return body.decode("windows-1252", errors="replace").encode("utf-8"), (
            "declared UTF-8 but the bytes are windows-1252; decoded as windows-1252"
        )
    # Dropped rather than kept as U+FFFD: a replacement character in a published title is what
    # the W3C validator flags as "bad characters", and it tells a reader nothing.
    repaired = body.decode("utf-8", errors="ignore").encode("utf-8")
    return repaired, f"{bad} invalid UTF-8 byte sequence(s) removed"


ANY_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*(["'])(.*?)\2""")


def drop_unknown_encoding(body: bytes) -> tuple[bytes, str | None]:
    """An XML declaration naming an encoding Python does not know ("\x80tf-8") makes
    feedparser raise; without the name, the document is read by BOM, HTTP header or UTF-8."""
    match = ANY_DECLARED_ENCODING.match(body[:300])
    if not match:
        return body, None
    try:
        codecs.lookup(match.group(3).decode("ascii"))
        return body, None
    except (UnicodeDecodeError, LookupError, ValueError):
        pass
    name = match.group(3).decode("ascii", errors="replace")
    return match.group(1) + body[match.end() :], (
        f"unknown encoding {name!r} in the XML declaration; ignored"
    )


def strip_internal_subset(body: bytes) -> tuple[bytes, str | None]:
    """Drop a DOCTYPE internal subset: no feed needs its own entities, attacks do."""
    head = body[:65536]
    if b"<!ENTITY" not in head.upper() and b"<!entity" not in head:
        return body, None
    match = DOCTYPE_SUBSET.search(body)
    if not match:
        return body, None
    stripped = body[: match.start()] + body[match.end() :]
    # References to the removed entities would be undefined: the feed turned not well-formed
    # and the literal "&xxe;" reached published titles. They are dropped as well.
    names = set(ENTITY_NAME.findall(match.group(0)))
    if names:
        pattern = rb"&(?:" + b"|".join(re.escape(name) for name in sorted(names)) + rb");"
        stripped = re.sub(pattern, b"", stripped)
    return stripped, "DOCTYPE with entity declarations removed (entities are not expanded)"


def looks_like_html(body: bytes) -> bool:
    """A web page rather than a feed (a site's home page, an error page): its first bytes say."""
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
