"""Delegations of approval authority (docs/format.md, Delegation): who may approve what, through which Delegation.

The model holds the Delegations in force on its as-of date (build_model filters documents by
their window), so every Delegation entity here is one in force. A `Grant` is one Delegation
read once: its posts and matrices resolved, its cap and window. `Authority` answers, for one
model, "which bands of a matrix does a post approve, itself or through a delegation in force?"
and "how much at most?", the questions of the delegation rules, self-approval,
step-approval-sod, who-approves and explain. `Upcoming` answers the same for the Delegations
scheduled within the horizon (in `model.out_of_force`), each from its first day.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from opsgov.i18n import _
from opsgov.model.bands import Interval, Measure, band_interval, to_decimal
from opsgov.model.dates import DEFAULT_HORIZON, Window, document_window, horizon_end
from opsgov.model.entities import Entity, Model


@dataclass(frozen=True, slots=True)
class Grant:
    """One Delegation with its references resolved; `source`/`delegate` are '' when they do not resolve."""

    delegation: Entity
    source: str
    delegate: str
    matrices: tuple[str, ...] | None
    """Matrix keys it covers (the resolved ones); None = every matrix in which `source` approves."""
    cap: Decimal | None
    window: Window
    sub_delegation: bool

    @property
    def key(self) -> str:
        return self.delegation.key

    def words(self) -> str:
        """`Delegation/cfo-leave-dec (from 2026-12-01 to 2026-12-20)`: how messages name it."""
        return f"{self.key} ({self.window.describe()})"

    def said(self) -> str:
        """`words` in the run's language (`Delegation/cfo-leave-dec（2026-12-01 至 2026-12-20）`)."""
        return _("{delegation} ({window})").format(delegation=self.key, window=self.window.said())

    def covers(self, matrix: str) -> bool:
        return self.matrices is None or matrix in self.matrices

    def reaches(self, interval: Interval) -> bool:
        """Whether a band with this interval lies (at least partly) within the cap."""
        if self.cap is None:
            return True
        return interval.low < self.cap or (interval.low == self.cap and interval.low_inclusive)


def grant(delegation: Entity) -> Grant:
    spec = delegation.spec
    listed = spec.get("matrices")
    matrices = None
    if listed is not None:
        matrices = tuple(
            key for index in range(len(listed)) if (key := delegation.target(("spec", "matrices", index))) is not None
        )
    cap = to_decimal(spec["upTo"]) if "upTo" in spec else None
    return Grant(
        delegation,
        delegation.target(("spec", "from")) or "",
        delegation.target(("spec", "to")) or "",
        matrices,
        cap,
        document_window(delegation.doc.data),
        spec.get("subDelegation") is True,
    )


def scheduled_grants(model: Model, horizon: int = DEFAULT_HORIZON) -> list[Grant]:
    """Delegations that take effect after the model's date and at most `horizon` days later, by first day.

    Their references are not resolved by the model (they are not in force on its date): the posts
    and matrices they name are looked up among the versions in force on the Delegation's first day
    ('' when absent), so a delegate post created on that same day is found, with its title.
    """
    last = horizon_end(model.as_of, horizon)
    found = [
        _grant_by_name(model, entity)
        for entity in _out_of_force(model)
        if entity.window.start is not None and model.as_of < entity.window.start <= last
    ]
    return sorted(found, key=lambda g: (g.window.start or date.min, g.key))


def every_grant(model: Model) -> list[Grant]:
    """Every Delegation read, in force on the model's date or not (not those in force on no day).

    For a question about another day than the model's (the day a matrix was reviewed): keep the
    grants whose `window` contains that day. The references of one out of force on the model's
    date are looked up as `scheduled_grants` does.
    """
    found = [grant(d) for d in model.entities("Delegation")]
    found += [_grant_by_name(model, entity) for entity in _out_of_force(model)]
    return found


def _out_of_force(model: Model) -> Iterator[Entity]:
    """The Delegations not in force on the model's date, but on some day."""
    return (e for e in model.out_of_force if e.kind == "Delegation" and not e.window.inverted)


def _grant_by_name(model: Model, entity: Entity) -> Grant:
    """A Delegation the model did not resolve (out of force on its date), its names looked up among the
    versions in force on its own first day: a delegate post created that same day is found."""
    spec, day = entity.spec, entity.window.start
    listed = spec.get("matrices")
    matrices = None
    if isinstance(listed, list):
        matrices = tuple(key for raw in listed if (key := model.named("ApprovalMatrix", raw, day)))
    return Grant(
        entity,
        model.named("Position", spec.get("from"), day),
        model.named("Position", spec.get("to"), day),
        matrices,
        to_decimal(spec["upTo"]) if "upTo" in spec else None,
        entity.window,
        spec.get("subDelegation") is True,
    )


def approver_items(matrix: Entity) -> Iterator[tuple[int, int, str]]:
    """(band index, approver index, resolved key) of every approver of a matrix, in document order.

    The one walk over bands and approvers that the authority rules, reviews and `Authority` share;
    approvers that do not resolve (reported by `dangling-ref`) are left out.
    """
    bands = matrix.spec.get("bands")
    for index, band in enumerate(bands if type(bands) is list else ()):
        approvers = band.get("approvers") if type(band) is dict else None
        for j in range(len(approvers) if type(approvers) is list else 0):
            key = matrix.target(("spec", "bands", index, "approvers", j))
            if key is not None:
                yield index, j, key


@dataclass(frozen=True, slots=True)
class Approval:
    """A band a post approves: band index, approver index of the post (or of its delegator), and how."""

    band: int
    approver: int
    through: tuple[Grant, ...] = ()
    """The delegations, outermost first, through which the post approves; empty = itself."""

    def words(self) -> str:
        return " and ".join(g.words() for g in self.through)

    def said(self) -> str:
        """`words` in the run's language."""
        return _(" and ").join(g.said() for g in self.through)


def _direct_approvers(matrix: Entity) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for index, j, key in approver_items(matrix):
        if key.startswith("Position/"):
            found.setdefault(key, []).append((index, j))
    return found


class Authority:
    """Who approves which bands of which matrix, directly or through delegations in force."""

    def __init__(self, model: Model, grants: Sequence[Grant] | None = None) -> None:
        """`grants`: the delegations to read (default: those in force on the model's date)."""
        self.model = model
        self.grants = list(grants) if grants is not None else [grant(d) for d in model.entities("Delegation")]
        self.received: dict[str, list[Grant]] = {}
        """Delegate post key -> the grants that empower it."""
        for g in self.grants:
            if g.source and g.delegate and g.source != g.delegate:
                self.received.setdefault(g.delegate, []).append(g)

    def direct(self, matrix: Entity) -> dict[str, list[tuple[int, int]]]:
        """Position approver key -> (band, approver index) items naming it, in document order (shared:
        read from the matrix alone once across the dates patched from one another, Model.derived_from)."""
        return self.model.derived_from("direct-approvers", matrix, _direct_approvers)

    def approvals(self, post: str, matrix: Entity) -> list[Approval]:
        """The bands `post` approves in `matrix`: itself first, then through delegations (cycle-safe)."""
        return list(self._approvals(post, matrix, ()))

    def _approvals(self, post: str, matrix: Entity, seen: tuple[Grant, ...]) -> Iterator[Approval]:
        bands = matrix.spec.get("bands") or []
        for index, j in self.direct(matrix).get(post, ()):
            if all(g.reaches(band_interval(bands[index])) for g in seen):
                yield Approval(index, j, seen)
        for g in self.received.get(post, ()):
            # A chain that passes on what may not be passed on still counts here: delegation-chain reports it.
            if g in seen or not g.covers(matrix.key):
                continue
            yield from self._approvals(g.source, matrix, (*seen, g))

    def most(self, post: str, matrix: Entity) -> tuple[bool, Interval | None]:
        """(approves anything, the highest band it approves, capped by the delegations it goes through).

        The interval's `high` is the most it may approve (None: no upper bound).
        """
        bands = matrix.spec.get("bands") or []
        approves, best = False, None
        for approval in self.approvals(post, matrix):
            approves = True
            interval = band_interval(bands[approval.band])
            for g in approval.through:
                if g.cap is not None and (interval.high is None or g.cap < interval.high):
                    interval = Interval(interval.low, interval.low_inclusive, g.cap, True)
            if best is None or _above(interval, best):
                best = interval
        return approves, best

    def delegates(self, matrix: Entity) -> dict[str, list[Approval]]:
        """Delegate post key -> the bands it approves in `matrix` through a delegation in force."""
        found: dict[str, list[Approval]] = {}
        for post in self.received:
            through = [a for a in self.approvals(post, matrix) if a.through]
            if through:
                found[post] = through
        return found

    def for_delegation(self, delegation: Entity) -> Grant | None:
        return next((g for g in self.grants if g.delegation is delegation), None)


def _above(one: Interval, other: Interval) -> bool:
    """Whether `one` reaches higher than `other`."""
    if other.high is None:
        return False
    if one.high is None:
        return True
    return one.high > other.high or (one.high == other.high and one.high_inclusive and not other.high_inclusive)


@dataclass(frozen=True, slots=True)
class Stand:
    """A delegate standing in for an approver of one band: who, for whom, through what, up to what."""

    delegate: str
    delegator: str
    approval: Approval

    @property
    def cap(self) -> Decimal | None:
        caps = [g.cap for g in self.approval.through if g.cap is not None]
        return min(caps) if caps else None

    def words(self, model: Model, measure: Measure, day: date | None = None) -> str:
        """`finance-manager 财务经理 in place of finance-director, through Delegation/x (window), up to 200,000`.

        The delegate's title is that of `day` (default: the model's date): a scheduled stand's first
        day, when the delegate post may only then come into force.
        """
        name = self.delegate.partition("/")[2]
        title = model.title_on(self.delegate, day or model.as_of)
        title = "" if title == name else title
        text = (
            f"{name} {title}".strip()
            + f" in place of {self.delegator.partition('/')[2]}, through {self.approval.words()}"
        )
        return text if self.cap is None else f"{text}, up to {measure.amount(self.cap)}"

    def to_dict(self) -> dict[str, object]:
        return {
            "delegate": self.delegate,
            "inPlaceOf": self.delegator,
            "through": [
                {"delegation": g.key, "validFrom": _day(g.window.start), "validUntil": _day(g.window.end)}
                for g in self.approval.through
            ],
            "upTo": None if self.cap is None else str(self.cap),
        }


def _day(day: object) -> str | None:
    return None if day is None else str(day)


def band_stands(authority: Authority, matrix: Entity) -> dict[int, list[Stand]]:
    """Band index -> the delegates in force that stand in for one of its approvers."""
    bands: dict[int, list[Stand]] = {}
    for post, approvals in authority.delegates(matrix).items():
        for approval in approvals:
            delegator = approval.through[-1].source
            bands.setdefault(approval.band, []).append(Stand(post, delegator, approval))
    return bands


class Upcoming:
    """The Delegations scheduled within the horizon, and who will stand in for whom from each one's first day.

    On a scheduled delegation's first day, the delegations in force that day (those in force now that
    have not ended, and the scheduled ones that have begun) make up the authority; a stand counts as
    scheduled when it goes through that delegation.
    """

    def __init__(self, model: Model, horizon: int = DEFAULT_HORIZON) -> None:
        self.grants = scheduled_grants(model, horizon)
        current = [grant(d) for d in model.entities("Delegation")] if self.grants else []
        self._on: list[tuple[Grant, Authority]] = []
        for g in self.grants:
            day = g.window.start
            assert day is not None
            in_force = [other for other in (*current, *self.grants) if other.window.contains(day)]
            self._on.append((g, Authority(model, in_force)))

    def band_stands(self, matrix: Entity) -> dict[int, list[tuple[date, Stand]]]:
        """Band index -> (first day, stand) for each delegate a scheduled delegation will add to the band."""
        bands: dict[int, list[tuple[date, Stand]]] = {}
        seen: set[tuple[int, str, str, tuple[str, ...]]] = set()
        for g, authority in self._on:
            assert g.window.start is not None
            for band, stands in band_stands(authority, matrix).items():
                for stand in stands:
                    through = tuple(other.key for other in stand.approval.through)
                    if g.key not in through or (band, stand.delegate, stand.delegator, through) in seen:
                        continue
                    seen.add((band, stand.delegate, stand.delegator, through))
                    bands.setdefault(band, []).append((g.window.start, stand))
        return bands
