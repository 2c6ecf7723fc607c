"""A delegation-of-authority sheet -> ApprovalMatrix documents, one band per row.

Rows of one matrix share its id or title in the matrix column (without one, the sheet is one
matrix named after the sheet). A bound is a plain number (thousands separators allowed); whether it
is included comes from its own column (含/不含, inclusive/exclusive, 是/否). When that cell is
empty, a lower bound is exclusive and an upper bound inclusive (`over` / `upTo`): bands written
"0-10万, 10万-50万" then meet without a gap or an overlap. Approvers and the escalation target are
posts or units, by id, code or title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from opsgov.i18n import _
from opsgov.report.finding import Finding
from opsgov.tables.columns import Columns
from opsgov.tables.ids import Namer, slug
from opsgov.tables.read import Sheet, formula_findings, table_finding
from opsgov.tables.roster import Roster
from opsgov.tables.write import API_VERSION

INCLUSIVE = frozenset({"含", "包含", "包括", "inclusive", "incl", "yes", "y", "是", "true", "1", "≤", "<=", ">="})
EXCLUSIVE = frozenset({"不含", "不包含", "不包括", "exclusive", "excl", "no", "n", "否", "false", "0", "<", ">"})
MODES = {
    "any": "any",
    "任一": "any",
    "或签": "any",
    "任意": "any",
    "all": "all",
    "会签": "all",
    "共同": "all",
    "sequential": "sequential",
    "依次": "sequential",
    "依次审批": "sequential",
    "顺签": "sequential",
}
_DURATION = re.compile(r"^(\d+)\s*(m|h|d|w|分钟|小时|天|日|周)$")
_UNITS = {"m": "m", "h": "h", "d": "d", "w": "w", "分钟": "m", "小时": "h", "天": "d", "日": "d", "周": "w"}
_SPLIT = re.compile(r"\s*[,，;；、|/]\s*")


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _Targets:
    """Posts and units of the imported roster by id, code and (unique) title."""

    def __init__(self, roster: Roster) -> None:
        self.names: dict[str, list[str]] = {}
        for unit in roster.units.values():
            for word in {unit.name, unit.code, unit.title} - {""}:
                self.names.setdefault(word, []).append(f"Unit/{unit.name}")
        for post in roster.posts.values():
            for word in {post.name, post.code, post.title} - {""}:
                self.names.setdefault(word, []).append(f"Position/{post.name}")

    def find(self, raw: str) -> tuple[str | None, list[str]]:
        """The id `raw` names, or None and the Kind/names it could mean (none: it names nothing)."""
        found = list(dict.fromkeys(self.names.get(raw, [])))
        if len(found) == 1:
            return found[0].partition("/")[2], []
        return None, found


class _Matrices:
    def __init__(self, sheet: Sheet, columns: Columns, roster: Roster, namer: Namer) -> None:
        self.sheet, self.columns, self.targets = sheet, columns, _Targets(roster)
        self.findings: list[Finding] = []
        self.matrices: dict[str, dict[str, Any]] = {}
        self.namer = namer

    def problem(self, row: int, field: str, message: str, *, what: tuple[str, ...], hint: str = "") -> None:
        """A `table-row` finding at the row's cell of `field`; `what` is its identity (read.table_finding)."""
        column = self.columns.fields.get(field, 0)
        self.findings.append(
            table_finding(self.sheet.file, row, column, message, what=(field, *what), hint=hint, sheet=self.sheet.name)
        )

    def matrix(self, row: int, values: Sequence[str]) -> dict[str, Any]:
        get = self.columns.get
        label = get(values, "matrix") or self.sheet.name or "approvals"
        found = self.matrices.get(label)
        if found is None:
            subject = get(values, "subject") or label
            title = subject if slug(label) == label else label
            spec: dict[str, Any] = {"subject": subject}
            currency = get(values, "currency").upper()
            if currency:
                if re.fullmatch(r"[A-Z]{3}", currency):
                    spec["currency"] = currency
                else:
                    self.problem(
                        row,
                        "currency",
                        _("currency '{currency}' is not an ISO 4217 code such as CNY").format(currency=currency),
                        what=("not ISO 4217", currency),
                    )
            category = get(values, "category")
            if category:
                spec["category"] = category
            requesters = self.refs(row, "requesters", get(values, "requesters"))
            if requesters:
                spec["requesters"] = requesters
            spec["bands"] = []
            found = {
                "apiVersion": API_VERSION,
                "kind": "ApprovalMatrix",
                "metadata": {"name": self.namer.claim(slug(label, "matrix")), "title": title},
                "spec": spec,
            }
            self.matrices[label] = found
        return found

    def refs(self, row: int, field: str, text: str) -> list[str]:
        names: list[str] = []
        for raw in _SPLIT.split(text) if text else []:
            if not raw:
                continue
            name, meanings = self.targets.find(raw)
            if name is None:
                if meanings:
                    message = _("'{raw}' is ambiguous ({meanings}); use the id").format(
                        raw=raw, meanings=", ".join(meanings)
                    )
                else:
                    message = _("'{raw}' names no post or department of the roster").format(raw=raw)
                self.problem(
                    row,
                    field,
                    message,
                    hint=_("name a post or department by its id, code or title"),
                    what=("ambiguous" if meanings else "unknown", raw),
                )
            elif name not in names:
                names.append(name)
        return names

    def bound(self, row: int, values: Sequence[str], field: str) -> tuple[Decimal | None, bool | None, bool]:
        """The number, whether it is included (None: not said), and whether the cells were readable."""
        get = self.columns.get
        text = get(values, field)
        flag = get(values, f"{field}_inclusive").strip().lower()
        inclusive: bool | None = None
        if flag in INCLUSIVE:
            inclusive = True
        elif flag in EXCLUSIVE:
            inclusive = False
        elif flag:
            self.problem(
                row,
                f"{field}_inclusive",
                _("'{flag}' is neither 含 nor 不含 (inclusive/exclusive)").format(flag=flag),
                what=("not inclusive or exclusive", flag),
            )
            return None, None, False
        if not text:
            return None, inclusive, True
        value = _number(text)
        if value is None:
            message = (
                _("lower bound '{text}' is not a plain number >= 0")
                if field == "lower"
                else _("upper bound '{text}' is not a plain number >= 0")
            )
            self.problem(
                row,
                field,
                message.format(text=text),
                hint=_("write 100000, not 10万 or 1e5"),
                what=("not a number", text),
            )
            return None, None, False
        return value, inclusive, True

    def row(self, row: int, values: Sequence[str]) -> None:
        get = self.columns.get
        matrix = self.matrix(row, values)
        band: dict[str, Any] = {}
        lower, lower_inclusive, ok_lower = self.bound(row, values, "lower")
        upper, upper_inclusive, ok_upper = self.bound(row, values, "upper")
        if not (ok_lower and ok_upper):
            return
        if lower is not None and (lower > 0 or lower_inclusive is False):
            band["from" if lower_inclusive else "over"] = _plain(lower)
        if upper is not None:
            band["below" if upper_inclusive is False else "upTo"] = _plain(upper)
        approvers = self.refs(row, "approvers", get(values, "approvers"))
        if not approvers:
            if not get(values, "approvers"):
                self.problem(row, "approvers", _("no approver: the band is not imported"), what=("no approver",))
            return
        band["approvers"] = approvers
        mode_text = get(values, "mode")
        if mode_text:
            mode = MODES.get(mode_text.lower())
            if mode is None:
                self.problem(
                    row,
                    "mode",
                    _("mode '{mode}' is none of 任一/会签/依次 (any/all/sequential)").format(mode=mode_text),
                    what=("unknown mode", mode_text),
                )
            elif mode != "any":
                band["mode"] = mode
        after, target = get(values, "escalation_after"), get(values, "escalation_to")
        if after or target:
            match = _DURATION.match(after.lower())
            escalated = self.refs(row, "escalation_to", target)
            if not match:
                self.problem(
                    row,
                    "escalation_after",
                    _("escalation after '{after}' is not a duration like 24h or 2d").format(after=after),
                    what=("not a duration", after),
                )
            elif len(escalated) != 1:
                if target and escalated:
                    self.problem(
                        row,
                        "escalation_to",
                        _("escalation goes to one post or department"),
                        what=("several targets", *escalated),
                    )
                elif not target:
                    self.problem(row, "escalation_to", _("escalation needs a target (升级至)"), what=("no target",))
            else:
                band["escalation"] = {"after": match.group(1) + _UNITS[match.group(2)], "to": escalated[0]}
        matrix["spec"]["bands"].append(band)


def build_matrices(
    sheet: Sheet, columns: Columns, roster: Roster, namer: Namer | None = None
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The matrices of a DoA sheet, approvers resolved against the imported roster; findings for the rest.

    `namer` keeps matrix ids unique across the sheets of one import.
    """
    reader = _Matrices(sheet, columns, roster, namer or Namer())
    for row, values in sheet.rows:
        if row not in sheet.skipped_rows:
            reader.row(row, values)
    documents = [m for m in reader.matrices.values() if m["spec"]["bands"]]
    return documents, [*formula_findings(sheet), *columns.findings, *reader.findings]
