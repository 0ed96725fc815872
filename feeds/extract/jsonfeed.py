"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), which feedparser 6.0 cannot read."""

import json
from typing import Any

from feeds.extract.entry import ExtractResult, RawEntry, RawImage
from feeds.normalise.urls import absolute_url


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(body: bytes, *, url: str) -> ExtractResult:
    from feeds.extract.feed import ExtractError

    try:
        document = json.loads(body.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as error:
        raise ExtractError(f"invalid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise ExtractError("JSON without an 'items' list is not a JSON Feed")
    warnings = []
    if "jsonfeed.org/version/" not in str(document.get("version", "")):
        warnings.append("JSON Feed without a jsonfeed.org version; read as 1.1")
    language = text_or_none(document.get("language"))
    feed_authors = authors_of(document)
    # Relative item URLs point into the site, as in RSS (see feed.py).
    site = absolute_url(text_or_none(document.get("home_page_url")), url) or url
    entries = [
        entry_from_item(item, site, language, feed_authors)
        for item in document["items"]
        if isinstance(item, dict)
    ]
    return ExtractResult(
        entries=entries,
        title=text_or_none(document.get("title")),
        link=text_or_none(document.get("home_page_url")),
        language=language,
        warnings=warnings,
    )


def entry_from_item(
    item: dict[str, Any], base_url: str, language: str | None, feed_authors: list[str]
) -> RawEntry:
    content = text_or_none(item.get("content_html"))
    if content is None and (plain := text_or_none(item.get("content_text"))):
        content = escape_text(plain)
    summary = text_or_none(item.get("summary"))
    images = [
        RawImage(url=url)
        for url in (text_or_none(item.get("image")), text_or_none(item.get("banner_image")))
        if url
    ]
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith(
            "image/"
        ):
            images.append(
                RawImage(
                    url=str(attachment.get("url", "")),
                    type=attachment["mime_type"],
                    length=attachment.get("size_in_bytes")
                    if isinstance(attachment.get("size_in_bytes"), int)
                    else None,
                )
            )
    guid = item.get("id")
    return RawEntry(
        guid=str(guid) if guid not in (None, "") else None,
        guid_is_permalink=None,
        link=text_or_none(item.get("url")) or text_or_none(item.get("external_url")),
        title=escape_text(item["title"]) if text_or_none(item.get("title")) else None,
        summary_html=escape_text(summary) if summary else None,
        content_html=content,
        published=text_or_none(item.get("date_published")),
        updated=text_or_none(item.get("date_modified")),
        authors=authors_of(item) or feed_authors,
        categories=[str(tag) for tag in item.get("tags") or [] if str(tag).strip()],
        images=[image for image in images if image.url],
        language=text_or_none(item.get("language")) or language,
        base_url=base_url,
    )


def authors_of(node: dict[str, Any]) -> list[str]:
    """1.1 has an `authors` list; 1.0 had a single `author` object."""
    raw = node.get("authors")
    if not isinstance(raw, list):
        raw = [node["author"]] if isinstance(node.get("author"), dict) else []
    names = []
    for author in raw:
        if isinstance(author, dict) and (name := text_or_none(author.get("name"))):
            names.append(name)
    return names


def text_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def escape_text(text: str) -> str:
    import html

    return html.escape(text, quote=False)
