"""Atomic, change-only file writes.

A reader (or nginx) must only ever see the old file or the new one: write a temporary file in
the same folder, flush it to disk, then rename it over the old one. Identical bytes are not
written at all, so ETag and Last-Modified stay valid and readers' conditional GETs keep
answering 304.
"""

import os
import tempfile
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Returns True when the file was written, False when it already held exactly `data`."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # published files are public; mkstemp makes them private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)
    return True


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
