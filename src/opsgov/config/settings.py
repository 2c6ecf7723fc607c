"""Run settings: what to check and how to judge it. The CLI parses into this; the engine reads it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsgov.load.limits import DEFAULT_LIMITS, Limits
from opsgov.model.dates import DEFAULT_HORIZON


class ConfigError(Exception):
    """A usage or configuration problem: reported on one line, exit status 2."""


@dataclass(slots=True, kw_only=True)
class Settings:
    as_of: datetime.date
    """The day the organisation is checked as of, and waivers expire against; the caller (the CLI)
    says which: the library never reads the clock."""
    root: Path = Path(".")
    paths: tuple[str, ...] = ("ops", "policies")
    fail_on: str = "error"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    levels: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    horizon: int = DEFAULT_HORIZON
    """Days after the as-of date within which `check` also evaluates every change date (opsgov.yaml `horizon`)."""
    limits: Limits = DEFAULT_LIMITS
    jobs: int = 1
    """Processes that parse files in parallel (1: in this process)."""
    reference: bool = False
    """Validate every document with Python jsonschema only: the slow path the fast one must equal."""
    baseline: Path | None = None
    """A baseline file (opsgov.report.baseline): findings recorded in it are not reported."""
    source_url: str | None = None
    """`opsgov.yaml: sourceUrl`: where the handbook links a document, `{path}` and `{line}` filled in."""
    lang: str = ""
    """The language asked for (--lang, else opsgov.yaml `lang`); empty: the Organization's locale, else
    the environment (opsgov.i18n.choose)."""
