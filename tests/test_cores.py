"""map_forked: work shared between this process and forked helpers, with the same results, in
the same places, as running it here; errors and dead helpers handled as a caller expects."""

import contextlib
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from feeds.cores import map_forked, usable_cores

PARENT = os.getpid()


def doubled_with_pid(item: int) -> tuple[int, int]:
    return item * 2, os.getpid()


def test_every_result_once_at_its_index_and_a_share_ran_in_a_helper() -> None:
    results = dict(map_forked(doubled_with_pid, list(range(10)), cores=2))
    assert sorted(results) == list(range(10))
    assert [value for value, _pid in (results[i] for i in range(10))] == [i * 2 for i in range(10)]
    pids = {pid for _value, pid in results.values()}
    assert PARENT in pids and len(pids) == 2


def test_this_process_gives_its_results_first_then_the_helpers() -> None:
    order = [pid for _index, (_value, pid) in map_forked(doubled_with_pid, [1, 2, 3, 4], cores=2)]
    assert order[:2] == [PARENT, PARENT] and PARENT not in order[2:]


def test_items_are_dealt_by_cost_largest_first_to_the_least_loaded() -> None:
    costs = [5, 1, 1, 1, 1, 1]
    results = dict(map_forked(doubled_with_pid, costs, cost=lambda item: item, cores=2))
    ran_here = [index for index, (_value, pid) in results.items() if pid == PARENT]
    assert ran_here == [0]  # 5 here; the five 1s, together 5, in the helper


def test_one_core_or_one_item_runs_everything_here_without_forking() -> None:
    for items, cores in (([1, 2, 3], 1), ([7], 2)):
        results = list(map_forked(doubled_with_pid, items, cores=cores))
        assert {pid for _index, (_value, pid) in results} == {PARENT}
        assert [index for index, _ in results] == list(range(len(items)))
    assert usable_cores() >= 1


def fails_in_a_helper(item: int) -> int:
    if os.getpid() != PARENT and item == 3:
        raise ValueError(f"item {item} is broken")
    return item


def test_a_helpers_exception_is_raised_here() -> None:
    with pytest.raises(ValueError, match="item 3 is broken"):
        list(map_forked(fails_in_a_helper, [0, 1, 2, 3], cores=2))
    assert multiprocessing.active_children() == []


def dies_in_a_helper(item: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        os._exit(1)  # as if killed: no answer at all
    return item, os.getpid()


def test_a_dead_helpers_items_are_run_here() -> None:
    results = dict(map_forked(dies_in_a_helper, [0, 1, 2, 3], cores=2))
    assert results == {index: (index, PARENT) for index in range(4)}


def unpicklable_in_a_helper(item: int) -> object:
    return item if os.getpid() == PARENT else (lambda: item)


def test_an_answer_that_cannot_be_sent_back_is_an_error_here() -> None:
    with pytest.raises(RuntimeError, match="cannot be sent back"):
        list(map_forked(unpicklable_in_a_helper, [0, 1], cores=2))


def slow_in_a_helper(item: int) -> int:
    if os.getpid() != PARENT:
        time.sleep(30)
    return item


def test_closing_early_stops_the_helpers() -> None:
    started = time.monotonic()
    results = map_forked(slow_in_a_helper, [0, 1], cores=2)
    with contextlib.closing(results):
        assert next(results) == (0, 0)
        assert len(multiprocessing.active_children()) == 1
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 10


def test_outside_the_main_thread_nothing_is_forked() -> None:
    """The service publishes in a worker thread: forking there could inherit a lock another
    thread holds (see safe_to_fork)."""
    with ThreadPoolExecutor(1) as pool:
        results = pool.submit(lambda: list(map_forked(doubled_with_pid, [1, 2, 3], cores=2)))
        assert {pid for _index, (_value, pid) in results.result()} == {PARENT}
