"""Store: upserts, dedup across sources, guid following, retention with tombstones."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from feeds.fetch import Validators
from feeds.normalise.article import Article
from feeds.store import Store
from feeds.store.schema import ArticleRow, ArticleSourceRow

T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


def article(
    url: str,
    *,
    source: str = "a",
    guid: str | None = None,
    title: str = "Judul",
    published: datetime | None = T0,
) -> Article:
    return Article(
        id=url,
        source_id=source,
        guid=guid,
        url=url,
        title=title,
        summary="Ringkasan.",
        content_html="<p>Isi.</p>",
        published_at=published,
    )


def save(store: Store, source: str, articles: list[Article], at: datetime):  # type: ignore[no-untyped-def]
    return store.save_fetch(
        source,
        f"https://{source}.example/feed",
        articles,
        validators=Validators(etag='"1"'),
        status=200,
        fetched_at=at,
        warnings=[],
        moved_to=None,
    )


def test_new_updated_unchanged_in_a_real_sqlite_file(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    counts = save(store, "a", [article("https://x.example/1"), article("https://x.example/2")], T0)
    assert (counts.new, counts.updated, counts.unchanged) == (2, 0, 0)

    later = T0 + timedelta(hours=1)
    counts = save(
        store,
        "a",
        [article("https://x.example/1", title="Judul (ralat)"), article("https://x.example/2")],
        later,
    )
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 1)
    rows = {item.row.id: item.row for item in store.latest_articles()}
    assert rows["https://x.example/1"].title == "Judul (ralat)"
    assert rows["https://x.example/1"].updated_at == later  # the edit is visible as an update
    assert rows["https://x.example/1"].date == T0  # but the article keeps its date
    assert rows["https://x.example/2"].updated_at == T0
    store.close()
    assert (tmp_path / "state.db").exists()


def test_the_same_story_from_two_sources_is_stored_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    save(store, "a", [article("https://x.example/story", source="a", title="Versi A")], T0)
    counts = save(store, "b", [article("https://x.example/story", source="b", title="Versi B")], T0)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 1)
    [stored] = list(store.latest_articles())
    assert stored.row.title == "Versi A"  # the first source owns the content
    assert stored.source_ids == ["a", "b"]
    assert store.article_counts() == {"a": 1, "b": 1}


def test_an_item_whose_link_changed_keeps_its_id_through_its_guid(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    save(store, "a", [article("https://x.example/judul-lama", guid="p-1")], T0)
    moved = article("https://x.example/judul-baru", guid="p-1", title="Judul baru")
    counts = save(store, "a", [moved], T0 + timedelta(minutes=15))
    assert (counts.new, counts.updated) == (0, 1)
    [stored] = list(store.latest_articles())
    assert stored.row.id == "https://x.example/judul-lama"
    assert stored.row.url == "https://x.example/judul-baru"


def test_undated_article_keeps_its_first_seen_date(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    save(store, "a", [article("https://x.example/1", published=None)], T0)
    save(store, "a", [article("https://x.example/1", published=None)], T0 + timedelta(days=1))
    [stored] = list(store.latest_articles())
    assert stored.row.date == T0 and not stored.row.date_from_source


def test_retention_retires_old_articles_and_they_never_come_back_as_new(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    save(
        store,
        "a",
        [article("https://x.example/old", published=None), article("https://x.example/kept")],
        T0,
    )
    save(store, "a", [article("https://x.example/kept")], T0 + timedelta(days=40))
    retired = store.prune(last_seen_before=T0 + timedelta(days=10), now=T0 + timedelta(days=40))
    assert retired == 1
    assert [a.row.id for a in store.latest_articles()] == ["https://x.example/kept"]

    # The feed lists the old undated article again: it returns with its original date.
    save(store, "a", [article("https://x.example/old", published=None)], T0 + timedelta(days=41))
    restored = {a.row.id: a.row for a in store.latest_articles()}["https://x.example/old"]
    assert restored.date == T0 and restored.first_seen_at == T0


def test_not_modified_keeps_listed_articles_current(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    save(store, "a", [article("https://x.example/1")], T0)
    later = T0 + timedelta(days=20)
    store.save_not_modified(
        "a", "https://a.example/feed", validators=Validators(), fetched_at=later
    )
    with store.session() as session:
        assert session.scalar(select(ArticleRow.last_seen_at)) == later
    assert store.validators_for("a", "https://a.example/feed") == Validators(etag='"1"')
    # A changed URL is a different resource: no validators are sent for it.
    assert store.validators_for("a", "https://a.example/other") == Validators()


def test_failures_count_up_and_reset_on_success(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    url = "https://a.example/feed"
    for expected in (1, 2, 3):
        assert store.save_failure("a", url, error="HTTP 500", status=500, fetched_at=T0) == expected
    save(store, "a", [], T0 + timedelta(minutes=5))
    [row] = store.sources()
    assert (row.consecutive_failures, row.last_error, row.last_status) == (0, None, 200)


def test_a_feed_listing_an_item_twice_stores_it_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    counts = save(store, "a", [article("https://x.example/1"), article("https://x.example/1")], T0)
    assert counts.new == 1
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleSourceRow)) == 1


def test_not_modified_marks_listed_articles_at_most_hourly(tmp_path: Path) -> None:
    """A 304 every few minutes must not rewrite every listed article each time; the articles
    are still marked often enough for retention (days)."""
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    save(store, "a", [article("https://x.example/1")], T0)

    def not_modified(at: datetime) -> datetime:
        store.save_not_modified("a", "https://a.example/feed", validators=Validators(),
                                fetched_at=at)  # fmt: skip
        with store.session() as session:
            return session.scalar(select(ArticleRow.last_seen_at))

    assert not_modified(T0 + timedelta(minutes=15)) == T0
    assert not_modified(T0 + timedelta(minutes=59)) == T0
    assert not_modified(T0 + timedelta(minutes=61)) == T0 + timedelta(minutes=61)
    assert not_modified(T0 + timedelta(minutes=90)) == T0 + timedelta(minutes=61)
    assert not_modified(T0 + timedelta(days=40)) == T0 + timedelta(days=40)
    assert store.prune(last_seen_before=T0 + timedelta(days=10), now=T0 + timedelta(days=40)) == 0
