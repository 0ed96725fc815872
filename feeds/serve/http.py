"""The HTTP side of `feeds serve`: the published files, /healthz, /status and /metrics.

Feed readers poll with conditional GETs all day long, so the 304 path is the hot one: it costs
one stat() and a dictionary look-up. A file's strong ETag (a SHA-256 prefix of its bytes) and
its gzip form are computed once per file version, a version being (path, inode, mtime, size):
publishing replaces files atomically, so a new version is always a new inode.

Only regular files inside the output folder are served. Anything that could reach outside it
(`..`, backslashes, NUL, `//`, symlinks leading out) and every dotfile — including the
`.name.tmp` files an atomic write leaves for an instant — is a 404.
"""

import gzip
import hashlib
import json
import mimetypes
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from feeds.serve.state import ServiceState

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
INDEX = "index.html"
MIN_GZIP_BYTES = 256  # below this gzip's own header makes the response bigger
MAX_PATH_LENGTH = 1024
ETAG_PATTERN = re.compile(r'(?:W/)?"[^"]*"|\*')
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a file, as stat() sees it."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, result: os.stat_result) -> "Version":
        return cls(result.st_ino, result.st_mtime_ns, result.st_size)


@dataclass(slots=True)
class Entry:
    """What is computed once per file version."""

    version: Version
    etag: str  # strong, for the identity body
    last_modified: str
    gzipped: bytes | None = None  # the gzip body, made on first demand

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'


class FileCache:
    """Safe path resolution and per-version ETags for the files of one folder."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.entries: dict[Path, Entry] = {}
        self.reads = 0  # files read from disk: the 304 path must not add to it

    def locate(self, url_path: str) -> Path | None:
        """The file a request path names, or None if it is not a servable file inside root."""
        if len(url_path) > MAX_PATH_LENGTH or "\x00" in url_path or "\\" in url_path:
            return None
        relative = url_path.removeprefix("/") or INDEX
        # Empty parts ("//etc", "a//b", "dir/"), ".", ".." and dotfiles are all refused here.
        if any(part == "" or part.startswith(".") for part in relative.split("/")):
            return None
        try:
            resolved = (self.root / relative).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
            return None
        if resolved == self.root or not resolved.is_relative_to(self.root):
            return None
        if any(part.startswith(".") for part in resolved.relative_to(self.root).parts):
            return None  # a symlink to a dotfile inside root
        return resolved

    def current(self, path: Path) -> Entry | None:
        """The cached entry if it still describes the file on disk (one stat, no read)."""
        entry = self.entries.get(path)
        if entry is None:
            return None
        try:
            result = os.stat(path)
        except OSError:
            return None
        return entry if Version.of(result) == entry.version else None

    def read(self, path: Path) -> tuple[Entry, bytes] | None:
        """Open once, fstat that descriptor, read it: the bytes and the entry belong to the same
        version even if the file is being replaced meanwhile. None if it is gone or not a file."""
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            self.entries.pop(path, None)
            return None
        with os.fdopen(descriptor, "rb") as file:
            result = os.fstat(file.fileno())
            if not stat.S_ISREG(result.st_mode):
                return None
            body = file.read()
        self.reads += 1
        version = Version.of(result)
        entry = self.entries.get(path)
        if entry is not None and entry.version == version and len(body) == version.size:
            return entry, body
        digest = hashlib.sha256(body).hexdigest()[:32]
        entry = Entry(version, f'"{digest}"', formatdate(result.st_mtime, usegmt=True))
        if len(body) == version.size:  # else it was written in place under us: do not keep it
            self.entries[path] = entry
        return entry, body

    def gzipped(self, entry: Entry, body: bytes) -> bytes:
        if entry.gzipped is None:
            # mtime=0: the same bytes give the same gzip body, matching the stable -gz ETag.
            entry.gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        return entry.gzipped


def build_app(
    output_dir: Path,
    state: ServiceState,
    *,
    max_age_seconds: int,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    """The service's ASGI app. `max_age_seconds` goes into Cache-Control for the files (tie it
    to the polling interval); `clock` is replaceable so tests can age the state."""
    files = FileCache(output_dir)
    cache_control = f"public, max-age={max(0, int(max_age_seconds))}"

    async def healthz(request: Request) -> Response:
        problem = state.health_problem(clock())
        if problem is None:
            return PlainTextResponse("ok\n", headers=NO_STORE)
        return PlainTextResponse(f"unhealthy: {problem}\n", status_code=503, headers=NO_STORE)

    async def status(request: Request) -> Response:
        body = json.dumps(state.status_json(clock()), ensure_ascii=False, indent=2) + "\n"
        return Response(body, media_type="application/json", headers=NO_STORE)

    async def metrics(request: Request) -> Response:
        return Response(state.metrics_text(), media_type=METRICS_TYPE, headers=NO_STORE)

    async def serve_file(request: Request) -> Response:
        path = files.locate(request.scope["path"])
        if path is None:
            return not_found()
        wants_gzip = accepts_gzip(request.headers.get("accept-encoding", ""))
        entry = files.current(path)
        vary = vary_for(path)
        if entry is not None and (answer := not_modified(request, entry, cache_control, vary)):
            return answer  # the hot path: no read, no hash
        loaded = await run_in_threadpool(files.read, path)
        if loaded is None:
            return not_found()
        entry, body = loaded
        if answer := not_modified(request, entry, cache_control, vary):
            return answer
        headers = file_headers(entry, path, cache_control)
        headers["Vary"] = vary
        accept = request.headers.get("accept", "")
        if path.suffix in FEED_SUFFIXES and is_browser_navigation(accept):
            # Browsers download application/rss+xml, and apply feed.xsl only to a generic
            # XML type; feed readers (which do not ask for text/html) keep the feed type.
            headers["Content-Type"] = "application/xml; charset=utf-8"
        if wants_gzip and len(body) >= MIN_GZIP_BYTES:
            body = await run_in_threadpool(files.gzipped, entry, body)
            headers["ETag"] = entry.gzip_etag
            headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(body))
        if request.method == "HEAD":
            body = b""  # same headers, Content-Length included, no body
        return Response(body, headers=headers)

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/status", status, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/{path:path}", serve_file, methods=["GET", "HEAD"]),
        ],
        middleware=[Middleware(RevalidationShortcut, files=files, cache_control=cache_control)],
    )
    app.state.files = files
    return app


class RevalidationShortcut:
    """Readers revalidating with If-None-Match get their 304 here, before routing and
    request objects: the answer is the same as serve_file's, at about half the CPU. Anything
    else (no match, a changed file, a new path) goes on to the app."""

    def __init__(self, app: ASGIApp, *, files: FileCache, cache_control: str):
        self.app, self.files, self.cache_control = app, files, cache_control
        self.located: dict[str, Path] = {}  # request path -> file; each use re-checks by stat

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            if_none_match = next(
                (value for name, value in scope["headers"] if name == b"if-none-match"), None
            )
            if if_none_match is not None and (headers := self.not_modified(scope, if_none_match)):
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)

    def not_modified(self, scope: Scope, if_none_match: bytes) -> list[tuple[bytes, bytes]] | None:
        url_path = scope["path"]
        path = self.located.get(url_path)
        if path is None:
            path = self.files.locate(url_path)
            if path is None:
                return None
            if len(self.located) < MAX_LOCATED:
                self.located[url_path] = path
        # current() stats the path: a replaced file (or a symlink now leading elsewhere) is a
        # new version, which the app then serves with every check.
        entry = self.files.current(path)
        if entry is None:
            return None
        header = if_none_match.decode("latin-1")
        if header == entry.etag:  # what a reader sends back, as it was given
            matched = entry.etag
        elif (matched := matching_etag(header, entry)) is None:
            return None
        headers = revalidated_headers(matched, entry, self.cache_control, vary_for(path))
        return [(name.encode(), value.encode()) for name, value in headers.items()]


MAX_LOCATED = 10_000  # request paths remembered; the output folder holds a few dozen files


def file_headers(entry: Entry, path: Path, cache_control: str) -> dict[str, str]:
    return {
        "Content-Type": content_type(path),
        "ETag": entry.etag,
        "Last-Modified": entry.last_modified,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }


FEED_SUFFIXES = (".rss", ".atom")


def vary_for(path: Path) -> str:
    """Feeds' type depends on Accept (see serve_file); everything may be gzip'd."""
    return "Accept-Encoding, Accept" if path.suffix in FEED_SUFFIXES else "Accept-Encoding"


def is_browser_navigation(accept: str) -> bool:
    """A browser opening a page asks for text/html first; feed readers never do."""
    return "text/html" in accept.lower()


def content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def not_modified(request: Request, entry: Entry, cache_control: str, vary: str) -> Response | None:
    """A 304 if the client's copy is current. If-None-Match wins over If-Modified-Since
    (RFC 9110 §13.2.2); either ETag of the version (plain or -gz) means the client has it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        matched = matching_etag(if_none_match, entry)
        if matched is None:
            return None
    elif not unmodified_since(request.headers.get("if-modified-since"), entry):
        return None
    else:
        matched = entry.etag
    return Response(
        status_code=304, headers=revalidated_headers(matched, entry, cache_control, vary)
    )


def revalidated_headers(
    matched: str, entry: Entry, cache_control: str, vary: str
) -> dict[str, str]:
    """The headers of a 304, from the app and from the shortcut alike (lower-case, as ASGI
    sends them)."""
    return {
        "etag": matched,
        "last-modified": entry.last_modified,
        "cache-control": cache_control,
        "vary": vary,
    }


def matching_etag(header: str, entry: Entry) -> str | None:
    """Weak comparison (W/ ignored) against a list of ETags or "*"; the ETag to answer with."""
    for tag in ETAG_PATTERN.findall(header):
        if tag == "*":
            return entry.etag
        opaque = tag.removeprefix("W/")
        if opaque in (entry.etag, entry.gzip_etag):
            return opaque
    return None


def unmodified_since(header: str | None, entry: Entry) -> bool:
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unparsable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return entry.version.mtime_ns // 1_000_000_000 <= since.timestamp()


def accepts_gzip(header: str) -> bool:
    """True if Accept-Encoding allows gzip: named with q > 0, or "*" with q > 0 and gzip not
    refused by name."""
    named: float | None = None
    wildcard: float | None = None
    for item in header.split(","):
        coding, _, parameters = item.strip().partition(";")
        quality = parse_quality(parameters)
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            named = quality
        elif coding == "*":
            wildcard = quality
    if named is not None:
        return named > 0
    return wildcard is not None and wildcard > 0


def parse_quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def not_found() -> Response:
    return PlainTextResponse("not found\n", status_code=404)
