"""The structural indexes every rule family shares: the graph stage of the pipeline.

`Structure` holds one typed index per kind of edge the rules walk (parents, children, reporting
lines, posts of a unit, holders, owners, the root and what it reaches), built once per run in
linear time by `structure_of(model)`. Every walk is cycle-safe: cycles are reported by their own
rules, and must not hang or mislead the others. The networkx graph of every reference
(`opsgov.model.graph`) is built only for `opsgov graph export` and `opsgov explain`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from opsgov.load.documents import Path
from opsgov.model.entities import Entity, Holding, Model


class Ownership(NamedTuple):
    """One `owns` item: who owns the duty, and where they say so."""

    owner: Entity
    path: Path


def _follow(successor: dict[str, str | None], start: str) -> Iterator[str]:
    """start's successor, its successor, ... until there is none; stops before repeating itself."""
    seen = {start}
    current = successor.get(start)
    while current is not None and current not in seen:
        yield current
        seen.add(current)
        current = successor.get(current)


@dataclass(slots=True)
class Structure:
    """Solid lines and containment as plain dicts; each built in one pass over the model."""

    parent: dict[str, str | None] = field(default_factory=dict)
    """Unit key -> parent unit key."""
    children: dict[str, list[str]] = field(default_factory=dict)
    """Unit key -> child unit keys, in name order."""
    unit_of: dict[str, str | None] = field(default_factory=dict)
    """Position key -> its unit's key."""
    reports_to: dict[str, str | None] = field(default_factory=dict)
    """Position key -> its manager's key."""
    reports: dict[str, list[str]] = field(default_factory=dict)
    """Position key -> direct reports."""
    posts_in: dict[str, list[str]] = field(default_factory=dict)
    """Unit key -> the positions directly in it."""
    holders: dict[str, list[str]] = field(default_factory=dict)
    """Position key -> Person keys that hold it on the model's date (acting holders too)."""
    acting: dict[str, list[str]] = field(default_factory=dict)
    """Position key -> Person keys that hold it acting on the model's date: they fill the post
    (vacancy, segregation of duties) but do not use up its headcount."""
    held: dict[tuple[str, str], Holding] = field(default_factory=dict)
    """(Position key, Person key) -> the holding in force on the model's date (its window, whether acting)."""
    former: dict[str, list[Holding]] = field(default_factory=dict)
    """Position key -> holdings of it that ended before the model's date (former holders, emeritus
    roles), in the order they ended; the post itself may no longer be in force."""
    owners: dict[str, list[tuple[str, Path]]] = field(default_factory=dict)
    """Responsibility key -> (owner key, path of its `owns` item): units first, then posts, in
    document order; an owner that lists a duty twice (bare and as Kind/name) counts once."""
    ownerships: dict[str, list[Ownership]] = field(default_factory=dict)
    """`owners` with the owning entities (`opsgov.rules.duties.duty_owners`): each Ownership is made
    once per Entity object across the dates patched from one another (`_links`), so a later date
    does not rebuild them for 10k posts."""
    root: str | None = None
    """The root unit named by the (first) Organization."""
    reachable: set[str] = field(default_factory=set)
    """Units reachable from the root by parent links (the root included)."""
    derived: dict[str, object] = field(default_factory=dict)
    """Indexes the rules derive from this one, each built by its owner on first use and shared by
    the rules of the same model."""

    def unit_ancestors(self, unit: str) -> Iterator[str]:
        """The unit's parent, grandparent, ... up to the top; stops at a cycle."""
        return _follow(self.parent, unit)

    def chain(self, position: str) -> Iterator[str]:
        """The position's manager, their manager, ... to the top; stops at a cycle."""
        return _follow(self.reports_to, position)

    def units_below(self, unit: str) -> Iterator[str]:
        """The unit and every unit under it (depth first, cycle-safe)."""
        stack, seen = [unit], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            yield current
            stack.extend(reversed(self.children.get(current, ())))

    def containers(self, key: str) -> Iterator[str]:
        """What contains an entity: a post's unit and that unit's ancestors; a unit's ancestors."""
        if key.startswith("Position/"):
            unit = self.unit_of.get(key)
            if unit is not None:
                yield unit
                yield from self.unit_ancestors(unit)
        elif key.startswith("Unit/"):
            yield from self.unit_ancestors(key)

    def contains(self, outer: str, inner: str) -> bool:
        """True when `outer` is `inner` or contains it (the nesting of posts and units, docs/rules.md#duty-overlap)."""
        return outer == inner or any(container == outer for container in self.containers(inner))


def structure_of(model: Model) -> Structure:
    """The model's structural indexes, built on first use and kept on the model."""
    if model._structure is None:
        model._structure = build_structure(model)
    return model._structure


def _links(entity: Entity) -> tuple[str | None, str | None, tuple[tuple[str, Ownership], ...]]:
    """A Unit's (parent, None, owns) or a Position's (unit, reportsTo, owns): what the structure reads
    from it alone, kept across the dates patched from one another (`Model.derived_from`); `owns` as
    (duty key, Ownership(entity, path of the item)), a duty listed twice (bare and as Kind/name) once."""
    owned: dict[str, Path] = {}
    for path, ref in entity.refs.items():
        if ref.edge == "owns" and ref.target not in owned:
            owned[ref.target] = path
    up = entity.target(("spec", "parent" if entity.kind == "Unit" else "unit"))
    manager = entity.target(("spec", "reportsTo")) if entity.kind == "Position" else None
    return up, manager, tuple((duty, Ownership(entity, path)) for duty, path in owned.items())


def build_structure(model: Model) -> Structure:
    structure = Structure()
    owners, ownerships = structure.owners, structure.ownerships
    units, positions = model.units.values(), model.positions.values()
    for unit, (parent, _, owns) in zip(units, model.derived_from_each("links", units, _links), strict=True):
        structure.parent[unit.key] = parent
        structure.children.setdefault(unit.key, [])
        structure.posts_in.setdefault(unit.key, [])
        for duty, ownership in owns:
            owners.setdefault(duty, []).append((unit.key, ownership.path))
            ownerships.setdefault(duty, []).append(ownership)
    for unit_key, parent in structure.parent.items():
        if parent is not None and parent in structure.children:
            structure.children[parent].append(unit_key)
    for position, (home, manager, owns) in zip(
        positions, model.derived_from_each("links", positions, _links), strict=True
    ):
        structure.unit_of[position.key] = home
        if home is not None:
            structure.posts_in.setdefault(home, []).append(position.key)
        structure.reports_to[position.key] = manager
        structure.reports.setdefault(position.key, [])
        if manager is not None:
            structure.reports.setdefault(manager, []).append(position.key)
        for duty, ownership in owns:
            owners.setdefault(duty, []).append((position.key, ownership.path))
            ownerships.setdefault(duty, []).append(ownership)
    for holding in model.holdings:
        if not model.in_force(holding):
            if holding.window.end is not None and holding.window.end < model.as_of:
                structure.former.setdefault(holding.position, []).append(holding)
            continue
        structure.held.setdefault((holding.position, holding.person), holding)
        holders = structure.holders.setdefault(holding.position, [])
        if holding.person not in holders:  # `cfo` and `Position/cfo` in one list are one holding
            holders.append(holding.person)
        if holding.acting:
            structure.acting.setdefault(holding.position, []).append(holding.person)
    for ended in structure.former.values():
        ended.sort(key=lambda h: (h.window.end, h.window.start or h.window.end, h.person))
    if model.organizations:  # with several, org-root reports the extra ones; the first read stands
        structure.root = model.organizations[0].target(("spec", "root"))
        if structure.root is not None:
            structure.reachable = set(structure.units_below(structure.root))
    return structure


def strong_components(successors: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """The strongly connected components of a directed graph given as successor lists
    (Tarjan's algorithm, iterative: a long escalation chain must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in successors:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors.get(root, ())))]
        while work:
            node, following = work[-1]
            for successor in following:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(successors.get(successor, ()))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def first_cycle(successors: Mapping[str, Sequence[str]], source: str, within: Collection[str]) -> list[tuple[str, str]]:
    """The edges of the first cycle a depth-first walk from `source` meets, edges taken in the
    order of the successor lists and only between nodes `within` (a strongly connected
    component); [] when there is none. The same cycle as networkx's `find_cycle(G.subgraph(within),
    source)`, so the escalation-invalid message did not change when networkx left the rules."""
    followed: dict[str, Iterator[str]] = {}
    stack = [source]
    path: list[tuple[str, str]] = []
    active = {source}
    previous_head: str | None = None
    while stack:
        node = stack[-1]
        if node not in followed:
            followed[node] = iter([t for t in successors.get(node, ()) if t in within])
        head = next(followed[node], None)
        if head is None:
            stack.pop()
            continue
        stack.append(head)
        tail = node
        if previous_head is not None and tail != previous_head:
            # Backtracked: drop the path's edges down to the one that ends at this edge's tail.
            while True:
                if not path:
                    active = {tail}
                    break
                active.remove(path.pop()[1])
                if path and path[-1][1] == tail:
                    break
        path.append((tail, head))
        if head in active:
            start = next(i for i, (from_node, _) in enumerate(path) if from_node == head)
            return path[start:]
        active.add(head)
        previous_head = head
    return []
