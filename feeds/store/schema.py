"""Tables. Plain SQLAlchemy 2 declarative models that work on SQLite and PostgreSQL alike.

This is the schema at HEAD_REVISION (feeds/store/version.py): a change here needs a migration in
feeds/store/migrations/versions/ too (tests/test_migrations.py compares the two)."""

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the engine stores."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def Key(length: int) -> TypeEngine[str]:
    """An id column: compared and sorted bytewise on every engine. SQLite always does; on
    PostgreSQL the server's locale would order "B" after "a" and ignore "-", so the same
    articles would be published in another order than on SQLite."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    """What we know about each source between runs: validators and health."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(Key(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # The digest of the last body read (feeds/fetch/fetcher.py Validators.body_digest).
    body_digest: Mapped[str | None] = mapped_column(String(32))
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    moved_to: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    entries_last_fetch: Mapped[int | None] = mapped_column(Integer)
    # When its listed articles were last marked seen (a 200, or a 304 at most hourly).
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(Key(2048), primary_key=True)
    source_id: Mapped[str] = mapped_column(Key(64))  # the source that brought it first
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    content_html: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    image_url: Mapped[str | None] = mapped_column(Text)
    image_type: Mapped[str | None] = mapped_column(Text)
    image_length: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    # The date readers see: the source's date, or when we first saw the article.
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    date_from_source: Mapped[bool] = mapped_column(Boolean)
    date_clamped: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # last visible change
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("articles_by_date", "date", "id"),
        Index("articles_by_last_seen", "last_seen_at"),
    )


class ArticleSourceRow(Base):
    """Which sources carry an article, under which guid (the same story may come twice)."""

    __tablename__ = "article_sources"

    source_id: Mapped[str] = mapped_column(Key(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(
        Key(2048), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    guid: Mapped[str | None] = mapped_column(Text)
    # The digest of the source's raw item when last read (feeds/digest.py entry_digest): the
    # same digest next time means the same article, without normalising it again.
    entry_digest: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("article_sources_by_guid", "source_id", "guid"),
        Index("article_sources_by_article", "article_id"),
    )


class TombstoneRow(Base):
    """An article dropped by retention. If a source lists it again it comes back with its old
    dates, so it is never published as new twice."""

    __tablename__ = "tombstones"

    id: Mapped[str] = mapped_column(Key(2048), primary_key=True)
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutputRow(Base):
    """Per output stream: what was last published and when it last changed."""

    __tablename__ = "outputs"

    slug: Mapped[str] = mapped_column(Key(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
