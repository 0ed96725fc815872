"""What storing a cold run's articles costs, against the floor, in one run.

    .venv/bin/python bench/bench_store.py [--sources 250] [--repeat 3]

A cold `feeds run` stores every article it reads: de-duplication, "updated" detection, later
outputs, keyword filters, retention and `feeds status` all read the store. This replays a cold
run's saves alone: every feed of the bench corpus (bench/corpus.py) is digested first, untimed,
then saved into a new SQLite file as `feeds run` saves it (Store.save_fetch, one transaction a
source), in a process of its own; the time ends once the file is closed, so SQLite's last
checkpoint counts. The replay runs twice more with `synchronous=OFF`, never shipped (a power
cut could then corrupt the file), to show how much of the time is the disk flush. The floor
(bench/floor.py: fetch every feed and read each item's title, link and date with lxml) runs
against nginx in the same run, so the ratio compares like with like.

Listing-page sources (one in twenty) are crawled, not digested from bytes, and are left out:
the replay stores a little less than a cold run does.
"""

import argparse
import json
import pickle
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import PYTHON, Bench, measure  # noqa: E402
from bench.server import Server  # noqa: E402

FETCHED_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def digest_corpus(bench: Bench) -> list[tuple[str, str, list]]:
    """(source id, url, articles) for every feed of the corpus, digested as a worker would."""
    from feeds.digest import digest_feed

    saved = []
    for index, url in enumerate(bench.read_urls()):
        host, name = url.split("//")[1].split(":")[0], url.rsplit("/", 1)[1]
        body = (bench.folder / "site" / host / name).read_bytes()
        source_id = f"s{index:05d}"
        digest = digest_feed(
            body, url=url, content_type="application/rss+xml", source_id=source_id,
            timezone="Asia/Jakarta", fetched_at=FETCHED_AT, language="id", kind=None,
        )  # fmt: skip
        if digest is not None:
            saved.append((source_id, url, digest.articles))
    return saved


def replay(digests: Path, database: Path, unsafe: bool) -> None:
    """In its own process: save every source into a new file; prints wall and CPU seconds."""
    from sqlalchemy import event

    from feeds.fetch import Validators
    from feeds.store import Store

    sources = pickle.loads(digests.read_bytes())
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    store = Store(f"sqlite:///{database}")
    if unsafe:
        event.listen(store.engine, "connect", lambda connection, _record: connection.execute(
            "PRAGMA synchronous=OFF"))  # fmt: skip
        store.engine.dispose()  # the next connection gets it
    started, cpu = time.perf_counter(), time.process_time()
    for source_id, url, articles in sources:
        store.save_fetch(source_id, url, articles, validators=Validators(), status=200,
                         fetched_at=FETCHED_AT, warnings=[], moved_to=None)  # fmt: skip
    store.engine.dispose()  # closes the file: the last checkpoint
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    articles = sum(len(articles) for _id, _url, articles in sources)
    size = database.stat().st_size
    print(json.dumps({"wall": wall, "cpu": cpu, "articles": articles, "bytes": size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", help="folder for the corpus (default: a temporary one)")
    parser.add_argument("--server", choices=["nginx", "python"], help="default: nginx if found")
    parser.add_argument(
        "--replay", nargs=2, metavar=("DIGESTS", "DATABASE"), help=argparse.SUPPRESS
    )
    parser.add_argument("--unsafe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:
        replay(Path(args.replay[0]), Path(args.replay[1]), args.unsafe)
        return

    work = Path(args.work or tempfile.mkdtemp(prefix="feeds-bench-store-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, args.sources, args.repeat)
    digests = work / "digests.pickle"
    sources = digest_corpus(bench)
    digests.write_bytes(pickle.dumps(sources))
    database = work / "replay.db"

    with Server(bench.folder / "site", bench.port, bench.hosts, kind=args.server or "") as server:
        floor = bench.floor()
        distinct = len({article.id for _id, _url, articles in sources for article in articles})
        print(f"{args.sources} sources, {distinct} articles stored ({len(sources)} feeds); "
              f"server: {server.kind}\n")  # fmt: skip
    print(f"{'':<34} {'median':>8} {'(min-max)':<13} {'CPU':>7}  ratio")
    walls = [sample.wall for sample in floor.samples]
    print(f"{'floor (fetch + lxml)':<34} {floor.wall:7.2f}s ({min(walls):.2f}-{max(walls):.2f})"
          "           1.00x floor")  # fmt: skip
    for label, unsafe in (("store every article (as shipped)", False),
                          ("the same, synchronous=OFF", True)):  # fmt: skip
        runs = []
        for _ in range(args.repeat):
            command = [PYTHON, str(Path(__file__)), "--replay", str(digests), str(database)]
            _sample, stdout = measure(command + (["--unsafe"] if unsafe else []))
            runs.append(json.loads(stdout.strip().splitlines()[-1]))
        walls = [run["wall"] for run in runs]
        wall, cpu = statistics.median(walls), statistics.median(run["cpu"] for run in runs)
        print(
            f"{label:<34} {wall:7.2f}s ({min(walls):.2f}-{max(walls):.2f})  {cpu:6.2f}s"
            f"  {wall / floor.wall:.2f}x floor   ({runs[0]['bytes'] / 1e6:.0f} MB file)"
        )


if __name__ == "__main__":
    main()
