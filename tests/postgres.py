"""A throwaway PostgreSQL database per test, on the machine's server at 127.0.0.1:5432.

Locally the tests skip when no server answers; under CI (CI=true) that is a failure, because
.ci/run starts the server and a silent skip would hide the PostgreSQL path.
"""

import os
import uuid
from collections.abc import Iterator

import pytest

ADMIN_DSN = os.environ.get("FEEDS_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)


def postgres_available() -> bool:
    try:
        _admin().close()
    except Exception:
        return False
    return True


def require_postgres() -> None:
    if postgres_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is not answering at {ADMIN_DSN!r}; .ci/run should start it")
    pytest.skip(f"PostgreSQL is not answering at {ADMIN_DSN!r}")


def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, drop it afterwards."""
    require_postgres()
    name = f"feeds_test_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    params = dict(item.split("=", 1) for item in ADMIN_DSN.split())
    yield (
        f"postgresql+psycopg://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}"
        f":{params.get('port', '5432')}/{name}"
    )
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from fresh_database()
