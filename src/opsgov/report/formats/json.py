"""The JSON report of docs/cli.md: sorted findings, byte-identical for the same input."""

from __future__ import annotations

from typing import Any

from opsgov import escape
from opsgov.report.formats.base import Reporter
from opsgov.report.report import Report

FORMAT_VERSION = "1"


def report_dict(report: Report) -> dict[str, Any]:
    summary: dict[str, Any] = {"files": report.files, "documents": report.documents, **report.counts()}
    if report.as_of is not None:  # only a repository that dates something: the others keep the v1 shape
        summary["asOf"] = report.as_of.isoformat()
        summary["dates"] = [day.isoformat() for day in report.dates]
    return {
        "opsgov": FORMAT_VERSION,
        "summary": summary,
        "findings": [finding.to_dict() for finding in report.findings],
    }


class JsonReporter(Reporter):
    name = "json"

    def write(self, report: Report) -> str:
        return escape.json_dumps(report_dict(report))
