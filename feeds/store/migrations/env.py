"""Alembic environment: run on the connection `feeds.store.migrate` hands over (no alembic.ini,
no URL here), so migrations share the store's engine setup."""

from alembic import context

from feeds.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `feeds db upgrade` (feeds.store.migrate)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
