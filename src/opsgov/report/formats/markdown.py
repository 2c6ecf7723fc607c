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
from opsgov.i18n import N_, _, counted, speaking
from opsgov.report.finding import Finding
from opsgov.report.formats.base import Reporter
from opsgov.report.formats.text import dates_note, files_and_documents, level_counts
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


LEVELS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
"""A level as a person reads it in a table; the level itself (`error`) is what JSON and filters use."""


def counts_line(report: Report) -> str:
    parts = [f"**{words}**" if level == "error" else words for level, words in level_counts(report)]
    return _("{counts} in {files}").format(counts=" · ".join(parts), files=files_and_documents(report)) + dates_note(
        report
    )


def _row(finding: Finding, env: Mapping[str, str]) -> str:
    message = finding.message + finding.from_date
    if finding.hint:
        message += "\n" + _("hint: {hint}").format(hint=finding.hint)
    if finding.waived:
        message += "\n" + _("waived by {waiver}").format(waiver=finding.waiver_words() or _("a Waiver"))
    level = f"{ICONS.get(finding.level, '')} {_(LEVELS[finding.level]) if finding.level in LEVELS else finding.level}"
    return (
        f"| {level.strip()} | {cell(finding.rule)} | {cell(message)} | {line_link(finding.file, finding.line, env)} |"
    )


def _table(findings: list[Finding], env: Mapping[str, str]) -> list[str]:
    header = (_("Level"), _("Rule"), _("Finding"), _("Where"))
    lines = [f"| {' | '.join(header)} |", "| --- | --- | --- | --- |"]
    lines.extend(_row(f, env) for f in findings[:MAX_ROWS])
    if len(findings) > MAX_ROWS:
        more = _("… and {count} more (run `opsgov check` for the full list).").format(count=len(findings) - MAX_ROWS)
        lines.append(f"\n{more}")
    return lines


def render_markdown(report: Report, env: Mapping[str, str], title: str = "opsgov check") -> str:
    """The summary in the report's language (Report.lang), whoever calls it."""
    with speaking(report.lang):
        active = [f for f in report.findings if not f.waived]
        waived = [f for f in report.findings if f.waived]
        lines = [f"### {title}", "", counts_line(report), ""]
        if active:
            lines.extend(_table(active, env))
        else:
            lines.append(":white_check_mark: " + _("No findings."))
        if waived:
            summary = counted(len(waived), N_("{count} waived finding"), N_("{count} waived findings"))
            lines.extend(["", f"<details><summary>{summary}</summary>", ""])
            lines.extend(_table(waived, env))
            lines.extend(["", "</details>"])
        return "\n".join(lines) + "\n"


class MarkdownReporter(Reporter):
    """Links to lines come from the GitHub Actions environment (GITHUB_SERVER_URL, _REPOSITORY, _SHA)."""

    name = "markdown"

    def write(self, report: Report) -> str:
        return render_markdown(report, os.environ)
