"""Putting fetch jobs in the queue, and looking at what is in it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from feeds.logs import log
from feeds.queue.app import FETCH_TASK, fetch_options

if TYPE_CHECKING:
    import procrastinate


async def source_busy(app: procrastinate.App, source_id: str) -> bool:
    """True if a fetch of this source is waiting or running. The queueing lock only covers
    waiting jobs; a scheduler must not queue a second fetch behind a running one either."""
    row = await app.connector.execute_query_one_async(
        "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE task_name = %(task)s "
        "AND queueing_lock = %(lock)s AND status IN ('todo', 'doing')) AS busy",
        task=FETCH_TASK,
        lock=source_id,
    )
    return bool(row["busy"])


async def enqueue_source(app: procrastinate.App, source_id: str) -> bool:
    """Queue a fetch of one source; False (a no-op) if one is already waiting or running."""
    import procrastinate.exceptions

    if await source_busy(app, source_id):
        log(logging.DEBUG, source_id, "already queued or being fetched; not queued again")
        return False
    try:
        await app.configure_task(FETCH_TASK, **fetch_options(source_id)).defer_async(
            source_id=source_id
        )
    except procrastinate.exceptions.AlreadyEnqueued:  # queued meanwhile: the lock held
        log(logging.DEBUG, source_id, "already queued; not queued again")
        return False
    return True


async def pending_jobs(app: procrastinate.App, queues: list[str]) -> int:
    """Jobs waiting (due now or scheduled ahead) or running in these queues."""
    row = await app.connector.execute_query_one_async(
        "SELECT count(*) AS n FROM procrastinate_jobs "
        "WHERE status IN ('todo', 'doing') AND queue_name = ANY(%(queues)s)",
        queues=queues,
    )
    return int(row["n"])
