"""When to poll a source next. Pure functions of what we know, so they are tested without
clocks or sleeping.

- After a success the delay follows the source's own publishing rhythm (the mean gap between
  its recent articles), bounded by the source's minimum and maximum, and is never shorter than
  the server (Cache-Control max-age, Expires) or the feed (RSS ttl, sy:updatePeriod) allows.
- After a failure it backs off exponentially with jitter, capped, and never sooner than
  Retry-After; the first success brings the normal rhythm back.
- Every delay gets a little jitter so sources do not fire together.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from feeds.config import Source
from feeds.config.model import Defaults

JITTER = 0.1  # ±10% of the delay
HINT_CEILING = timedelta(hours=24)  # a bogus "max-age=31536000" must not park a source forever


@dataclass(frozen=True, slots=True)
class Bounds:
    interval: timedelta  # the operator's interval: used while the rhythm is unknown
    minimum: timedelta
    maximum: timedelta
    backoff_cap: timedelta


def bounds_for(source: Source, defaults: Defaults) -> Bounds:
    """The source's own interval and limits, else the defaults (the limits widened to take
    in an interval set outside them)."""
    interval = (source.interval or defaults.interval).every or timedelta(minutes=15)
    return Bounds(
        interval=interval,
        minimum=source.min_interval or min(defaults.min_interval, interval),
        maximum=source.max_interval or max(defaults.max_interval, interval),
        backoff_cap=defaults.backoff_cap,
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    failed: bool
    failures: int = 0  # consecutive failures, this one included
    fresh_for: float | None = None  # seconds, Cache-Control max-age / Expires
    retry_after: float | None = None  # seconds, from a 429/503
    ttl: float | None = None  # seconds, RSS ttl / sy:updatePeriod


def next_delay(
    outcome: Outcome,
    bounds: Bounds,
    *,
    publishing_gap: timedelta | None,
    rng: random.Random,
) -> timedelta:
    if outcome.failed:
        delay = backoff(outcome.failures, bounds, rng)
        floor = seconds(outcome.retry_after)
    else:
        delay = with_jitter(rhythm(publishing_gap, bounds), rng)
        floor = max(seconds(outcome.fresh_for), seconds(outcome.ttl), seconds(outcome.retry_after))
    return max(delay, min(floor, HINT_CEILING))


def rhythm(publishing_gap: timedelta | None, bounds: Bounds) -> timedelta:
    """Poll about as often as the source publishes, within the operator's bounds."""
    target = publishing_gap if publishing_gap is not None else bounds.interval
    return min(max(target, bounds.minimum), bounds.maximum)


def backoff(failures: int, bounds: Bounds, rng: random.Random) -> timedelta:
    """interval × 2^(failures-1), capped; "equal jitter": half fixed, half random."""
    exponent = min(max(failures, 1) - 1, 30)
    full = min(bounds.interval * (2**exponent), bounds.backoff_cap)
    return full / 2 + full / 2 * rng.random()


def with_jitter(delay: timedelta, rng: random.Random) -> timedelta:
    return delay * (1 + JITTER * (2 * rng.random() - 1))


def seconds(value: float | None) -> timedelta:
    return timedelta(seconds=value) if value and value > 0 else timedelta(0)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After is seconds ("120") or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def publishing_gap(dates: list[datetime]) -> timedelta | None:
    """Mean gap between a source's recent articles; None with fewer than three."""
    if len(dates) < 3:
        return None
    ordered = sorted(dates)
    return (ordered[-1] - ordered[0]) / (len(ordered) - 1)
