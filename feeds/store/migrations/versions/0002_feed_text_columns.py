"""PostgreSQL stores and orders what SQLite does.

- Article columns filled from feed content become unbounded text. SQLite never enforced
  VARCHAR lengths, PostgreSQL does: an enclosure type, a language tag or a dateline longer than
  the old limits made PostgreSQL refuse a row SQLite took, and with it the source's whole fetch.
- Id columns compare bytewise (COLLATE "C") on PostgreSQL, as on SQLite: with the server's
  locale, ties in the published order (same date, ordered by id) and the order of a story's
  sources depended on how the server was installed. Nothing to do on SQLite.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WIDENED = {"image_type": 100, "language": 35, "location": 100}
# Referencing columns first: each ALTER re-checks the foreign key against the other side.
KEYS = [
    ("article_sources", "source_id", 64),
    ("article_sources", "article_id", 2048),
    ("articles", "id", 2048),
    ("articles", "source_id", 64),
    ("tombstones", "id", 2048),
    ("sources", "id", 64),
    ("outputs", "slug", 64),
]


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        for column, length in WIDENED.items():
            batch.alter_column(column, existing_type=sa.String(length), type_=sa.Text())
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length in KEYS:
            op.execute(
                f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length in KEYS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) "
                       "COLLATE pg_catalog.default")  # fmt: skip
    with op.batch_alter_table("articles") as batch:
        for column, length in WIDENED.items():
            batch.alter_column(column, existing_type=sa.Text(), type_=sa.String(length))
