"""Work distribution over PostgreSQL: the procrastinate queue, `feeds worker`, `feeds scheduler`."""

from __future__ import annotations

from feeds.queue.schema import apply_queue_schema, queue_schema_exists


def test_queue_schema_is_created_once_and_reapplied_as_a_no_op(postgres_url: str) -> None:
    assert not queue_schema_exists(postgres_url)
    apply_queue_schema(postgres_url)
    assert queue_schema_exists(postgres_url)
    apply_queue_schema(postgres_url)  # a second upgrade must not fail on existing objects
    assert queue_schema_exists(postgres_url)
