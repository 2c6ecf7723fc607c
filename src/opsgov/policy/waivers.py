"""The waiver stage: approved exceptions mark the findings they cover, until they expire.

A waived finding stays in every report (marked `waived`) and does not fail the run. An expired
waiver covers nothing, so its findings count again, and is itself an error; a live waiver that
covers nothing is a warning, so stale exceptions do not pile up. The findings of this stage,
and internal errors, cannot be waived: a waiver of a waiver would prove nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from opsgov.i18n import N_, _, in_english
from opsgov.load.documents import Path
from opsgov.model.entities import Entity, Model, entity_words, key_words
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import item_path, plain_message
from opsgov.rules import REGISTRY, canonical
from opsgov.rules.policies import self_approved
from opsgov.suggest import RULE_IDS, closest, did_you_mean

UNWAIVABLE = frozenset(("internal-error", "waiver-expired", "waiver-unused", "waiver-self-approved"))


@dataclass(slots=True)
class _Waiver:
    entity: Entity
    rule: str
    targets: frozenset[str]
    expires: datetime.date
    covered: int = 0


def _not_a_date(value: object) -> str:
    return _("expires '{expires}' is not a date of the calendar").format(expires=value)


def _expired(waiver: _Waiver) -> str:
    covered = ""
    if waiver.covered == 1:
        covered = _("; the finding it covered counts again")
    elif waiver.covered:
        covered = _("; the {count} findings it covered count again").format(count=waiver.covered)
    return _("waiver {waiver} for {rule} expired on {day}{covered}").format(
        waiver=entity_words(waiver.entity), rule=waiver.rule, day=waiver.expires.isoformat(), covered=covered
    )


def _unused(model: Model, waiver: _Waiver) -> str:
    return _("waiver {waiver} covers no finding of {rule} for {targets}").format(
        waiver=entity_words(waiver.entity),
        rule=waiver.rule,
        targets=_(", ").join(key_words(model, target) for target in sorted(waiver.targets)),
    )


def _parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _unknown_rule(waiver: Entity, rule_id: str, model: Model) -> Finding | None:
    """A waiver naming no rule covers nothing; say so, with the closest id, rather than 'unused'."""
    if rule_id.startswith("policy/"):
        name = rule_id.removeprefix("policy/")
        if name in model.known["Policy"]:
            return None
        close = closest(name, sorted(model.known["Policy"]))  # a policy is named by its author: NAMES
        what = N_("there is no Policy named '{name}'")
        shown = name
        suggestion = f"policy/{close}" if close else ""
    else:
        if rule_id in REGISTRY:
            return None
        close = closest(rule_id, REGISTRY, cutoff=RULE_IDS)  # typos only, as --select and opsgov.yaml suggest
        what = N_("'{name}' is not a rule id")
        shown = rule_id
        suggestion = close or ""
    hint = did_you_mean(suggestion) or _("`opsgov rules` lists the rule ids")

    def words() -> str:
        return _("waiver {waiver} covers nothing: {what}").format(
            waiver=entity_words(waiver), what=_(what).format(name=shown)
        )

    return _own(waiver, ("spec", "rule"), "waiver-unused", words, hint)


def _own(
    waiver: Entity,
    path: Path,
    rule: str,
    words: Callable[[], str],
    hint: str,
    identity: tuple[str, ...] | None = None,
) -> Finding:
    """A finding of the waiver stage itself, about the waiver document; `words()` makes its message, said once
    more in English for the identity when none is given (a fingerprint does not depend on the language)."""
    if identity is None:
        identity = (item_path(waiver.doc.data, path), plain_message(in_english(words)))
    return waiver.finding(path, words(), hint=hint, identity=identity).replace(rule=rule)


def apply_waivers(
    model: Model, findings: Iterable[Finding], today: datetime.date, ran: Callable[[str], bool]
) -> list[Finding]:
    """Mark covered findings waived and add the waivers' own findings.

    `ran(rule_id)` says whether a rule was run at all: a waiver for a rule switched off or not
    selected is not judged unused.

    A waiver approved by a party to what it waives (`waiver-self-approved`, on the as-of date or,
    where that rule ran, on a later change date) waives nothing, and is not judged unused or
    expired either: its findings are reported as if it were not there.
    """
    findings = list(findings)
    refused = self_approved(model) | {f.entity for f in findings if f.rule == "waiver-self-approved"}
    extra: list[Finding] = []
    live: dict[tuple[str, str], list[_Waiver]] = {}
    expired: dict[tuple[str, str], list[_Waiver]] = {}
    waivers: list[_Waiver] = []
    for entity in model.entities("Waiver"):
        if entity.key in refused:
            continue
        spec = entity.spec
        expires = _parse_date(str(spec["expires"]))
        if expires is None:
            extra.append(
                _own(
                    entity,
                    ("spec", "expires"),
                    "schema",
                    partial(_not_a_date, spec["expires"]),
                    _("write the last day the waiver holds as YYYY-MM-DD, e.g. 2027-06-30"),
                )
            )
            continue
        rule_id = canonical(spec["rule"])
        unknown = _unknown_rule(entity, rule_id, model)
        if unknown is not None:
            extra.append(unknown)
            continue
        waiver = _Waiver(entity, rule_id, frozenset(spec["targets"]), expires)
        waivers.append(waiver)
        index = expired if expires < today else live
        for target in waiver.targets:
            index.setdefault((rule_id, target), []).append(waiver)
    marked: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.entity)
        if finding.rule not in UNWAIVABLE and finding.entity:
            for waiver in expired.get(key, ()):
                waiver.covered += 1
            covering = live.get(key)
            if covering:
                for waiver in covering:
                    waiver.covered += 1
                first = covering[0].entity
                finding = finding.replace(
                    waived=True,
                    waived_by=f"{first.key}: {first.spec['reason']}",
                    waiver_ticket=str(first.spec.get("ticket") or ""),
                )
        marked.append(finding)
    for waiver in waivers:
        entity = waiver.entity
        if waiver.expires < today:
            extra.append(
                _own(
                    entity,
                    ("spec", "expires"),
                    "waiver-expired",
                    partial(_expired, waiver),
                    _("fix the findings, or renew the waiver with a new approval and expiry date"),
                    identity=(waiver.rule, waiver.expires.isoformat()),  # not how many findings it covered
                )
            )
        elif not waiver.covered and ran(waiver.rule):
            extra.append(
                _own(
                    entity,
                    ("metadata", "name"),
                    "waiver-unused",
                    partial(_unused, model, waiver),
                    _("the problem is fixed: delete the waiver (or correct its rule or targets)"),
                )
            )
    return marked + extra
