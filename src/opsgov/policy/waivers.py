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

from opsgov.load.documents import Path
from opsgov.model.entities import Entity, Model
from opsgov.report.finding import Finding
from opsgov.rules import REGISTRY, canonical
from opsgov.suggest import closest

UNWAIVABLE = frozenset(("internal-error", "waiver-expired", "waiver-unused", "waiver-self-approved"))


@dataclass(slots=True)
class _Waiver:
    entity: Entity
    rule: str
    targets: frozenset[str]
    expires: datetime.date
    covered: int = 0


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
        close = closest(name, sorted(model.known["Policy"]))
        what = f"there is no Policy named '{name}'"
        suggestion = f"policy/{close}" if close else ""
    else:
        if rule_id in REGISTRY:
            return None
        close = closest(rule_id, REGISTRY)  # NAMES, not RULE_IDS: as this finding has always said
        what = f"'{rule_id}' is not a rule id"
        suggestion = close or ""
    hint = f"did you mean '{suggestion}'?" if suggestion else "`opsgov rules` lists the rule ids"
    return _own(waiver, ("spec", "rule"), "waiver-unused", f"waiver {waiver.name} covers nothing: {what}", hint)


def _own(
    waiver: Entity, path: Path, rule: str, message: str, hint: str, identity: tuple[str, ...] | None = None
) -> Finding:
    """A finding of the waiver stage itself, about the waiver document."""
    return waiver.finding(path, message, hint=hint, identity=identity).replace(rule=rule)


def apply_waivers(
    model: Model, findings: Iterable[Finding], today: datetime.date, ran: Callable[[str], bool]
) -> list[Finding]:
    """Mark covered findings waived and add the waivers' own findings.

    `ran(rule_id)` says whether a rule was run at all: a waiver for a rule switched off or not
    selected is not judged unused.
    """
    extra: list[Finding] = []
    live: dict[tuple[str, str], list[_Waiver]] = {}
    expired: dict[tuple[str, str], list[_Waiver]] = {}
    waivers: list[_Waiver] = []
    for entity in model.entities("Waiver"):
        spec = entity.spec
        expires = _parse_date(str(spec["expires"]))
        if expires is None:
            extra.append(
                _own(
                    entity,
                    ("spec", "expires"),
                    "schema",
                    f"expires '{spec['expires']}' is not a date of the calendar",
                    "write the last day the waiver holds as YYYY-MM-DD, e.g. 2027-06-30",
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
            covered = ""
            if waiver.covered == 1:
                covered = "; the finding it covered counts again"
            elif waiver.covered:
                covered = f"; the {waiver.covered} findings it covered count again"
            extra.append(
                _own(
                    entity,
                    ("spec", "expires"),
                    "waiver-expired",
                    f"waiver {entity.name} for {waiver.rule} expired on {waiver.expires.isoformat()}{covered}",
                    "fix the findings, or renew the waiver with a new approval and expiry date",
                    identity=(waiver.rule, waiver.expires.isoformat()),  # not how many findings it covered
                )
            )
        elif not waiver.covered and ran(waiver.rule):
            extra.append(
                _own(
                    entity,
                    ("metadata", "name"),
                    "waiver-unused",
                    f"waiver {entity.name} covers no finding of {waiver.rule} for {', '.join(sorted(waiver.targets))}",
                    "the problem is fixed: delete the waiver (or correct its rule or targets)",
                )
            )
    return marked + extra
