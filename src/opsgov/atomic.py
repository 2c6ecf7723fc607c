"""Output files appear whole or not at all: write a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Mapping
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


def write_folder(files: Mapping[str, str | bytes], out_dir: Path) -> None:
    """A folder appears whole or not at all: its files (relative path -> content) are written into a
    new folder beside `out_dir`, which is then renamed into place; a previous `out_dir` is replaced
    as a whole, and put back if the swap fails. The caller decides whether replacing is allowed."""
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{out_dir.name}.{secrets.token_hex(6)}.tmp"
    old = parent / f".{out_dir.name}.{secrets.token_hex(6)}.old"
    staging.mkdir()
    try:
        for folder in sorted({(staging / rel).parent for rel in files}):
            folder.mkdir(parents=True, exist_ok=True)
        for rel in sorted(files):
            content = files[rel]
            (staging / rel).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if out_dir.exists():
            os.rename(out_dir, old)
            try:
                os.rename(staging, out_dir)
            except OSError:
                os.rename(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
