"""SARIF 2.1.0, the format code-scanning services read: one run, every rule described, stable fingerprints.

GitHub code scanning matches results across commits by `partialFingerprints`, so a finding
that only moved (lines, list order, another file) stays the same alert; opsgov's own fingerprint (fingerprint.py) is
exactly that identity.
"""

from __future__ import annotations

import inspect
from typing import Any
from urllib.parse import quote

from opsgov import __version__, escape
from opsgov.i18n import _
from opsgov.report.finding import Finding, Related
from opsgov.report.fingerprint import fingerprint
from opsgov.report.formats.base import Reporter
from opsgov.report.report import Report
from opsgov.rules import REGISTRY

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
REPOSITORY_URL = "https://github.com/OWNER/opsgov"
"""Where opsgov is hosted: the README's and docs/ci.md's placeholder, replaced with the real one on release."""
RULES_DOC_URL = f"{REPOSITORY_URL}/blob/main/docs/rules.md"
"""docs/rules.md has one heading per rule whose anchor is the rule id: `helpUri` is `RULES_DOC_URL#<id>`."""
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "opsgov/v2"
"""v2: the fingerprint is made from what a finding is about (fingerprint.py); v1 hashed list indexes."""


def _first_paragraph(docs: str) -> str:
    return inspect.cleandoc(docs).split("\n\n", 1)[0].replace("\n", " ").strip()


def rule_descriptor(rule_id: str) -> dict[str, Any]:
    """A `reportingDescriptor`: registry metadata, or a generic entry for an organisation's policy."""
    rule = REGISTRY.get(rule_id)
    if rule is None:
        name = rule_id.partition("/")[2] or rule_id
        text = f"the organisation's own policy '{name}' (policies/)"
        return {
            "id": rule_id,
            "shortDescription": {"text": text},
            "fullDescription": {"text": f"A validation of the Policy document {name} failed."},
            "help": {"text": f"See the Policy document named {name} in policies/ for what it requires and why."},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["policy"]},
        }
    docs = inspect.cleandoc(rule.docs) if rule.docs else rule.description
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": _first_paragraph(docs) or rule.description},
        "helpUri": f"{RULES_DOC_URL}#{rule.id}",
        "help": {"text": docs, "markdown": f"**{rule.id}**: {rule.description}\n\n```\n{docs}\n```"},
        "defaultConfiguration": {"level": LEVELS.get(rule.level, "error")},
        "properties": {"tags": [rule.family]},
    }


def _physical(file: str, line: int, column: int) -> dict[str, Any]:
    """`uri` is a relative URI reference, so a space or a CJK file name is percent-encoded (UTF-8)."""
    return {
        "artifactLocation": {"uri": quote(file, safe="/"), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": max(line, 1), "startColumn": max(column, 1)},
    }


def _related(index: int, related: Related) -> dict[str, Any]:
    return {
        "id": index,
        "physicalLocation": _physical(related.file, related.line, related.column),
        "message": {"text": escape.sarif_text(related.message) or _("related location")},
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    text = escape.sarif_text(finding.message) + finding.from_date
    if finding.hint:
        text += "\n" + _("Hint: {hint}").format(hint=escape.sarif_text(finding.hint))
    location: dict[str, Any] = {"physicalLocation": _physical(finding.file, finding.line, finding.column)}
    if finding.entity:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.entity, "kind": "object"}]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.level, "error"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.related:
        result["relatedLocations"] = [_related(i, r) for i, r in enumerate(finding.related, 1)]
    if finding.waived:
        justification = _("waived by {waiver}").format(waiver=finding.waived_by or _("a Waiver"))
        if finding.waiver_ticket:
            justification += _(" (ticket {ticket})").format(ticket=finding.waiver_ticket)
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    properties: dict[str, Any] = {}
    if finding.path:
        properties["path"] = finding.path
    if finding.entity:
        properties["entity"] = finding.entity
    if finding.as_of:
        properties["asOf"] = finding.as_of  # the first later change date on which it holds
    if properties:
        result["properties"] = properties
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    """Every registry rule is described (a result's `ruleIndex` points into that list), then policies seen."""
    rule_ids = list(REGISTRY)
    extra = sorted({f.rule for f in report.findings} - set(rule_ids))
    rule_ids.extend(extra)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "opsgov",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY_URL,
                        "rules": [rule_descriptor(rule_id) for rule_id in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index[f.rule]) for f in report.findings],
            }
        ],
    }


class SarifReporter(Reporter):
    name = "sarif"

    def write(self, report: Report) -> str:
        return escape.json_dumps(sarif_log(report))
