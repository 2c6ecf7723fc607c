from __future__ import annotations

import xml.etree.ElementTree as ET

from opsgov.pipeline import Report
from opsgov.report.finding import Finding
from opsgov.report.formats import REPORTERS
from opsgov.rules import REGISTRY
from tests.reporters.conftest import POLICY, WAIVED, handmade


def parse(report: Report) -> ET.Element:
    text = REPORTERS["junit"]().render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_one_testcase_per_rule_and_failures_with_file_and_line(findings_report: Report) -> None:
    root = parse(findings_report)
    suite = root.find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == set(REGISTRY)
    assert suite.get("failures") == "2" and suite.get("tests") == str(len(REGISTRY))
    failure = cases["dangling-ref"].find("failure")
    assert failure is not None
    assert failure.get("message") == "ops/units.yaml:9: reportsTo 'nobody' names no Position"
    assert failure.get("type") == "error"
    assert cases["dangling-ref"].get("file") == "ops/units.yaml"
    assert cases["dangling-ref"].get("line") == "9"
    assert cases["org-root"].find("failure") is None


def test_several_findings_of_a_rule_are_listed_and_waived_ones_are_skipped() -> None:
    other = POLICY.replace(file="ops/z.yaml", line=20, message="direct reports: 30")
    root = parse(handmade(POLICY, other, WAIVED))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    failure = cases["policy/max-span"].find("failure")
    assert failure is not None and failure.text is not None
    assert failure.get("message") == "ops/b.yaml:7: direct reports: 12 (and 1 more)"
    assert "ops/b.yaml:7:1: warning direct reports: 12" in failure.text
    assert "ops/z.yaml:20:1: warning direct reports: 30" in failure.text
    skipped = cases["duty-overlap"].find("skipped")
    assert skipped is not None and skipped.get("message") == "1 waived"


def test_control_characters_and_cjk_survive_as_valid_xml() -> None:
    odd = Finding("ops/a.yaml", 1, 1, "schema", "标题\x01含控制字符 & <tag>", level="error")
    root = parse(handmade(odd))
    failure = next(root.iter("failure"))
    assert failure.get("message") == "ops/a.yaml:1: 标题\\x01含控制字符 & <tag>"
