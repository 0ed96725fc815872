"""Real-world feeds from ../shared/corpus/ through extract + normalise: nothing escapes.

Skipped when the corpus is absent; its files are read in place, never copied.
"""

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
