"""Digests that recognise what was read before: sources.body_digest, of the last body read,
and article_sources.entry_digest, of each item as the source listed it.

Many news sites' feeds come without validators, or ignore them: every poll is a 200. The
same body again is then treated as a 304. A changed feed lists mostly the items it listed
before: with the digest of each item's raw fields stored beside the link, a run recognises
those before normalising them (the HTML cleaning and summarising that are most of a run's
work) and only marks them seen. Empty for what was stored before this revision: read once
more, then recorded.

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
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("body_digest", sa.String(32)))
    with op.batch_alter_table("article_sources") as batch:
        batch.add_column(sa.Column("entry_digest", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("article_sources") as batch:
        batch.drop_column("entry_digest")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("body_digest")
