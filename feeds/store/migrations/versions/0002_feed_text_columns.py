"""Article columns filled from feed content become unbounded text.

SQLite never enforced VARCHAR lengths, PostgreSQL does: an enclosure type, a language tag or
a dateline longer than the old limits made PostgreSQL refuse a row SQLite took, and with it the
source's whole fetch.

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


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        for column, length in WIDENED.items():
            batch.alter_column(column, existing_type=sa.String(length), type_=sa.Text())


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        for column, length in WIDENED.items():
            batch.alter_column(column, existing_type=sa.Text(), type_=sa.String(length))
