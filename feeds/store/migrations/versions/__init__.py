"""Revisions, oldest first (0001 is the baseline: the tables of the release before migrations)."""
