"""The shape of sources.yaml, validated strictly with pydantic.

Every model forbids unknown keys so a misspelt key is an error, not a silently ignored setting.
Relative paths (source files, database, output) are resolved later, against the file's folder.
"""

import re
from datetime import timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DURATION_PATTERN = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
SIZE_PATTERN = re.compile(r"^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$", re.IGNORECASE)
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}

MAIN_STREAM_SLUG = "berita-terkini"


def parse_duration(value: object, *, allow_zero: bool = False) -> timedelta:
    """Read "90s", "15m", "2h", "1h30m", "30d" (or a number of seconds) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif (
        isinstance(value, str)
        and (match := DURATION_PATTERN.match(value.strip()))
        and any(match.groups())
    ):
        days, hours, minutes, secs = (int(part or 0) for part in match.groups())
        seconds = days * 86400 + hours * 3600 + minutes * 60 + secs
    else:
        raise ValueError(f'{value!r} is not a duration; write it like "30s", "15m", "2h" or "1d"')
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValueError("a duration must be greater than zero")
    return timedelta(seconds=seconds)


def parse_size(value: object) -> int:
    """Read "10MB", "512KB" or a plain number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and (match := SIZE_PATTERN.match(value.strip())):
        number, unit = match.groups()
        size = int(float(number) * SIZE_UNITS[(unit or "B").upper()])
        if size > 0:
            return size
    raise ValueError(f'{value!r} is not a size; write it like "10MB" or "512KB"')


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as Asia/Jakarta (WIB), "
            "Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
        ) from None
    return value


def check_slug(value: str) -> str:
    if not SLUG_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a safe slug: use lower-case letters, digits and '-' only "
            "(it becomes a file name in the output folder)"
        )
    return value


def check_source_id(value: str) -> str:
    if not SOURCE_ID_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a valid source id: use lower-case letters, digits, '-' and '_'"
        )
    return value


def check_network(value: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not a network; write it like 10.20.0.0/16") from None
    return value


def check_http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an absolute http(s) URL")
    return value


class Schedule(BaseModel):
    """A polling interval ("15m") or a five-field cron expression ("*/10 6-22 * * *")."""

    model_config = ConfigDict(frozen=True)

    every: timedelta | None = None
    cron: str | None = None

    def __str__(self) -> str:
        return self.cron if self.cron is not None else format_duration(self.every)


def parse_schedule(value: object) -> Schedule:
    if isinstance(value, Schedule):
        return value
    if isinstance(value, str) and len(value.split()) == 5:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a valid cron expression: {error}") from None
        return Schedule(cron=value)
    try:
        return Schedule(every=parse_duration(value))
    except ValueError:
        raise ValueError(
            f'{value!r} is not an interval; write it like "15m" or "2h", '
            'or as a cron expression like "*/10 * * * *"'
        ) from None


def format_duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Pause = Annotated[timedelta, BeforeValidator(lambda value: parse_duration(value, allow_zero=True))]
ByteSize = Annotated[int, BeforeValidator(parse_size)]
Interval = Annotated[Schedule, BeforeValidator(parse_schedule)]
TimeZoneName = Annotated[str, AfterValidator(check_timezone)]
Slug = Annotated[str, AfterValidator(check_slug)]
SourceId = Annotated[str, AfterValidator(check_source_id)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]
Network = Annotated[str, AfterValidator(check_network)]
NonEmptyText = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Stream(Strict):
    title: NonEmptyText = "Berita Terkini"
    link: HttpUrl
    description: NonEmptyText = "Berita terkini dari berbagai sumber berita Indonesia"
    language: NonEmptyText = "id"
    # Where output/ is published; self links and Atom ids are built from it.
    feed_base_url: HttpUrl | None = None
    # A WebSub hub: feeds then name it (<atom:link rel="hub">) and every change pings it.
    websub_hub: HttpUrl | None = None

    @field_validator("feed_base_url")
    @classmethod
    def _ends_with_slash(cls, value: str | None) -> str | None:
        return value if value is None or value.endswith("/") else value + "/"


class Defaults(Strict):
    interval: Interval = Field(default_factory=lambda: parse_schedule("15m"))
    timezone: TimeZoneName = "Asia/Jakarta"
    limit: int = Field(default=50, ge=1, le=1000)
    # Articles stay published this long after a source last listed them.
    retention: Duration = Field(default_factory=lambda: timedelta(days=30))
    # `feeds serve` adapts each source's polling to its publishing rhythm within these bounds,
    # backs off up to backoff_cap after failures, and flags a source failing for failing_after.
    min_interval: Duration = Field(default_factory=lambda: timedelta(minutes=5))
    max_interval: Duration = Field(default_factory=lambda: timedelta(hours=2))
    backoff_cap: Duration = Field(default_factory=lambda: timedelta(hours=6))
    failing_after: Duration = Field(default_factory=lambda: timedelta(days=1))


class Fetch(Strict):
    connect_timeout: Duration = Field(default_factory=lambda: timedelta(seconds=10))
    read_timeout: Duration = Field(default_factory=lambda: timedelta(seconds=20))
    total_timeout: Duration = Field(default_factory=lambda: timedelta(seconds=60))
    max_bytes: ByteSize = 10 * 1024 * 1024
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=16, ge=1, le=256)
    per_host: int = Field(default=2, ge=1, le=32)
    # Pause between requests to one host for html and sitemap sources (robots.txt
    # Crawl-delay wins when longer). Feeds are meant to be polled and are not slowed.
    host_delay: Pause = Field(default_factory=lambda: timedelta(seconds=1))
    # SSRF protection: loopback, private, link-local (cloud metadata) addresses are refused
    # unless allowed here (CIDR networks, e.g. "10.20.0.0/16"), or everywhere.
    allow_networks: list[Network] = Field(default_factory=list)
    allow_private: bool = False


class Serve(Strict):
    """`feeds serve`: the HTTP side and the publishing rhythm."""

    host: NonEmptyText = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    publish_debounce: Pause = Field(default_factory=lambda: timedelta(seconds=5))
    # /healthz answers 503 when nothing was published for this long.
    publish_max_age: Duration = Field(default_factory=lambda: timedelta(hours=1))
    shutdown_grace: Pause = Field(default_factory=lambda: timedelta(seconds=20))
    reload_check: Duration = Field(default_factory=lambda: timedelta(seconds=5))


class Queue(Strict):
    """`feeds worker` / `feeds scheduler` (PostgreSQL only): liveness of the job queue."""

    # Workers record a heartbeat this often; a job whose worker has not for stalled_after
    # (a killed or frozen host) is retried by `feeds scheduler`, which looks every recover_every.
    heartbeat: Duration = Field(default_factory=lambda: timedelta(seconds=10))
    stalled_after: Duration = Field(default_factory=lambda: timedelta(seconds=60))
    recover_every: Duration = Field(default_factory=lambda: timedelta(seconds=30))
    # Workers also poll for due jobs this often (new jobs wake them at once via LISTEN/NOTIFY;
    # debounced publishes, scheduled ahead, are found by polling).
    poll_interval: Duration = Field(default_factory=lambda: timedelta(seconds=2))

    @model_validator(mode="after")
    def _stalled_outlasts_heartbeats(self) -> "Queue":
        if self.stalled_after < self.heartbeat * 2:
            raise ValueError(
                "stalled_after must be at least twice heartbeat, or live workers look dead"
            )
        return self


class Storage(Strict):
    # A SQLAlchemy URL; a relative sqlite path is relative to sources.yaml's folder.
    database: str | None = None
    output: str | None = None


class Match(Strict):
    sources: list[SourceId] = Field(default_factory=list)
    categories: list[NonEmptyText] = Field(default_factory=list)
    keywords: list[NonEmptyText] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.sources or self.categories or self.keywords)


class Output(Strict):
    slug: Slug
    title: NonEmptyText
    description: NonEmptyText | None = None
    limit: int | None = Field(default=None, ge=1, le=1000)
    include: Match = Field(default_factory=Match)
    exclude: Match = Field(default_factory=Match)


def check_selector(value: str) -> str:
    from feeds.extract.selectors import parse_selector

    parse_selector(value)
    return value


CssSelector = Annotated[str, AfterValidator(check_selector)]


class ListingSelectors(Strict):
    """Where things are on a listing page ("Berita Terkini", "Indeks"): CSS, "css@attr"."""

    item: CssSelector
    link: CssSelector = "a@href"
    title: CssSelector | None = None  # default: the link's text
    date: CssSelector | None = None
    summary: CssSelector | None = None
    image: CssSelector | None = None
    next: CssSelector | None = None  # the link to the next listing page


class ArticleSelectors(Strict):
    """Per-source overrides for article pages; anything unset is found automatically."""

    title: CssSelector | None = None
    published: CssSelector | None = None
    updated: CssSelector | None = None
    author: CssSelector | None = None
    image: CssSelector | None = None
    body: CssSelector | None = None
    description: CssSelector | None = None
    next_page: CssSelector | None = None

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in self.model_dump().items() if value}


class Source(Strict):
    id: SourceId
    name: NonEmptyText
    url: NonEmptyText
    # feed: RSS/Atom/JSON Feed; html: a listing page read with `select`; sitemap: a (news)
    # sitemap or sitemap index. Left out: the URL is fetched and, if it is a web page, its
    # feed is discovered.
    kind: Literal["feed", "html", "sitemap"] | None = None
    enabled: bool = True
    interval: Interval | None = None
    min_interval: Duration | None = None
    max_interval: Duration | None = None
    timezone: TimeZoneName | None = None
    categories: list[NonEmptyText] = Field(default_factory=list)
    language: NonEmptyText | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    select: ListingSelectors | None = None
    pages: int = Field(default=1, ge=1, le=20)  # listing pages to read through `select.next`
    follow: bool = False  # fetch each new article page for its body, date and author
    follow_limit: int = Field(default=20, ge=1, le=500)  # article pages per run
    article: ArticleSelectors = Field(default_factory=ArticleSelectors)
    robots: bool = True  # honour robots.txt for html and sitemap fetches
    allow_private: bool = False  # an intranet source: SSRF protection off for it

    @property
    def plain_feed(self) -> bool:
        """Read from its own body alone (a feed, or a page to discover one in), with no
        article pages to follow."""
        return self.kind in ("feed", None) and not self.follow

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme in ("http", "https"):
            if not parts.hostname:
                raise ValueError(f"{value!r} has no host name")
        elif parts.scheme not in ("file", "") and len(parts.scheme) > 1:
            raise ValueError(
                f"{value!r}: unsupported scheme {parts.scheme!r} (use http, https, file "
                "or a plain path)"
            )
        return value


class Config(Strict):
    stream: Stream
    defaults: Defaults = Field(default_factory=Defaults)
    fetch: Fetch = Field(default_factory=Fetch)
    serve: Serve = Field(default_factory=Serve)
    queue: Queue = Field(default_factory=Queue)
    storage: Storage = Field(default_factory=Storage)
    outputs: list[Output] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
