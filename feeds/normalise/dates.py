"""Read the publication dates that Indonesian news feeds and pages write.

Most dates come in a handful of shapes (RFC 822, ISO 8601, "Senin, 14 Nov 2022 | 09:15 WIB",
"5 menit lalu"), so a small hand-written parser reads those in microseconds. It also knows that
WIB/WITA/WIT are UTC+7/+8/+9, which feedparser gets wrong (it reads "WIB" as UTC). Anything else
goes to dateparser, which is slow and too willing to guess, so its answer is only taken when the
text holds a complete date or a counted "... lalu"/"... ago" phrase.

Choices worth knowing:
- Numeric dates are always day first ("05/11/2022" is 5 November); with a two-digit year
  ("14/11/22") they are rejected, since that could as well be 2014-11-22.
- A weekday name is skipped, not checked against the date: feeds often get it wrong.
- "kemarin"/"yesterday" alone is exactly 24 hours before `now`; with a time ("kemarin 14:40") it
  is that time on the previous day in `default_tz`.
- Vague phrases ("beberapa menit lalu", "bulan lalu", "hari ini" without a time) give None.
"""

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache

# Hours from UTC of the zone abbreviations that feeds write.
ZONE_OFFSETS: dict[str, int] = {
    "WIB": 7,
    "WITA": 8,
    "WIT": 9,
    "GMT": 0,
    "UTC": 0,
    "UT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}

# Month names and abbreviations, Indonesian (with the old spellings Pebruari and Nopember that
# some sites still use) and English. Keys are lower case without a trailing dot.
_MONTH_NAMES: tuple[tuple[int, str], ...] = (
    (1, "januari jan january"),
    (2, "februari pebruari feb peb february"),
    (3, "maret mar march"),
    (4, "april apr"),
    (5, "mei may"),
    (6, "juni jun june"),
    (7, "juli jul july"),
    (8, "agustus agu agt ags agust august aug"),
    (9, "september sep sept"),
    (10, "oktober okt october oct"),
    (11, "november nopember nov nop"),
    (12, "desember des december dec"),
)
MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES for name in names.split()}

# Weekday names are skipped when they lead a date ("Jumat, 11 November 2022").
DAY_NAMES: frozenset[str] = frozenset(
    {"senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

# Units of "5 menit lalu" / "5 minutes ago" that are a fixed length of time.
_EXACT_UNITS: dict[str, timedelta] = {
    "detik": timedelta(seconds=1),
    "second": timedelta(seconds=1),
    "seconds": timedelta(seconds=1),
    "sec": timedelta(seconds=1),
    "secs": timedelta(seconds=1),
    "menit": timedelta(minutes=1),
    "minute": timedelta(minutes=1),
    "minutes": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "mins": timedelta(minutes=1),
    "jam": timedelta(hours=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "hr": timedelta(hours=1),
    "hrs": timedelta(hours=1),
    "hari": timedelta(days=1),
    "day": timedelta(days=1),
    "days": timedelta(days=1),
    "minggu": timedelta(weeks=1),
    "pekan": timedelta(weeks=1),
    "week": timedelta(weeks=1),
    "weeks": timedelta(weeks=1),
}
# Units counted on the calendar, in months ("2 bulan lalu" is the same day two months back).
_CALENDAR_UNITS: dict[str, int] = {
    "bulan": 1,
    "month": 1,
    "months": 1,
    "tahun": 12,
    "year": 12,
    "years": 12,
}
_JUST_NOW: frozenset[str] = frozenset({"baru saja", "barusan", "just now"})

# Longer text is prose, not a date field; dateparser would only be slow on it.
_MAX_LENGTH = 100

_UTC_ZONES: dict[str, timezone] = {
    name: timezone(timedelta(hours=hours)) for name, hours in ZONE_OFFSETS.items()
}

# Typographic variants folded to the plain characters the patterns expect. Parentheses go:
# "Kamis (10/11/2022)" reads as "Kamis 10/11/2022".
_CHAR_MAP = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "(": " ", ")": " "}
)

# Labels that sites put before the date, and author bylines ("Oleh Rina - Senin, ...").
_PREFIX_RE = re.compile(
    r"(?:diperbarui|diperbaharui|updated|update|dipublikasikan|dipublikasi|diterbitkan|terbit"
    r"|published|posted|tanggal|tgl)\b\.?(?:\s+(?:pada|on|at)\b)?\s*:?\s*"
    r"|oleh\b.*?\s[-|]\s+",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(r"(?P<name>[a-z']+)\.?,?\s*", re.IGNORECASE)

# Date patterns, tried in this order at the start of the text.
_ISO_DATE_RE = re.compile(
    r"(?P<year>\d{4})(?P<sep>[-/])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)"
)
_NUMERIC_DATE_RE = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
)
# "14 Nov 2022", "11-Nov-22", "10th of November 2022". A two-digit year must not be the hour of
# a time ("14 Nov 09:15" has no year).
_DAY_MONTH_YEAR_RE = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s-]*(?P<month>[a-z]+)\.?[\s,-]*"
    r"(?P<year>\d{4}|\d{2})(?!\d|[:.]\d)",
    re.IGNORECASE,
)
# "November 11, 2022", "Nov. 11 2022".
_MONTH_DAY_YEAR_RE = re.compile(
    r"(?P<month>[a-z]+)\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_DATE_PATTERNS = (_ISO_DATE_RE, _NUMERIC_DATE_RE, _DAY_MONTH_YEAR_RE, _MONTH_DAY_YEAR_RE)

# What may follow a date: separators, an optional time, an optional zone.
_CLOCK_RE = re.compile(
    r"""
    [\s,|/·•@-]*                                # "2022, 09:15", "2022 | 09:15", "2022 · 09:15"
    (?:
        (?:(?:pukul|pkl\.?|jam|at)\s*|T)?       # "pukul 14.40", "at 2:40 PM", ISO "T"
        (?P<hour>\d{1,2})[:.](?P<minute>\d{2})
        (?:[:.](?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?
        \s*(?P<ampm>[ap]\.?m\.?)?
    )?
    \s*(?P<zone>.*)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_OFFSET_RE = re.compile(
    r"(?:GMT|UTC)?\s*(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?", re.IGNORECASE
)

_RELATIVE_RE = re.compile(
    r"(?:(?P<count>\d+)\s*|se|an?\s+)(?P<unit>[a-z]+)\s+(?:yang\s+)?(?:lalu|ago)", re.IGNORECASE
)
_DAY_WORD_RE = re.compile(
    r"(?P<word>kemarin|yesterday|hari ini|today)\b(?P<rest>.*)", re.IGNORECASE
)

# Text that dateparser may see: a four-digit year (STRICT_PARSING then needs day and month too)
# or a counted relative phrase such as "1 jam 30 menit yang lalu".
_FALLBACK_WORTHY_RE = re.compile(r"\b\d{4}\b|\d.*\b(?:lalu|ago)$", re.IGNORECASE)


class _InvalidDate(ValueError):
    """The text has a known date shape but names a day or time that does not exist."""


def parse_date(
    text: str | None, *, default_tz: tzinfo, now: datetime | None = None
) -> datetime | None:
    """Return the moment `text` names, in UTC, or None when it cannot be read with confidence.

    `default_tz` is the zone of times written without one (the site's own zone); `now`, which
    must be aware, is the reference for "5 menit lalu" and defaults to the current time.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not text:
        return None
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > _MAX_LENGTH:
        return None

    try:
        found = _parse_fast(cleaned, default_tz, now)
    except _InvalidDate:
        # A known shape with impossible values: dateparser must not "correct" it.
        return None
    if found is None and _worth_asking_dateparser(cleaned):
        found = _parse_with_dateparser(cleaned, default_tz, now)
    return found.astimezone(UTC) if found is not None else None


def _clean(text: str) -> str:
    """Fold typography, collapse whitespace and drop labels such as "Diperbarui"."""
    text = " ".join(text.translate(_CHAR_MAP).split())
    while match := _PREFIX_RE.match(text):
        text = text[match.end() :]
    return text.strip(" ,.|-")


def _parse_fast(text: str, default_tz: tzinfo, now: datetime) -> datetime | None:
    """Read the common shapes; None means "not one of them" (raises _InvalidDate if impossible)."""
    return (
        _parse_absolute(text, default_tz)
        or _parse_relative(text, default_tz, now)
        or _parse_day_word(text, default_tz, now)
    )


def _parse_absolute(text: str, default_tz: tzinfo) -> datetime | None:
    """Read a calendar date, then an optional time and zone after it."""
    text = _strip_weekday(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            break
    else:
        return None

    month = _month_number(match["month"])
    if month is None:
        return None
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000 if year < 50 else 1900  # RFC 2822's rule for two-digit years
    try:
        day = date(year, month, int(match["day"]))
    except ValueError:
        # Impossible whatever follows: dateparser must not get a chance to reorder it.
        raise _InvalidDate(text) from None
    clock = _read_clock(text[match.end() :], default_tz)
    if clock is None:
        return None
    clock_time, zone = clock
    # A date without a time is midnight in its zone.
    return datetime.combine(day, clock_time or time(0), tzinfo=zone)


def _strip_weekday(text: str) -> str:
    match = _WEEKDAY_RE.match(text)
    if match and match["name"].lower() in DAY_NAMES:
        return text[match.end() :]
    return text


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)  # out of range is caught when the date is built
    return MONTHS.get(text.lower())


def _read_clock(text: str, default_tz: tzinfo) -> tuple[time | None, tzinfo] | None:
    """Read "[separator] [time] [zone]" after a date; None if something else follows it.

    The time is None when there is none.
    """
    match = _CLOCK_RE.fullmatch(text)
    if match is None:
        return None
    zone = _read_zone(match["zone"], default_tz)
    if zone is None:
        return None
    if match["hour"] is None:
        return None, zone

    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    microsecond = int((match["fraction"] or "0").ljust(6, "0")[:6])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise _InvalidDate(text)
        pm = match["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    try:
        return time(hour, minute, second, microsecond), zone
    except ValueError:
        raise _InvalidDate(text) from None


def _read_zone(text: str, default_tz: tzinfo) -> tzinfo | None:
    """Read "WIB", "GMT", "+0700", "+07:00", "GMT+7"; "" means `default_tz`."""
    if not text:
        return default_tz
    named = _UTC_ZONES.get(text.upper())
    if named is not None:
        return named
    match = _OFFSET_RE.fullmatch(text)
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes > 59:
        raise _InvalidDate(text)
    sign = -1 if match["sign"] == "-" else 1
    return _offset_zone(sign * (hours * 60 + minutes))


@cache
def _offset_zone(minutes: int) -> timezone:
    """Fixed-offset zones, built once each: a feed repeats the same offset on every entry."""
    return timezone(timedelta(minutes=minutes))


def _parse_relative(text: str, default_tz: tzinfo, now: datetime) -> datetime | None:
    """Read "baru saja", "5 menit yang lalu", "sejam lalu", "2 bulan lalu", "an hour ago"."""
    if text.lower() in _JUST_NOW:
        return now
    match = _RELATIVE_RE.fullmatch(text)
    if match is None:
        return None
    count = int(match["count"] or 1)  # "sejam", "an hour"
    unit = match["unit"].lower()
    if unit in _EXACT_UNITS:
        return now - count * _EXACT_UNITS[unit]
    if unit in _CALENDAR_UNITS:
        return _months_before(now.astimezone(default_tz), count * _CALENDAR_UNITS[unit])
    return None


def _months_before(moment: datetime, months: int) -> datetime:
    """Same day and clock time `months` earlier; the 31st becomes the month's last day."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _parse_day_word(text: str, default_tz: tzinfo, now: datetime) -> datetime | None:
    """Read "kemarin", "kemarin pukul 14.40 WIB", "hari ini, 09:15", "yesterday 2:40 PM"."""
    match = _DAY_WORD_RE.fullmatch(text)
    if match is None:
        return None
    yesterday = match["word"].lower() in ("kemarin", "yesterday")
    if not match["rest"].strip():
        # No clock time: "kemarin" is taken as 24 hours ago, "hari ini" alone says too little.
        return now - timedelta(days=1) if yesterday else None

    clock = _read_clock(match["rest"], default_tz)
    if clock is None or clock[0] is None:
        return None
    clock_time, zone = clock
    day = now.astimezone(zone).date() - timedelta(days=1 if yesterday else 0)
    return datetime.combine(day, clock_time, tzinfo=zone)


def _worth_asking_dateparser(text: str) -> bool:
    """Only words with a full date or a counted relative phrase: never bare numbers."""
    has_letters = any(char.isalpha() for char in text)
    return has_letters and _FALLBACK_WORTHY_RE.search(text) is not None


def _parse_with_dateparser(text: str, default_tz: tzinfo, now: datetime) -> datetime | None:
    """Ask dateparser about the shapes the fast path does not know. Slow: milliseconds."""
    # Imported here: it takes a fifth of a second to import, and most calls never need it.
    import dateparser

    local_now = now.astimezone(default_tz)
    settings = {
        "DATE_ORDER": "DMY",
        # Never swap day and month when the numbers do not fit DMY.
        "STRICT_DATE_ORDER": "all",
        "TIMEZONE": _zone_name(default_tz, local_now),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        # A missing day, month or year gives None rather than one taken from RELATIVE_BASE.
        "STRICT_PARSING": True,
        # No "timestamp" (reads "1668150000") and no "no-spaces-time" (reads "20221114").
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
    }
    try:
        found = dateparser.parse(text, languages=["id", "en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    if found is None:
        return None
    if found.utcoffset() is None:
        found = found.replace(tzinfo=default_tz)
    return found


def _zone_name(zone: tzinfo, local_now: datetime) -> str:
    """The name dateparser wants: the IANA key if there is one, else the offset ("+0700")."""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    offset = local_now.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
