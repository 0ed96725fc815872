"""A misbehaving HTTP server on 127.0.0.1 for reliability tests: one route per fault.

Unlike tests/server.py (well-behaved fixture bytes), handlers here write raw bytes to the
socket so they can hang, trickle, reset mid-body or lie about their encoding. Every handler is
bounded by HANDLER_CAP seconds and by `stop()`, threads are daemons, and `stop()` returns at
once, so a fault can never hold the test session hostage.
"""

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANDLER_CAP = 8.0  # seconds: longer than any client timeout in the tests, shorter than ~10 s


@cache
def gzip_bomb() -> bytes:
    """About 1 MB of gzip on the wire that inflates to 1100 MiB of zeros.

    One MiB of zeros is deflated once, ending with a full flush so the block stands alone; that
    block repeated 1100 times is a valid deflate stream. Wrapped in a gzip header and trailer
    (CRC and size computed a MiB at a time), it takes well under a second and a few MB."""
    zero = bytes(1024 * 1024)
    copies = 1100
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate
    block = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(copies):
        crc = zlib.crc32(zero, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (copies * len(zero)) & 0xFFFFFFFF)
    return header + block * copies + final + trailer


@cache
def brotli_bomb() -> bytes:
    """About 50 KB of brotli that decodes to 256 MiB of zeros (brotli compresses them in
    ~0.1 s; no hand-made stream needed)."""
    import brotli

    return brotli.compress(bytes(256 * 1024 * 1024), quality=1)


@dataclass
class Fault:
    """How a route misbehaves: a handler given the request handler and the stop event."""

    handle: Callable[["FaultHandler", threading.Event], None]


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner.requests.append(self.path)
        fault = self.server.owner.routes.get(self.path)
        if fault is None:
            self.answer(404, b"not found", "text/plain")
            return
        fault.handle(self, self.server.owner.stopping)

    def answer(
        self,
        status: int,
        body: bytes,
        content_type: str | None = "application/rss+xml; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a hanging handler
    owner: "FaultServer"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on a misbehaving server is the point of these tests


class FaultServer:
    """Routes map a path to a Fault; `requests` records every path asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, Fault] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), FaultHandler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "FaultServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake every sleeping handler, stop accepting, close: returns within ~0.5 s."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


# Fault behaviours -------------------------------------------------------------------------


def static(
    body: bytes,
    content_type: str | None = "application/rss+xml; charset=utf-8",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Fault:
    """A complete answer whose bytes (or status) are the fault."""
    return Fault(lambda h, _stop: h.answer(status, body, content_type, headers))


def hang() -> Fault:
    """Reads the request and never answers (until HANDLER_CAP or stop())."""

    def handle(handler: FaultHandler, stop: threading.Event) -> None:
        stop.wait(HANDLER_CAP)
        handler.close_connection = True

    return Fault(handle)


def trickle(body: bytes, every: float = 1.0) -> Fault:
    """Headers at once, then one byte per `every` seconds: never silent long enough for a
    read timeout, so only the total timeout can stop it."""

    def handle(handler: FaultHandler, stop: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        deadline = time.monotonic() + HANDLER_CAP
        for byte in body:
            if stop.wait(every) or time.monotonic() > deadline:
                break
            try:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            except OSError:
                break
        handler.close_connection = True

    return Fault(handle)


def reset_mid_body(body: bytes, sent: int) -> Fault:
    """Promises len(body) bytes, sends `sent`, then resets the connection (RST, SO_LINGER 0)."""

    def handle(handler: FaultHandler, _stop: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[:sent])
        handler.wfile.flush()
        time.sleep(0.2)  # let the client start reading the body
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True

    return Fault(handle)


def redirect(location: str, status: int = 302) -> Fault:
    return static(b"", None, status, {"Location": location})


def gzip_body(
    body: bytes, content_type: str = "application/rss+xml; charset=utf-8", encoding: str = "gzip"
) -> Fault:
    """`body` is already compressed (gzip unless told): sent with its Content-Encoding and its
    on-the-wire length."""
    return static(body, content_type, 200, {"Content-Encoding": encoding})
