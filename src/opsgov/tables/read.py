"""Reading a table (CSV or XLSX) into rows of text, each cell with its row and column.

Every problem is a finding at the table's row and column (rule `table-row`) or, when the file is
not a table at all, a TableError with one clear line. Nothing here knows what a column means
beyond recognising its header (columns.py).

Encodings of CSV: a byte order mark decides (UTF-8 or UTF-16); otherwise the bytes are decoded as
UTF-8, then as GB18030, both strictly. GB18030 is a superset of GBK and GB2312, what Excel on
Chinese Windows writes. No statistical detector is used: the two strict decodings cannot both
accept Chinese text by accident (UTF-8 multi-byte sequences are rarely valid GB18030 and the other
way round), and a guess from a detector would be a silent reinterpretation.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.i18n import _
from opsgov.report.finding import Finding

MAX_TABLE_BYTES = 64 * 1024 * 1024
"""A table larger than this is refused: a roster of 100,000 people is a few MB."""
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 10
"""A header may stand below a title row or two ("员工花名册"): the first rows are searched for it."""
RULE = "table-row"


class TableError(Exception):
    """The file cannot be read as a table at all; the message says why and what to do."""


@dataclass(slots=True)
class Sheet:
    """The cells of one table as text, with the 1-based row number of each row in the file."""

    file: str
    name: str
    rows: list[tuple[int, list[str]]]
    formulas: list[tuple[int, int, str]] = field(default_factory=list)
    """Cells holding a formula (row, column, formula): their rows are skipped, reported by `formula_findings`."""
    skipped_rows: set[int] = field(default_factory=set)
    """Rows a formula or merged cells make unusable; reported."""
    merged: list[tuple[int, int, int, str]] = field(default_factory=list)
    """Merged ranges (first row, last row, first column, A1:B2): reported once the header row is known, since a
    merged title above the header is harmless."""
    lines: bool = False
    """The rows are lines of a file that is not a table (SCIM JSON): findings say `line N`, not a cell."""


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA: how a spreadsheet user finds a column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


def table_finding(
    file: str,
    row: int,
    column: int,
    message: str,
    *,
    what: tuple[str, ...],
    hint: str = "",
    entity: str = "",
    sheet: str = "",
    lines: bool = False,
) -> Finding:
    """A problem with a cell of an imported table: file = the table, line = row, column = column number.

    The message (in the run's language) is put after its place: `cell D3: ...`, `row 3: ...` (column
    0: the row as a whole), or `line 3: ...` for a file whose rows are lines (`lines`, SCIM JSON).
    The identity never depends on the language (report/fingerprint.py): the sheet, the row and
    column, and `what`, the problem in fixed English words and the values it names, e.g.
    `("unknown reports-to", "P99")`.
    """
    if lines:
        where = _("line {line}: {message}").format(line=row, message=message)
    elif column > 0:
        where = _("cell {cell}: {message}").format(cell=cell_name(row, column), message=message)
    else:
        where = _("row {row}: {message}").format(row=row, message=message)
    return Finding(
        file=file,
        line=row,
        column=1 if lines else max(column, 1),
        rule=RULE,
        message=where,
        level="error",
        entity=entity,
        hint=hint,
        identity=(entity, sheet, f"{row}:{0 if lines else column}", *what),
    )


def formula_findings(sheet: Sheet) -> list[Finding]:
    """A finding at each formula cell, worded when asked (in the language spoken then): a sheet is read once,
    its findings may be worded twice (imports.run_import)."""
    return [
        table_finding(
            sheet.file,
            row,
            column,
            _("a formula ({formula}) in sheet {sheet}: opsgov reads values, not formulas").format(
                formula=formula, sheet=sheet.name
            ),
            hint=_("copy the sheet and Paste Special > Values, then import the copy"),
            what=("formula",),
            sheet=sheet.name,
        )
        for row, column, formula in sheet.formulas
    ]


def fresh(sheet: Sheet) -> Sheet:
    """A copy of a sheet as read, for columns.recognise to consume (it drops the rows above the header)."""
    return Sheet(
        sheet.file,
        sheet.name,
        list(sheet.rows),
        list(sheet.formulas),
        set(sheet.skipped_rows),
        list(sheet.merged),
        sheet.lines,
    )


def _text(value: object) -> str:
    """A cell as text: integral floats lose their `.0` (Excel stores 3 as 3.0), text is stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decode(raw: bytes, file: str) -> str:
    """The text of a CSV: BOM first, else strict UTF-8, else strict GB18030; else an error with the row and column."""
    if raw.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
    assert first_error is not None
    start = first_error.start
    line_start = raw.rfind(b"\n", 0, start) + 1
    row = raw.count(b"\n", 0, start) + 1
    column = raw[line_start:start].decode("utf-8", "replace").count(",") + 1
    tried = _(" nor ").join(e.upper() for e in encodings)
    raise TableError(
        _(
            "{file}: row {row}, column {column}: byte {byte} at offset {offset} is neither {encodings}; "
            "save the table as CSV UTF-8 (Excel: Save As > CSV UTF-8) and import again"
        ).format(file=file, row=row, column=column, byte=f"{raw[start]:#04x}", offset=start, encodings=tried)
    )


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(raw: bytes, file: str) -> Sheet:
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(_("{file}: not a table (binary content); give a CSV or XLSX file").format(file=file))
    text = decode(raw, file)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > MAX_COLUMNS:
                raise TableError(
                    _("{file}: row {row} has {count} columns; at most {most}").format(
                        file=file, row=reader.line_num, count=len(values), most=MAX_COLUMNS
                    )
                )
            rows.append((reader.line_num, [v.strip() for v in values]))
    except csv.Error as error:
        raise TableError(
            _("{file}: row {row}: not a readable CSV row ({error})").format(file=file, row=reader.line_num, error=error)
        ) from None
    return Sheet(file, "", rows)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _merged_ranges(archive: zipfile.ZipFile) -> dict[str, list[tuple[int, int, int, str]]]:
    """Sheet name -> merged ranges, read from the workbook's XML: openpyxl's fast read-only mode does not give them."""
    import xml.etree.ElementTree as ET

    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    found: dict[str, list[tuple[int, int, int, str]]] = {}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(_REL_NS), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            data = archive.read(member)
        except KeyError:
            continue
        ranges = []
        for match in _MERGE.finditer(data):
            first_col, first_row, _, last_row = match.groups()
            coord = match.group(0).split(b'"')[1].decode("ascii")
            last = int(last_row) if last_row else int(first_row)
            ranges.append((int(first_row), last, _column_number(first_col.decode("ascii")), coord))
        found[sheet.get("name", "")] = sorted(ranges)
    return found


def read_xlsx(raw: bytes, file: str, sheet: str | None) -> list[Sheet]:
    """Every sheet (or the one named), values only; a formula or merged cells are findings at their cell.

    openpyxl's read-only mode streams the rows (measured: a third less CPU than the full mode on a
    10,000-row roster, and far less memory); merged ranges come from the sheet XML.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False, rich_text=False)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            merged = _merged_ranges(archive)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as error:
        raise TableError(
            _("{file}: not a readable XLSX workbook ({error}); save it again from Excel as .xlsx").format(
                file=file, error=error
            )
        ) from None
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        raise TableError(
            _("{file}: no sheet '{sheet}'; its sheets are: {sheets}").format(
                file=file, sheet=sheet, sheets=", ".join(names)
            )
        )
    sheets = []
    for name in [sheet] if sheet is not None else names:
        worksheet = workbook[name]
        result = Sheet(file, name, [], merged=merged.get(name, []))
        for values in worksheet.iter_rows():
            texts: list[str] = []
            row_number = 0
            for cell in values:
                if cell.value is None:
                    texts.append("")
                    continue
                row_number = row_number or cell.row
                if cell.data_type == "f":
                    result.formulas.append((cell.row, cell.column, str(cell.value)[:40]))
                    result.skipped_rows.add(cell.row)
                    texts.append("")
                else:
                    texts.append(_text(cell.value))
            if not any(texts):
                continue
            while texts and not texts[-1]:
                texts.pop()
            if len(texts) > MAX_COLUMNS:
                raise TableError(
                    _("{file}: sheet {sheet} row {row} has {count} columns; at most {most}").format(
                        file=file, sheet=name, row=row_number, count=len(texts), most=MAX_COLUMNS
                    )
                )
            result.rows.append((row_number, texts))
        sheets.append(result)
    workbook.close()
    return sheets


def read_table(path: Path, display: str, sheet: str | None = None) -> list[Sheet]:
    """The sheets of a CSV (one) or XLSX (each, or the one named) file."""
    try:
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise TableError(
                _("{file}: {size} bytes; a table may have at most {most}").format(
                    file=display, size=f"{size:,}", most=f"{MAX_TABLE_BYTES:,}"
                )
            )
        raw = path.read_bytes()
    except IsADirectoryError:
        raise TableError(_("{file}: a folder, not a table").format(file=display)) from None
    except OSError as error:
        raise TableError(
            _("{file}: cannot read: {error}").format(file=display, error=error.strerror or error)
        ) from None
    if raw.startswith(b"PK\x03\x04"):
        return read_xlsx(raw, display, sheet)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(
            _("{file}: an old Excel .xls workbook; save it as .xlsx (or CSV UTF-8) and import that").format(
                file=display
            )
        )
    if sheet is not None:
        raise TableError(_("{file}: --sheet applies to XLSX workbooks; this is a CSV").format(file=display))
    if not raw.strip():
        raise TableError(_("{file}: empty; a table needs a header row and at least one row").format(file=display))
    return [read_csv(raw, display)]
