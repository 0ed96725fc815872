"""Atomic, change-only file writes.

A reader (or nginx) must only ever see the old file or the new one: write a temporary file in
the same folder, flush it to disk, then rename it over the old one. Identical bytes are not
written at all, so ETag and Last-Modified stay valid and readers' conditional GETs keep
answering 304.
"""

import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


def write_all_if_changed(files: dict[Path, bytes]) -> dict[Path, bool]:
    """Write every changed file, all or nothing as far as the disk allows: every temporary file
    is written and flushed before the first rename, so a full disk (or any write error) leaves
    every published file as it was. Renames happen in the order given. Returns, per path,
    True when written. A failed write raises OSError whose filename is the published path."""
    with StagedFiles() as staged:
        for path, data in files.items():
            staged.add(path, data)
        return staged.commit()


class StagedFiles:
    """write_all_if_changed, given one file at a time: each is compared and staged by a
    background thread as soon as it is added, so writing and flushing it (system calls that
    let other Python threads run) overlap the rendering of the next documents. Nothing is
    renamed before commit(), so the all-or-nothing promise holds as before.

    A context manager: leaving it without commit() (an error while rendering, a failed write)
    removes every temporary file."""

    def __init__(self) -> None:
        # One thread, so files are staged in the order added and the first failure (a full
        # disk) stops the rest: nothing more is written for a publish that is lost anyway.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stage")
        self._staging: dict[Path, Future[str | None]] = {}
        self._failed = threading.Event()
        self._committed = False

    def __enter__(self) -> "StagedFiles":
        return self

    def __exit__(self, *error: object) -> None:
        self._pool.shutdown(wait=True)  # every stage() has ended: its file exists or not
        if not self._committed:
            for future in self._staging.values():
                if future.exception() is None and (temporary := future.result()) is not None:
                    Path(temporary).unlink(missing_ok=True)

    def add(self, path: Path, data: bytes) -> None:
        """Stage `data` for `path` unless `path` already holds exactly those bytes."""
        self._staging[path] = self._pool.submit(self._stage, path, data)

    def _stage(self, path: Path, data: bytes) -> str | None:
        if self._failed.is_set():
            return None  # an earlier file failed: commit() raises its error
        try:
            return stage_if_changed(path, data)
        except BaseException:
            self._failed.set()
            raise

    def commit(self) -> dict[Path, bool]:
        """Rename every staged file over its path, in the order added, once all are staged;
        raises the first failed stage's OSError (then nothing is renamed). Returns, per path,
        True when written."""
        staged: dict[Path, str] = {}
        for path, future in self._staging.items():
            temporary = future.result()
            if temporary is not None:
                staged[path] = temporary
        self._committed = True  # from here on, this method cleans up after itself
        try:
            for path, temporary in staged.items():
                try:
                    os.replace(temporary, path)
                except OSError as error:
                    raise OSError(error.errno, error.strerror, str(path)) from error
        except BaseException:
            for temporary in staged.values():
                Path(temporary).unlink(missing_ok=True)  # those not renamed yet
            raise
        for folder in {path.parent for path in staged}:
            sync_folder(folder)
        return {path: path in staged for path in self._staging}


def stage_if_changed(path: Path, data: bytes) -> str | None:
    """stage() unless `path` already holds `data`: the temporary file's name, or None."""
    return None if is_unchanged(path, data) else stage(path, data)


def is_unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def stage(path: Path, data: bytes) -> str:
    """A flushed temporary file beside `path` holding `data`; its name starts with a dot, so
    it is never served."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # published files are public; mkstemp makes them private
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    return temporary


def write_if_changed(path: Path, data: bytes) -> bool:
    """Returns True when the file was written, False when it already held exactly `data`."""
    return write_all_if_changed({path: data})[path]


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable across a power cut."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
