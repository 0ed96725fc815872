"""Store: articles and source state in SQLite (default) or PostgreSQL, via SQLAlchemy 2."""

from feeds.store.store import NotModified, SaveCounts, Store, StoredArticle

__all__ = ["NotModified", "SaveCounts", "Store", "StoredArticle"]
