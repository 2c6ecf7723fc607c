"""Rules of the family "authority" about Delegation documents (docs/format.md, Delegation).

The model holds the Delegations in force on the as-of date; `opsgov.model.delegation` reads
them. References that do not resolve were reported by `dangling-ref`; they are left out here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from opsgov.i18n import _, current
from opsgov.model.approvals import matrix_measure
from opsgov.model.bands import Interval
from opsgov.model.delegation import Authority, Grant
from opsgov.model.entities import Model, entity_words
from opsgov.model.structure import structure_of
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule

FAMILY = "authority"

_GIVEN = """
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
    ---
    kind: ApprovalMatrix
    metadata: {name: payments, title: 付款审批}
    spec:
      subject: payments
      bands:
        - {upTo: 200000, approvers: [finance-manager]}
        - {over: 200000, upTo: 1000000, approvers: [finance-director]}
        - {over: 1000000, approvers: [ceo]}
"""


def _name(key: str) -> str:
    return key.partition("/")[2] if key.startswith("Position/") else key


def _matrices(model: Model, authority: Authority, g: Grant) -> list[tuple[int | None, str]]:
    """(index in `matrices` or None when absent, matrix key) that the grant covers."""
    if g.matrices is not None:
        listed = g.delegation.spec.get("matrices") or []
        found: list[tuple[int | None, str]] = []
        for index in range(len(listed)):
            key = g.delegation.target(("spec", "matrices", index))
            if key is not None:
                found.append((index, key))
        return found
    return [(None, m.key) for m in model.entities("ApprovalMatrix")]


@rule(
    "delegation-exceeds",
    "error",
    "a delegation of authority `from` does not have: in a listed matrix, or above the most `from` may approve",
    family=FAMILY,
)
def delegation_exceeds(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Nobody can hand on authority they do not have. A Delegation is at fault when `from`
    approves nothing in a matrix it lists (neither itself nor through a delegation in force),
    when `matrices` is absent and `from` approves in no matrix at all, or when `upTo` is above
    the most `from` may approve in a listed matrix (the top of the highest band it approves;
    a band without upper bound has no most, but in a `percent` matrix it ends at 100). A post
    approves where it is named as an approver: a seat on an approving Unit (a committee, a
    voting body) is not delegated. The finding stands at the matrix item (or at `from`) or at
    `upTo`; the entity is the Delegation.

    {given}
    Passes:
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          matrices: [payments]
          upTo: 500000
          validFrom: 2026-11-16
          validUntil: 2026-12-04
          reason: 年假
          approvedBy: ceo
    Fails:
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          matrices: [payments]
          upTo: 2000000                  # finance-director approves up to 1,000,000
          validFrom: 2026-11-16
          validUntil: 2026-12-04
          reason: 年假
          approvedBy: ceo
    """
    authority = Authority(model)
    for g in authority.grants:
        if not g.source:
            continue
        delegation = g.delegation
        covered = _matrices(model, authority, g)
        any_approval = False
        for index, key in covered:
            matrix = model.get(key)
            assert matrix is not None
            approves, best = authority.most(g.source, matrix)
            any_approval = any_approval or approves
            if best is not None and best.high is None and matrix_measure(model, matrix).quantity == "percent":
                best = dataclasses.replace(best, high=Decimal(100), high_inclusive=True)  # a percentage ends at 100
            if not approves and index is not None:
                yield delegation.finding(
                    ("spec", "matrices", index),
                    _(
                        "{delegation} delegates {source}'s authority in {matrix}, but {source} approves nothing there"
                    ).format(
                        delegation=entity_words(delegation), source=model.words(g.source), matrix=entity_words(matrix)
                    ),
                    hint=_("remove {matrix} from matrices, or delegate from a post that approves in it").format(
                        matrix=matrix.name
                    ),
                    identity=(matrix.key, "approves nothing"),
                )
            elif best is not None and best.high is not None and g.cap is not None and _exceeds(g.cap, best):
                measure = matrix_measure(model, matrix)
                chinese = current() == "zh_CN"  # 天 for days, as the approval tables and approval-gap say
                most = measure.amount(best.high, chinese)
                limit = (_("up to {most}") if best.high_inclusive else _("below {most}")).format(most=most)
                yield delegation.finding(
                    ("spec", "upTo"),
                    _(
                        "{delegation} lets {delegate} approve up to {cap} in {matrix}, "
                        "but {source} may approve only {limit} there"
                    ).format(
                        delegation=entity_words(delegation),
                        delegate=model.words(g.delegate) if g.delegate else _("its delegate"),
                        cap=measure.amount(g.cap, chinese),
                        matrix=entity_words(matrix),
                        source=model.words(g.source),
                        limit=limit,
                    ),
                    hint=(
                        _("lower upTo to {most} or less") if best.high_inclusive else _("lower upTo below {most}")
                    ).format(most=most),
                    identity=(matrix.key, "above the most"),
                )
        if g.matrices is None and not any_approval:
            yield delegation.finding(
                ("spec", "from"),
                _("{delegation} delegates {source}'s approval authority, but {source} approves in no matrix").format(
                    delegation=entity_words(delegation), source=model.words(g.source)
                ),
                hint=_("delegate from a post that approves, or list the matrices"),
                identity=("approves nothing",),
            )


@rule(
    "delegation-chain",
    "error",
    "a delegation passing on authority held only through a delegation that forbids it, "
    "a loop of delegations, or one to itself or to a frozen post",
    family=FAMILY,
)
def delegation_chain(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A delegate may not pass the authority on unless the delegation says so
    (`subDelegation: true`). A Delegation is at fault when `from` holds the authority in a
    matrix it covers only through another Delegation in force with `subDelegation: false`; when
    delegations form a loop (the message lists it; a loop is reported once, at the delegation
    of the loop with the first name); when `to` is `from` itself; or when `to` is a frozen
    post (`headcount: 0`), which nobody can hold. The finding stands at `from` (or `to`); the
    entity is the Delegation.

    {given}
        ---
        kind: Position
        metadata: {{name: accountant, title: 会计}}
        spec: {{unit: finance, reportsTo: finance-manager}}
        ---
        kind: ApprovalMatrix
        metadata: {{name: investments, title: 投资审批}}
        spec:
          subject: investments
          bands:
            - {{approvers: [finance-director]}}
        ---
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          validFrom: 2026-11-16
          validUntil: 2026-12-04
          reason: 年假
          approvedBy: ceo
    Passes:
        kind: Delegation
        metadata: {{name: manager-leave, title: 财务经理年假}}
        spec:
          from: finance-manager
          to: accountant
          matrices: [payments]
          upTo: 200000                    # finance-manager's own band
          validFrom: 2026-11-20
          validUntil: 2026-11-30
          reason: 年假
          approvedBy: finance-director
    Fails:
        kind: Delegation
        metadata: {{name: manager-leave, title: 财务经理年假}}
        spec:
          from: finance-manager
          to: accountant
          matrices: [investments]         # finance-manager has it only through cfo-leave
          validFrom: 2026-11-20
          validUntil: 2026-11-30
          reason: 年假
          approvedBy: finance-director
    """
    authority = Authority(model)
    by_source: dict[str, list[Grant]] = {}
    for g in authority.grants:
        if g.source and g.delegate:
            by_source.setdefault(g.source, []).append(g)
    reported_loops: set[frozenset[str]] = set()
    for g in authority.grants:
        delegation = g.delegation
        if not (g.source and g.delegate):
            continue
        if g.source == g.delegate:
            yield delegation.finding(
                ("spec", "to"),
                _("{delegation} delegates {source}'s authority to {source} itself").format(
                    delegation=delegation.name, source=_name(g.source)
                ),
                hint=_("name the post that stands in as `to`"),
                identity=("to itself",),
            )
            continue
        target = model.get(g.delegate)
        if target is not None and target.spec.get("headcount") == 0:
            yield delegation.finding(
                ("spec", "to"),
                _("{delegation} delegates to {delegate}, a frozen post (headcount 0) that nobody holds").format(
                    delegation=delegation.name, delegate=_name(g.delegate)
                ),
                hint=_("delegate to a post that is held"),
                identity=("frozen", g.delegate),
            )
        loop = _loop(g, by_source)
        if loop is not None:
            members = frozenset(x.key for x in loop)
            if members not in reported_loops and min(members) == g.key:
                reported_loops.add(members)
                names = " -> ".join([_name(x.source) for x in loop] + [_name(loop[0].source)])
                yield delegation.finding(
                    ("spec", "to"),
                    _("delegations form a loop: {posts} (through {delegations})").format(
                        posts=names, delegations=_(", ").join(x.key for x in loop)
                    ),
                    hint=_("end the loop: one of these posts must approve on its own authority"),
                    identity=tuple(sorted(members)),
                )
            continue
        for _index, key in _matrices(model, authority, g):
            matrix = model.get(key)
            assert matrix is not None
            approvals = authority.approvals(g.source, matrix)
            if not approvals or any(not a.through for a in approvals):
                continue
            closed = [a.through[0] for a in approvals if not a.through[0].sub_delegation]
            if len(closed) == len(approvals):
                held = closed[0]
                yield delegation.finding(
                    ("spec", "from"),
                    _(
                        "{source} holds its authority in {matrix} only through {held}, which does not allow "
                        "passing it on (subDelegation: false), yet {delegation} delegates it to {delegate}"
                    ).format(
                        source=_name(g.source),
                        matrix=matrix.name,
                        held=held.said(),
                        delegation=delegation.name,
                        delegate=_name(g.delegate),
                    ),
                    hint=_(
                        "set subDelegation: true in {held} if it may be passed on, or delegate from {source}"
                    ).format(held=held.key, source=_name(held.source)),
                    identity=(matrix.key, held.key),
                )


def _exceeds(cap: Decimal, best: Interval) -> bool:
    assert best.high is not None
    return cap > best.high or (cap == best.high and not best.high_inclusive)


def _loop(start: Grant, by_source: dict[str, list[Grant]]) -> list[Grant] | None:
    """The delegations from `start` that lead back to its `from`, in order, if any (depth first)."""
    stack: list[tuple[Grant, list[Grant]]] = [(start, [start])]
    visited: set[str] = set()
    while stack:
        current, path = stack.pop()
        if current.delegate == start.source:
            return path
        if current.delegate in visited:
            continue
        visited.add(current.delegate)
        for following in by_source.get(current.delegate, ()):
            stack.append((following, [*path, following]))
    return None


@rule(
    "delegation-window",
    "error",
    "a delegation longer than option maxDays (default 90): standing authority belongs in the matrix",
    family=FAMILY,
    options={"maxDays": 90},
)
def delegation_window(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A delegation covers an absence or a vacancy; authority that is meant to last belongs in
    the approval matrix, where it is reviewed with the rest. A Delegation longer than option
    `maxDays` (default 90; both days count) is at fault. A window ending before it starts is
    `effective-window`'s. The finding stands at `validUntil`; the entity is the Delegation.

    {given}
    Passes:
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          validFrom: 2026-11-16
          validUntil: 2026-12-04
          reason: 年假
          approvedBy: ceo
    Fails:
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          validFrom: 2026-11-01
          validUntil: 2027-06-30
          reason: 年假
          approvedBy: ceo
    """
    limit = int(options.get("maxDays", 90))
    for g in Authority(model).grants:
        start, end = g.window.start, g.window.end
        if start is None or end is None or start > end:
            continue
        days = (end - start).days + 1
        if days > limit:
            yield g.delegation.finding(
                ("spec", "validUntil"),
                _("{delegation} lasts {days} days ({window}), more than {limit}").format(
                    delegation=g.delegation.name, days=days, window=g.window.said(), limit=limit
                ),
                hint=_("end it sooner, or give the authority in the approval matrix if it is meant to last"),
                identity=("longer than", str(limit)),
            )


@rule(
    "delegation-approver",
    "error",
    "a delegation approved by its delegate, or by a post that is neither `from` nor above it",
    family=FAMILY,
)
def delegation_approver(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A delegation is granted by whoever holds the authority or by their superiors, never by
    the post that receives it. A Delegation is at fault when `approvedBy` is `to`, or is neither
    `from` nor a post above `from` in the reporting line (`reportsTo`, followed up). The finding
    stands at `approvedBy`; the entity is the Delegation.

    {given}
    Passes:
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          validFrom: 2026-11-16
          validUntil: 2026-12-04
          reason: 年假
          approvedBy: ceo
    Fails:
        kind: Delegation
        metadata: {{name: cfo-leave, title: 财务总监年假}}
        spec:
          from: finance-director
          to: finance-manager
          validFrom: 2026-11-16
          validUntil: 2026-12-04
          reason: 年假
          approvedBy: finance-manager    # the delegate
    """
    structure = structure_of(model)
    for g in Authority(model).grants:
        delegation = g.delegation
        approver = delegation.target(("spec", "approvedBy"))
        if approver is None or not g.source:
            continue
        if approver == g.delegate:
            yield delegation.finding(
                ("spec", "approvedBy"),
                _("{delegation} is approved by {approver}, the delegate itself").format(
                    delegation=delegation.name, approver=_name(approver)
                ),
                hint=_("have {source} or a post above it approve the delegation").format(source=_name(g.source)),
                identity=("delegate",),
            )
        elif approver != g.source and approver not in set(structure.chain(g.source)):
            yield delegation.finding(
                ("spec", "approvedBy"),
                _(
                    "{delegation} is approved by {approver}, which is neither {source} "
                    "nor a post above it in the reporting line"
                ).format(delegation=delegation.name, approver=_name(approver), source=_name(g.source)),
                hint=_("have {source} or a post above it approve the delegation").format(source=_name(g.source)),
                identity=("not above", approver),
            )


RULES: tuple[Rule, ...] = tuple(
    Rule(r.id, r.level, r.description, r.family, r.check, r.docs.format(given=_GIVEN.strip("\n")), r.options, r.aliases)
    for r in (delegation_exceeds, delegation_chain, delegation_window, delegation_approver)
)
