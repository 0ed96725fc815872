"""`feeds worker`: take fetch jobs (and, with --publish, publish jobs) from the queue.

procrastinate's worker runs up to `concurrency` jobs at once on one event loop, sends a
heartbeat every `queue.heartbeat`, and on SIGTERM/SIGINT takes no new job and lets running
ones finish within `serve.shutdown_grace`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from typing import Any

from feeds.config import Settings
from feeds.logs import log
from feeds.queue.app import (
    FETCH_QUEUE,
    PUBLISH_QUEUE,
    WorkerContext,
    build_app,
    require_schema,
    set_runtime,
)
from feeds.queue.enqueue import pending_jobs


def worker_options(settings: Settings, **options: Any) -> dict[str, Any]:
    """procrastinate Worker options from sources.yaml's `queue:` and `serve:` blocks."""
    queue = settings.config.queue
    return {
        "fetch_job_polling_interval": queue.poll_interval.total_seconds(),
        "abort_job_polling_interval": max(queue.poll_interval.total_seconds(), 5.0),
        "update_heartbeat_interval": queue.heartbeat.total_seconds(),
        "stalled_worker_timeout": queue.stalled_after.total_seconds(),
        "shutdown_graceful_timeout": settings.config.serve.shutdown_grace.total_seconds(),
        # Finished fetches are not kept (the sources table has their outcome); failed jobs
        # stay for inspection.
        "delete_jobs": "successful",
        **options,
    }


async def work(
    settings: Settings,
    runtime: WorkerContext,
    *,
    concurrency: int,
    publish: bool = False,
    until_empty: bool = False,
) -> None:
    """Run until stopped by a signal or, with `until_empty`, until no job is waiting or running
    in this worker's queues (jobs scheduled ahead, like a debounced publish, count)."""
    app = build_app(settings.database_url)
    set_runtime(runtime)
    queues = [FETCH_QUEUE, PUBLISH_QUEUE] if publish else [FETCH_QUEUE]
    name = f"{socket.gethostname()}:{os.getpid()}"
    try:
        async with app.open_async():
            await require_schema(app, settings.database_url)
            runtime.store()  # open it now: a database problem shows before any job is taken
            options = worker_options(settings, queues=queues, concurrency=concurrency, name=name)
            log(logging.INFO, None, f"worker {name} taking {', '.join(queues)} jobs, "
                f"{concurrency} at a time")  # fmt: skip
            running = asyncio.create_task(app.run_worker_async(**options))
            watcher = None
            if until_empty:
                poll = settings.config.queue.poll_interval.total_seconds()
                watcher = asyncio.create_task(stop_when_empty(app, queues, running, poll))
            try:
                await running
            except asyncio.CancelledError:
                if watcher is None or not watcher.done():
                    raise
            finally:
                if watcher is not None:
                    watcher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watcher
    finally:
        await runtime.close()
        set_runtime(None)
    log(logging.INFO, None, f"worker {name} stopped")


async def stop_when_empty(
    app: Any, queues: list[str], running: asyncio.Task, poll_seconds: float
) -> None:
    """Cancel the worker (a graceful stop: running jobs finish) once its queues are empty.
    procrastinate's own wait=False stops as soon as nothing is due *now*, which would leave a
    publish scheduled a few seconds ahead, or a stalled job about to be retried, behind."""
    while not running.done():
        await asyncio.sleep(min(poll_seconds, 1.0))
        if await pending_jobs(app, queues) == 0:
            log(logging.INFO, None, "queue empty; stopping (--until-empty)")
            running.cancel()
            return
