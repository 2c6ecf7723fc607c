"""`check` evaluates the as-of date and every later change date within the horizon (docs/cli.md, "Dates")."""

from __future__ import annotations

import datetime
import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from opsgov.report.baseline import write_baseline
from opsgov.report.fingerprint import fingerprint
from opsgov.report.formats import REPORTERS
from opsgov.report.report import Report
from tests.util import check_repo, only, write_repo

AS_OF = datetime.date(2026, 11, 27)

PLANNED = """\
    apiVersion: opsgov/v1
    kind: Unit
    metadata: {name: lab, title: 实验室, validFrom: 2027-01-01}
    spec: {type: department, parent: company, head: lab-head}
    ---
    apiVersion: opsgov/v1
    kind: Position
    metadata: {name: lab-head, title: 实验室主任, validFrom: 2027-01-01}
    spec: {unit: lab, reportsTo: cto}
    """
"""A unit and its head in force from 2027-01-01, the head reporting to a post that does not exist."""


def planned_repo(tmp_path: Path, extra: str = "") -> Path:
    return write_repo(tmp_path, {"ops/lab.yaml": textwrap.dedent(PLANNED) + textwrap.dedent(extra)})


def as_json(report: Report) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(REPORTERS["json"]().render(report))
    return result


def render(report: Report, name: str) -> str:
    return REPORTERS[name]().render(report)


def test_a_planned_unit_is_checked_before_it_takes_effect(tmp_path: Path) -> None:
    report = check_repo(planned_repo(tmp_path), as_of=AS_OF)
    [finding] = only(report, "dangling-ref")
    assert (finding.entity, finding.file, finding.line, finding.column) == ("Position/lab-head", "ops/lab.yaml", 9, 30)
    assert finding.message.startswith("reportsTo 'cto' names no Position")
    assert finding.as_of == "2027-01-01"
    data = as_json(report)
    assert data["summary"]["asOf"] == "2026-11-27"
    assert data["summary"]["dates"] == ["2026-11-27", "2027-01-01"]
    [reported] = data["findings"]
    assert reported["asOf"] == "2027-01-01" and reported["rule"] == "dangling-ref"
    text = render(report, "text")
    assert "ops/lab.yaml:9:30: error dangling-ref reportsTo 'cto' names no Position" in text
    assert "(from 2027-01-01)" in text.splitlines()[0]
    assert text.splitlines()[-1].endswith("(as of 2026-11-27 and 1 change date to 2027-01-01)")


def test_on_the_change_date_itself_the_finding_holds_now(tmp_path: Path) -> None:
    report = check_repo(planned_repo(tmp_path), as_of=datetime.date(2027, 1, 1))
    [finding] = only(report, "dangling-ref")
    assert finding.as_of is None
    assert "asOf" not in as_json(report)["findings"][0]
    assert as_json(report)["summary"]["dates"] == ["2027-01-01"]


def test_a_finding_now_and_later_is_reported_once_without_a_date(tmp_path: Path) -> None:
    now = """\
        ---
        apiVersion: opsgov/v1
        kind: Position
        metadata: {name: clerk, title: 文员}
        spec: {unit: company, reportsTo: nobody}
        """
    report = check_repo(planned_repo(tmp_path, now), as_of=AS_OF)
    clerk = [f for f in only(report, "dangling-ref") if f.entity == "Position/clerk"]
    assert len(clerk) == 1 and clerk[0].as_of is None
    assert "asOf" not in next(f for f in as_json(report)["findings"] if f["entity"] == "Position/clerk")


def test_a_finding_that_disappears_later_is_still_reported(tmp_path: Path) -> None:
    ending = """\
        ---
        apiVersion: opsgov/v1
        kind: Position
        metadata: {name: temp, title: 临时岗, validUntil: 2026-12-31}
        spec: {unit: company, reportsTo: gone}
        """
    report = check_repo(planned_repo(tmp_path, ending), as_of=AS_OF)
    [temp] = [f for f in only(report, "dangling-ref") if f.entity == "Position/temp"]
    assert temp.as_of is None and (temp.line, temp.column) == (14, 34)
    assert as_json(report)["summary"]["dates"] == ["2026-11-27", "2027-01-01"]


def test_the_same_finding_on_several_dates_is_one_finding_with_the_first_date(tmp_path: Path) -> None:
    """cto is missing from 2027-01-01 on; on 2027-03-01 another post is added: still one finding."""
    later = """\
        ---
        apiVersion: opsgov/v1
        kind: Position
        metadata: {name: lab-clerk, title: 实验室文员, validFrom: 2027-03-01}
        spec: {unit: lab, reportsTo: lab-head}
        """
    report = check_repo(planned_repo(tmp_path, later), as_of=AS_OF)
    assert [(f.entity, f.as_of) for f in only(report, "dangling-ref")] == [("Position/lab-head", "2027-01-01")]
    assert report.dates == (AS_OF, datetime.date(2027, 1, 1), datetime.date(2027, 3, 1))


def test_a_finding_of_a_second_change_date_carries_that_date(tmp_path: Path) -> None:
    later = """\
        ---
        apiVersion: opsgov/v1
        kind: Position
        metadata: {name: lab-clerk, title: 实验室文员, validFrom: 2027-03-01}
        spec: {unit: lab, reportsTo: lab-boss}
        """
    report = check_repo(planned_repo(tmp_path, later), as_of=AS_OF)
    assert [(f.entity, f.line, f.as_of) for f in only(report, "dangling-ref")] == [
        ("Position/lab-head", 9, "2027-01-01"),
        ("Position/lab-clerk", 14, "2027-03-01"),
    ]


def test_the_horizon_bounds_the_dates_evaluated(tmp_path: Path) -> None:
    planned_repo(tmp_path)
    report = check_repo(tmp_path, as_of=AS_OF, horizon=30)  # 2027-01-01 is 35 days away
    # Not evaluated on any date: only checked to name something that exists, reported undated.
    assert [(f.entity, f.as_of) for f in only(report, "dangling-ref")] == [("Position/lab-head", None)]
    assert report.dates == (AS_OF,)
    assert check_repo(tmp_path, as_of=AS_OF, horizon=35).dates == (AS_OF, datetime.date(2027, 1, 1))
    (tmp_path / "opsgov.yaml").write_text("horizon: 30\n", encoding="utf-8")
    from opsgov.config.project import load_settings
    from opsgov.pipeline import check

    settings = load_settings(tmp_path, as_of=AS_OF)
    assert settings.horizon == 30
    assert check(settings).dates == (AS_OF,)


def test_a_repository_without_dates_keeps_the_v1_summary(tmp_path: Path) -> None:
    write_repo(tmp_path, {})
    data = as_json(check_repo(tmp_path, as_of=AS_OF))
    assert list(data["summary"]) == ["files", "documents", "error", "warning", "info", "waived"]
    assert "as of" not in render(check_repo(tmp_path, as_of=AS_OF), "text")


def test_every_report_format_says_from_when(tmp_path: Path) -> None:
    report = check_repo(planned_repo(tmp_path), as_of=AS_OF)
    assert "reportsTo 'cto' names no Position" in render(report, "github")
    github = next(line for line in render(report, "github").splitlines() if line.startswith("::error"))
    assert "(from 2027-01-01)" in github
    gitlab = json.loads(render(report, "gitlab"))
    assert gitlab[0]["description"].endswith("(from 2027-01-01)")
    assert gitlab[0]["fingerprint"] == fingerprint(report.findings[0])
    markdown = render(report, "markdown")
    row = next(line for line in markdown.splitlines() if "dangling-ref" in line)
    assert "(from 2027-01-01)" in row
    sarif = json.loads(render(report, "sarif"))
    [result] = sarif["runs"][0]["results"]
    assert "(from 2027-01-01)" in result["message"]["text"]
    assert result["properties"]["asOf"] == "2027-01-01"
    junit = ET.fromstring(render(report, "junit"))
    failure = next(case for case in junit.iter("testcase") if case.get("name") == "dangling-ref").find("failure")
    assert failure is not None and failure.text is not None
    assert "(from 2027-01-01)" in failure.text and "(from 2027-01-01)" in failure.get("message", "")
    strict = ET.fromstring(render(report, "junit-strict"))
    case = next(case for case in strict.iter("testcase") if case.get("classname") == "opsgov.dangling-ref")
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert "(from 2027-01-01)" in failure.text and "(from 2027-01-01)" in failure.get("message", "")
    assert "(from " not in case.get("name", "")  # Jenkins keys its history by the name: no date in it


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_no_format_says_from_for_a_finding_of_the_as_of_date(tmp_path: Path, name: str) -> None:
    report = check_repo(planned_repo(tmp_path), as_of=datetime.date(2027, 1, 2))
    assert only(report, "dangling-ref")
    assert "(from " not in render(report, name)


def test_a_baseline_knows_a_future_finding_by_its_fingerprint(tmp_path: Path) -> None:
    planned_repo(tmp_path)
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, check_repo(tmp_path, as_of=AS_OF).findings)
    again = check_repo(tmp_path, as_of=AS_OF, baseline=baseline)
    assert again.findings == [] and again.baselined == 1
    # On the day itself it is the same finding (same fingerprint), now without a date: still known.
    assert check_repo(tmp_path, as_of=datetime.date(2027, 1, 1), baseline=baseline).findings == []


NEVER_EVALUATED = """\
    apiVersion: opsgov/v1
    kind: Position
    metadata: {name: past-post, title: 旧岗位, validUntil: 2020-01-01}
    spec: {unit: compny, reportsTo: ceo}
    ---
    apiVersion: opsgov/v1
    kind: Position
    metadata: {name: far-post, title: 远期岗位, validFrom: 2029-01-01}
    spec: {unit: nonexistent, reportsTo: ceo}
    ---
    apiVersion: opsgov/v1
    kind: Position
    metadata: {name: old-post, title: 原岗位, validUntil: 2020-01-01}
    spec: {unit: company, reportsTo: far-post}
    """
"""Documents in force on no date the check evaluates: one wholly past, one beyond the horizon."""


def test_a_document_in_force_on_no_evaluated_date_still_names_existing_entities(tmp_path: Path) -> None:
    write_repo(tmp_path, {"ops/x.yaml": NEVER_EVALUATED})
    report = check_repo(tmp_path, as_of=AS_OF)
    assert report.dates == (AS_OF,)  # 2029-01-01 is beyond the horizon
    found = [(f.entity, f.file, f.line, f.column, f.message, f.as_of) for f in only(report, "dangling-ref")]
    assert found == [
        (
            "Position/past-post",
            "ops/x.yaml",
            4,
            14,
            "unit 'compny' names no Unit; did you mean 'company'?",
            None,
        ),
        ("Position/far-post", "ops/x.yaml", 9, 14, "unit 'nonexistent' names no Unit", None),
    ]  # old-post names far-post, which exists in some version: no finding


def test_a_document_in_force_on_an_evaluated_date_is_reported_once(tmp_path: Path) -> None:
    planned_repo(tmp_path)  # lab-head, from 2027-01-01, reports to cto, which exists in no version
    [finding] = only(check_repo(tmp_path, as_of=AS_OF), "dangling-ref")
    assert (finding.entity, finding.line, finding.as_of) == ("Position/lab-head", 9, "2027-01-01")
