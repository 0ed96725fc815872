"""The store's behaviours on both engines (a real SQLite file, a real PostgreSQL database), and
what only PostgreSQL has: two hosts writing the same articles at the same moment."""

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from feeds.cli import main
from feeds.fetch import Validators
from feeds.normalise.article import Image
from feeds.store import Store
from feeds.store.migrate import upgrade
from feeds.store.schema import ArticleRow, ArticleSourceRow
from tests.conftest import Workspace, serve_fixture
from tests.postgres import ADMIN_DSN, _admin, fresh_database, require_postgres
from tests.test_store import T0, article, save


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store(f"sqlite:///{tmp_path / 'state.db'}")
        yield opened
        opened.close()
        return
    for url in fresh_database():
        upgrade(url)
        opened = Store(url)
        yield opened
        opened.close()


def test_the_same_story_from_two_sources_is_stored_once(store: Store) -> None:
    save(store, "a", [article("https://x.example/story", source="a", title="Versi A")], T0)
    counts = save(store, "b", [article("https://x.example/story", source="b", title="Versi B")], T0)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 1)
    [stored] = list(store.latest_articles())
    assert (stored.row.title, stored.source_ids) == ("Versi A", ["a", "b"])
    assert store.article_counts() == {"a": 1, "b": 1}
    assert store.known_ids(["https://x.example/story", "https://x.example/other"]) == {
        "https://x.example/story"
    }


def test_an_item_whose_link_changed_keeps_its_id_through_its_guid(store: Store) -> None:
    save(store, "a", [article("https://x.example/judul-lama", guid="p-1")], T0)
    moved = article("https://x.example/judul-baru", guid="p-1", title="Judul baru")
    counts = save(store, "a", [moved], T0 + timedelta(minutes=15))
    assert (counts.new, counts.updated) == (0, 1)
    [stored] = list(store.latest_articles())
    assert (stored.row.id, stored.row.url) == (
        "https://x.example/judul-lama", "https://x.example/judul-baru")  # fmt: skip
    assert stored.row.updated_at == T0 + timedelta(minutes=15)


def test_retired_articles_keep_tombstones_and_return_with_their_dates(store: Store) -> None:
    old, kept = "https://x.example/old", "https://x.example/kept"
    save(store, "a", [article(old, published=None), article(kept)], T0)
    save(store, "a", [article(kept)], T0 + timedelta(days=40))
    retired = store.prune(last_seen_before=T0 + timedelta(days=10), now=T0 + timedelta(days=40))
    assert retired == 1
    assert [item.row.id for item in store.latest_articles()] == [kept]
    assert store.known_ids([old]) == {old}  # retired: never fetched again as new
    assert store.article_counts() == {"a": 1}

    save(store, "a", [article(old, published=None)], T0 + timedelta(days=41))
    restored = {item.row.id: item.row for item in store.latest_articles()}[old]
    assert (restored.date, restored.first_seen_at) == (T0, T0)
    assert store.prune(last_seen_before=T0, now=T0 + timedelta(days=42)) == 0


def test_latest_articles_newest_first_ties_by_id_bytewise(store: Store) -> None:
    """Ties are ordered by id as bytes on both engines, so both publish the same order."""
    tied = ["https://x.example/a", "https://x.example/B", "https://x.example/a-b",
            "https://x.example/ab", "https://x.example/Z", "https://x.example/é"]  # fmt: skip
    save(store, "a", [article(url) for url in tied], T0)
    save(store, "b", [article("https://x.example/newer", published=T0 + timedelta(hours=1))], T0)
    order = [item.row.id for item in store.latest_articles(batch=2)]  # several batches
    assert order == ["https://x.example/newer", *sorted(tied, key=str.encode)]


def test_values_survive_the_round_trip(store: Store) -> None:
    """Aware UTC dates (given in WITA), JSON lists, Unicode, integers, booleans."""
    wita = timezone(timedelta(hours=8))
    item = article("https://x.example/1", published=datetime(2026, 11, 27, 14, 40, tzinfo=wita))
    item.categories = ["Sulsel", "Ekonomi & Bisnis", "日本"]
    item.image = Image(url="https://x.example/1.jpg", type="image/jpeg", length=12_345)
    item.date_clamped = True
    save(store, "a", [item], datetime(2026, 11, 27, 7, tzinfo=UTC))
    [stored] = list(store.latest_articles())
    assert stored.row.date == datetime(2026, 11, 27, 6, 40, tzinfo=UTC)
    assert stored.row.date.utcoffset() == timedelta(0)
    assert stored.row.last_seen_at == datetime(2026, 11, 27, 7, tzinfo=UTC)
    assert stored.row.categories == ["Sulsel", "Ekonomi & Bisnis", "日本"]
    assert (stored.row.image_length, stored.row.date_clamped) == (12_345, True)
    store.save_failure("b", "https://b.example/feed", error="HTTP 500", status=500, fetched_at=T0)
    row = store.source_row("b")
    assert row is not None and row.last_error_at == T0 and row.warnings == []
    assert store.recent_dates("a", since=T0) == [datetime(2026, 11, 27, 6, 40, tzinfo=UTC)]


def test_values_longer_than_the_old_limits_are_stored(store: Store) -> None:
    """Feed content PostgreSQL's VARCHARs used to refuse; an over-long id is skipped and an
    over-long guid dropped the same way on both engines, and the rest of the fetch is kept."""
    long = article("https://x.example/long", guid="g" * 3000)
    long.image = Image(url="https://x.example/i.jpg", type="image/" + "x" * 300)
    long.language, long.location = "id-" + "x" * 60, "Kabupaten " * 30
    too_long = article("https://x.example/" + "p" * 2100)
    counts = save(store, "a", [long, too_long, article("https://x.example/short")], T0)
    assert counts.new == 2
    with store.session() as session:
        row = session.get(ArticleRow, "https://x.example/long")
        assert row is not None and row.location == "Kabupaten " * 30
        assert row.image_type == "image/" + "x" * 300
        query = select(ArticleSourceRow.article_id, ArticleSourceRow.guid)
        guids = dict(session.execute(query).all())
    assert guids["https://x.example/long"] is None


def test_long_in_lists(store: Store) -> None:
    """A 10,000-item sitemap: every IN (...) the store sends carries 12,000 ids."""
    items = [article(f"https://x.example/{number}", guid=f"g-{number}") for number in range(12_000)]
    assert save(store, "a", items, T0).new == 12_000
    ids = [item.id for item in items]
    assert len(store.known_ids(ids)) == 12_000
    later = T0 + timedelta(hours=1)
    counts = store.save_fetch("a", "https://a.example/feed", [replace(items[0])], status=200,
                              validators=Validators(), fetched_at=later,
                              warnings=[], moved_to=None, still_listed=ids[1:])  # fmt: skip
    assert counts.unchanged == 12_000
    with store.session() as session:
        assert session.scalar(select(func.min(ArticleRow.last_seen_at))) == later
    assert sum(1 for _ in store.latest_articles()) == 12_000


def test_more_ids_than_one_statement_takes(store: Store) -> None:
    """PostgreSQL takes at most 65,535 parameters a statement: longer lists go in pieces."""
    save(store, "a", [article("https://x.example/1"), article("https://x.example/69999")], T0)
    ids = [f"https://x.example/{number}" for number in range(70_000)]
    assert store.known_ids(ids) == {"https://x.example/1", "https://x.example/69999"}
    later = T0 + timedelta(hours=1)
    counts = store.save_fetch("a", "https://a.example/feed", [], validators=Validators(),
                              status=200, fetched_at=later, warnings=[], moved_to=None,
                              still_listed=ids)  # fmt: skip
    assert counts.unchanged == 70_000
    with store.session() as session:
        assert session.scalar(select(func.min(ArticleRow.last_seen_at))) == later


def test_saving_and_pruning_in_pieces_changes_nothing(store: Store, monkeypatch) -> None:
    """Lists cut into pieces of 3 behave as one list: counts, guid following, duplicates."""
    import feeds.store.store as store_module

    monkeypatch.setattr(store_module, "IN_LIST_CHUNK", 3)
    first = [article(f"https://x.example/{n}", guid=f"g-{n}") for n in range(8)]
    assert save(store, "a", first, T0).new == 8
    again = [article(f"https://x.example/{n}", guid=f"g-{n}") for n in range(8)]
    again[5] = article("https://x.example/5-moved", guid="g-5", title="Pindah")
    again.append(article("https://x.example/2"))  # listed twice: counts once
    counts = save(store, "a", again, T0 + timedelta(days=1))
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 7)
    assert store.known_ids([a.id for a in first]) == {a.id for a in first}
    assert store.article_counts() == {"a": 8}
    save(store, "a", first[:2], T0 + timedelta(days=40))
    assert store.prune(last_seen_before=T0 + timedelta(days=10), now=T0 + timedelta(days=40)) == 6
    assert store.article_counts() == {"a": 2}
    assert len(store.known_ids([a.id for a in first])) == 8  # six of them as tombstones


# Two hosts at once (PostgreSQL) ---------------------------------------------------------------

ORDERS = {"same order": False, "opposite order": True}


@pytest.mark.parametrize("reverse", ORDERS.values(), ids=ORDERS.keys())
def test_two_hosts_saving_the_same_new_articles_at_once(postgres_url: str, reverse: bool) -> None:
    """Both hosts read "not stored yet", then both insert: the primary key refuses the second
    copy (or PostgreSQL breaks the deadlock), the loser saves again once, re-reading, and links
    its source to the winner's rows. Nothing raises, nothing is stored twice."""
    upgrade(postgres_url)
    hosts = [Store(postgres_url), Store(postgres_url)]
    barrier = threading.Barrier(2, timeout=20)
    arrived: list[Store] = []

    def hold_first_write(host: Store) -> None:
        """Each host's first INSERT INTO articles waits until the other's is ready too."""
        waited: list[bool] = []

        @event.listens_for(host.engine, "before_cursor_execute")
        def collide(_connection, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
            if not waited and statement.startswith("INSERT INTO articles "):
                waited.append(True)
                arrived.append(host)
                barrier.wait()  # both have read "not stored"; now both write

    for host in hosts:
        hold_first_write(host)
    shared = [f"https://x.example/shared-{n}" for n in range(20)]
    batches = {
        "a": [*shared, "https://x.example/only-a"],
        "b": [*(reversed(shared) if reverse else shared), "https://x.example/only-b"],
    }
    results: dict[str, object] = {}

    def poll(host: Store, source: str) -> None:
        try:
            results[source] = save(host, source, [article(url, source=source)
                                                  for url in batches[source]], T0)  # fmt: skip
        except Exception as error:  # reported below, with the thread's error
            results[source] = error

    threads = [threading.Thread(target=poll, args=(host, source))
               for host, source in zip(hosts, "ab", strict=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(result, Exception) for result in results.values()), results
    assert len(arrived) == 2  # both inserted at the same moment
    assert sum(host.race_retries for host in hosts) == 1  # they really collided, once

    new = sorted(results[source].new for source in "ab")  # type: ignore[attr-defined]
    assert new == [1, 21]  # the loser stored only its own article
    with hosts[0].session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 22
        links = sorted(session.execute(select(ArticleSourceRow.source_id,
                                              ArticleSourceRow.article_id)).all())  # fmt: skip
    assert links == sorted([("a", url) for url in batches["a"]] +
                           [("b", url) for url in batches["b"]])  # fmt: skip
    for host in hosts:
        host.close()


# A PostgreSQL server whose locale sorts differently from bytes -------------------------------


@pytest.fixture
def icu_database_url() -> Iterator[str]:
    """A database whose default collation is ICU en-US ("a" < "B", "-" ignored)."""
    require_postgres()
    name = f"feeds_test_icu_{uuid.uuid4().hex[:8]}"
    with _admin() as admin:
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu "
                      "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")  # fmt: skip
    params = dict(item.split("=", 1) for item in ADMIN_DSN.split())
    yield f"postgresql+psycopg://{params['user']}@{params['host']}:{params['port']}/{name}"
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_order_does_not_depend_on_the_servers_locale(icu_database_url: str) -> None:
    upgrade(icu_database_url)
    store = Store(icu_database_url)
    tied = ["https://x.example/a", "https://x.example/B", "https://x.example/a-b",
            "https://x.example/ab"]  # fmt: skip
    for source in ("kabar_sulsel", "kabar-sulsel", "kabarsulsel"):
        save(store, source, [article(url, source=source) for url in tied], T0)
    [first, *_] = items = list(store.latest_articles())
    assert [item.row.id for item in items] == sorted(tied, key=str.encode)
    assert first.source_ids == sorted(["kabar_sulsel", "kabar-sulsel", "kabarsulsel"],
                                      key=str.encode)  # fmt: skip
    store.close()


# `feeds run` on PostgreSQL, end to end --------------------------------------------------------


def test_feeds_run_and_status_on_postgresql(server, workspace: Workspace, feeds, postgres_url):
    workspace.write_config([
        {"id": "a", "name": "A", "url": serve_fixture(server, "dup-a.xml")},
        {"id": "b", "name": "B", "url": serve_fixture(server, "dup-b.xml")},
    ])  # fmt: skip
    refused = feeds("run", "--db", postgres_url, "--output", str(workspace.output))
    assert refused.code == 2 and f"feeds db upgrade --db {postgres_url}" in refused.err
    assert main(["db", "upgrade", "--db", postgres_url]) == 0
    first = feeds("run", "--db", postgres_url, "--output", str(workspace.output))
    assert first.code == 0, first.err
    assert "total: 2 sources, 2 ok, 0 failed; 3 new" in first.out  # the shared story once
    second = feeds("run", "--db", postgres_url, "--output", str(workspace.output))
    assert "total: 2 sources, 2 ok, 0 failed; 0 new, 0 updated articles" in second.out
    status = json.loads(feeds("status", "--db", postgres_url, "--json").out)
    assert {entry["id"]: entry["articles"] for entry in status["sources"]} == {"a": 2, "b": 2}
