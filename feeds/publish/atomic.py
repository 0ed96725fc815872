"""Atomic, change-only file writes.

A reader (or nginx) must only ever see the old file or the new one: write a temporary file in
the same folder, flush it to disk, then rename it over the old one. Identical bytes are not
written at all, so ETag and Last-Modified stay valid and readers' conditional GETs keep
answering 304.
"""

import os
import tempfile
from pathlib import Path


def write_all_if_changed(files: dict[Path, bytes]) -> dict[Path, bool]:
    """Write every changed file, all or nothing as far as the disk allows: every temporary file
    is written and flushed before the first rename, so a full disk (or any write error) leaves
    every published file as it was. Renames happen in the order given. Returns, per path,
    True when written. A failed write raises OSError whose filename is the published path."""
    staged: dict[Path, str] = {}
    try:
        for path, data in files.items():
            if not is_unchanged(path, data):
                staged[path] = stage(path, data)
    except BaseException:
        for temporary in staged.values():
            Path(temporary).unlink(missing_ok=True)
        raise
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
    return {path: path in staged for path in files}


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
