"""One `feeds run` at a time per state database.

Cron may start a run while the previous one is still going; the second waits a bounded time
for the first and then gives up with a clear message instead of fighting over the database.
The lock is an OS file lock, so a killed run never leaves it stuck.
"""

import hashlib
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy.engine import make_url


class LockTimeout(Exception):
    pass


def lock_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.lock")
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"feeds-{digest}.lock"


class RunLock:
    def __init__(self, database_url: str, *, wait_seconds: float):
        self.path = lock_path(database_url)
        self.wait_seconds = wait_seconds
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(self.path)

    def __enter__(self) -> "RunLock":
        try:
            self._lock.acquire(timeout=self.wait_seconds)
        except Timeout:
            raise LockTimeout(
                f"another feeds run is still working on the same state ({self.path}); "
                f"waited {self.wait_seconds:g} s and gave up. Try again later, or raise --wait."
            ) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()
