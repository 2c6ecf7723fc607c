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
from opsgov.config import ConfigError
from opsgov.schema import BUNDLE_NAME, bundle_schemas, schema_dir

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


def scaffold(target: Path, *, today: datetime.date, force: bool = False) -> list[str]:
    """Write the starter into `target`; the relative paths written. Refuses a non-empty folder unless `force`."""
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ConfigError(f"{target}: the folder is not empty; choose another, or pass --force to overwrite")
    expires = today + datetime.timedelta(days=365)
    created = not target.exists()
    written: list[str] = []
    templates = resources.files("opsgov").joinpath("templates").joinpath("init")
    try:
        for rel, source in _template_files(templates):
            text = source.read_text(encoding="utf-8").replace("{{expires}}", expires.isoformat())
            destination = target / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(destination, text)
            written.append(rel)
        schemas = target / ".opsgov" / "schemas"
        schemas.mkdir(parents=True, exist_ok=True)
        for schema in sorted(schema_dir().glob("*.json")):
            write_atomic(schemas / schema.name, schema.read_bytes())
            written.append(f".opsgov/schemas/{schema.name}")
        # yaml-language-server validates with Draft 7: the editor settings point at this bundle.
        write_atomic(schemas / BUNDLE_NAME, json.dumps(bundle_schemas(), ensure_ascii=False, indent=2) + "\n")
        written.append(f".opsgov/schemas/{BUNDLE_NAME}")
    except OSError as error:
        if created:  # no half-written starter left behind
            shutil.rmtree(target, ignore_errors=True)
        raise ConfigError(f"cannot write {error.filename or target}: {error.strerror or error}") from None
    return written
