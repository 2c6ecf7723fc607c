"""A summary ready to paste as a pull-request comment or a job summary: counts, then a table of findings.

Titles and messages are data: every table cell is escaped so that a `|`, a backtick, an HTML
tag or a line break in a Chinese title cannot break the table or inject markup.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import quote

from opsgov import escape
from opsgov.report.finding import Finding
from opsgov.report.formats.base import Reporter
from opsgov.report.formats.text import dates_note, plural
from opsgov.report.report import Report

MAX_ROWS = 200
"""GitHub cuts comments at 65,536 characters; the rest is counted, not listed."""

ICONS = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}


def cell(text: str) -> str:
    """Text that stays inside one table cell and renders literally; its lines are joined by `<br>`."""
    return "<br>".join(escape.markdown(line) for line in re.split(r"\r\n|\r|\n", text))


def line_link(file: str, line: int, env: Mapping[str, str]) -> str:
    """A link to the line on GitHub when the Actions variables say where, else plain `file:line`."""
    label = escape.markdown(f"{file}:{line}")
    server, repository, sha = (env.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repository and sha):
        return label
    url = f"{server.rstrip('/')}/{repository}/blob/{sha}/{quote(file, safe='/')}#L{line}"
    return f"[{label}]({url})"


def counts_line(report: Report) -> str:
    counts = report.counts()
    parts = [
        f"**{plural(counts['error'], 'error')}**",
        plural(counts["warning"], "warning"),
        f"{counts['info']} info",
    ]
    if counts["waived"]:
        parts.append(f"{counts['waived']} waived")
    where = f"{plural(report.files, 'file')}, {plural(report.documents, 'document')}"
    return f"{' · '.join(parts)} in {where}{dates_note(report)}"


def _row(finding: Finding, env: Mapping[str, str]) -> str:
    message = finding.message + finding.from_date
    if finding.hint:
        message += f"\nhint: {finding.hint}"
    if finding.waived:
        message += f"\nwaived by {finding.waiver_words() or 'a Waiver'}"
    level = f"{ICONS.get(finding.level, '')} {finding.level}".strip()
    return f"| {level} | {cell(finding.rule)} | {cell(message)} | {line_link(finding.file, finding.line, env)} |"


def _table(findings: list[Finding], env: Mapping[str, str]) -> list[str]:
    lines = ["| Level | Rule | Finding | Where |", "| --- | --- | --- | --- |"]
    lines.extend(_row(f, env) for f in findings[:MAX_ROWS])
    if len(findings) > MAX_ROWS:
        lines.append(f"\n… and {len(findings) - MAX_ROWS} more (run `opsgov check` for the full list).")
    return lines


def render_markdown(report: Report, env: Mapping[str, str], title: str = "opsgov check") -> str:
    active = [f for f in report.findings if not f.waived]
    waived = [f for f in report.findings if f.waived]
    lines = [f"### {title}", "", counts_line(report), ""]
    if active:
        lines.extend(_table(active, env))
    else:
        lines.append(":white_check_mark: No findings.")
    if waived:
        lines.extend(["", f"<details><summary>{plural(len(waived), 'waived finding')}</summary>", ""])
        lines.extend(_table(waived, env))
        lines.extend(["", "</details>"])
    return "\n".join(lines) + "\n"


class MarkdownReporter(Reporter):
    """Links to lines come from the GitHub Actions environment (GITHUB_SERVER_URL, _REPOSITORY, _SHA)."""

    name = "markdown"

    def render(self, report: Report) -> str:
        return render_markdown(report, os.environ)
