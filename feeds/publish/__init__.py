"""Publish: for each output stream, select articles and write RSS 2.0 and Atom 1.0 files."""

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime

from feeds.config import Output, Settings
from feeds.publish.atomic import write_if_changed
from feeds.publish.select import select_articles
from feeds.publish.writer import render_atom, render_rss
from feeds.store import Store, StoredArticle


class OutputError(Exception):
    """The output folder cannot be written: nothing was published."""


@dataclass(slots=True)
class PublishReport:
    slug: str
    items: int
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def publish_all(settings: Settings, store: Store, *, now: datetime) -> list[PublishReport]:
    folder = settings.output_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create output folder {folder}: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"output folder {folder} is not writable")
    return [publish_output(output, settings, store, now=now) for output in settings.outputs]


def publish_output(
    output: Output, settings: Settings, store: Store, *, now: datetime
) -> PublishReport:
    limit = output.limit or settings.config.defaults.limit
    items = select_articles(store.latest_articles(), output, settings.sources, limit)

    # The build date moves only when what readers get changes, so an unchanged stream is
    # byte-for-byte the same file and is not rewritten.
    fingerprint = output_fingerprint(output, settings, items)
    state = store.output_state(output.slug)
    built_at = state.built_at if state and state.fingerprint == fingerprint else now
    built_at = built_at.replace(microsecond=0)

    report = PublishReport(slug=output.slug, items=len(items))
    documents = {
        f"{output.slug}.rss": render_rss(output, items, settings, built_at),
        f"{output.slug}.atom": render_atom(output, items, settings, built_at),
    }
    for name, data in documents.items():
        try:
            changed = write_if_changed(settings.output_dir / name, data)
        except OSError as error:
            raise OutputError(
                f"cannot write {settings.output_dir / name}: {error.strerror}"
            ) from None
        (report.written if changed else report.unchanged).append(name)
    if state is None or state.fingerprint != fingerprint:
        store.save_output_state(output.slug, fingerprint, built_at)
    return report


def output_fingerprint(output: Output, settings: Settings, items: list[StoredArticle]) -> str:
    config = settings.config
    described = {
        "stream": config.stream.model_dump(mode="json"),
        "output": output.model_dump(mode="json"),
        "interval": str(config.defaults.interval),
        "items": [
            [item.row.id, item.row.fingerprint, item.row.updated_at.isoformat(), item.source_ids]
            for item in items
        ],
    }
    encoded = json.dumps(described, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


__all__ = ["OutputError", "PublishReport", "publish_all"]
