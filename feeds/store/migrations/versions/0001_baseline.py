"""Baseline: the tables the last release before migrations created (commit a588059).

A database that release made has these tables and no alembic_version: `feeds db upgrade`
checks its columns and stamps it 0001 instead of running this.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_fetch_at", Moment),
        sa.Column("last_success_at", Moment),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", Moment),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer()),
        sa.Column("moved_to", sa.Text()),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("entries_last_fetch", sa.Integer()),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String(2048), primary_key=True),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content_html", sa.Text(), nullable=False),
        sa.Column("author", sa.Text()),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("image_url", sa.Text()),
        sa.Column("image_type", sa.String(100)),
        sa.Column("image_length", sa.Integer()),
        sa.Column("language", sa.String(35)),
        sa.Column("location", sa.String(100)),
        sa.Column("date", Moment, nullable=False),
        sa.Column("date_from_source", sa.Boolean(), nullable=False),
        sa.Column("date_clamped", sa.Boolean(), nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.Column("first_seen_at", Moment, nullable=False),
        sa.Column("last_seen_at", Moment, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
    )
    op.create_index("articles_by_date", "articles", ["date", "id"])
    op.create_index("articles_by_last_seen", "articles", ["last_seen_at"])
    op.create_table(
        "article_sources",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column(
            "article_id",
            sa.String(2048),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("guid", sa.Text()),
    )
    op.create_index("article_sources_by_guid", "article_sources", ["source_id", "guid"])
    op.create_index("article_sources_by_article", "article_sources", ["article_id"])
    op.create_table(
        "tombstones",
        sa.Column("id", sa.String(2048), primary_key=True),
        sa.Column("date", Moment, nullable=False),
        sa.Column("first_seen_at", Moment, nullable=False),
        sa.Column("removed_at", Moment, nullable=False),
    )
    op.create_table(
        "outputs",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("built_at", Moment, nullable=False),
    )


def downgrade() -> None:
    for table in ("outputs", "tombstones", "article_sources", "articles", "sources"):
        op.drop_table(table)
