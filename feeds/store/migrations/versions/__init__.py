"""Revisions, oldest first: 0001 baseline, 0002 PostgreSQL stores and orders as SQLite."""
