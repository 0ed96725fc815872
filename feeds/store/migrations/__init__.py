"""Alembic migrations of the state database (env.py + versions/), run by `feeds db upgrade`."""
