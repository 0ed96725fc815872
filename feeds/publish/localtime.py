"""Times for people, in Indonesian: "Jumat, 27 November 2026 14:40 WITA".

Articles are stored in UTC. A reader in Makassar expects a Makassar story at Makassar time,
so each time is shown in the zone of the source that carries it (its configured `timezone`),
named the way Indonesians name their three zones: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip
INDONESIAN_ZONES = {
    timedelta(hours=7): "WIB",
    timedelta(hours=8): "WITA",
    timedelta(hours=9): "WIT",
}


def indonesian_time(moment: datetime, zone: str) -> str:
    """`moment` (aware) as "Jumat, 27 November 2026 14:40 WITA" in the IANA zone `zone`."""
    local = moment.astimezone(ZoneInfo(zone))
    day = DAYS[local.weekday()]
    month = MONTHS[local.month - 1]
    return f"{day}, {local.day} {month} {local.year} {local:%H:%M} {zone_label(local)}"


def zone_label(local: datetime) -> str:
    """WIB/WITA/WIT for Indonesia's zones; elsewhere the zone's own abbreviation, so a source
    abroad (Asia/Singapore, also UTC+8) is shown as "+08" rather than mislabelled WITA."""
    if getattr(local.tzinfo, "key", None) in INDONESIA:
        label = INDONESIAN_ZONES.get(local.utcoffset() or timedelta(0))
        if label:
            return label
    return local.tzname() or local.strftime("%z")


# The IANA zones that cover Indonesia (Ujung_Pandang is Makassar's old name).
INDONESIA = frozenset(
    {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Ujung_Pandang", "Asia/Jayapura"}
)
