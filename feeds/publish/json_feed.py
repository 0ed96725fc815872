"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) for one output stream.

The same items as the RSS and Atom documents, in the same order, with the same ids (the RSS
guid), so a reader switching formats sees no duplicates. Where the article came from is kept
in the `_feeds` extension object: the dateline place (`location`) and the ids of the sources
that carry it.

The bytes depend only on the items and the configuration (no build time, keys in a fixed
order), so an unchanged stream gives an identical file that is not rewritten.
"""

import json
from datetime import datetime
from typing import Any

from feeds.config import Output, Settings
from feeds.publish.writer import content_html
from feeds.store import StoredArticle

VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = "_feeds"


def render_json_feed(output: Output, items: list[StoredArticle], settings: Settings) -> bytes:
    stream = settings.config.stream
    document: dict[str, Any] = {
        "version": VERSION,
        "title": output.title,
        "home_page_url": stream.link,
        "feed_url": settings.self_url(f"{output.slug}.json"),
        "description": output.description or stream.description,
        "language": stream.language,
        "authors": [{"name": stream.title, "url": stream.link}],
    }
    if stream.websub_hub:
        document["hubs"] = [{"type": "WebSub", "url": stream.websub_hub}]
    document["items"] = [json_item(item) for item in items]
    # Compact: json's C encoder does no indenting, and the indenting Python one took longer
    # than writing the RSS and Atom together. Readers parse it; people can pipe it to jq.
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def json_item(item: StoredArticle) -> dict[str, Any]:
    """One item. Optional members are left out rather than written as null."""
    row = item.row
    entry: dict[str, Any] = {"id": row.id}
    if row.url:
        entry["url"] = row.url
    entry["title"] = row.title
    entry["content_html"] = content_html(row)
    if row.summary:
        entry["summary"] = row.summary  # JSON Feed summaries are plain text: no escaping
    if row.image_url:
        entry["image"] = row.image_url
    entry["date_published"] = rfc3339(row.date)
    entry["date_modified"] = rfc3339(row.updated_at)
    if row.author:
        entry["authors"] = [{"name": row.author}]
    if row.categories:
        entry["tags"] = list(row.categories)
    if row.language:
        entry["language"] = row.language
    extension: dict[str, Any] = {"sources": list(item.source_ids)}
    if row.location:
        extension["location"] = row.location
    entry[EXTENSION] = extension
    return entry


def rfc3339(moment: datetime) -> str:
    """Whole seconds with an explicit offset, as in the Atom document: 2026-11-27T06:40:00+00:00."""
    return moment.isoformat(timespec="seconds")
