"""sources.listed_at: when the source's listed articles were last marked as seen.

A 304 means "what I listed last time, I still list": those articles stay current for
retention. Marking them costs one row write per article, every poll of every source; with
listed_at, a 304 marks them at most once an hour (retention is counted in days) and is
otherwise one write to the source's own row.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("listed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("listed_at")
