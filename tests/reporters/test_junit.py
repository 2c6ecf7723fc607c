from __future__ import annotations

import xml.etree.ElementTree as ET

from opsgov.report.finding import Finding
from opsgov.report.formats import REPORTERS
from opsgov.report.report import Report
from opsgov.rules import REGISTRY
from tests.reporters import junit_strict_schema
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


def strict(report: Report) -> ET.Element:
    text = REPORTERS["junit-strict"]().render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_plain_junit_is_not_strict_and_the_checker_says_why(findings_report: Report) -> None:
    """The structural checker can fail: `file`/`line` on a testcase and a `skipped` message are rejected."""
    problems = junit_strict_schema.errors(parse(handmade(POLICY, WAIVED)))
    assert "testsuites/testsuite/testcase: attribute file is not allowed" in problems
    assert "testsuites/testsuite/testcase: attribute line is not allowed" in problems
    assert "testsuites/testsuite/testcase/skipped: attribute message is not allowed" in problems
    misordered = ET.fromstring(
        '<testsuite name="x" tests="1"><testcase name="a"><failure/><skipped/></testcase></testsuite>'
    )
    assert junit_strict_schema.errors(misordered) == [
        "testsuite/testcase: skipped is not allowed here (sequence order)"
    ]


def test_strict_junit_is_valid_with_one_testcase_per_finding(findings_report: Report) -> None:
    root = strict(findings_report)
    assert junit_strict_schema.errors(root) == []
    cases = list(root.iter("testcase"))
    failing = {c.get("classname"): c for c in cases if c.find("failure") is not None}
    assert set(failing) == {"opsgov.dangling-ref", "opsgov.duplicate-name"}
    assert failing["opsgov.dangling-ref"].get("name") == "reportsTo 'nobody' names no Position [Position/rep]"
    assert all(c.get("file") is None and c.get("line") is None for c in cases)
    failure = failing["opsgov.dangling-ref"].find("failure")
    assert failure is not None and failure.text is not None
    assert failure.get("message") == "ops/units.yaml:9:32: reportsTo 'nobody' names no Position"
    assert failure.get("type") == "error"
    duplicate = failing["opsgov.duplicate-name"].find("failure")
    assert duplicate is not None and duplicate.text is not None
    assert "\n    ops/units.yaml:8:" in duplicate.text and "first defined here" in duplicate.text
    assert "\n    hint: rename one of them" in duplicate.text
    clean = {c.get("name") for c in cases if c.find("failure") is None}
    assert clean == set(REGISTRY) - {"dangling-ref", "duplicate-name"}
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == "2"


def test_strict_junit_repeats_waivers_and_hostile_text_stay_valid() -> None:
    other = POLICY.replace(file="ops/z.yaml", line=20)
    odd = Finding("ops/a\x1b.yaml", 1, 1, "schema", "标题\x01 & <tag>\nnext", level="error", hint="a\u202eb")
    root = strict(handmade(POLICY, other, WAIVED.replace(waived_by="Waiver/legacy: until the reorg"), odd))
    assert junit_strict_schema.errors(root) == []
    names = [c.get("name") for c in root.iter("testcase") if c.get("classname") == "opsgov.policy/max-span"]
    assert names == ["direct reports: 12 [Position/ceo]", "direct reports: 12 [Position/ceo] (2)"]
    waived = next(c for c in root.iter("testcase") if c.get("classname") == "opsgov.duty-overlap")
    skipped = waived.find("skipped")
    assert skipped is not None and skipped.text == "waived by Waiver/legacy" and not skipped.attrib
    schema_case = next(c for c in root.iter("testcase") if c.get("classname") == "opsgov.schema")
    failure = schema_case.find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.splitlines()[0] == "ops/a\\x1b.yaml:1:1: error schema 标题\\x01 & <tag>\\nnext"
    assert failure.text.splitlines()[1] == "    hint: a\\u202eb"
    suite = root.find("testsuite")
    assert suite is not None and suite.get("skipped") == "1" and suite.get("failures") == "3"
