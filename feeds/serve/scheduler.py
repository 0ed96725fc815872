"""`feeds serve`: every enabled source is an APScheduler job; publishing follows changes.

Each poll reschedules its own next run from `policy.next_delay` (publishing rhythm, server and
feed hints, backoff after failures), so a failing source is slowed down but never dropped.
Sources with a cron expression keep their fixed times. A change in sources.yaml (or SIGHUP)
reloads the configuration; an invalid file is refused and the running one kept.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from feeds.config import ConfigError, Settings, Source, load_settings
from feeds.fetch import Fetcher, user_agent
from feeds.logs import log
from feeds.pipeline import SourceReport, collect_source, fetch_limits, utc_now
from feeds.publish import publish_all
from feeds.serve.policy import Outcome, bounds_for, next_delay, parse_retry_after, publishing_gap
from feeds.serve.state import ServiceState, SourceHealth
from feeds.store import Store

MISFIRE_GRACE = 300  # seconds a late job may still run (after a suspend, a busy loop)
CRON_JITTER = 60  # seconds, so cron sources sharing an expression do not fire together
FIRST_POLL_SPREAD = 30.0  # seconds over which the first polls after start are spread


class Service:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        load: Callable[[Path], Settings] | None = None,
    ):
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()
        self._load = load or (lambda file: load_settings(file))
        self.store = Store(settings.database_url)
        self.state = ServiceState(
            started_at=clock(), publish_max_age=settings.config.serve.publish_max_age
        )
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.fetcher: Fetcher | None = None
        self._running: set[asyncio.Task] = set()
        self._config_stamp = file_stamp(settings.file)

    # Lifecycle ---------------------------------------------------------------------------

    async def start(self, *, paused: bool = False) -> None:
        """`paused`: jobs are scheduled but nothing fires (tests drive polls by hand)."""
        self.fetcher = Fetcher(fetch_limits(self.settings), user_agent=user_agent(
            self.settings.config.stream.link))  # fmt: skip
        self.scheduler.start(paused=paused)
        self.state.scheduler_running = True
        for index, source in enumerate(self.settings.enabled_sources()):
            self.refresh_health(source)
            spread = FIRST_POLL_SPREAD * index / max(1, len(self.settings.sources))
            self.schedule(source, timedelta(seconds=spread))
        serve = self.settings.config.serve
        self.scheduler.add_job(self.check_reload, IntervalTrigger(seconds=max(
            1, int(serve.reload_check.total_seconds()))), id="reload", max_instances=1,
            coalesce=True)  # fmt: skip
        self.request_publish()

    async def stop(self) -> None:
        """Take no new work, let running polls finish within the grace time, close."""
        self.scheduler.shutdown(wait=False)
        self.state.scheduler_running = False
        grace = self.settings.config.serve.shutdown_grace.total_seconds()
        running = [task for task in self._running if not task.done()]
        if running:
            log(logging.INFO, None, f"waiting up to {grace:g} s for {len(running)} fetch(es)")
            _, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
        if self.fetcher is not None:
            await self.fetcher.__aexit__(None, None, None)
        self.store.close()

    # Polling -----------------------------------------------------------------------------

    def schedule(self, source: Source, delay: timedelta) -> None:
        job_id = f"poll:{source.id}"
        options = {"id": job_id, "args": [source.id], "max_instances": 1, "coalesce": True,
                   "misfire_grace_time": MISFIRE_GRACE, "replace_existing": True}  # fmt: skip
        interval = source.interval or self.settings.config.defaults.interval
        if interval.cron:
            trigger = CronTrigger.from_crontab(interval.cron, timezone=self.zone(source))
            trigger.jitter = CRON_JITTER
        else:
            trigger = DateTrigger(run_date=self.clock() + delay, timezone=UTC)
        job = self.scheduler.add_job(self.poll, trigger, **options)
        if source.id in self.state.sources:
            self.state.sources[source.id].next_poll = getattr(job, "next_run_time", None) or (
                self.clock() + delay
            )

    async def poll(self, source_id: str) -> SourceReport | None:
        source = self.settings.source(source_id)
        if source is None or not source.enabled or self.fetcher is None:
            return None
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        report: SourceReport | None = None
        try:
            report = await collect_source(
                self.fetcher, self.store, self.settings, source, clock=self.clock
            )
            self.state.record_fetch(source_id, outcome_label(report), report.seconds)
            if report.outcome == "ok" and (report.counts.new or report.counts.updated):
                self.request_publish()
            return report
        finally:
            if task is not None:
                self._running.discard(task)
            # Whatever happened, the source gets a next poll: nothing is dropped for good.
            if self.scheduler.running:
                self.schedule(source, self.delay_after(source, report))
            self.refresh_health(source)

    def delay_after(self, source: Source, report: SourceReport | None) -> timedelta:
        bounds = bounds_for(source, self.settings.config.defaults)
        if report is None:  # an unexpected error: treat it as a failure
            outcome = Outcome(failed=True, failures=1)
        else:
            outcome = Outcome(
                failed=report.failed,
                failures=report.failures,
                fresh_for=report.fresh_for,
                retry_after=parse_retry_after(report.retry_after, self.clock()),
                ttl=report.ttl_seconds,
            )
        gap = publishing_gap(
            self.store.recent_dates(source.id, since=self.clock() - timedelta(days=3))
        )
        return next_delay(outcome, bounds, publishing_gap=gap, rng=self.rng)

    def zone(self, source: Source):  # type: ignore[no-untyped-def]
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.settings.timezone_for(source))

    # Publishing --------------------------------------------------------------------------

    def request_publish(self) -> None:
        """Publish soon, once: changes that arrive within the debounce window share a publish."""
        if self.scheduler.get_job("publish") is not None:
            return
        debounce = self.settings.config.serve.publish_debounce
        self.scheduler.add_job(self.publish, DateTrigger(run_date=self.clock() + debounce,
                               timezone=UTC), id="publish", max_instances=1,
                               misfire_grace_time=MISFIRE_GRACE)  # fmt: skip

    async def publish(self) -> list[str]:
        """Returns the names of the files written."""
        started = asyncio.get_running_loop().time()
        now = self.clock()
        self.store.prune(last_seen_before=now - self.settings.config.defaults.retention, now=now)
        reports = await asyncio.to_thread(publish_all, self.settings, self.store, now=now)
        self.state.record_publish(asyncio.get_running_loop().time() - started, now)
        self.state.articles_stored = self.store.article_total()
        written = [name for report in reports for name in report.written]
        hub = self.settings.config.stream.websub_hub
        if hub and written:
            from feeds.publish.websub import feed_urls_changed, ping_hub

            for problem in await ping_hub(hub, feed_urls_changed(reports, self.settings)):
                log(logging.WARNING, None, f"WebSub: {problem}")
        return written

    # Configuration reloads ---------------------------------------------------------------

    async def check_reload(self) -> None:
        stamp = file_stamp(self.settings.file)
        if stamp != self._config_stamp:
            self._config_stamp = stamp
            self.reload()

    def reload(self) -> bool:
        """Apply a changed sources.yaml; an invalid one is refused and the old one kept."""
        try:
            new = self._load(self.settings.file)
        except ConfigError as error:
            self.state.config_error = error.describe()
            log(logging.ERROR, None, f"sources.yaml refused, still running the previous one:\n"
                f"{error.describe()}")  # fmt: skip
            return False
        old = {source.id: source for source in self.settings.enabled_sources()}
        fresh = {source.id: source for source in new.enabled_sources()}
        self.settings = new
        self.state.config_error = None
        for source_id in old.keys() - fresh.keys():
            if self.scheduler.get_job(f"poll:{source_id}"):
                self.scheduler.remove_job(f"poll:{source_id}")
            self.state.sources.pop(source_id, None)
        for source_id, source in fresh.items():
            if source_id not in old or old[source_id] != source:
                self.refresh_health(source)
                self.schedule(source, timedelta(seconds=1))
        log(logging.INFO, None, f"sources.yaml reloaded: {len(fresh)} enabled source(s)")
        self.request_publish()
        return True

    # Health ------------------------------------------------------------------------------

    def refresh_health(self, source: Source) -> None:
        row = self.store.source_row(source.id)  # one row, not every source's, after each poll
        failing_since = None
        if row is not None and row.consecutive_failures:
            failing_since = row.last_success_at or self.state.started_at
        limit = self.settings.config.defaults.failing_after
        previous = self.state.sources.get(source.id)
        self.state.sources[source.id] = SourceHealth(
            id=source.id,
            name=source.name,
            url=source.url,
            enabled=source.enabled,
            last_success=row.last_success_at if row else None,
            last_error=row.last_error if row else None,
            last_error_at=row.last_error_at if row else None,
            consecutive_failures=row.consecutive_failures if row else 0,
            articles=self.store.article_count(source.id),
            next_poll=previous.next_poll if previous else None,
            failing_since=failing_since,
            flagged=failing_since is not None and self.clock() - failing_since > limit,
        )


def outcome_label(report: SourceReport) -> str:
    return {"ok": "ok", "not modified": "not_modified"}.get(report.outcome, "failed")


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
