"""One table, three formats: Markdown for wikis, CSV for spreadsheets, HTML for the handbook.

Every cell is data. Markdown escapes its syntax characters and pipes; CSV prefixes cells a
spreadsheet would run as a formula (`=`, `+`, `-`, `@`); HTML escapes everything.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from opsgov import escape
from opsgov.render.safe import RenderError
from opsgov.render.safe import html_text as text

TABLE_FORMATS = ("md", "csv", "html")
CSV_BOM = "\ufeff"
"""Excel, above all on Chinese Windows, reads a CSV without it in the local code page (GBK): 中文 turns to mojibake."""


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    title: str = ""


def md_cell(value: str) -> str:
    """Markdown-escaped text on one line (a table cell cannot hold a line break); control characters shown escaped."""
    return escape.markdown(" ".join(str(value).split()))


def csv_cell(value: str) -> str:
    """A formula-looking cell is prefixed with a quote; a control character (an escape to a terminal) shown escaped."""
    value = value if value.isprintable() else "\n".join(escape.text(line) for line in value.split("\n"))
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_markdown(tables: list[Table]) -> str:
    out: list[str] = []
    for table in tables:
        if table.title:
            out.append(f"## {md_cell(table.title)}\n")
        out.append("| " + " | ".join(md_cell(h) for h in table.header) + " |")
        out.append("|" + "---|" * len(table.header))
        out.extend("| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows)
        out.append("")
    return "\n".join(out)


def to_csv(tables: list[Table]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([csv_cell(h) for h in table.header])
        writer.writerows([csv_cell(c) for c in row] for row in table.rows)
    return buffer.getvalue()


def to_html_fragment(tables: list[Table]) -> str:
    out: list[str] = []
    for table in tables:
        if table.title:
            out.append(f"<h2>{text(table.title)}</h2>")
        out.append('<table class="grid"><thead><tr>' + "".join(f"<th>{text(h)}</th>" for h in table.header))
        out.append("</tr></thead><tbody>")
        out.extend("<tr>" + "".join(f"<td>{text(c)}</td>" for c in row) + "</tr>" for row in table.rows)
        out.append("</tbody></table>")
    return "\n".join(out)


def to_html(tables: list[Table], title: str) -> str:
    """A standalone page: no stylesheet or script from anywhere else."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{text(title)}</title>"
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #bbb;padding:4px 8px;"
        "text-align:left;vertical-align:top}th{background:#eef3fa}</style></head><body>\n"
        f"<h1>{text(title)}</h1>\n{to_html_fragment(tables)}\n</body></html>\n"
    )


def render_tables(tables: list[Table], fmt: str, title: str) -> str:
    if fmt == "md":
        return f"# {md_cell(title)}\n\n" + to_markdown(tables)
    if fmt == "csv":
        return CSV_BOM + to_csv(tables)
    if fmt == "html":
        return to_html(tables, title)
    raise RenderError(f"unknown table format '{fmt}'; use one of {', '.join(TABLE_FORMATS)}")
