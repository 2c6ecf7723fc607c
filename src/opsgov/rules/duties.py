"""Rules of the family "duties" (docs/rules.md): who owns which duty, and the boundaries around it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from opsgov.i18n import _
from opsgov.load.documents import Path
from opsgov.model.entities import Entity, Model, entity_words
from opsgov.model.structure import Ownership, structure_of
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule

FAMILY = "duties"


def duty_owners(model: Model) -> dict[str, list[Ownership]]:
    """Responsibility key -> its owners with their `owns` items (structure_of(model).owners, as entities).

    Built with the structure (three rules read it, on every date that changes a Unit or Position),
    each Ownership kept across dates with the entity it names; never changed by its readers."""
    return structure_of(model).ownerships


SHOWN = 5
"""Owners named in a message, and related locations, at most: a duty owned by every post stays readable."""


def _name(key: str) -> str:
    return key.partition("/")[2]


def listed(items: Sequence[str], total: int | None = None) -> str:
    """`A`, `A and B`, `A, B and C`, `A, B, C, D, E and 7 more`: a list as a message says it.

    `total` counts the items when only the first SHOWN are passed (a duty owned by every post).
    """
    count = len(items) if total is None else total
    if count <= 1:
        return "".join(items)
    comma = _(", ")
    if count > SHOWN:
        return _("{items} and {count} more").format(items=comma.join(items[:SHOWN]), count=count - SHOWN)
    return _("{items} and {last}").format(items=comma.join(items[:-1]), last=items[-1])


def _shared_parties(duty: Entity) -> list[str]:
    """The declared lead first, then the `with` parties, as entity keys."""
    lead = duty.target(("spec", "shared", "lead"))
    parties = [lead] if lead is not None else []
    parties.extend(ref.target for ref in duty.refs.values() if ref.edge == "sharedWith" and ref.target not in parties)
    return parties


@rule(
    "duty-overlap",
    "error",
    "a Responsibility owned by two or more units/posts where neither contains the other and it is not declared shared",
    family=FAMILY,
)
def duty_overlap(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Two departments that both believe they own a duty is the classic governance failure:
    each expects the other to act, or both act and contradict each other. A duty may have
    several owners only when one contains the other (a post inside the owning unit, a unit
    inside an owning ancestor: that is delegation), or when the Responsibility declares it
    `shared` between them (lead + with). An owner outside the declared parties still overlaps;
    a post or unit inside a declared party counts as that party.

    Owners nested in another owner are set aside; the remaining owners fall into groups (the
    declared parties form one group, every other owner is a group of its own). The first group
    (the declared parties, or else the first owner: units before posts, in file order) is taken
    as the rightful one, and every owner of another group is reported at its `owns` item, with
    the other owners as related locations ("also owned here"). So two owners give one finding,
    three give two. The finding's entity is the Responsibility: one Waiver on it covers the
    conflict.

    Given:
        kind: Unit
        metadata: {name: supply-chain, title: 供应链部}
        spec: {parent: company, owns: [inventory-management]}
        ---
        kind: Responsibility
        metadata: {name: inventory-management, title: 库存管理}
        spec: {}
    Passes:
        kind: Responsibility
        metadata: {name: inventory-management, title: 库存管理}
        spec:
          shared: {lead: supply-chain, with: [sales]}
        ---
        kind: Unit
        metadata: {name: sales, title: 销售部}
        spec: {parent: company, owns: [inventory-management]}
    Fails:
        kind: Unit
        metadata: {name: sales, title: 销售部}
        spec: {parent: company, owns: [inventory-management]}   # no shared declaration
    """
    structure = structure_of(model)
    for duty_key, owned in duty_owners(model).items():
        if len(owned) < 2:
            continue
        duty = model.get(duty_key)
        if duty is None:
            continue
        keys = {item.owner.key for item in owned}
        top = [item for item in owned if not any(c in keys for c in structure.containers(item.owner.key))]
        if len(top) < 2:
            continue
        parties = _shared_parties(duty)
        party_set = set(parties)
        declared: list[Ownership] = []
        others: list[Ownership] = []
        for item in top:
            key = item.owner.key
            inside = key in party_set or any(c in party_set for c in structure.containers(key))
            (declared if inside else others).append(item)
        reported = others if declared else others[1:]
        lead = duty.target(("spec", "shared", "lead"))
        words = model.words
        sharing = listed(
            [_("{owner} (lead)").format(owner=words(key)) if key == lead else words(key) for key in parties]
        )
        names = sorted(o.owner.key for o in top) if len(top) <= SHOWN else []
        nobody = _("neither contains the other") if len(top) == 2 else _("none of them contains another")
        # Identity: the owners as a set. Without a declaration, which owner is "rightful" (and so
        # not reported) depends on file order, so the findings are told apart by nothing else.
        owner_set = tuple(sorted({o.owner.key for o in top}))
        for item in reported:
            rest = list(islice((other for other in top if other is not item), SHOWN))
            if declared:
                message = _(
                    "responsibility {duty} is declared shared between {sharing}, but {owner} owns it too"
                ).format(duty=entity_words(duty), sharing=sharing, owner=entity_words(item.owner))
                hint = _("remove it from the owns of {owner}, or add {owner} to the shared declaration").format(
                    owner=item.owner.name
                )
            else:
                owned_by = (
                    listed([words(name) for name in names])
                    if names
                    else _("{owner} and {count} other units or posts").format(
                        owner=entity_words(item.owner), count=len(top) - 1
                    )
                )
                message = _("responsibility {duty} is owned by {owners}, and {nobody}").format(
                    duty=entity_words(duty), owners=owned_by, nobody=nobody
                )
                hint = _(
                    "keep one owner, or declare it shared (spec.shared: lead + with) on Responsibility/{duty}; "
                    "a post inside the owning unit may own it as delegation"
                ).format(duty=duty.name)
            yield item.owner.finding(
                item.path,
                message,
                entity=duty.key,
                hint=hint,
                related=tuple(other.owner.doc.related(other.path, _("also owned here")) for other in rest),
                identity=(item.owner.key, "outside", *sorted(party_set)) if declared else owner_set,
            )


@rule("duty-unowned", "warning", "a Responsibility that nobody owns", family=FAMILY)
def duty_unowned(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A duty in the catalogue that no unit or post lists in its `owns` is a duty nobody will
    answer for (责任不清). A `shared` declaration alone does not own it: the parties must also
    list it in their `owns`.

    Given:
        kind: Responsibility
        metadata: {name: budgeting, title: 预算管理}
        spec: {}
    Passes:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company, owns: [budgeting]}
    Fails:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}           # no unit or post owns budgeting
    """
    owners = structure_of(model).owners
    for duty in model.entities("Responsibility"):
        if duty.key not in owners:
            yield duty.finding(
                ("metadata", "name"),
                _("responsibility {duty} is owned by no unit or post").format(duty=entity_words(duty)),
                hint=_(
                    "add it to the owns list of the unit or post accountable for it, or remove it from the catalogue"
                ),
                identity=(),
            )


@rule("boundary-contradiction", "error", "an entity excludes a duty that it also owns", family=FAMILY)
def boundary_contradiction(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A unit or post that both owns a duty and declares, in its `excludes`, that it does not,
    leaves the boundary unreadable: which of the two statements holds?

    Given:
        kind: Unit
        metadata: {name: operations, title: 运营部}
        spec: {parent: company}
        ---
        kind: Unit
        metadata: {name: execution-team, title: 执行组}
        spec: {type: team, parent: operations, owns: [frontline-execution]}
        ---
        kind: Responsibility
        metadata: {name: frontline-execution, title: 一线执行}
        spec: {}
        ---
        kind: Responsibility
        metadata: {name: ops-coordination, title: 运营协调}
        spec: {}
    Passes:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec:
          unit: operations
          reportsTo: ceo
          owns: [ops-coordination]
          excludes:
            - {responsibility: frontline-execution, ownedBy: execution-team}
    Fails:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec:
          unit: operations
          reportsTo: ceo
          owns: [ops-coordination, frontline-execution]
          excludes:
            - {responsibility: frontline-execution, ownedBy: execution-team}
    """
    for kind in ("Unit", "Position"):
        for entity in model.entities(kind):
            excludes = entity.spec.get("excludes")
            if not excludes:
                continue
            owned: dict[str, Path] = {}
            for index in range(len(entity.spec.get("owns") or ())):
                path: Path = ("spec", "owns", index)
                duty = entity.target(path)
                if duty is not None:
                    owned.setdefault(duty, path)
            for index in range(len(excludes)):
                path = ("spec", "excludes", index, "responsibility")
                duty = entity.target(path)
                if duty is not None and duty in owned:
                    yield entity.finding(
                        path,
                        _("{entity} excludes responsibility {duty}, which it also owns").format(
                            entity=entity_words(entity), duty=model.words(duty)
                        ),
                        hint=_("remove it from owns or from excludes, whichever is not true"),
                        related=(entity.doc.related(owned[duty], _("owned here")),),
                        identity=(duty,),
                    )


@rule("boundary-mismatch", "error", "excludes[].ownedBy names an entity that does not own that duty", family=FAMILY)
def boundary_mismatch(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """An `excludes` item tells a reader who owns the duty instead. When the named unit or post
    does not list the duty in its own `owns`, the boundary points to nobody: the duty falls
    between two chairs. The named entity must own the duty itself; a unit that merely contains
    the owner does not count.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Unit
        metadata: {name: supply-chain, title: 供应链部}
        spec: {parent: company, owns: [inventory-management]}
        ---
        kind: Responsibility
        metadata: {name: inventory-management, title: 库存管理}
        spec: {}
    Passes:
        kind: Unit
        metadata: {name: operations, title: 运营部}
        spec:
          parent: company
          excludes: [{responsibility: inventory-management, ownedBy: supply-chain}]
    Fails:
        kind: Unit
        metadata: {name: operations, title: 运营部}
        spec:
          parent: company
          excludes: [{responsibility: inventory-management, ownedBy: finance}]  # finance does not own it
    """
    owners = duty_owners(model)
    owner_keys: dict[str, set[str]] = {}  # built per duty on first use: a duty excluded by every post stays linear
    for kind in ("Unit", "Position"):
        for entity in model.entities(kind):
            for index in range(len(entity.spec.get("excludes") or ())):
                duty = entity.target(("spec", "excludes", index, "responsibility"))
                path: Path = ("spec", "excludes", index, "ownedBy")
                named = entity.target(path)
                if duty is None or named is None:
                    continue
                owned = owners.get(duty, [])
                keys = owner_keys.get(duty)
                if keys is None:
                    keys = owner_keys[duty] = {item.owner.key for item in owned}
                if named in keys:
                    continue
                words = {"entity": entity_words(entity), "duty": model.words(duty), "named": model.words(named)}
                if owned:
                    shown = listed([item.owner.name for item in owned[:SHOWN]], len(owned))
                    hint = (
                        _("it is owned by {shown}; name that owner, or add it to the owns of {named}")
                        if len(owned) == 1
                        else _("it is owned by {shown}; name one of them, or add it to the owns of {named}")
                    ).format(shown=shown, named=_name(named))
                else:
                    hint = _("nobody owns it: add it to the owns of {named}").format(named=_name(named))
                yield entity.finding(
                    path,
                    _("{entity} says responsibility {duty} is owned by {named}, but {named} does not own it").format(
                        **words
                    ),
                    hint=hint,
                    related=tuple(item.owner.doc.related(item.path, _("owned here")) for item in owned[:SHOWN]),
                    identity=(duty, named),
                )


RULES: tuple[Rule, ...] = (duty_overlap, duty_unowned, boundary_contradiction, boundary_mismatch)
