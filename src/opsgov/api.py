"""The library API, re-exported by `opsgov/__init__.py`: check a repository, or load its model.

    import datetime, opsgov
    report = opsgov.check("path/to/repo", as_of=datetime.date(2026, 11, 27))
    for finding in report.findings:
        print(finding.file, finding.line, finding.column, finding.rule, finding.message)

Side effects (docs/api.md): these functions read the repository's files and its opsgov.yaml and
nothing else; they never print, never write, never read the clock (`as_of` is a parameter).
While a check runs, the garbage collector is paused and its previous state restored afterwards
(the pipeline makes millions of objects and no cycles worth collecting). Policies run in a
forked child process under a time limit where `os.fork` exists (opsgov.policy.isolate), and
`jobs` > 1 parses a large repository in forked processes; both are gone when the call returns.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from opsgov.config.project import load_settings
from opsgov.config.settings import ConfigError
from opsgov.pipeline import check as run_pipeline
from opsgov.pipeline import load_model
from opsgov.report.report import Report
from opsgov.rules import REGISTRY
from opsgov.rules.base import Rule

if TYPE_CHECKING:
    from opsgov.model.entities import Model

__all__ = ["ConfigError", "check", "load"]


def check(
    path: str | os.PathLike[str],
    *,
    as_of: datetime.date,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    rules: Mapping[str, Rule] | Iterable[Rule] = REGISTRY,
    fail_on: str | None = None,
    jobs: int = 1,
) -> Report:
    """Check the governance repository at `path` (with its opsgov.yaml), as `opsgov check` does.

    `as_of` is the day whose organisation is checked (the documents in force that day, then every
    later change date within the horizon) and the date waivers are judged against. `select` and
    `ignore` take rule ids or family prefixes (`approval-`), as the command line's options do. `rules`
    are the rules to run: the built-in registry `opsgov.rules.REGISTRY` by default, or a subset
    of it, or rules of your own (made with `opsgov.rules.base.rule`), as a mapping id -> Rule or
    an iterable of Rules. `fail_on` overrides opsgov.yaml's failOn for `report.exit_code`.

    Raises `ConfigError` for a usage or configuration problem (not a folder, a broken
    opsgov.yaml, an unknown rule in `select`); every problem in the governance documents is a
    finding in the report.
    """
    day = _day(as_of)
    settings = load_settings(_folder(path), fail_on=fail_on, select=tuple(select), ignore=tuple(ignore), as_of=day)
    settings.jobs = jobs
    chosen = rules if isinstance(rules, Mapping) else {rule.id: rule for rule in rules}
    return run_pipeline(settings, chosen)


def load(path: str | os.PathLike[str], *, as_of: datetime.date) -> Model:
    """The model of the repository at `path`: its valid documents as entities, for renders and queries.

    Rules, policies and waivers do not run (use `check` for findings); the model's own findings
    (duplicates, unresolved references) are in `model.findings`.
    """
    return load_model(load_settings(_folder(path), as_of=_day(as_of)))


def _folder(path: str | os.PathLike[str]) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder")
    return folder


def _day(as_of: datetime.date) -> datetime.date:
    """A datetime is a date too: only its day counts; anything else is refused."""
    if not isinstance(as_of, datetime.date):
        raise TypeError(f"as_of must be a datetime.date, not {type(as_of).__name__}")
    return as_of.date() if isinstance(as_of, datetime.datetime) else as_of
