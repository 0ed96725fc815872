"""`feeds scheduler`: the one place that decides when sources are fetched in a multi-host
set-up. It queues each enabled source when it is due, retries the jobs of workers that
stopped sending heartbeats, and (unless --no-publish) runs the publisher: the only consumer
of publish jobs, so output/ is written on this host alone.

A source is due `policy.next_delay` after its last fetch (its publishing rhythm within
min/max_interval, backoff after failures, jitter), judged from the database, so a restarted
scheduler neither forgets sources nor fetches the ones just fetched again. Cron sources keep
their fixed times.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from feeds.config import ConfigError, Settings, Source, load_settings
from feeds.logs import log
from feeds.pipeline import utc_now
from feeds.queue.app import PUBLISH_QUEUE, WorkerContext, build_app, require_schema, set_runtime
from feeds.queue.enqueue import enqueue_source, source_busy
from feeds.queue.worker import worker_options
from feeds.serve.policy import Outcome, bounds_for, next_delay, publishing_gap
from feeds.serve.scheduler import CRON_JITTER, FIRST_POLL_SPREAD, MISFIRE_GRACE, file_stamp

if TYPE_CHECKING:
    import procrastinate

    from feeds.store import Store


class QueueScheduler:
    def __init__(
        self,
        settings: Settings,
        app: procrastinate.App,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ):
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.settings = settings
        self.app = app
        self.store = store
        self.clock = clock
        self.rng = rng or random.Random()
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._stamp = file_stamp(settings.file)

    def start(self) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        self.scheduler.start()
        sources = self.settings.enabled_sources()
        for index, source in enumerate(sources):
            spread = FIRST_POLL_SPREAD * index / max(1, len(sources))
            self.schedule(source, timedelta(seconds=spread))
        queue = self.settings.config.queue
        self.scheduler.add_job(self.recover, IntervalTrigger(seconds=max(
            1, queue.recover_every.total_seconds())), id="recover", max_instances=1,
            coalesce=True, next_run_time=self.clock())  # fmt: skip
        self.scheduler.add_job(self.check_reload, IntervalTrigger(seconds=max(
            1, self.settings.config.serve.reload_check.total_seconds())), id="reload",
            max_instances=1, coalesce=True)  # fmt: skip
        log(logging.INFO, None, f"scheduling {len(sources)} source(s); stalled jobs retried "
            f"after {queue.stalled_after.total_seconds():g} s without a heartbeat")  # fmt: skip

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    # Sources -------------------------------------------------------------------------------

    def schedule(self, source: Source, delay: timedelta) -> None:
        from zoneinfo import ZoneInfo

        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.date import DateTrigger

        interval = source.interval or self.settings.config.defaults.interval
        if interval.cron:
            zone = ZoneInfo(self.settings.timezone_for(source))
            trigger = CronTrigger.from_crontab(interval.cron, timezone=zone)
            trigger.jitter = CRON_JITTER
        else:
            trigger = DateTrigger(run_date=self.clock() + delay, timezone=UTC)
        self.scheduler.add_job(self.poll, trigger, id=f"poll:{source.id}", args=[source.id],
                               max_instances=1, coalesce=True, replace_existing=True,
                               misfire_grace_time=MISFIRE_GRACE)  # fmt: skip

    async def poll(self, source_id: str) -> bool:
        """Queue the source if it is due and not already queued or running; True if queued."""
        source = self.settings.source(source_id)
        if source is None or not source.enabled:
            return False
        delay = self.delay_after(source)
        try:
            # Busy first, then the row: a fetch that ended after this check has already
            # committed its row (a job ends after its transaction).
            if await source_busy(self.app, source_id):
                log(logging.DEBUG, source_id, "already queued or being fetched")
                return False
            row = self.store.source_row(source_id)
            now = self.clock()
            if row is not None and row.last_fetch_at is not None:
                due = row.last_fetch_at + delay
                if due > now + timedelta(seconds=1):  # fetched meanwhile (e.g. --once)
                    delay = due - now
                    return False
            queued = await enqueue_source(self.app, source_id)
            if queued:
                log(logging.DEBUG, source_id, "queued")
            return queued
        except Exception as error:  # the database went away: try again at the next poll
            log(logging.ERROR, source_id, f"could not queue: {error}")
            return False
        finally:
            if self.scheduler.running:
                self.schedule(source, delay)

    def delay_after(self, source: Source) -> timedelta:
        """The next poll's delay from what the database knows (the last outcome, recent
        article dates), by the same policy as `feeds serve`."""
        bounds = bounds_for(source, self.settings.config.defaults)
        row = self.store.source_row(source.id)
        failures = row.consecutive_failures if row is not None else 0
        outcome = Outcome(failed=failures > 0, failures=failures)
        since = self.clock() - timedelta(days=3)
        gap = publishing_gap(self.store.recent_dates(source.id, since=since))
        return next_delay(outcome, bounds, publishing_gap=gap, rng=self.rng)

    # Stalled jobs --------------------------------------------------------------------------

    async def recover(self) -> int:
        """Retry the running jobs of workers silent for longer than `queue.stalled_after`
        (killed, frozen, cut off): their fetch stored nothing, or stored it completely."""
        import procrastinate.exceptions
        from procrastinate.jobs import Status

        bound = self.settings.config.queue.stalled_after.total_seconds()
        manager = self.app.job_manager
        retried = 0
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=bound):
            try:
                await manager.retry_job(job)
                retried += 1
                log(logging.WARNING, None, f"job {job.id} ({job.call_string}) stalled: its "
                    f"worker sent no heartbeat for {bound:g} s; retried")  # fmt: skip
            except procrastinate.exceptions.ConnectorException:
                # The same lock is already waiting again: that job does the work.
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                log(logging.WARNING, None, f"job {job.id} ({job.call_string}) stalled and "
                    "already queued again; marked failed")  # fmt: skip
        return retried

    # Configuration -------------------------------------------------------------------------

    async def check_reload(self) -> None:
        stamp = file_stamp(self.settings.file)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            new = load_settings(self.settings.file, database_url=self.settings.database_url,
                                output_dir=self.settings.output_dir)  # fmt: skip
        except ConfigError as error:
            log(logging.ERROR, None, "sources.yaml refused, still running the previous one:\n"
                f"{error.describe()}")  # fmt: skip
            return
        old = {source.id: source for source in self.settings.enabled_sources()}
        fresh = {source.id: source for source in new.enabled_sources()}
        self.settings = new
        for source_id in old.keys() - fresh.keys():
            with contextlib.suppress(Exception):
                self.scheduler.remove_job(f"poll:{source_id}")
        for source_id, source in fresh.items():
            if old.get(source_id) != source:
                self.schedule(source, timedelta(seconds=1))
        log(logging.INFO, None, f"sources.yaml reloaded: {len(fresh)} enabled source(s)")


async def enqueue_all(settings: Settings) -> tuple[int, int]:
    """`feeds scheduler --once`: queue every enabled source now. Returns (queued, skipped)."""
    app = build_app(settings.database_url)
    queued = skipped = 0
    async with app.open_async():
        await require_schema(app, settings.database_url)
        for source in settings.enabled_sources():
            if await enqueue_source(app, source.id):
                queued += 1
            else:
                skipped += 1
    return queued, skipped


async def run_scheduler(settings: Settings, runtime: WorkerContext, *, publish: bool) -> None:
    """Until SIGTERM/SIGINT: schedule, recover and (with `publish`) publish."""
    app = build_app(settings.database_url)
    set_runtime(runtime)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        async with app.open_async():
            await require_schema(app, settings.database_url)
            scheduler = QueueScheduler(settings, app, runtime.store())
            scheduler.start()
            waits: set[asyncio.Future] = {asyncio.ensure_future(stopping.wait())}
            publisher = None
            if publish:
                options = worker_options(
                    settings,
                    queues=[PUBLISH_QUEUE],
                    concurrency=1,
                    name="publisher",
                    install_signal_handlers=False,
                )
                publisher = asyncio.create_task(app.run_worker_async(**options))
                waits.add(publisher)
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            log(logging.INFO, None, "scheduler stopping")
            scheduler.stop()
            if publisher is not None:
                if not publisher.done():
                    publisher.cancel()  # a graceful stop: a publish under way finishes
                with contextlib.suppress(asyncio.CancelledError):
                    await publisher
            for future in waits:
                future.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await runtime.close()
        set_runtime(None)
