"""Reliability: `feeds run` against a server that misbehaves in every way we know of.

Each case runs two sources, the faulty one and a healthy one, through the real CLI against a
real server on 127.0.0.1 and a real SQLite file, and checks what an operator relies on: the run
ends in bounded time with exit 0, the healthy source loses nothing, the faulty source's outcome
and message say what happened, `feeds status` remembers it, every published file is valid, and
nothing from the local disk leaks (XXE). Each case also writes one row of
tests/artifacts/reliability.jsonl, the raw material of docs/reliability.md.
"""

import json
import resource
import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import FEED_FIXTURES, Workspace, feed_problems
from tests.faults import (
    Fault,
    FaultServer,
    brotli_bomb,
    gzip_body,
    gzip_bomb,
    hang,
    redirect,
    reset_mid_body,
    static,
    trickle,
)

ARTIFACTS = Path(__file__).parent / "artifacts"
HEALTHY = (FEED_FIXTURES / "rss20.xml").read_bytes()
HEALTHY_LINKS = [
    item["link"]
    for item in json.loads((FEED_FIXTURES / "rss20.expected.json").read_text(encoding="utf-8"))
]
RUN_BOUND = 15.0  # seconds: every run, whatever the fault (client total timeout is 5 s)
SECRET = "XXE-RAHASIA-7f3c9a1e5b"  # written to a local file the XXE case points at
MEMORY_BOUND_MB = 200  # growth of the process's peak RSS during one run
TRACED_BOUND_MB = 50  # peak Python allocations during a bomb's run (httpx's decoding: 140)

RSS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
    "<title>Sumber Uji</title><link>https://uji.example/</link>"
    "<description>Umpan pengujian</description>"
)


def rss(items: str, head: str = RSS_HEAD) -> str:
    return f"{head}{items}</channel></rss>"


def item(
    title: str | None = "Judul",
    link: str | None = "https://uji.example/a",
    date: str | None = "Wed, 25 Nov 2026 08:00:00 +0700",
    guid: str | None = None,
    description: str | None = "Ringkasan berita.",
) -> str:
    parts = [f"<title>{title}</title>" if title is not None else ""]
    parts.append(f"<link>{link}</link>" if link is not None else "")
    parts.append(f"<guid>{guid}</guid>" if guid is not None else "")
    parts.append(f"<pubDate>{date}</pubDate>" if date is not None else "")
    parts.append(f"<description>{description}</description>" if description is not None else "")
    return f"<item>{''.join(parts)}</item>"


def ten_thousand_items() -> bytes:
    """10,000 distinct items, all older than the healthy source's, so both fit in the stream."""
    items = "".join(
        item(
            title=f"Berita nomor {n}",
            link=f"https://uji.example/berita/{n}",
            date=f"{(n % 28) + 1:02d} Oct 2026 {n % 24:02d}:{n % 60:02d}:00 +0700",
        )
        for n in range(10_000)
    )
    return rss(items).encode()


Check = Callable[[Workspace, dict], None]  # further checks, given the `feeds status` entry


@dataclass
class Case:
    """One fault: how to serve it, and what the operator should see."""

    name: str
    fault: Callable[[FaultServer, Path], Fault]
    failed: bool  # the faulty source's outcome: failed, or ok (perhaps with warnings)
    words: tuple[str, ...]  # must appear in the source's `feeds run` line
    lost: str  # what the faulty source lost, for the reliability report
    fetch: dict[str, str] = field(default_factory=dict)  # fetch: overrides for this case
    status: int | None = None  # the HTTP status `feeds status` must record
    check: Check | None = None
    bound: float = RUN_BOUND
    trace_memory: bool = False  # also measure the peak of Python allocations (tracemalloc)


def titles(workspace: Workspace) -> list[str]:
    root = etree.fromstring((workspace.output / "berita-terkini.rss").read_bytes())
    return [item.findtext("title") or "" for item in root.iter("item")]


def has_titles(*wanted: str) -> Check:
    def check(workspace: Workspace, _entry: dict) -> None:
        published = titles(workspace)
        for title in wanted:
            assert title in published, (title, published)

    return check


def warns(*words: str, more: Check | None = None) -> Check:
    """The words appear in one of the warnings `feeds status` keeps for the source."""

    def check(workspace: Workspace, entry: dict) -> None:
        assert any(all(w in warning for w in words) for warning in entry["warnings"]), entry
        if more:
            more(workspace, entry)

    return check


def articles(count: int, more: Check | None = None) -> Check:
    def check(workspace: Workspace, entry: dict) -> None:
        assert entry["articles"] == count, entry
        if more:
            more(workspace, entry)

    return check


def clean_titles(workspace: Workspace, _entry: dict) -> None:
    """The bad bytes and the C0 control characters are gone; the rest of the title is kept."""
    assert "Juduldengankontrol" in titles(workspace), titles(workspace)


def xxe_feed(_server: FaultServer, tmp: Path) -> Fault:
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        + rss(item(title="Bocor: &xxe;", link="https://uji.example/xxe"), head=RSS_HEAD[39:])
    )
    return static(body.encode())


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
    + rss(item(title="Tawa &lol9;", link="https://uji.example/lol"), head=RSS_HEAD[39:])
)

CP1252_TITLE = "Kafé Résumé – “kutipan” dari Bogor"
UTF8_TITLE = "Café di Kota Tua — “ramai” saat libur"
RTL_TITLE = "مرحبا بالعالم · שלום עולם · Selamat 🎉🇮🇩👩‍💻"

CASES = [
    Case("hang", lambda s, t: hang(), True, ("server stopped sending", "read timeout"),
         "all items of this poll (retried next run)"),
    Case("trickle 1 byte/s", lambda s, t: trickle(HEALTHY), True,
         ("gave up after 5 s in total",), "all items of this poll (retried next run)",
         fetch={"read_timeout": "3s"}),
    Case("connection reset mid-body", lambda s, t: reset_mid_body(HEALTHY, 2000), True,
         ("connection",), "all items of this poll (retried next run)"),
    Case("HTTP 500", lambda s, t: static(b"kesalahan", "text/plain", 500), True,
         ("HTTP 500",), "all items of this poll (retried next run)", status=500),
    Case("HTTP 502", lambda s, t: static(b"bad gateway", "text/html", 502), True,
         ("HTTP 502",), "all items of this poll (retried next run)", status=502),
    Case("HTTP 503", lambda s, t: static(b"maintenance", "text/html", 503), True,
         ("HTTP 503",), "all items of this poll (retried next run)", status=503),
    Case("HTTP 429 with Retry-After",
         lambda s, t: static(b"slow down", "text/plain", 429, {"Retry-After": "120"}), True,
         ("HTTP 429",), "all items of this poll (retried next run)", status=429),
    Case("HTTP 503 with Retry-After",
         lambda s, t: static(b"busy", "text/plain", 503, {"Retry-After": "120"}), True,
         ("HTTP 503",), "all items of this poll (retried next run)", status=503),
    Case("redirect loop", lambda s, t: redirect("/fault"), True,
         ("more than 5 redirects",), "all items (the URL never answers)"),
    Case("redirect to 127.0.0.2", lambda s, t: redirect(f"http://127.0.0.2:{s.port}/"), True,
         ("refused", "127.0.0.2", "SSRF protection"), "all items (refused before connecting)"),
    Case("redirect to cloud metadata",
         lambda s, t: redirect("http://169.254.169.254/latest/meta-data/"), True,
         ("refused", "169.254.169.254", "SSRF protection"),
         "all items (refused before connecting)"),
    Case("redirect to 10.0.0.1", lambda s, t: redirect("http://10.0.0.1/"), True,
         ("refused", "10.0.0.1", "SSRF protection"), "all items (refused before connecting)"),
    Case("body over size cap", lambda s, t: static(rss(item() * 2000).encode()), True,
         ("larger than", "fetch.max_bytes"), "all items (body over the cap)",
         fetch={"max_bytes": "100KB"}),
    Case("gzip bomb", lambda s, t: gzip_body(gzip_bomb()), True,
         ("larger than", "fetch.max_bytes"), "all items (decompressed size over the cap)",
         fetch={"max_bytes": "100KB"}, trace_memory=True),
    Case("brotli bomb", lambda s, t: gzip_body(brotli_bomb(), encoding="br"), True,
         ("larger than", "fetch.max_bytes"), "all items (decompressed size over the cap)",
         fetch={"max_bytes": "100KB"}, trace_memory=True),
    Case("windows-1252 declared as UTF-8",
         lambda s, t: static(rss(item(title=CP1252_TITLE)).encode("cp1252")), False,
         ("1 new",), "nothing (decoded as windows-1252)",
         check=warns("windows-1252", more=has_titles(CP1252_TITLE))),
    Case("UTF-8 declared as ISO-8859-1",
         lambda s, t: static(rss(item(title=UTF8_TITLE)).encode(),
                             "application/rss+xml; charset=ISO-8859-1"), False,
         ("1 new",), "nothing (decoded as UTF-8)",
         check=has_titles(UTF8_TITLE)),
    Case("UTF-8 BOM",
         lambda s, t: static(b"\xef\xbb\xbf" + rss(item(title=UTF8_TITLE)).encode()), False,
         ("1 new",), "nothing", check=has_titles(UTF8_TITLE)),
    Case("truncated XML",
         lambda s, t: static(HEALTHY.replace(b"kabarsulsel.example", b"potong.example")[:3000]),
         False, ("3 new", "warning"), "the item cut in half (1 of 4); the 3 before it are kept",
         check=warns("not well-formed", more=articles(3))),
    Case("HTML error page as RSS",
         lambda s, t: static(b"<!DOCTYPE html><html><head><title>Error</title></head><body>"
                             b"<h1>503 Service Unavailable</h1></body></html>"), True,
         ("a web page with no feed",), "all items of this poll (retried next run)"),
    Case("empty 200", lambda s, t: static(b""), True, ("empty response",),
         "all items of this poll (retried next run)"),
    Case("billion laughs", lambda s, t: static(BILLION_LAUGHS.encode()), False, ("1 new",),
         "nothing but the entity text (not expanded)",
         check=warns("entity declarations removed")),
    Case("XXE to a local file", xxe_feed, False, ("1 new",),
         "nothing but the entity text (not resolved)",
         check=warns("entity declarations removed")),
    Case("10,000 items", lambda s, t: static(ten_thousand_items()), False, ("10000 new",),
         "nothing (all stored; the stream shows the newest 50)", check=articles(10_000),
         bound=30.0),  # feedparser alone takes ~6 s for 10,000 items, storing them ~4 s
    Case("items without link, title or date",
         lambda s, t: static(rss(
             item(title="Tanpa tautan", link=None)
             + item(title=None, link="https://uji.example/tanpa-judul")
             + item(title="Tanpa tanggal", link="https://uji.example/tanpa-tanggal", date=None)
             + item(title=None, link=None, description=None)).encode()), False, ("3 new",),
         "items with neither link, id nor title", check=warns("skipped")),
    Case("date in 2099",
         lambda s, t: static(rss(item(title="Tahun 2099", link="https://uji.example/2099",
                                      date="Thu, 01 Jan 2099 00:00:00 +0000")).encode()),
         False, ("1 new",), "nothing (the 2099 date is clamped to the fetch time)",
         check=warns("future", more=has_titles("Tahun 2099"))),
    Case("date in 1970",
         lambda s, t: static(rss(item(title="Tahun 1970", link="https://uji.example/1970",
                                      date="Thu, 01 Jan 1970 00:00:00 +0000")).encode()),
         False, ("1 new",), "nothing (epoch 0 read as no date: dated when first seen)",
         check=warns("before 1995", more=has_titles("Tahun 1970"))),
    Case("control characters and invalid UTF-8 in titles",
         lambda s, t: static(rss(
             item(title="Judul\x01dengan\x08kontrol", link="https://uji.example/kontrol",
                  description="Kafé di Makassar")
         ).encode().replace(b"dengan", b"den\xff\xfegan")), False, ("1 new",),
         "nothing (invalid bytes and control characters removed from the title)",
         check=warns("invalid UTF-8", more=clean_titles)),
    Case("RTL text and emoji",
         lambda s, t: static(rss(item(title=RTL_TITLE, link="https://uji.example/rtl")).encode()),
         False, ("1 new",), "nothing", check=has_titles(RTL_TITLE)),
]  # fmt: skip


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer().start()
    server.routes["/healthy.xml"] = static(HEALTHY)
    yield server
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2, "stop() must return promptly, even mid-hang"


@pytest.fixture(scope="session")
def reliability_rows() -> Iterator[list[dict]]:
    """Rows collected by every case, written as JSON lines once the session ends."""
    rows: list[dict] = []
    yield rows
    if rows:
        ARTIFACTS.mkdir(exist_ok=True)
        with (ARTIFACTS / "reliability.jsonl").open("w", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps(row, ensure_ascii=False) + "\n")


def source_line(out: str, source_id: str) -> str:
    [line] = [line for line in out.splitlines() if line.split()[:1] == [source_id]]
    return line


def warm_up_imports() -> None:
    """Import what `feeds run` imports lazily, so tracemalloc sees the run, not the imports."""
    import feedparser  # noqa: F401

    from feeds.extract.feed import parse_feed

    parse_feed(HEALTHY, url="http://127.0.0.1/warm-up.xml")


def run_summary(line: str) -> str:
    """'faulty   1 new, 0 updated, 0 unchanged  [0.1 s]' -> '1 new, 0 updated, 0 unchanged'."""
    return line.split(None, 1)[1].rsplit("  [", 1)[0]


def assert_published_files_valid(workspace: Workspace) -> None:
    """Every .rss/.atom parses without entities, every .json loads, and W3C rules hold."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in sorted(workspace.output.iterdir()):
        if path.suffix in (".rss", ".atom"):
            etree.fromstring(path.read_bytes(), parser)
        elif path.suffix == ".json":
            json.loads(path.read_bytes())
    assert feed_problems(workspace.output) == []


def case_id(case: "Case | object") -> str:
    return case.name if isinstance(case, Case) else case.values[0].name  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_faulty_source_costs_the_healthy_one_nothing(
    case: Case,
    fault_server: FaultServer,
    workspace: Workspace,
    feeds,
    tmp_path: Path,
    reliability_rows: list[dict],
) -> None:
    """Why: one broken outlet must never cost readers the others, hang cron, or leak files."""
    fault_server.routes["/fault"] = case.fault(fault_server, tmp_path)
    workspace.write_config(
        [
            {"id": "healthy", "name": "Healthy", "url": fault_server.url("/healthy.xml")},
            {"id": "faulty", "name": "Faulty", "url": fault_server.url("/fault")},
        ],
        fetch=case.fetch,
    )
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if case.trace_memory:
        # ru_maxrss is the process's lifetime peak: earlier tests may already have set it
        # higher, so the bomb's own peak is measured as well, after warming the imports a
        # first run makes (they would count as allocations too).
        warm_up_imports()
        tracemalloc.start()
    started = time.monotonic()
    try:
        result = feeds("run")
    finally:
        elapsed = time.monotonic() - started
        traced_peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    memory_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before) / 1024
    assert traced_peak_mb < TRACED_BOUND_MB

    assert elapsed < case.bound, f"run took {elapsed:.1f} s"
    assert result.code == 0, result.err
    assert memory_growth_mb < MEMORY_BOUND_MB
    healthy, faulty = source_line(result.out, "healthy"), source_line(result.out, "faulty")
    assert "4 new" in healthy
    assert ("failed:" in faulty) == case.failed, faulty
    for word in case.words:
        assert word in faulty, (word, faulty)

    # The healthy source's articles are all published.
    rss_bytes = (workspace.output / "berita-terkini.rss").read_bytes()
    guids = {item.findtext("guid") for item in etree.fromstring(rss_bytes).iter("item")}
    links = {item.findtext("link") for item in etree.fromstring(rss_bytes).iter("item")}
    assert set(HEALTHY_LINKS) <= guids | links
    assert_published_files_valid(workspace)
    for name, data in workspace.published().items():
        assert SECRET.encode() not in data, f"local file content leaked into {name}"

    # `feeds status` remembers what happened.
    status = {entry["id"]: entry for entry in json.loads(feeds("status", "--json").out)["sources"]}
    assert status["healthy"]["last_error"] is None and status["healthy"]["articles"] == 4
    entry = status["faulty"]
    if case.failed:
        assert entry["consecutive_failures"] == 1
        assert entry["last_error"] and all(word in entry["last_error"] for word in case.words)
        assert entry["articles"] == 0
    else:
        assert entry["last_error"] is None and entry["last_success"]
    if case.status is not None:
        assert entry["last_status"] == case.status
    if case.check:
        case.check(workspace, entry)
    assert SECRET not in json.dumps(entry, ensure_ascii=False)

    reliability_rows.append(
        {
            "fault": case.name,
            "outcome": "failed" if case.failed else "ok",
            "message": entry["last_error"] or "; ".join(entry["warnings"]) or run_summary(faulty),
            "seconds": round(elapsed, 1),
            "rss_growth_mb": round(memory_growth_mb, 1),
            "traced_peak_mb": round(traced_peak_mb, 1) if case.trace_memory else None,
            "lost": {"healthy source": "nothing", "faulty source": case.lost},
            "faulty_articles_stored": entry["articles"],
        }
    )


def test_stop_returns_promptly_while_a_handler_hangs() -> None:
    """Why: a hanging route must never hold the test session; stop() wakes it and returns."""
    server = FaultServer().start()
    server.routes["/hang"] = hang()
    client = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        client.sendall(b"GET /hang HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        deadline = time.monotonic() + 2
        while "/hang" not in server.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.requests == ["/hang"]
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        assert client.recv(1) == b""  # the hanging handler let go: the connection is closed
    finally:
        client.close()
