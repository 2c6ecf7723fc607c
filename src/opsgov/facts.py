"""Facts about entities derived from the graph, for policies (CHECKS.md "Facts available to policies").

A policy sees an entity's document as written (`object`); what can only be known from the whole
organisation (how many direct reports, how deep, who owns a duty) comes from here. Facts are
computed once per run, only for the kinds some policy matches, in time linear in the model:
depths come from memoised parent walks, and a chain or an ancestor list costs its own length.
Names are bare entity names, except where a list mixes kinds (a duty's owners): there they are
`Kind/name`, because a Unit and a Position may share a name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from opsgov.graph import Structure
from opsgov.model import Model

Facts = dict[str, dict[str, Any]]
"""Entity key -> fact name -> value (plain ints, bools, strings, lists and dicts, ready for CEL)."""


def _name(key: str) -> str:
    return key.partition("/")[2]


def _depths(keys: Iterable[str], up: dict[str, str | None], walk: Callable[[str], Iterable[str]]) -> dict[str, int]:
    """How many steps up to the top, for every key; memoised, so linear overall.

    A key on or above a cycle falls back to `walk` (the structure's cycle-safe walk), which
    counts the distinct nodes above it; cycles are rare and reported by their own rules.
    """
    depth: dict[str, int] = {}
    for start in keys:
        if start in depth:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in depth and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = up.get(current)
        if current is not None and current in on_path:
            for key in path:
                depth[key] = sum(1 for _ in walk(key))
            continue
        base = -1 if current is None else depth[current]
        for key in reversed(path):
            base += 1
            depth[key] = base
    return depth


def _unit_facts(model: Model, structure: Structure) -> Facts:
    units = model.units
    depth = _depths(structure.parent, structure.parent, structure.unit_ancestors)
    descendants: dict[str, int] = {}
    # Deepest first: every child's count is known before its parent's.
    for key in sorted(structure.parent, key=lambda k: -depth[k]):
        children = structure.children.get(key, ())
        descendants[key] = sum(1 + descendants.get(child, 0) for child in children if depth[child] > depth[key])
    facts: Facts = {}
    positions = model.positions
    for key in (u.key for u in units.values()):
        posts = structure.posts_in.get(key, [])
        children = structure.children.get(key, [])
        facts[key] = {
            "children": len(children),
            "positions": len(posts),
            "headcount": sum(positions[_name(p)].spec.get("headcount", 1) for p in posts),
            "depth": depth[key],
            "ancestors": [_name(a) for a in structure.unit_ancestors(key)],
            "descendantUnits": descendants[key],
            "childTypes": sorted(units[_name(c)].spec.get("type", "") for c in children),
            "positionLabels": [positions[_name(p)].labels for p in posts],
        }
    return facts


def _position_facts(model: Model, structure: Structure) -> Facts:
    depth = _depths(structure.reports_to, structure.reports_to, structure.chain)
    approves: dict[str, set[str]] = {}
    for matrix in model.entities("ApprovalMatrix"):
        for ref in matrix.refs.values():
            if ref.edge == "approver" and ref.target.startswith("Position/"):
                approves.setdefault(ref.target, set()).add(matrix.name)
    processes: dict[str, set[str]] = {}
    for process in model.entities("Process"):
        owner = process.target(("spec", "owner"))
        for ref in process.refs.values():
            if ref.edge in ("responsible", "accountable"):
                processes.setdefault(ref.target, set()).add(process.name)
        # A step without `accountable` is the owner's (FORMAT.md), so an owner post is A somewhere.
        steps = process.spec.get("steps", ())
        if owner is not None and owner.startswith("Position/") and any("accountable" not in s for s in steps):
            processes.setdefault(owner, set()).add(process.name)
    persons = model.persons_declared
    facts: Facts = {}
    for key in structure.reports_to:
        held = len(structure.holders.get(key, ())) if persons else -1
        facts[key] = {
            "directReports": len(structure.reports.get(key, ())),
            "depth": depth[key],
            "chain": [_name(p) for p in structure.chain(key)],
            "holders": held,
            "vacant": held == 0,
            "approves": sorted(approves.get(key, ())),
            "processes": sorted(processes.get(key, ())),
        }
    return facts


def _bounds(band: dict[str, Any]) -> Iterable[int | float]:
    for bound in ("from", "over", "upTo", "below"):
        value = band.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield value


def compute_facts(model: Model, kinds: Collection[str]) -> Facts:
    """The facts of every entity of `kinds` (the kinds policies match); other kinds get none."""
    facts: Facts = {}
    structure = model.structure
    if "Unit" in kinds:
        facts.update(_unit_facts(model, structure))
    if "Position" in kinds:
        facts.update(_position_facts(model, structure))
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
            facts[matrix.key] = {"bands": len(bands), "maxApprovalAmount": max(bounds) if bounds else None}
    if "KPI" in kinds:
        for kpi in model.entities("KPI"):
            facts[kpi.key] = {"measures": len(kpi.spec.get("measures", ()))}
    if "Responsibility" in kinds:
        owners = model.structure.owners
        for duty in model.entities("Responsibility"):
            facts[duty.key] = {"owners": sorted(owner for owner, _ in owners.get(duty.key, ()))}
    return facts
