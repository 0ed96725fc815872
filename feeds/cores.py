"""Work shared between the machine's cores.

`feeds run` keeps every core busy while it parses (CPUPool in pipeline.py, a pool forked
before the work arrives, fed with bytes). Publishing is different: its inputs are rows already
in memory, large to pickle and cheap to inherit, so `map_forked` forks its helpers *after* the
inputs exist and only the results travel back.
"""

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def map_forked(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    cost: Callable[[T], int] = lambda item: 1,
    cores: int | None = None,
) -> Iterator[tuple[int, R]]:
    """(index, function(item)) for every item, shared between this process and forked
    helpers, one a spare core. Results come as they are ready: this process's own first, one
    at a time, so the caller can use each (write it out) while the helpers still work; then
    each helper's. Use it in a `with contextlib.closing(...)`: closing it early stops the
    helpers.

    The items are dealt by `cost`, the largest first to the least loaded process. A helper's
    exception is raised here, as if the item had been run here; a helper that dies (killed,
    out of memory) has its items run here instead. `function` must not use what a fork does
    not carry over safely: the database connections, the event loop, other threads' locks;
    outside the main thread nothing is forked (safe_to_fork).
    """
    cores = min(cores or usable_cores(), len(items))
    if cores < 2 or not safe_to_fork():
        for index, item in enumerate(items):
            yield index, function(item)
        return

    shares: list[list[int]] = [[] for _ in range(cores)]
    loads = [0] * cores
    for index in sorted(range(len(items)), key=lambda index: -cost(items[index])):
        least = loads.index(min(loads))
        shares[least].append(index)
        loads[least] += cost(items[index])

    context = multiprocessing.get_context("fork")
    helpers = []
    for share in shares[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=run_share, args=(function, [items[index] for index in share], sender),
            daemon=True,
        )  # fmt: skip
        process.start()
        sender.close()  # so that a helper's death reads as end of file here
        helpers.append((share, process, receiver))

    try:
        for index in shares[0]:
            yield index, function(items[index])
        for share, _process, receiver in helpers:
            try:
                outcome, value = receiver.recv()
            except EOFError:  # the helper died before answering
                outcome, value = "lost", None
            if outcome == "raised":
                raise value
            answers = value if outcome == "done" else [function(items[i]) for i in share]
            yield from zip(share, answers, strict=True)
    finally:
        # Answered, or no longer wanted (an error here): no helper outlives the call.
        for _share, process, receiver in helpers:
            receiver.close()
            if process.is_alive():
                process.terminate()
            process.join()


def safe_to_fork() -> bool:
    """Only from the main thread: `feeds run` publishes there, with no other thread doing
    more than write files. The service publishes in a worker thread while its event loop may
    be parsing a page: a child forked then could inherit a lock (libxml2's, the import
    system's) held for ever, so there the work stays in this process."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


def run_share(function: Callable[[T], R], share: list[T], sender: Connection) -> None:
    """In a helper: the results of its share, or the first exception, sent back."""
    try:
        answer: tuple[str, object] = ("done", [function(item) for item in share])
    except Exception as error:
        answer = ("raised", error)
    try:
        sender.send(answer)
    except Exception as error:  # a result or an exception that cannot be pickled
        sender.send(("raised", RuntimeError(f"a helper's answer cannot be sent back: {error}")))
    finally:
        sender.close()
