"""Many small generated RSS feeds on 127.0.0.1, for the multi-worker tests and bench.

Source i serves /feed/i.xml: three articles of its own plus one shared with the other sources
of its group of ten (same link, guid, title and date), so cross-source deduplication is
exercised. Every date is distinct, so the published order is fully determined. The server
counts requests per path and records the most requests it answered at once for one path: two
workers fetching one source together would show as an overlap of 2.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GROUP = 10  # sources sharing one article


def source_id(index: int) -> str:
    return f"src{index:04d}"


class FeedFarm:
    def __init__(self, sources: int, *, delay: float = 0.0, base: datetime | None = None):
        self.sources = sources
        self.delay = delay  # every answer waits this long (models a real server's latency)
        self.slow: dict[str, float] = {}  # path -> seconds, overrides `delay`
        yesterday = datetime.now(UTC) - timedelta(days=1)
        self.base = base or yesterday.replace(second=0, microsecond=0)
        self.hits: Counter[str] = Counter()
        self.started: Counter[str] = Counter()  # requests received (answered or not)
        self.in_flight: Counter[str] = Counter()
        self.max_overlap: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def path(self, index: int) -> str:
        return f"/feed/{index}.xml"

    def source_entries(self) -> list[dict]:
        return [
            {"id": source_id(i), "name": f"Sumber {i}", "kind": "feed",
             "url": self.base_url + self.path(i)}
            for i in range(self.sources)
        ]  # fmt: skip

    def start(self) -> FeedFarm:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def body(self, index: int) -> bytes:
        items = []
        for j in range(3):
            date = self.base - timedelta(minutes=index * 4 + j)
            link = f"https://news.example/s{index}/a{j}"
            items.append((link, f"Berita {index}-{j}", date))
        group = index // GROUP
        shared = self.base - timedelta(minutes=group * GROUP * 4, seconds=30)
        items.append((f"https://news.example/bersama/{group}", f"Bersama {group}", shared))
        xml = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<rss version="2.0"><channel>',
            f"<title>Sumber {index}</title><link>https://news.example/s{index}/</link>",
            "<description>Uji</description>",
        ]
        for link, title, date in items:
            xml.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{format_datetime(date)}</pubDate>"
                f"<description>Isi {title}.</description></item>"
            )
        xml.append("</channel></rss>")
        return "\n".join(xml).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                with farm._lock:
                    farm.started[path] += 1
                    farm.in_flight[path] += 1
                    farm.max_overlap[path] = max(farm.max_overlap[path], farm.in_flight[path])
                try:
                    time.sleep(min(farm.slow.get(path, farm.delay), 10))
                    self._answer(path)
                finally:
                    with farm._lock:
                        farm.in_flight[path] -= 1
                        farm.hits[path] += 1

            def _answer(self, path: str) -> None:
                try:
                    index = int(path.removeprefix("/feed/").removesuffix(".xml"))
                    assert 0 <= index < farm.sources
                except (ValueError, AssertionError):
                    body, status = b"not found", 404
                else:
                    body, status = farm.body(index), 200
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
