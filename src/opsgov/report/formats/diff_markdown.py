"""The Markdown of `opsgov diff` (a pull-request comment): one section per kind of change.

It renders the plain data of commands/diff.py `governance_diff`, beside the Markdown of
`opsgov check` (markdown.py).
"""

from __future__ import annotations

import re
from typing import Any

from opsgov import escape


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
    title = row.get("title")
    name = row[key]
    return f"{code(name)} {text(title)}" if title and title != name else code(name)


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(code(v) for v in value) if value else "none"
    return code(value)


def _under(row: dict[str, Any]) -> str:
    return f" under {code(row['parent'])}" if row.get("parent") else ""


def _post_place(row: dict[str, Any]) -> str:
    unit = f" in {code(row['unit'])}" if row.get("unit") else ""
    manager = f", reports to {code(row['reportsTo'])}" if row.get("reportsTo") else ""
    return unit + manager


def _section(lines: list[str], title: str, body: list[str]) -> None:
    if body:
        lines.extend([f"#### {title}", "", *body, ""])


def _location(finding: dict[str, Any]) -> str:
    return text(f"{finding['file']}:{finding['line']}")


_SCHEDULED = {
    "new": " (new)",
    "replaces": " (replaces the version in force)",
    "changed": " (the scheduled version changed)",
    "withdrawn": " (withdrawn)",
}


def render_markdown(change: dict[str, Any]) -> str:
    lines = [f"### Governance changes: {code(change['base'])} → {code(change['head'])}", ""]
    start = len(lines)
    units, positions = change["units"], change["positions"]
    _section(
        lines,
        "Units",
        [f"- added {_name(r, 'name')}{_under(r)}" for r in units["added"]]
        + [f"- removed {_name(r, 'name')}{_under(r)}" for r in units["removed"]]
        + [f"- moved {_name(r, 'unit')}: under {_value(r['from'])} → under {_value(r['to'])}" for r in units["moved"]]
        + [f"- head of {_name(r, 'unit')}: {_value(r['from'])} → {_value(r['to'])}" for r in units["head"]],
    )
    _section(
        lines,
        "Posts",
        [f"- added {_name(r, 'name')}{_post_place(r)}" for r in positions["added"]]
        + [f"- removed {_name(r, 'name')}{_post_place(r)}" for r in positions["removed"]]
        + [f"- moved {_name(r, 'position')}: {_value(r['from'])} → {_value(r['to'])}" for r in positions["moved"]],
    )
    _section(
        lines,
        "Reporting lines",
        [
            f"- {_name(r, 'position')} reports to {_value(r['to'])}, was {_value(r['from'])}"
            for r in change["reportingLines"]
        ]
        + [
            f"- dotted lines of {code(r['entity'])}: added {_value(r['added'])}, removed {_value(r['removed'])}"
            for r in change["dottedLines"]
        ],
    )
    _section(
        lines,
        "Duties that changed owner",
        [
            f"- {_name(r, 'responsibility')}: owned by {_value(r['to']) if r['to'] else 'nobody'}, "
            f"was {_value(r['from']) if r['from'] else 'nobody'}"
            for r in change["duties"]
        ],
    )
    boundary_lines = []
    for row in change["boundaries"]:
        for label in ("added", "removed"):
            for item in row[label]:
                boundary_lines.append(
                    f"- {code(row['entity'])} {label} boundary: does not own {code(item['responsibility'])} "
                    f"(owned by {_value(item['ownedBy'] or None)})"
                )
    _section(lines, "Boundaries", boundary_lines)
    _section(
        lines,
        "Approval authority",
        [f"- **{r['change']}** in {code(r['matrix'])}: {text(r['summary'])}" for r in change["approvalAuthority"]]
        + [f"- {text(r['summary'])}" for r in change["approvalAmounts"]],
    )
    _section(
        lines,
        "KPIs",
        [f"- {_name(r, 'kpi')} {r['field']}: {_value(r['to'])}, was {_value(r['from'])}" for r in change["kpis"]],
    )
    entity_lines = []
    for kind, rows in change["entities"].items():
        entity_lines += [f"- {kind} added {_name(r, 'name')}" for r in rows["added"]]
        entity_lines += [f"- {kind} removed {_name(r, 'name')}" for r in rows["removed"]]
    _section(lines, "Other documents", entity_lines)
    _section(
        lines,
        f"Scheduled (not in force on {change['asOf']})",
        [
            f"- from {code(r['validFrom'])}"
            + (f" to {code(r['validUntil'])}" if r["validUntil"] else "")
            + f": {code(r['kind'])} {_name(r, 'name')}"
            + _SCHEDULED[r["change"]]
            for r in change["scheduled"]
        ],
    )
    if len(lines) == start:
        lines.extend(["No governance changes.", ""])
    findings = change["findings"]
    lines.append(f"#### Findings: {len(findings['introduced'])} introduced, {len(findings['fixed'])} fixed")
    lines.append("")
    for label in ("introduced", "fixed"):
        for f in findings[label]:
            later = f" (from {f['asOf']})" if f.get("asOf") else ""  # as in `check`: first holds on a later day
            lines.append(f"- {label}: {f['level']} {code(f['rule'])} {text(f['message'])}{later} ({_location(f)})")
    return "\n".join(lines).rstrip("\n") + "\n"
