"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.

The runner parses `::command key=value,...::data` lines, so whatever comes from the governance
data is escaped as the runner requires: `%`, CR and LF everywhere, and `:` and `,` too inside a
property (file, title), where they would end the value.
"""

from __future__ import annotations

from opsgov.engine import Report
from opsgov.findings import Finding
from opsgov.reporters.base import Reporter
from opsgov.reporters.text import summary_line

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    command = COMMANDS.get(finding.level, "error")
    properties = {
        "file": finding.file,
        "line": str(finding.line),
        "col": str(finding.column),
        "title": f"opsgov {finding.rule}",
    }
    body = [finding.message]
    body.extend(f"{r.file}:{r.line}:{r.column}: {r.message}" for r in finding.related)
    if finding.hint:
        body.append(f"hint: {finding.hint}")
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command} {joined}::{escape_data(chr(10).join(body))}"


class GithubReporter(Reporter):
    """Waived findings are accepted exceptions: they get no annotation, only a count in the summary."""

    name = "github"

    def render(self, report: Report) -> str:
        lines = [annotation(f) for f in report.findings if not f.waived]
        lines.append(summary_line(report))
        return "\n".join(lines) + "\n"
