"""The benchmark keeps working: its corpus is deterministic and true, and a small run of the
whole harness goes through. Figures are not checked here (DEVELOPERS.md: speed is measured in
bench/, not asserted in tests); correctness inside the run is."""

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import feedparser
import lxml.html

from bench import corpus

REPO = Path(__file__).resolve().parents[1]


def test_the_corpus_is_the_same_every_time_and_its_truth_is_right(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "a", 20, port=8080)
    corpus.generate(tmp_path / "b", 20, port=8080)

    def names(folder: Path) -> list[Path]:
        return sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())

    files = names(tmp_path / "a")
    assert files == names(tmp_path / "b")
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()

    # The truth is every distinct link of every feed, newest first, read back by feedparser
    # (whose dates are right for +0700 and +08:00, and which the WIB/WITA items do not need
    # here: only membership is checked by it).
    truth = json.loads((tmp_path / "a" / "truth.json").read_text())
    links = set()
    kinds = set()
    for path in (tmp_path / "a" / "site").rglob("*.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, path
        assert len(parsed.entries) == corpus.ITEMS
        kinds.add(parsed.version)
        links |= {entry.link.split("?")[0] for entry in parsed.entries}
    for path in (tmp_path / "a" / "site").rglob("*.html"):  # sites with no feed
        page = lxml.html.fromstring(path.read_bytes())
        listed = page.cssselect(corpus.LISTING_SELECTORS["item"])
        assert len(listed) == corpus.ITEMS
        kinds.add("listing")
        links |= {item.cssselect("h2 a")[0].get("href").split("?")[0] for item in listed}
    assert {link for link, _ in truth} == links
    assert [date for _, date in truth] == sorted((date for _, date in truth), reverse=True)
    assert kinds == {"rss20", "atom10", "listing"}


def test_a_change_rewrites_only_the_changed_feeds_and_moves_the_truth(tmp_path: Path) -> None:
    corpus.generate(tmp_path, 10, port=8080)
    before = {path: path.read_bytes() for path in (tmp_path / "site").rglob("*.xml")}
    changed = corpus.change(tmp_path, 0.2)
    after = {path: path.read_bytes() for path in (tmp_path / "site").rglob("*.xml")}
    assert changed == 2
    assert sum(before[path] != after[path] for path in before) == 2
    newest = [link for link, _ in json.loads((tmp_path / "truth.json").read_text())[:10]]
    fresh = {
        entry.link.split("?")[0]
        for path in before
        if before[path] != after[path]
        for entry in feedparser.parse(after[path]).entries[:5]
    }
    assert set(newest) == fresh  # the ten new stories are the ten newest of all


def test_the_dates_are_written_in_the_zones_they_claim() -> None:
    """WIB items must say +07:00 time, WITA +08:00: the trap the bench is built around."""
    feeds = corpus.build(8)
    rng = random.Random(3)
    text = "".join(corpus.render(feed, rng) for feed in feeds)
    assert " WIB</pubDate>" in text and " WITA</pubDate>" in text and "+0700</pubDate>" in text


def test_a_small_run_of_the_whole_harness(tmp_path: Path) -> None:
    """Every scenario but the slow ones, on 20 sources (one a listing page), with the Python
    stand-in server (no nginx needed): it must finish, and every feeds run must publish the
    true newest items."""
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--sources", "20", "--repeat", "1", "--growth", "",
         "--skip", "serve", "--server", "python", "--work", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("KEY ")
    assert "cold right=100%" in key
    assert "unchanged rewritten=no" in key
    for scenario in ("feeds cold", "feeds no-change", "feeds 10% changed", "feeds same, no 304s",
                     "naive", "floor"):  # fmt: skip
        assert scenario in result.stdout


def test_the_store_replay_stores_every_digested_article(tmp_path: Path) -> None:
    """bench/bench_store.py on 20 sources: the replayed saves must leave every article of the
    digested feeds in the file, and both lines (as shipped, synchronous=OFF) are printed."""
    result = subprocess.run(
        [sys.executable, "bench/bench_store.py", "--sources", "20", "--repeat", "1",
         "--server", "python", "--work", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    header = result.stdout.splitlines()[0]
    articles = int(header.split(" articles")[0].split()[-1])
    assert articles > 0 and "(19 feeds)" in header  # one source in twenty is a listing page
    for label in ("floor (fetch + lxml)", "store every article (as shipped)", "synchronous=OFF"):
        assert label in result.stdout
    with sqlite3.connect(tmp_path / "replay.db") as database:
        [(stored,)] = database.execute("SELECT count(*) FROM articles").fetchall()
    assert stored == articles


def test_big_corpora_stay_in_the_past_and_on_whole_minutes_for_listing_pages() -> None:
    """A listing page prints minutes: its stories must sit on whole minutes (there are only
    10,080 a week, so big corpora span more weeks), and no story may be in the future, where
    feeds would rightly clamp its date and the truth would no longer hold."""
    feeds = corpus.build(2500)
    dates = [story.date for feed in feeds for story in feed.stories]
    assert max(dates) <= corpus.END
    assert len(set(dates)) == len({story.link for feed in feeds for story in feed.stories})
    listed = [story.date for feed in feeds if feed.kind == "html" for story in feed.stories]
    assert listed and all(date.second == 0 for date in listed)
