"""Bytes of a web page -> text, honouring the declared charset and surviving a wrong one."""

import re

import lxml.html

from feeds.extract.screen import CHARSET

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Charset from the HTTP header, then <meta charset>, then UTF-8; bytes that do not fit
    become U+FFFD rather than garbling the whole page."""
    candidates = []
    if content_type and (match := CHARSET.search(content_type)):
        candidates.append(match.group(1))
    if match := META_CHARSET.search(body[:4096]):
        candidates.append(match.group(1).decode("ascii"))
    candidates.append("utf-8")
    for charset in candidates:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def parse_html(text: str) -> lxml.html.HtmlElement:
    """lxml refuses text that still carries an XML encoding declaration; drop it first."""
    return lxml.html.document_fromstring(XML_DECLARATION.sub("", text, count=1) or "<html/>")
