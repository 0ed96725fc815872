"""Crash consistency: `feeds run` killed at any moment, a full disk, overlapping runs.

Cron runs `feeds run` every 15 minutes on machines that reboot, fill their disks and
sometimes start a run before the last one ended. Whatever happens, readers must only ever see
complete feeds (the old version or the new one), the state database must stay sound, and the
next ordinary run must publish everything that had been committed.
"""

import errno
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import REPO, Workspace, feed_problems
from tests.server import FixtureServer, Route

SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
FEED_COUNT = 20
ITEMS_PER_FEED = 30
LIMIT = 1000
PUBLISHED = {"berita-terkini.rss", "berita-terkini.atom", "berita-terkini.json", "index.html",
             "sources.opml", "feed.xsl"}  # fmt: skip


# --- helpers -----------------------------------------------------------------------------


def rss_feed(number: int, first_item: int, now: datetime) -> bytes:
    """An RSS 2.0 feed of ITEMS_PER_FEED items, the newest numbered `first_item`; a higher
    `first_item` is the same feed a little later (new items on top, the oldest dropped)."""
    items = []
    for index in range(first_item, first_item - ITEMS_PER_FEED, -1):
        date = now - timedelta(minutes=7 * (10_000 - index) + number)
        items.append(
            f"<item><title>Berita {number}-{index}</title>"
            f"<link>https://sumber{number}.example/berita/{index}</link>"
            f"<description>&lt;p&gt;Isi berita {index} dari sumber {number}.&lt;/p&gt;"
            f"</description><pubDate>{format_datetime(date)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Sumber {number}</title><link>https://sumber{number}.example/</link>"
        f"<description>x</description>{''.join(items)}</channel></rss>"
    ).encode()


def run_command(workspace: Workspace, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "feeds", "run", "--sources", str(workspace.config),
        "--db", f"sqlite:///{workspace.database}", "--output", str(workspace.output), *extra,
    ]  # fmt: skip


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}


def run_feeds(
    workspace: Workspace, *extra: str, timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        run_command(workspace, *extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(),
        cwd=workspace.root,
    )


def output_problems(output: Path) -> list[str]:
    """What a reader could see wrong in output/: a published (non-dot) name that is not a
    complete, valid document. Dot-named temporary files are invisible to readers (nginx and
    `feeds serve` refuse dotfiles) and may stay behind after a kill."""
    problems = []
    if not output.exists():
        return problems
    names = {path.name for path in output.iterdir() if not path.name.startswith(".")}
    if unexpected := names - PUBLISHED:
        problems.append(f"unexpected published files: {sorted(unexpected)}")
    for name in sorted(names & PUBLISHED):
        data = (output / name).read_bytes()
        try:
            if name.endswith((".rss", ".atom", ".opml", ".xsl")):
                etree.fromstring(data, SAFE_XML)
            elif name.endswith(".json"):
                json.loads(data)
            elif not data.rstrip().endswith(b"</html>"):
                problems.append(f"{name}: truncated page")
        except (etree.XMLSyntaxError, ValueError) as error:
            problems.append(f"{name}: {error}")
    if {"berita-terkini.rss", "berita-terkini.atom"} <= names:
        problems += [p for p in feed_problems(output) if p.startswith("error:")]
    return problems


def database_problems(database: Path) -> list[str]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return [] if result == "ok" else [f"integrity_check: {result}"]


def committed_ids(database: Path) -> set[str]:
    if not database.exists():
        return set()
    with sqlite3.connect(database) as connection:
        try:
            return {row[0] for row in connection.execute("SELECT id FROM articles")}
        except sqlite3.OperationalError:  # killed before the schema was created
            return set()


def newest_ids(database: Path, limit: int) -> list[str]:
    """The ids a complete publish must carry: the newest `limit`, ties broken by id."""
    with sqlite3.connect(database) as connection:
        return [
            row[0]
            for row in connection.execute(
                "SELECT id FROM articles ORDER BY date DESC, id LIMIT ?", (limit,)
            )
        ]


def rss_guids(output: Path) -> list[str]:
    root = etree.fromstring((output / "berita-terkini.rss").read_bytes(), SAFE_XML)
    return [item.findtext("guid") for item in root.iter("item")]


@pytest.fixture
def news_server() -> FixtureServer:
    server = FixtureServer().start()
    yield server
    server.stop()


def configure(workspace: Workspace, server: FixtureServer, now: datetime) -> list[int]:
    """FEED_COUNT feeds on the loopback server, each answering after a short delay."""
    tops = [10_000 - 50] * FEED_COUNT
    for number in range(FEED_COUNT):
        server.routes[f"/feed{number}.xml"] = Route(
            rss_feed(number, tops[number], now), delay=0.05 + 0.02 * (number % 5)
        )
    workspace.write_config(
        [
            {"id": f"sumber{n}", "name": f"Sumber {n}", "url": server.url(f"/feed{n}.xml")}
            for n in range(FEED_COUNT)
        ],
        defaults={"limit": LIMIT},
        fetch={"per_host": 4, "read_timeout": "5s", "total_timeout": "20s"},
    )
    return tops


# --- killed at random moments ------------------------------------------------------------


def test_sigkill_at_any_moment_leaves_valid_files_and_a_sound_database(
    workspace: Workspace, news_server: FixtureServer
) -> None:
    """50 runs killed with SIGKILL at seeded random moments (during fetch, store and
    publish), each followed by the checks a reader and the next cron run depend on."""
    now = datetime.now(UTC).replace(microsecond=0)
    tops = configure(workspace, news_server, now)
    chance = random.Random(20261128)

    def news() -> None:
        """New items on some feeds, so the run has something to store and publish."""
        for number in chance.sample(range(FEED_COUNT), 6):
            tops[number] += chance.randint(1, 5)
            news_server.routes[f"/feed{number}.xml"].body = rss_feed(number, tops[number], now)

    assert run_feeds(workspace).returncode == 0
    assert output_problems(workspace.output) == []

    phases: dict[str, int] = {}
    for trial in range(50):
        news()
        # Where to kill: after `after_lines` sources reported (0: still starting or fetching
        # the first; FEED_COUNT: storing is over, publishing under way), plus a little more.
        after_lines = chance.randint(0, FEED_COUNT)
        extra = chance.uniform(0, 0.4)
        log = workspace.root / "run.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                run_command(workspace), stdout=out, stderr=subprocess.STDOUT,
                env=environment(), cwd=workspace.root,
            )  # fmt: skip
            deadline = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < deadline:
                reported = log.read_text().count("\nsumber") + log.read_text().startswith("sumber")
                if reported >= after_lines:
                    break
                time.sleep(0.005)
            time.sleep(extra)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        text = log.read_text()
        lines = [line for line in text.splitlines() if line.startswith("sumber")]
        phase = (
            "completed" if process.returncode == 0
            else "startup" if not lines
            else "fetch/store" if len(lines) < FEED_COUNT
            else "publish"
        )  # fmt: skip
        phases[phase] = phases.get(phase, 0) + 1

        assert output_problems(workspace.output) == [], (trial, phase, text[-500:])
        assert database_problems(workspace.database) == [], (trial, phase)

        if trial % 10 == 9:
            # The next cron run: everything committed before it is still there and the
            # feed carries the newest LIMIT articles.
            committed = committed_ids(workspace.database)
            recovery = run_feeds(workspace)
            assert recovery.returncode == 0, (trial, recovery.stderr)
            assert output_problems(workspace.output) == []
            stored = set(committed_ids(workspace.database))
            assert committed <= stored, committed - stored
            assert rss_guids(workspace.output) == newest_ids(workspace.database, LIMIT)

    # The kills really landed in every phase (else this test proves less than it says).
    assert phases.get("fetch/store", 0) >= 5, phases
    assert phases.get("publish", 0) >= 3, phases
    print(f"kills by phase: {phases}")


# --- a full disk -------------------------------------------------------------------------


def test_full_disk_during_publish_leaves_every_old_file_intact(
    workspace: Workspace, news_server: FixtureServer, feeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills while the second changed file is written: no published file changes
    (not even the first), the run exits 2 naming the file, and the next run succeeds."""
    now = datetime.now(UTC).replace(microsecond=0)
    tops = configure(workspace, news_server, now)
    assert feeds("run").code == 0
    before = workspace.published()

    for number in range(FEED_COUNT):  # everything changes: every feed file must be rewritten
        tops[number] += 3
        news_server.routes[f"/feed{number}.xml"].body = rss_feed(number, tops[number], now)

    from feeds.publish import atomic

    real_fdopen = os.fdopen
    writes: list[str] = []

    class FullDisk:
        """A file whose write fails with ENOSPC, as on a full file system."""

        def __init__(self, file):  # type: ignore[no-untyped-def]
            self.file = file

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc_info: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(descriptor: int, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        file = real_fdopen(descriptor, mode, *args, **kwargs)
        writes.append(mode)
        return FullDisk(file) if len(writes) == 2 else file

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    result = feeds("run")
    monkeypatch.undo()

    assert len(writes) == 2
    assert result.code == 2, result.err
    assert "No space left on device" in result.err
    assert str(workspace.output / "berita-terkini") in result.err  # names the file
    assert workspace.published() == before  # byte-identical, the first rewrite included
    assert not [p for p in workspace.output.iterdir() if p.name.endswith(".tmp")]

    after = feeds("run")
    assert after.code == 0, after.err
    assert workspace.published()["berita-terkini.rss"] != before["berita-terkini.rss"]
    assert output_problems(workspace.output) == []


# --- overlapping runs --------------------------------------------------------------------


def test_two_runs_at_once_never_corrupt_state_or_output(
    workspace: Workspace, news_server: FixtureServer
) -> None:
    """Cron started a run while the previous one still worked: the second waits for the lock
    (or gives up with exit 3), never interleaves with the first."""
    now = datetime.now(UTC).replace(microsecond=0)
    configure(workspace, news_server, now)
    for wait in ("60", "0.2"):
        processes = [
            subprocess.Popen(
                run_command(workspace, "--wait", wait),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment(),
                cwd=workspace.root,
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=90), *p.communicate()) for p in processes]
        codes = sorted(code for code, _, _ in results)
        if wait == "60":
            assert codes == [0, 0], results
        else:
            assert codes in ([0, 0], [0, 3]), results
            for code, _, err in results:
                assert code != 3 or "another feeds run is still working" in err
        assert output_problems(workspace.output) == []
        assert database_problems(workspace.database) == []
    assert rss_guids(workspace.output) == newest_ids(workspace.database, LIMIT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_and_a_manual_run_share_the_state(
    workspace: Workspace, news_server: FixtureServer
) -> None:
    """An operator runs `feeds run` by hand while `feeds serve` polls the same state: both
    work, the files stay valid and the database sound."""
    now = datetime.now(UTC).replace(microsecond=0)
    configure(workspace, news_server, now)
    port = free_port()
    command = [sys.executable, "-m", "feeds", "serve", "--sources", str(workspace.config),
               "--db", f"sqlite:///{workspace.database}", "--output", str(workspace.output),
               "--port", str(port)]  # fmt: skip
    service = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment(),
        cwd=workspace.root,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert service.poll() is None, service.stdout.read().decode()
                assert time.monotonic() < deadline, "feeds serve did not start"
                time.sleep(0.2)
        result = run_feeds(workspace, "--wait", "60")
        assert result.returncode == 0, result.stderr
        assert output_problems(workspace.output) == []
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/berita-terkini.rss") as response:
            assert response.read() == (workspace.output / "berita-terkini.rss").read_bytes()
        assert database_problems(workspace.database) == []
        assert service.poll() is None  # the service kept running
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
    assert service.returncode == 0
    assert output_problems(workspace.output) == []
    assert database_problems(workspace.database) == []


def test_the_parsing_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    """A run big enough to start its worker processes, killed with SIGKILL while one source
    is still answering: the workers must not be left behind (they would wait forever)."""
    workspace = Workspace(tmp_path)
    now = datetime.now(UTC)
    server = FixtureServer().start()
    try:
        sources = []
        for number in range(10):
            slow = number == 9
            server.routes[f"/feed{number}.xml"] = Route(
                body=rss_feed(number, 10_000, now), delay=4.0 if slow else 0.0
            )
            sources.append({"id": f"sumber{number}", "name": f"Sumber {number}",
                            "url": server.url(f"/feed{number}.xml")})  # fmt: skip
        workspace.write_config(sources, fetch={"read_timeout": "10s", "total_timeout": "10s"})
        run = subprocess.Popen(
            [sys.executable, "-m", "feeds", "run", "--sources", str(workspace.config)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        workers: list[str] = []
        for _ in range(60):  # bounded: 3 s for the nine fast feeds to start the pool
            workers = children(run.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the run started no worker processes"
        run.kill()
        run.wait(timeout=10)
        for _ in range(100):  # bounded: 5 s
            if not [pid for pid in workers if alive(pid)]:
                break
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)], "workers outlived the run"
    finally:
        server.stop()


def children(pid: int) -> list[str]:
    try:
        return (Path(f"/proc/{pid}/task/{pid}/children").read_text()).split()
    except OSError:
        return []


def alive(pid: str) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status
