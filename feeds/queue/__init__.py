"""Work distribution over PostgreSQL: fetch and publish jobs in a procrastinate queue.

Only the multi-host set-up (`feeds worker`, `feeds scheduler`) imports this package's App;
the single-host path (`feeds run`, `feeds serve`, SQLite) never imports procrastinate or psycopg.
"""

from feeds.queue.schema import apply_queue_schema

__all__ = ["apply_queue_schema"]
