"""Scheduling policy, with no clock and no sleeping: intervals, jitter, backoff, hints."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from feeds.serve.policy import (
    HINT_CEILING,
    Bounds,
    Outcome,
    next_delay,
    parse_retry_after,
    publishing_gap,
)

BOUNDS = Bounds(interval=timedelta(minutes=15), minimum=timedelta(minutes=5),
                maximum=timedelta(hours=2), backoff_cap=timedelta(hours=6))  # fmt: skip
OK = Outcome(failed=False)


def delays(outcome: Outcome, gap: timedelta | None = None, runs: int = 500) -> list[float]:
    rng = random.Random(7)
    return [
        next_delay(outcome, BOUNDS, publishing_gap=gap, rng=rng).total_seconds()
        for _ in range(runs)
    ]


def test_unknown_rhythm_uses_the_interval_with_bounded_jitter() -> None:
    values = delays(OK)
    assert min(values) >= 15 * 60 * 0.9 and max(values) <= 15 * 60 * 1.1
    assert max(values) - min(values) > 60, "jitter actually spreads sources"


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(timedelta(minutes=40), 40 * 60), (timedelta(minutes=1), 5 * 60),  # the minimum
     (timedelta(days=1), 2 * 3600)],  # the maximum
)  # fmt: skip
def test_adaptive_rhythm_follows_the_publishing_gap_within_bounds(gap, expected) -> None:
    values = delays(OK, gap)
    assert min(values) >= expected * 0.9 and max(values) <= expected * 1.1


def test_backoff_doubles_is_capped_and_jittered() -> None:
    for failures, full in [(1, 15 * 60), (2, 30 * 60), (3, 60 * 60), (5, 4 * 3600),
                           (6, 6 * 3600), (40, 6 * 3600)]:  # fmt: skip
        values = delays(Outcome(failed=True, failures=failures))
        assert min(values) >= full / 2 and max(values) <= full, failures
    # Recovery: the first success is back to the normal rhythm, whatever came before.
    assert max(delays(OK)) <= 15 * 60 * 1.1


def test_retry_after_and_freshness_are_floors() -> None:
    assert min(delays(Outcome(failed=True, failures=1, retry_after=7200))) == 7200
    assert min(delays(Outcome(failed=False, fresh_for=3600))) == 3600
    assert min(delays(Outcome(failed=False, ttl=1800))) == 1800
    # A short hint does not make us poll sooner than the rhythm.
    assert min(delays(Outcome(failed=False, fresh_for=10))) >= 15 * 60 * 0.9
    # An absurd hint is capped.
    assert max(delays(Outcome(failed=False, fresh_for=10**9))) == HINT_CEILING.total_seconds()


def test_retry_after_forms() -> None:
    now = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sat, 28 Nov 2026 05:10:00 GMT", now) == 600
    assert parse_retry_after("Sat, 28 Nov 2026 04:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None


def test_publishing_gap() -> None:
    t0 = datetime(2026, 11, 28, tzinfo=UTC)
    assert publishing_gap([t0, t0 + timedelta(hours=1)]) is None
    dates = [t0 + timedelta(minutes=m) for m in (0, 20, 60)]
    assert publishing_gap(dates) == timedelta(minutes=30)
