"""The one type that represents a problem, and the levels it can have."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from opsgov.i18n import _

LEVELS = ("error", "warning", "info")
"""Finding levels, most severe first."""

LEVEL_RANK = {"error": 3, "warning": 2, "info": 1, "never": 4}
"""`--fail-on never` ranks above every level, so nothing fails the run."""


@dataclass(frozen=True, order=True, slots=True)
class Related:
    """Another place a finding is about (the first definition, the other owner)."""

    file: str
    line: int
    column: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """A problem at one place in one file.

    Field order is the report's sort order: file, line, column, rule. Producers leave
    `level` empty; the engine stamps the configured level on every finding.
    """

    file: str
    line: int
    column: int
    rule: str
    message: str
    level: str = ""
    entity: str = ""
    path: str = ""
    related: tuple[Related, ...] = ()
    hint: str = ""
    waived: bool = False
    waived_by: str = ""
    """The Waiver that covers the finding and its reason (`Waiver/x: reason`); not in the JSON
    report, whose shape docs/cli.md fixes, but shown by the text and SARIF reporters."""
    waiver_ticket: str = ""
    """The covering Waiver's `spec.ticket` (its approval record), "" when it names none."""
    identity: tuple[str, ...] = ()
    """What the finding is about beyond its rule and entity (the other owners of a duty, a band's
    interval, a cycle's members, a reference's field and target), in an order that does not depend
    on list order, files or lines. The fingerprint (fingerprint.py) is made from it; not in the
    JSON report."""
    as_of: str | None = None
    """The first later change date (`YYYY-MM-DD`) on which the finding holds, for a finding that does
    not hold on the as-of date (a planned change checked before it happens, docs/cli.md); None for
    every finding that holds on the as-of date. Not part of the fingerprint: the same finding on
    several dates is one finding. The JSON report carries it as `asOf`, only when set."""
    trace: str = dataclasses.field(default="", compare=False)
    """The whole Python stack of an `internal-error` (empty on every other finding): the JSON
    report carries it as `trace`, so a crash in CI can be debugged from the report alone; the text
    report leaves it out (`opsgov --traceback` prints it on stderr)."""

    def waiver_words(self) -> str:
        """`Waiver/x, ticket ABC-1`: the covering waiver as every report names it ("" when not waived by one)."""
        waiver = self.waived_by.partition(":")[0]
        if not waiver:
            return ""
        return (
            _("{waiver}, ticket {ticket}").format(waiver=waiver, ticket=self.waiver_ticket)
            if self.waiver_ticket
            else waiver
        )

    @property
    def from_date(self) -> str:
        """` (from 2027-01-01)` for a finding that first holds on a later change date, else empty:
        how every human-readable report format says it."""
        return _(" (from {day})").format(day=self.as_of) if self.as_of else ""

    def replace(self, **changes: Any) -> Finding:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        fields = {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "entity": self.entity,
            "path": self.path,
            "related": [r.to_dict() for r in self.related],
            "hint": self.hint,
            "waived": self.waived,
        }
        if self.as_of is not None:  # a later change date only: a finding of the as-of date keeps the v1 shape
            fields["asOf"] = self.as_of
        if self.trace:  # internal-error only: every other finding keeps the v1 shape exactly
            fields["trace"] = self.trace
        return fields
