"""The procrastinate App and its two tasks: fetch one source, publish every stream.

- `fetch_source(source_id)` runs with lock = queueing_lock = the source id: PostgreSQL lets at
  most one job per source be waiting (`todo`) and at most one be running (`doing`), so a
  source is never queued twice nor fetched by two workers at once, on any number of hosts.
- `publish()` runs with lock = queueing_lock = "feeds:publish" (":" never occurs in a source
  id), scheduled `serve.publish_debounce` ahead: fetches that change articles within that
  window share one publish, and only one publish ever writes output/ at a time. Publish jobs
  go to their own queue, taken only by the publisher (`feeds scheduler`, or
  `feeds worker --publish`), so output/ lives on one host.

Everything a fetch stores is saved in one transaction (Store.save_fetch): a worker killed
mid-fetch leaves the source as it was, and the retried job fetches it again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feeds.logs import log

if TYPE_CHECKING:
    import procrastinate

    from feeds.config import Settings
    from feeds.fetch import Fetcher
    from feeds.store import Store

FETCH_QUEUE = "fetch"
PUBLISH_QUEUE = "publish"
FETCH_TASK = "feeds.fetch_source"
PUBLISH_TASK = "feeds.publish"
PUBLISH_LOCK = "feeds:publish"

NOT_POSTGRES = (
    "feeds {command} needs --db postgresql+psycopg://…; the single-host set-up uses "
    "feeds run / feeds serve"
)


class QueueError(Exception):
    """The queue cannot be used: not PostgreSQL, or its tables are missing."""


def is_postgres(database_url: str) -> bool:
    from sqlalchemy.engine import make_url

    try:
        return make_url(database_url).get_backend_name() == "postgresql"
    except Exception:
        return False


def shown_url(database_url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).render_as_string(hide_password=True)


def fetch_options(source_id: str) -> dict[str, Any]:
    """How a fetch job is deferred: one waiting and one running per source, at most."""
    return {"lock": source_id, "queueing_lock": source_id}


def publish_options(debounce_seconds: float) -> dict[str, Any]:
    return {
        "lock": PUBLISH_LOCK,
        "queueing_lock": PUBLISH_LOCK,
        "schedule_in": {"seconds": debounce_seconds},
    }


def build_app(database_url: str, command: str = "worker") -> procrastinate.App:
    """The App on the feeds database, with the tasks registered. Refuses anything but
    PostgreSQL: the queue lives in the same database as the articles."""
    if not is_postgres(database_url):
        raise QueueError(NOT_POSTGRES.format(command=command))
    import procrastinate

    from feeds.queue.schema import libpq_conninfo

    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_conninfo(database_url), min_size=1, max_size=16
    )
    app = procrastinate.App(connector=connector)
    # A task that raises (a database outage, a bug) is retried a few times, spaced out;
    # a source's own fetch failure is not an exception: it is stored for `feeds status`.
    retry = procrastinate.RetryStrategy(max_attempts=3, wait=10)
    app.task(name=FETCH_TASK, queue=FETCH_QUEUE, retry=retry, pass_context=True)(fetch_source)
    app.task(name=PUBLISH_TASK, queue=PUBLISH_QUEUE, retry=retry)(publish)
    return app


async def require_schema(app: procrastinate.App, database_url: str) -> None:
    row = await app.connector.execute_query_one_async(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
    )
    if not row["present"]:
        raise QueueError(
            "the job queue's tables are missing; run: feeds db upgrade --db "
            + shown_url(database_url)
        )


# The worker process's state ------------------------------------------------------------


@dataclass
class WorkerContext:
    """What a worker process keeps between jobs: one Store and one Fetcher (its connection
    pools and per-host limits shared by concurrent jobs), and the settings, re-read whenever
    sources.yaml changes so a worker never needs a restart for a configuration change."""

    sources: Path
    database_url: str | None = None  # --db
    output_dir: str | None = None  # --output
    _settings: Settings | None = None
    _stamp: tuple[int, int] | None = None
    _store: Store | None = None
    _fetcher: Fetcher | None = None
    _limits: Any = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def seed(self, settings: Settings) -> None:
        """Start from settings just loaded from `sources`, rather than reading it again."""
        from feeds.serve.scheduler import file_stamp

        self._settings, self._stamp = settings, file_stamp(self.sources)

    def settings(self) -> Settings:
        from feeds.config import ConfigError, load_settings
        from feeds.serve.scheduler import file_stamp

        stamp = file_stamp(self.sources)
        if self._settings is None or stamp != self._stamp:
            try:
                self._settings = load_settings(
                    self.sources, database_url=self.database_url, output_dir=self.output_dir
                )
            except ConfigError as error:
                if self._settings is None:
                    raise
                log(logging.ERROR, None, "sources.yaml refused, still running the previous "
                    f"one:\n{error.describe()}")  # fmt: skip
            self._stamp = stamp
        return self._settings

    def store(self) -> Store:
        if self._store is None:
            from feeds.store import Store

            self._store = Store(self.settings().database_url)
        return self._store

    async def fetcher(self, settings: Settings) -> Fetcher:
        from feeds.fetch import Fetcher, user_agent
        from feeds.pipeline import fetch_limits

        limits = fetch_limits(settings)
        async with self._lock:
            if self._fetcher is None or limits != self._limits:
                if self._fetcher is not None:  # fetch: settings changed; the old one drains
                    old = self._fetcher
                    asyncio.get_running_loop().call_later(120, lambda: asyncio.ensure_future(
                        old.__aexit__(None, None, None)))  # fmt: skip
                self._fetcher = Fetcher(limits, user_agent=user_agent(settings.config.stream.link))
                self._limits = limits
            return self._fetcher

    async def close(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.__aexit__(None, None, None)
            self._fetcher = None
        if self._store is not None:
            self._store.close()
            self._store = None


_runtime: WorkerContext | None = None


def set_runtime(context: WorkerContext | None) -> None:
    global _runtime
    _runtime = context


def runtime() -> WorkerContext:
    if _runtime is None:
        raise RuntimeError("no worker context: run tasks through feeds worker / scheduler")
    return _runtime


# Tasks -------------------------------------------------------------------------------------


async def fetch_source(job: procrastinate.JobContext, source_id: str) -> str:
    """Fetch, extract, normalise and store one source; ask for a publish if it changed."""
    from feeds.cli import describe
    from feeds.pipeline import collect_source

    worker = runtime()
    settings = worker.settings()
    source = settings.source(source_id)
    if source is None or not source.enabled:
        log(logging.INFO, source_id, "no longer enabled in sources.yaml; not fetched")
        return "skipped"
    fetcher = await worker.fetcher(settings)
    report = await collect_source(fetcher, worker.store(), settings, source)
    log(logging.INFO, source_id, describe(report))
    if report.outcome == "ok" and (report.counts.new or report.counts.updated):
        assert job.app is not None
        await request_publish(job.app, settings)
    return report.outcome


async def request_publish(app: procrastinate.App, settings: Settings) -> None:
    """Defer a publish `publish_debounce` ahead, unless one is already waiting."""
    import procrastinate.exceptions

    debounce = settings.config.serve.publish_debounce.total_seconds()
    try:
        await app.configure_task(PUBLISH_TASK, **publish_options(debounce)).defer_async()
    except procrastinate.exceptions.AlreadyEnqueued:
        log(logging.DEBUG, None, "publish already queued")


async def publish() -> list[str]:
    """Prune, then write every stream (as `feeds run` does after its fetches)."""
    from feeds.pipeline import utc_now
    from feeds.publish import publish_all

    worker = runtime()
    settings = worker.settings()
    store = worker.store()
    now = utc_now()
    store.prune(last_seen_before=now - settings.config.defaults.retention, now=now)
    reports = await asyncio.to_thread(publish_all, settings, store, now=now)
    written = [name for report in reports for name in report.written]
    streams = ", ".join(f"{report.slug} ({report.items} items)" for report in reports)
    log(logging.INFO, None, f"published to {settings.output_dir}: {streams}; "
        f"{len(written)} files written")  # fmt: skip
    hub = settings.config.stream.websub_hub
    if hub and written:
        from feeds.publish.websub import feed_urls_changed, ping_hub

        for problem in await ping_hub(hub, feed_urls_changed(reports, settings)):
            log(logging.WARNING, None, f"WebSub: {problem}")
    return written
