"""article_sources.entry_digest: what the source's item looked like when it was last read.

A feed answering 200 lists mostly the items it listed before. With the digest of each item's
raw fields stored beside the link, a run recognises those items before normalising them (the
HTML cleaning and summarising that are most of a run's work) and only marks them seen.
Empty for links stored before this revision: their items are read once more, then recorded.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_sources") as batch:
        batch.add_column(sa.Column("entry_digest", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("article_sources") as batch:
        batch.drop_column("entry_digest")
