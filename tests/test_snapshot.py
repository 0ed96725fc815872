"""The README's first command: the offline snapshot publishes a real Berita Terkini stream.

Runs the installed `feeds` command in a subprocess, exactly as a user would, but with the
database and output in a temporary folder so the repository is left alone.
"""

import shutil
import subprocess
import sys
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
from lxml import etree

from tests.conftest import REPO, feed_problems

SEED_TITLE = "Komdigi Dorong Pemprov Sulsel Perluas Pelatihan Talenta Digital bagi ASN dan Guru"


def feeds_command() -> list[str]:
    installed = shutil.which("feeds")
    return [installed] if installed else [sys.executable, "-m", "feeds"]


def run_snapshot(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*feeds_command(), "run", "--sources", str(REPO / "snapshot" / "sources.yaml"),
         "--output", str(tmp_path / "output"), "--db", f"sqlite:///{tmp_path / 'feeds.db'}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_offline_snapshot_publishes_berita_terkini(tmp_path: Path) -> None:
    result = run_snapshot(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "5 sources, 5 ok, 0 failed" in result.stdout

    rss = (tmp_path / "output" / "berita-terkini.rss").read_bytes()
    atom = (tmp_path / "output" / "berita-terkini.atom").read_bytes()
    items = etree.fromstring(rss).findall("channel/item")
    # 37 items in five feeds; one story is carried by two of them and published once.
    assert len(items) == 36
    links = [item.findtext("link") for item in items]
    assert len(set(links)) == 36
    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in items]
    assert dates == sorted(dates, reverse=True)

    seed = next(item for item in items if item.findtext("title") == SEED_TITLE)
    # Published 14:40 WITA = 06:40 UTC; the dateline stays in the body, the byline is the author.
    assert parsedate_to_datetime(seed.findtext("pubDate")) == datetime.fromisoformat(
        "2026-11-27T06:40:00+00:00"
    )
    assert seed.findtext("{http://purl.org/dc/elements/1.1/}creator") == "doelbeckz"

    # detakjakarta writes "... 09:15:00 WIB": that is 02:15 UTC, not 09:15 UTC.
    detak = [parsedate_to_datetime(item.findtext("pubDate")) for item in items
             if "detakjakarta" in item.findtext("link")]  # fmt: skip
    assert detak and all(date.hour < 9 or date.day < 27 for date in detak)

    sulsel = etree.fromstring((tmp_path / "output" / "sulsel.rss").read_bytes())
    assert 0 < len(sulsel.findall("channel/item")) < 36

    assert feedparser.parse(atom).entries[0].title == feedparser.parse(rss).entries[0].title
    assert feed_problems(tmp_path / "output") == []
    assert feed_problems(tmp_path / "output", "sulsel") == []

    again = run_snapshot(tmp_path)
    assert again.stdout.count("not modified") == 5
    assert (tmp_path / "output" / "berita-terkini.rss").read_bytes() == rss


def test_the_real_sources_yaml_is_valid() -> None:
    result = subprocess.run([*feeds_command(), "check", "--sources", str(REPO / "sources.yaml")],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "berita-terkini" in result.stdout
