"""The performance benchmark: feeds against the naive pipeline and the floor, in one run.

    python bench/run.py                      # 250 sources, 3 repeats, every scenario
    python bench/run.py --growth 250,1000,5000
    python bench/run.py --sources 20 --repeat 1 --skip serve,growth   # a smoke run (CI)

Every figure comes from whole processes (start-up included), timed here, on a corpus made by
bench/corpus.py and served by nginx on loopback (bench/server.py). Each scenario runs
--repeat times and prints the median with min-max. The references run in the same process
tree, on the same machine state, so the ratios mean something even when absolute times do not.

Correctness is part of the figure: after every feeds run, the newest 500 items of the
published Berita Terkini RSS must be exactly the corpus truth's newest 500 links, in order.

See docs/performance.md for the figures, the machine and the profile.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from bench.server import Server, free_port  # noqa: E402

PYTHON = sys.executable
FEEDS = str(Path(sys.executable).with_name("feeds"))  # the installed command, as users run it
NEWEST = 500


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_rss_mb: float


@dataclass
class Scenario:
    name: str
    items: int = 0
    samples: list[Sample] = field(default_factory=list)
    correct: list[float] = field(default_factory=list)  # share of the newest-500 right

    @property
    def wall(self) -> float:
        return statistics.median(sample.wall for sample in self.samples)

    def line(self, references: dict[str, float]) -> str:
        walls = [sample.wall for sample in self.samples]
        cpu = statistics.median(sample.cpu for sample in self.samples)
        rss = max(sample.peak_rss_mb for sample in self.samples)
        ratios = "  ".join(
            f"{self.wall / wall:6.2f}x {name}" for name, wall in references.items() if wall
        )
        rate = f"{self.items / self.wall:9.0f}" if self.items else " " * 9
        right = f"{min(self.correct):6.1%}" if self.correct else "     -"
        return (
            f"{self.name:<22} {self.wall:7.2f}s ({min(walls):.2f}-{max(walls):.2f})"
            f" {cpu:7.2f}s {rss:7.0f} MB {rate} {right}  {ratios}"
        )


# Reading a process's smaps_rollup costs ~2 ms of CPU (150 MB); every 20 ms over three
# processes that took a quarter of a core from the run being measured (0.3-1 s of a cold
# run). Memory here rises and levels off over seconds, so 0.1 s still sees the peak.
PSS_EVERY = 0.1


def measure(command: list[str]) -> tuple[Sample, str]:
    """Run a command; wall time, CPU time of it and its children, peak memory of the process
    tree (PSS, sampled every PSS_EVERY seconds, summed over the processes)."""
    children_cpu()  # forget the CPU of anything reaped before (a server, wrk)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    peak = [0]
    done = threading.Event()

    def sample_rss() -> None:
        while not done.wait(PSS_EVERY):
            peak[0] = max(peak[0], tree_pss_kb(process.pid))

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return Sample(wall, children_cpu(), peak[0] / 1024), stdout.decode()


_cpu_seen = [0.0]


def children_cpu() -> float:
    """CPU seconds of the children reaped since the last call (the pool's workers included)."""
    usage = os.times()
    total = usage.children_user + usage.children_system
    spent, _cpu_seen[0] = total - _cpu_seen[0], total
    return spent


def tree_pss_kb(pid: int) -> int:
    """Proportional set size (Pss) summed over the process and its descendants: forked pool
    workers share most pages with their parent, and plain RSS would count those twice."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (OSError, AttributeError):
            continue
    return total


def published_links(rss: Path, limit: int = NEWEST) -> list[str]:
    tree = etree.parse(str(rss))
    return [link.text for link in tree.findall("./channel/item/link")][:limit]


def truth_links(folder: Path, limit: int = NEWEST) -> list[str]:
    return [link for link, _ in json.loads((folder / "truth.json").read_text())[:limit]]


def share_right(got: list[str], expected: list[str]) -> float:
    """Positions where the published list has the true article (ids and order both count)."""
    return sum(a == b for a, b in zip(got, expected, strict=False)) / len(expected)


class Bench:
    def __init__(self, work: Path, sources: int, repeat: int):
        self.work, self.sources, self.repeat = work, sources, repeat
        self.folder = work / f"corpus-{sources}"
        self.port = free_port()
        started = time.perf_counter()
        corpus.generate(self.folder, sources, port=self.port)
        self.generated_in = time.perf_counter() - started
        self.urls = self.folder / "urls.json"
        self.hosts = sorted({url.split("//")[1].split(":")[0] for url in self.read_urls()})
        self.items = sources * corpus.ITEMS
        self.bytes = sum(path.stat().st_size for path in (self.folder / "site").rglob("*.xml"))
        self.config = corpus.sources_yaml(
            self.folder, self.folder / "state.db", self.folder / "output"
        )

    def read_urls(self) -> list[str]:
        return json.loads(self.urls.read_text())

    def reset_state(self) -> None:
        for path in self.folder.glob("state.db*"):
            path.unlink()
        shutil.rmtree(self.folder / "output", ignore_errors=True)

    def feeds_run(self, scenario: Scenario, *, check: bool = True) -> None:
        sample, _ = measure([FEEDS, "run", "--sources", str(self.config)])
        scenario.samples.append(sample)
        if check:
            got = published_links(self.folder / "output" / "berita-terkini.rss")
            scenario.correct.append(share_right(got, truth_links(self.folder)))

    def server_alone(self) -> Scenario:
        """Every feed fetched with the floor's client, nothing parsed: what the server costs."""
        scenario = Scenario("server alone (fetch)", self.items)
        code = (
            "import json,sys; sys.path.insert(0,'bench'); from floor import fetch;"
            "from concurrent.futures import ThreadPoolExecutor as P;"
            f"urls=json.load(open({str(self.urls)!r}));"
            "print(sum(len(b) for b in P(16).map(fetch, urls)))"
        )
        for _ in range(self.repeat):
            scenario.samples.append(measure([PYTHON, "-c", code])[0])
        return scenario

    def floor(self) -> Scenario:
        scenario = Scenario("floor (fetch + lxml)", self.items)
        for _ in range(self.repeat):
            scenario.samples.append(measure([PYTHON, "bench/floor.py", str(self.urls)])[0])
        return scenario

    def naive(self) -> Scenario:
        scenario = Scenario("naive feedparser+feedgen", self.items)
        output = self.folder / "naive"
        for _ in range(self.repeat):
            sample, stdout = measure(
                [PYTHON, "bench/baseline_naive.py", str(self.urls), str(output)]
            )
            scenario.samples.append(sample)
            got = [link.split("?")[0] for link in json.loads(stdout)]
            scenario.correct.append(share_right(got, truth_links(self.folder)))
        return scenario

    def cold(self) -> Scenario:
        scenario = Scenario("feeds cold", self.items)
        for _ in range(self.repeat):
            self.reset_state()
            self.feeds_run(scenario)
        return scenario

    def no_change(self) -> Scenario:
        """Every source answers 304 (the state of the last cold run is kept)."""
        scenario = Scenario("feeds no-change")
        for _ in range(self.repeat):
            self.feeds_run(scenario)
        return scenario

    def changed(self, fraction: float = 0.1) -> Scenario:
        scenario = Scenario(f"feeds {fraction:.0%} changed")
        for _ in range(self.repeat):
            corpus.change(self.folder, fraction)
            self.feeds_run(scenario)
        return scenario

    def without_304(self) -> Scenario:
        """Every source answers 200 with what it sent last time (a server that never answers
        304, as many news sites' generated feeds): all parsed, nothing new."""
        scenario = Scenario("feeds same, no 304s")
        for _ in range(self.repeat):
            self.feeds_run(scenario)
        return scenario

    def publish_only(self) -> tuple[Scenario, Scenario]:
        """10 outputs x 100 items rendered and written from the stored articles, no fetching;
        then again with nothing changed, which must write nothing."""
        config = self.folder / "publish.yaml"
        text = self.config.read_text().replace(f"  limit: {NEWEST}", "  limit: 100")
        groups = [self.read_urls()[index::9] for index in range(9)]
        outputs = ["outputs:", "  - slug: berita-terkini", "    title: Berita Terkini"]
        for number, group in enumerate(groups):
            ids = ", ".join(f"s{self.read_urls().index(url):05d}" for url in group)
            outputs += [
                f"  - slug: kanal-{number}",
                f"    title: Kanal {number}",
                f"    include: {{sources: [{ids}]}}",
            ]
        text = text.replace("sources:\n", "\n".join(outputs) + "\nsources:\n", 1)
        text = text.replace(f"output: {self.folder / 'output'}", f"output: {self.work / 'pub'}")
        config.write_text(text)
        # The process is set up as `feeds run` sets itself up before its work (feeds/cli.py):
        # settings loaded, store opened, start-up's objects frozen out of the collector.
        code = (
            "import gc,sys,time,json; from feeds.config import load_settings;"
            "from feeds.store import Store; from feeds.publish import publish_all;"
            "from feeds.pipeline import utc_now;"
            f"s=load_settings({str(config)!r}); st=Store(s.database_url); gc.freeze();"
            "t=time.perf_counter();"
            "r=publish_all(s, st, now=utc_now());"
            "print(json.dumps([time.perf_counter()-t, sum(len(o.written) for o in r)]))"
        )
        first, again = Scenario("publish 10x100 (write)"), Scenario("publish 10x100 (same)")
        for _ in range(self.repeat):
            shutil.rmtree(self.work / "pub", ignore_errors=True)
            for scenario in (first, again):
                sample, stdout = measure([PYTHON, "-c", code])
                seconds, written = json.loads(stdout.strip().splitlines()[-1])
                sample.wall = seconds  # publish itself, without the interpreter's start
                scenario.samples.append(sample)
                scenario.correct.append(1.0 if (written > 0) == (scenario is first) else 0.0)
        return first, again

    def serve_vs_nginx(self, seconds: int = 5) -> tuple[float, float] | None:
        """Requests/s of conditional GETs (304) for the published RSS: feeds serve, then
        nginx serving the same file, each with wrk (2 threads, 32 connections) on loopback."""
        wrk = shutil.which("wrk")
        if not wrk or not shutil.which("nginx"):
            print("serve: skipped (needs wrk and nginx)")
            return None
        output = self.folder / "output"
        port = free_port()
        config = self.folder / "serve.yaml"
        config.write_text(
            self.config.read_text().split("sources:\n")[0]
            + f"serve:\n  port: {port}\nsources:\n"
            + "  - id: idle\n    name: Idle\n    url: http://127.0.0.1:9/x.xml\n"
            + "    enabled: false\n"
        )
        server = subprocess.Popen(
            [FEEDS, "serve", "--sources", str(config), "--output", str(output)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        try:
            ours = wrk_rate(wrk, f"http://127.0.0.1:{port}/berita-terkini.rss", seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        nginx_port = free_port()
        with Server(output, nginx_port, ["127.0.0.1"], per_host=False):
            theirs = wrk_rate(wrk, f"http://127.0.0.1:{nginx_port}/berita-terkini.rss", seconds)
        return ours, theirs


def wrk_rate(wrk: str, url: str, seconds: int) -> float:
    etag = None
    for _ in range(100):  # bounded: 10 s for the server to come up
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                etag = response.headers["ETag"]
            break
        except OSError:
            time.sleep(0.1)
    if not etag:
        raise RuntimeError(f"no ETag from {url}")
    result = subprocess.run(
        [wrk, "-t2", "-c32", f"-d{seconds}s", "-H", f"If-None-Match: {etag}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx or 3xx" in result.stdout:
        raise RuntimeError(f"wrk saw errors:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--growth", default="250,1000,5000", help="source counts, or ''")
    parser.add_argument("--skip", default="", help="comma-separated: naive,serve,growth,publish")
    parser.add_argument("--work", help="folder for corpora (default: a temporary one)")
    parser.add_argument("--server", choices=["nginx", "python"], help="default: nginx if found")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    work = Path(args.work or tempfile.mkdtemp(prefix="feeds-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, work folder {work}")
    bench = Bench(work, args.sources, args.repeat)
    print(
        f"corpus: {args.sources} sources x {corpus.ITEMS} items = {bench.items} items, "
        f"{bench.bytes / 1e6:.1f} MB on {len(bench.hosts)} loopback hosts "
        f"(generated in {bench.generated_in:.1f} s)"
    )
    key: dict[str, str] = {}
    with Server(bench.folder / "site", bench.port, bench.hosts, kind=args.server or "") as server:
        print(f"server: {server.kind}\n")
        print(
            f"{'scenario':<22} {'median':>8} {'(min-max)':<11} {'CPU':>7} {'peak RSS':>10}"
            f" {'items/s':>9} {'right':>6}  ratios"
        )
        alone = bench.server_alone()
        floor = bench.floor()
        naive = None if "naive" in skip else bench.naive()
        references = {"floor": floor.wall, "naive": naive.wall if naive else 0.0}
        for scenario in (alone, floor, naive):
            if scenario:
                print(scenario.line(references))
        cold = bench.cold()
        print(cold.line(references))
        no_change = bench.no_change()
        print(no_change.line({"cold": cold.wall}))
        changed = bench.changed()
        print(changed.line({"cold": cold.wall}))
        key["cold/floor"] = f"{cold.wall / floor.wall:.2f}"
        if naive:
            key["naive/cold"] = f"{naive.wall / cold.wall:.1f}"
            key["naive right"] = f"{min(naive.correct):.0%}"
        key["cold right"] = f"{min(cold.correct + changed.correct):.0%}"
        key["no-change/cold"] = f"{no_change.wall / cold.wall:.0%}"
        key["10%/cold"] = f"{changed.wall / cold.wall:.0%}"
    # The same corpus from a server that ignores the validators (same port, so the same
    # sources.yaml), then the scenarios that need no corpus server.
    with Server(bench.folder / "site", bench.port, bench.hosts, kind=args.server or "",
                conditional=False):  # fmt: skip
        without_304 = bench.without_304()
        print(without_304.line({"cold": cold.wall}))
        key["no-304/cold"] = f"{without_304.wall / cold.wall:.0%}"
        every = cold.correct + changed.correct + without_304.correct
        key["cold right"] = f"{min(every):.0%}"  # now over every run
    if "publish" not in skip:
        first, again = bench.publish_only()
        print(first.line({}))
        print(again.line({}))
        key["publish"] = f"{first.wall:.3f}s"
        key["unchanged rewritten"] = "no" if min(again.correct) == 1 else "YES"
    if "serve" not in skip and (rates := bench.serve_vs_nginx()):
        ours, theirs = rates
        print(f"\n304s/s: feeds serve {ours:.0f}, nginx {theirs:.0f} ({ours / theirs:.0%})")
        key["serve/nginx"] = f"{ours / theirs:.0%}"
    if "growth" not in skip and args.growth:
        growth = [int(count) for count in args.growth.split(",")]
        print("\ngrowth (cold runs, 1 each):")
        walls: dict[int, Scenario] = {}
        for count in growth:
            big = bench if count == args.sources else Bench(work, count, 1)
            with Server(big.folder / "site", big.port, big.hosts):
                big.reset_state()
                scenario = Scenario(f"cold {count} sources", big.items)
                big.feeds_run(scenario)
            walls[count] = scenario
            print(scenario.line({}))
        if 1000 in walls:
            key["RSS@1000"] = f"{walls[1000].samples[0].peak_rss_mb:.0f}MB"
        if 1000 in walls and 5000 in walls:
            key["5000/1000"] = f"{walls[5000].wall / walls[1000].wall:.2f}x"
    print("\nKEY " + " ".join(f"{name}={value}" for name, value in key.items()))


if __name__ == "__main__":
    main()
