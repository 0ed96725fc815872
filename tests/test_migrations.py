"""Schema migrations on real SQLite files and a real PostgreSQL: from an empty database, from
the previous release's tables (no alembic_version), from revision 0001; refusals with the
command to run; `feeds db` as a user types it."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from feeds.cli import main
from feeds.store import Store
from feeds.store.migrate import alembic_config, alembic_head, current, upgrade
from feeds.store.schema import ArticleRow, Base
from feeds.store.store import SchemaError
from feeds.store.version import EMPTY, HEAD_REVISION, KNOWN_REVISIONS, UNVERSIONED
from tests import previous_schema as previous
from tests.conftest import REPO, Workspace, closed_port_url
from tests.postgres import fresh_database
from tests.test_store import T0, article, save

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine: a new SQLite file, a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'feeds.db'}"
    else:
        yield from fresh_database()


def ours(name: str | None, kind: str, _parents: object) -> bool:
    """Only our tables: on PostgreSQL the job queue's live in the same database."""
    return kind != "table" or name in Base.metadata.tables


def schema_differences(url: str) -> list:
    """What alembic's autogenerate sees between the database and Base.metadata (types too)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_name": ours})  # fmt: skip
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def make_previous_release_database(url: str) -> None:
    """Tables exactly as release a588059 created them, with a few rows, no alembic_version."""
    engine = create_engine(url)
    previous.Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        session.add(previous.SourceRow(id="a", url="https://a.example/feed",
                                       consecutive_failures=0, warnings=["lenient"]))  # fmt: skip
        for number, source in ((1, "a"), (2, "a")):
            session.add(previous.ArticleRow(
                id=f"https://x.example/{number}", source_id=source, url=None, title="Judul",
                summary="Ringkasan", content_html="<p>Isi</p>", categories=["sulsel"],
                image_type="image/jpeg", language="id", location="Makassar", date=T0,
                date_from_source=True, date_clamped=False, updated_at=T0, first_seen_at=T0,
                last_seen_at=T0, fingerprint="f" * 32))  # fmt: skip
        session.flush()
        session.add(previous.ArticleSourceRow(source_id="a", article_id="https://x.example/1",
                                              guid="p-1"))  # fmt: skip
        session.add(previous.ArticleSourceRow(source_id="b", article_id="https://x.example/1",
                                              guid=None))  # fmt: skip
        session.add(previous.TombstoneRow(id="https://x.example/old", date=T0, first_seen_at=T0,
                                          removed_at=T0))  # fmt: skip
        session.add(previous.OutputRow(slug="berita-terkini", fingerprint="x", built_at=T0))
    engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: connection.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("sources", "articles", "article_sources", "tombstones", "outputs")
            }
    finally:
        engine.dispose()


def test_the_head_constant_is_alembics_head() -> None:
    assert alembic_head() == HEAD_REVISION
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [revision.revision for revision in script.walk_revisions()]
    assert tuple(reversed(revisions)) == KNOWN_REVISIONS  # one line of history, all known


def test_the_baseline_is_exactly_the_previous_release_schema(url: str) -> None:
    """Revision 0001 from nothing builds what the previous release's create_all built."""
    engine = create_engine(url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.commit()
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, previous.Base.metadata) == []
    engine.dispose()


def test_empty_database_to_head(url: str) -> None:
    assert current(url) == (EMPTY, HEAD_REVISION)
    result = upgrade(url)
    assert (result.before, result.after) == (EMPTY, HEAD_REVISION)
    assert current(url) == (HEAD_REVISION, HEAD_REVISION)
    assert schema_differences(url) == []
    assert upgrade(url).before == HEAD_REVISION  # a second upgrade is a no-op
    store = Store(url)  # starts without complaint, and works
    save(store, "a", [article("https://x.example/1")], T0)
    assert store.article_total() == 1
    store.close()


def test_a_new_sqlite_database_is_created_at_head_by_the_store(tmp_path: Path) -> None:
    """Zero setup on one host: the first Store creates the same schema the migrations make."""
    url = f"sqlite:///{tmp_path / 'new' / 'feeds.db'}"
    Store(url).close()
    assert current(url) == (HEAD_REVISION, HEAD_REVISION)
    assert schema_differences(url) == []


def test_an_empty_postgresql_database_is_refused_with_the_command_to_run(postgres_url) -> None:
    with pytest.raises(SchemaError) as refused:
        Store(postgres_url)
    assert f"feeds db upgrade --db {postgres_url}" in str(refused.value)
    assert inspect(create_engine(postgres_url)).get_table_names() == []  # nothing created


def test_previous_release_database_to_head_keeps_every_row(url: str) -> None:
    make_previous_release_database(url)
    before = row_counts(url)
    assert current(url) == (UNVERSIONED, HEAD_REVISION)
    with pytest.raises(SchemaError, match=r"before schema migrations.*feeds db upgrade --db"):
        Store(url)

    result = upgrade(url)
    assert result.notes == ["recognised a database from before migrations: stamped 0001"]
    assert result.after == HEAD_REVISION
    assert row_counts(url) == before  # links too: the rebuilt table did not cascade
    assert schema_differences(url) == []

    store = Store(url)
    stored = {item.row.id: item for item in store.latest_articles()}
    assert stored["https://x.example/1"].source_ids == ["a", "b"]
    assert stored["https://x.example/1"].row.date == T0  # aware UTC, as written
    assert stored["https://x.example/1"].row.categories == ["sulsel"]
    # 0002 at work: feed values longer than the old VARCHAR limits are stored on both engines.
    long = article("https://x.example/3")
    long.language, long.location = "id-" + "x" * 60, "Kota " * 40
    save(store, "a", [long], T0)
    with store.session() as session:
        row = session.get(ArticleRow, "https://x.example/3")
        assert row is not None and row.location == "Kota " * 40
    store.close()


def test_revision_0001_database_is_refused_then_upgraded(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.commit()
    engine.dispose()
    with pytest.raises(SchemaError, match=r"is at schema revision 0001.*feeds db upgrade --db"):
        Store(url)
    assert upgrade(url).before == "0001"
    assert current(url) == (HEAD_REVISION, HEAD_REVISION)


def test_unrecognised_tables_are_left_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE articles (id TEXT PRIMARY KEY, body TEXT)"))
    engine.dispose()
    with pytest.raises(SchemaError, match="do not match any release"):
        upgrade(url)
    assert inspect(create_engine(url)).get_table_names() == ["articles"]


def test_a_database_from_a_newer_feeds_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(SchemaError, match="'0099', which this version of feeds"):
        Store(url)
    with pytest.raises(SchemaError, match="does not know"):
        upgrade(url)


# The CLI, as a user runs it ------------------------------------------------------------------


def db(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_serve_and_status_refuse_an_out_of_date_database(workspace: Workspace, feeds, capsys):
    workspace.write_config([{"id": "a", "name": "A", "url": closed_port_url()}])
    url = f"sqlite:///{workspace.database}"
    workspace.database.parent.mkdir(parents=True)
    make_previous_release_database(url)
    hint = f"then run: feeds db upgrade --db {url}"

    result = feeds("run")
    assert result.code == 2
    assert result.err.startswith("error: the state database") and hint in result.err
    assert not workspace.output.exists()  # nothing fetched, nothing published
    result = feeds("status")
    assert (result.code, hint in result.err) == (2, True)
    code, _, err = db("serve", "--sources", str(workspace.config), "--db", url,
                      "--port", "0", capsys=capsys)  # fmt: skip
    assert (code, hint in err) == (2, True)

    code, out, _ = db("db", "upgrade", "--sources", str(workspace.config), "--db", url,
                      capsys=capsys)  # fmt: skip
    assert code == 0
    assert out == (
        f"database: {url}\nrecognised a database from before migrations: stamped 0001\n"
        f"upgraded: 0001 -> {HEAD_REVISION}\n"
    )
    assert feeds("run").code == 0  # fetching fails (closed port), but the run goes ahead


def test_db_current_and_upgrade_read_the_database_from_the_file(workspace: Workspace, capsys):
    database = workspace.root / "elsewhere" / "state.db"
    workspace.write_config([], storage={"database": "sqlite:///elsewhere/state.db"})
    sources = ["--sources", str(workspace.config)]
    url = f"sqlite:///{database}"

    code, out, _ = db("db", "current", *sources, capsys=capsys)
    assert code == 1
    assert out == (
        f"database: {url}\ncurrent:  none (no feeds tables yet)\n"
        f"head:     {HEAD_REVISION} (the first feeds run creates it, or: feeds db upgrade)\n"
    )
    assert not database.exists()  # looking did not create it
    code, out, _ = db("db", "upgrade", *sources, capsys=capsys)
    assert (code, out) == (0, f"database: {url}\nupgraded: empty -> {HEAD_REVISION}\n")
    code, out, _ = db("db", "current", *sources, capsys=capsys)
    assert (code, out.splitlines()[1:]) == (
        0, [f"current:  {HEAD_REVISION}", f"head:     {HEAD_REVISION} (up to date)"])  # fmt: skip
    code, out, _ = db("db", "upgrade", *sources, capsys=capsys)
    assert out.endswith(f"up to date: revision {HEAD_REVISION}\n")


def test_feeds_db_env_wins_over_the_file_and_needs_no_file(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("FEEDS_DB", url)
    code, out, _ = db("db", "upgrade", "--sources", str(tmp_path / "missing.yaml"), capsys=capsys)
    assert (code, out.splitlines()[0]) == (0, f"database: {url}")


def test_db_upgrade_on_postgresql_creates_the_queue_tables_too(postgres_url, capsys) -> None:
    code, out, _ = db("db", "upgrade", "--db", postgres_url, capsys=capsys)
    assert (code, out) == (0, f"database: {postgres_url}\nupgraded: empty -> {HEAD_REVISION}\n"
                              "job queue tables: ready\n")  # fmt: skip
    tables = set(inspect(create_engine(postgres_url)).get_table_names())
    assert {"articles", "alembic_version", "procrastinate_jobs"} <= tables
    code, out, _ = db("db", "current", "--db", postgres_url, capsys=capsys)
    assert code == 0 and f"current:  {HEAD_REVISION}" in out


def test_a_password_is_never_shown(capsys) -> None:
    url = "postgresql+psycopg://feeds:hunter2@127.0.0.1:1/feeds"  # nothing listens on port 1
    code, out, err = db("db", "upgrade", "--db", url, capsys=capsys)
    assert code == 2 and err.startswith("error: ")
    assert "hunter2" not in out + err


def test_db_upgrade_as_a_subprocess(tmp_path: Path) -> None:
    """The way a user runs it: the installed entry point, a fresh interpreter."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    feeds = Path(sys.executable).parent / "feeds"
    done = subprocess.run([str(feeds), "db", "upgrade", "--db", url], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path, env={**os.environ})  # fmt: skip
    assert (done.returncode, done.stdout.splitlines()[-1]) == (
        0,
        f"upgraded: empty -> {HEAD_REVISION}",
    )
    assert done.stderr == ""


# The single-host path ------------------------------------------------------------------------

IMPORT_PROBE = """
import sys
import time
from feeds.cli import main
code = main(sys.argv[1:])
print(sorted(m for m in sys.modules if m.split('.')[0] in {'psycopg', 'procrastinate', 'alembic'}))
sys.exit(code)
"""


def test_feeds_run_on_sqlite_never_imports_postgresql_queue_or_alembic(tmp_path: Path) -> None:
    """A new SQLite state, a real run: created at head without alembic, no psycopg, no queue.
    (So the single-host path runs with PostgreSQL stopped or not installed.)"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("FEEDS_DB", None)
    database = f"sqlite:///{tmp_path / 'state.db'}"
    argv = ["run", "--sources", str(REPO / "snapshot" / "sources.yaml"), "--db", database,
            "--output", str(tmp_path / "out")]  # fmt: skip
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, *argv], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-2].startswith("published to ")  # a real run happened
    assert lines[-1] == "[]"
    assert current(f"sqlite:///{tmp_path / 'state.db'}") == (HEAD_REVISION, HEAD_REVISION)


def test_the_start_up_check_is_one_query(tmp_path: Path) -> None:
    """The start-up check on an up-to-date database is one statement (it runs every start)."""
    from sqlalchemy import event

    url = f"sqlite:///{tmp_path / 'state.db'}"
    Store(url).close()
    from feeds.store.store import open_engine
    from feeds.store.version import ensure_schema

    engine = open_engine(url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    ensure_schema(engine)
    engine.dispose()
    assert [s for s in statements if not s.startswith("PRAGMA")] == [
        "SELECT alembic_version.version_num \nFROM alembic_version"
    ]


STARTER = """
import sys, time
from feeds.store import Store
while time.time() < float(sys.argv[2]):
    pass
Store(sys.argv[1]).close()
"""


def test_processes_starting_together_on_a_new_sqlite_file_create_it_once(tmp_path: Path) -> None:
    """`feeds serve` and a manual `feeds run` starting at the same moment on a new state: one
    creates the tables under SQLite's write lock, the others find them."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    start = f"{time.time() + 1.5}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    starters = [subprocess.Popen([sys.executable, "-c", STARTER, url, start], env=env,
                                 stderr=subprocess.PIPE, text=True) for _ in range(4)]  # fmt: skip
    errors = [starter.communicate(timeout=60)[1] for starter in starters]
    assert [starter.returncode for starter in starters] == [0] * 4, errors
    assert current(url) == (HEAD_REVISION, HEAD_REVISION)
    assert schema_differences(url) == []
