"""The words `explain` and `who-approves` share, in the run's language (opsgov.i18n).

Entities are named as every message names them (`entity_words`: "财务总监 (finance-director)");
amounts are worded by the one place that words them (model.bands: Measure, interval_words), the
Chinese form of a band ("100,000 CNY（含）至 500,000 CNY（含）") when the run speaks Chinese.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from opsgov.i18n import ENGLISH, N_, _, current
from opsgov.model.approvals import BandRow, Escalation, Party
from opsgov.model.bands import Interval, Measure, interval_words
from opsgov.model.delegation import Grant, Stand
from opsgov.model.entities import Entity, Model, entity_words
from opsgov.render.words import MAJORITIES, say

MODES = {
    "any": N_("any (one approver suffices)"),
    "all": N_("countersign (all must approve)"),
    "sequential": N_("sequential (all approve, in order)"),
}


def chinese() -> bool:
    return current() != ENGLISH


def mode_words(mode: str) -> str:
    return _(MODES[mode]) if mode in MODES else mode


def interval_in_words(interval: Interval, measure: Measure) -> str:
    return interval_words(interval, measure, chinese=chinese())


def band_words(row: BandRow) -> str:
    """A band's amounts, as the delegation-of-authority table words them in the run's language."""
    return interval_in_words(row.interval, row.measure)


def anything(measure: Measure) -> str:
    """Every amount of the quantity (a decision right without an amount, or no AMOUNT asked)."""
    return measure.anything(chinese=chinese())


def amount_words(measure: Measure, amount: Decimal | None) -> str:
    return anything(measure) if amount is None else measure.amount(amount)


def vote_words(unit: Entity) -> str:
    """How a voting body decides ("decided by a vote of 总经理办公会: quorum 3 of 5, simple majority"), or ""."""
    voting = unit.spec.get("voting")
    if not isinstance(voting, dict):
        return ""
    majority = str(voting.get("majority") or "simple")
    return _("decided by a vote of {body}: quorum {quorum} of {members}, {majority}").format(
        body=unit.title or unit.name,
        quorum=voting.get("quorum"),
        members=len(voting.get("members") or ()),
        majority=say(MAJORITIES, majority),
    )


def party_words(model: Model, party: Party) -> str:
    """An approver or escalation target: a post by title and id, a body with how it decides."""
    if not party.key:
        return _("{name} (unresolved)").format(name=party.name)
    text = model.words(party.key)
    if party.kind == "Position":
        return text
    body = model.get(party.key)
    vote = vote_words(body) if body is not None else ""
    return (
        _("{body} ({vote})").format(body=text, vote=vote) if vote else _("{body} (deciding as one)").format(body=text)
    )


def escalation_words(model: Model, escalation: Escalation) -> str:
    return _("after {after} to {target}").format(after=escalation.after, target=party_words(model, escalation.to))


def grant_words(grant: Grant) -> str:
    """A Delegation by title and id (a scheduled one is not in the model of the day: its own document names it),
    with its window."""
    return _("{delegation} ({window})").format(delegation=entity_words(grant.delegation), window=grant.window.said())


def through_words(model: Model, stand: Stand) -> str:
    return _(" and ").join(grant_words(grant) for grant in stand.approval.through)


def words_on(model: Model, key: str, day: datetime.date | None = None) -> str:
    """An entity as messages name it, as of `day` when that is later than the model's date (a scheduled
    Delegation's first day: a post it hands to may only exist from then)."""
    entity = model.version_on(key, day) if day is not None and day > model.as_of else model.get(key)
    return entity_words(entity) if entity is not None else model.words(key)


def stand_words(model: Model, stand: Stand, measure: Measure, day: datetime.date | None = None) -> str:
    """`财务经理 (finance-manager) in place of 财务总监 (finance-director), through …, up to 200,000 CNY`;
    the posts named as of `day` (a scheduled stand's first day)."""
    text = _("{delegate} in place of {delegator}, through {delegations}").format(
        delegate=words_on(model, stand.delegate, day),
        delegator=words_on(model, stand.delegator, day),
        delegations=through_words(model, stand),
    )
    if stand.cap is None:
        return text
    return text + _(", up to {amount}").format(amount=measure.amount(stand.cap))
