"""Shared test fixtures: a loopback HTTP server, sources.yaml writing, running the CLI."""

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from feeds import digest as feeds_digest  # the module: `feeds` below is the CLI fixture
from feeds.cli import main
from feeds.extract import RawEntry
from tests.postgres import postgres_url  # noqa: F401  (a fixture, shared)
from tests.server import FixtureServer, Route

FIXTURES = Path(__file__).parent / "fixtures"
FEED_FIXTURES = FIXTURES / "feeds"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
}


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    fixture_server = FixtureServer().start()
    yield fixture_server
    fixture_server.stop()


def serve_fixture(server: FixtureServer, name: str, path: str | None = None) -> str:
    """Serve tests/fixtures/feeds/<name> at `path` (default /<name>); returns its URL."""
    file = FEED_FIXTURES / name
    path = path or f"/{name}"
    server.routes[path] = Route(body=file.read_bytes(), content_type=CONTENT_TYPES[file.suffix])
    return server.url(path)


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@dataclass
class Workspace:
    """A folder with its own sources.yaml, state database and output folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "sources.yaml"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def database(self) -> Path:
        return self.root / "state" / "feeds.db"

    def write_config(self, sources: list[dict], outputs: list[dict] | None = None, **extra) -> Path:
        document = {
            "stream": {
                "title": "Berita Terkini",
                "link": "https://berita.example.id/",
                "description": "Berita terkini untuk pengujian",
                "language": "id",
                "feed_base_url": "https://berita.example.id/feeds/",
            },
            "defaults": {"interval": "15m", "timezone": "Asia/Jakarta", "limit": 50},
            # The test servers listen on 127.0.0.1, which SSRF protection refuses by default.
            "fetch": {
                "connect_timeout": "2s",
                "read_timeout": "1s",
                "total_timeout": "5s",
                "allow_networks": ["127.0.0.1/32"],
            },
            "outputs": outputs or [],
            "sources": sources,
        }
        for key, value in extra.items():
            document.setdefault(key, {}).update(value)
        with self.config.open("w", encoding="utf-8") as file:
            YAML(typ="safe", pure=True).dump(document, file)
        return self.config

    def published(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.output.glob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def feeds(capsys: pytest.CaptureFixture[str], workspace: Workspace) -> Callable[..., Result]:
    """Run the `feeds` CLI in-process, as a user would type it, against the workspace."""

    def run(*args: str) -> Result:
        command, *rest = args
        argv = [command, "--sources", str(workspace.config), *rest]
        if command == "run" and "--db" not in rest:
            argv += ["--db", f"sqlite:///{workspace.database}", "--output", str(workspace.output)]
        if command == "status" and "--db" not in rest:
            argv += ["--db", f"sqlite:///{workspace.database}"]
        code = main(argv)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


# The W3C validator warns when two Atom entries share an <updated> instant. Two different news
# articles published in the same minute is ordinary; we do not shift real times to hide it.
ACCEPTED_WARNINGS = ("Two entries with the same value for atom:updated",)


def feed_problems(output: Path, slug: str = "berita-terkini") -> list[str]:
    """W3C-validator problems in an output stream's RSS and Atom, less the accepted warning."""
    from tests.feedcheck import check_atom, check_rss

    base = "https://berita.example.id/feeds/"
    problems = check_rss((output / f"{slug}.rss").read_bytes(), self_url=f"{base}{slug}.rss")
    problems += check_atom((output / f"{slug}.atom").read_bytes(), self_url=f"{base}{slug}.atom")
    return [p for p in problems if not any(w in p for w in ACCEPTED_WARNINGS)]


SITE_FIXTURES = FIXTURES / "sites"
SITE_BASES = {
    "kabarsulsel": "https://kabarsulsel.example",
    "portalnews": "https://www.portalnews.example",
    "tanpatanggal": "https://tanpatanggal.example",
    "grafik": "https://grafik.example",
    "sitemaps": "https://sitemaps.example",
    "discovery": "https://discovery.example",
}
SITE_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
              ".gz": "application/x-gzip", ".json": "application/feed+json",
              ".txt": "text/plain"}  # fmt: skip


def serve_site(server: FixtureServer, site: str, *, skip: tuple[str, ...] = ()) -> None:
    """Serve tests/fixtures/sites/<site>/ at the server root, as its README describes:
    X/index.html at /X/ and /X; the site's base URL in sitemaps, robots.txt and feeds becomes
    the server's."""
    import gzip

    folder = SITE_FIXTURES / site
    for file in sorted(folder.rglob("*")):
        relative = file.relative_to(folder).as_posix()
        if not file.is_file() or (file.name.endswith(".json") and "expected" in file.name):
            continue
        if relative in skip or file.name == "README.md":
            continue
        body = file.read_bytes()
        base = SITE_BASES[site].encode()
        if file.suffix == ".gz":
            body = gzip.compress(gzip.decompress(body).replace(base, server.base_url.encode()))
        elif file.suffix != ".html":
            body = body.replace(base, server.base_url.encode())
        kind = SITE_TYPES.get(file.suffix, "application/atom+xml")
        if file.name == "rss.xml":
            kind = "application/rss+xml"
        if file.name == "index.html":
            folder_path = "/" + relative.removesuffix("index.html")
            server.routes[folder_path] = Route(body, kind)
            server.routes[folder_path.rstrip("/") or "/"] = Route(body, kind)
        else:
            server.routes["/" + relative] = Route(body, kind)


def site_truth(site: str, name: str = "expected.json"):  # type: ignore[no-untyped-def]
    import json

    return json.loads((SITE_FIXTURES / site / name).read_text(encoding="utf-8"))


@pytest.fixture
def normalised(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The titles of the entries normalised from here on (feeds/digest.py), in order."""
    titles: list[str | None] = []
    real = feeds_digest.normalise_entry

    def counting(entry: RawEntry, **options: object):  # type: ignore[no-untyped-def]
        titles.append(entry.title)
        return real(entry, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds_digest, "normalise_entry", counting)
    return titles
