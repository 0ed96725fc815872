"""procrastinate's tables in the feeds PostgreSQL database.

The queue lives in the same database as the articles, so one `feeds db upgrade` prepares both.
procrastinate ships its schema as one SQL script (not idempotent on its own), so we apply it
only when its jobs table is missing, under an advisory lock so two upgrades at once cannot race.
"""

from __future__ import annotations

# An arbitrary constant shared by every process applying the schema.
_SCHEMA_LOCK_KEY = 0x66656564  # "feed"


def libpq_conninfo(database_url: str) -> str:
    """A libpq URI from a SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {url.render_as_string(hide_password=True)}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def queue_schema_exists(database_url: str) -> bool:
    """True if procrastinate's jobs table is present."""
    import psycopg

    with psycopg.connect(libpq_conninfo(database_url)) as conn:
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        return bool(row and row[0])


def apply_queue_schema(database_url: str) -> None:
    """Create procrastinate's tables, types and functions unless they already exist."""
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(libpq_conninfo(database_url), autocommit=False) as conn:
        # Transaction-scoped: released at commit, and the check runs after taking it.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if row and row[0]:
            return
        # No parameters: psycopg sends the script as one simple query (many statements).
        conn.execute(SchemaManager.get_schema())
