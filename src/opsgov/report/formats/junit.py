"""JUnit XML, the test-report format every CI shows.

`junit`: one testcase per rule, its findings as the failure. A clean rule is a passing testcase,
so the CI's test view reads as a checklist of the governance rules. The `file` attribute and the
`file:line` lines let GitLab link to the place.

`junit-strict`: what Jenkins' strict JUnit schema (junit-4.xsd of Jenkins' dtkit) accepts, which has
no `file` or `line` attribute and no attribute on `skipped`: one testcase per finding (classname
`opsgov.<rule-id>`, named by its message, so it keeps its name when lines shift), the place in the
failure, and a passing testcase for each rule without findings, so a clean run still has tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

from opsgov import escape
from opsgov.i18n import _
from opsgov.report.finding import Finding
from opsgov.report.formats.base import Reporter
from opsgov.report.report import Report
from opsgov.rules import REGISTRY


def _line(finding: Finding) -> str:
    """Data is shown escaped (a newline in a file name is `\\n`); only the hint starts a line of its own."""
    where = f"{escape.text(finding.file)}:{finding.line}:{finding.column}"
    line = f"{where}: {finding.level} {escape.text(finding.message)}{finding.from_date}"
    if finding.entity:
        line += f" [{escape.text(finding.entity)}]"
    if finding.hint:
        line += "\n    " + _("hint: {hint}").format(hint=escape.text(finding.hint))
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
            more = _(" (and {count} more)").format(count=len(active) - 1) if len(active) > 1 else ""
            failure = ET.SubElement(
                case,
                "failure",
                message=escape.text(f"{first.file}:{first.line}: {first.message}{first.from_date}{more}"),
                type=first.level,
            )
            failure.text = "\n".join(_line(f) for f in active)
        elif findings:
            waivers = sorted({f.waiver_words() for f in findings if f.waiver_words()})
            count = _("{count} waived").format(count=len(findings))
            waived = _("{count} by {waivers}").format(count=count, waivers="; ".join(waivers)) if waivers else count
            ET.SubElement(case, "skipped", message=escape.text(waived))
    return suites


def _case_name(finding: Finding) -> str:
    message = escape.xml(finding.message)
    return f"{message} [{escape.xml(finding.entity)}]" if finding.entity else message


def junit_strict_tree(report: Report) -> ET.Element:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_rule[finding.rule].append(finding)
    rule_ids = [*REGISTRY, *sorted(set(by_rule) - set(REGISTRY))]
    tests = sum(max(len(by_rule[r]), 1) for r in rule_ids)
    failures = sum(1 for f in report.findings if not f.waived)
    skipped = len(report.findings) - failures
    suites = ET.Element("testsuites", name="opsgov", tests=str(tests), failures=str(failures), errors="0")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="opsgov check",
        tests=str(tests),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time="0",
    )
    for rule_id in rule_ids:
        classname = f"opsgov.{rule_id}"
        if not by_rule[rule_id]:
            ET.SubElement(suite, "testcase", classname=classname, name=rule_id, time="0")
            continue
        seen: Counter[str] = Counter()
        for finding in by_rule[rule_id]:
            name = _case_name(finding)
            seen[name] += 1
            if seen[name] > 1:  # the same message twice: Jenkins keys its history by classname and name
                name = f"{name} ({seen[name]})"
            case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
            if finding.waived:
                waiver = finding.waiver_words()
                skipped_element = ET.SubElement(case, "skipped")
                skipped_element.text = escape.xml(
                    _("waived by {waiver}").format(waiver=waiver) if waiver else _("waived")
                )
                continue
            where = f"{finding.file}:{finding.line}:{finding.column}"
            failure = ET.SubElement(
                case,
                "failure",
                message=escape.xml(f"{where}: {finding.message}{finding.from_date}"),
                type=finding.level,
            )
            lines = [f"{where}: {finding.level} {finding.rule} {finding.message}{finding.from_date}"]
            lines.extend(f"    {r.file}:{r.line}:{r.column}: {r.message}" for r in finding.related)
            if finding.hint:
                lines.append("    " + _("hint: {hint}").format(hint=finding.hint))
            failure.text = "\n".join(escape.text(line) for line in lines)  # data never starts a line of its own
    return suites


def _document(tree: ET.Element) -> str:
    ET.indent(tree)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"


class JunitReporter(Reporter):
    name = "junit"

    def write(self, report: Report) -> str:
        return _document(junit_tree(report))


class JunitStrictReporter(Reporter):
    """For Jenkins' strict JUnit schema: no file/line attributes, one testcase per finding."""

    name = "junit-strict"

    def write(self, report: Report) -> str:
        return _document(junit_strict_tree(report))
