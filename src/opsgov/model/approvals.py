"""Approval matrices as tables: the bands of a matrix in amount order, and who approves an amount.

One `BandRow` per band carries everything a reader needs (the interval in words, the approvers
with their titles, the mode, the escalation), so `opsgov who-approves` and the delegation of
authority table (`opsgov render approvals`) are one call each: `bands_table(model, matrix)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from opsgov.config.settings import ConfigError
from opsgov.i18n import _
from opsgov.model.bands import Interval, Measure, band_interval
from opsgov.model.dates import DEFAULT_HORIZON
from opsgov.model.delegation import Authority, Grant, Stand, Upcoming, band_stands
from opsgov.model.entities import Entity, Model

MODES = {
    "any": "any (one approver suffices)",
    "all": "countersign (all must approve)",
    "sequential": "sequential (all approve, in order)",
}


def matrix_currency(model: Model, matrix: Entity) -> str | None:
    """The matrix's `currency`, else the Organization's, else None (amounts then print bare)."""
    currency = matrix.spec.get("currency")
    if currency:
        return str(currency)
    return organization_currency(model)


def organization_currency(model: Model) -> str | None:
    """The Organization's `currency` when there is exactly one Organization, else None."""
    if len(model.organizations) == 1:
        currency = model.organizations[0].spec.get("currency")
        if currency:
            return str(currency)
    return None


def matrix_measure(model: Model, matrix: Entity) -> Measure:
    """What the matrix's bounds measure (`spec.quantity`, default money), with the currency for money."""
    quantity = str(matrix.spec.get("quantity") or "money")
    return Measure(quantity, matrix_currency(model, matrix) if quantity == "money" else None)


def grant_measure(model: Model, grant: Grant) -> Measure:
    """What a Delegation's cap (`upTo`) measures: the quantity of its (first) matrix, as that matrix
    reads on the Delegation's first day when it is scheduled; else money in the Organization's currency."""
    day = max(model.as_of, grant.window.start or model.as_of)
    first = model.version_on(grant.matrices[0], day) if grant.matrices else None
    if first is not None:
        return matrix_measure(model, first)
    return Measure("money", organization_currency(model))


def matrix_category(matrix: Entity) -> str:
    """The matrix's `spec.category` (a grouping of decision rights such as 人事任免), "" when none."""
    return str(matrix.spec.get("category") or "")


MAJORITIES = {"simple": "simple majority", "two-thirds": "two-thirds majority", "unanimous": "unanimous"}


def vote_words(unit: Entity) -> str:
    """How a voting body decides ("decided by a vote of 总经理办公会: quorum 3 of 5, simple majority"), or ""."""
    voting = unit.spec.get("voting")
    if not isinstance(voting, dict):
        return ""
    members = len(voting.get("members") or ())
    majority = str(voting.get("majority") or "simple")
    return (
        f"decided by a vote of {unit.title}: quorum {voting.get('quorum')} of {members}, "
        f"{MAJORITIES.get(majority, majority)}"
    )


@dataclass(frozen=True, slots=True)
class Party:
    """An approver or escalation target: `key` is `Kind/name` when the reference resolves, else ''.

    `vote` words how a Unit with `spec.voting` decides ("" for a post or a body deciding as one).
    """

    name: str
    key: str = ""
    title: str = ""
    vote: str = ""

    @property
    def kind(self) -> str:
        return self.key.partition("/")[0]

    def words(self) -> str:
        if not self.key:
            return f"{self.name} (unresolved)"
        text = f"{self.name} {self.title}" if self.title and self.title != self.name else self.name
        if self.kind == "Position":
            return text
        return f"{text} ({self.vote})" if self.vote else f"{text} (Unit, deciding as one)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind or None,
            "entity": self.key or None,
            "title": self.title,
            "vote": self.vote or None,
        }


@dataclass(frozen=True, slots=True)
class Escalation:
    after: str
    to: Party

    def words(self) -> str:
        return f"after {self.after} to {self.to.words()}"


@dataclass(frozen=True, slots=True)
class BandRow:
    """One band of a matrix, ready to print: `number` is 1-based, in the order the document lists it."""

    number: int
    interval: Interval
    words: str
    approvers: tuple[Party, ...]
    mode: str
    escalation: Escalation | None
    file: str
    line: int
    measure: Measure = field(default_factory=Measure)

    @property
    def currency(self) -> str | None:
        return self.measure.currency

    @property
    def mode_words(self) -> str:
        return MODES.get(self.mode, self.mode)

    def to_dict(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "band": self.number,
            "interval": {
                "low": str(interval.low),
                "lowInclusive": interval.low_inclusive,
                "high": None if interval.high is None else str(interval.high),
                "highInclusive": interval.high_inclusive,
            },
            "words": self.words,
            "mode": self.mode,
            "approvers": [a.to_dict() for a in self.approvers],
            "escalation": None
            if self.escalation is None
            else {"after": self.escalation.after, "to": self.escalation.to.to_dict()},
            "file": self.file,
            "line": self.line,
        }


def _party(model: Model, matrix: Entity, path: tuple[str | int, ...], raw: Any) -> Party:
    key = matrix.target(path)
    target = model.get(key)
    if target is None:
        return Party(str(raw))
    return Party(target.name, target.key, target.title, vote_words(target) if target.kind == "Unit" else "")


def bands_table(model: Model, matrix: Entity) -> list[BandRow]:
    """Every band of the matrix, in the order written (the delegation-of-authority table)."""
    measure = matrix_measure(model, matrix)
    rows: list[BandRow] = []
    for index, band in enumerate(matrix.spec.get("bands", ())):
        base = ("spec", "bands", index)
        interval = band_interval(band)
        approvers = tuple(
            _party(model, matrix, (*base, "approvers", j), raw) for j, raw in enumerate(band.get("approvers", ()))
        )
        escalation = None
        if "escalation" in band:
            spec = band["escalation"]
            escalation = Escalation(spec["after"], _party(model, matrix, (*base, "escalation", "to"), spec["to"]))
        rows.append(
            BandRow(
                number=index + 1,
                interval=interval,
                words=interval.words(measure),
                approvers=approvers,
                mode=band.get("mode", "any"),
                escalation=escalation,
                file=matrix.doc.file,
                line=matrix.doc.where(base)[0],
                measure=measure,
            )
        )
    return rows


def bands_for(model: Model, matrix: Entity, amount: Decimal | None) -> list[BandRow]:
    """The bands that cover `amount`: exactly one in a sound matrix, none in a gap, two in an overlap.

    `amount` is None for a decision right without an amount (`quantity: none`): its one band.
    """
    rows = bands_table(model, matrix)
    if amount is None:
        return rows
    return [row for row in rows if amount in row.interval]


@dataclass(frozen=True, slots=True)
class Answer:
    """`opsgov who-approves`: the matching bands, and a plain sentence when there is not exactly one."""

    matrix: Entity
    amount: Decimal | None
    measure: Measure
    bands: tuple[BandRow, ...]
    stands: tuple[Stand, ...] = ()
    """Delegates in force that may approve this amount in place of an approver (docs/format.md, Delegation)."""
    stand_words: tuple[str, ...] = ()
    scheduled: tuple[tuple[date, Stand], ...] = ()
    """Delegates that a Delegation scheduled within the horizon will add, each with its first day."""
    scheduled_words: tuple[str, ...] = ()

    @property
    def currency(self) -> str | None:
        return self.measure.currency

    @property
    def asked(self) -> str:
        return self.measure.anything() if self.amount is None else self.measure.amount(self.amount)

    @property
    def problem(self) -> str | None:
        amount = self.asked
        if not self.bands:
            return f"no band of {self.matrix.name} covers {amount} (an approval-gap): nobody may approve it"
        if len(self.bands) > 1:
            which = " and ".join(f"band {row.number} ({row.words})" for row in self.bands)
            return f"{amount} falls in {len(self.bands)} bands of {self.matrix.name} (an approval-overlap): {which}"
        return None

    def lines(self) -> Iterator[str]:
        yield f"{self.matrix.title} ({self.matrix.name}), {self.asked}"
        problem = self.problem
        if problem is not None:
            yield problem
        for row in self.bands:
            yield f"band {row.number}: {row.words}"
            yield f"mode: {row.mode_words}"
            yield "approvers: " + ", ".join(party.words() for party in row.approvers)
            yield "escalation: " + (row.escalation.words() if row.escalation else "none")
        for words in self.stand_words:
            yield f"delegate in force: {words}"
        for (day, _stand), words in zip(self.scheduled, self.scheduled_words, strict=True):
            yield _("delegate scheduled from {day}: {stand}").format(day=day.isoformat(), stand=words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "matrix": self.matrix.name,
            "title": self.matrix.title,
            "subject": self.matrix.spec.get("subject", ""),
            "category": matrix_category(self.matrix) or None,
            "quantity": self.measure.quantity,
            "amount": None if self.amount is None else str(self.amount),
            "currency": self.currency,
            "band": self.bands[0].to_dict() if len(self.bands) == 1 else None,
            "bands": [row.to_dict() for row in self.bands],
            "problem": self.problem,
            "delegates": [stand.to_dict() for stand in self.stands],
            "scheduledDelegates": [{"from": day.isoformat(), **stand.to_dict()} for day, stand in self.scheduled],
        }


def who_approves(model: Model, matrix: Entity, amount: Decimal | None, horizon: int = DEFAULT_HORIZON) -> Answer:
    """The bands for `amount`, the delegates in force for them, and those Delegations scheduled within
    `horizon` days will add."""
    measure = matrix_measure(model, matrix)
    bands = tuple(bands_for(model, matrix, amount))
    stands = band_stands(Authority(model), matrix) if model.known["Delegation"] else {}

    def fits(stand: Stand) -> bool:
        return stand.cap is None or amount is None or amount <= stand.cap

    chosen = tuple(stand for row in bands for stand in stands.get(row.number - 1, ()) if fits(stand))
    upcoming = Upcoming(model, horizon).band_stands(matrix)
    later = tuple(
        sorted(
            (item for row in bands for item in upcoming.get(row.number - 1, ()) if fits(item[1])),
            key=lambda item: (item[0], item[1].delegate),
        )
    )
    return Answer(
        matrix,
        amount,
        measure,
        bands,
        chosen,
        tuple(stand.words(model, measure) for stand in chosen),
        later,
        tuple(stand.words(model, measure, day) for day, stand in later),
    )


_PLAIN_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_amount(text: str) -> Decimal:
    """A command-line amount: a plain decimal >= 0 (`300000`, `0.01`); anything else is a usage error."""
    cleaned = text.strip()
    if _PLAIN_AMOUNT.match(cleaned):
        return Decimal(cleaned)
    if re.match(r"^-[0-9]+(\.[0-9]+)?$", cleaned):
        raise ConfigError(f"amount {text!r} is negative; amounts are 0 or more")
    raise ConfigError(f"amount {text!r} is not a plain number; write it like 300000 or 1250.50")
