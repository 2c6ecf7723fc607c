"""Rules reported by the policy and waiver stages (opsgov.policy.cel, opsgov.policy.waivers)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import _
from opsgov.model.dates import parse_date
from opsgov.model.delegation import Authority, Grant
from opsgov.model.entities import Entity, Model, entity_words, key_words, prose_kind
from opsgov.model.structure import structure_of
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule

FAMILY = "policies"


_ITSELF = "itself"
"""The reason `_party_reasons` gives when the approver is the target itself."""


def _party_reasons(model: Model, target: Entity, approver: str) -> list[tuple[str, str]]:
    """(reason, place) pairs: why `approver` is a party to `target`; empty when it is not.

    A Unit among owners, approvers or requesters stands for the posts in it and below (a body's
    voting members too), as in self-approval: whoever sits in it is a party. The reasons are in
    the run's language, but for the target itself (`_ITSELF`).
    """
    structure = structure_of(model)
    inside = structure.contains
    reasons: list[tuple[str, str]] = []
    if target.key == approver:
        return [(_ITSELF, target.key)]

    def member(key: str) -> bool:
        if inside(key, approver):
            return True
        unit = model.get(key)
        return unit is not None and any(
            ref.edge == "votingMember" and ref.target == approver for ref in unit.refs.values()
        )

    if target.kind == "Unit" and member(target.key):
        how = _("is a post inside it") if inside(target.key, approver) else _("is a voting member of it")
        reasons.append((how, target.key))
    elif target.kind == "Responsibility":
        for owner, _path in structure.owners.get(target.key, ()):
            if member(owner):
                how = _("owns it") if owner == approver else _("is a post inside {owner}, which owns it")
                reasons.append((how.format(owner=key_words(model, owner)), owner))
    elif target.kind == "ApprovalMatrix":
        for ref in target.refs.values():
            if ref.edge in ("approver", "requester") and member(ref.target):
                approving = ref.edge == "approver"
                if ref.target == approver:
                    how = _("is an approver in it") if approving else _("is a requester in it")
                else:
                    how = (
                        _("sits in {unit}, an approver in it") if approving else _("sits in {unit}, a requester in it")
                    )
                reasons.append((how.format(unit=key_words(model, ref.target)), ref.target))
    elif target.kind == "Process":
        for ref in target.refs.values():
            if ref.edge == "owner" and member(ref.target):
                how = _("owns it") if ref.target == approver else _("is a post inside {owner}, which owns it")
                reasons.append((how.format(owner=key_words(model, ref.target)), ref.target))
            elif ref.edge == "responsible" and ref.target == approver:
                reasons.append((_("is responsible for one of its steps"), ref.target))
    return list(dict.fromkeys(reasons))


def _delegated_party(
    model: Model, authority: Authority, target: Entity, approver: str
) -> tuple[list[Grant], list[tuple[str, str]]] | None:
    """The delegations in force (the one to `approver` first) through which `approver` stands in for a
    party to `target`, with why that post is a party; None when it stands in for none."""
    queue: list[list[Grant]] = [[g] for g in authority.received.get(approver, ())]
    seen = {approver}
    while queue:
        chain = queue.pop(0)
        source = chain[-1].source
        if source in seen:
            continue
        seen.add(source)
        reasons = _party_reasons(model, target, source)
        if reasons:
            return chain, reasons
        queue.extend([*chain, g] for g in authority.received.get(source, ()))
    return None


@rule(
    "waiver-too-long",
    "warning",
    "a Waiver that expires more than option maxDays (default 365) after the as-of date",
    family=FAMILY,
    options={"maxDays": 365},
)
def waiver_too_long(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A waiver is an exception granted for a while, not a standing permission: one that runs
    for years is a rule nobody wants to keep but nobody repealed. A Waiver whose `expires`
    lies more than the option `maxDays` (default 365) after the as-of date (`--as-of`) is
    reported at its `expires`; renew it when the time comes instead. The entity is the Waiver.

    Given:
        kind: Responsibility
        metadata: {name: pricing, title: 定价}
        spec: {}
        ---
        kind: Unit
        metadata: {name: sales, title: 销售部}
        spec: {parent: company, owns: [pricing]}
        ---
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company, owns: [pricing]}
    Passes:
        kind: Waiver
        metadata: {name: pricing-overlap, title: 定价过渡期}
        spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
               approvedBy: ceo, expires: 2027-03-31}
    Fails:
        kind: Waiver
        metadata: {name: pricing-overlap, title: 定价过渡期}
        spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
               approvedBy: ceo, expires: 2099-12-31}   # decades away
    """
    limit = options.get("maxDays", 365)
    if type(limit) is not int or limit < 1:
        raise ValueError(f"option maxDays must be a whole number of days >= 1; got {limit!r}")
    for waiver in model.entities("Waiver"):
        expires = parse_date(str(waiver.spec.get("expires")))
        if expires is None:
            continue
        days = (expires - model.as_of).days
        if days > limit:
            yield waiver.finding(
                ("spec", "expires"),
                _("waiver {waiver} for {rule} expires on {day}, {days} days after {today}: more than {limit}").format(
                    waiver=entity_words(waiver),
                    rule=waiver.spec.get("rule"),
                    day=expires.isoformat(),
                    days=days,
                    today=model.as_of.isoformat(),
                    limit=limit,
                ),
                hint=_("grant the exception for a shorter time and renew it if it is still needed"),
                identity=(expires.isoformat(),),
            )


@rule(
    "waiver-self-approved",
    "error",
    "a Waiver approved by a party to what it waives (a target, a post inside a targeted unit, an owner, an approver "
    "or requester, a process owner or responsible post)",
    family=FAMILY,
)
def waiver_self_approved(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """An exception is only as good as its approval: a waiver approved by the very party it
    excuses is a waiver nobody granted. A Waiver's `approvedBy` is a party to what it waives
    when it is one of its `targets`; a post inside a targeted Unit (in it or in a unit under it)
    or a voting member of it; an owner of a targeted Responsibility, or a post inside an
    owning unit; an approver or a requester of a targeted ApprovalMatrix (a post inside an
    approving or requesting unit, or a voting member of an approving body, counts); the owner
    of a targeted Process (or a post inside the owning unit), or a post responsible for one of
    its steps.

    The finding stands at `spec.approvedBy`, names the party and why, with the target as
    related location, once per target. The entity is the Waiver. It cannot itself be waived.
    Such a waiver waives nothing, even with this rule switched off: the findings it targets are
    reported, and fail the run, as if it were not there.

    Given:
        kind: Responsibility
        metadata: {name: pricing, title: 定价}
        spec: {}
        ---
        kind: Unit
        metadata: {name: sales, title: 销售部}
        spec: {parent: company, owns: [pricing]}
        ---
        kind: Position
        metadata: {name: sales-director, title: 销售总监}
        spec: {unit: sales, reportsTo: ceo}
        ---
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company, owns: [pricing]}
    Passes:
        kind: Waiver
        metadata: {name: pricing-overlap, title: 定价过渡期}
        spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
               approvedBy: ceo, expires: 2099-12-31, ticket: GOV-12}
    Fails:
        kind: Waiver
        metadata: {name: pricing-overlap, title: 定价过渡期}
        spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
               approvedBy: sales-director, expires: 2099-12-31}   # sales owns pricing
    """
    authority = Authority(model) if model.known["Delegation"] else None
    hint = _(
        "have the waiver approved by someone outside what it excuses, e.g. the party's superior "
        "or a governance function"
    )
    for waiver in model.entities("Waiver"):
        approver = waiver.target(("spec", "approvedBy"))
        if approver is None:
            continue
        who = model.words(approver)
        for index in range(len(waiver.spec.get("targets") or ())):
            target = model.get(waiver.target(("spec", "targets", index)))
            if target is None:
                continue
            waived = waiver.doc.related(("spec", "targets", index), _("the waived target"))
            reasons = _party_reasons(model, target, approver)
            if reasons:
                if reasons[0][0] == _ITSELF:
                    message = _("waiver {waiver} is approved by {who}, the very {kind} it waives")
                else:
                    message = _(
                        "waiver {waiver} is approved by {who}, a party to what it waives ({target}): {who} {why}"
                    )
                yield waiver.finding(
                    ("spec", "approvedBy"),
                    message.format(
                        waiver=entity_words(waiver),
                        who=who,
                        kind=prose_kind(target.kind),
                        target=key_words(model, target.key),
                        why=_("; ").join(how for how, _place in reasons),
                    ),
                    hint=hint,
                    identity=(target.key, *sorted(place for _place, place in reasons)),
                    related=(waived,),
                )
                continue
            delegated = _delegated_party(model, authority, target, approver) if authority is not None else None
            if delegated is None:
                continue
            chain, reasons = delegated
            party = model.words(chain[-1].source)
            why = (
                _("{party} is the very {kind} it waives").format(party=party, kind=prose_kind(target.kind))
                if reasons[0][0] == _ITSELF
                else f"{party} " + _("; ").join(how for how, _place in reasons)
            )
            yield waiver.finding(
                ("spec", "approvedBy"),
                _(
                    "waiver {waiver} is approved by {who}, the delegate of {party} through {delegation}, "
                    "a party to what it waives ({target}): {why}"
                ).format(
                    waiver=entity_words(waiver),
                    who=who,
                    party=party,
                    delegation=_(" and ").join(g.said() for g in chain),
                    target=key_words(model, target.key),
                    why=why,
                ),
                hint=_(
                    "have the waiver approved by someone who does not stand in for a party to what it excuses, "
                    "e.g. the party's superior or a governance function"
                ),
                identity=(target.key, *sorted(place for _place, place in reasons), *(g.key for g in chain)),
                related=(
                    waived,
                    chain[0].delegation.doc.related(("spec", "to"), _("{who} is the delegate here").format(who=who)),
                ),
            )


def self_approved(model: Model) -> frozenset[str]:
    """The Waivers approved by a party to what they waive on the model's date (`waiver-self-approved`,
    whether that rule runs or not): the waiver stage lets none of them waive (opsgov.policy.waivers)."""
    check = waiver_self_approved.check
    assert check is not None
    return frozenset(finding.entity for finding in check(model, {}))


RULES: tuple[Rule, ...] = (
    Rule(
        "policy-invalid",
        "error",
        "a policy whose CEL does not compile, names an unknown variable, or fails at run time",
        FAMILY,
        docs="""
        A Policy's expressions are CEL (the language of Kubernetes ValidatingAdmissionPolicy)
        over three variables: `object` (the matched entity's document as written), `facts`
        (derived from the graph: docs/rules.md, "Facts available to policies") and `params`
        (the policy's spec.params). An expression that does not compile, names another
        variable, or fails on an entity (a missing key, adding a string to a number, a result
        that is not true or false) is reported here, at the expression, with the CEL error. A
        runtime failure is reported once per expression, with how many entities it failed on
        and the first of them. The run carries on; the other policies still apply.

        No policy can take the run down. Refused before CEL runs, at the expression: more than
        4,000 characters, brackets nested more than 32 deep, comprehensions (all, exists,
        exists_one, map, filter) nested more than 2 deep or more than 8 in one expression; at
        spec.params: params larger than 16,000 (values plus characters) or nested more than 8
        deep. A policy that runs longer than 20 s over the organisation, or crashes the CEL
        library, is stopped and reported at its spec.validations. A result that is not a bool
        is named by its type (and size, for a list or a map), the same on every run. A
        `facts.chain` or `facts.ancestors` longer than 200 names is a failure on that entity.

        Given:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
        Passes:
            kind: Policy
            metadata: {name: unit-head, title: 部门负责人}
            spec:
              severity: warning
              match: {kinds: [Unit]}
              validations:
                - expression: "!has(object.spec.head) || object.spec.head != ''"
        Fails:
            kind: Policy
            metadata: {name: unit-head, title: 部门负责人}
            spec:
              severity: warning
              match: {kinds: [Unit]}
              validations:
                - expression: "object.spec.head != ''"      # fails on finance: it has no head
                - expression: "facts.directReports <= max"  # unknown variable: params.max
        """,
    ),
    Rule(
        "waiver-expired",
        "error",
        "a Waiver past its expires date (the findings it covered count again)",
        FAMILY,
        docs="""
        A waiver holds up to and including its `expires` day. After it, it covers nothing: the
        findings it covered are reported (and fail the run) again, and the waiver itself is
        this error, at its `expires`, until it is renewed or deleted. `opsgov check --as-of
        YYYY-MM-DD` (alias `--today`) fixes the date for reproducible CI runs and tests.

        Given:
            kind: Responsibility
            metadata: {name: pricing, title: 定价}
            spec: {}
            ---
            kind: Unit
            metadata: {name: sales, title: 销售部}
            spec: {parent: company, owns: [pricing]}
            ---
            kind: Unit
            metadata: {name: marketing, title: 市场部}
            spec: {parent: company, owns: [pricing]}
        Passes:
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2099-12-31}
        Fails:
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2020-01-31}
        """,
    ),
    Rule(
        "waiver-unused",
        "warning",
        "a Waiver that matches no finding",
        FAMILY,
        docs="""
        A waiver covers a finding when its rule (aliases accepted) is the finding's rule and
        one of its `targets` is the finding's entity. A live waiver that covers nothing is
        stale (the problem was fixed) or wrong (a mistyped rule or target) and is reported, so
        exceptions do not outlive their reason. A waiver for a rule that was not run (switched
        off in opsgov.yaml, or left out by --select/--ignore) is not judged. The findings of
        the waiver stage itself, and internal errors, cannot be waived.

        Given:
            kind: Responsibility
            metadata: {name: pricing, title: 定价}
            spec: {}
            ---
            kind: Unit
            metadata: {name: sales, title: 销售部}
            spec: {parent: company, owns: [pricing]}
        Passes:
            kind: Unit
            metadata: {name: marketing, title: 市场部}
            spec: {parent: company, owns: [pricing]}
            ---
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2099-12-31}   # pricing overlaps
        Fails:
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2099-12-31}   # pricing has one owner
        """,
    ),
    waiver_self_approved,
    waiver_too_long,
)
