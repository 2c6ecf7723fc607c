"""Output files appear whole or not at all: write a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Whole or not at all; `-o /dev/stdout` or `-o /dev/null` writes into the device, never replaces it.

    A symbolic link is followed, so the file it points at is replaced and the link stays.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing (or unreadable): created below, or the error comes from there
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):  # a device, pipe or socket: nothing to rename over
        with open(path, "wb") as stream:
            stream.write(data)
        return
    path = Path(os.path.realpath(path))
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
