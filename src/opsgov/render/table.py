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
from opsgov.render.words import html_lang

TABLE_FORMATS = ("md", "csv", "html")
CSV_BOM = "\ufeff"
"""Excel, above all on Chinese Windows, reads a CSV without it in the local code page (GBK): 中文 turns to mojibake."""


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    title: str = ""
    groups: list[tuple[str, int]] = field(default_factory=list)
    """A header row above `header`, from its second column on: (title, columns spanned), such as
    a RACI matrix's processes over their steps. HTML draws two header rows; Markdown gives each
    group its own table; CSV, one header row of "group / column" (a spreadsheet filters on it)."""
    letters: dict[str, str] = field(default_factory=dict)
    """Letters that body cells are made of ("R/A"), each with its meaning: HTML colours every
    letter by its role and prints the meanings as a legend above the table."""
    section: str = ""
    """A heading above a run of tables (the category of approval matrices); "" = no sections."""

    def flat_header(self) -> list[str]:
        """The header with each column's group in front of it, as one row."""
        if not self.groups:
            return list(self.header)
        names = [title for title, span in self.groups for _ in range(span)]
        return [self.header[0], *(f"{group} / {column}" for group, column in zip(names, self.header[1:], strict=True))]

    def split(self) -> list[Table]:
        """One table per group, keeping the rows that have something in the group's columns."""
        if not self.groups:
            return [self]
        tables, start = [], 1
        for group, span in self.groups:
            columns = range(start, start + span)
            rows = [[row[0], *(row[c] for c in columns)] for row in self.rows if any(row[c] for c in columns)]
            header = [self.header[0], *(self.header[c] for c in columns)]
            tables.append(Table(header, rows, group, [], self.letters, self.section))
            start += span
        return tables


def md_cell(value: str) -> str:
    """Markdown-escaped text on one line (a table cell cannot hold a line break); control characters shown escaped."""
    return escape.markdown(" ".join(str(value).split()))


def csv_cell(value: str) -> str:
    """A formula-looking cell is prefixed with a quote; a control character (an escape to a terminal) shown escaped."""
    value = value if value.isprintable() else "\n".join(escape.text(line) for line in value.split("\n"))
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_markdown(tables: list[Table]) -> str:
    out: list[str] = []
    legends: set[str] = set()
    sectioned = any(table.section for table in tables)
    section: str | None = None
    for table in (part for whole in tables for part in whole.split()):
        if sectioned and table.section != section:
            section = table.section
            out.append(f"## {md_cell(section)}\n")
        legend = "; ".join(f"**{md_cell(k)}** {md_cell(v)}" for k, v in table.letters.items())
        if legend and legend not in legends:  # once, above the first table that uses the letters
            legends.add(legend)
            out.append(legend + "\n")
        if table.title:
            out.append(f"{'###' if sectioned else '##'} {md_cell(table.title)}\n")
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
        writer.writerow([csv_cell(h) for h in table.flat_header()])
        writer.writerows([csv_cell(c) for c in row] for row in table.rows)
    return buffer.getvalue()


def _letters_html(value: str, letters: dict[str, str]) -> str:
    """A RACI cell such as "R/A": each letter in its role's colour, its meaning on hover."""
    parts = value.split("/")
    if not value or any(part not in letters for part in parts):
        return text(value)
    return "/".join(f'<span class="role role-{p}" title="{text(letters[p])}">{text(p)}</span>' for p in parts)


def to_html_fragment(tables: list[Table]) -> str:
    out: list[str] = []
    sectioned = any(table.section for table in tables)
    section: str | None = None
    for table in tables:
        if sectioned and table.section != section:
            section = table.section
            out.append(f"<h2>{text(section)}</h2>")
        if table.title:
            level = 3 if sectioned else 2
            out.append(f"<h{level}>{text(table.title)}</h{level}>")
        if table.letters:
            keys = "".join(f"<li>{_letters_html(k, table.letters)} {text(v)}</li>" for k, v in table.letters.items())
            out.append(f'<ul class="legend">{keys}</ul>')
        # The first column never wraps and stays in view when a wide table scrolls sideways.
        kind = "grid raci" if table.letters else "grid"
        out.append(f'<div class="scroll"><table class="{kind}"><thead>')
        columns = "".join(f"<th>{text(h)}</th>" for h in table.header[1:])
        if table.groups:
            spans = "".join(f'<th colspan="{span}" class="group">{text(title)}</th>' for title, span in table.groups)
            out.append(f'<tr><th rowspan="2" class="first">{text(table.header[0])}</th>{spans}</tr><tr>{columns}</tr>')
        elif table.header:
            out.append(f'<tr><th class="first">{text(table.header[0])}</th>{columns}</tr>')
        out.append("</thead><tbody>")
        for row in table.rows:
            cells = [_letters_html(c, table.letters) if table.letters else text(c) for c in row[1:]]
            out.append(
                f'<tr><td class="first">{text(row[0])}</td>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
                if row
                else "<tr></tr>"
            )
        out.append("</tbody></table></div>")
    return "\n".join(out)


TABLE_CSS = (
    "table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #bbb;padding:4px 8px;"
    "text-align:left;vertical-align:top}th{background:#eef3fa}"
    ".scroll{overflow-x:auto;margin-bottom:2em}.scroll table{margin-bottom:0}"
    "th.first,td.first{white-space:nowrap;min-width:8em;position:sticky;left:0;background:#fff;z-index:1}"
    "th.first{background:#eef3fa}th.group{text-align:center}table.raci td:not(.first){text-align:center}"
    "thead th:not(.first){min-width:4em;max-width:9em;white-space:normal}"
    ".role{font-weight:bold;padding:0 3px;border-radius:3px}"
    ".role-R{color:#1d4ed8;background:#dbeafe}.role-A{color:#b42318;background:#fde8e6}"
    ".role-C{color:#166534;background:#dcfce7}.role-I{color:#4b5563;background:#eceef1}"
    "ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:0.4em 1.5em}"
)
"""A standalone table page's style; the handbook's style.css repeats the RACI part (roles, legend, first column)."""


def to_html(tables: list[Table], title: str) -> str:
    """A standalone page in the run's language (its `lang`): no stylesheet or script from anywhere else."""
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang()}"><head><meta charset="utf-8">'
        f"<title>{text(title)}</title>"
        f"<style>body{{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}}{TABLE_CSS}</style></head><body>\n"
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
