"""Publish: output selection, atomic change-only writes."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds.config.model import Match, Output, Source
from feeds.publish.atomic import StagedFiles, write_if_changed
from feeds.publish.select import select_articles
from feeds.publish.writer import hex_escape_plain_text
from feeds.store import StoredArticle
from feeds.store.schema import ArticleRow


def stored(
    number: int,
    *,
    sources: list[str],
    categories: list[str] = (),
    title: str = "Judul",
    summary: str = "",
) -> StoredArticle:
    row = ArticleRow(
        id=f"https://x.example/{number}",
        title=title,
        summary=summary,
        categories=list(categories),
        date=datetime(2026, 11, number, tzinfo=UTC),
    )
    return StoredArticle(row=row, source_ids=sources)


SOURCES = [
    Source(id="antara", name="ANTARA", url="https://a.example/rss"),
    Source(
        id="kabarsulsel", name="Kabar Sulsel", url="https://k.example/rss", categories=["sulsel"]
    ),
]
ARTICLES = [
    stored(9, sources=["antara"], title="Banjir rob di Jakarta Utara"),
    stored(8, sources=["kabarsulsel"], title="Pelantikan pejabat Pemprov"),
    stored(7, sources=["antara"], categories=["Sulsel"], title="Kebanjiran di Maros"),
    stored(
        6, sources=["antara", "kabarsulsel"], title="Harga beras", summary="BANJIR menaikkan harga"
    ),
    stored(5, sources=["antara"], title="Olahraga: PSM menang"),
]


def ids(output: Output, limit: int = 50) -> list[int]:
    chosen = select_articles(ARTICLES, output, SOURCES, limit)
    return [int(article.row.id.rsplit("/", 1)[1]) for article in chosen]


def test_everything_in_order_up_to_the_limit() -> None:
    assert ids(Output(slug="all", title="All")) == [9, 8, 7, 6, 5]
    assert ids(Output(slug="all", title="All"), limit=2) == [9, 8]


def test_include_by_source_category_of_article_or_of_source() -> None:
    assert ids(Output(slug="a", title="A", include=Match(sources=["kabarsulsel"]))) == [8, 6]
    # "sulsel" is an article category (7, any case) or a category of a carrying source (8, 6).
    assert ids(Output(slug="s", title="S", include=Match(categories=["sulsel"]))) == [8, 7, 6]


def test_keywords_match_whole_words_in_title_or_summary_any_case() -> None:
    assert ids(Output(slug="k", title="K", include=Match(keywords=["banjir"]))) == [9, 6]


def test_kinds_of_include_combine_and_exclude_wins() -> None:
    both = Match(categories=["sulsel"], keywords=["banjir"])
    assert ids(Output(slug="b", title="B", include=both)) == [6]
    output = Output(slug="x", title="X", exclude=Match(sources=["kabarsulsel"], keywords=["PSM"]))
    assert ids(output) == [9, 7]


def test_write_if_changed_is_atomic_and_leaves_identical_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "out" / "berita-terkini.rss"
    assert write_if_changed(path, b"<rss>1</rss>") is True
    assert path.read_bytes() == b"<rss>1</rss>"
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert write_if_changed(path, b"<rss>1</rss>") is False
    assert path.stat().st_mtime == 1_000_000_000  # untouched: readers' Last-Modified holds
    assert write_if_changed(path, b"<rss>2</rss>") is True
    assert [p.name for p in path.parent.iterdir()] == ["berita-terkini.rss"]  # no temp left


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "berita-terkini.rss"
    path.write_bytes(b"old")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        write_if_changed(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["berita-terkini.rss"]


def test_staged_files_left_without_commit_leave_no_trace(tmp_path: Path) -> None:
    """An error while rendering the next document: the ones staged so far are removed and
    the published files stay as they were."""
    old = tmp_path / "berita-terkini.rss"
    old.write_bytes(b"old")
    with pytest.raises(RuntimeError), StagedFiles() as staged:
        staged.add(old, b"new")
        staged.add(tmp_path / "berita-terkini.atom", b"<feed/>")
        raise RuntimeError("rendering failed")
    assert old.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["berita-terkini.rss"]


def test_a_failed_stage_renames_nothing(tmp_path: Path) -> None:
    first = tmp_path / "berita-terkini.rss"
    first.write_bytes(b"old")
    (tmp_path / "not-a-folder").write_bytes(b"")
    unwritable = tmp_path / "not-a-folder" / "kanal.json"
    with pytest.raises(OSError) as error, StagedFiles() as staged:
        staged.add(first, b"new")
        staged.add(unwritable, b"{}")
        staged.commit()
    assert error.value.filename == str(unwritable)
    assert first.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["berita-terkini.rss", "not-a-folder"]


def test_plain_text_gets_hexadecimal_references_and_markup_stays() -> None:
    document = (
        b"<title>AT&amp;T &lt;3</title><title>Harga beras</title>"
        b"<description>&lt;p&gt;AT&amp;T&lt;/p&gt;</description><category>A&amp;B</category>"
    )
    assert hex_escape_plain_text(document) == (
        b"<title>AT&#x26;T &#x3C;3</title><title>Harga beras</title>"
        b"<description>&lt;p&gt;AT&amp;T&lt;/p&gt;</description><category>A&#x26;B</category>"
    )
