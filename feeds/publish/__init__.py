"""Publish: for each output stream, select articles and write RSS 2.0, Atom 1.0 and JSON Feed
files; then the files shared by all streams: the page for people (index.html), the OPML list
of sources and streams (sources.opml) and the stylesheet browsers apply to the feeds
(feed.xsl).

Every file is written atomically and only when its bytes change (atomic.StagedFiles),
so an idle run leaves the feeds untouched and readers' conditional requests keep answering 304.
The outputs to render are shared out between the cores (feeds/cores.py: forked helpers
inherit the selected articles and send back documents). Each document goes to a temporary file
as soon as it is here (in a background thread, while the next one renders), and the renames
come last, together: every temporary file is complete before the first rename, so a full disk
leaves every published file as it was.
"""

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from feeds import __version__
from feeds.config import MAIN_STREAM_SLUG, Output, Settings
from feeds.cores import map_forked
from feeds.publish.atomic import StagedFiles
from feeds.publish.json_feed import render_json_feed
from feeds.publish.opml import render_opml
from feeds.publish.page import render_index, source_statuses
from feeds.publish.select import select_articles
from feeds.publish.stylesheet import FEED_XSL, STYLESHEET_NAME
from feeds.publish.writer import render_feeds
from feeds.store import Store, StoredArticle
from feeds.store.schema import OutputRow

INDEX_NAME = "index.html"
OPML_NAME = "sources.opml"


class OutputError(Exception):
    """The output folder cannot be written: nothing was published."""


@dataclass(slots=True)
class PublishReport:
    slug: str
    items: int
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stream:
    """One output's selected items and the build time its documents carry."""

    output: Output
    items: list[StoredArticle]
    built_at: datetime


def publish_all(settings: Settings, store: Store, *, now: datetime) -> list[PublishReport]:
    """One report per output stream. The shared files are counted in the main stream's
    report (index.html is that stream's page), so the reports name every file written."""
    folder = settings.output_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create output folder {folder}: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"output folder {folder} is not writable")

    owners: dict[str, PublishReport] = {}
    with StagedFiles() as staging:
        # The stylesheet first: no feed ever names a stylesheet that is not there yet.
        stage_all(staging, folder, {STYLESHEET_NAME: FEED_XSL})
        newest = SharedNewest(store.latest_articles())
        basis = settings_fingerprint(settings)
        published = store.output_states()
        plans = [
            plan_output(output, settings, published.get(output.slug), newest, basis, now=now)
            for output in settings.outputs
        ]
        newest.close()
        # Rendering is most of publishing's work, and each output's is its own: the outputs
        # to render are shared out between the cores.
        # Each output's documents are staged (written out) as soon as they are rendered.
        to_render = [plan for plan in plans if plan.render]
        rendering = map_forked(
            partial(render_documents, settings=settings), [plan.stream for plan in to_render],
            cost=lambda stream: len(stream.items),
        )  # fmt: skip
        with contextlib.closing(rendering):
            for index, documents in rendering:
                stage_all(staging, folder, documents)
                owners.update(dict.fromkeys(documents, to_render[index].report))

        streams = [plan.stream for plan in plans]
        main = main_stream(streams)
        main_report = plans[streams.index(main)].report
        shared = shared_documents(settings, store, main)
        stage_all(staging, folder, shared)
        owners.update(dict.fromkeys([STYLESHEET_NAME, *shared], main_report))
        written = commit(staging)

    for name, was_written in written.items():
        record(owners[name], name, was_written)
    # Only once the files are out: a failed publish leaves the stored build dates as they were.
    store.save_output_states([
        (plan.stream.output.slug, plan.fingerprint, plan.stream.built_at)
        for plan in plans
        if plan.changed
    ])  # fmt: skip
    return [plan.report for plan in plans]


@dataclass(slots=True)
class Plan:
    """What publishing does for one output: its stream, whether it changed since the last
    publish and whether its documents need rendering."""

    stream: Stream
    report: PublishReport
    fingerprint: str
    changed: bool
    render: bool


def plan_output(
    output: Output,
    settings: Settings,
    state: OutputRow | None,
    newest: Iterable[StoredArticle],
    basis: str,
    *,
    now: datetime,
) -> Plan:
    """The output's items, its fingerprint and whether that changed since the last publish
    (`state`: what that publish stored, if any)."""
    limit = output.limit or settings.config.defaults.limit
    items = select_articles(newest, output, settings.sources, limit)

    # The build date moves only when what readers get changes, so an unchanged stream is
    # byte-for-byte the same file and is not rewritten.
    fingerprint = output_fingerprint(output, basis, items)
    built_at = state.built_at if state and state.fingerprint == fingerprint else now
    built_at = built_at.replace(microsecond=0)

    report = PublishReport(slug=output.slug, items=len(items))
    changed = state is None or state.fingerprint != fingerprint
    names = document_names(output)
    folder = settings.output_dir
    # Unchanged, with the files there: rendering them again would only prove they are the
    # same bytes.
    render = changed or not all((folder / name).is_file() for name in names)
    if not render:
        report.unchanged.extend(names)
    return Plan(Stream(output, items, built_at), report, fingerprint, changed, render)


def document_names(output: Output) -> list[str]:
    return [f"{output.slug}.rss", f"{output.slug}.atom", f"{output.slug}.json"]


def render_documents(stream: Stream, settings: Settings) -> dict[str, bytes]:
    """The stream's RSS, Atom and JSON Feed documents, by name."""
    rss, atom = render_feeds(stream.output, stream.items, settings, stream.built_at)
    json_feed = render_json_feed(stream.output, stream.items, settings)
    return dict(zip(document_names(stream.output), (rss, atom, json_feed), strict=True))


class SharedNewest:
    """The store's articles, newest first, read from the database once however many outputs
    go through them: ten topical outputs would otherwise each read the same rows again."""

    def __init__(self, articles: Iterator[StoredArticle]):
        self._articles = articles
        self._read: list[StoredArticle] = []

    def __iter__(self) -> Iterator[StoredArticle]:
        index = 0
        while True:
            if index == len(self._read):
                article = next(self._articles, None)
                if article is None:
                    return
                self._read.append(article)
            yield self._read[index]
            index += 1

    def close(self) -> None:
        """End the database read (the generator's session) once every output has chosen."""
        close = getattr(self._articles, "close", None)
        if close:
            close()


def shared_documents(settings: Settings, store: Store, main: Stream) -> dict[str, bytes]:
    statuses = source_statuses(settings, store.sources(), store.article_counts())
    return {
        OPML_NAME: render_opml(settings),
        INDEX_NAME: render_index(settings, main.items, main.built_at, statuses),
    }


def main_stream(streams: list[Stream]) -> Stream:
    """Berita Terkini (always configured); the first stream should it ever be missing."""
    return next((s for s in streams if s.output.slug == MAIN_STREAM_SLUG), streams[0])


def stage_all(staging: StagedFiles, folder: Path, documents: dict[str, bytes]) -> None:
    for name, data in documents.items():
        staging.add(folder / name, data)


def commit(staging: StagedFiles) -> dict[str, bool]:
    """Write the documents whose bytes changed, all or none; True for each one written, in
    the order staged."""
    try:
        written = staging.commit()
    except OSError as error:
        raise OutputError(f"cannot write {error.filename}: {error.strerror}") from None
    return {path.name: value for path, value in written.items()}


def record(report: PublishReport, name: str, written: bool) -> None:
    (report.written if written else report.unchanged).append(name)


def settings_fingerprint(settings: Settings) -> str:
    """What every output's documents are made of besides their items: a new version of feeds,
    a source renamed or the stream changed makes new documents. Once a publish, not once an
    output: it covers every source."""
    config = settings.config
    described = {
        "version": __version__,
        "sources": [source.model_dump(mode="json") for source in settings.sources],
        "stream": config.stream.model_dump(mode="json"),
        "interval": str(config.defaults.interval),
    }
    return digest(described)


def output_fingerprint(output: Output, basis: str, items: list[StoredArticle]) -> str:
    described = {
        "basis": basis,
        "output": output.model_dump(mode="json"),
        "items": [
            [item.row.id, item.row.fingerprint, item.row.updated_at.isoformat(), item.source_ids]
            for item in items
        ],
    }
    return digest(described)


def digest(described: dict[str, object]) -> str:
    encoded = json.dumps(described, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


__all__ = ["OutputError", "PublishReport", "publish_all"]
