"""Real-world feeds from ../shared/corpus/ through extract + normalise: nothing escapes.

Skipped when the corpus is absent; its files are read in place, never copied.
"""

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.extract import ExtractError, parse_feed
from feeds.normalise.article import normalise_entry
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
FEED_FOLDERS = [
    "feedparser-wellformed", "feedparser-illformed", "feedparser-encoding",
    "feedparser-entities", "feedparser-json", "feed-rs-fixtures", "misc",
]  # fmt: skip


def corpus_files() -> list[Path]:
    files = []
    for folder in FEED_FOLDERS:
        files += sorted(p for p in (CORPUS / folder).rglob("*") if p.is_file())
    rss = CORPUS / "indonesian" / "rss-real-2019"
    files += sorted(p for p in rss.rglob("*") if p.is_file())
    return files


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_every_corpus_feed_extracts_or_is_cleanly_rejected() -> None:
    files = corpus_files()
    assert len(files) > 300
    fetched_at = datetime(2026, 11, 28, tzinfo=UTC)
    articles = rejected = 0
    for file in files:
        try:
            result = parse_feed(file.read_bytes(), url=f"https://corpus.example/{file.name}")
        except ExtractError:
            rejected += 1
            continue
        for entry in result.entries:
            article = normalise_entry(entry, source_id="corpus", timezone=ZoneInfo("Asia/Jakarta"),
                                      fetched_at=fetched_at)  # fmt: skip
            if article is None:
                continue
            articles += 1
            assert article.published_at is None or article.published_at.tzinfo is not None
            assert "<script" not in article.content_html.lower(), file
            assert article.id.startswith(("http://", "https://", "urn:uuid:", "tag:", "urn:"))
    assert articles > 300
    assert rejected < len(files) // 4


def expected_minimum_entries(expectation: str) -> int:
    """feedparser's own test asserts on entries[i]: the feed has at least i + 1 entries."""
    indexes = [int(number) for number in re.findall(r"entries\[(\d+)\]", expectation)]
    return max(indexes) + 1 if indexes else 0


def expectations() -> list[tuple[str, str, str]]:
    rows = []
    with (CORPUS / "feedparser-expect.tsv").open(encoding="utf-8") as table:
        next(table)
        for line in table:
            path, _description, expect, header = (line.rstrip("\n").split("\t") + [""] * 4)[:4]
            if path.startswith("feedparser-wellformed/"):
                rows.append((path, expect, header))
    return rows


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_well_formed_feedparser_files_give_the_entries_feedparser_gives() -> None:
    """Our screened, unsanitised reading loses no entry feedparser's own reading finds."""
    import feedparser

    rows = expectations()
    assert len(rows) > 150
    for path, expect, header in rows:
        body = (CORPUS / path).read_bytes()
        content_type = header.split(":", 1)[1].strip() if ":" in header else None
        reference = feedparser.parse(body, response_headers={"content-type": content_type}
                                     if content_type else None)  # fmt: skip
        try:
            ours = parse_feed(body, url="https://corpus.example/feed", content_type=content_type)
        except ExtractError:
            assert not reference.entries, path  # rejected only when there is nothing to read
            continue
        assert len(ours.entries) == len(reference.entries), path
        assert len(ours.entries) >= expected_minimum_entries(expect), path
