"""CPU per request of the async HTTP clients we could fetch with: httpx and aiohttp.

Run from the project root: .venv/bin/python bench/bench_clients.py [--sources 250]
The bench corpus (bench/corpus.py, ~200 KB feeds) is served by nginx (or the Python stand-in)
on loopback addresses. Each client fetches every feed once in full, then once more with the
ETag it got (every answer a 304), 32 requests at a time over one pooled session, as the
fetcher does; both rounds are repeated and the minimum is printed. Each client runs in its
own process, so neither pays for the other's imports or warm caches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
from server import Server, free_port  # noqa: E402

CONCURRENCY = 32


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_client(name: str, urls: list[str]) -> dict[str, float]:
    """Full fetches then 304s: wall and CPU seconds of each round."""
    slots = asyncio.Semaphore(CONCURRENCY)
    if name == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        client = httpx.AsyncClient(limits=limits)

        async def get(url: str, etag: str | None) -> tuple[str | None, int]:
            async with slots, client.stream("GET", url, headers=conditional(etag)) as response:
                body = b"".join([chunk async for chunk in response.aiter_bytes()])
                return response.headers.get("etag"), len(body)

        close = client.aclose
    else:
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))

        async def get(url: str, etag: str | None) -> tuple[str | None, int]:
            async with slots, session.get(url, headers=conditional(etag)) as response:
                body = await response.read()
                return response.headers.get("etag"), len(body)

        close = session.close

    figures: dict[str, float] = {}
    etags: list[str | None] = [None] * len(urls)
    for round_name in ("full", "304"):
        started, cpu = time.perf_counter(), cpu_seconds()
        answers = await asyncio.gather(
            *(get(url, etags[index] if round_name == "304" else None)
              for index, url in enumerate(urls))
        )  # fmt: skip
        figures[f"{round_name} wall"] = time.perf_counter() - started
        figures[f"{round_name} cpu"] = cpu_seconds() - cpu
        if round_name == "full":
            assert all(size > 1000 for _, size in answers), "expected whole feeds"
            etags = [etag for etag, _ in answers]
        else:
            assert all(size == 0 for _, size in answers), "expected only 304s"
    await close()
    return figures


def conditional(etag: str | None) -> dict[str, str]:
    return {"If-None-Match": etag} if etag else {}


def measure(name: str, urls_file: Path, repeat: int) -> dict[str, float]:
    """The client's best of `repeat` rounds, in a fresh process."""
    code = (
        "import asyncio, json, sys; sys.path.insert(0, sys.argv[1]);"
        "from bench_clients import one_client;"
        "urls = json.load(open(sys.argv[3]));"
        "print(json.dumps(asyncio.run(one_client(sys.argv[2], urls))))"
    )
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", code, str(ROOT), name, str(urls_file)],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{name} failed:\n{done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout))
    return {key: min(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feeds-clients-") as work:
        folder, port = Path(work), free_port()
        folder.chmod(0o755)  # nginx's workers run as another user
        corpus.generate(folder, args.sources, port=port)
        urls_file = folder / "urls.json"
        urls = json.loads(urls_file.read_text())
        hosts = sorted({url.split("//")[1].split(":")[0] for url in urls})
        with Server(folder / "site", port, hosts) as server:
            print(f"{len(urls)} feeds on {len(hosts)} loopback hosts, server: {server.kind}")
            results = {name: measure(name, urls_file, args.repeat) for name in ("httpx", "aiohttp")}
    print(f"{'client':10} {'full: wall':>11} {'CPU':>7} {'CPU/req':>8}   "
          f"{'304: wall':>10} {'CPU':>7} {'CPU/req':>8}")  # fmt: skip
    for name, figures in results.items():
        print(
            f"{name:10} {figures['full wall']:10.3f}s {figures['full cpu']:6.3f}s "
            f"{figures['full cpu'] / len(urls) * 1000:6.2f}ms   "
            f"{figures['304 wall']:9.3f}s {figures['304 cpu']:6.3f}s "
            f"{figures['304 cpu'] / len(urls) * 1000:6.2f}ms"
        )
    httpx, aiohttp = results["httpx"], results["aiohttp"]
    print(
        f"aiohttp uses {httpx['full cpu'] / aiohttp['full cpu']:.1f}x less CPU for full "
        f"fetches and {httpx['304 cpu'] / aiohttp['304 cpu']:.1f}x less for 304s"
    )


if __name__ == "__main__":
    main()
