"""`feeds serve`'s HTTP app and live state: files with the right types and validators, cheap
304s, gzip, no way out of output/, and /healthz, /status, /metrics.

Every request goes over a real uvicorn on 127.0.0.1: most through httpx, and what httpx would
hide or normalise (HEAD without a body, request targets such as `/../etc/passwd`) through a raw
socket.
"""

import gzip
import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from feeds.publish.atomic import write_if_changed
from feeds.serve.http import accepts_gzip, build_app
from feeds.serve.state import ServiceState, SourceHealth

START = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
MAX_AGE = 900
SECRET = b"SECRET-must-never-be-served"
FILLER = "Banjir merendam permukiman warga di Makassar setelah hujan deras semalam. " * 8
FILES = {
    "index.html": f"<!doctype html><title>Berita Terkini</title><p>{FILLER}</p>",
    "berita-terkini.rss": f'<?xml version="1.0"?><rss version="2.0"><!-- {FILLER} --></rss>',
    "berita-terkini.atom": f'<feed xmlns="http://www.w3.org/2005/Atom"><!-- {FILLER} --></feed>',
    "berita-terkini.json": json.dumps({"version": "1.1", "title": FILLER}),
    "feeds.opml": f'<opml version="2.0"><head><title>{FILLER}</title></head></opml>',
    "feed.xsl": f'<xsl:stylesheet version="1.0"><!-- {FILLER} --></xsl:stylesheet>',
}
TYPES = {
    "/": "text/html; charset=utf-8",
    "/berita-terkini.rss": "application/rss+xml; charset=utf-8",
    "/berita-terkini.atom": "application/atom+xml; charset=utf-8",
    "/berita-terkini.json": "application/feed+json; charset=utf-8",
    "/feeds.opml": "text/x-opml; charset=utf-8",
    "/feed.xsl": "text/xsl; charset=utf-8",
}
IDENTITY = {"Accept-Encoding": "identity"}


# --- fixtures -----------------------------------------------------------------------------


@dataclass
class Clock:
    """The app's notion of now, moved by the tests instead of sleeping."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """site/output with the published files, plus secrets where a traversal would land:
    site/sources.yaml, site/etc/passwd (one level up), etc/passwd (two levels up), an atomic
    write's temporary file and a symlink leading out."""
    site = tmp_path / "site"
    folder = site / "output"
    folder.mkdir(parents=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (site / "sources.yaml").write_bytes(SECRET)
    for etc in (site / "etc", tmp_path / "etc"):
        etc.mkdir()
        (etc / "passwd").write_bytes(SECRET)
    (folder / ".berita-terkini.rss.x1y2.tmp").write_bytes(SECRET)
    (folder / ".x.rss.tmp").write_bytes(SECRET)
    (folder / "leak.rss").symlink_to(site / "sources.yaml")
    (folder / "terkini.rss").symlink_to(folder / "berita-terkini.rss")  # stays inside: fine
    return folder


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state() -> ServiceState:
    state = ServiceState(publish_max_age=timedelta(minutes=30), started_at=START)
    state.scheduler_running = True
    return state


@pytest.fixture
def app(output: Path, state: ServiceState, clock: Clock) -> Starlette:
    return build_app(output, state, max_age_seconds=MAX_AGE, clock=clock)


@pytest.fixture
def live(app: Starlette) -> Iterator[int]:
    """The app under a real uvicorn on 127.0.0.1; yields its port. Bounded start and stop."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.01)
    yield port
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


@pytest.fixture
def client(live: int) -> Iterator[httpx.Client]:
    # httpx asks for gzip by default; most tests want the plain bytes on the wire.
    base_url = f"http://127.0.0.1:{live}"
    with httpx.Client(base_url=base_url, headers=IDENTITY, timeout=5) as http_client:
        yield http_client


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)


def raw_request(port: int, target: str, method: str = "GET", **headers: str) -> RawResponse:
    """Send the request target byte for byte (no client-side normalisation of `..`)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return RawResponse(int(status_line.split()[1]), parsed, body)


# --- files: types, validators, conditional requests ---------------------------------------


@pytest.mark.parametrize(("path", "expected_type"), TYPES.items())
def test_each_kind_of_file_is_served_with_its_type(
    client: httpx.Client, output: Path, path: str, expected_type: str
) -> None:
    """Feed readers and browsers pick a parser from Content-Type, so each must be exact."""
    response = client.get(path)
    name = path.lstrip("/") or "index.html"
    assert response.status_code == 200
    assert response.headers["content-type"] == expected_type
    assert response.content == (output / name).read_bytes()


def test_files_carry_strong_etag_last_modified_and_cache_control(
    client: httpx.Client, output: Path
) -> None:
    """Readers revalidate with these; max-age follows the polling interval given to the app."""
    response = client.get("/berita-terkini.rss")
    mtime = (output / "berita-terkini.rss").stat().st_mtime
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"])  # strong: no W/
    assert response.headers["last-modified"] == formatdate(mtime, usegmt=True)
    assert response.headers["cache-control"] == f"public, max-age={MAX_AGE}"
    assert response.headers["vary"] == "Accept-Encoding, Accept"  # a feed: Accept matters
    assert client.get("/berita-terkini.atom").headers["etag"] != response.headers["etag"]


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", 'W/"other", {etag}', "W/{etag}", "*"],
    ids=["exact", "list", "weak", "star"],
)
def test_if_none_match_answers_304(client: httpx.Client, if_none_match: str) -> None:
    etag = client.get("/berita-terkini.rss").headers["etag"]
    response = client.get(
        "/berita-terkini.rss", headers={"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == f"public, max-age={MAX_AGE}"


def test_a_different_etag_gets_the_file(client: httpx.Client) -> None:
    response = client.get("/berita-terkini.rss", headers={"If-None-Match": '"0123abcd"'})
    assert response.status_code == 200
    assert response.content


def test_if_modified_since(client: httpx.Client, output: Path) -> None:
    """Not modified since Last-Modified: 304; modified since an earlier date: 200; and an
    If-None-Match that does not match wins over a matching If-Modified-Since."""
    last_modified = client.get("/berita-terkini.rss").headers["last-modified"]
    earlier = formatdate((output / "berita-terkini.rss").stat().st_mtime - 3600, usegmt=True)
    same = client.get("/berita-terkini.rss", headers={"If-Modified-Since": last_modified})
    older = client.get("/berita-terkini.rss", headers={"If-Modified-Since": earlier})
    both = client.get(
        "/berita-terkini.rss",
        headers={"If-Modified-Since": last_modified, "If-None-Match": '"stale"'},
    )
    assert (same.status_code, older.status_code, both.status_code) == (304, 200, 200)


def test_conditional_gets_do_not_read_the_file(client: httpx.Client, app: Starlette) -> None:
    """Readers poll constantly; a 304 must come from the cached ETag, not from disk."""
    etag = client.get("/berita-terkini.rss").headers["etag"]
    reads = app.state.files.reads
    for _ in range(5):
        response = client.get("/berita-terkini.rss", headers={"If-None-Match": etag})
        assert response.status_code == 304
    assert app.state.files.reads == reads


def test_a_replaced_file_gets_a_new_etag(client: httpx.Client, output: Path) -> None:
    """Publishing replaces files atomically; the old ETag must then no longer match, even when
    the new file has the same size and mtime (the inode is part of the version)."""
    path = output / "berita-terkini.rss"
    old = client.get("/berita-terkini.rss").headers["etag"]
    stat = path.stat()
    assert write_if_changed(path, path.read_bytes().replace(b"Banjir", b"BANJIR"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    response = client.get("/berita-terkini.rss", headers={"If-None-Match": old})
    assert response.status_code == 200
    assert response.headers["etag"] != old
    assert b"BANJIR" in response.content


def test_the_revalidation_shortcut_answers_as_the_app_does(
    client: httpx.Client, output: Path, tmp_path: Path
) -> None:
    """The If-None-Match shortcut (before routing) gives the same 304 as the app's own path
    (taken by If-Modified-Since), and a file turned into a symlink leading out of the folder
    after its path was remembered is a 404, not a 304."""
    first = client.get("/berita-terkini.rss")
    by_etag = client.get("/berita-terkini.rss", headers={"If-None-Match": first.headers["etag"]})
    by_date = client.get(
        "/berita-terkini.rss", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert by_etag.status_code == by_date.status_code == 304
    names = ("etag", "last-modified", "cache-control", "vary")
    assert [by_etag.headers[name] for name in names] == [by_date.headers[name] for name in names]

    outside = tmp_path / "secret.rss"
    outside.write_bytes((output / "berita-terkini.rss").read_bytes())
    (output / "berita-terkini.rss").unlink()
    (output / "berita-terkini.rss").symlink_to(outside)
    response = client.get("/berita-terkini.rss", headers={"If-None-Match": first.headers["etag"]})
    assert response.status_code == 404


def test_head_has_the_same_headers_and_no_body(live: int, output: Path) -> None:
    """Over a real socket: HEAD must not send a body, yet announce the GET's length."""
    get = raw_request(live, "/berita-terkini.rss")
    head = raw_request(live, "/berita-terkini.rss", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert int(head.headers["content-length"]) == len(get.body)
    assert get.body == (output / "berita-terkini.rss").read_bytes()
    for name in ("content-type", "etag", "last-modified", "cache-control", "vary"):
        assert head.headers[name] == get.headers[name], name


def test_gzip_when_the_client_accepts_it(client: httpx.Client, output: Path) -> None:
    """The compressed body decompresses to the file, under its own ETag; Vary tells caches."""
    plain = client.get("/berita-terkini.rss")
    with client.stream(
        "GET", "/berita-terkini.rss", headers={"Accept-Encoding": "gzip"}
    ) as response:
        compressed = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding, Accept"  # a feed: Accept matters
    assert int(response.headers["content-length"]) == len(compressed)
    assert len(compressed) < len(plain.content)
    assert gzip.decompress(compressed) == (output / "berita-terkini.rss").read_bytes()
    assert response.headers["etag"] != plain.headers["etag"]
    assert "content-encoding" not in plain.headers
    again = client.get(
        "/berita-terkini.rss",
        headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("br, gzip;q=0.5", True),
        ("*", True),
        ("identity", False),
        ("", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("deflate, br", False),
    ],
)
def test_accept_encoding(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_missing_file_and_other_methods(client: httpx.Client) -> None:
    assert client.get("/tidak-ada.rss").status_code == 404
    assert client.post("/berita-terkini.rss").status_code == 405


def test_a_symlink_inside_output_is_served(client: httpx.Client, output: Path) -> None:
    """Resolving symlinks must not refuse one that stays inside the folder."""
    response = client.get("/terkini.rss")
    assert response.status_code == 200
    assert response.content == (output / "berita-terkini.rss").read_bytes()


# --- nothing outside output/ --------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../etc/passwd",
        "/../sources.yaml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/sources.yaml",
        "/..%2fsources.yaml",
        "/..%2f..%2fetc/passwd",
        "//etc/passwd",
        "/\\..\\sources.yaml",
        "/..\\sources.yaml",
        "/.x.rss.tmp",
        "/.berita-terkini.rss.x1y2.tmp",
        "/leak.rss",
        "/berita-terkini.rss%00",
        "/%00../sources.yaml",
        "/./berita-terkini.rss",
    ],
)
def test_nothing_outside_output_is_served(live: int, target: str) -> None:
    """Sent raw to uvicorn: an HTTP client would have normalised these away before sending."""
    response = raw_request(live, target)
    assert response.status == 404
    assert SECRET not in response.body
    assert b"root:" not in response.body


# --- /healthz, /status, /metrics ----------------------------------------------------------


def test_healthz_follows_the_last_publish(
    client: httpx.Client, state: ServiceState, clock: Clock
) -> None:
    """Healthy within the grace period after start and within publish_max_age of a publish;
    503 with the reason once the feeds are stale or the scheduler stopped."""
    clock.now = START + timedelta(minutes=10)
    fresh = client.get("/healthz")
    assert (fresh.status_code, fresh.text) == (200, "ok\n")

    state.record_publish(0.2, at=START + timedelta(minutes=5))
    clock.now = START + timedelta(minutes=34)
    assert client.get("/healthz").status_code == 200

    clock.now = START + timedelta(minutes=36)
    stale = client.get("/healthz")
    assert stale.status_code == 503
    assert "older than 30m" in stale.text

    clock.now = START + timedelta(minutes=6)
    state.scheduler_running = False
    stopped = client.get("/healthz")
    assert (stopped.status_code, "scheduler not running" in stopped.text) == (503, True)


def test_healthy_without_any_publish_only_during_the_grace_period(state: ServiceState) -> None:
    assert state.healthy(START + timedelta(minutes=30))
    assert not state.healthy(START + timedelta(minutes=31))
    assert "nothing published" in (state.health_problem(START + timedelta(hours=1)) or "")


def test_status_reports_every_source(client: httpx.Client, state: ServiceState) -> None:
    state.sources["antara"] = SourceHealth("antara", "ANTARA", "https://antaranews.com/rss")
    failing = SourceHealth("fajar", "FAJAR", "https://fajar.co.id/feed/", articles=3)
    failing.mark_failure(START, "HTTP 500 Internal Server Error", flag_after=timedelta(0))
    state.sources["fajar"] = failing
    state.config_error = "sources.yaml:3:1: stream.link: field required"
    state.record_publish(0.1, at=START)

    body = client.get("/status").json()

    assert body["scheduler_running"] is True
    assert body["config_error"] == state.config_error
    assert datetime.fromisoformat(body["last_publish_at"]) == START
    assert [source["id"] for source in body["sources"]] == ["antara", "fajar"]
    fajar = body["sources"][1]
    assert fajar["consecutive_failures"] == 1
    assert fajar["flagged"] is True
    assert fajar["articles"] == 3
    assert datetime.fromisoformat(fajar["last_error_at"]) == START
    assert set(fajar) >= {"last_success", "next_poll", "failing_since", "url", "enabled"}


def test_a_source_is_flagged_only_after_failing_long_enough() -> None:
    health = SourceHealth("fajar", "FAJAR", "https://fajar.co.id/feed/")
    limit = timedelta(hours=1)
    health.mark_failure(START, "timeout", flag_after=limit)
    health.mark_failure(START + timedelta(minutes=59), "timeout", flag_after=limit)
    assert (health.consecutive_failures, health.flagged) == (2, False)
    health.mark_failure(START + timedelta(hours=1), "timeout", flag_after=limit)
    assert health.flagged
    health.mark_success(START + timedelta(hours=2))
    assert (health.consecutive_failures, health.flagged, health.failing_since) == (0, False, None)


def test_a_reloaded_configuration_keeps_the_health_of_kept_sources(state: ServiceState) -> None:
    @dataclass
    class Configured:
        id: str
        name: str
        url: str
        enabled: bool = True

    state.sync_sources([Configured("a", "A", "https://a.example/"), Configured("b", "B", "x")])
    state.sources["a"].articles = 7
    state.sync_sources([Configured("c", "C", "y"), Configured("a", "A2", "z", enabled=False)])
    assert list(state.sources) == ["c", "a"]
    assert (state.sources["a"].articles, state.sources["a"].name) == (7, "A2")
    assert state.sources["a"].enabled is False


@dataclass
class Sample:
    name: str
    labels: dict[str, str]
    value: float


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"'
LABEL_SET = re.compile(rf"{LABEL}(?:,{LABEL})*,?")


def parse_metrics(text: str) -> tuple[dict[str, str], list[Sample]]:
    """A strict reader of the text format 0.0.4: every sample belongs to a family declared
    by HELP and TYPE before it; label sets and values must parse."""
    types: dict[str, str] = {}
    helped: set[str] = set()
    samples: list[Sample] = []
    assert text.endswith("\n")
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split()[2])
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped")
            assert name in helped, f"TYPE before HELP for {name}"
            types[name] = kind
        else:
            match = SAMPLE.match(line)
            assert match, f"not a sample line: {line!r}"
            name, labels, value = match.groups()
            assert labels is None or LABEL_SET.fullmatch(labels), f"bad labels: {line!r}"
            parsed = dict(re.findall(LABEL, labels or ""))
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            assert name in types or (types.get(base) == "histogram"), f"undeclared {name}"
            samples.append(Sample(name, parsed, float(value)))
    return types, samples


def check_histogram(samples: list[Sample], name: str) -> list[tuple[float, float]]:
    """Buckets are cumulative, end with +Inf, and +Inf equals _count; returns (le, count)."""
    buckets = [(float(s.labels["le"]), s.value) for s in samples if s.name == f"{name}_bucket"]
    count = next(s.value for s in samples if s.name == f"{name}_count")
    assert buckets, name
    assert [le for le, _ in buckets] == sorted(le for le, _ in buckets)
    assert all(a[1] <= b[1] for a, b in pairwise(buckets))
    assert buckets[-1] == (float("inf"), count)
    return buckets


def test_metrics_are_valid_prometheus_text(client: httpx.Client, state: ServiceState) -> None:
    state.sync_sources(
        [
            SourceHealth("antara", "ANTARA", "https://antaranews.com/rss"),
            SourceHealth("fajar", "FAJAR", "https://fajar.co.id/feed/"),
            SourceHealth("lama", "Lama", "https://lama.example/", enabled=False),
        ]
    )
    state.sources["fajar"].mark_failure(START, "HTTP 500", flag_after=timedelta(hours=1))
    state.record_fetch("antara", "ok", 0.03)
    state.record_fetch("antara", "not_modified", 0.7)
    state.record_fetch("fajar", "failed", 100.0)
    state.record_publish(0.2, at=START)
    state.articles_stored = 36

    response = client.get("/metrics")
    types, samples = parse_metrics(response.text)

    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert types["feeds_fetches_total"] == "counter"
    assert types["feeds_fetch_duration_seconds"] == "histogram"
    assert types["feeds_publish_duration_seconds"] == "histogram"
    values = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in samples}
    assert values["feeds_fetches_total", (("outcome", "ok"), ("source", "antara"))] == 1
    assert values["feeds_fetches_total", (("outcome", "failed"), ("source", "fajar"))] == 1
    assert values["feeds_fetches_total", (("outcome", "ok"), ("source", "fajar"))] == 0
    assert values["feeds_articles_stored", ()] == 36
    assert values["feeds_sources_failing", ()] == 1
    assert values["feeds_sources", (("enabled", "true"),)] == 2
    assert values["feeds_sources", (("enabled", "false"),)] == 1
    assert values["feeds_last_publish_timestamp_seconds", ()] == START.timestamp()
    fetch = dict(check_histogram(samples, "feeds_fetch_duration_seconds"))
    assert (fetch[0.05], fetch[1.0], fetch[60.0], fetch[float("inf")]) == (1, 2, 2, 3)
    assert values["feeds_fetch_duration_seconds_sum", ()] == pytest.approx(100.73)
    assert check_histogram(samples, "feeds_publish_duration_seconds")[-1] == (float("inf"), 1)


def test_an_unknown_fetch_outcome_is_a_bug(state: ServiceState) -> None:
    """A typo in the scheduler would otherwise create a metric series nobody alerts on."""
    with pytest.raises(ValueError, match="unknown fetch outcome"):
        state.record_fetch("antara", "success", 0.1)


@pytest.mark.parametrize(
    ("accept", "expected_type"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
         "application/xml; charset=utf-8"),  # a browser: generic XML, so feed.xsl applies
        ("application/rss+xml, application/atom+xml, */*;q=0.5",
         "application/rss+xml; charset=utf-8"),  # a feed reader
        ("*/*", "application/rss+xml; charset=utf-8"),
    ],
)  # fmt: skip
def test_feeds_are_generic_xml_for_browsers_and_feed_types_for_readers(
    client: httpx.Client, accept: str, expected_type: str
) -> None:
    response = client.get("/berita-terkini.rss", headers={"Accept": accept})
    assert response.headers["content-type"] == expected_type
    assert "Accept" in response.headers["vary"]
