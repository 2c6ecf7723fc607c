"""Where a command may write: never over an input, never among the governance documents, never out
of a target folder through a symbolic link. Every command that writes asks `guard_output` first
(and, for a folder it fills, `inside_target` for each file), before it writes anything.

The governance documents of a repository are its inputs: the files the check discovers (under the
`paths` of opsgov.yaml, default `ops/` and `policies/`), opsgov.yaml itself and the `--baseline`
file; its documents folders are the `paths` entries that are folders. Paths are compared after
following symbolic links, so a link to an input is the input.

- A file (`-o FILE`, `--write-baseline FILE`) is refused when it is an input, or lies inside a
  documents folder (where the next check would read it, or it would sit among the documents).
  `--write-baseline` may rewrite the `--baseline` file: updating a baseline is what it is for.
- A folder (`handbook -o DIR`, `schema -o DIR`, `init DIR`) is refused when it is, contains or
  lies inside a documents folder, or contains an input (the handbook replaces its folder whole).
- A file written into a folder must stay inside it: `init DIR` where DIR/ops is a symbolic link to
  a folder elsewhere is refused, instead of writing there.

A refusal is a ConfigError (exit status 2) that names the path and says why.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.config.project import CONFIG_FILE
from opsgov.config.settings import ConfigError, Settings
from opsgov.load.discover import discover


class OutputRefused(ConfigError):
    """A write that would replace an input, land among the documents or leave its target folder."""


def _real(path: Path | str) -> str:
    return os.path.realpath(path)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass(slots=True)
class Inputs:
    """A repository's inputs and documents folders, as real paths, each with the name to show."""

    files: dict[str, str] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)

    def but(self, path: Path) -> Inputs:
        """These inputs without `path`: `--write-baseline` may rewrite the baseline it was given."""
        return Inputs({k: v for k, v in self.files.items() if k != _real(path)}, dict(self.folders))


def repository_inputs(settings: Settings, extra: Iterable[Path] = ()) -> Inputs:
    """What `check` reads for these settings: its documents, opsgov.yaml, the baseline."""
    root = settings.root
    inputs = Inputs()
    if root.is_dir():
        files, _ = discover(root, settings.paths)
        for path, _rel in files:
            inputs.files[_real(path)] = str(path)
        for folder in settings.paths:
            candidate = root / folder
            if candidate.is_dir():
                inputs.folders[_real(candidate)] = str(candidate)
    config = root / CONFIG_FILE
    if config.is_file():
        inputs.files[_real(config)] = str(config)
    for extra_path in (settings.baseline, *extra):
        if extra_path is not None and extra_path.exists():
            inputs.files[_real(extra_path)] = str(extra_path)
    return inputs


def guard_output(target: Path, inputs: Inputs, *, folder: bool = False, what: str = "") -> None:
    """Refuse (OutputRefused) to write `target`, a file or with `folder` a folder, over or among `inputs`."""
    real = _real(target)
    name = f"{what} to {target}" if what else str(target)
    for path, shown in inputs.files.items():
        if real == path:
            raise OutputRefused(f"refusing to write {name}: it is {shown}, an input of the check")
    for path, shown in inputs.folders.items():
        if _within(real, path):
            raise OutputRefused(
                f"refusing to write {name}: it is inside {shown}, a folder of governance documents; write it elsewhere"
            )
    if not folder:
        return
    for path, shown in inputs.files.items():
        if _within(path, real):
            raise OutputRefused(f"refusing to write {name}: the folder holds {shown}, an input of the check")
    for path, shown in inputs.folders.items():
        if _within(path, real):
            raise OutputRefused(f"refusing to write {name}: the folder holds {shown}, a folder of governance documents")


def inside_target(folder: Path, rel: str) -> Path:
    """`folder / rel`, refused (OutputRefused) when a symbolic link on the way leads out of `folder`."""
    path = folder / rel
    top = _real(folder)
    if _within(_real(path), top):
        return path
    current = folder
    for part in Path(rel).parts:
        current = current / part
        if current.is_symlink() and not _within(_real(current), top):
            raise OutputRefused(
                f"refusing to write {path}: {current} is a symbolic link to {os.readlink(current)}, outside {folder}"
            )
    raise OutputRefused(f"refusing to write {path}: it resolves to {_real(path)}, outside {folder}")
