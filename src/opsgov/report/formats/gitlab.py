"""GitLab CI's code-quality report (a Code Climate subset): merge requests show the findings inline."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from opsgov import escape
from opsgov.i18n import _
from opsgov.report.fingerprint import fingerprint
from opsgov.report.formats.base import Reporter
from opsgov.report.report import Report

SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}


def code_quality(report: Report) -> list[dict[str, Any]]:
    """GitLab drops issues with equal fingerprints, so repeated ones get an occurrence number mixed in."""
    seen: Counter[str] = Counter()
    issues: list[dict[str, Any]] = []
    for finding in report.findings:
        if finding.waived:
            continue
        base = fingerprint(finding)
        seen[base] += 1
        unique = base if seen[base] == 1 else hashlib.sha256(f"{base}#{seen[base]}".encode()).hexdigest()[:32]
        description = (
            finding.message
            if not finding.hint
            else _("{message} (hint: {hint})").format(message=finding.message, hint=finding.hint)
        )
        description = (
            escape.text(description) + finding.from_date
        )  # shown to people; the path stays exact (lossless JSON)
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule,
                "description": description,
                "categories": ["Bug Risk"],
                "severity": SEVERITIES.get(finding.level, "major"),
                "fingerprint": unique,
                "location": {"path": finding.file, "lines": {"begin": finding.line}},
            }
        )
    return issues


class GitlabReporter(Reporter):
    name = "gitlab"

    def write(self, report: Report) -> str:
        return escape.json_dumps(code_quality(report))
