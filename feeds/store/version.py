"""Is the state database at the schema this code expects? Checked at every Store start.

Reading the revision is one small query on alembic's own table; alembic itself is not imported
(~100 ms a start): `feeds db upgrade` (feeds/store/migrate.py) is the only migrating path. The
one exception is a new, empty SQLite database, created at the head revision on the spot so the
single-host default needs no setup step.
"""

from typing import Final

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from feeds.store.schema import Base

# The newest revision in feeds/store/migrations/versions/ (a test checks it is alembic's head).
HEAD_REVISION: Final = "0004"
# What the last release before migrations created; such a database is stamped with it.
BASELINE_REVISION: Final = "0001"
KNOWN_REVISIONS: Final = ("0001", "0002", "0003", "0004")
STORE_TABLES: Final = ("sources", "articles", "article_sources", "tombstones", "outputs")

# Alembic's version table, exactly as alembic creates it, so alembic can take over later.
version_table = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)

EMPTY: Final = "empty"  # none of our tables: a new database
UNVERSIONED: Final = "unversioned"  # our tables without alembic_version: the previous release


class SchemaError(Exception):
    """The database is not at the schema this version of feeds needs."""


def shown(engine: Engine | Connection) -> str:
    return engine.engine.url.render_as_string(hide_password=True)


def upgrade_command(engine: Engine | Connection) -> str:
    return f"feeds db upgrade --db {shown(engine)}"


def database_state(connection: Connection) -> str:
    """The revision the database is at, or EMPTY, or UNVERSIONED."""
    try:
        versions = list(connection.scalars(select(version_table.c.version_num)))
    except (OperationalError, ProgrammingError):  # no alembic_version table
        connection.rollback()
        return tables_state(connection)
    return versions[0] if len(versions) == 1 else f"{len(versions)} version rows"


def tables_state(connection: Connection) -> str:
    present = set(inspect(connection).get_table_names())
    if version_table.name in present:
        return "unreadable alembic_version"
    return UNVERSIONED if present & set(STORE_TABLES) else EMPTY


def ensure_schema(engine: Engine) -> None:
    """Return if the database is at HEAD_REVISION (creating a new SQLite one), else raise
    SchemaError saying what to run."""
    with engine.connect() as connection:
        state = database_state(connection)
    if state == HEAD_REVISION:
        return
    if state == EMPTY and engine.dialect.name == "sqlite":
        create_sqlite_at_head(engine)
        return
    raise SchemaError(describe(state, engine))


def create_sqlite_at_head(engine: Engine) -> None:
    """Create every table and stamp HEAD_REVISION in one write transaction: two processes
    starting on the same new file (feeds serve, a manual run) cannot both create it."""
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # takes SQLite's write lock now
        state = tables_state(connection)
        if state == EMPTY:
            Base.metadata.create_all(connection)
            version_table.create(connection)
            connection.execute(version_table.insert().values(version_num=HEAD_REVISION))
        connection.commit()
    if state != EMPTY:  # another process got there first
        ensure_schema(engine)


def describe(state: str, engine: Engine | Connection) -> str:
    database = f"the state database {shown(engine)}"
    if state == EMPTY:
        return f"{database} has no feeds tables yet; create them with: {upgrade_command(engine)}"
    if state == UNVERSIONED or state in KNOWN_REVISIONS:
        made = (
            "was made by a version of feeds from before schema migrations"
            if state == UNVERSIONED
            else f"is at schema revision {state}"
        )
        return (
            f"{database} {made}; this version needs revision {HEAD_REVISION}. Back it up, "
            f"then run: {upgrade_command(engine)}"
        )
    return (
        f"{database} has schema revision {state!r}, which this version of feeds (head "
        f"{HEAD_REVISION}) does not know; a newer feeds may have upgraded it. Run that "
        "version, or restore a backup."
    )
