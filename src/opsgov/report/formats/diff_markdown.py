"""The Markdown of `opsgov diff` (a pull-request comment): one section per kind of change.

It renders the plain data of commands/diff.py `governance_diff`, beside the Markdown of
`opsgov check` (markdown.py).
"""

from __future__ import annotations

import re
from typing import Any

from opsgov import escape
from opsgov.i18n import ENGLISH, N_, _, speaking


def code(value: object) -> str:
    """A code span for any text: a fence longer than any backtick run inside, on one line, controls shown escaped."""
    text = escape.text(" ".join(str(value).splitlines()))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if longest or text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def text(value: object) -> str:
    """Data shown literally in one list item (markup escaped by backslashes, controls shown escaped)."""
    return escape.markdown(" ".join(str(value).splitlines()), line_start=True)


def _name(row: dict[str, Any], key: str) -> str:
    """`库存管理 (`inventory-management`)`: the title with the id that disambiguates it, as messages name entities."""
    title = row.get("title")
    name = row[key]
    return _("{title} ({name})").format(title=text(title), name=code(name)) if title and title != name else code(name)


def reference_key(value: str, kind: str | None) -> str:
    """`Kind/name` of a reference as a change row holds it (a bare name of `kind`, or already a key)."""
    return value if kind is None or "/" in value else f"{kind}/{value}"


class _References:
    """Names the entities a change refers to as messages do, "财务部 (`finance`)", with the titles the
    change carries (`titles`); the id alone when it has no title of its own."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles = titles

    def one(self, value: str, kind: str | None) -> str:
        title = self.titles.get(reference_key(value, kind))
        return _("{title} ({name})").format(title=text(title), name=code(value)) if title else code(value)

    def value(self, value: Any, kind: str | None = None) -> str:
        if value is None:
            return "—"
        if isinstance(value, list):
            return _(", ").join(self.one(v, kind) for v in value) if value else _("none")
        return self.one(str(value), kind)

    def under(self, row: dict[str, Any]) -> str:
        return _(" under {unit}").format(unit=self.one(row["parent"], "Unit")) if row.get("parent") else ""

    def post_place(self, row: dict[str, Any]) -> str:
        unit = _(" in {unit}").format(unit=self.one(row["unit"], "Unit")) if row.get("unit") else ""
        manager = row.get("reportsTo")
        reports = _(", reports to {manager}").format(manager=self.one(manager, "Position")) if manager else ""
        return unit + reports


def _section(lines: list[str], title: str, body: list[str]) -> None:
    if body:
        lines.extend([f"#### {title}", "", *body, ""])


def _location(finding: dict[str, Any]) -> str:
    return text(f"{finding['file']}:{finding['line']}")


def _item(message: str, **values: str) -> str:
    """A list item: `message` (already translated) with its placeholders filled."""
    return "- " + message.format(**values)


SCHEDULED = {
    "new": N_(" (new)"),
    "replaces": N_(" (replaces the version in force)"),
    "changed": N_(" (the scheduled version changed)"),
    "withdrawn": N_(" (withdrawn)"),
}


def render_markdown(change: dict[str, Any]) -> str:
    """The change in its language (`lang`, the head's run's: the findings' messages are in it too)."""
    with speaking(str(change.get("lang") or ENGLISH)):
        return _render(change)


def _render(change: dict[str, Any]) -> str:
    refs = _References(change.get("titles") or {})
    lines = [
        _("### Governance changes: {base} → {head}").format(base=code(change["base"]), head=code(change["head"])),
        "",
    ]
    start = len(lines)
    units, positions = change["units"], change["positions"]
    _section(
        lines,
        _("Units"),
        [_item(_("added {unit}{under}"), unit=_name(r, "name"), under=refs.under(r)) for r in units["added"]]
        + [_item(_("removed {unit}{under}"), unit=_name(r, "name"), under=refs.under(r)) for r in units["removed"]]
        + [
            _item(
                _("moved {unit}: under {was} → under {now}"),
                unit=_name(r, "unit"),
                was=refs.value(r["from"], "Unit"),
                now=refs.value(r["to"], "Unit"),
            )
            for r in units["moved"]
        ]
        + [
            _item(
                _("head of {unit}: {was} → {now}"),
                unit=_name(r, "unit"),
                was=refs.value(r["from"], "Position"),
                now=refs.value(r["to"], "Position"),
            )
            for r in units["head"]
        ],
    )
    _section(
        lines,
        _("Posts"),
        [_item(_("added {post}{place}"), post=_name(r, "name"), place=refs.post_place(r)) for r in positions["added"]]
        + [
            _item(_("removed {post}{place}"), post=_name(r, "name"), place=refs.post_place(r))
            for r in positions["removed"]
        ]
        + [
            _item(
                _("moved {post}: {was} → {now}"),
                post=_name(r, "position"),
                was=refs.value(r["from"], "Unit"),
                now=refs.value(r["to"], "Unit"),
            )
            for r in positions["moved"]
        ],
    )
    _section(
        lines,
        _("Reporting lines"),
        [
            _item(
                _("{post} reports to {now}, was {was}"),
                post=_name(r, "position"),
                now=refs.value(r["to"], "Position"),
                was=refs.value(r["from"], "Position"),
            )
            for r in change["reportingLines"]
        ]
        + [
            _item(
                _("dotted lines of {entity}: added {added}, removed {removed}"),
                entity=refs.value(r["entity"]),
                added=refs.value(r["added"]),
                removed=refs.value(r["removed"]),
            )
            for r in change["dottedLines"]
        ],
    )
    nobody = _("nobody")
    _section(
        lines,
        _("Duties that changed owner"),
        [
            _item(
                _("{duty}: owned by {now}, was {was}"),
                duty=_name(r, "responsibility"),
                now=refs.value(r["to"]) if r["to"] else nobody,
                was=refs.value(r["from"]) if r["from"] else nobody,
            )
            for r in change["duties"]
        ],
    )
    boundary_lines = []
    for row in change["boundaries"]:
        for label, template in (
            ("added", N_("{entity} added boundary: does not own {duty} (owned by {owner})")),
            ("removed", N_("{entity} removed boundary: does not own {duty} (owned by {owner})")),
        ):
            for item in row[label]:
                boundary_lines.append(
                    _item(
                        _(template),
                        entity=refs.value(row["entity"]),
                        duty=refs.value(item["responsibility"], "Responsibility"),
                        owner=refs.value(item["ownedBy"] or None),
                    )
                )
    _section(lines, _("Boundaries"), boundary_lines)
    changes = {"gained": N_("gained"), "lost": N_("lost")}
    _section(
        lines,
        _("Approval authority"),
        [
            _item(
                _("**{change}** in {matrix}: {summary}"),
                change=_(changes[r["change"]]) if r["change"] in changes else r["change"],
                matrix=refs.value(r["matrix"], "ApprovalMatrix"),
                summary=text(r["summary"]),
            )
            for r in change["approvalAuthority"]
        ]
        + [f"- {text(r['summary'])}" for r in change["approvalAmounts"]],
    )
    _section(
        lines,
        _("KPIs"),
        [
            _item(
                _("{kpi} {field}: {now}, was {was}"),
                kpi=_name(r, "kpi"),
                field=r["field"],
                now=refs.value(r["to"]),
                was=refs.value(r["from"]),
            )
            for r in change["kpis"]
        ],
    )
    entity_lines = []
    for kind, rows in change["entities"].items():
        entity_lines += [_item(_("{kind} added {entity}"), kind=kind, entity=_name(r, "name")) for r in rows["added"]]
        entity_lines += [
            _item(_("{kind} removed {entity}"), kind=kind, entity=_name(r, "name")) for r in rows["removed"]
        ]
    _section(lines, _("Other documents"), entity_lines)
    _section(
        lines,
        _("Scheduled (not in force on {day})").format(day=change["asOf"]),
        [
            "- "
            + (_("from {start} to {end}") if r["validUntil"] else _("from {start}")).format(
                start=code(r["validFrom"]), end=code(r["validUntil"])
            )
            + f": {code(r['kind'])} {_name(r, 'name')}"
            + _(SCHEDULED[r["change"]])
            for r in change["scheduled"]
        ],
    )
    if len(lines) == start:
        lines.extend([_("No governance changes."), ""])
    findings = change["findings"]
    lines.append(
        _("#### Findings: {introduced} introduced, {fixed} fixed").format(
            introduced=len(findings["introduced"]), fixed=len(findings["fixed"])
        )
    )
    lines.append("")
    for label, template in (("introduced", N_("introduced: {finding}")), ("fixed", N_("fixed: {finding}"))):
        for f in findings[label]:
            later = _(" (from {day})").format(day=f["asOf"]) if f.get("asOf") else ""  # as check says it
            finding = f"{f['level']} {code(f['rule'])} {text(f['message'])}{later} ({_location(f)})"
            lines.append(_item(_(template), finding=finding))
    return "\n".join(lines).rstrip("\n") + "\n"
