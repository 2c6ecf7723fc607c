"""`file:line:col: level rule-id message`, a hint line where one helps, and a summary.

For a terminal (TextOptions, chosen by the CLI): colour by level with a bold location, lines
wrapped to the terminal's width at word boundaries with continuation lines indented, and with
`show_source` the YAML line under each finding with a caret under its column. Without options
the output is plain, one line per finding and byte-stable, for files, pipes and tests.
Every piece of data goes through `escape.text` before it is laid out or coloured, so the only
escape sequences in the output are the colours added here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from opsgov import escape
from opsgov.i18n import N_, _, counted, speaking
from opsgov.report.finding import Finding
from opsgov.report.formats.base import Reporter
from opsgov.report.report import Report
from opsgov.terminal import (
    BOLD,
    DIM,
    GUTTER_STYLE,
    HINT_STYLE,
    LEVEL_STYLES,
    Styled,
    excerpt,
    render,
    source_lines,
    wrap,
)

INDENT = 4
"""Related places and hints are indented by this much; a wrapped line by as much again."""


def files_and_documents(report: Report) -> str:
    """`3 files, 12 documents`: what a run read, as every summary says it."""
    files = counted(report.files, N_("{count} file"), N_("{count} files"))
    documents = counted(report.documents, N_("{count} document"), N_("{count} documents"))
    return _("{files}, {documents}").format(files=files, documents=documents)


def level_counts(report: Report) -> list[tuple[str, str]]:
    """(level, `2 errors`) for error, warning and info, then ("waived", `1 waived`) when any is waived."""
    counts = report.counts()
    words = [
        ("error", counted(counts["error"], N_("{count} error"), N_("{count} errors"))),
        ("warning", counted(counts["warning"], N_("{count} warning"), N_("{count} warnings"))),
        ("info", _("{count} info").format(count=counts["info"])),
    ]
    if counts["waived"]:
        words.append(("waived", _("{count} waived").format(count=counts["waived"])))
    return words


def _summary_pieces(report: Report) -> list[Styled]:
    counts = report.counts()
    pieces: list[Styled] = [(_("{files}: ").format(files=files_and_documents(report)), "")]
    for index, (level, words) in enumerate(level_counts(report)):
        if index:
            pieces.append((_(", "), ""))
        style = DIM if level == "waived" else LEVEL_STYLES[level] if counts[level] else ""
        pieces.append((words, style))
    note = dates_note(report)
    if note:
        pieces.append((note, DIM))
    return pieces


def dates_note(report: Report) -> str:
    """` (as of 2026-11-27 and 2 change dates to 2027-06-01)` when later change dates were checked too."""
    if len(report.dates) < 2:
        return ""
    later = report.dates[1:]
    dates = counted(len(later), N_("{count} change date"), N_("{count} change dates"))
    return _(" (as of {day} and {dates} to {last})").format(
        day=report.dates[0].isoformat(), dates=dates, last=later[-1].isoformat()
    )


def waived_words(finding: Finding) -> str:
    """` (waived by Waiver/x, ticket ABC-1)`, ` (waived)`, or "" for a finding that is not waived."""
    if not finding.waived:
        return ""
    waiver = finding.waiver_words()
    return _(" (waived by {waiver})").format(waiver=escape.text(waiver)) if waiver else _(" (waived)")


def summary_line(report: Report) -> str:
    with speaking(report.lang):
        return render(_summary_pieces(report), color=False)


@dataclass(frozen=True, slots=True)
class TextOptions:
    color: bool = False
    width: int | None = None
    """Wrap to this many columns; None: one line per finding, however long."""
    source_root: Path | None = None
    """Show the YAML line of each finding, read from the file under this folder (`--show-source`)."""


class TextReporter(Reporter):
    name = "text"

    def __init__(self, options: TextOptions | None = None) -> None:
        self.options = options or TextOptions()
        self._sources: dict[str, list[str] | None] = {}

    def write(self, report: Report) -> str:
        lines: list[str] = []
        for finding in report.findings:
            lines.extend(self._finding(finding))
        lines.extend(self._lay_out(_summary_pieces(report), 0))
        return "\n".join(lines) + "\n"

    def _lay_out(self, pieces: Sequence[Styled], indent: int) -> list[str]:
        return [render(line, self.options.color) for line in wrap(pieces, self.options.width, indent)]

    def _finding(self, finding: Finding) -> list[str]:
        waived = waived_words(finding)
        level_style = LEVEL_STYLES.get(finding.level, BOLD)
        head: list[Styled] = [
            (f"{escape.text(finding.file)}:{finding.line}:{finding.column}:", BOLD),
            (" ", ""),
            (finding.level, level_style),
            (" ", ""),
            (finding.rule, DIM),
            (" ", ""),
            (escape.text(finding.message) + finding.from_date, ""),
            (waived, DIM),
        ]
        lines = self._lay_out(head, INDENT)
        if self.options.source_root is not None:
            lines.extend(self._source(finding, level_style))
        for related in finding.related:
            where = f"{escape.text(related.file)}:{related.line}:{related.column}:"
            pieces: list[Styled] = [(" " * INDENT, ""), (where, BOLD), (" ", ""), (escape.text(related.message), "")]
            lines.extend(self._lay_out(pieces, 2 * INDENT))
        if finding.hint:
            label = _("hint:")
            hint: list[Styled] = [
                (" " * INDENT, ""),
                (label, HINT_STYLE),
                ("" if label.endswith("：") else " ", ""),  # a full-width colon carries its own space
                (escape.text(finding.hint), ""),
            ]
            lines.extend(self._lay_out(hint, 2 * INDENT))
        return lines

    def _lines_of(self, file: str) -> list[str] | None:
        if file not in self._sources:
            root = self.options.source_root
            try:
                self._sources[file] = source_lines((root / file).read_bytes()) if root is not None else None
            except (OSError, ValueError):  # gone, unreadable, or not a file name at all
                self._sources[file] = None
        return self._sources[file]

    def _source(self, finding: Finding, caret_style: str) -> list[str]:
        """The YAML line and a caret under the column, like ruff and rustc (nothing where there is no line)."""
        lines = self._lines_of(finding.file)
        shown = excerpt(lines, finding.line, finding.column) if lines is not None else None
        if shown is None:
            return []
        number = str(shown.number)
        gutter = " " * (INDENT + len(number) + 1)
        color = self.options.color
        return [
            render(
                [(" " * INDENT, ""), (f"{number} |", GUTTER_STYLE), (" " + shown.text if shown.text else "", "")], color
            ),
            render(
                [
                    (gutter, ""),
                    ("|", GUTTER_STYLE),
                    (" " + " " * shown.caret_at, ""),
                    ("^" * shown.caret_width, caret_style),
                ],
                color,
            ),
        ]
