"""`file:line:col: level rule-id message`, a hint line where one helps, and a summary."""

from __future__ import annotations

from opsgov import escape
from opsgov.pipeline import Report
from opsgov.report.formats.base import Reporter


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    counts = report.counts()
    parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"), f"{counts['info']} info"]
    waived = f", {counts['waived']} waived" if counts["waived"] else ""
    return f"{plural(report.files, 'file')}, {plural(report.documents, 'document')}: {', '.join(parts)}{waived}"


class TextReporter(Reporter):
    name = "text"

    def render(self, report: Report) -> str:
        lines: list[str] = []
        for finding in report.findings:
            waived = ""
            if finding.waived:
                waiver = finding.waived_by.partition(":")[0]
                waived = f" (waived by {waiver})" if waiver else " (waived)"
            lines.append(
                f"{escape.text(finding.file)}:{finding.line}:{finding.column}: {finding.level} {finding.rule} "
                f"{escape.text(finding.message)}{waived}"
            )
            for related in finding.related:
                where = f"{escape.text(related.file)}:{related.line}:{related.column}"
                lines.append(f"    {where}: {escape.text(related.message)}")
            if finding.hint:
                lines.append(f"    hint: {escape.text(finding.hint)}")
        lines.append(summary_line(report))
        return "\n".join(lines) + "\n"
