"""HTTP (and file:) fetching for sources.

Redirects are followed by hand, one hop at a time, so that a permanent move can be reported to
the operator and every hop can be checked. Bodies are streamed and counted after decompression,
so neither a huge body nor a gzip bomb can exhaust memory.
"""

import asyncio
import os
import re
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import aiohttp
import brotli

from feeds import __version__
from feeds.fetch.guard import Blocked, Network, check_host
from feeds.fetch.robots import (
    ALLOW_ALL,
    DISALLOW_ALL,
    ROBOTS_MAX_BYTES,
    RobotsRules,
    parse_robots,
    robots_url,
)

PERMANENT_REDIRECTS = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
# What read_capped can decode itself, each step capped (never what a library inflates whole).
ACCEPT_ENCODING = "gzip, deflate, br"
# Some sites send long headers (Content-Security-Policy, Link, Set-Cookie); aiohttp's default
# limit of 8 KB a line would fail them.
MAX_HEADER_BYTES = 64 * 1024


def user_agent(home_page: str | None) -> str:
    """Names the project, its version and where its operator can be found."""
    contact = f"+{home_page}; " if home_page else ""
    return f"feeds/{__version__} ({contact}news aggregator)"


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server told us last time, sent back for a conditional GET; and the digest of
    the body it sent (set by the pipeline), which recognises the same body again from a server
    that ignores them."""

    etag: str | None = None
    last_modified: str | None = None
    body_digest: str | None = None


@dataclass(slots=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int  # HTTP status; 200 for a file read, 304 for "not modified"
    body: bytes = b""
    content_type: str | None = None
    validators: Validators = Validators()
    # Set when every hop to the final URL was a 301/308: the operator should update sources.yaml.
    moved_permanently_to: str | None = None
    # How long the server says the response stays fresh (Cache-Control max-age, Expires).
    fresh_for: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch failed; the message is written for an operator reading `feeds status`."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: str | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 16
    per_host: int = 2
    host_delay: float = 1.0  # between polite requests to one host
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay above this is capped
    allow_private: bool = False  # SSRF protection off (a trusted intranet set-up)
    allowed_networks: tuple[Network, ...] = ()  # private networks that may be fetched


class Fetcher:
    """One shared HTTP client for a run. Use as `async with Fetcher(...) as fetcher:`."""

    def __init__(self, limits: Limits, *, user_agent: str):
        self.limits = limits
        self._headers = {
            "User-Agent": user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        self._client: aiohttp.ClientSession | None = None
        # HTTP(S)_PROXY and NO_PROXY, read once: aiohttp's trust_env reads them (and ~/.netrc)
        # again for every request, in two trips to a thread.
        self._proxies = urllib.request.getproxies_environment()
        self._all = asyncio.Semaphore(limits.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, asyncio.Task[RobotsRules]] = {}
        self._pacing: dict[str, asyncio.Lock] = {}
        self._next_request_at: dict[str, float] = {}

    def _session(self) -> aiohttp.ClientSession:
        """The client, made on first use: an aiohttp session belongs to the running loop,
        and a Fetcher may be built before there is one."""
        if self._client is None:
            self._client = aiohttp.ClientSession(
                headers=self._headers,
                # The pool is bounded on its own: more tasks than connections is fine.
                connector=aiohttp.TCPConnector(limit=self.limits.concurrency, limit_per_host=0),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=self.limits.connect_timeout,
                    sock_read=self.limits.read_timeout,
                ),
                # Bodies are decoded by read_capped, a capped step at a time (gzip bombs).
                auto_decompress=False,
                # Cookies set on a redirect are sent on its next hop; "unsafe" keeps them for
                # hosts given as IP addresses too.
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                max_line_size=MAX_HEADER_BYTES,
                max_field_size=MAX_HEADER_BYTES,
            )
        return self._client

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.close()

    async def fetch(
        self,
        url: str,
        *,
        validators: Validators = Validators(),
        headers: dict[str, str] | None = None,
        polite: bool = False,
        obey_robots: bool = True,
        allow_private: bool = False,
    ) -> FetchResult:
        """Fetch `url`. `polite` (crawling pages rather than polling a feed) paces requests per
        host and, with `obey_robots`, refuses what robots.txt disallows. `allow_private` lifts
        the SSRF protection for this request (a source the operator marked as intranet)."""
        if urlsplit(url).scheme == "file":
            return await asyncio.to_thread(read_file, url, validators, self.limits.max_bytes)
        if polite:
            if not (allow_private or self.limits.allow_private):
                await self._check_address(url)  # before robots.txt, so the error says why
            rules = await self.robots(url, allow_private) if obey_robots else ALLOW_ALL
            if not rules.allows(url):
                raise FetchError(f"disallowed by {robots_url(url)} (set robots: false to override)")
            await self._pace(url, rules.crawl_delay())
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                return await self._fetch_http(url, validators, headers or {}, allow_private)
        except TimeoutError:
            raise FetchError(
                f"gave up after {self.limits.total_timeout:g} s in total (server too slow)"
            ) from None

    async def _fetch_http(
        self, url: str, validators: Validators, headers: dict[str, str], allow_private: bool
    ) -> FetchResult:
        request_headers = dict(headers)
        if validators.etag:
            request_headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            request_headers["If-Modified-Since"] = validators.last_modified

        current = url
        all_permanent = True
        for _hop in range(self.limits.max_redirects + 1):
            if not (allow_private or self.limits.allow_private):
                await self._check_address(current)  # the first URL and every redirect
            if origin(current) != origin(url):
                # The operator's credentials are for the source's own site, never another
                # one it redirects to (browsers and httpx drop them the same way).
                request_headers = without_credentials(request_headers)
            async with self._slot(current):
                result = await self._get_once(current, request_headers)
            if isinstance(result, FetchResult):
                if current != url and all_permanent:
                    result.moved_permanently_to = current
                return result
            status, location = result
            all_permanent = all_permanent and status in PERMANENT_REDIRECTS
            current = location
        raise FetchError(f"more than {self.limits.max_redirects} redirects (last to {current})")

    async def robots(self, url: str, allow_private: bool = False) -> RobotsRules:
        """The host's robots.txt rules, fetched once per run however many tasks ask."""
        key = robots_url(url)
        if key not in self._robots:
            self._robots[key] = asyncio.ensure_future(self._load_robots(key, allow_private))
        return await self._robots[key]

    async def _load_robots(self, url: str, allow_private: bool) -> RobotsRules:
        try:
            result = await self.fetch(url, allow_private=allow_private)
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500:
                return ALLOW_ALL
            return DISALLOW_ALL
        return parse_robots(result.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace"))

    async def _pace(self, url: str, crawl_delay: float | None) -> None:
        """Leave at least host_delay (or the site's Crawl-delay) between requests to a host."""
        host = urlsplit(url).netloc
        delay = max(self.limits.host_delay, min(crawl_delay or 0.0, self.limits.max_crawl_delay))
        loop = asyncio.get_running_loop()
        async with self._pacing.setdefault(host, asyncio.Lock()):
            wait = self._next_request_at.get(host, 0.0) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_request_at[host] = loop.time() + delay

    async def _check_address(self, url: str) -> None:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            await check_host(parts.hostname or "", port, allowed=self.limits.allowed_networks)
        except Blocked as error:
            raise FetchError(str(error)) from None

    def _slot(self, url: str) -> "_Slot":
        host = urlsplit(url).hostname or ""
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return _Slot(self._all, self._hosts[host])

    def _proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        if proxy is None:
            return None
        host = parts.hostname or ""
        if parts.port and ":" not in host:  # NO_PROXY may name "host:port" too
            host = f"{host}:{parts.port}"
        if urllib.request.proxy_bypass_environment(host, self._proxies):
            return None
        return proxy

    async def _get_once(self, url: str, headers: dict[str, str]) -> FetchResult | tuple[int, str]:
        """One request: a result, or (status, next URL) for a redirect."""
        target = url
        if "authorization" in (name.lower() for name in headers):
            target = without_userinfo(url)  # a configured header wins over a user:pass@ URL
        try:
            async with self._session().get(
                target, headers=headers, allow_redirects=False, proxy=self._proxy_for(url)
            ) as response:
                if response.status in REDIRECTS and "location" in response.headers:
                    return response.status, urljoin(url, response.headers["location"])
                if response.status == 304:
                    return FetchResult(
                        url=url,
                        status=304,
                        validators=validators_of(response.headers),
                        fresh_for=freshness(response.headers),
                    )
                if response.status >= 400:
                    raise FetchError(
                        f"HTTP {response.status} {response.reason or ''}".strip(),
                        status=response.status,
                        retry_after=response.headers.get("retry-after"),
                    )
                body = await read_capped(response, self.limits.max_bytes)
                return FetchResult(
                    url=url,
                    status=response.status,
                    body=body,
                    content_type=response.headers.get("content-type"),
                    validators=validators_of(response.headers),
                    fresh_for=freshness(response.headers),
                )
        # aiohttp's timeouts are TimeoutErrors: caught here, or fetch() would report them as
        # the total timeout.
        except aiohttp.ConnectionTimeoutError:
            raise FetchError(
                f"timed out connecting after {self.limits.connect_timeout:g} s"
            ) from None
        except aiohttp.SocketTimeoutError:
            raise FetchError(
                f"server stopped sending for {self.limits.read_timeout:g} s (read timeout)"
            ) from None
        except aiohttp.ClientConnectorError as error:
            reason = error.os_error.strerror or str(error.os_error) or "connection refused"
            raise FetchError(f"cannot connect: {reason}") from None
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
            # A reset mid-body: say so in words ("ClientPayloadError" tells an operator nothing).
            raise FetchError(
                "connection broken while reading the response: connection reset by the server"
            ) from None
        except aiohttp.ClientResponseError as error:  # not HTTP at all, or broken headers
            raise FetchError(f"invalid HTTP response: {error.message}") from None
        except (aiohttp.ClientError, ValueError) as error:  # ValueError: a URL yarl refuses
            raise FetchError(f"{type(error).__name__}: {error}") from None


CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


def origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.hostname, parts.port


def without_credentials(headers: dict[str, str]) -> dict[str, str]:
    return {
        name: value for name, value in headers.items() if name.lower() not in CREDENTIAL_HEADERS
    }


def without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


class _Slot:
    """Holds the global and the per-host semaphore together."""

    def __init__(self, *semaphores: asyncio.Semaphore):
        self._semaphores = semaphores

    async def __aenter__(self) -> None:
        for semaphore in self._semaphores:
            await semaphore.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        for semaphore in reversed(self._semaphores):
            semaphore.release()


async def read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, decoded, or FetchError once it passes `max_bytes` (counted after decoding,
    so a gzip bomb stops at the cap)."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(too_large(max_bytes))
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in INFLATE_WBITS:
        return await read_inflated(response, max_bytes, INFLATE_WBITS[encoding])
    if encoding == "br":
        return await read_brotli(response, max_bytes)
    # identity, or a name no decoder knows ("UTF-8" is seen): the bytes as they came
    body = CappedBody(max_bytes)
    async for chunk in response.content.iter_any():
        body.add(chunk)
    return body.value()


class CappedBody:
    """A body collected piece by piece, refused as soon as it passes the cap."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._chunks: list[bytes] = []
        self._size = 0

    def room(self) -> int:
        """How much a decoder may yield next: what is left under the cap, plus one byte to
        notice the overflow."""
        return self.max_bytes - self._size + 1

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self.max_bytes:
            raise FetchError(too_large(self.max_bytes))
        self._chunks.append(chunk)

    def value(self) -> bytes:
        return b"".join(self._chunks)


# gzip: header required; deflate: a zlib stream (47 also accepts gzip), raw deflate if not.
INFLATE_WBITS = {"gzip": 16 + 15, "x-gzip": 16 + 15, "deflate": 32 + 15}


async def read_inflated(response: aiohttp.ClientResponse, max_bytes: int, wbits: int) -> bytes:
    """Inflate gzip/deflate ourselves, never more than the cap allows at a time.

    A client that inflates each network read whole turned one 64 KB read of a gzip bomb into
    ~64 MB before the cap was checked (140 MB peak measured for one bomb; 16 sources at once,
    over 2 GB). Here each step yields at most what is left under the cap, plus one byte to
    notice the overflow."""
    inflater = zlib.decompressobj(wbits)
    body = CappedBody(max_bytes)
    first = True
    async for raw in response.content.iter_any():
        data = raw
        while data:
            try:
                chunk = inflater.decompress(data, body.room())
            except zlib.error as error:
                if not (first and wbits == INFLATE_WBITS["deflate"]):
                    raise FetchError(f"response body could not be decompressed: {error}") from None
                inflater, wbits = zlib.decompressobj(-15), -15  # "deflate" sent as raw deflate
                continue
            first = False
            body.add(chunk)
            data = inflater.unconsumed_tail
            if inflater.eof:
                break
    return body.value()


async def read_brotli(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """Brotli, capped the same way: the decompressor's output is limited at each step."""
    decompressor = brotli.Decompressor()
    body = CappedBody(max_bytes)
    async for raw in response.content.iter_any():
        data = raw
        while True:
            try:
                chunk = decompressor.process(data, output_buffer_limit=body.room())
            except brotli.error as error:
                raise FetchError(f"response body could not be decompressed: {error}") from None
            data = b""  # what is left of the input stays inside the decompressor
            body.add(chunk)
            if not chunk or decompressor.can_accept_more_data():
                break
    return body.value()


def too_large(max_bytes: int) -> str:
    return f"response larger than the {human_size(max_bytes)} cap (fetch.max_bytes)"


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)


def freshness(headers: Mapping[str, str]) -> float | None:
    """Seconds the response may be reused: Cache-Control max-age, else Expires - Date."""
    if match := MAX_AGE.search(headers.get("cache-control", "")):
        return float(match.group(1))
    if "expires" in headers:
        expires = http_date(headers["expires"])
        now = http_date(headers.get("date", "")) or datetime.now(UTC)
        if expires is not None:
            return max(0.0, (expires - now).total_seconds())
    return None


def http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def validators_of(headers: Mapping[str, str]) -> Validators:
    return Validators(etag=headers.get("etag"), last_modified=headers.get("last-modified"))


def read_file(url: str, validators: Validators, max_bytes: int) -> FetchResult:
    """A file source behaves like a server: its mtime and size act as validators."""
    path = Path(unquote(urlsplit(url).path))
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise FetchError(too_large(max_bytes))
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        last_modified = formatdate(stat.st_mtime, usegmt=True)
        current = Validators(etag=etag, last_modified=last_modified)
        if validators.etag == etag:
            return FetchResult(url=url, status=304, validators=current)
        body = path.read_bytes()
    except FileNotFoundError:
        raise FetchError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise FetchError(f"is a folder, not a file: {path}") from None
    except OSError as error:
        raise FetchError(f"cannot read {path}: {os.strerror(error.errno or 0)}") from None
    return FetchResult(url=url, status=200, body=body, validators=current, content_type=None)
