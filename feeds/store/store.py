"""The state database: articles, the sources that carry them, source health, outputs.

Every source's articles and its new state are saved in one transaction, so a crash leaves a
source either fully updated or as it was. On PostgreSQL several hosts may write at once: the
primary keys refuse a second copy of an article, and the losing transaction is run again once,
re-reading what the winner stored (see `Store._retrying`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import bindparam, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Engine, Row, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from feeds.fetch import Validators
from feeds.logs import log
from feeds.store.schema import (
    ArticleRow,
    ArticleSourceRow,
    OutputRow,
    SourceRow,
    TombstoneRow,
)
from feeds.store.version import SchemaError, ensure_schema

if TYPE_CHECKING:  # annotations only: a quiet run (every source 304) never normalises
    from feeds.normalise.article import Article

__all__ = ["SaveCounts", "SchemaError", "Store", "StoredArticle", "open_engine"]

# A transaction that lost a race to another host is run once more, re-reading.
SAVE_ATTEMPTS = 2
# SQLSTATEs of a lost race on PostgreSQL: unique_violation, deadlock_detected,
# serialization_failure.
RACE_SQLSTATES = frozenset({"23505", "40P01", "40001"})
# Longest id and guid stored, in UTF-8 bytes: PostgreSQL's id column is VARCHAR(2048), and a
# btree index entry (the guid index) cannot exceed ~2.7 kB.
MAX_ID_BYTES = 2048
MAX_GUID_BYTES = 2000

# Ids per IN (...) list; _upsert_articles sends a few such lists per statement at most.
IN_LIST_CHUNK = 20_000

T = TypeVar("T")

# The statements saving a fetch runs for every source, built once. Their id lists are
# "expanding" parameters: SQLAlchemy then neither rebuilds the statement nor coerces each id
# on every call (a third of saving's own CPU time, measured on 250 sources x 50 items).
IDS = bindparam("ids", expanding=True)
KNOWN_ARTICLES = select(ArticleRow.id, ArticleRow.source_id, ArticleRow.fingerprint).where(
    ArticleRow.id.in_(IDS)
)
KNOWN_TOMBSTONES = select(TombstoneRow).where(TombstoneRow.id.in_(IDS))
KNOWN_LINKS = select(ArticleSourceRow.article_id, ArticleSourceRow.entry_digest).where(
    ArticleSourceRow.source_id == bindparam("source_id"), ArticleSourceRow.article_id.in_(IDS)
)
ENTRY_DIGESTS = select(ArticleSourceRow.entry_digest, ArticleSourceRow.article_id).where(
    ArticleSourceRow.source_id == bindparam("source_id"),
    ArticleSourceRow.entry_digest.is_not(None),
)
LINKS = ArticleSourceRow.__table__
NEW_ENTRY_DIGEST = (  # on the table, so a list of parameters is a plain executemany
    update(LINKS)
    .where(LINKS.c.source_id == bindparam("b_source_id"))
    .where(LINKS.c.article_id == bindparam("b_article_id"))
    .values(entry_digest=bindparam("b_entry_digest"))
)
KNOWN_GUIDS = select(ArticleSourceRow.guid, ArticleSourceRow.article_id).where(
    ArticleSourceRow.source_id == bindparam("source_id"),
    ArticleSourceRow.guid.in_(bindparam("guids", expanding=True)),
)
CHANGED_ARTICLES = select(ArticleRow).where(ArticleRow.id.in_(IDS))
MARK_SEEN = update(ArticleRow).where(ArticleRow.id.in_(IDS)).values(last_seen_at=bindparam("now"))
CARRIERS = (
    select(ArticleSourceRow.article_id, ArticleSourceRow.source_id)
    .where(ArticleSourceRow.article_id.in_(IDS))
    .order_by(ArticleSourceRow.source_id)
)
SOURCE_STATES = select(
    SourceRow.id, SourceRow.url, SourceRow.etag, SourceRow.last_modified, SourceRow.body_digest,
    SourceRow.listed_at, SourceRow.last_success_at,
).where(SourceRow.id.in_(IDS))  # fmt: skip
MARK_NOT_MODIFIED = (  # on the table, so a list of parameters is a plain executemany
    update(SourceRow.__table__)
    .where(SourceRow.__table__.c.id == bindparam("b_id"))
    .values(
        etag=bindparam("b_etag"),
        last_modified=bindparam("b_last_modified"),
        body_digest=bindparam("b_body_digest"),
        last_fetch_at=bindparam("b_fetched_at"),
        last_success_at=bindparam("b_fetched_at"),
        last_status=bindparam("b_status"),
        consecutive_failures=0,
        last_error=None,
        listed_at=bindparam("b_listed_at"),
    )
)


@dataclass(slots=True)
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class NotModified:
    """A source's 304 (or a 200 with the same body as last time), to record."""

    source_id: str
    url: str
    validators: Validators
    fetched_at: datetime
    status: int = 304


@dataclass(slots=True)
class StoredArticle:
    """An article as publish reads it: the row plus every source that carries it.

    `row` has ArticleRow's columns as attributes (row.title, row.date...), read-only."""

    row: Row[Any]
    source_ids: list[str]


def open_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            # First, so that everything after it waits for another process's lock instead of
            # failing at once: switching a new file to WAL needs the file to itself.
            cursor.execute("PRAGMA busy_timeout=30000")
            # WAL: readers (feeds status, feeds serve) never block the writer, and a crash
            # mid-write leaves the last committed state.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def chunks(items: list[T], size: int | None = None) -> list[list[T]]:
    """Pieces small enough for one statement's IN (...): PostgreSQL takes at most 65,535
    parameters a statement (a big sitemap lists more URLs), SQLite at most 250,000."""
    size = size or IN_LIST_CHUNK
    return [items[start : start + size] for start in range(0, len(items), size)]


def article_chunks(articles: list[Article]) -> list[list[Article]]:
    """chunks() of articles sorted by id, never cutting between two with the same id (a feed
    listing an item twice): each piece's dedup then sees both."""
    pieces: list[list[Article]] = []
    for article in articles:
        if not pieces or (len(pieces[-1]) >= IN_LIST_CHUNK and pieces[-1][-1].id != article.id):
            pieces.append([])
        pieces[-1].append(article)
    return pieces


def lost_race(error: DBAPIError) -> bool:
    """Did another writer get there first (so running the transaction again will succeed)?"""
    code = getattr(error.orig, "sqlstate", None)  # psycopg
    if code is not None:
        return code in RACE_SQLSTATES
    name = getattr(error.orig, "sqlite_errorname", "")
    return name in ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE")


def storable(articles: list[Article]) -> list[Article]:
    """Articles as both engines can store them: an id too long for the key is skipped (logged),
    an over-long guid dropped (it only serves to follow a link change)."""
    kept = []
    for article in articles:
        if len(article.id.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
            log(logging.WARNING, article.source_id, "article id too long to store; skipped",
                id=article.id[:200])  # fmt: skip
            continue
        if article.guid and len(article.guid.encode("utf-8", "surrogatepass")) > MAX_GUID_BYTES:
            article = replace(article, guid=None)
        kept.append(article)
    return kept


# A 304 marks the source's listed articles seen at most this often: one write per article
# every poll would be most of a quiet run's cost, and retention is counted in days.
TOUCH_LISTED_EVERY = timedelta(hours=1)


class Store:
    def __init__(self, url: str):
        """Raises SchemaError unless the database is at the current schema revision (a new
        SQLite database is created at it)."""
        self.url = url
        self.engine = open_engine(url)
        try:
            ensure_schema(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.race_retries = 0  # transactions run again after losing a race (tests, logs)

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return self._sessions()

    # Sources -------------------------------------------------------------------------------

    def validators_for(self, source_id: str, url: str) -> Validators:
        """Validators from the last fetch, unless the operator changed the source's URL."""
        return self.all_validators({source_id: url}).get(source_id, Validators())

    def all_validators(self, urls: dict[str, str]) -> dict[str, Validators]:
        """validators_for every source in `urls` (id -> URL) with one query, for a run."""
        with self.session() as session:
            states = source_states(session, list(urls))
        return {
            source_id: Validators(row.etag, row.last_modified, row.body_digest)
            for source_id, row in states.items()
            if urls[source_id] == row.url
        }

    def save_fetch(
        self,
        source_id: str,
        url: str,
        articles: list[Article],
        *,
        validators: Validators,
        status: int,
        fetched_at: datetime,
        warnings: list[str],
        moved_to: str | None,
        still_listed: list[str] = (),
    ) -> SaveCounts:
        """Store a successful fetch: its articles and the source's new state, atomically.

        `still_listed`: ids of stored articles the source lists again without our re-reading
        them (followed article pages); they stay current for retention."""
        # In id order: two hosts inserting overlapping articles then lock rows in the same
        # order, so one waits for the other and sees its rows instead of deadlocking (a stable
        # sort: a feed listing an item twice still keeps the first).
        articles = sorted(storable(articles), key=lambda article: article.id)
        return self._retrying(
            source_id,
            lambda: self._save_fetch_once(
                source_id, url, articles, validators=validators, status=status,
                fetched_at=fetched_at, warnings=warnings, moved_to=moved_to,
                still_listed=still_listed,
            ),
        )  # fmt: skip

    def _retrying(self, source_id: str | None, transaction: Callable[[], T]) -> T:
        """Run `transaction`; if it lost a race with another host (a duplicate key, a
        deadlock), run it once more: it then re-reads and finds the other host's rows."""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                return transaction()
            except DBAPIError as error:
                if attempt == SAVE_ATTEMPTS or not lost_race(error):
                    raise
                self.race_retries += 1
                log(logging.INFO, source_id, "another host wrote the same rows; saving again",
                    error=str(error.orig).splitlines()[0])  # fmt: skip
        raise AssertionError("unreachable")

    def _save_fetch_once(
        self,
        source_id: str,
        url: str,
        articles: list[Article],
        *,
        validators: Validators,
        status: int,
        fetched_at: datetime,
        warnings: list[str],
        moved_to: str | None,
        still_listed: list[str],
    ) -> SaveCounts:
        with self.session() as session, session.begin():
            counts = SaveCounts()
            for chunk in article_chunks(articles) or [[]]:  # one transaction, however many
                part = self._upsert_articles(session, source_id, chunk, fetched_at)
                counts.new += part.new
                counts.updated += part.updated
                counts.unchanged += part.unchanged
            counts.unchanged += len(still_listed)
            for listed in chunks(list(still_listed)):
                session.execute(MARK_SEEN, {"ids": listed, "now": fetched_at})
            row = self._source_row(session, source_id, url)
            row.etag, row.last_modified = validators.etag, validators.last_modified
            row.body_digest = validators.body_digest
            row.last_fetch_at = row.last_success_at = fetched_at
            row.last_status = status
            row.consecutive_failures = 0
            row.last_error = None
            row.warnings = warnings
            row.moved_to = moved_to
            row.entries_last_fetch = len(articles) + len(still_listed)
            row.listed_at = fetched_at
        return counts

    def save_not_modified(
        self, source_id: str, url: str, *, validators: Validators, fetched_at: datetime
    ) -> None:
        self.save_not_modified_many([NotModified(source_id, url, validators, fetched_at)])

    def save_not_modified_many(self, answers: list[NotModified]) -> None:
        """Record 304s, all in one transaction: a quiet run's 250 answers cost one commit."""
        if answers:
            self._retrying(None, lambda: self._save_not_modified_once(answers))

    def _save_not_modified_once(self, answers: list[NotModified]) -> None:
        with self.session() as session, session.begin():
            # Read as plain rows and written with one executemany: ORM objects cost most of a
            # quiet run's saving (250 loaded, compared and flushed one by one).
            known = source_states(session, [answer.source_id for answer in answers])
            updates = []
            for answer in answers:
                row = known.get(answer.source_id)
                if row is None or row.url != answer.url:
                    self._mark_not_modified(session, answer)  # a first 304, or a new URL: rare
                    continue
                listed_at = touch_listed(
                    session, answer.source_id, row.listed_at, row.last_success_at,
                    answer.fetched_at,
                )  # fmt: skip
                updates.append({
                    "b_id": answer.source_id,
                    "b_etag": answer.validators.etag or row.etag,
                    "b_last_modified": answer.validators.last_modified or row.last_modified,
                    "b_body_digest": answer.validators.body_digest or row.body_digest,
                    "b_status": answer.status,
                    "b_fetched_at": answer.fetched_at,
                    "b_listed_at": listed_at or row.listed_at,
                })  # fmt: skip
            if updates:
                session.execute(MARK_NOT_MODIFIED, updates)

    def _mark_not_modified(self, session: Session, answer: NotModified) -> None:
        row = self._source_row(session, answer.source_id, answer.url)
        # Before last_success_at moves: what the source listed then is what it lists now.
        listed_at = touch_listed(
            session, answer.source_id, row.listed_at, row.last_success_at, answer.fetched_at
        )
        row.listed_at = listed_at or row.listed_at
        row.etag = answer.validators.etag or row.etag
        row.last_modified = answer.validators.last_modified or row.last_modified
        row.body_digest = answer.validators.body_digest or row.body_digest
        row.last_fetch_at = row.last_success_at = answer.fetched_at
        row.last_status = answer.status
        row.consecutive_failures = 0
        row.last_error = None

    def save_failure(
        self,
        source_id: str,
        url: str,
        *,
        error: str,
        status: int | None,
        fetched_at: datetime,
    ) -> int:
        """Record a failed fetch; returns the number of failures in a row."""

        def transaction() -> int:
            with self.session() as session, session.begin():
                row = self._source_row(session, source_id, url)
                row.last_fetch_at = fetched_at
                row.last_error = error
                row.last_error_at = fetched_at
                row.last_status = status
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
                return row.consecutive_failures

        return self._retrying(source_id, transaction)  # a new source's row may race

    def entry_digests(self, source_id: str) -> dict[str, str]:
        """The digest of each item the source listed when last read, with its article's id
        (see feeds/digest.py normalise_entries)."""
        with self.session() as session:
            return dict(session.execute(ENTRY_DIGESTS, {"source_id": source_id}).all())

    def known_ids(self, ids: list[str]) -> set[str]:
        """Which of `ids` are stored already, by any source (or retired: never re-fetched)."""
        found: set[str] = set()
        with self.session() as session:
            for chunk in chunks(ids):
                found.update(session.scalars(select(ArticleRow.id).where(ArticleRow.id.in_(chunk))))
                found.update(
                    session.scalars(select(TombstoneRow.id).where(TombstoneRow.id.in_(chunk)))
                )
        return found

    def recent_dates(self, source_id: str, *, since: datetime, limit: int = 50) -> list[datetime]:
        """Dates of the source's newest articles (their own dates, not first-seen ones)."""
        with self.session() as session:
            return list(
                session.scalars(
                    select(ArticleRow.date)
                    .join(ArticleSourceRow, ArticleSourceRow.article_id == ArticleRow.id)
                    .where(
                        ArticleSourceRow.source_id == source_id,
                        ArticleRow.date_from_source,
                        ArticleRow.date >= since,
                    )
                    .order_by(ArticleRow.date.desc())
                    .limit(limit)
                )
            )

    def article_total(self) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(ArticleRow)) or 0

    def source_row(self, source_id: str) -> SourceRow | None:
        with self.session() as session:
            return session.get(SourceRow, source_id)

    def article_count(self, source_id: str) -> int:
        """Articles one source carries (see article_counts for every source at once)."""
        with self.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(ArticleSourceRow)
                    .where(ArticleSourceRow.source_id == source_id)
                )
                or 0
            )

    def sources(self) -> list[SourceRow]:
        with self.session() as session:
            return list(session.scalars(select(SourceRow).order_by(SourceRow.id)))

    def article_counts(self) -> dict[str, int]:
        """Articles stored per source (an article carried by two sources counts for both)."""
        with self.session() as session:
            rows = session.execute(
                select(ArticleSourceRow.source_id, func.count()).group_by(
                    ArticleSourceRow.source_id
                )
            )
            return {source_id: count for source_id, count in rows}

    @staticmethod
    def _source_row(session: Session, source_id: str, url: str) -> SourceRow:
        row = session.get(SourceRow, source_id)
        if row is None:
            row = SourceRow(id=source_id, url=url, consecutive_failures=0, warnings=[])
            session.add(row)
        elif row.url != url:
            # A new URL is a new resource: the old validators do not apply to it.
            row.url, row.etag, row.last_modified, row.moved_to = url, None, None, None
            row.body_digest = None
        return row

    # Articles ------------------------------------------------------------------------------

    def _upsert_articles(
        self, session: Session, source_id: str, articles: list[Article], now: datetime
    ) -> SaveCounts:
        counts = SaveCounts()
        articles = self._follow_known_guids(session, source_id, articles)
        ids = [article.id for article in articles]
        # Only what deciding needs: most stored articles come back unchanged, and loading
        # their bodies to learn that costs more than everything else here.
        known = {row.id: row for row in session.execute(KNOWN_ARTICLES, {"ids": ids})}
        tombstones = {row.id: row for row in session.scalars(KNOWN_TOMBSTONES, {"ids": ids})}
        links = dict(session.execute(KNOWN_LINKS, {"source_id": source_id, "ids": ids}).all())

        new_rows: list[dict[str, Any]] = []
        changed: dict[str, Article] = {}
        for article in articles:
            stored = known.get(article.id)
            if stored is None:
                new_rows.append(new_values(article, now, tombstones.pop(article.id, None)))
                counts.new += 1
            elif stored.source_id == source_id and stored.fingerprint != article.fingerprint():
                changed[article.id] = article
                counts.updated += 1
            else:
                counts.unchanged += 1  # unchanged, or a copy of a story another source owns
        if new_rows:
            session.execute(insert(ArticleRow.__table__), new_rows)
        for row in session.scalars(CHANGED_ARTICLES, {"ids": list(changed)}) if changed else ():
            article = changed[row.id]
            # The source's own modification date when it moved on, else the moment we saw
            # the change: either way readers see a newer "updated".
            changed_at = article.updated_at
            if changed_at is None or changed_at <= row.updated_at:
                changed_at = now
            update_row(row, article)
            row.updated_at = max(changed_at, row.date)
        if known:
            session.execute(MARK_SEEN, {"ids": list(known), "now": now})
        new_links = [
            {"source_id": source_id, "article_id": article.id, "guid": article.guid,
             "entry_digest": article.entry_digest}
            for article in articles
            if article.id not in links
        ]  # fmt: skip
        if new_links:
            session.execute(insert(LINKS), new_links)
        # The item was read again (it changed, or was stored before digests were): what it
        # looks like now, so that next time it is recognised.
        new_digests = [
            {"b_source_id": source_id, "b_article_id": article.id,
             "b_entry_digest": article.entry_digest}
            for article in articles
            if article.id in links and links[article.id] != article.entry_digest
        ]  # fmt: skip
        if new_digests:
            session.execute(NEW_ENTRY_DIGEST, new_digests)
        for tombstone in tombstones.values():
            if tombstone.id in known:
                session.delete(tombstone)
        return counts

    @staticmethod
    def _follow_known_guids(
        session: Session, source_id: str, articles: list[Article]
    ) -> list[Article]:
        """An item whose link changed but whose guid did not keeps its first id."""
        guids = [article.guid for article in articles if article.guid]
        known = dict(
            session.execute(KNOWN_GUIDS, {"source_id": source_id, "guids": guids}).all()
        ) if guids else {}  # fmt: skip
        unique: dict[str, Article] = {}
        for article in articles:
            if article.guid in known:
                article.id = known[article.guid]
            unique.setdefault(article.id, article)  # a feed listing an item twice counts once
        return list(unique.values())

    def prune(self, *, last_seen_before: datetime, now: datetime) -> int:
        """Retire articles no source has listed since `last_seen_before`, keeping tombstones."""
        with self.session() as session, session.begin():
            old = list(
                session.scalars(
                    select(ArticleRow).where(ArticleRow.last_seen_at < last_seen_before)
                )
            )
            for row in old:
                session.merge(
                    TombstoneRow(
                        id=row.id, date=row.date, first_seen_at=row.first_seen_at, removed_at=now
                    )
                )
            for old_ids in chunks([row.id for row in old]):
                session.execute(
                    delete(ArticleSourceRow).where(ArticleSourceRow.article_id.in_(old_ids))
                )
                session.execute(delete(ArticleRow).where(ArticleRow.id.in_(old_ids)))
            return len(old)

    def latest_articles(self, batch: int = 500) -> Iterator[StoredArticle]:
        """Newest first, ties broken by id, so every run orders the same articles the same way.

        Plain rows (SQLAlchemy Core), not ORM objects: publishing only reads them, and a
        thousand tracked objects cost more to build than the query takes."""
        articles = ArticleRow.__table__
        query = select(articles).order_by(articles.c.date.desc(), articles.c.id)
        with self.engine.connect() as connection:
            offset = 0
            while True:
                rows = connection.execute(query.limit(batch).offset(offset)).all()
                if not rows:
                    return
                carriers: dict[str, list[str]] = {}
                for article_id, source_id in connection.execute(
                    CARRIERS, {"ids": [row.id for row in rows]}
                ):
                    carriers.setdefault(article_id, []).append(source_id)
                for row in rows:
                    yield StoredArticle(row=row, source_ids=carriers.get(row.id, [row.source_id]))
                offset += batch

    # Outputs -------------------------------------------------------------------------------

    def output_states(self) -> dict[str, OutputRow]:
        """Every output's last published state, by slug: one query a publish, not one an
        output."""
        with self.session() as session:
            return {row.slug: row for row in session.scalars(select(OutputRow))}

    def save_output_states(self, states: list[tuple[str, str, datetime]]) -> None:
        """(slug, fingerprint, built_at) of each output a publish changed, in one transaction."""

        def transaction() -> None:
            with self.session() as session, session.begin():
                for slug, fingerprint, built_at in states:
                    session.merge(OutputRow(slug=slug, fingerprint=fingerprint, built_at=built_at))

        if states:
            self._retrying(None, transaction)  # two hosts may publish at once


def source_states(session: Session, ids: list[str]) -> dict[str, Row[Any]]:
    """The sources' stored state (url, validators, listing dates) by id, as plain rows."""
    rows = (row for chunk in chunks(ids) for row in session.execute(SOURCE_STATES, {"ids": chunk}))
    return {row.id: row for row in rows}


def touch_listed(
    session: Session,
    source_id: str,
    listed_at: datetime | None,
    last_success_at: datetime | None,
    fetched_at: datetime,
) -> datetime | None:
    """After a 304, mark what the source listed at its last success as seen (the feed is
    unchanged, so it still lists them: they stay current for retention), at most hourly.
    The source's new listed_at, or None when nothing was due."""
    listed_since = listed_at or last_success_at
    if listed_since is None:
        return None
    if listed_at is not None and fetched_at - listed_at < TOUCH_LISTED_EVERY:
        return None  # marked seen less than an hour ago: retention counts in days
    session.execute(
        update(ArticleRow)
        .where(
            ArticleRow.last_seen_at >= listed_since,
            ArticleRow.id.in_(
                select(ArticleSourceRow.article_id).where(ArticleSourceRow.source_id == source_id)
            ),
        )
        .values(last_seen_at=fetched_at)
    )
    return fetched_at


def new_values(article: Article, now: datetime, tombstone: TombstoneRow | None) -> dict[str, Any]:
    """A new article's row, as values for one bulk insert."""
    first_seen = tombstone.first_seen_at if tombstone else now
    values = visible_values(article, first_seen)
    if article.published_at is None and tombstone is not None:
        values["date"] = tombstone.date
    values.update(
        id=article.id,
        source_id=article.source_id,
        first_seen_at=first_seen,
        last_seen_at=now,
        # A new article's "updated" is its own date, not the moment we happened to fetch it.
        updated_at=article.updated_at or values["date"],
    )
    return values


def update_row(row: ArticleRow, article: Article) -> None:
    for name, value in visible_values(article, row.first_seen_at).items():
        setattr(row, name, value)


def visible_values(article: Article, first_seen_at: datetime) -> dict[str, Any]:
    """The columns a reader sees, from the article (its date: first seen when it has none)."""
    image = article.image
    return {
        "url": article.url,
        "title": article.title,
        "summary": article.summary,
        "content_html": article.content_html,
        "author": article.author,
        "categories": article.categories,
        "image_url": image.url if image else None,
        "image_type": image.type if image else None,
        "image_length": image.length if image else None,
        "language": article.language,
        "location": article.location,
        "date": article.published_at or first_seen_at,
        "date_from_source": article.published_at is not None,
        "date_clamped": article.date_clamped,
        "fingerprint": article.fingerprint(),
    }
