"""`opsgov diff BASE [HEAD]`: what a change does to the organisation.

The two trees are checked by commands/base.py; the comparison here works on the two models
(entities by `Kind/name`) and on finding fingerprints. The result is plain data (JSON as is);
its Markdown for a pull request is report/formats/diff_markdown.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from opsgov import escape
from opsgov.commands.base import WORKING_TREE, checked, new_findings
from opsgov.commands.gitrev import commit_date
from opsgov.commands.wording import anything, interval_in_words
from opsgov.config.settings import Settings
from opsgov.i18n import N_, _, speaking
from opsgov.model.approvals import matrix_measure
from opsgov.model.bands import ZERO, Interval, Measure, band_interval, measure_of, money
from opsgov.model.entities import Entity, Model
from opsgov.model.structure import structure_of
from opsgov.report.formats.diff_markdown import reference_key
from opsgov.report.report import Report


def _ref(entity: Entity, path: tuple[str | int, ...]) -> str | None:
    """A reference as `Kind/name` when it resolves, else as written (a dangling name is still a change)."""
    target = entity.target(path)
    if target is not None:
        return target
    node: Any = entity.spec
    for step in path[1:]:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
    return str(node) if node is not None else None


def _short(key: str | None) -> str | None:
    return key.partition("/")[2] if key and "/" in key else key


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _entity_row(entity: Entity) -> dict[str, Any]:
    """Name and title; for a unit its parent, for a post its unit and manager: where it sits in the tree."""
    row: dict[str, Any] = {"name": entity.name, "title": entity.title}
    if entity.kind == "Unit":
        row["parent"] = _short(_ref(entity, ("spec", "parent")))
    elif entity.kind == "Position":
        row["unit"] = _short(_ref(entity, ("spec", "unit")))
        row["reportsTo"] = _short(_ref(entity, ("spec", "reportsTo")))
    return row


def _added_removed(base: Model, head: Model, kind: str) -> dict[str, list[dict[str, Any]]]:
    old, new = base.by_kind[kind], head.by_kind[kind]
    return {
        "added": [_entity_row(new[n]) for n in sorted(set(new) - set(old))],
        "removed": [_entity_row(old[n]) for n in sorted(set(old) - set(new))],
    }


def _changed_field(
    base: Model, head: Model, kind: str, path: tuple[str | int, ...], label: str
) -> list[dict[str, Any]]:
    """Entities present in both trees whose reference at `path` points elsewhere now."""
    rows: list[dict[str, Any]] = []
    old = base.by_kind[kind]
    for name, entity in sorted(head.by_kind[kind].items()):
        before = old.get(name)
        if before is None:
            continue
        was, now = _short(_ref(before, path)), _short(_ref(entity, path))
        if was != now:
            rows.append({label: name, "title": entity.title, "from": was, "to": now})
    return rows


def _dotted(base: Model, head: Model) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for kind in ("Unit", "Position"):
        old = base.by_kind[kind]
        for name, entity in sorted(head.by_kind[kind].items()):
            before = old.get(name)
            if before is None:
                continue
            was, now = _targets(before, "dottedLine"), _targets(entity, "dottedLine")
            if was != now:
                rows.append({"entity": entity.key, "added": sorted(now - was), "removed": sorted(was - now)})
    return rows


def _targets(entity: Entity, edge: str) -> set[str]:
    return {ref.target for ref in entity.refs.values() if ref.edge == edge}


def _owners(model: Model) -> dict[str, set[str]]:
    return {_short(duty) or duty: {owner for owner, _ in owned} for duty, owned in structure_of(model).owners.items()}


def _duties(base: Model, head: Model) -> list[dict[str, Any]]:
    old, new = _owners(base), _owners(head)
    rows = []
    for duty in sorted(set(old) | set(new)):
        was, now = old.get(duty, set()), new.get(duty, set())
        if was != now:
            entity = head.by_kind["Responsibility"].get(duty) or base.by_kind["Responsibility"].get(duty)
            rows.append(
                {
                    "responsibility": duty,
                    "title": entity.title if entity else duty,
                    "from": sorted(was),
                    "to": sorted(now),
                }
            )
    return rows


def _boundary_set(entity: Entity) -> set[tuple[str, str]]:
    rows = entity.spec.get("excludes") or []
    pairs = set()
    for index in range(len(rows)):
        duty = _short(_ref(entity, ("spec", "excludes", index, "responsibility"))) or ""
        owner = _ref(entity, ("spec", "excludes", index, "ownedBy")) or ""
        pairs.add((duty, owner))
    return pairs


def _boundaries(base: Model, head: Model) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for kind in ("Unit", "Position"):
        old, new = base.by_kind[kind], head.by_kind[kind]
        for name in sorted(set(old) | set(new)):
            was = _boundary_set(old[name]) if name in old else set()
            now = _boundary_set(new[name]) if name in new else set()
            if was != now:

                def rows_of(pairs: set[tuple[str, str]]) -> list[dict[str, str]]:
                    return [{"responsibility": d, "ownedBy": o} for d, o in sorted(pairs)]

                rows.append({"entity": f"{kind}/{name}", "added": rows_of(now - was), "removed": rows_of(was - now)})
    return rows


Limit = tuple[Decimal | None, bool]
"""The highest amount an approver can approve: (upper bound, inclusive); (None, _) = unlimited."""


def _limit_rank(limit: Limit) -> tuple[int, Decimal, bool]:
    amount, inclusive = limit
    return (1, Decimal(0), True) if amount is None else (0, amount, inclusive)


def _authority(model: Model) -> dict[tuple[str, str], tuple[Limit, Measure]]:
    """(approver key, matrix name) -> the approver's highest limit in that matrix, and what it measures."""
    limits: dict[tuple[str, str], tuple[Limit, Measure]] = {}
    for matrix in model.entities("ApprovalMatrix"):
        measure = matrix_measure(model, matrix)
        for index, band in enumerate(matrix.spec.get("bands") or []):
            interval = band_interval(band)
            limit: Limit = (interval.high, interval.high_inclusive)
            for position in range(len(band.get("approvers") or [])):
                approver = _ref(matrix, ("spec", "bands", index, "approvers", position))
                if approver is None:
                    continue
                key = (approver, matrix.name)
                known = limits.get(key)
                if known is None or _limit_rank(limit) > _limit_rank(known[0]):
                    limits[key] = (limit, measure)
    return limits


def limit_words(limit: Limit | None, unit: Measure | str | None, bare: bool = False) -> str:
    """`up to 500,000 CNY`, `below 5%`; `bare` leaves out the currency (the sentence already gave it)."""
    measure = measure_of(unit)
    if limit is None:
        return _("nothing")
    amount, inclusive = limit
    if amount is None:
        return _("the decision (no amount)") if measure.quantity == "none" else anything(measure)
    if bare and inclusive:
        return money(amount, Measure(measure.quantity))
    return (_("up to {amount}") if inclusive else _("below {amount}")).format(amount=money(amount, measure))


def _limit_json(limit: Limit | None) -> dict[str, Any] | None:
    if limit is None:
        return None
    amount, inclusive = limit
    return {"amount": None if amount is None else _number(amount), "inclusive": inclusive, "unlimited": amount is None}


def _words(base: Model, head: Model, key: str) -> str:
    """An entity as messages name it ("财务总监 (finance-director)"), from the head, else the base."""
    return head.words(key) if head.get(key) is not None else base.words(key)


def _who(approver: str) -> str:
    return (_short(approver) or approver) if approver.startswith("Position/") else approver


def authority_sentence(
    approver: str, was: Limit | None, now: Limit | None, currency: Measure | str | None, who: str | None = None
) -> str:
    """`财务总监 (finance-director): now approves up to 1,000,000 CNY, was 500,000`; `who` names the
    approver (default: its id)."""
    who = who or _who(approver)
    if now is None:
        return _("{who}: no longer approves (was {was})").format(who=who, was=limit_words(was, currency))
    if was is None:
        return _("{who}: now approves {now} (was nothing)").format(who=who, now=limit_words(now, currency))
    bare = was[1] and now[1] and now[0] is not None
    return _("{who}: now approves {now}, was {was}").format(
        who=who, now=limit_words(now, currency), was=limit_words(was, currency, bare=bare)
    )


def _approvals(base: Model, head: Model) -> list[dict[str, Any]]:
    old, new = _authority(base), _authority(head)
    rows = []
    for key in sorted(set(old) | set(new)):
        was_entry, now_entry = old.get(key), new.get(key)
        was = was_entry[0] if was_entry else None
        now = now_entry[0] if now_entry else None
        if was == now:
            continue
        measure = (now_entry or was_entry or (None, Measure()))[1]
        gained = was is None or (now is not None and _limit_rank(now) > _limit_rank(was))
        approver, matrix = key
        rows.append(
            {
                "approver": approver,
                "matrix": matrix,
                "currency": measure.currency,
                "quantity": measure.quantity,
                "change": "gained" if gained else "lost",
                "was": _limit_json(was),
                "now": _limit_json(now),
                "summary": authority_sentence(approver, was, now, measure, who=_words(base, head, approver)),
            }
        )
    return rows


ROLE_RANK = {"countersign": 0, "in sequence": 1, "alone": 2}
"""How an approver takes part in a band: alone (mode any, or the only approver), or with the others."""

Roles = dict[str, list[tuple[Interval, str]]]
"""approver key -> the bands it sits in: (amounts, role)."""


def _role(band: dict[str, Any]) -> str:
    if len(band.get("approvers") or []) < 2:
        return "alone"
    return {"all": "countersign", "sequential": "in sequence"}.get(str(band.get("mode", "any")), "alone")


def _roles(matrix: Entity | None) -> Roles:
    roles: Roles = {}
    if matrix is None:
        return roles
    for index, band in enumerate(matrix.spec.get("bands") or []):
        interval, role = band_interval(band), _role(band)
        for position in range(len(band.get("approvers") or [])):
            approver = _ref(matrix, ("spec", "bands", index, "approvers", position))
            if approver is not None:
                roles.setdefault(approver, []).append((interval, role))
    return roles


def _pieces(bounds: Iterable[Decimal]) -> list[tuple[Interval, Decimal]]:
    """Amounts from 0 upward cut at every band bound: each bound alone, then the open run to the next.

    No band starts or ends inside a piece, so one amount in it (the second item) stands for all of it.
    """
    points = sorted({ZERO, *(b for b in bounds if b >= ZERO)})
    pieces: list[tuple[Interval, Decimal]] = []
    for low, high in zip(points, [*points[1:], None], strict=True):
        pieces.append((Interval(low, True, low, True), low))
        pieces.append((Interval(low, False, high, False), low + 1 if high is None else (low + high) / 2))
    return pieces


def _best(placed: list[tuple[Interval, str]], amount: Decimal) -> str | None:
    roles = [role for interval, role in placed if amount in interval]
    return max(roles, key=ROLE_RANK.__getitem__) if roles else None


ROLES = {"alone": N_("alone"), "countersign": N_("countersign"), "in sequence": N_("in sequence")}


def _role_name(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


def _role_words(role: str) -> str:
    """` alone`, ` (countersign)`: how the approver takes part, after the amounts."""
    return (_(" {role}") if role == "alone" else _(" ({role})")).format(role=_role_name(role))


def amount_sentence(approver: str, matrix: str, row: dict[str, Any], who: str | None = None) -> str:
    """`finance-director in marketing-spend: no longer approves from 100,000 CNY to below 200,000 CNY (countersign)`."""
    who = who or _who(approver)
    was, now, words = row["was"], row["now"], row["amounts"]
    if was is None:
        sentence = _("{who} in {matrix}: now approves {amounts}{role}")
        return sentence.format(who=who, matrix=matrix, amounts=words, role=_role_words(now))
    if now is None:
        sentence = _("{who} in {matrix}: no longer approves {amounts}{role}")
        return sentence.format(who=who, matrix=matrix, amounts=words, role=_role_words(was))
    sentence = _("{who} in {matrix}: now approves {amounts}{role}, was {was}")
    return sentence.format(
        who=who,
        matrix=matrix,
        amounts=words,
        role=_role_words(now),
        was=_role_name(was),
    )


def _interval_json(interval: Interval) -> dict[str, Any]:
    return {
        "from": _number(interval.low),
        "fromInclusive": interval.low_inclusive,
        "to": None if interval.high is None else _number(interval.high),
        "toInclusive": interval.high_inclusive,
    }


def _amount_changes(base: Model, head: Model) -> list[dict[str, Any]]:
    """Per approver and matrix, every run of amounts gained, lost, or approved in another mode.

    A higher limit alone says nothing about a lowered band edge or a dropped countersign, so the
    amounts are compared piece by piece between all band bounds of both versions of the matrix.
    """
    old, new = base.by_kind["ApprovalMatrix"], head.by_kind["ApprovalMatrix"]
    rows: list[dict[str, Any]] = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        was_roles, now_roles = _roles(before), _roles(after)
        if after is not None:
            measure = matrix_measure(head, after)
        else:
            measure = matrix_measure(base, before) if before else Measure()
        bounds = [
            bound
            for placed in (*was_roles.values(), *now_roles.values())
            for interval, _ in placed
            for bound in (interval.low, interval.high)
            if bound is not None
        ]
        pieces = _pieces(bounds)
        for approver in sorted(set(was_roles) | set(now_roles)):
            runs: list[tuple[Interval, str | None, str | None]] = []
            for piece, amount in pieces:
                was = _best(was_roles.get(approver, []), amount)
                now = _best(now_roles.get(approver, []), amount)
                if was == now:
                    continue
                last = runs[-1][0] if runs else None
                touches = last is not None and last.high == piece.low and last.high_inclusive != piece.low_inclusive
                if last is not None and touches and runs[-1][1:] == (was, now):
                    runs[-1] = (Interval(last.low, last.low_inclusive, piece.high, piece.high_inclusive), was, now)
                else:
                    runs.append((piece, was, now))
            for interval, was, now in runs:
                row: dict[str, Any] = {
                    "approver": approver,
                    "matrix": name,
                    "currency": measure.currency,
                    "quantity": measure.quantity,
                    "change": "gained" if was is None else "lost" if now is None else "mode",
                    "amounts": interval_in_words(interval, measure),
                    "interval": _interval_json(interval),
                    "was": was,
                    "now": now,
                }
                row["summary"] = amount_sentence(
                    approver, _words(base, head, f"ApprovalMatrix/{name}"), row, who=_words(base, head, approver)
                )
                rows.append(row)
    return rows


def _kpis(base: Model, head: Model) -> list[dict[str, Any]]:
    fields: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
        ("target", lambda spec: spec.get("target")),
        ("thresholds.green", lambda spec: (spec.get("thresholds") or {}).get("green")),
        ("thresholds.yellow", lambda spec: (spec.get("thresholds") or {}).get("yellow")),
        ("direction", lambda spec: spec.get("direction")),
    )
    rows = []
    old = base.by_kind["KPI"]
    for name, kpi in sorted(head.by_kind["KPI"].items()):
        before = old.get(name)
        if before is None:
            continue
        for label, read in fields:
            was, now = read(before.spec), read(kpi.spec)
            if was != now:
                rows.append({"kpi": name, "title": kpi.title, "field": label, "from": was, "to": now})
    return rows


def _findings(base: Report, head: Report) -> dict[str, list[dict[str, Any]]]:
    """Waived findings are accepted exceptions: waiving one counts as fixing it here."""
    old = [f for f in base.findings if not f.waived]
    new = [f for f in head.findings if not f.waived]
    return {
        "introduced": [f.to_dict() for f in new_findings(new, old)],
        "fixed": [f.to_dict() for f in new_findings(old, new)],
    }


OTHER_KINDS = ("Responsibility", "Process", "ApprovalMatrix", "KPI", "Person", "Policy", "Waiver", "Delegation")


def _upcoming(model: Model) -> dict[tuple[str, str, str], Entity]:
    """Documents that take effect after the model's date: (kind, name, validFrom) -> the document."""
    return {
        (e.kind, e.name, e.window.start.isoformat()): e
        for e in model.out_of_force
        if e.window.start is not None and e.window.start > model.as_of and not e.window.inverted
    }


def _scheduled(base: Model, head: Model) -> list[dict[str, Any]]:
    """Changes the head schedules for a later day (a `validFrom` after its date): listed, not in force.

    Each is `new` (no version of it is in force at the head's date), `replaces` (one is), `changed`
    (the base scheduled it for the same day, differently) or `withdrawn` (the base scheduled it, the
    head no longer does); one the base scheduled the same way is no change of this diff.
    """
    already, upcoming = _upcoming(base), _upcoming(head)
    rows = []
    for key in sorted(already.keys() | upcoming.keys(), key=lambda key: (key[2], key[0], key[1])):
        entity = upcoming.get(key)
        if entity is None:
            entity, change = already[key], "withdrawn"
        elif key in already:
            if already[key].doc.data == entity.doc.data:
                continue
            change = "changed"
        else:
            change = "replaces" if head.by_kind[entity.kind].get(entity.name) is not None else "new"
        rows.append(
            {
                "kind": entity.kind,
                "name": entity.name,
                "title": entity.title,
                "validFrom": key[2],
                "validUntil": entity.window.end.isoformat() if entity.window.end is not None else None,
                "change": change,
            }
        )
    return rows


def governance_diff(base: Report, head: Report, base_label: str, head_label: str) -> dict[str, Any]:
    """The JSON form of the change report; the Markdown form renders exactly this.

    Both models are of one date (the head's); what the head schedules for a later day is listed
    under `scheduled`, not among the changes in force.
    """
    with speaking(head.lang):
        return _governance_diff(base, head, base_label, head_label)


def _governance_diff(base: Report, head: Report, base_label: str, head_label: str) -> dict[str, Any]:
    old, new = base.model or Model(), head.model or Model()
    others = {kind: _added_removed(old, new, kind) for kind in OTHER_KINDS}
    change: dict[str, Any] = {
        "opsgov": "1",
        "lang": head.lang,
        "base": base_label,
        "head": head_label,
        "asOf": new.as_of.isoformat(),
        "units": {
            **_added_removed(old, new, "Unit"),
            "moved": _changed_field(old, new, "Unit", ("spec", "parent"), "unit"),
            "head": _changed_field(old, new, "Unit", ("spec", "head"), "unit"),
        },
        "positions": {
            **_added_removed(old, new, "Position"),
            "moved": _changed_field(old, new, "Position", ("spec", "unit"), "position"),
        },
        "reportingLines": _changed_field(old, new, "Position", ("spec", "reportsTo"), "position"),
        "dottedLines": _dotted(old, new),
        "duties": _duties(old, new),
        "boundaries": _boundaries(old, new),
        "approvalAuthority": _approvals(old, new),
        "approvalAmounts": _amount_changes(old, new),
        "kpis": _kpis(old, new),
        "entities": {kind: rows for kind, rows in others.items() if rows["added"] or rows["removed"]},
        "scheduled": _scheduled(old, new),
        "findings": _findings(base, head),
    }
    change["titles"] = _titles(change, old, new)
    return change


REFERENCES: tuple[tuple[tuple[str, ...], str, str | None], ...] = (
    (("units", "added"), "parent", "Unit"),
    (("units", "removed"), "parent", "Unit"),
    (("units", "moved"), "from", "Unit"),
    (("units", "moved"), "to", "Unit"),
    (("units", "head"), "from", "Position"),
    (("units", "head"), "to", "Position"),
    (("positions", "added"), "unit", "Unit"),
    (("positions", "added"), "reportsTo", "Position"),
    (("positions", "removed"), "unit", "Unit"),
    (("positions", "removed"), "reportsTo", "Position"),
    (("positions", "moved"), "from", "Unit"),
    (("positions", "moved"), "to", "Unit"),
    (("reportingLines",), "from", "Position"),
    (("reportingLines",), "to", "Position"),
    (("dottedLines",), "entity", None),
    (("dottedLines",), "added", None),
    (("dottedLines",), "removed", None),
    (("duties",), "from", None),
    (("duties",), "to", None),
    (("boundaries",), "entity", None),
    (("approvalAuthority",), "approver", None),
    (("approvalAuthority",), "matrix", "ApprovalMatrix"),
    (("approvalAmounts",), "approver", None),
    (("approvalAmounts",), "matrix", "ApprovalMatrix"),
)
"""Where a change names another entity: (rows, field, kind of a bare name; None: the field holds `Kind/name`)."""


def _titles(change: dict[str, Any], base: Model, head: Model) -> dict[str, str]:
    """`Kind/name` -> title of every entity the change names by reference, so the Markdown can name it
    as messages do ("财务部 (`finance`)"); only titles that say more than the name."""
    keys: set[str] = set()
    for where, field, kind in REFERENCES:
        rows: Any = change
        for step in where:
            rows = rows[step]
        for row in rows:
            value = row.get(field)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item:
                    keys.add(reference_key(item, kind))
    for row in change["boundaries"]:
        for item in (*row["added"], *row["removed"]):
            keys.add(reference_key(item["responsibility"], "Responsibility"))
            if item["ownedBy"]:
                keys.add(item["ownedBy"])
    titles = {}
    for key in sorted(keys):
        entity = head.get(key) or base.get(key)
        if entity is not None and entity.title.strip() and entity.title != entity.name:
            titles[key] = entity.title
    return titles


def diff_revisions(settings: Settings, base_rev: str, head_rev: str | None) -> dict[str, Any]:
    """PATH at `base_rev` against PATH at `head_rev` (None: the working tree), both as of the head's date.

    The head's date is its commit's day, or `settings.as_of` for the working tree: a change whose
    `validFrom` lies after it is scheduled, not in force.
    """
    if head_rev is not None:
        settings = dataclasses.replace(settings, as_of=commit_date(settings.root, head_rev))
    with checked(settings, base_rev) as base, checked(settings, head_rev) as head:
        return governance_diff(base, head, base_rev, head_rev or WORKING_TREE)


def render_json(change: dict[str, Any]) -> str:
    return escape.json_dumps(change)
