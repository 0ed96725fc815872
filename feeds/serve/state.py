"""The live state of `feeds serve`, shared by the scheduler (which writes it) and the HTTP app
(which reads it for /healthz, /status and /metrics).

Everything runs on one asyncio loop, so plain attributes and counters are enough: no locks.
The Prometheus metrics are written by hand (a few counters and histograms do not justify a
dependency) in the text exposition format 0.0.4.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

FETCH_OUTCOMES = ("ok", "not_modified", "failed")
# Feeds answer in tens of milliseconds to tens of seconds (fetch.total_timeout defaults to 60 s).
FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Publishing renders a few files: milliseconds normally, seconds with a large store.
PUBLISH_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class SourceLike(Protocol):
    """What the state needs of a configured source (feeds.config.Source has it)."""

    id: str
    name: str
    url: str
    enabled: bool


@dataclass
class SourceHealth:
    """One per source, updated by the scheduler after each poll."""

    id: str
    name: str
    url: str
    enabled: bool = True
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    articles: int = 0
    next_poll: datetime | None = None
    failing_since: datetime | None = None
    flagged: bool = False  # failing for longer than the configured limit

    def mark_success(self, at: datetime) -> None:
        """A good poll (200 or 304) clears the failure streak and the flag."""
        self.last_success = at
        self.consecutive_failures = 0
        self.failing_since = None
        self.flagged = False

    def mark_failure(self, at: datetime, error: str, *, flag_after: timedelta) -> None:
        """A failed poll; the source is flagged once it has been failing for `flag_after`."""
        self.last_error = error
        self.last_error_at = at
        self.consecutive_failures += 1
        if self.failing_since is None:
            self.failing_since = at
        self.flagged = at - self.failing_since >= flag_after

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "enabled": self.enabled,
            "last_success": iso(self.last_success),
            "last_error": self.last_error,
            "last_error_at": iso(self.last_error_at),
            "consecutive_failures": self.consecutive_failures,
            "articles": self.articles,
            "next_poll": iso(self.next_poll),
            "failing_since": iso(self.failing_since),
            "flagged": self.flagged,
        }


@dataclass
class Histogram:
    """A Prometheus histogram: per-bucket counts (not cumulative here), sum and count."""

    bounds: tuple[float, ...]
    counts: list[int] = field(init=False)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.bounds)

    def observe(self, value: float) -> None:
        self.total += value
        self.count += 1
        for index, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[index] += 1
                return

    def samples(self, name: str) -> list[str]:
        """The cumulative `_bucket` lines, ending with le="+Inf" (= _count), then _sum, _count."""
        lines = []
        running = 0
        for bound, count in zip(self.bounds, self.counts, strict=True):
            running += count
            lines.append(f'{name}_bucket{{le="{number(bound)}"}} {running}')
        lines.append(f'{name}_bucket{{le="+Inf"}} {self.count}')
        lines.append(f"{name}_sum {number(self.total)}")
        lines.append(f"{name}_count {self.count}")
        return lines


@dataclass
class ServiceState:
    """Thread-safe enough for one asyncio loop: plain attributes, counters."""

    publish_max_age: timedelta  # /healthz is 503 if the last publish is older than this
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    scheduler_running: bool = False
    last_publish_at: datetime | None = None
    config_error: str | None = None  # a rejected sources.yaml reload, shown in /status
    sources: dict[str, SourceHealth] = field(default_factory=dict)
    articles_stored: int = 0
    fetches: dict[tuple[str, str], int] = field(default_factory=dict)  # (source, outcome)
    fetch_seconds: Histogram = field(default_factory=lambda: Histogram(FETCH_BUCKETS))
    publish_seconds: Histogram = field(default_factory=lambda: Histogram(PUBLISH_BUCKETS))

    def sync_sources(self, configured: Iterable[SourceLike]) -> None:
        """Match `sources` to a (re)loaded configuration: a kept source keeps its health and
        takes the new name, URL and enabled flag; a removed one disappears; order follows the
        configuration."""
        previous = self.sources
        self.sources = {}
        for source in configured:
            health = previous.get(source.id) or SourceHealth(source.id, source.name, source.url)
            health.name, health.url, health.enabled = source.name, source.url, source.enabled
            self.sources[source.id] = health

    def record_fetch(self, source_id: str, outcome: str, seconds: float) -> None:
        """Count one poll of a source; outcome is ok | not_modified | failed."""
        if outcome not in FETCH_OUTCOMES:
            raise ValueError(f"unknown fetch outcome {outcome!r}; use one of {FETCH_OUTCOMES}")
        key = (source_id, outcome)
        self.fetches[key] = self.fetches.get(key, 0) + 1
        self.fetch_seconds.observe(seconds)

    def record_publish(self, seconds: float, at: datetime) -> None:
        self.publish_seconds.observe(seconds)
        self.last_publish_at = at

    def health_problem(self, now: datetime) -> str | None:
        """Why the service is unhealthy, or None. A publish older than publish_max_age means
        readers are getting stale feeds; right after a start there is a grace period of the
        same length for the first publish."""
        if not self.scheduler_running:
            return "scheduler not running"
        if self.last_publish_at is not None and now - self.last_publish_at <= self.publish_max_age:
            return None
        if now - self.started_at <= self.publish_max_age:
            return None
        limit = describe(self.publish_max_age)
        if self.last_publish_at is None:
            return f"nothing published since the start at {iso(self.started_at)} (over {limit})"
        return f"last publish at {iso(self.last_publish_at)} is older than {limit}"

    def healthy(self, now: datetime) -> bool:
        return self.health_problem(now) is None

    def status_json(self, now: datetime | None = None) -> dict[str, object]:
        now = now or datetime.now(UTC)
        return {
            "healthy": self.healthy(now),
            "problem": self.health_problem(now),
            "started_at": iso(self.started_at),
            "scheduler_running": self.scheduler_running,
            "last_publish_at": iso(self.last_publish_at),
            "publish_max_age_seconds": self.publish_max_age.total_seconds(),
            "config_error": self.config_error,
            "articles_stored": self.articles_stored,
            "sources": [health.as_json() for health in self.sources.values()],
        }

    def metrics_text(self) -> str:
        """Prometheus text exposition format 0.0.4."""
        enabled = [health for health in self.sources.values() if health.enabled]
        lines: list[str] = []
        family(lines, "feeds_fetches_total", "counter", "Source polls by outcome.")
        for source_id, outcome in self._fetch_series():
            count = self.fetches.get((source_id, outcome), 0)
            labels = f'source="{escape(source_id)}",outcome="{outcome}"'
            lines.append(f"feeds_fetches_total{{{labels}}} {count}")
        family(lines, "feeds_fetch_duration_seconds", "histogram", "Time to poll one source.")
        lines += self.fetch_seconds.samples("feeds_fetch_duration_seconds")
        family(lines, "feeds_publish_duration_seconds", "histogram", "Time to publish all files.")
        lines += self.publish_seconds.samples("feeds_publish_duration_seconds")
        family(lines, "feeds_articles_stored", "gauge", "Articles in the store.")
        lines.append(f"feeds_articles_stored {self.articles_stored}")
        family(lines, "feeds_sources", "gauge", "Configured sources.")
        lines.append(f'feeds_sources{{enabled="true"}} {len(enabled)}')
        lines.append(f'feeds_sources{{enabled="false"}} {len(self.sources) - len(enabled)}')
        family(lines, "feeds_sources_failing", "gauge", "Enabled sources whose last poll failed.")
        failing = sum(1 for health in enabled if health.consecutive_failures > 0)
        lines.append(f"feeds_sources_failing {failing}")
        family(lines, "feeds_sources_flagged", "gauge", "Sources failing beyond the limit.")
        lines.append(f"feeds_sources_flagged {sum(1 for health in enabled if health.flagged)}")
        family(lines, "feeds_scheduler_running", "gauge", "1 while the scheduler runs.")
        lines.append(f"feeds_scheduler_running {int(self.scheduler_running)}")
        family(
            lines,
            "feeds_last_publish_timestamp_seconds",
            "gauge",
            "Unix time of the last publish; 0 before the first.",
        )
        published = self.last_publish_at.timestamp() if self.last_publish_at else 0
        lines.append(f"feeds_last_publish_timestamp_seconds {number(published)}")
        return "\n".join(lines) + "\n"

    def _fetch_series(self) -> list[tuple[str, str]]:
        """Every configured source × outcome (zeros included, so rates work from the start),
        plus any source that was counted but is no longer configured."""
        series = [(source_id, outcome) for source_id in self.sources for outcome in FETCH_OUTCOMES]
        known = set(series)
        return series + sorted(key for key in self.fetches if key not in known)


def family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def escape(value: str) -> str:
    """A label value: backslash, double quote and newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def number(value: float) -> str:
    """A sample value: integers without ".0", infinities as Prometheus writes them."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def describe(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"
