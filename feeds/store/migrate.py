"""`feeds db upgrade` and `feeds db current`: alembic, configured here rather than by an
alembic.ini, run on the store's own engine (WAL and pragmas on SQLite). Only these commands
import alembic; every other start reads the revision with one query (feeds/store/version.py).
"""

from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection, make_url

from feeds.store.store import open_engine
from feeds.store.version import (
    BASELINE_REVISION,
    EMPTY,
    HEAD_REVISION,
    KNOWN_REVISIONS,
    STORE_TABLES,
    UNVERSIONED,
    SchemaError,
    database_state,
    describe,
    shown,
    version_table,
)

MIGRATIONS = Path(__file__).parent / "migrations"
# Any number, the same on every host: concurrent upgrades of one PostgreSQL database queue up.
UPGRADE_LOCK = 0x6665656473  # "feeds" (the queue schema uses its own key)

# The columns of every table the last release before migrations created (revision 0001).
BASELINE_COLUMNS = {
    "sources": {"id", "url", "etag", "last_modified", "last_fetch_at", "last_success_at",
                "last_error", "last_error_at", "consecutive_failures", "last_status",
                "moved_to", "warnings", "entries_last_fetch"},
    "articles": {"id", "source_id", "url", "title", "summary", "content_html", "author",
                 "categories", "image_url", "image_type", "image_length", "language",
                 "location", "date", "date_from_source", "date_clamped", "updated_at",
                 "first_seen_at", "last_seen_at", "fingerprint"},
    "article_sources": {"source_id", "article_id", "guid"},
    "tombstones": {"id", "date", "first_seen_at", "removed_at"},
    "outputs": {"slug", "fingerprint", "built_at"},
}  # fmt: skip


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def alembic_head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@dataclass
class Upgrade:
    database: str
    before: str  # a revision, EMPTY or UNVERSIONED
    after: str
    queue: bool = False  # the job-queue tables were applied (PostgreSQL)
    notes: list[str] = field(default_factory=list)


def current(url: str) -> tuple[str, str]:
    """(where the database is, where it should be): a revision, EMPTY or UNVERSIONED."""
    if sqlite_file_missing(url):
        return EMPTY, HEAD_REVISION
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return database_state(connection), HEAD_REVISION
    finally:
        engine.dispose()


def sqlite_file_missing(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    return not Path(parsed.database).exists()


def upgrade(url: str) -> Upgrade:
    """Bring the database to the head revision, in one transaction; on PostgreSQL also create
    the job-queue tables. A database from before migrations is recognised by its columns and
    stamped as the baseline first; anything unrecognised is left untouched (SchemaError)."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A batch migration drops and renames tables: with foreign keys on, dropping
                # `articles` would cascade into article_sources. Checked again before commit.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK}
                )
            before = locked_state(connection)
            result = Upgrade(database=shown(connection), before=before, after=before)
            config = alembic_config(connection)
            if result.before == UNVERSIONED:
                check_baseline(connection)
                command.stamp(config, BASELINE_REVISION)
                result.notes.append(
                    f"recognised a database from before migrations: stamped {BASELINE_REVISION}"
                )
            elif result.before != EMPTY and result.before not in KNOWN_REVISIONS:
                raise SchemaError(describe(result.before, connection))
            command.upgrade(config, "head")
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise SchemaError("the upgrade broke a foreign key; nothing was changed")
            result.after = locked_state(connection)
            connection.commit()
    finally:
        engine.dispose()
    if not sqlite:
        from feeds.queue.schema import apply_queue_schema

        apply_queue_schema(url)
        result.queue = True
    return result


def locked_state(connection: Connection) -> str:
    """database_state without a failing query, which would end the locked transaction."""
    present = set(inspect(connection).get_table_names())
    if version_table.name in present:
        versions = list(connection.scalars(select(version_table.c.version_num)))
        return versions[0] if len(versions) == 1 else f"{len(versions)} version rows"
    return UNVERSIONED if present & set(STORE_TABLES) else EMPTY


def check_baseline(connection: Connection) -> None:
    """Raise SchemaError unless every table has exactly the columns the baseline created."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    problems = []
    for table in STORE_TABLES:
        if table not in present:
            problems.append(f"no table {table}")
            continue
        columns = {column["name"] for column in inspector.get_columns(table)}
        if columns != BASELINE_COLUMNS[table]:
            extra = ", ".join(sorted(columns - BASELINE_COLUMNS[table])) or "none"
            missing = ", ".join(sorted(BASELINE_COLUMNS[table] - columns)) or "none"
            problems.append(f"table {table}: unexpected columns {extra}, missing {missing}")
    if problems:
        raise SchemaError(
            f"the state database {shown(connection)} has feeds tables but no schema revision, "
            f"and they do not match any release ({'; '.join(problems)}); nothing was changed"
        )
