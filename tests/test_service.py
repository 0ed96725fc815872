"""`feeds serve`: scheduling with a controllable clock (nothing sleeps for real minutes),
backoff and recovery, hints, reloads, debounced publishing, and a real process stopped with
SIGTERM in the middle of a fetch."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger
from lxml import etree

from feeds.config import load_settings
from feeds.serve.scheduler import Service
from tests.conftest import FEED_FIXTURES, REPO, Workspace, feed_problems, serve_fixture
from tests.server import Route

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # far from the fixtures' dates: no rhythm yet


class Clock:
    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def service_for(workspace: Workspace, clock: Clock) -> Service:
    settings = load_settings(workspace.config, database_url=f"sqlite:///{workspace.database}",
                             output_dir=workspace.output)  # fmt: skip
    return Service(settings, clock=clock)


def delay_of(service: Service, source_id: str, clock: Clock) -> float:
    job = service.scheduler.get_job(f"poll:{source_id}")
    return (job.next_run_time - clock.now).total_seconds()


def source(source_id: str, url: str, **extra) -> dict:
    return {"id": source_id, "name": source_id, "url": url, **extra}


def test_jobs_intervals_backoff_recovery_and_retry_after(server, workspace) -> None:
    serve_fixture(server, "rss20.xml", "/ok.xml")
    server.routes["/flaky.xml"] = Route(b"oops", status=500)
    server.routes["/busy.xml"] = Route(b"busy", status=503, headers={"Retry-After": "7200"})
    workspace.write_config([
        source("ok", server.url("/ok.xml")),
        source("flaky", server.url("/flaky.xml")),
        source("busy", server.url("/busy.xml")),
        source("pagi", server.url("/ok.xml"), interval="0 6 * * *"),
    ])  # fmt: skip
    clock = Clock()

    async def scenario() -> None:
        service = service_for(workspace, clock)
        await service.start(paused=True)
        try:
            for source_id in ("ok", "flaky", "busy"):
                assert 0 <= delay_of(service, source_id, clock) <= 30  # first polls spread
            job = service.scheduler.get_job("poll:pagi")
            assert isinstance(job.trigger, CronTrigger) and job.max_instances == 1
            assert job.coalesce and job.misfire_grace_time == 300

            await service.poll("ok")
            assert 15 * 60 * 0.9 <= delay_of(service, "ok", clock) <= 15 * 60 * 1.1

            bounds = []
            for _ in range(4):
                await service.poll("flaky")
                bounds.append(delay_of(service, "flaky", clock))
            for failures, delay in enumerate(bounds, start=1):
                full = 15 * 60 * 2 ** (failures - 1)
                assert full / 2 <= delay <= full, (failures, delay)
            assert service.state.sources["flaky"].consecutive_failures == 4

            server.routes["/flaky.xml"] = Route((FEED_FIXTURES / "rss20.xml").read_bytes())
            await service.poll("flaky")  # recovered: back to the normal rhythm
            assert 15 * 60 * 0.9 <= delay_of(service, "flaky", clock) <= 15 * 60 * 1.1
            assert service.state.sources["flaky"].consecutive_failures == 0

            await service.poll("busy")
            assert delay_of(service, "busy", clock) >= 7200
        finally:
            await service.stop()

    asyncio.run(scenario())


def test_adaptive_interval_follows_the_sources_rhythm_and_cache_hints(server, workspace) -> None:
    items = "".join(
        f"<item><title>Berita {n}</title><link>https://x.example/{n}</link>"
        f"<pubDate>{(NOW - timedelta(minutes=40 * n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        "</pubDate></item>"
        for n in range(6)
    )
    body = f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode()
    server.routes["/ritme.xml"] = Route(body)
    server.routes["/lambat.xml"] = Route(body, headers={"Cache-Control": "max-age=5400"})
    workspace.write_config([source("ritme", server.url("/ritme.xml")),
                            source("lambat", server.url("/lambat.xml"))])  # fmt: skip
    clock = Clock()

    async def scenario() -> None:
        service = service_for(workspace, clock)
        await service.start(paused=True)
        try:
            await service.poll("ritme")
            assert 40 * 60 * 0.9 <= delay_of(service, "ritme", clock) <= 40 * 60 * 1.1
            await service.poll("lambat")  # same rhythm, but the server asks for 90 minutes
            assert delay_of(service, "lambat", clock) >= 5400
        finally:
            await service.stop()

    asyncio.run(scenario())


def test_publish_is_debounced_and_follows_changes(server, workspace) -> None:
    serve_fixture(server, "rss20.xml", "/ok.xml")
    workspace.write_config([source("ok", server.url("/ok.xml"))],
                           serve={"publish_debounce": "5s"})  # fmt: skip
    clock = Clock()

    async def scenario() -> None:
        service = service_for(workspace, clock)
        await service.start(paused=True)
        try:
            first = service.scheduler.get_job("publish")
            assert first is not None  # the start publishes once
            service.request_publish()
            service.request_publish()
            assert [j.id for j in service.scheduler.get_jobs()].count("publish") == 1
            assert (first.next_run_time - clock.now).total_seconds() == 5
            await service.poll("ok")
            written = await service.publish()
            assert "berita-terkini.rss" in written
            assert await service.publish() == []  # nothing changed: nothing rewritten
            assert service.state.last_publish_at == clock.now
        finally:
            await service.stop()

    asyncio.run(scenario())


def test_reload_applies_changes_and_refuses_an_invalid_file(server, workspace) -> None:
    serve_fixture(server, "rss20.xml", "/a.xml")
    serve_fixture(server, "atom10.xml", "/b.xml")
    workspace.write_config([source("a", server.url("/a.xml"))])
    clock = Clock()

    async def scenario() -> None:
        service = service_for(workspace, clock)
        await service.start(paused=True)
        try:
            workspace.write_config([source("b", server.url("/b.xml"))])
            assert service.reload() is True
            assert service.scheduler.get_job("poll:a") is None
            assert service.scheduler.get_job("poll:b") is not None
            assert set(service.state.sources) == {"b"}

            workspace.config.write_text(workspace.config.read_text().replace("sources:", "sourcs:"))
            assert service.reload() is False
            assert "did you mean 'sources'" in service.state.config_error
            assert service.scheduler.get_job("poll:b") is not None  # still running the old one
            assert service.state.status_json(clock.now)["config_error"]

            workspace.write_config([source("b", server.url("/b.xml"))])
            await service.check_reload()  # noticed by the file watcher, no signal needed
            assert service.state.config_error is None
        finally:
            await service.stop()

    asyncio.run(scenario())


def test_a_source_failing_for_long_is_flagged(server, workspace) -> None:
    server.routes["/down.xml"] = Route(b"x", status=502)
    workspace.write_config([source("down", server.url("/down.xml"))],
                           defaults={"failing_after": "1h"})  # fmt: skip
    clock = Clock()

    async def scenario() -> None:
        service = service_for(workspace, clock)
        await service.start(paused=True)
        try:
            await service.poll("down")
            assert not service.state.sources["down"].flagged
            clock.now += timedelta(hours=2)
            await service.poll("down")
            health = service.state.sources["down"]
            assert health.flagged and health.consecutive_failures == 2
            assert service.scheduler.get_job("poll:down") is not None  # never dropped
        finally:
            await service.stop()

    asyncio.run(scenario())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_process_answers_then_stops_cleanly_on_sigterm_mid_fetch(server, workspace):
    serve_fixture(server, "rss20.xml", "/fast.xml")
    workspace.write_config([source("fast", server.url("/fast.xml"))],
                           serve={"publish_debounce": "0s", "shutdown_grace": "10s"})  # fmt: skip
    port = free_port()
    command = [sys.executable, "-m", "feeds", "serve", "--sources", str(workspace.config),
               "--db", f"sqlite:///{workspace.database}", "--output", str(workspace.output),
               "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (workspace.output / "berita-terkini.rss").exists():
                status, _ = get(f"{base}/healthz")
                if status == 200:
                    break
            time.sleep(0.2)
        assert get(f"{base}/healthz")[0] == 200
        status = json.loads(get(f"{base}/status")[1])
        assert "fast" in json.dumps(status)
        assert get(f"{base}/berita-terkini.rss")[0] == 200

        # A slow source is being fetched when SIGTERM arrives: the fetch finishes, the
        # process exits 0, and no published file is ever half-written.
        server.routes["/slow.xml"] = Route((FEED_FIXTURES / "atom10.xml").read_bytes(), delay=2)
        slow = f"sources:\n- id: slow\n  name: slow\n  url: {server.url('/slow.xml')}"
        text = workspace.config.read_text().replace("sources:", slow)
        workspace.config.write_text(text)
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while not server.hits("/slow.xml") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.hits("/slow.xml"), "the reloaded source was polled"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    for name in ("berita-terkini.rss", "berita-terkini.atom"):
        etree.fromstring((workspace.output / name).read_bytes())  # complete, well-formed
    assert not list(workspace.output.glob(".*.tmp"))
    stderr = process.stderr.read().decode()
    assert "stopping" in stderr
    assert Path(workspace.database).exists()


def test_a_publish_that_changes_feeds_pings_the_websub_hub(server, workspace) -> None:
    from tests.test_websub import Hub

    hub = Hub().start()
    try:
        serve_fixture(server, "rss20.xml", "/ok.xml")
        workspace.write_config([source("ok", server.url("/ok.xml"))],
                               stream={"websub_hub": hub.url})  # fmt: skip
        clock = Clock(datetime.now(UTC).replace(microsecond=0))  # real dates: W3C-checked

        async def scenario() -> None:
            service = service_for(workspace, clock)
            await service.start(paused=True)
            try:
                await service.poll("ok")
                await service.publish()
                topics = sorted(url for ping in hub.pings for url in ping.form["hub.url"])
                assert "https://berita.example.id/feeds/berita-terkini.rss" in topics
                assert "https://berita.example.id/feeds/berita-terkini.atom" in topics
                assert all(ping.form["hub.mode"] == ["publish"] for ping in hub.pings)
                count = len(hub.pings)
                await service.publish()  # nothing changed: no ping
                assert len(hub.pings) == count
            finally:
                await service.stop()

        asyncio.run(scenario())
    finally:
        hub.stop()
    rss = etree.fromstring((workspace.output / "berita-terkini.rss").read_bytes())
    hubs = rss.findall(".//{http://www.w3.org/2005/Atom}link[@rel='hub']")
    assert [link.get("href") for link in hubs] == [hub.url]
    assert feed_problems(workspace.output) == []
