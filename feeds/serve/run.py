"""One process: the scheduler and the HTTP server on one asyncio loop, stopped by signals."""

import asyncio
import contextlib
import logging
import signal

import uvicorn

from feeds.config import Settings
from feeds.logs import log
from feeds.serve.scheduler import Service


class HttpServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the service decides when to stop."""

    def capture_signals(self):  # type: ignore[no-untyped-def, override]
        return contextlib.nullcontext()


def run_service(settings: Settings, *, host: str, port: int) -> None:
    """Serve until stopped, on uvloop when it is installed: with it (and httptools, which
    uvicorn picks by itself) a conditional GET costs about a third of the CPU."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve_forever(settings, host=host, port=port))
    else:
        uvloop.run(serve_forever(settings, host=host, port=port))


async def serve_forever(settings: Settings, *, host: str, port: int) -> None:
    from feeds.serve.http import build_app

    service = Service(settings)
    await service.start()
    interval = settings.config.defaults.interval.every
    max_age = int(interval.total_seconds()) if interval else 900
    app = build_app(settings.output_dir, service.state, max_age_seconds=max_age)
    # No proxy-header rewriting (nothing here uses the client's address, and it cost an
    # eighth of every 304) and no Server header; Date stays, as RFC 9110 wants.
    server = HttpServer(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                       access_log=False, lifespan="off", proxy_headers=False,
                                       server_header=False))  # fmt: skip
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    loop.add_signal_handler(signal.SIGHUP, service.reload)

    http = asyncio.create_task(server.serve())
    log(logging.INFO, None, f"serving {settings.output_dir} on http://{host}:{port}/")
    stopper = asyncio.create_task(stopping.wait())
    await asyncio.wait({http, stopper}, return_when=asyncio.FIRST_COMPLETED)
    log(logging.INFO, None, "stopping: no new fetches; finishing the ones under way")
    server.should_exit = True
    await service.stop()
    await http
    stopper.cancel()
    if http.done() and http.exception():
        raise http.exception()  # e.g. the port was taken
