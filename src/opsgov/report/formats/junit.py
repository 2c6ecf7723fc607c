"""JUnit XML, the test-report format every CI shows: one testcase per rule, its findings as the failure.

A clean rule is a passing testcase, so the CI's test view reads as a checklist of the
governance rules. The `file` attribute and the `file:line` lines let GitLab and Jenkins link
to the place.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from opsgov import escape
from opsgov.pipeline import Report
from opsgov.report.finding import Finding
from opsgov.report.formats.base import Reporter
from opsgov.rules import REGISTRY


def _line(finding: Finding) -> str:
    """Data is shown escaped (a newline in a file name is `\\n`); only the hint starts a line of its own."""
    where = f"{escape.text(finding.file)}:{finding.line}:{finding.column}"
    line = f"{where}: {finding.level} {escape.text(finding.message)}"
    if finding.entity:
        line += f" [{escape.text(finding.entity)}]"
    if finding.hint:
        line += f"\n    hint: {escape.text(finding.hint)}"
    return line


def junit_tree(report: Report) -> ET.Element:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_rule[finding.rule].append(finding)
    rule_ids = [*REGISTRY, *sorted(set(by_rule) - set(REGISTRY))]
    failures = sum(1 for r in rule_ids if any(not f.waived for f in by_rule[r]))
    skipped = sum(1 for r in rule_ids if by_rule[r] and all(f.waived for f in by_rule[r]))
    suites = ET.Element("testsuites", name="opsgov", tests=str(len(rule_ids)), failures=str(failures), errors="0")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="opsgov check",
        tests=str(len(rule_ids)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time="0",
    )
    for rule_id in rule_ids:
        findings = by_rule[rule_id]
        active = [f for f in findings if not f.waived]
        case = ET.SubElement(suite, "testcase", classname="opsgov", name=rule_id, time="0")
        if active:
            first = active[0]
            case.set("file", escape.xml(first.file))
            case.set("line", str(first.line))
            more = f" (and {len(active) - 1} more)" if len(active) > 1 else ""
            failure = ET.SubElement(
                case,
                "failure",
                message=escape.text(f"{first.file}:{first.line}: {first.message}{more}"),
                type=first.level,
            )
            failure.text = "\n".join(_line(f) for f in active)
        elif findings:
            ET.SubElement(case, "skipped", message=f"{len(findings)} waived")
    return suites


class JunitReporter(Reporter):
    name = "junit"

    def render(self, report: Report) -> str:
        tree = junit_tree(report)
        ET.indent(tree)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"
