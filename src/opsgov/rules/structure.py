"""Rules of the family "structure" (docs/rules.md): the organisation tree and the reporting line.

A unit has at most one parent and a position at most one manager, so both graphs are functions:
one linear walk over each finds every cycle, every top and what hangs below a cycle. No rule
here searches all entities per entity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import N_, _
from opsgov.load.documents import Path
from opsgov.model.entities import Entity, Model, entity_words
from opsgov.model.structure import structure_of
from opsgov.report.finding import Finding, Related
from opsgov.rules.base import Rule, rule
from opsgov.rules.duties import listed

FAMILY = "structure"

_RELATED_CAP = 20
"""At most this many related locations per finding: a long list helps nobody and costs memory."""

_WHITE, _GREY, _BLACK = 0, 1, 2


def _name(key: str) -> str:
    return key.partition("/")[2]


def _counted(count: int, one: str, many: str) -> str:
    """`1 unit`, `3 units` (`one` and `many` are catalogue messages with a {count} placeholder)."""
    return (_(one) if count == 1 else _(many)).format(count=count)


class _Cycles:
    """The cycles of a function graph (`successor`), found by one colour-marking walk.

    Each cycle is rotated to start at the member that sorts first. `feeding[i]` counts the nodes
    outside cycle i whose chain runs into it: they are not in the cycle, but cannot reach a top.
    """

    def __init__(self, successor: Mapping[str, str | None]) -> None:
        self.cycles: list[list[str]] = []
        self.feeding: list[int] = []
        colour: dict[str, int] = {}
        ends_in: dict[str, int] = {}  # node -> the cycle its chain runs into (or is part of); -1: it reaches a top
        for start in successor:
            if start in colour:
                continue
            path: list[str] = []
            node: str | None = start
            while node is not None and colour.get(node, _WHITE) == _WHITE:
                colour[node] = _GREY
                path.append(node)
                node = successor.get(node)
            if node is None:
                target = -1
                lead = len(path)
            elif colour[node] == _GREY:
                lead = path.index(node)
                cycle = path[lead:]
                first = cycle.index(min(cycle))
                self.cycles.append(cycle[first:] + cycle[:first])
                self.feeding.append(0)
                target = len(self.cycles) - 1
            else:
                target = ends_in[node]
                lead = len(path)
            for member in path:
                colour[member] = _BLACK
                ends_in[member] = target
            if target >= 0:
                self.feeding[target] += lead


def _cycle_finding(model: Model, cycle: list[str], field: str, feeding: int) -> Finding:
    """One finding per cycle, at the link of the member that sorts first; the other links are related."""
    spelled = " -> ".join(model.words(key) for key in (*cycle, cycle[0]))
    entity = model.get(cycle[0])
    assert entity is not None
    self_loop, many, one_below, many_below = _CYCLE_WORDS[field]
    if len(cycle) == 1:
        message = _(self_loop).format(entity=entity_words(entity), cycle=spelled)
    else:
        message = _(many).format(cycle=spelled)
    if feeding:
        message += _counted(feeding, one_below, many_below)
    related: list[Related] = []
    for index, key in enumerate(cycle[1 : _RELATED_CAP + 1], start=1):
        member = model.get(key)
        if member is not None:
            following = cycle[(index + 1) % len(cycle)]
            related.append(member.doc.related(("spec", field), f"{model.words(key)} -> {model.words(following)}"))
    return entity.finding(
        ("spec", field), message, related=tuple(related), hint=_(_CYCLE_HINTS[field]), identity=tuple(sorted(cycle))
    )


_CYCLE_WORDS = {
    "parent": (
        N_("unit {entity} is its own parent: {cycle}"),
        N_("units form a cycle of parent links: {cycle}"),
        N_("; {count} other unit below it cannot reach the root unit either"),
        N_("; {count} other units below it cannot reach the root unit either"),
    ),
    "reportsTo": (
        N_("position {entity} reports to itself: {cycle}"),
        N_("positions form a cycle of reportsTo links: {cycle}"),
        N_("; {count} other position below it cannot reach the top position either"),
        N_("; {count} other positions below it cannot reach the top position either"),
    ),
}
_CYCLE_HINTS = {
    "parent": N_("point one of these parent links at a unit outside the cycle; only the root unit has no parent"),
    "reportsTo": N_(
        "let one of these posts report to a post outside the cycle; only the top position has no reportsTo"
    ),
}


@rule("org-root", "error", "no Organization, more than one, or its root unit has a parent", family=FAMILY)
def org_root(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A repository describes exactly one organisation, and its `spec.root` is the top of the unit
    tree, so the root unit has no `parent`. Reported: no Organization at all (at line 1 of the
    first file read, or at the repository "." when nothing was read; not when an Organization
    exists but breaks its schema, which is reported already); none in force on the as-of date
    while one is declared for other days (at its name, saying when it is in force); each
    Organization after the first
    (at its name, the first one related); a root unit with a parent (at its `spec.parent`).
    As with duplicate names, the first Organization read is the one the other structure rules
    use.

    Passes:
        kind: Organization
        metadata: {name: acme, title: 示例公司}
        spec: {root: company, currency: CNY, locale: zh-CN}
        ---
        kind: Unit
        metadata: {name: company, title: 总公司}
        spec: {type: company, head: ceo}
    Fails:
        kind: Unit
        metadata: {name: company, title: 总公司}
        spec: {type: company, head: ceo, parent: holding}   # the root unit has a parent
        ---
        kind: Unit
        metadata: {name: holding, title: 集团}
        spec: {type: company}
    """
    if not model.known["Organization"]:
        dated = [e for e in model.out_of_force if e.kind == "Organization" and not e.window.inverted]
        if dated:  # declared, but not in force on the day: say when it is, at it
            org = min(dated, key=lambda e: (e.doc.file, e.doc.line))
            yield org.finding(
                ("metadata", "name"),
                _("no Organization is in force on {day}: {organization} is in force {window}").format(
                    day=model.as_of.isoformat(), organization=entity_words(org), window=org.window.said()
                ),
                hint=_(
                    "an Organization is in force on every day: drop its validFrom, "
                    "or keep the earlier version until the day before"
                ),
                identity=("no Organization",),
            )
            return
        first = min(model, key=lambda e: (e.doc.file, e.doc.index), default=None)
        message = _("the repository declares no Organization; exactly one is needed, naming the root unit")
        hint = _("add an Organization document with spec.root naming the top unit")
        identity = ("no Organization",)  # not the file it is reported in: that depends on which file sorts first
        if first is None:
            yield Finding(".", 1, 1, "", message, hint=hint, identity=identity)
        else:
            yield Finding(first.doc.file, 1, 1, "", message, hint=hint, identity=identity)
        return
    organizations = model.organizations
    if organizations:
        first_org = organizations[0]
        # Which one is "first" depends on file order: the identity is the set of all of them.
        every = tuple(sorted(org.key for org in organizations))
        for extra in organizations[1:]:
            yield extra.doc.finding(
                "",
                ("metadata", "name"),
                _("a second Organization {extra}: the repository already declares {first}").format(
                    extra=entity_words(extra), first=entity_words(first_org)
                ),
                entity=extra.key,
                hint=_("keep exactly one Organization per repository"),
                related=(first_org.doc.related(("metadata", "name"), _("first Organization")),),
                identity=every,
            )
    root = model.get(structure_of(model).root)
    if root is not None:
        parent = structure_of(model).parent.get(root.key)
        if parent is not None:
            yield root.finding(
                ("spec", "parent"),
                _("unit {root} is the root unit of the Organization but has a parent, {parent}").format(
                    root=entity_words(root), parent=model.words(parent)
                ),
                hint=_("remove spec.parent from the root unit, or make the Organization's root the top unit"),
                identity=(parent,),
                related=(organizations[0].doc.related(("spec", "root"), _("named as root here")),),
            )


@rule("unit-cycle", "error", "a cycle of parent links", family=FAMILY)
def unit_cycle(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    Units nest by `parent`; a chain of parents that comes back to where it started leaves the
    whole loop outside the organisation. Each cycle is reported once, at the `spec.parent` of
    the member whose name sorts first, and the message spells the cycle from there
    (`a -> b -> c -> a`); the other members' parent links are related locations. Units that
    merely sit under a cycle are not in it: the message counts them, and detached-unit does not
    report them again (fixing the cycle reattaches them).

    Passes:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: company}
    Fails:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: ops-data}
        ---
        kind: Unit
        metadata: {name: ops-data, title: 数据组}
        spec: {type: team, parent: ops}       # ops -> ops-data -> ops
    """
    found = _Cycles(structure_of(model).parent)
    for cycle, feeding in zip(found.cycles, found.feeding, strict=True):
        yield _cycle_finding(model, cycle, "parent", feeding)


@rule("reporting-cycle", "error", "a cycle of reportsTo links", family=FAMILY)
def reporting_cycle(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A reporting line must end at the top position; a chain of `reportsTo` that comes back to
    where it started never does. Each cycle is reported once, at the `spec.reportsTo` of the
    member whose name sorts first, and the message spells the cycle from there
    (`data-analyst -> ops-manager -> ops-director -> data-analyst`); the other members'
    reportsTo links are related locations. Posts that merely report into a cycle are not in it:
    the message counts them, and they are not counted as top positions either (they do have a
    manager).

    Given:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: company}
        ---
        kind: Position
        metadata: {name: ops-director, title: 运营总监}
        spec: {unit: ops, reportsTo: ceo}
    Passes:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec: {unit: ops, reportsTo: ops-director}
    Fails:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec: {unit: ops, reportsTo: ops-director}
        ---
        kind: Position
        metadata: {name: ops-director, title: 运营总监}
        spec: {unit: ops, reportsTo: ops-manager}     # ops-director -> ops-manager -> ops-director
    """
    found = _Cycles(structure_of(model).reports_to)
    for cycle, feeding in zip(found.cycles, found.feeding, strict=True):
        yield _cycle_finding(model, cycle, "reportsTo", feeding)


@rule("detached-unit", "error", "a unit not reachable from the root by parent links", family=FAMILY)
def detached_unit(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    Every unit must hang, through its parents, under the Organization's root unit; a unit
    outside the tree belongs to no one and its duties and posts escape every check that walks
    the tree. Reported once per detached subtree, at its top: a unit other than the root with no
    `parent` (at its name; the message counts the units under it). Units detached for another
    reason are reported by that reason's rule and not again here: a parent that names no unit
    (dangling-ref), a parent cycle and the units under it (unit-cycle). Not checked when there
    is no Organization or its root names no unit (reported by org-root or dangling-ref).

    Passes:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: company}
    Fails:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department}             # no parent, and not the root
    """
    structure = structure_of(model)
    root = structure.root
    if root is None:
        return
    for unit in model.units.values():
        if unit.key == root or structure.parent.get(unit.key) is not None or "parent" in unit.spec:
            continue
        below = sum(1 for _ in structure.units_below(unit.key)) - 1
        under = _counted(below, N_(" (with {count} unit under it)"), N_(" (with {count} units under it)"))
        under = under if below else ""
        yield unit.finding(
            ("metadata", "name"),
            _("unit {unit} has no parent and is not the root unit {root}: it is detached from the organisation").format(
                unit=entity_words(unit), root=model.words(root)
            )
            + under,
            hint=_("add spec.parent naming the unit it belongs to"),
            identity=(),
        )


def _suggested_manager(model: Model, position: Entity) -> str | None:
    """The head of the post's own unit or, if it heads that itself, of the nearest unit above."""
    for candidate in structure_of(model).containers(position.key):
        entity = model.get(candidate)
        head = entity.target(("spec", "head")) if entity is not None else None
        if head is not None and head != position.key:
            return head
    return None


@rule("top-position", "error", "not exactly one position without reportsTo", family=FAMILY)
def top_position(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    The reporting line has exactly one top: the single position without `reportsTo`, usually
    the head of the root unit. A post whose `reportsTo` is written but does not resolve is not
    a top (dangling-ref reports it), nor is a post that reports into a reporting cycle.

    More than one top: the head of the root unit (or, if it is not a top, the first top read)
    is kept, and every other top is reported at its name, with the kept one related and a
    suggested manager in the hint. No top at all (every post has a manager, so the line ends in
    a cycle): reported at the `reportsTo` of the root unit's head, where the line should end, or
    else at the Organization. A repository with no positions is not reported.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
    Passes:
        kind: Position
        metadata: {name: cfo, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
    Fails:
        kind: Position
        metadata: {name: cfo, title: 财务总监}
        spec: {unit: finance}                # a second top besides ceo
    """
    positions = model.positions
    if not positions:
        return
    tops = [p for p in positions.values() if p.spec.get("reportsTo") is None]
    root_unit = model.get(structure_of(model).root)
    root_head = model.get(root_unit.target(("spec", "head"))) if root_unit is not None else None
    if not tops:
        message = _("no position is the top of the reporting line: every position has a reportsTo")
        hint = _("remove spec.reportsTo from the top post (usually the head of the root unit)")
        if root_head is not None:
            heads = _("; position {head} heads the root unit").format(head=entity_words(root_head))
            yield root_head.finding(("spec", "reportsTo"), message + heads, hint=hint, identity=())
        elif model.organizations:
            yield model.organizations[0].finding(("metadata", "name"), message, hint=hint, identity=())
        else:  # the first post read: not an identity that survives moving documents, so none is kept
            post = next(iter(positions.values()))
            yield post.doc.finding(
                "", ("spec", "reportsTo"), message, entity=post.key, hint=hint, identity=("no top position",)
            )
        return
    kept = root_head if root_head is not None and root_head in tops else tops[0]
    # The head of the root unit is kept whatever the order; otherwise the first top read is, and
    # which one that is depends on file order: then every finding's identity is the set of tops.
    chosen = () if kept is root_head else tuple(sorted(top.key for top in tops))
    for top in tops:
        if top is kept:
            continue
        manager = _suggested_manager(model, top)
        hint = _("add spec.reportsTo: {manager}").format(manager=_name(manager)) if manager else _("add spec.reportsTo")
        yield top.doc.finding(
            "",
            ("metadata", "name"),
            _(
                "position {top} has no reportsTo, but {kept} is already the top position; only one post may have no "
                "manager"
            ).format(top=entity_words(top), kept=entity_words(kept)),
            entity=top.key,
            hint=hint,
            related=(kept.doc.related(("metadata", "name"), _("the top position")),),
            identity=chosen or (top.key,),
        )


@rule("head-outside-unit", "error", "a unit's head is a position of another unit", family=FAMILY)
def head_outside_unit(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    The head of a unit is one of its own posts (docs/format.md); a head placed in another unit
    usually means the post's `unit` or the unit's `head` was copied from elsewhere. Reported at
    the unit's `spec.head`, with the post's `spec.unit` related.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: cfo, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: ops-director, title: 运营总监}
        spec: {unit: ops, reportsTo: ceo}
    Passes:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: company, head: ops-director}
    Fails:
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: company, head: cfo}   # cfo has unit: finance
    """
    structure = structure_of(model)
    for unit in model.units.values():
        head = unit.target(("spec", "head"))
        if head is None:
            continue
        home = structure.unit_of.get(head)
        if home is None or home == unit.key:
            continue
        post = model.get(head)
        words = {"unit": entity_words(unit), "head": model.words(head), "home": model.words(home)}
        where = _("{head} is a position of {home}").format(**words)
        related = (post.doc.related(("spec", "unit"), where),) if post else ()
        yield unit.finding(
            ("spec", "head"),
            _("the head of unit {unit} is {head}, a position of {home}").format(**words),
            hint=_("name a position of {unit} as head, or move {head} into it").format(
                unit=_name(unit.key), head=_name(head)
            ),
            related=related,
            identity=(head, home),
        )


@rule(
    "reporting-crosses-tree",
    "warning",
    "a position reports to a post outside its own unit and that unit's ancestors",
    family=FAMILY,
)
def reporting_crosses_tree(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A solid-line manager normally sits in the post's own unit or in a unit above it; a manager
    in a sibling or unrelated unit makes the reporting line and the unit tree tell two stories
    (often a matrix link written as a solid line). Reported at the post's `spec.reportsTo`,
    with the manager's `spec.unit` related.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: cfo, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
        ---
        kind: Unit
        metadata: {name: ops, title: 运营部}
        spec: {type: department, parent: company}
        ---
        kind: Position
        metadata: {name: ops-director, title: 运营总监}
        spec: {unit: ops, reportsTo: ceo}
    Passes:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec: {unit: ops, reportsTo: ops-director}
    Fails:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec: {unit: ops, reportsTo: cfo}    # cfo is in finance, a sibling of ops
    """
    structure = structure_of(model)
    for position in model.positions.values():
        manager = structure.reports_to.get(position.key)
        if manager is None:
            continue
        home = structure.unit_of.get(position.key)
        manager_home = structure.unit_of.get(manager)
        if home is None or manager_home is None or home == manager_home:
            continue
        if structure.contains(manager_home, home):
            continue
        boss = model.get(manager)
        words = {
            "position": entity_words(position),
            "home": model.words(home),
            "manager": model.words(manager),
            "manager_home": model.words(manager_home),
        }
        where = _("{manager} is in {manager_home}").format(**words)
        related = (boss.doc.related(("spec", "unit"), where),) if boss else ()
        yield position.finding(
            ("spec", "reportsTo"),
            _(
                "position {position} of {home} reports to {manager} of {manager_home}, which is neither its unit nor "
                "above it"
            ).format(**words),
            hint=_("report to a post of the own unit or a unit above it; write a matrix link as spec.dottedLines"),
            related=related,
            identity=(manager, home, manager_home),
        )


@rule("headcount-exceeded", "error", "more Persons hold a post than its headcount", family=FAMILY)
def headcount_exceeded(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A post's `headcount` (default 1) is its approved establishment (编制); more holders than
    that means either the establishment or the appointments are wrong. A frozen post
    (headcount 0) is exceeded by any holder. Reported at the post's `spec.headcount` (or its
    name when the default applies), with each holder's `holds` item related. Only checked when
    Person documents exist. Only holdings in force on the as-of date count (`from`/`until`),
    and an acting holder (`acting: true`) fills the post without using up its headcount: a
    deputy acting for an absent director does not exceed the director's post.

    Given:
        kind: Unit
        metadata: {name: purchasing, title: 采购部}
        spec: {parent: company}
        ---
        kind: Person
        metadata: {name: wang-fang, title: 王芳}
        spec: {holds: [buyer]}
        ---
        kind: Person
        metadata: {name: zhao-lei, title: 赵磊}
        spec: {holds: [buyer]}
    Passes:
        kind: Position
        metadata: {name: buyer, title: 采购专员}
        spec: {unit: purchasing, reportsTo: ceo, headcount: 2}
    Fails:
        kind: Position
        metadata: {name: buyer, title: 采购专员}
        spec: {unit: purchasing, reportsTo: ceo}     # headcount 1, held by two Persons
    """
    if not model.persons_declared:
        return
    for post_key, holders in structure_of(model).holders.items():
        post = model.get(post_key)
        if post is None:
            continue
        acting = structure_of(model).acting.get(post_key, ())
        persons = [person for person in holders if person not in acting]
        headcount = post.spec.get("headcount", 1)
        if len(persons) <= headcount:
            continue
        related: list[Related] = []
        for person_key in persons[:_RELATED_CAP]:
            person = model.get(person_key)
            if person is None:
                continue
            for path, ref in person.refs.items():
                if ref.edge == "holds" and ref.target == post_key:
                    related.append(person.doc.related(path, _("held by {person}").format(person=entity_words(person))))
                    break
        held = _counted(len(persons), N_("{count} person holds it: "), N_("{count} persons hold it: ")) + listed(
            [model.words(key) for key in persons]
        )
        if headcount == 0:
            message = _("position {post} is frozen (headcount 0) but {held}").format(post=entity_words(post), held=held)
        else:
            message = _("position {post} has a headcount of {headcount} but {held}").format(
                post=entity_words(post), headcount=headcount, held=held
            )
        path = ("spec", "headcount") if "headcount" in post.spec else ("metadata", "name")
        yield post.finding(
            path,
            message,
            hint=_("raise spec.headcount to the approved establishment, or end an appointment"),
            related=tuple(related),
            identity=(f"headcount {headcount}", *sorted(persons)),
        )


SCOPES = ("owns", "head", "approves", "accountable", "process-owner")
"""What makes a post key, as vacant-key-post's `scope` option names it."""


@rule(
    "vacant-key-post",
    "warning",
    "a vacant post owns duties, heads a unit, approves, or is accountable in a process",
    family=FAMILY,
    options={"scope": list(SCOPES)},
)
def vacant_key_post(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    When Person documents exist, a post that nobody holds is vacant; that matters when work or
    authority hangs on it. A vacant post is reported (at its name) when it: owns duties
    (`owns`), heads a unit (`head`), is an approver of an ApprovalMatrix band itself
    (`approves`; a Unit approver does not make its posts key), is `accountable` in a process
    step (`accountable`), or owns a process (`process-owner`). The message says which; the
    places are related. The option `scope` lists which of these count (default: all).
    Without Person documents vacancy is unknown and nothing is reported. A frozen post
    (headcount 0) that is vacant is reported too: the roles still need a holder. A post is held
    when a holding in force on the as-of date names it (a former holder does not fill it; an
    acting holder does).

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Responsibility
        metadata: {name: budgeting, title: 预算管理}
        spec: {}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo, owns: [budgeting]}
    Passes:
        kind: Person
        metadata: {name: zhang-wei, title: 张伟}
        spec: {holds: [ceo]}
        ---
        kind: Person
        metadata: {name: li-min, title: 李敏}
        spec: {holds: [finance-director]}
    Fails:
        kind: Person
        metadata: {name: zhang-wei, title: 张伟}
        spec: {holds: [ceo]}              # and nobody holds finance-director
    """
    if not model.persons_declared:
        return
    scope = options.get("scope", SCOPES)
    if isinstance(scope, str) or not all(item in SCOPES for item in scope):
        raise ValueError(f"option scope must be a list of {', '.join(SCOPES)}; got {scope!r}")
    wanted = set(scope)
    holders = structure_of(model).holders
    # Post key -> (reason, where) pairs, collected in one pass over the entities that can make a post key.
    # A reason is (its English words, the fingerprint's identity; the words in the run's language, the message's).
    reasons: dict[str, list[tuple[tuple[str, str], Related]]] = {}

    def add(post: str | None, reason: str, entity: Entity, where: Related) -> None:
        if post is not None and post.startswith("Position/") and post not in holders:
            words = (reason.format(entity=entity.key), _(reason).format(entity=entity_words(entity)))
            reasons.setdefault(post, []).append((words, where))

    if "head" in wanted:
        for unit in model.units.values():
            add(
                unit.target(("spec", "head")), N_("heads {entity}"), unit, unit.doc.related(("spec", "head"), _("head"))
            )
    if "approves" in wanted:
        for matrix in model.entities("ApprovalMatrix"):
            for path, ref in matrix.refs.items():
                if ref.edge == "approver" and ref.target not in holders:
                    add(ref.target, N_("approves in {entity}"), matrix, matrix.doc.related(path, _("approver")))
    if "accountable" in wanted or "process-owner" in wanted:
        for process in model.entities("Process"):
            for path, ref in process.refs.items():
                if ref.target in holders:
                    continue
                if ref.edge == "accountable" and "accountable" in wanted:
                    add(
                        ref.target,
                        N_("is accountable in {entity}"),
                        process,
                        process.doc.related(path, _("accountable")),
                    )
                elif ref.edge == "owner" and "process-owner" in wanted:
                    add(ref.target, N_("owns {entity}"), process, process.doc.related(path, _("owner")))
    for position in model.positions.values():
        if position.key in holders:
            continue
        found = reasons.get(position.key, [])
        owned = position.spec.get("owns") or []
        if "owns" in wanted and owned:
            english = f"owns {len(owned)} dut{'y' if len(owned) == 1 else 'ies'}"
            duties = _counted(len(owned), N_("owns {count} duty"), N_("owns {count} duties"))
            found.insert(0, ((english, duties), position.doc.related(("spec", "owns"), _("owns"))))
        if not found:
            continue
        shown = listed(list(dict.fromkeys(words for (_english, words), _where in found)))
        yield position.finding(
            ("metadata", "name"),
            _("position {position} is vacant (no Person holds it) but {shown}").format(
                position=entity_words(position), shown=shown
            ),
            hint=_("appoint a Person (spec.holds), or move these duties and roles to a held post"),
            related=tuple(where for _reason, where in found[:_RELATED_CAP]),
            identity=tuple(sorted({english for (english, _words), _where in found})),
        )


@rule(
    "acting-too-long",
    "warning",
    "an acting holding without until, or longer than option maxDays (default 180)",
    family=FAMILY,
    options={"maxDays": 180},
)
def acting_too_long(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    An acting appointment (代理, a holding with `acting: true`) covers a leave or a vacancy
    for a while; left open it becomes a permanent appointment nobody approved, and an acting
    holder does not use up the post's headcount. A Person's acting holding is reported when
    it has no `until` (at the holding), or when it lasts longer than the option `maxDays`
    (default 180 days, both ends counted; at its `until`). An acting holding that ended
    before the as-of date is history and is not reported. The entity is the Person.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: finance-manager, title: 财务经理}
        spec: {unit: finance, reportsTo: finance-director}
    Passes:
        kind: Person
        metadata: {name: li-min, title: 李敏}
        spec:
          holds:
            - finance-manager
            - {position: finance-director, acting: true, from: 2026-11-01, until: 2027-01-31}
    Fails:
        kind: Person
        metadata: {name: li-min, title: 李敏}
        spec:
          holds:
            - finance-manager
            - {position: finance-director, acting: true, from: 2026-11-01}   # no end
    """
    limit = options.get("maxDays", 180)
    if type(limit) is not int or limit < 1:
        raise ValueError(f"option maxDays must be a whole number of days >= 1; got {limit!r}")
    for holding in model.holdings:
        window = holding.window
        if not holding.acting or window.inverted or (window.end is not None and window.end < model.as_of):
            continue
        person = model.get(holding.person)
        if person is None:
            continue
        item: Path = holding.path[:3]
        post = model.words(holding.position)
        if window.end is None:
            message = (
                _(
                    "person {person} is acting {post} with no end ({window}): an acting appointment should not last "
                    "more than {limit} days"
                )
                if window.start is not None
                else _(
                    "person {person} is acting {post} with neither a start nor an end (no `from`, no `until`): "
                    "an acting appointment should not last more than {limit} days"
                )
            )
            yield person.finding(
                item,
                message.format(person=entity_words(person), post=post, window=window.said(), limit=limit),
                hint=_("give the holding an `until`, or appoint the person to the post (drop `acting`)"),
                identity=(holding.position, "no end"),
            )
        elif window.start is not None and (days := (window.end - window.start).days + 1) > limit:
            yield person.finding(
                (*item, "until"),
                _("person {person} is acting {post} for {days} days ({window}), more than {limit}").format(
                    person=entity_words(person), post=post, days=days, window=window.said(), limit=limit
                ),
                hint=_("end the acting appointment sooner, or appoint the person to the post (drop `acting`)"),
                related=(person.doc.related((*item, "from"), _("acting from here")),),
                identity=(holding.position, window.describe()),
            )


RULES: tuple[Rule, ...] = (
    org_root,
    unit_cycle,
    reporting_cycle,
    detached_unit,
    top_position,
    head_outside_unit,
    reporting_crosses_tree,
    headcount_exceeded,
    vacant_key_post,
    acting_too_long,
)
