"""`file:line:col: level rule-id message`, a hint line where one helps, and a summary."""

from __future__ import annotations

import re

from opsgov.engine import Report
from opsgov.reporters.base import Reporter

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """XML 1.0 cannot carry most control characters at all, even escaped: they are shown as `\\xNN`."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def clean(text: str) -> str:
    """Control characters from the data are shown escaped, never sent to the terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


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
                f"{clean(finding.file)}:{finding.line}:{finding.column}: {finding.level} {finding.rule} "
                f"{clean(finding.message)}{waived}"
            )
            for related in finding.related:
                lines.append(f"    {clean(related.file)}:{related.line}:{related.column}: {clean(related.message)}")
            if finding.hint:
                lines.append(f"    hint: {clean(finding.hint)}")
        lines.append(summary_line(report))
        return "\n".join(lines) + "\n"
