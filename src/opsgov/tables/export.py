"""`opsgov export`: the roster (and each approval matrix) as a workbook for reviewers who live in Excel.

The roster has the columns `opsgov import` reads, ids in the code columns, so exporting and
importing again gives back the same organisation. Each approval matrix is a sheet of its own with
one band per row and numeric bounds (so Excel sorts and filters them), in the columns the DoA
import reads. Text cells are written as text, never as formulas: a title starting with `=` stays
a title. CSV holds the roster only, formula-looking cells neutralised as `opsgov render` does.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from opsgov import escape
from opsgov.model.dates import holding_window
from opsgov.model.entities import Entity, Model
from opsgov.render.table import CSV_BOM, Table, to_csv
from opsgov.tables.columns import DOA_FIELDS, ENGLISH_HEADERS, ROSTER_FIELDS

ROSTER_COLUMNS = (
    "unit_code",
    "unit",
    "parent_unit_code",
    "unit_type",
    "position_code",
    "position",
    "reports_to",
    "headcount",
    "level",
    "person_code",
    "name",
    "head",
    "dotted_line",
)
DOA_COLUMNS = (
    "matrix",
    "subject",
    "currency",
    "lower",
    "lower_inclusive",
    "upper",
    "upper_inclusive",
    "approvers",
    "mode",
    "escalation_after",
    "escalation_to",
)
MODES_ZH = {"any": "任一", "all": "会签", "sequential": "依次"}
MAX_WIDTH = 60


@dataclass(slots=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Any]]


def chinese(model: Model) -> bool:
    organization = model.organizations[0] if model.organizations else None
    locale = str(organization.spec.get("locale", "")) if organization is not None else ""
    return locale.lower().startswith("zh") or not locale


def holdings(person: Entity, day: datetime.date) -> list[str]:
    """The posts a Person holds on `day`: a bare name always, a dated holding within its from/until.

    A roster is a picture of one day; former holdings are history, not holders (docs/format.md).
    """
    held = []
    for item in person.spec.get("holds", []):
        position = item if isinstance(item, str) else item.get("position") if isinstance(item, dict) else None
        if isinstance(position, str) and holding_window(item).contains(day):
            held.append(position)
    return held


def _units_in_order(model: Model) -> list[Entity]:
    """Units in the order of their documents (file by file), which is the order an import wrote them in."""
    return sorted(model.units.values(), key=lambda u: (u.doc.file, u.doc.line))


def roster_sheet(model: Model, day: datetime.date) -> Sheet:
    """One row per holder of each post (one row for a vacant post, one for a unit with no post)."""
    zh = chinese(model)
    header = [ROSTER_FIELDS[c][0] if zh else ENGLISH_HEADERS[c] for c in ROSTER_COLUMNS]
    holders: dict[str, list[Entity]] = {}
    for person in sorted(model.entities("Person"), key=lambda p: (p.doc.file, p.doc.line)):
        for position in holdings(person, day):
            holders.setdefault(position, []).append(person)
    posts_of: dict[str, list[Entity]] = {}
    for post in sorted(model.positions.values(), key=lambda p: (p.doc.file, p.doc.line)):
        posts_of.setdefault(str(post.spec.get("unit", "")), []).append(post)
    yes, no = ("是", "否") if zh else ("yes", "no")
    rows: list[list[Any]] = []
    for unit in _units_in_order(model):
        unit_cells = [unit.name, unit.title, unit.spec.get("parent", ""), unit.spec.get("type", "")]
        posts = posts_of.get(unit.name, [])
        if not posts:
            rows.append([*unit_cells, *([""] * (len(ROSTER_COLUMNS) - 4))])
        for post in posts:
            spec = post.spec
            post_cells = [
                post.name,
                post.title,
                spec.get("reportsTo", ""),
                spec.get("headcount", 1),
                spec.get("level", ""),
            ]
            head = yes if unit.spec.get("head") == post.name else no
            dotted = "、".join(spec.get("dottedLines", []))
            people: list[Entity | None] = [*holders.get(post.name, [])] or [None]
            for holder in people:
                person_cells = [holder.name, holder.title] if holder is not None else ["", ""]
                rows.append([*unit_cells, *post_cells, *person_cells, head, dotted])
    return Sheet("花名册" if zh else "roster", header, rows)


def _bound(band: dict[str, Any], inclusive: str, exclusive: str, yes: str, no: str) -> tuple[Any, str]:
    if inclusive in band:
        return band[inclusive], yes
    if exclusive in band:
        return band[exclusive], no
    return "", ""


def matrix_sheets(model: Model) -> list[Sheet]:
    zh = chinese(model)
    header = [DOA_FIELDS[c][0] if zh else c.replace("_", " ") for c in DOA_COLUMNS]
    yes, no = ("含", "不含") if zh else ("inclusive", "exclusive")
    organization = model.organizations[0] if model.organizations else None
    default_currency = organization.spec.get("currency", "") if organization is not None else ""
    sheets = []
    for matrix in sorted(model.entities("ApprovalMatrix"), key=lambda m: m.name):
        spec = matrix.spec
        rows: list[list[Any]] = []
        for band in spec.get("bands", []):
            lower, lower_inclusive = _bound(band, "from", "over", yes, no)
            upper, upper_inclusive = _bound(band, "upTo", "below", yes, no)
            escalation = band.get("escalation") or {}
            mode = band.get("mode", "any")
            rows.append(
                [
                    matrix.name,
                    spec.get("subject", matrix.title),
                    spec.get("currency", default_currency) if spec.get("quantity", "money") == "money" else "",
                    lower,
                    lower_inclusive,
                    upper,
                    upper_inclusive,
                    "、".join(band.get("approvers", [])),
                    MODES_ZH.get(mode, mode) if zh else mode,
                    escalation.get("after", ""),
                    escalation.get("to", ""),
                ]
            )
        sheets.append(Sheet(_sheet_title(matrix.title or matrix.name), header, rows))
    return sheets


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "matrix"
    return cleaned[:31]


def _width(value: Any) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> Any:
    """Empty text is an empty cell; text is escaped for XML (a control or bidi character shown as `\\x1b`)."""
    if value == "":
        return None
    return escape.xml(value) if isinstance(value, str) else value


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A styled workbook: bold filled header, frozen header row, autofilter, column widths from the content."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    used: set[str] = set()
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="305496")
    for sheet in sheets:
        title = sheet.title
        number = 2
        while title.lower() in used:
            suffix = f" ({number})"
            title = sheet.title[: 31 - len(suffix)] + suffix
            number += 1
        used.add(title.lower())
        worksheet = book.create_sheet(title)
        worksheet.append(sheet.header)
        for row in sheet.rows:
            worksheet.append([_cell(value) for value in row])
        for row_cells in worksheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: a title like "=1+1" is never a formula
        for cell in worksheet[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="center")
        worksheet.freeze_panes = "A2"
        if sheet.rows:
            worksheet.auto_filter.ref = worksheet.dimensions
        for index, name in enumerate(sheet.header, start=1):
            widest = max([_width(name), *(_width(row[index - 1]) for row in sheet.rows)])
            worksheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, MAX_WIDTH)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_workbook(model: Model, fmt: str, day: datetime.date) -> bytes:
    """The roster and (XLSX only) one sheet per approval matrix, as the bytes of an .xlsx or a .csv."""
    roster = roster_sheet(model, day)
    if fmt == "csv":
        table = Table(roster.header, [["" if v is None else str(v) for v in row] for row in roster.rows])
        return (CSV_BOM + to_csv([table])).encode("utf-8")
    return to_xlsx([roster, *matrix_sheets(model)])
