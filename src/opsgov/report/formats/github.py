"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.

The runner parses `::command key=value,...::data` lines, so whatever comes from the governance
data is escaped as the runner requires: `%`, CR and LF everywhere, and `:` and `,` too inside a
property (file, title), where they would end the value. Before that, each piece of data (a file
name, a message, a hint) has its control and bidirectional characters shown escaped
(`escape.text`), so an ESC from a policy message cannot colour or rewrite the log, and only the
line breaks opsgov puts between message, related locations and hint become lines.
"""

from __future__ import annotations

from opsgov import escape
from opsgov.i18n import _
from opsgov.report.finding import Finding
from opsgov.report.formats.base import Reporter
from opsgov.report.formats.text import summary_line
from opsgov.report.report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def annotation(finding: Finding) -> str:
    command = COMMANDS.get(finding.level, "error")
    properties = {
        "file": finding.file,
        "line": str(finding.line),
        "col": str(finding.column),
        "title": f"opsgov {finding.rule}",
    }
    body = [escape.text(finding.message) + finding.from_date]
    body.extend(f"{escape.text(r.file)}:{r.line}:{r.column}: {escape.text(r.message)}" for r in finding.related)
    if finding.hint:
        body.append(_("hint: {hint}").format(hint=escape.text(finding.hint)))
    joined = ",".join(f"{key}={escape.github_property(value)}" for key, value in properties.items())
    return f"::{command} {joined}::{escape.github_data(chr(10).join(body))}"


class GithubReporter(Reporter):
    """Waived findings are accepted exceptions: they get no annotation, only a count in the summary."""

    name = "github"

    def write(self, report: Report) -> str:
        lines = [annotation(f) for f in report.findings if not f.waived]
        lines.append(summary_line(report))
        return "\n".join(lines) + "\n"
