"""One pass over the sources: fetch -> extract -> normalise -> store, then publish.

A source's failure is recorded and reported; it never stops the other sources or publishing.
"""

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from feeds.config import Settings, Source
from feeds.cores import usable_cores
from feeds.extract import ExtractError
from feeds.extract.screen import looks_like_html
from feeds.fetch import Fetcher, FetchError, FetchResult, Validators, user_agent
from feeds.fetch.fetcher import Limits
from feeds.fetch.guard import parse_networks
from feeds.logs import log
from feeds.publish import PublishReport, publish_all
from feeds.store import NotModified, SaveCounts, Store

if TYPE_CHECKING:
    from feeds.digest import Digest


@dataclass(slots=True)
class SourceReport:
    source_id: str
    outcome: str  # "ok", "not modified" or "failed"
    counts: SaveCounts = field(default_factory=SaveCounts)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    moved_to: str | None = None
    seconds: float = 0.0
    # What the source said about when to come back (used by `feeds serve` to schedule).
    fresh_for: float | None = None  # Cache-Control max-age / Expires
    retry_after: str | None = None  # Retry-After of a 429/503
    ttl_seconds: float | None = None  # RSS ttl / sy:updatePeriod
    failures: int = 0  # consecutive failures, this one included

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclass(slots=True)
class RunReport:
    sources: list[SourceReport]
    outputs: list[PublishReport]
    retired: int = 0

    @property
    def failures(self) -> list[SourceReport]:
        return [report for report in self.sources if report.failed]


def utc_now() -> datetime:
    """Whole seconds: feeds carry no finer times, and equal inputs must give equal files."""
    return datetime.now(UTC).replace(microsecond=0)


def run_once(
    settings: Settings,
    store: Store,
    *,
    only: list[str] | None = None,
    on_source_done: Callable[[SourceReport], None] | None = None,
) -> RunReport:
    sources = settings.enabled_sources(only)
    reports = asyncio.run(collect(settings, store, sources, on_source_done))
    now = utc_now()
    retired = store.prune(last_seen_before=now - settings.config.defaults.retention, now=now)
    outputs = publish_all(settings, store, now=now)
    return RunReport(sources=reports, outputs=outputs, retired=retired)


def fetch_limits(settings: Settings) -> Limits:
    fetch = settings.config.fetch
    return Limits(
        connect_timeout=fetch.connect_timeout.total_seconds(),
        read_timeout=fetch.read_timeout.total_seconds(),
        total_timeout=fetch.total_timeout.total_seconds(),
        max_bytes=fetch.max_bytes,
        max_redirects=fetch.max_redirects,
        concurrency=fetch.concurrency,
        per_host=fetch.per_host,
        host_delay=fetch.host_delay.total_seconds(),
        allow_private=fetch.allow_private,
        allowed_networks=parse_networks(fetch.allow_networks),
    )


async def collect(
    settings: Settings,
    store: Store,
    sources: list[Source],
    on_source_done: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    limits = fetch_limits(settings)
    cpu = CPUPool(len(sources))
    validators = store.all_validators({source.id: source.url for source in sources})
    not_modified: list[NotModified] = []
    # Sources between their fetch and their save: bounded, so a run over 5,000 sources holds
    # a few dozen bodies at a time, not every body fetched faster than it can be parsed.
    in_progress = asyncio.Semaphore(2 * limits.concurrency)
    try:
        async with Fetcher(limits, user_agent=user_agent(settings.config.stream.link)) as fetcher:

            async def one(source: Source) -> SourceReport:
                async with in_progress:
                    report = await collect_source(
                        fetcher, store, settings, source, cpu=cpu, known_validators=validators,
                        not_modified=not_modified,
                    )  # fmt: skip
                if on_source_done:
                    on_source_done(report)
                return report

            return list(await asyncio.gather(*(one(source) for source in sources)))
    finally:
        cpu.shutdown()
        store.save_not_modified_many(not_modified)


class CPUPool:
    """Worker processes for parsing and normalising, one a core, started at the first feed
    that needs reading: a run where every source answers 304 starts none.

    The workers are forked (cheap: they inherit the imported modules) and only ever run
    pure functions on bytes, so the threads of the parent do not matter to them."""

    FROM_SOURCES = 8  # below this, starting worker processes costs more than it saves

    def __init__(self, sources: int):
        self.cores = usable_cores()
        self.wanted = sources >= self.FROM_SOURCES and self.cores > 1
        self._pool: ProcessPoolExecutor | None = None

    def executor(self) -> Executor | None:
        if self.wanted and self._pool is None:
            # Imported here: a run where every source answers 304 parses nothing.
            from feeds.digest import warm_up

            warm_up()
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                max_workers=self.cores,
                mp_context=context,
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def exit_with_parent(parent: int) -> None:
    """In each worker: die when the run does. A run killed with SIGKILL cannot stop its
    workers, and they would wait forever on a queue whose other end they hold themselves."""
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:  # elsewhere, and should the parent already be gone
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


async def digest_source(
    fetcher: Fetcher,
    store: Store,
    settings: Settings,
    source: Source,
    result: FetchResult,
    fetched_at: datetime,
    cpu: CPUPool | None,
) -> "Digest":
    """Parse and normalise what the source answered: in the process pool when the source is
    a plain feed (no pages to fetch), else here, crawling as its kind says."""
    # Imported here, not at the top: a run where every source answers 304 Not Modified
    # parses nothing and crawls nothing, and these bring in lxml, cssselect and the rest.
    from feeds.crawl import harvest
    from feeds.digest import digest_entries, digest_feed

    timezone = settings.timezone_for(source)
    language = source.language or settings.config.stream.language
    # The items read last time: those listed again unchanged are not normalised again.
    known_entries = store.entry_digests(source.id)
    # The pool starts with the first source it can take, not with any source.
    pool = cpu.executor() if cpu is not None and source.plain_feed else None
    if pool is not None:
        digest = await asyncio.get_running_loop().run_in_executor(
            pool,
            partial(
                digest_feed,
                result.body,
                url=result.url,
                content_type=result.content_type,
                source_id=source.id,
                timezone=timezone,
                fetched_at=fetched_at,
                language=language,
                kind=source.kind,
                known_entries=known_entries,
            ),
        )
        if digest is not None:
            return digest
    harvested = await harvest(fetcher, store, source, result)
    return digest_entries(
        harvested.entries,
        warnings=harvested.warnings,
        ttl_seconds=harvested.ttl_seconds,
        still_listed=harvested.still_listed,
        source_id=source.id,
        timezone=timezone,
        fetched_at=fetched_at,
        language=language,
        known_entries=known_entries,
    )


def same_feed(result: FetchResult, previous: Validators, source: Source) -> bool:
    """A plain feed's bytes, exactly as read last time: as good as a 304, since many news
    sites' feeds come with no validators, or ignore the ones sent back. Not so for a page to
    crawl or to discover a feed in: the articles beyond follow_limit, the child sitemaps, the
    feed it names may be new."""
    return (
        previous.body_digest is not None
        and result.validators.body_digest == previous.body_digest
        and source.plain_feed
        and not looks_like_html(result.body)
    )


async def collect_source(
    fetcher: Fetcher,
    store: Store,
    settings: Settings,
    source: Source,
    *,
    clock: Callable[[], datetime] = utc_now,
    cpu: CPUPool | None = None,
    known_validators: dict[str, Validators] | None = None,
    not_modified: list[NotModified] | None = None,
) -> SourceReport:
    started = time.monotonic()
    fetched_at = clock().replace(microsecond=0)
    status: int | None = None
    retry_after: str | None = None
    try:
        validators = (
            known_validators.get(source.id, Validators())
            if known_validators is not None
            else store.validators_for(source.id, source.url)
        )
        crawling = source.kind in ("html", "sitemap")
        if crawling and not source.robots:
            log(logging.WARNING, source.id, "robots: false, so robots.txt is not honoured")
        result = await fetcher.fetch(source.url, validators=validators, headers=source.headers,
                                     polite=crawling, obey_robots=source.robots,
                                     allow_private=source.allow_private)  # fmt: skip
        status = result.status
        if result.moved_permanently_to:
            log(
                logging.WARNING,
                source.id,
                f"moved permanently to {result.moved_permanently_to}; update sources.yaml",
            )
        if not result.not_modified:
            # Kept with the validators: the same bytes next time count as a 304.
            digest = hashlib.blake2b(result.body, digest_size=16).hexdigest()
            result.validators = replace(result.validators, body_digest=digest)
        if result.not_modified or same_feed(result, validators, source):
            answer = NotModified(source.id, source.url, result.validators, fetched_at,
                                 status=result.status)  # fmt: skip
            if not_modified is not None:
                not_modified.append(answer)  # the caller saves the run's 304s together
            else:
                store.save_not_modified_many([answer])
            return SourceReport(
                source.id,
                "not modified",
                seconds=time.monotonic() - started,
                moved_to=result.moved_permanently_to,
                fresh_for=result.fresh_for,
            )

        digest = await digest_source(fetcher, store, settings, source, result, fetched_at, cpu)
        articles = digest.articles
        warnings = digest.warnings
        if clamped := sum(article.date_clamped for article in articles):
            warnings.append(f"{clamped} article(s) dated in the future; clamped to fetch time")
        if implausible := sum(article.date_implausible for article in articles):
            warnings.append(
                f"{implausible} article(s) dated before 1995 (a CMS's empty date); "
                "dated when first seen"
            )
        if skipped := digest.entries - len(articles) - len(digest.unchanged):
            warnings.append(f"{skipped} item(s) without link, id or title were skipped")
        for warning in warnings:
            log(logging.WARNING, source.id, warning)
        counts = store.save_fetch(
            source.id,
            source.url,
            articles,
            validators=result.validators,
            status=result.status,
            fetched_at=fetched_at,
            warnings=warnings,
            moved_to=result.moved_permanently_to,
            still_listed=digest.still_listed + digest.unchanged,
        )
        return SourceReport(
            source.id,
            "ok",
            counts=counts,
            warnings=warnings,
            moved_to=result.moved_permanently_to,
            seconds=time.monotonic() - started,
            fresh_for=result.fresh_for,
            ttl_seconds=digest.ttl_seconds,
        )
    except (FetchError, ExtractError) as error:
        message = str(error)
        status = getattr(error, "status", status)
        retry_after = getattr(error, "retry_after", None)
    except Exception as error:  # a bug must not cost the other sources their run
        logging.getLogger("feeds").exception("%s: unexpected error", source.id)
        message = f"internal error: {type(error).__name__}: {error}"
    failures = store.save_failure(
        source.id, source.url, error=message, status=status, fetched_at=fetched_at
    )
    log(logging.ERROR, source.id, f"failed ({failures} in a row): {message}")
    return SourceReport(source.id, "failed", error=message, seconds=time.monotonic() - started,
                        retry_after=retry_after, failures=failures)  # fmt: skip
