"""`opsgov init DIR`: a small starter repository that checks clean.

The starter shows every moving part once: an organisation, one policy, one finding of it that a
waiver accepts (so the waiver is used and the run is clean), `opsgov.yaml`, a README for the
governance team, and editor settings pointing at a local copy of the schemas (so completion
works offline). The waiver's expiry is set a year after the day of `init`.
"""

from __future__ import annotations

import datetime
import json
import shutil
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from opsgov.atomic import write_atomic
from opsgov.config.settings import ConfigError, Settings
from opsgov.load.schema import BUNDLE_NAME, bundle_schemas, schema_dir
from opsgov.outputs import Inputs, guard_output, inside_target, repository_inputs

RENAMES = {"vscode-settings.json": ".vscode/settings.json"}
"""Template files stored under another name (a dot folder could be left out of the package)."""


def _template_files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    files: list[tuple[str, Traversable]] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            files.extend(_template_files(item, rel + "/"))
        elif not item.name.endswith((".pyc", ".pyo")):
            files.append((RENAMES.get(rel, rel), item))
    return files


def _starter(expires: datetime.date) -> list[tuple[str, str | bytes]]:
    """(relative path, content) of every file of the starter."""
    files: list[tuple[str, str | bytes]] = []
    templates = resources.files("opsgov").joinpath("templates").joinpath("init")
    for rel, source in _template_files(templates):
        files.append((rel, source.read_text(encoding="utf-8").replace("{{expires}}", expires.isoformat())))
    for schema in sorted(schema_dir().glob("*.json")):
        files.append((f".opsgov/schemas/{schema.name}", schema.read_bytes()))
    # yaml-language-server validates with Draft 7: the editor settings point at this bundle.
    files.append((f".opsgov/schemas/{BUNDLE_NAME}", json.dumps(bundle_schemas(), ensure_ascii=False, indent=2) + "\n"))
    return files


def _documents_in(target: Path) -> Inputs:
    """The governance documents already in `target`, by the default folders (its opsgov.yaml is one)."""
    inputs = repository_inputs(Settings(root=target, as_of=datetime.date.min))  # no date matters here
    inputs.folders.clear()  # an empty ops/ is no document: only files count
    return inputs


def scaffold(target: Path, *, today: datetime.date, force: bool = False) -> list[str]:
    """Write the starter into `target`; the relative paths written. Refuses a non-empty folder unless `force`.

    Even with `force`, a folder that already holds governance documents (opsgov.yaml, YAML under
    ops/ or policies/) is refused, and so is a file whose way into `target` leaves it through a
    symbolic link: both are checked before the first file is written (outputs.py).
    """
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ConfigError(f"{target}: the folder is not empty; choose another, or pass --force to overwrite")
    guard_output(target, _documents_in(target), folder=True, what="the starter")
    files = _starter(today + datetime.timedelta(days=365))
    destinations = [(rel, inside_target(target, rel), content) for rel, content in files]
    created = not target.exists()
    written: list[str] = []
    try:
        for rel, destination, content in destinations:
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(destination, content)
            written.append(rel)
    except OSError as error:
        if created:  # no half-written starter left behind
            shutil.rmtree(target, ignore_errors=True)
        raise ConfigError(f"cannot write {error.filename or target}: {error.strerror or error}") from None
    return written
