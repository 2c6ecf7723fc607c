"""`Report`: what a check found, the one value every reporter, the handbook and explain read.

It lives in the report layer, not in the pipeline that fills it, so that the output side of
opsgov depends on the result of a check and never on the orchestrator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from opsgov.report.finding import LEVEL_RANK, LEVELS, Finding

if TYPE_CHECKING:
    from opsgov.model.entities import Model


@dataclass(slots=True)
class Report:
    """What a check found: every finding (waived ones too, marked), sorted, with levels stamped."""

    files: int
    documents: int
    findings: list[Finding]
    model: Model | None = field(default=None, repr=False)
    baselined: int = 0
    """Findings left out because the baseline file records them."""
    timings: dict[str, float] = field(default_factory=dict, repr=False)
    """Seconds per pipeline stage (load, schema, model, rules, policies, report)."""
    as_of: date | None = None
    """The as-of date, when the repository dates anything (else None, and the JSON summary keeps its v1 shape)."""
    dates: tuple[date, ...] = ()
    """Every date evaluated: the as-of date, then each later change date within the horizon;
    empty when the repository dates nothing (docs/cli.md, "Dates")."""
    lang: str = "en"
    """The language the messages are in (opsgov.i18n): the reporters word their summaries in it."""

    def counts(self) -> dict[str, int]:
        counts = Counter(f.level for f in self.findings if not f.waived)
        summary = {level: counts.get(level, 0) for level in LEVELS}
        summary["waived"] = sum(1 for f in self.findings if f.waived)
        return summary

    def exit_code(self, fail_on: str) -> int:
        """0 clean, 1 findings at or above `fail_on` (or an unreadable file), 2 an internal error."""
        if any(f.rule == "internal-error" for f in self.findings):
            return 2
        if any(f.rule == "file-unreadable" for f in self.findings):
            return 1
        threshold = LEVEL_RANK[fail_on]
        return 1 if any(not f.waived and LEVEL_RANK[f.level] >= threshold for f in self.findings) else 0
