"""Work distribution over PostgreSQL: the procrastinate queue, `feeds worker`, `feeds scheduler`.

Real processes on a real PostgreSQL (a throwaway database per test) against 200 generated
feeds on 127.0.0.1. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feeds.cli import main
from feeds.queue.schema import apply_queue_schema, queue_schema_exists
from tests.conftest import REPO, Workspace
from tests.feedfarm import FeedFarm, source_id

SOURCES = 200
ARTICLES = SOURCES * 3 + SOURCES // 10  # three of its own per source, one per group of ten
# Short liveness bounds, so a killed worker's job is retried within seconds.
QUEUE = {"heartbeat": "1s", "stalled_after": "4s", "recover_every": "1s", "poll_interval": "1s"}


@pytest.fixture
def farm() -> Iterator[FeedFarm]:
    server = FeedFarm(SOURCES).start()
    yield server
    server.stop()


def configure(workspace: Workspace, farm: FeedFarm, sources: int = SOURCES) -> Path:
    return workspace.write_config(
        farm.source_entries()[:sources],
        defaults={"limit": 1000},  # every article is published and compared
        fetch={"per_host": 8, "read_timeout": "10s", "total_timeout": "15s"},
        serve={"publish_debounce": "1s", "shutdown_grace": "5s"},
        queue=QUEUE,
    )


def feeds_process(workspace: Workspace, url: str, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "feeds", *args, "--sources", str(workspace.config),
               "--db", url]  # fmt: skip
    if args[0] in ("worker", "scheduler"):
        command += ["--output", str(workspace.output)]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip


def feeds_cli(workspace: Workspace, url: str, *args: str, timeout: float = 60) -> str:
    process = feeds_process(workspace, url, *args)
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"feeds {' '.join(args)} exited {process.returncode}:\n{err}"
    return out


def finish(process: subprocess.Popen, timeout: float) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate(timeout=10)
        pytest.fail(f"a process did not finish within {timeout} s:\n{err[-3000:]}")
    return process.returncode, err


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def upgrade(workspace: Workspace, url: str) -> None:
    """`feeds db upgrade` makes the feeds tables and the queue's (the Store refuses an empty
    PostgreSQL database)."""
    feeds_cli(workspace, url, "db", "upgrade")


def query(url: str, sql: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def assert_every_article_stored_once(url: str) -> None:
    failed = query(url, "SELECT id, last_error FROM sources WHERE last_success_at IS NULL")
    assert not failed, f"sources without a successful fetch: {failed}"
    rows, ids, urls = query(
        url, "SELECT count(*), count(DISTINCT id), count(DISTINCT url) FROM articles"
    )[0]
    assert rows == ids == urls == ARTICLES
    links = query(url, "SELECT count(*), count(DISTINCT (source_id, article_id)) "
                       "FROM article_sources")[0]  # fmt: skip
    assert links == (SOURCES * 4, SOURCES * 4)  # each source carries its four, once
    fetched = query(url, "SELECT count(*) FROM sources WHERE last_success_at IS NOT NULL")
    assert fetched[0][0] == SOURCES


def published_items(output: Path) -> list[dict]:
    return json.loads((output / "berita-terkini.json").read_text(encoding="utf-8"))["items"]


def queue_pending(url: str) -> int:
    rows = query(url, "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")
    return rows[0][0]


# ---------------------------------------------------------------------------------------------


def test_queue_schema_is_created_once_and_reapplied_as_a_no_op(postgres_url: str) -> None:
    assert not queue_schema_exists(postgres_url)
    apply_queue_schema(postgres_url)
    assert queue_schema_exists(postgres_url)
    apply_queue_schema(postgres_url)  # a second upgrade must not fail on existing objects
    assert queue_schema_exists(postgres_url)


def test_worker_and_scheduler_refuse_sqlite(workspace: Workspace, capsys) -> None:
    workspace.write_config([{"id": "a", "name": "A", "url": "http://127.0.0.1:9/feed.xml"}])
    for command in ("worker", "scheduler"):
        code = main([command, "--sources", str(workspace.config),
                     "--db", f"sqlite:///{workspace.database}"])  # fmt: skip
        assert code == 2
        assert capsys.readouterr().err.strip() == (
            f"feeds {command} needs --db postgresql+psycopg://…; the single-host set-up uses "
            "feeds run / feeds serve"
        )


def test_three_workers_fetch_each_source_once_and_publish_what_one_host_would(
    farm: FeedFarm, workspace: Workspace, tmp_path: Path, postgres_url: str
) -> None:
    configure(workspace, farm)
    upgrade(workspace, postgres_url)
    out = feeds_cli(workspace, postgres_url, "scheduler", "--once")
    assert out.strip() == f"queued {SOURCES} source(s); 0 already queued or being fetched"
    again = feeds_cli(workspace, postgres_url, "scheduler", "--once")  # queueing lock: no-op
    assert again.strip() == f"queued 0 source(s); {SOURCES} already queued or being fetched"

    workers = [
        feeds_process(
            workspace,
            postgres_url,
            "worker",
            "--concurrency",
            "4",
            "--until-empty",
            *(["--publish"] if index == 0 else []),
        )
        for index in range(3)
    ]
    results = [finish(worker, timeout=60) for worker in workers]
    assert [code for code, _ in results] == [0, 0, 0], results
    # Between them the workers reported every source once (shares vary with start-up times).
    shares = [err.count(" new, ") for _, err in results]
    assert sum(shares) == SOURCES, shares

    assert sorted(farm.hits) == sorted(farm.path(i) for i in range(SOURCES))
    assert set(farm.hits.values()) == {1}, "a source was fetched more than once"
    assert_every_article_stored_once(postgres_url)
    assert queue_pending(postgres_url) == 0
    multi = published_items(workspace.output)

    # The same sources through the single-host path: SQLite, `feeds run`, no queue.
    single = Workspace(tmp_path / "single")
    single.root.mkdir()
    configure(single, farm)
    code = main(["run", "--sources", str(single.config), "--db", f"sqlite:///{single.database}",
                 "--output", str(single.output)])  # fmt: skip
    assert code == 0
    assert set(farm.hits.values()) == {2}
    expected = published_items(single.output)
    assert len(expected) == ARTICLES
    assert [item["id"] for item in multi] == [item["id"] for item in expected]
    assert multi == expected  # titles, dates, bodies, carrying sources: all equal


def test_a_worker_killed_mid_fetch_loses_and_duplicates_nothing(
    farm: FeedFarm, workspace: Workspace, postgres_url: str
) -> None:
    slow = {farm.path(i) for i in range(12)}  # the first jobs handed out answer slowly
    farm.slow.update(dict.fromkeys(slow, 3.0))
    configure(workspace, farm)
    upgrade(workspace, postgres_url)
    feeds_cli(workspace, postgres_url, "scheduler", "--once")
    scheduler = feeds_process(workspace, postgres_url, "scheduler")  # recovery and publishing

    victim = feeds_process(workspace, postgres_url, "worker", "--concurrency", "4")
    wait_for(lambda: sum(farm.in_flight[path] for path in slow) >= 4, 20,
             "the first worker to be mid-fetch on four slow feeds")  # fmt: skip
    in_flight = {path for path in slow if farm.in_flight[path]}
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=10)

    others = [feeds_process(workspace, postgres_url, "worker", "--concurrency", "4",
                            "--until-empty") for _ in range(2)]  # fmt: skip
    results = [finish(worker, timeout=60) for worker in others]
    assert [code for code, _ in results] == [0, 0], results
    wait_for(lambda: queue_pending(postgres_url) == 0, 30, "the debounced publish")
    scheduler.send_signal(signal.SIGTERM)
    code, scheduler_log = finish(scheduler, timeout=20)
    assert code == 0, scheduler_log
    assert scheduler_log.count("stalled: its worker sent no heartbeat") == len(in_flight), (
        scheduler_log + "".join(err for _, err in results)
    )

    # Every source was fetched; the killed fetches once more, by another worker, and only they.
    assert sorted(farm.started) == sorted(farm.path(i) for i in range(SOURCES))
    twice = {path for path, count in farm.started.items() if count == 2}
    assert twice == in_flight, scheduler_log + "".join(err for _, err in results)
    assert set(farm.started.values()) == {1, 2}
    assert_every_article_stored_once(postgres_url)
    items = published_items(workspace.output)
    assert len(items) == ARTICLES == len({item["id"] for item in items})
    assert {source_id(i) for i in range(12)} <= {s for item in items
                                                 for s in item["_feeds"]["sources"]}  # fmt: skip


def test_a_source_is_never_fetched_by_two_workers_at_once(
    farm: FeedFarm, workspace: Workspace, postgres_url: str
) -> None:
    from feeds.queue.app import FETCH_TASK, build_app, fetch_options
    from feeds.queue.enqueue import enqueue_source

    sources = 5
    for index in range(sources):
        farm.slow[farm.path(index)] = 0.3
    configure(workspace, farm, sources=sources)
    upgrade(workspace, postgres_url)

    async def defer() -> list[bool]:
        app = build_app(postgres_url)
        async with app.open_async():
            # The queueing lock: a second enqueue of a waiting source is a no-op ...
            queued = [await enqueue_source(app, source_id(0)) for _ in range(2)]
            # ... so to press the run lock, queue four fetches of every source side by side
            # (the same lock as production, the queueing lock lifted).
            for index in range(sources):
                options = {**fetch_options(source_id(index)), "queueing_lock": None}
                for _ in range(4 if index else 3):
                    await app.configure_task(FETCH_TASK, **options).defer_async(
                        source_id=source_id(index)
                    )
            return queued

    assert asyncio.run(defer()) == [True, False]
    workers = [feeds_process(workspace, postgres_url, "worker", "--concurrency", "4",
                             "--until-empty") for _ in range(3)]  # fmt: skip
    assert [finish(worker, timeout=60)[0] for worker in workers] == [0, 0, 0]
    assert {farm.hits[farm.path(i)] for i in range(sources)} == {4}
    # 12 job slots for 20 jobs of 5 sources: only the per-source lock keeps these at 1.
    assert {farm.max_overlap[farm.path(i)] for i in range(sources)} == {1}


def test_sigterm_lets_a_worker_finish_its_fetch_and_exit_cleanly(
    farm: FeedFarm, workspace: Workspace, postgres_url: str
) -> None:
    farm.slow[farm.path(0)] = 1.5
    configure(workspace, farm, sources=1)
    upgrade(workspace, postgres_url)
    feeds_cli(workspace, postgres_url, "scheduler", "--once")
    worker = feeds_process(workspace, postgres_url, "worker")  # no --until-empty: runs on
    wait_for(lambda: farm.in_flight[farm.path(0)] == 1, 20, "the worker to be mid-fetch")
    worker.send_signal(signal.SIGTERM)
    code, log = finish(worker, timeout=20)
    assert code == 0, log
    assert farm.hits[farm.path(0)] == 1
    stored = query(postgres_url, "SELECT count(*) FROM article_sources WHERE source_id = 'src0000'")
    assert stored == [(4,)]  # the fetch under way was finished and saved, not cut off
    assert queue_pending(postgres_url) == 1  # its publish, left for the publisher


def test_scheduler_queues_a_source_only_when_due_and_not_already_queued(
    farm: FeedFarm, workspace: Workspace, postgres_url: str
) -> None:
    from datetime import timedelta

    from feeds.config import load_settings
    from feeds.pipeline import utc_now
    from feeds.queue.app import build_app
    from feeds.queue.scheduler import QueueScheduler
    from feeds.store import Store

    configure(workspace, farm, sources=2)
    upgrade(workspace, postgres_url)
    settings = load_settings(workspace.config, database_url=postgres_url)
    later = utc_now()

    async def scenario() -> list[bool]:
        app = build_app(postgres_url)
        store = Store(postgres_url)
        try:
            async with app.open_async():
                scheduler = QueueScheduler(settings, app, store, clock=lambda: later)
                first = [await scheduler.poll(source_id(0)), await scheduler.poll(source_id(0))]
                assert await scheduler.poll("no-such-source") is False
                return first
        finally:
            store.close()

    assert asyncio.run(scenario()) == [True, False]  # never fetched: due; then already queued
    feeds_cli(workspace, postgres_url, "worker", "--until-empty", "--publish")
    assert farm.hits[farm.path(0)] == 1 and farm.hits[farm.path(1)] == 0
    assert asyncio.run(scenario()) == [False, False]  # just fetched: not due for a while
    later += timedelta(hours=3)  # past max_interval (2 h): due again
    assert asyncio.run(scenario()) == [True, False]
