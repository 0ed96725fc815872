"""Time parse_date's fast path against dateparser on the date text feeds usually carry.

Run from the project root: python bench/bench_dates.py
It is a script, not a test: timings depend on the machine. Takes a few seconds.
"""

import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Let the script run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feeds.normalise import dates

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2022, 11, 14, 10, 0, tzinfo=JAKARTA)
FAST_ROUNDS = 20  # the fast path is timed over several rounds for a steadier figure

DAY_NAMES = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTH_NAMES = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
MONTH_ABBREVIATIONS = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
]  # fmt: skip
ENGLISH_ABBREVIATIONS = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
]  # fmt: skip


def sample_strings() -> list[str]:
    """A few hundred strings in the shapes feeds and news pages use, over a year of dates."""
    strings = []
    for index in range(30):
        day = date(2022, 1, 3) + timedelta(days=index * 12)
        hour, minute = 6 + index % 15, (index * 7) % 60
        weekday = DAY_NAMES[day.weekday()]
        month = MONTH_NAMES[day.month - 1]
        short = MONTH_ABBREVIATIONS[day.month - 1]
        english = ENGLISH_ABBREVIATIONS[day.month - 1]
        strings += [
            f"{day:%a}, {day.day:02d} {english} {day.year} {hour:02d}:{minute:02d}:00 +0700",
            f"{day:%a}, {day.day:02d} {english} {day.year} {hour:02d}:{minute:02d}:00 WIB",
            f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+07:00",
            f"{day.isoformat()} {hour:02d}:{minute:02d}:00",
            f"{weekday}, {day.day} {month} {day.year} {hour:02d}:{minute:02d}",
            f"{weekday}, {day.day} {short} {day.year} | {hour:02d}:{minute:02d} WIB",
            f"{day.day} {month} {day.year}, {hour:02d}:{minute:02d} WITA",
            f"{weekday}, {day.day} {month} {day.year} pukul {hour:02d}.{minute:02d} WIT",
            f"{day:%d/%m/%Y}, {hour:02d}:{minute:02d} WIB",
            f"Diperbarui {day.day} {short} {day.year}, {hour:02d}:{minute:02d}",
            f"{index + 1} jam yang lalu",
        ]
    return strings


def time_per_call(parse: Callable[[str], object], strings: list[str], rounds: int) -> float:
    """Mean microseconds per call."""
    start = time.perf_counter()
    for _ in range(rounds):
        for text in strings:
            parse(text)
    return (time.perf_counter() - start) / (rounds * len(strings)) * 1e6


def main() -> None:
    strings = sample_strings()

    def fast(text: str) -> datetime | None:
        return dates.parse_date(text, default_tz=JAKARTA, now=NOW)

    def slow(text: str) -> datetime | None:
        # Cleaned as parse_date does before it falls back, so dateparser sees the same text.
        return dates._parse_with_dateparser(dates._clean(text), JAKARTA, NOW)

    start = time.perf_counter()
    slow(strings[0])  # imports dateparser and loads its language data
    first_call = time.perf_counter() - start

    fast_read = sum(fast(text) is not None for text in strings)
    slow_read = sum(slow(text) is not None for text in strings)
    fast_us = time_per_call(fast, strings, FAST_ROUNDS)
    slow_us = time_per_call(slow, strings, 1)

    print(f"{len(strings)} strings")
    print(f"fast path : {fast_us:9.1f} us/call  ({fast_read} read)")
    print(f"dateparser: {slow_us:9.1f} us/call  ({slow_read} read)")
    print(f"ratio     : {slow_us / fast_us:9.0f} x")
    print(f"dateparser import and first call: {first_call * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
