"""Facts about entities derived from the graph, for policies (docs/rules.md "Facts available to policies").

A policy sees an entity's document as written (`object`); what can only be known from the whole
organisation (how many direct reports, how deep, who owns a duty) comes from here. Facts are
computed once per date checked, only for the kinds some policy matches and the names its expressions
mention, in time linear in the model: depths come from memoised parent walks (a cycle of 5,000
costs 5,000 steps, not 5,000 squared). A chain or an ancestor list costs its own length, so it is
built only up to MAX_CHAIN names: a longer one is `TooLong`, which the policy stage reports as a
failure of the policy on that entity instead of converting (in CEL, 4 µs per name) a list as
long as the organisation for every post of a 10,000-deep chain.
Names are bare entity names, except where a list mixes kinds (a duty's owners): there they are
`Kind/name`, because a Unit and a Position may share a name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from opsgov.model.entities import Model
from opsgov.model.raci import owner_is_accountable
from opsgov.model.structure import Structure, structure_of

Facts = dict[str, dict[str, Any]]
"""Entity key -> fact name -> value (plain ints, bools, strings, lists and dicts, ready for CEL,
or TooLong)."""

_WINDOW = {
    "validFrom": "the first day the document is in force (`metadata.validFrom`, `YYYY-MM-DD`); null when open",
    "validUntil": "the last day the document is in force (`metadata.validUntil`, `YYYY-MM-DD`); null when open",
}
"""Facts of every kind (docs/format.md, Effective dating)."""

FACTS: dict[str, dict[str, str]] = {
    "Organization": {**_WINDOW},
    "Unit": {
        "children": "number of child units",
        "positions": "number of posts in the unit itself",
        "headcount": "sum of the headcount of its posts (a post without `headcount` counts 1)",
        "depth": "levels below the root unit (the root is 0)",
        "ancestors": "names of the units above it, nearest first; over 200 names, a policy reading it fails",
        "descendantUnits": "number of units below it, at any depth",
        "childTypes": 'the `type` of each child unit, sorted (`""` for a child without one)',
        "positionLabels": "the `metadata.labels` of each of its posts (a map per post)",
        **_WINDOW,
    },
    "Position": {
        "directReports": "number of posts whose `reportsTo` is this post",
        "depth": "levels below the top position (the top is 0)",
        "chain": "names of the managers up to the top, nearest first; over 200 names, a policy reading it fails",
        "holders": "number of Persons holding it on the as-of date (acting holders too); -1 when the repository "
        "has no Person documents",
        "vacant": "true when Persons are declared and none holds it on the as-of date",
        "acting": "true when an acting holder (`acting: true`) holds it on the as-of date",
        "approves": "names of the approval matrices in which it is an approver, sorted",
        "processes": "names of the processes in which it is responsible or accountable, sorted",
        "delegatesTo": "names of the posts to which a Delegation in force hands its approval authority, sorted",
        **_WINDOW,
    },
    "Person": {**_WINDOW},
    "Process": {
        "steps": "number of steps",
        "endSteps": "number of steps without `next`",
        "approvalSteps": "number of steps with `approval`",
        **_WINDOW,
    },
    "ApprovalMatrix": {
        "bands": "number of bands",
        "maxApprovalAmount": "the highest amount bound written in any band, in the matrix's quantity (null when none)",
        "quantity": "what its bounds measure: `money`, `percent`, `count`, `days` or `none` (text)",
        "lastReviewed": "the day of its last review (`metadata.reviewed.on`, `YYYY-MM-DD`); null when never",
        **_WINDOW,
    },
    "KPI": {"measures": "number of `measures` items", **_WINDOW},
    "Responsibility": {"owners": "`Kind/name` of every unit and post that owns it, sorted", **_WINDOW},
}
"""Kind -> fact -> what it is: the reference of the facts below (docs/rules.md is generated from it).

compute_facts gives every entity of a kind exactly these facts; a test holds the two together."""

MAX_CHAIN = 200
"""Longest `chain` or `ancestors` a policy may read; real organisations are a few dozen deep."""


@dataclass(frozen=True, slots=True)
class TooLong:
    """A chain or ancestor list longer than MAX_CHAIN: not built, not given to CEL."""

    fact: str
    length: int

    def __str__(self) -> str:
        return f"facts.{self.fact} has {self.length:,} names; a policy reads at most {MAX_CHAIN:,}"


def _names(walk: Iterator[str], length: int, fact: str) -> list[str] | TooLong:
    if length > MAX_CHAIN:
        return TooLong(fact, length)
    return [_name(key) for key in islice(walk, length)]


def _name(key: str) -> str:
    return key.partition("/")[2]


def _depths(keys: Iterable[str], up: dict[str, str | None]) -> dict[str, int]:
    """How many distinct keys lie above each key (its walk up, which stops at a cycle); linear overall.

    Each unvisited key's path is followed until it reaches a known key, the top, or itself; on a
    cycle of length L every member has L - 1 above it, and a key i steps before the cycle has
    i + L - 1 (its path's distinct keys after it).
    """
    depth: dict[str, int] = {}
    for start in keys:
        if start in depth:
            continue
        path: list[str] = []
        index_of: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in depth and current not in index_of:
            index_of[current] = len(path)
            path.append(current)
            current = up.get(current)
        if current is not None and current in index_of:  # the path ran into a cycle of its own
            entry = index_of[current]
            length = len(path) - entry
            for index, key in enumerate(path):
                depth[key] = length - 1 if index >= entry else len(path) - 1 - index
            continue
        base = -1 if current is None else depth[current]
        for key in reversed(path):
            base += 1
            depth[key] = base
    return depth


def wanted(names: Collection[str] | None, name: str) -> bool:
    return names is None or name in names


def _only(
    names: Collection[str] | None, table: dict[str, Callable[[str], Any]]
) -> list[tuple[str, Callable[[str], Any]]]:
    """The facts of `table` that some policy reads (all of them when `names` is None)."""
    return [(name, fact) for name, fact in table.items() if wanted(names, name)]


def _unit_facts(model: Model, structure: Structure, names: Collection[str] | None) -> Facts:
    units = model.units
    depths = any(wanted(names, n) for n in ("depth", "ancestors", "descendantUnits"))
    depth = _depths(structure.parent, structure.parent) if depths else {}
    descendants: dict[str, int] = {}
    if wanted(names, "descendantUnits"):
        # Deepest first: every child's count is known before its parent's.
        for key in sorted(structure.parent, key=lambda k: -depth[k]):
            children = structure.children.get(key, ())
            descendants[key] = sum(1 + descendants.get(child, 0) for child in children if depth[child] > depth[key])
    positions = model.positions
    posts_in, children_of = structure.posts_in, structure.children
    facts = _only(
        names,
        {
            "children": lambda key: len(children_of.get(key, ())),
            "positions": lambda key: len(posts_in.get(key, ())),
            "headcount": lambda key: sum(positions[_name(p)].spec.get("headcount", 1) for p in posts_in.get(key, ())),
            "depth": lambda key: depth[key],
            "ancestors": lambda key: _names(structure.unit_ancestors(key), depth[key], "ancestors"),
            "descendantUnits": lambda key: descendants[key],
            "childTypes": lambda key: sorted(units[_name(c)].spec.get("type", "") for c in children_of.get(key, ())),
            "positionLabels": lambda key: [positions[_name(p)].labels for p in posts_in.get(key, ())],
        },
    )
    return {unit.key: {name: fact(unit.key) for name, fact in facts} for unit in units.values()}


def _position_facts(model: Model, structure: Structure, names: Collection[str] | None) -> Facts:
    depth = (
        _depths(structure.reports_to, structure.reports_to) if wanted(names, "depth") or wanted(names, "chain") else {}
    )
    approves: dict[str, set[str]] = {}
    for matrix in model.entities("ApprovalMatrix") if wanted(names, "approves") else ():
        for ref in matrix.refs.values():
            if ref.edge == "approver" and ref.target.startswith("Position/"):
                approves.setdefault(ref.target, set()).add(matrix.name)
    processes: dict[str, set[str]] = {}
    for process in model.entities("Process") if wanted(names, "processes") else ():
        owner = process.target(("spec", "owner"))
        for ref in process.refs.values():
            if ref.edge in ("responsible", "accountable"):
                processes.setdefault(ref.target, set()).add(process.name)
        # The owner is accountable for the steps that name nobody, so an owner post is A somewhere.
        steps = process.spec.get("steps", ())
        if owner is not None and owner.startswith("Position/") and any(owner_is_accountable(s) for s in steps):
            processes.setdefault(owner, set()).add(process.name)
    delegates: dict[str, set[str]] = {}
    for delegation in model.entities("Delegation"):
        source, target = delegation.target(("spec", "from")), delegation.target(("spec", "to"))
        if source is not None and target is not None:
            delegates.setdefault(source, set()).add(_name(target))
    persons = model.persons_declared

    def held(key: str) -> int:
        return len(structure.holders.get(key, ())) if persons else -1

    facts = _only(
        names,
        {
            "directReports": lambda key: len(structure.reports.get(key, ())),
            "depth": lambda key: depth[key],
            "chain": lambda key: _names(structure.chain(key), depth[key], "chain"),
            "holders": held,
            "vacant": lambda key: held(key) == 0,
            "acting": lambda key: bool(structure.acting.get(key)),
            "approves": lambda key: sorted(approves.get(key, ())),
            "processes": lambda key: sorted(processes.get(key, ())),
            "delegatesTo": lambda key: sorted(delegates.get(key, ())),
        },
    )
    return {key: {name: fact(key) for name, fact in facts} for key in structure.reports_to}


def _bounds(band: dict[str, Any]) -> Iterable[int | float]:
    for bound in ("from", "over", "upTo", "below"):
        value = band.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield value


_EVERY_ENTITY = frozenset(("Unit", "Position", "Process", "ApprovalMatrix", "KPI", "Responsibility"))
"""The kinds compute_facts gives facts of their own to every entity of (Position: every post in the structure)."""


def compute_facts(model: Model, kinds: Collection[str], names: Collection[str] | None = None) -> Facts:
    """The facts of every entity of `kinds` (the kinds policies match); other kinds get none.

    `names` are the fact names some policy mentions (None: any): only those are computed (a
    chain for every post of a deep organisation is not cheap), so a policy, and a later change
    date's `Seen`, see only what some policy reads."""
    facts: Facts = {}
    structure = structure_of(model)
    if "Unit" in kinds:
        facts.update(_unit_facts(model, structure, names))
    if "Position" in kinds:
        facts.update(_position_facts(model, structure, names))
    if "Process" in kinds:
        for process in model.entities("Process"):
            steps = process.spec.get("steps", [])
            facts[process.key] = {
                "steps": len(steps),
                "endSteps": sum(1 for step in steps if not step.get("next")),
                "approvalSteps": sum(1 for step in steps if "approval" in step),
            }
    if "ApprovalMatrix" in kinds:
        for matrix in model.entities("ApprovalMatrix"):
            bands = matrix.spec.get("bands", [])
            bounds = [value for band in bands for value in _bounds(band)]
            reviewed = matrix.doc.data["metadata"].get("reviewed")
            facts[matrix.key] = {
                "bands": len(bands),
                "maxApprovalAmount": max(bounds) if bounds else None,
                "quantity": str(matrix.spec.get("quantity") or "money"),
                "lastReviewed": reviewed["on"] if reviewed is not None else None,
            }
    if "KPI" in kinds:
        for kpi in model.entities("KPI"):
            facts[kpi.key] = {"measures": len(kpi.spec.get("measures", ()))}
    if "Responsibility" in kinds:
        owners = structure_of(model).owners
        for duty in model.entities("Responsibility"):
            facts[duty.key] = {"owners": sorted(owner for owner, _ in owners.get(duty.key, ()))}
    start, end = wanted(names, "validFrom"), wanted(names, "validUntil")
    for kind in kinds:  # every kind: its window (docs/format.md, Effective dating), as written, or null when open
        if not (start or end) and kind in _EVERY_ENTITY:
            continue  # no window wanted, and every entity of the kind has its facts already
        for entity in model.by_kind.get(kind, {}).values():
            window = entity.window
            dated = facts.setdefault(entity.key, {})
            if start:
                dated["validFrom"] = window.start.isoformat() if window.start else None
            if end:
                dated["validUntil"] = window.end.isoformat() if window.end else None
    return facts
