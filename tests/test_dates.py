"""parse_date against date text as Indonesian feeds and news pages write it."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.normalise import dates
from feeds.normalise.dates import ZONE_OFFSETS, parse_date

JAKARTA = "Asia/Jakarta"  # WIB, UTC+7
MAKASSAR = "Asia/Makassar"  # WITA, UTC+8
JAYAPURA = "Asia/Jayapura"  # WIT, UTC+9

# Reference for relative forms: Monday 14 November 2022, 10:00 WIB = 03:00 UTC.
NOW = datetime(2022, 11, 14, 10, 0, tzinfo=ZoneInfo(JAKARTA))

# (text, zone of the site, expected instant in UTC). All of these must be read by the fast path.
FAST_CASES: list[tuple[str, str, str]] = [
    # Every Indonesian day name and full month name.
    ("Senin, 3 Januari 2022 08:30 WIB", JAKARTA, "2022-01-03T01:30:00+00:00"),
    ("Selasa, 15 Februari 2022 | 13:05 WIB", JAKARTA, "2022-02-15T06:05:00+00:00"),
    ("Rabu, 9 Maret 2022 - 19:45 WIB", JAKARTA, "2022-03-09T12:45:00+00:00"),
    ("Kamis, 14 April 2022 pukul 10.00 WITA", JAKARTA, "2022-04-14T02:00:00+00:00"),
    ("Jumat, 20 Mei 2022 14:40", JAKARTA, "2022-05-20T07:40:00+00:00"),
    ("Jum'at, 10 Juni 2022 16:00 WIT", JAKARTA, "2022-06-10T07:00:00+00:00"),
    ("Jum’at, 10 Juni 2022 16:00 WIT", JAKARTA, "2022-06-10T07:00:00+00:00"),
    ("Sabtu, 23 Juli 2022 07:15:30 WIB", JAKARTA, "2022-07-23T00:15:30+00:00"),
    ("Minggu, 14 Agustus 2022, 21:00 WIB", JAKARTA, "2022-08-14T14:00:00+00:00"),
    ("Ahad, 18 September 2022 09:00 WIB", JAKARTA, "2022-09-18T02:00:00+00:00"),
    ("Senin, 24 Oktober 2022 12:00 WIB", JAKARTA, "2022-10-24T05:00:00+00:00"),
    ("Jumat, 11 November 2022 14:40", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("Sabtu, 31 Desember 2022 23:59 WIB", JAKARTA, "2022-12-31T16:59:00+00:00"),
    # Every month abbreviation, and the old spellings Pebruari / Nopember.
    ("Rabu, 12 Jan 2022 10:00 WIB", JAKARTA, "2022-01-12T03:00:00+00:00"),
    ("28 Feb 2022 06:00 WIB", JAKARTA, "2022-02-27T23:00:00+00:00"),
    ("Selasa, 1 Mar 2022 | 09:15 WIB", JAKARTA, "2022-03-01T02:15:00+00:00"),
    ("Senin, 4 Apr 2022 - 11:11 WIB", JAKARTA, "2022-04-04T04:11:00+00:00"),
    ("17 Mei 2022, 17:17 WIB", JAKARTA, "2022-05-17T10:17:00+00:00"),
    ("Kamis, 30 Jun 2022 20:00 WIB", JAKARTA, "2022-06-30T13:00:00+00:00"),
    ("1 Jul 2022 00:30 WIB", JAKARTA, "2022-06-30T17:30:00+00:00"),
    ("17 Agu 2022 10:00 WIB", JAKARTA, "2022-08-17T03:00:00+00:00"),
    ("17 Agt 2022 10:00 WIB", JAKARTA, "2022-08-17T03:00:00+00:00"),
    ("17 Ags 2022 10:00", JAKARTA, "2022-08-17T03:00:00+00:00"),
    ("17 Agust. 2022 10:00 WIB", JAKARTA, "2022-08-17T03:00:00+00:00"),
    ("Selasa, 6 Sep 2022 08:00 WIB", JAKARTA, "2022-09-06T01:00:00+00:00"),
    ("6 Sept 2022 08:00 WIB", JAKARTA, "2022-09-06T01:00:00+00:00"),
    ("Jumat, 7 Okt 2022 15:30 WIB", JAKARTA, "2022-10-07T08:30:00+00:00"),
    ("Kamis, 1 Des 2022 13:00 WIB", JAKARTA, "2022-12-01T06:00:00+00:00"),
    ("1 des. 2022 13:00 wib", JAKARTA, "2022-12-01T06:00:00+00:00"),
    ("14 NOVEMBER 2022 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("Rabu, 9 Nopember 2022 08:00 WIB", JAKARTA, "2022-11-09T01:00:00+00:00"),
    ("10 Pebruari 2022", JAKARTA, "2022-02-09T17:00:00+00:00"),
    # Separators and words sites put between date and time.
    ("Senin, 14 Nov 2022 | 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("Senin, 14 Nov 2022 - 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("Senin, 14 Nov 2022 – 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("14 November 2022, 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("Senin, 14 Nov 2022 · 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("Senin, 14/11/2022, 09:15 WIB", MAKASSAR, "2022-11-14T02:15:00+00:00"),
    ("Kamis, 10 November 2022 pukul 14.40 WITA", JAKARTA, "2022-11-10T06:40:00+00:00"),
    ("Kamis, 10 November 2022 jam 14:40 WIB", MAKASSAR, "2022-11-10T07:40:00+00:00"),
    ("  Senin,\u00a014 Nov 2022\n09:15   WIB ", JAKARTA, "2022-11-14T02:15:00+00:00"),
    # Labels and bylines before the date.
    ("Diperbarui 14 Nov 2022, 10:05", JAKARTA, "2022-11-14T03:05:00+00:00"),
    ("Update: 14 Nov 2022 10:05 WIB", JAKARTA, "2022-11-14T03:05:00+00:00"),
    ("Updated: 14 Nov 2022 10:05 WITA", JAKARTA, "2022-11-14T02:05:00+00:00"),
    ("Dipublikasikan: Senin, 14 November 2022 08:00 WIB", JAKARTA, "2022-11-14T01:00:00+00:00"),
    ("Diterbitkan Senin, 14 Nov 2022 08:00", JAKARTA, "2022-11-14T01:00:00+00:00"),
    ("Terbit: 14/11/2022 08:00 WIB", JAKARTA, "2022-11-14T01:00:00+00:00"),
    ("Published: November 11, 2022 2:40 PM", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("Posted on 11 November 2022 14:40", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("Oleh Rina Sari - Senin, 14 Nov 2022 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    # Times without a zone are in the site's zone.
    ("10 November 2022 14:40", JAKARTA, "2022-11-10T07:40:00+00:00"),
    ("10 November 2022 14:40", MAKASSAR, "2022-11-10T06:40:00+00:00"),
    ("10 November 2022 14:40", JAYAPURA, "2022-11-10T05:40:00+00:00"),
    ("10 November 2022 14:40 WIT", MAKASSAR, "2022-11-10T05:40:00+00:00"),
    ("10 November 2022", MAKASSAR, "2022-11-09T16:00:00+00:00"),
    # RFC 822 as in RSS; 14:40 WIB must be 07:40 UTC (feedparser says 14:40 UTC).
    ("Fri, 11 Nov 2022 14:40:00 WIB", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 WIB", JAYAPURA, "2022-11-11T07:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 WITA", JAKARTA, "2022-11-11T06:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 WIT", JAKARTA, "2022-11-11T05:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 +0700", MAKASSAR, "2022-11-11T07:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40 +0700", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("11 Nov 2022 14:40:00 +0800", JAKARTA, "2022-11-11T06:40:00+00:00"),
    ("Fri, 11 Nov 22 14:40:00 +0700", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("11 Nov 2022 14:40 GMT", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 UTC", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 -0000", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 14:40:00 GMT+7", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("Fri, 11 Nov 2022 09:40:00 EST", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 10:40:00 EDT", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 08:40:00 CST", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 09:40:00 CDT", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 07:40:00 MST", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 08:40:00 MDT", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 06:40:00 PST", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 07:40:00 PDT", JAKARTA, "2022-11-11T14:40:00+00:00"),
    ("Fri, 11 Nov 2022 09:40:00 -0500", JAKARTA, "2022-11-11T14:40:00+00:00"),
    # ISO 8601 / RFC 3339.
    ("2022-11-11T14:40:00+07:00", MAKASSAR, "2022-11-11T07:40:00+00:00"),
    ("2022-11-11T07:40:00Z", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("2022-11-11T14:40:00.123456+07:00", JAKARTA, "2022-11-11T07:40:00.123456+00:00"),
    ("2022-11-11T07:40:00.5Z", JAKARTA, "2022-11-11T07:40:00.500000+00:00"),
    ("2022-11-11T14:40+0700", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("2022-11-11 14:40:00", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("2022-11-11 14:40:00", JAYAPURA, "2022-11-11T05:40:00+00:00"),
    ("2022-11-11", JAKARTA, "2022-11-10T17:00:00+00:00"),
    ("2022-11-11", MAKASSAR, "2022-11-10T16:00:00+00:00"),
    # Numeric dates are day first.
    ("14/11/2022, 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("11/11/2022 14:40 WITA", JAKARTA, "2022-11-11T06:40:00+00:00"),
    ("14-11-2022 09:15", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("14-11-2022 09:15", MAKASSAR, "2022-11-14T01:15:00+00:00"),
    ("14.11.2022 09.15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("14/11/2022", JAKARTA, "2022-11-13T17:00:00+00:00"),
    ("05/11/2022 08:00", JAKARTA, "2022-11-05T01:00:00+00:00"),
    ("Kamis (10/11/2022)", JAKARTA, "2022-11-09T17:00:00+00:00"),
    ("Kamis (10/11/2022) 14:40 WITA", JAKARTA, "2022-11-10T06:40:00+00:00"),
    # English month names.
    ("11 November 2022 14:40", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("November 11, 2022 2:40 PM", JAKARTA, "2022-11-11T07:40:00+00:00"),
    ("Friday, November 11, 2022 at 2:40 PM EST", JAKARTA, "2022-11-11T19:40:00+00:00"),
    ("Nov. 11, 2022 12:05 AM", JAKARTA, "2022-11-10T17:05:00+00:00"),
    ("Thursday, 10th of November 2022 at 12:30 p.m.", JAKARTA, "2022-11-10T05:30:00+00:00"),
    ("11-Aug-2022 08:00", JAKARTA, "2022-08-11T01:00:00+00:00"),
    # Relative forms, against NOW (03:00 UTC). "kemarin" alone is exactly 24 hours earlier.
    ("baru saja", JAKARTA, "2022-11-14T03:00:00+00:00"),
    ("30 detik lalu", JAKARTA, "2022-11-14T02:59:30+00:00"),
    ("5 menit lalu", JAKARTA, "2022-11-14T02:55:00+00:00"),
    ("5 menit yang lalu", JAKARTA, "2022-11-14T02:55:00+00:00"),
    ("2 jam lalu", JAKARTA, "2022-11-14T01:00:00+00:00"),
    ("2 jam yang lalu", MAKASSAR, "2022-11-14T01:00:00+00:00"),
    ("sejam yang lalu", JAKARTA, "2022-11-14T02:00:00+00:00"),
    ("3 hari lalu", JAKARTA, "2022-11-11T03:00:00+00:00"),
    ("kemarin", JAKARTA, "2022-11-13T03:00:00+00:00"),
    ("Kemarin, 21:30", JAKARTA, "2022-11-13T14:30:00+00:00"),
    ("kemarin pukul 14.40 WITA", JAKARTA, "2022-11-13T06:40:00+00:00"),
    ("kemarin 14:40", MAKASSAR, "2022-11-13T06:40:00+00:00"),
    ("Hari ini, 09:15 WIB", JAKARTA, "2022-11-14T02:15:00+00:00"),
    ("1 minggu lalu", JAKARTA, "2022-11-07T03:00:00+00:00"),
    ("2 pekan lalu", JAKARTA, "2022-10-31T03:00:00+00:00"),
    ("2 bulan lalu", JAKARTA, "2022-09-14T03:00:00+00:00"),
    ("sebulan yang lalu", JAKARTA, "2022-10-14T03:00:00+00:00"),
    ("1 tahun lalu", JAKARTA, "2021-11-14T03:00:00+00:00"),
    ("just now", JAKARTA, "2022-11-14T03:00:00+00:00"),
    ("5 minutes ago", JAKARTA, "2022-11-14T02:55:00+00:00"),
    ("2 hours ago", JAKARTA, "2022-11-14T01:00:00+00:00"),
    ("an hour ago", JAKARTA, "2022-11-14T02:00:00+00:00"),
    ("3 days ago", JAKARTA, "2022-11-11T03:00:00+00:00"),
    ("yesterday", JAKARTA, "2022-11-13T03:00:00+00:00"),
    ("Yesterday at 2:40 PM", JAKARTA, "2022-11-13T07:40:00+00:00"),
]

# Shapes only dateparser reads.
FALLBACK_CASES: list[tuple[str, str, str]] = [
    ("11 Nov 2022 2 PM", JAKARTA, "2022-11-11T07:00:00+00:00"),
    ("11 Nov 2022 14h40", MAKASSAR, "2022-11-11T06:40:00+00:00"),
    ("2022 November 14", JAKARTA, "2022-11-13T17:00:00+00:00"),
    (
        "Tue Nov 8 2022 14:40:00 GMT+0700 (Western Indonesia Time)",
        JAYAPURA,
        "2022-11-08T07:40:00+00:00",
    ),
    ("1 jam 30 menit yang lalu", JAKARTA, "2022-11-14T01:30:00+00:00"),
    ("2 minggu 3 hari lalu", JAKARTA, "2022-10-28T03:00:00+00:00"),
    # Day first here too.
    ("05/11/2022 2 PM", JAKARTA, "2022-11-05T07:00:00+00:00"),
    ("09:15 WIB, 05/11/2022", MAKASSAR, "2022-11-05T02:15:00+00:00"),
]

# Not dates, or not dates we can read without guessing; rejected before dateparser is asked.
NONE_WITHOUT_DATEPARSER: list[str | None] = [
    None,
    "",
    "   ",
    "abc",
    "2022",
    "14",
    "1668150000",
    "20221114",
    "Senin",
    "Jumat",
    "32/13/2022",
    "11/13/2022",  # month 13: never read month first instead
    "30/02/2022",
    "31 Februari 2022",
    "31 Nov 2022 10:00 WIB",
    "14 Nov 2022 25:00",
    "14 Nov 2022 24:00 WIB",
    "14 Nov 2022 14:60",
    "31 Februari 2022 jam 9 pagi",
    "11/13/2022 2 PM",
    "11 Nov 2022 14:40 PM",
    "14/11/22",  # two-digit year: 2022-11-14 or 2014-11-22?
    "14/11",
    "14 Nov",
    "Kamis (10/11)",
    "hari ini",
    "beberapa menit lalu",
    "bulan lalu",
    "besok",
    "tomorrow",
    "5 menit",
    "Senin 14:40",
    "x" * 150 + " 14 Nov 2022",
]

# dateparser is asked and must not guess.
NONE_FROM_DATEPARSER: list[str] = [
    "November 2022",
    "Senin 2022",
    "14 Foo 2022 10:00",
    "lorem ipsum 2022 dolor",
    "14 Nov 2022 09:15 WIB (Diperbarui 10:00)",
    "09:15 WIB, 11/13/2022",  # must not become 13 November
]


def _refuse_dateparser(text: str, default_tz: object, now: object) -> None:
    raise AssertionError(f"dateparser was asked about {text!r}")


@pytest.mark.parametrize(("text", "zone", "expected"), FAST_CASES + FALLBACK_CASES)
def test_parse_date(text: str, zone: str, expected: str) -> None:
    result = parse_date(text, default_tz=ZoneInfo(zone), now=NOW)
    assert result is not None
    assert result.tzinfo is UTC
    assert result.isoformat() == expected


@pytest.mark.parametrize(("text", "zone", "expected"), FAST_CASES)
def test_common_formats_use_fast_path(
    monkeypatch: pytest.MonkeyPatch, text: str, zone: str, expected: str
) -> None:
    monkeypatch.setattr(dates, "_parse_with_dateparser", _refuse_dateparser)
    result = parse_date(text, default_tz=ZoneInfo(zone), now=NOW)
    assert result is not None
    assert result.isoformat() == expected


@pytest.mark.parametrize(("text", "zone", "expected"), FALLBACK_CASES)
def test_fallback_cases_come_from_dateparser(
    monkeypatch: pytest.MonkeyPatch, text: str, zone: str, expected: str
) -> None:
    # Keeps FALLBACK_CASES honest: without dateparser they are not read.
    monkeypatch.setattr(dates, "_parse_with_dateparser", lambda *args: None)
    assert parse_date(text, default_tz=ZoneInfo(zone), now=NOW) is None


@pytest.mark.parametrize("text", NONE_WITHOUT_DATEPARSER)
def test_rejected_without_dateparser(monkeypatch: pytest.MonkeyPatch, text: str | None) -> None:
    monkeypatch.setattr(dates, "_parse_with_dateparser", _refuse_dateparser)
    assert parse_date(text, default_tz=ZoneInfo(JAKARTA), now=NOW) is None


@pytest.mark.parametrize("text", NONE_FROM_DATEPARSER)
def test_dateparser_does_not_guess(text: str) -> None:
    assert parse_date(text, default_tz=ZoneInfo(JAKARTA), now=NOW) is None


def test_zone_offsets() -> None:
    assert ZONE_OFFSETS["WIB"] == 7
    assert ZONE_OFFSETS["WITA"] == 8
    assert ZONE_OFFSETS["WIT"] == 9
    assert ZONE_OFFSETS["GMT"] == ZONE_OFFSETS["UTC"] == ZONE_OFFSETS["Z"] == 0
    assert ZONE_OFFSETS["EST"] == -5
    assert ZONE_OFFSETS["PDT"] == -7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 November 2022 14:40", "2022-11-10T06:40:00+00:00"),  # fast path
        ("11 Nov 2022 2 PM", "2022-11-11T06:00:00+00:00"),  # dateparser, given "+0800"
    ],
)
def test_default_tz_without_iana_name(text: str, expected: str) -> None:
    fixed_wita = timezone(timedelta(hours=8))
    result = parse_date(text, default_tz=fixed_wita, now=NOW)
    assert result is not None
    assert result.isoformat() == expected


def test_now_defaults_to_current_time() -> None:
    before = datetime.now(UTC)
    result = parse_date("5 menit lalu", default_tz=ZoneInfo(JAKARTA))
    after = datetime.now(UTC)
    assert result is not None
    assert before - timedelta(minutes=5) <= result <= after - timedelta(minutes=5)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_date("5 menit lalu", default_tz=ZoneInfo(JAKARTA), now=datetime(2022, 11, 14))


def test_fast_path_does_not_import_dateparser() -> None:
    # In a fresh interpreter: this test session has imported dateparser already.
    code = (
        "import sys\n"
        "from zoneinfo import ZoneInfo\n"
        "from feeds.normalise.dates import parse_date\n"
        "assert parse_date('Fri, 11 Nov 2022 14:40:00 WIB', default_tz=ZoneInfo('Asia/Jakarta'))\n"
        "assert parse_date('Senin', default_tz=ZoneInfo('Asia/Jakarta')) is None\n"
        "assert 'dateparser' not in sys.modules\n"
    )
    project_root = Path(dates.__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=project_root, check=True)


@pytest.mark.parametrize("text", ["1668150000", "20221114", "Senin", "14 Nov"])
def test_dateparser_fallback_alone_does_not_guess(text: str) -> None:
    # Second line of defence: parse_date never hands these to dateparser, but should that
    # change, the fallback must still refuse them.
    assert dates._parse_with_dateparser(text, ZoneInfo(JAKARTA), NOW) is None
