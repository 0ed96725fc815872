"""WebSub publisher pings against a real hub on 127.0.0.1: one form POST per changed feed, and
a hub that fails, stalls or is not there becomes a reported problem, never an exception (a
broken hub must not break publishing)."""

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

import aiohttp
import pytest

from feeds.config import Config, Settings
from feeds.publish import PublishReport
from feeds.publish.websub import feed_urls_changed, ping_hub
from tests.conftest import closed_port_url
from tests.server import QuietServer

TOPICS = [
    "https://berita.example.id/feeds/berita-terkini.rss",
    "https://berita.example.id/feeds/berita-terkini.atom",
]


@dataclass
class Ping:
    path: str
    content_type: str
    user_agent: str
    form: dict[str, list[str]]


@dataclass
class Hub:
    """A minimal hub: records every POST's form body and answers `status` after `delay`."""

    status: int = 204
    delay: float = 0.0
    pings: list[Ping] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = QuietServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval: shutdown() waits for it, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hub"

    def start(self) -> "Hub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("ascii")
                hub.pings.append(
                    Ping(
                        self.path,
                        self.headers.get("Content-Type", ""),
                        self.headers.get("User-Agent", ""),
                        parse_qs(body, keep_blank_values=True),
                    )
                )
                time.sleep(min(hub.delay, 5))
                answer = b"" if hub.status < 300 else b"hub is broken"
                self.send_response(hub.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        return Handler


@pytest.fixture
def hub() -> Iterator[Hub]:
    running = Hub().start()
    yield running
    running.stop()


def ping(hub_url: str, topics: list[str], **options: object) -> list[str]:
    return asyncio.run(ping_hub(hub_url, topics, **options))  # type: ignore[arg-type]


def test_each_topic_gets_its_own_publish_ping(hub: Hub) -> None:
    """One request per topic: not every hub accepts several hub.url values in one request."""
    assert ping(hub.url, TOPICS) == []
    assert len(hub.pings) == 2
    assert sorted(p.form["hub.url"][0] for p in hub.pings) == sorted(TOPICS)
    for received in hub.pings:
        assert received.path == "/hub"
        assert received.form["hub.mode"] == ["publish"]
        assert len(received.form["hub.url"]) == 1
        assert received.content_type.startswith("application/x-www-form-urlencoded")
        assert received.user_agent.startswith("feeds/")


def test_nothing_to_ping_sends_nothing_and_a_topic_is_pinged_once(hub: Hub) -> None:
    assert ping(hub.url, []) == []
    assert hub.pings == []
    assert ping(hub.url, [TOPICS[0], TOPICS[0]]) == []
    assert [p.form["hub.url"] for p in hub.pings] == [[TOPICS[0]]]


def test_an_accepted_ping_is_not_a_problem(hub: Hub) -> None:
    """Hubs answer 202 Accepted or 204 No Content; any 2xx is a success."""
    hub.status = 202
    assert ping(hub.url, TOPICS[:1]) == []


def test_a_failing_hub_gives_one_problem_per_topic(hub: Hub) -> None:
    hub.status = 500
    problems = ping(hub.url, TOPICS)
    assert len(problems) == 2
    for topic, problem in zip(TOPICS, problems, strict=True):
        assert topic in problem
        assert "HTTP 500" in problem
        assert "hub is broken" in problem


def test_an_unreachable_hub_is_a_problem_not_an_exception() -> None:
    problems = ping(closed_port_url(), TOPICS)
    assert len(problems) == 2
    assert all("cannot reach hub" in problem for problem in problems)


def test_a_stalled_hub_times_out(hub: Hub) -> None:
    hub.delay = 2.0
    started = time.monotonic()
    problems = ping(hub.url, TOPICS, timeout=0.3)
    assert time.monotonic() - started < 1.5  # the pings run together, each bounded
    assert len(problems) == 2
    assert all("did not answer within 0.3 s" in problem for problem in problems)


def test_a_given_client_is_used_and_left_open(hub: Hub) -> None:
    async def run() -> tuple[list[str], bool]:
        async with aiohttp.ClientSession(headers={"User-Agent": "shared-client"}) as client:
            problems = await ping_hub(hub.url, TOPICS[:1], client=client)
            return problems, client.closed

    problems, closed = asyncio.run(run())
    assert (problems, closed) == ([], False)
    assert hub.pings[0].user_agent == "shared-client"


def test_only_feed_files_actually_written_become_topics() -> None:
    """An unchanged file must not be pinged, nor anything that is not a feed."""
    config = Config.model_validate(
        {
            "stream": {
                "link": "https://berita.example.id/",
                "feed_base_url": "https://berita.example.id/feeds/",
            }
        }
    )
    settings = Settings(config, Path("sources.yaml"), "sqlite://", Path("output"))
    reports = [
        PublishReport(
            "berita-terkini",
            36,
            written=["berita-terkini.rss", "berita-terkini.json", "index.html", "feeds.opml"],
            unchanged=["berita-terkini.atom"],
        ),
        PublishReport("sulsel", 19, written=["sulsel.atom"], unchanged=["sulsel.rss"]),
    ]
    assert feed_urls_changed(reports, settings) == [
        "https://berita.example.id/feeds/berita-terkini.rss",
        "https://berita.example.id/feeds/berita-terkini.json",
        "https://berita.example.id/feeds/sulsel.atom",
    ]
