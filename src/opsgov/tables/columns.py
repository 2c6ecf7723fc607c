"""What each column of a table means, recognised by its header in Chinese or English, or mapped.

A header is compared after folding case, spaces, `_`, `-` and a trailing note in brackets
(`编制(人)`, `Headcount (FTE)`), so `Reports To`, `reports_to` and `REPORTS-TO` are one header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from opsgov.i18n import _
from opsgov.report.finding import Finding
from opsgov.tables.read import HEADER_SEARCH_ROWS, Sheet, TableError, column_letter, table_finding

ROSTER_FIELDS: dict[str, tuple[str, ...]] = {
    "unit_code": (
        "部门编号",
        "部门编码",
        "部门代码",
        "部门id",
        "department code",
        "department id",
        "unit code",
        "unit id",
    ),
    "unit": ("部门", "部门名称", "所属部门", "department", "unit", "dept", "department name", "unit name"),
    "parent_unit_code": (
        "上级部门编号",
        "上级部门编码",
        "parent department code",
        "parent unit code",
        "parent unit id",
    ),
    "parent_unit": ("上级部门", "上级部门名称", "parent department", "parent unit"),
    "unit_type": ("部门类型", "单位类型", "unit type", "department type"),
    "position_code": ("岗位编号", "岗位编码", "职位编号", "position code", "position id", "post code", "post id"),
    "position": ("岗位", "岗位名称", "职位", "职务", "position", "title", "post", "job title"),
    "reports_to": ("上级岗位编号", "上级岗位", "汇报对象", "直属上级", "reports to", "manager", "reports to code"),
    "headcount": ("编制", "编制人数", "编制数", "headcount", "approved headcount"),
    "level": ("职级", "级别", "职等", "level", "grade"),
    "name": ("姓名", "员工姓名", "任职人", "name", "holder", "employee", "employee name"),
    "person_code": ("工号", "员工编号", "人员编号", "employee id", "employee number", "person id"),
    "head": ("负责人", "是否负责人", "部门负责人", "head", "is head", "unit head"),
    "dotted_line": ("虚线上级", "虚线汇报", "dotted line", "dotted lines", "dotted line manager"),
}
"""Roster fields and the headers that name them (the first is the header `opsgov export` writes in Chinese)."""

DOA_FIELDS: dict[str, tuple[str, ...]] = {
    "matrix": ("审批矩阵", "矩阵编号", "矩阵", "matrix", "matrix id"),
    "subject": ("审批事项", "事项", "subject"),
    "category": ("类别", "事项类别", "category"),
    "currency": ("币种", "currency"),
    "lower": ("下限", "金额下限", "lower", "lower bound", "from"),
    "lower_inclusive": ("下限含", "下限是否包含", "下限包含", "lower inclusive", "lower bound inclusive"),
    "upper": ("上限", "金额上限", "upper", "upper bound", "to"),
    "upper_inclusive": ("上限含", "上限是否包含", "上限包含", "upper inclusive", "upper bound inclusive"),
    "approvers": ("审批人", "审批岗位", "approvers", "approver"),
    "mode": ("审批方式", "方式", "mode"),
    "escalation_after": ("超时", "超时升级时限", "escalation after", "escalate after"),
    "escalation_to": ("升级至", "超时升级至", "escalation to", "escalate to", "escalation"),
    "requesters": ("申请人", "发起人", "requesters", "requester"),
}
"""Delegation-of-authority sheet fields (one row per band)."""

ENGLISH_HEADERS = {
    "unit_code": "department code",
    "unit": "department",
    "parent_unit_code": "parent department code",
    "parent_unit": "parent department",
    "unit_type": "unit type",
    "position_code": "position code",
    "position": "position",
    "reports_to": "reports to",
    "headcount": "headcount",
    "level": "level",
    "name": "name",
    "person_code": "employee id",
    "head": "head",
    "dotted_line": "dotted line",
}

_NOTE = re.compile(r"\s*[(（][^)）]*[)）]\s*$")
_FOLD = re.compile(r"[\s_\-.:：]+")


def fold(header: str) -> str:
    return _FOLD.sub("", _NOTE.sub("", header).lower())


def _index(fields: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {fold(header): name for name, headers in fields.items() for header in (*headers, name)}


@dataclass(slots=True)
class Columns:
    """Field -> 1-based column number, the header row, and the findings about the header."""

    kind: str
    header_row: int
    fields: dict[str, int]
    findings: list[Finding] = field(default_factory=list)

    def get(self, values: Sequence[str], name: str) -> str:
        column = self.fields.get(name)
        return values[column - 1] if column is not None and column <= len(values) else ""


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """`--map HEADER=field` options -> folded header -> field; an unknown field is a usage error."""
    known = {**ROSTER_FIELDS, **DOA_FIELDS}
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.rpartition("=")
        name = name.strip()
        if not sep or not header.strip():
            raise TableError(_("--map '{pair}': write HEADER=field, e.g. --map 'Cost Centre=unit'").format(pair=pair))
        if name not in known:
            raise TableError(
                _("--map '{pair}': unknown field '{field}'; the fields are: {fields}").format(
                    pair=pair, field=name, fields=", ".join(known)
                )
            )
        mapping[fold(header)] = name
    return mapping


def recognise(sheet: Sheet, mapping: Mapping[str, str] | None = None) -> Columns | None:
    """The header row among the first rows and what each column means; None if no row looks like a header.

    The kind is `roster` or `doa`, whichever vocabulary the header matches better. Duplicate headers
    (two columns meaning one field) and unknown headers are findings at their cell; the first column
    of a field is used.
    """
    mapping = mapping or {}
    best: tuple[int, str, int, list[str]] | None = None
    for index, (_row, values) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        for kind, vocabulary in (("roster", ROSTER_FIELDS), ("doa", DOA_FIELDS)):
            known = {**_index(vocabulary), **mapping}
            score = sum(1 for value in values if fold(value) in known)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, kind, index, values)
    if best is None:
        return None
    _score, kind, index, values = best
    header_row = sheet.rows[index][0]
    del sheet.rows[: index + 1]
    known = {**_index(ROSTER_FIELDS if kind == "roster" else DOA_FIELDS), **mapping}
    columns = Columns(kind, header_row, {})
    for number, header in enumerate(values, start=1):
        if not header:
            continue
        name = known.get(fold(header))
        if name is None:
            columns.findings.append(
                table_finding(
                    sheet.file,
                    header_row,
                    number,
                    _("column '{header}' is not recognised and is not imported").format(header=header),
                    hint=_(
                        "map it to a field with --map 'HEADER=field' (docs/import.md lists the fields), "
                        "or delete the column"
                    ),
                    what=("unrecognised header", header),
                    sheet=sheet.name,
                ).replace(level="warning")
            )
        elif name in columns.fields:
            first = columns.fields[name]
            columns.findings.append(
                table_finding(
                    sheet.file,
                    header_row,
                    number,
                    _(
                        "duplicate header: '{header}' means {field}, as column {first} does; "
                        "this column is not imported"
                    ).format(header=header, field=name, first=column_letter(first)),
                    hint=_("keep one column per field, or map one of them to another field with --map"),
                    what=("duplicate header", header, name),
                    sheet=sheet.name,
                )
            )
        else:
            columns.fields[name] = number
    for first_row, last_row, first_col, coord in sheet.merged:
        if last_row < header_row:
            continue
        sheet.skipped_rows.update(range(max(first_row, header_row + 1), last_row + 1))
        columns.findings.append(
            table_finding(
                sheet.file,
                first_row,
                first_col,
                _("merged cells {range}: each row must carry its own values; the rows are not imported").format(
                    range=coord
                ),
                hint=_(
                    "unmerge the cells and fill the value into every row (Excel: Merge & Center off, "
                    "then fill down); a merged title above the header is fine"
                ),
                what=("merged cells", coord),
                sheet=sheet.name,
            )
        )
    return columns
