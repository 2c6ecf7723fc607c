"""Reviews (docs/format.md, `metadata.reviewed`): documents reviewed in time, and by someone independent.

A delegation-of-authority matrix must be reviewed at least annually (COSO principle 3), and not
by someone who approves in it. The as-of date is the model's (`--as-of`), never the real today.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import _
from opsgov.load.documents import Path
from opsgov.load.schema import KINDS
from opsgov.model.dates import reviewed_on
from opsgov.model.delegation import Authority, Grant, approver_items, every_grant
from opsgov.model.entities import Entity, Model, key_words
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule

FAMILY = "reviews"
REVIEWED_ON: Path = ("metadata", "reviewed", "on")
REVIEWED_BY: Path = ("metadata", "reviewed", "by")


def _days(options: Mapping[str, Any], name: str, default: int) -> int:
    value = options.get(name, default)
    if type(value) is not int or value < 1:
        raise ValueError(f"option {name} must be a whole number of days >= 1; got {value!r}")
    return value


@rule(
    "review-overdue",
    "warning",
    "a document of option kinds (default [ApprovalMatrix]) last reviewed more than option every days "
    "(default 365) before the as-of date; with option required (default false) also one never reviewed",
    family=FAMILY,
    options={"every": 365, "kinds": ["ApprovalMatrix"], "required": False},
    choices={"kinds": KINDS},
)
def review_overdue(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    Delegation-of-authority matrices go stale as the organisation changes; governance codes ask
    for a review at least annually. A document of one of the option `kinds` (default
    `[ApprovalMatrix]`) whose `metadata.reviewed.on` lies more than the option `every` days
    (default 365) before the as-of date (`--as-of`, default today) is reported at that date.
    With the option `required: true` (default false) a document of those kinds that was never
    reviewed is reported too, at its name. The entity is the reviewed document.

    A review dated after the as-of date has not taken place yet: it does not count as fresh,
    and is reported here, at its date ("reviewed on 2027-06-01, after the as-of date
    2026-11-27"). This rule, not `effective-window` (which judges `validFrom`/`validUntil`),
    is the one that judges `metadata.reviewed.on` against the as-of date.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata:
          name: payments
          title: 付款审批
          reviewed: {on: 2026-06-30, by: ceo}   # this year
        spec:
          subject: 付款
          bands:
            - {approvers: [finance-director]}
    Fails:
        kind: ApprovalMatrix
        metadata:
          name: payments
          title: 付款审批
          reviewed: {on: 2019-01-15, by: ceo}   # years ago
        spec:
          subject: 付款
          bands:
            - {approvers: [finance-director]}
    """
    every = _days(options, "every", 365)
    kinds = options.get("kinds", ["ApprovalMatrix"])
    required = options.get("required", False) is True
    for kind in kinds:
        for entity in model.entities(kind):
            day = reviewed_on(entity.doc.data)
            if day is None:
                if required:
                    yield entity.finding(
                        ("metadata", "name"),
                        _("{entity} has never been reviewed: it must be reviewed every {every} days").format(
                            entity=key_words(model, entity.key), every=every
                        ),
                        hint=_("review it and record `metadata.reviewed: {{on: YYYY-MM-DD, by: POST}}`").format(),
                        identity=("never reviewed",),
                    )
                continue
            age = (model.as_of - day).days
            if age < 0:
                yield entity.finding(
                    REVIEWED_ON,
                    _(
                        "{entity} was reviewed on {day}, after the as-of date {as_of}: "
                        "a review cannot be dated in the future"
                    ).format(entity=key_words(model, entity.key), day=day.isoformat(), as_of=model.as_of.isoformat()),
                    hint=_("record the day the review took place in `metadata.reviewed.on`"),
                    identity=("reviewed after the as-of date", day.isoformat()),
                )
            elif age > every:
                yield entity.finding(
                    REVIEWED_ON,
                    _("{entity} was last reviewed on {day}, {age} days before {as_of}: more than {every}").format(
                        entity=key_words(model, entity.key),
                        day=day.isoformat(),
                        age=age,
                        as_of=model.as_of.isoformat(),
                        every=every,
                    ),
                    hint=_("review it again and update `metadata.reviewed`"),
                    identity=("reviewed", day.isoformat()),
                )


def _approves_in(matrix: Entity, key: str) -> Path | None:
    """Where `key` stands among the approvers of the matrix's bands (resolved references), or None."""
    return next((("spec", "bands", index, "approvers", j) for index, j, k in approver_items(matrix) if k == key), None)


@rule(
    "review-not-independent",
    "warning",
    "metadata.reviewed.by approves in the matrix it reviewed, or did on the review's date through a Delegation",
    family=FAMILY,
)
def review_not_independent(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A review is a second pair of eyes: the post that reviewed an approval matrix
    (`metadata.reviewed.by`) must not approve in it, or it reviews its own authority. That
    holds for authority it exercises in the place of another: a reviewer that, on the day of
    the review (`metadata.reviewed.on`), was the delegate of a Delegation in force for the
    matrix (docs/format.md, Delegation; the delegation's cap reaching the band) reviewed
    authority it held. The review's date decides, not the as-of date: a delegation that ended
    since still taints the review, one that started after it does not; the finding is the same
    on every date `opsgov check` evaluates. The message names the Delegation and its window.

    Reported at `metadata.reviewed.by`, with the band where the reviewer approves (or the
    Delegation's `to`) related. The entity is the matrix.

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
        metadata: {name: chief-auditor, title: 审计负责人}
        spec: {unit: company, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata:
          name: payments
          title: 付款审批
          reviewed: {on: 2026-06-30, by: chief-auditor}
        spec:
          subject: 付款
          bands:
            - {below: 100000, approvers: [finance-director]}
            - {from: 100000, approvers: [ceo]}
    Fails:
        kind: ApprovalMatrix
        metadata:
          name: payments
          title: 付款审批
          reviewed: {on: 2026-06-30, by: finance-director}   # approves in it
        spec:
          subject: 付款
          bands:
            - {below: 100000, approvers: [finance-director]}
            - {from: 100000, approvers: [ceo]}
    """
    authorities: dict[datetime.date, Authority] = {}
    """The review's day -> who approves through the Delegations in force that day."""
    grants: list[Grant] | None = None
    for matrix in model.entities("ApprovalMatrix"):
        reviewer = matrix.target(REVIEWED_BY)
        if reviewer is None:
            continue
        name = model.words(reviewer)
        hint = _("have the matrix reviewed by a post that does not approve in it (internal audit, a board committee)")
        where = _approves_in(matrix, reviewer)
        if where is not None:
            yield matrix.finding(
                REVIEWED_BY,
                _("{matrix} was reviewed by {reviewer}, who approves in it (band {band})").format(
                    matrix=key_words(model, matrix.key), reviewer=name, band=int(where[2]) + 1
                ),
                hint=hint,
                related=(matrix.doc.related(where, _("{reviewer} approves here").format(reviewer=name)),),
                identity=(reviewer,),
            )
            continue
        day = reviewed_on(matrix.doc.data) or model.as_of
        if grants is None:
            grants = every_grant(model)
        if day not in authorities:
            authorities[day] = Authority(model, [g for g in grants if g.window.contains(day)])
        delegated = next((a for a in authorities[day].approvals(reviewer, matrix) if a.through), None)
        if delegated is None:
            continue
        grant = delegated.through[0]
        yield matrix.finding(
            REVIEWED_BY,
            _(
                "{matrix} was reviewed by {reviewer} on {day}, "
                "when it approved in it (band {band}) through {delegation}"
            ).format(
                matrix=key_words(model, matrix.key),
                reviewer=name,
                day=day.isoformat(),
                band=delegated.band + 1,
                delegation=delegated.said(),
            ),
            hint=hint,
            related=(
                grant.delegation.doc.related(
                    ("spec", "to"), _("{reviewer} is the delegate here").format(reviewer=name)
                ),
            ),
            identity=(reviewer, grant.key),
        )


RULES: tuple[Rule, ...] = (review_overdue, review_not_independent)
