"""Sources per minute through the PostgreSQL queue with 1, 2 and 3 `feeds worker` processes,
and through the single-host `feeds run` (SQLite) for comparison.

Run from the project root: .venv/bin/python bench/bench_workers.py [--sources 500]
It needs the PostgreSQL of the tests (127.0.0.1:5432, $FEEDS_TEST_PG) and takes a few minutes.
Every source is a small generated RSS feed (tests/feedfarm.py) on 127.0.0.1 that answers after
--delay seconds, standing in for a real server's latency. Each set-up starts from an empty
database, queues every source (`feeds scheduler --once`) and times the workers from launch
until the last one exits (`--until-empty`): process start-up is included, publishing is not.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import Workspace  # noqa: E402
from tests.feedfarm import FeedFarm  # noqa: E402
from tests.postgres import fresh_database  # noqa: E402


def feeds(*args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "feeds", *args]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def check(process: subprocess.Popen, timeout: float = 600) -> None:
    _, err = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise SystemExit(f"{process.args} exited {process.returncode}:\n{err[-2000:]}")


def configure(workspace: Workspace, farm: FeedFarm, per_host: int) -> None:
    workspace.write_config(
        farm.source_entries(),
        # Every feed is on one loopback host: per_host is raised so that it is not the limit.
        fetch={"per_host": per_host, "concurrency": 16, "read_timeout": "10s",
               "total_timeout": "30s"},
        queue={"poll_interval": "1s"},
    )  # fmt: skip


def bench_queue(farm: FeedFarm, workers: int, concurrency: int, per_host: int) -> float:
    """Seconds for `workers` processes to fetch every source."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder))
        configure(workspace, farm, per_host)
        databases = fresh_database()
        url = next(databases)
        try:
            common = ["--sources", str(workspace.config), "--db", url]
            check(feeds("db", "upgrade", *common))
            check(feeds("scheduler", "--once", *common))
            farm.hits.clear()
            started = time.monotonic()
            processes = [feeds("worker", "--until-empty", "--concurrency", str(concurrency),
                               *common) for _ in range(workers)]  # fmt: skip
            for process in processes:
                check(process)
            elapsed = time.monotonic() - started
            assert sum(farm.hits.values()) == farm.sources, "every source once"
            return elapsed
        finally:
            for _ in databases:  # drops the database
                pass


def bench_single_host(farm: FeedFarm, per_host: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder))
        configure(workspace, farm, per_host)
        farm.hits.clear()
        started = time.monotonic()
        database = f"sqlite:///{workspace.database}"
        output = str(workspace.output)
        check(
            feeds("run", "--sources", str(workspace.config), "--db", database, "--output", output)
        )
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.2, help="server latency, seconds")
    parser.add_argument("--concurrency", type=int, default=8, help="jobs per worker")
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    per_host = 32
    farm = FeedFarm(args.sources, delay=args.delay).start()
    print(f"{args.sources} sources, {args.delay:g} s server latency, {os.cpu_count()} CPU(s), "
          f"{platform.python_implementation()} {platform.python_version()}")  # fmt: skip
    print(f"{'set-up':<46} {'seconds':>8} {'sources/min':>12}")
    try:
        seconds = bench_single_host(farm, per_host)
        label = "feeds run (SQLite, fetch.concurrency 16)"
        print(f"{label:<46} {seconds:>8.1f} {args.sources / seconds * 60:>12.0f}", flush=True)
        for workers in (int(n) for n in args.workers.split(",")):
            seconds = bench_queue(farm, workers, args.concurrency, per_host)
            label = f"{workers} x feeds worker --concurrency {args.concurrency} (PostgreSQL)"
            print(f"{label:<46} {seconds:>8.1f} {args.sources / seconds * 60:>12.0f}", flush=True)
    finally:
        farm.stop()


if __name__ == "__main__":
    main()
