"""Files on disk: the YAML files of a repository, found and read without leaving it.

Symbolic links are followed only inside the repository; pipes and devices are never opened for
reading (they could block forever); an oversized file is refused before it is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path as FsPath

from opsgov.i18n import _
from opsgov.load.compose import load_bytes
from opsgov.load.decode import too_big
from opsgov.load.documents import Document
from opsgov.load.limits import DEFAULT_LIMITS, Limits
from opsgov.report.finding import Finding

YAML_SUFFIXES = (".yaml", ".yml")


def inside_repository(real_root: FsPath, path: str | FsPath) -> bool:
    """Whether `path`, every symbolic link on its way followed, stays under `real_root` (a resolved path)."""
    real = os.path.realpath(path)
    base = str(real_root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def discover(root: FsPath, folders: Sequence[str]) -> tuple[list[tuple[FsPath, str]], list[Finding]]:
    """The YAML files under `folders` of `root`, sorted; symlinks are followed only inside `root`."""
    real_root = root.resolve()
    found: dict[str, FsPath] = {}
    findings: list[Finding] = []
    seen_dirs: set[str] = set()

    def rel_of(path: str) -> str:
        # A name is shown, never opened again: its bytes read as UTF-8 whatever the locale (PYTHONUTF8=0
        # under LC_ALL=C decodes them to lone surrogates, which no output can encode); others as \xNN.
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        return os.fsencode(rel).decode("utf-8", "backslashreplace")

    def inside(path: str) -> bool:
        return inside_repository(real_root, path)

    def walk(directory: str) -> Iterator[None]:
        real = os.path.realpath(directory)
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            findings.append(
                Finding(
                    rel_of(directory),
                    1,
                    1,
                    "file-unreadable",
                    _("cannot read folder: {error}").format(error=error.strerror or error),
                )
            )
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() and not inside(entry.path):
                findings.append(
                    Finding(
                        rel_of(entry.path),
                        1,
                        1,
                        "yaml-strict",
                        _("symbolic link points outside the repository; not followed"),
                    )
                )
                continue
            try:
                if entry.is_dir():
                    yield from walk(entry.path)
                elif entry.name.endswith(YAML_SUFFIXES):
                    if entry.is_file() or not os.path.exists(entry.path):  # a dangling link: reading says why
                        found.setdefault(rel_of(entry.path), FsPath(entry.path))
                    else:  # a pipe or a device named *.yaml: reading it could block forever
                        findings.append(
                            Finding(rel_of(entry.path), 1, 1, "file-unreadable", _("not a regular file; not read"))
                        )
            except OSError as error:
                findings.append(
                    Finding(
                        rel_of(entry.path),
                        1,
                        1,
                        "file-unreadable",
                        _("cannot read: {error}").format(error=error.strerror or error),
                    )
                )

    for folder in folders:
        start = root / folder
        if not inside(str(start)):  # the entry or a folder on its way is a link out of the repository
            if os.path.lexists(start):
                findings.append(
                    Finding(
                        rel_of(str(start)),
                        1,
                        1,
                        "yaml-strict",
                        _("symbolic link points outside the repository; not followed"),
                    )
                )
            continue
        if start.is_file() or (start.suffix in YAML_SUFFIXES and not start.exists()):
            found.setdefault(rel_of(str(start)), start)
        elif start.exists() and not start.is_dir():  # a pipe or a device: reading it could block forever
            findings.append(Finding(rel_of(str(start)), 1, 1, "file-unreadable", _("not a regular file; not read")))
        elif start.is_dir():
            for _done in walk(str(start)):
                pass
    return [(found[rel], rel) for rel in sorted(found)], findings


def load_file(path: FsPath, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], list[Finding]]:
    try:
        raw = read_regular(path, limits.max_file_bytes)
    except Oversize as size:
        return [], [
            Finding(
                rel,
                1,
                1,
                "yaml-strict",
                too_big(size.args[0], limits.max_file_bytes),
                hint=_("split it into several files"),
            )
        ]
    except NotRegularError as error:
        return [], [Finding(rel, 1, 1, "file-unreadable", _("{error}; not read").format(error=error))]
    except OSError as error:
        return [], [
            Finding(rel, 1, 1, "file-unreadable", _("cannot read file: {error}").format(error=error.strerror or error))
        ]
    return load_bytes(raw, rel, limits)


class NotRegularError(OSError):
    """A folder, pipe, socket or device where a file was expected."""


class Oversize(Exception):
    pass


def file_type(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    return _("not a regular file")


def read_regular(path: FsPath, max_bytes: int) -> bytes:
    """The bytes of a regular file; never blocks on a FIFO (opened non-blocking, then checked by fstat)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularError(_("{what}, not a regular file").format(what=file_type(status.st_mode)))
        if status.st_size > max_bytes:
            raise Oversize(status.st_size)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)
    finally:
        os.close(descriptor)
