from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]

HEADLESS = docs(
    doc(
        "Policy",
        "dept-head",
        "{severity: error, match: {kinds: [Unit]}, validations: [{expression: 'has(object.spec.head)'}]}",
    ),
)
UNITS = docs(doc("Unit", "sales", "{type: department, parent: company}", "销售部"))


def waiver(
    name: str = "sales-head", *, rule: str = "policy/dept-head", target: str = "Unit/sales", expires: str = "2027-01-31"
) -> str:
    return doc(
        "Waiver",
        name,
        f"{{rule: {rule}, targets: [{target}], reason: 负责人招聘中, approvedBy: ceo, expires: {expires}}}",
    )


def files(*extra: str) -> dict[str, str]:
    return {"policies/p.yaml": HEADLESS, "ops/units.yaml": UNITS, "ops/waivers.yaml": docs(*extra)}


def test_a_waiver_marks_its_finding_waived_and_the_run_passes(repo: Repo) -> None:
    report = check_repo(repo(files(waiver())))
    [finding] = only(report, "policy/dept-head")
    assert finding.waived and finding.entity == "Unit/sales"
    assert only(report, "waiver-unused") == [] and only(report, "waiver-expired") == []
    assert report.counts()["error"] == 0 and report.counts()["waived"] == 1
    assert report.exit_code("error") == 0


def test_without_the_waiver_the_finding_fails_the_run(repo: Repo) -> None:
    report = check_repo(repo({"policies/p.yaml": HEADLESS, "ops/units.yaml": UNITS}))
    [finding] = only(report, "policy/dept-head")
    assert not finding.waived and report.exit_code("error") == 1


def test_an_expired_waiver_is_an_error_and_its_findings_count_again(repo: Repo) -> None:
    root = repo(files(waiver(expires="2026-11-22")))
    report = check_repo(root, as_of=datetime.date(2026, 11, 23))
    [finding] = only(report, "policy/dept-head")
    assert not finding.waived
    [expired] = only(report, "waiver-expired")
    assert (expired.file, expired.line, expired.path) == ("ops/waivers.yaml", 4, "$.spec.expires")
    assert expired.entity == "Waiver/sales-head" and expired.level == "error"
    assert "expired on 2026-11-22" in expired.message and "; the finding it covered counts again" in expired.message
    # the expiry day itself still holds
    held = check_repo(root, as_of=datetime.date(2026, 11, 22))
    assert only(held, "waiver-expired") == [] and only(held, "policy/dept-head")[0].waived


def test_a_waiver_that_covers_nothing_is_unused(repo: Repo) -> None:
    report = check_repo(repo(files(waiver(), waiver("company-head", rule="duty-overlap"))))
    [unused] = only(report, "waiver-unused")
    assert unused.entity == "Waiver/company-head" and unused.level == "warning"
    assert (unused.file, unused.path) == ("ops/waivers.yaml", "$.metadata.name")
    assert report.exit_code("error") == 0 and report.exit_code("warning") == 1


def test_a_waiver_for_a_rule_that_did_not_run_is_not_unused(repo: Repo) -> None:
    root = repo(files(waiver()))
    assert only(check_repo(root, ignore=("policy/",)), "waiver-unused") == []
    assert only(check_repo(root, levels={"policy/dept-head": "off"}), "waiver-unused") == []


def test_a_waiver_naming_no_rule_says_so(repo: Repo) -> None:
    report = check_repo(
        repo(files(waiver(), waiver("typo", rule="duty-overlapp"), waiver("gone", rule="policy/dept-heads")))
    )
    messages = {f.entity: (f.message, f.hint, f.path) for f in only(report, "waiver-unused")}
    assert messages["Waiver/typo"] == (
        "waiver typo covers nothing: 'duty-overlapp' is not a rule id",
        "did you mean 'duty-overlap'?",
        "$.spec.rule",
    )
    assert messages["Waiver/gone"][1] == "did you mean 'policy/dept-head'?"


def test_a_waiver_suggests_rule_ids_as_every_other_place_does(repo: Repo) -> None:
    """Rule ids share long prefixes: like --select and opsgov.yaml (suggest.RULE_IDS), only a typo is suggested."""
    report = check_repo(repo(files(waiver(), waiver("gaps", rule="approval-gaps"), waiver("vague", rule="review"))))
    hints = {f.entity: f.hint for f in only(report, "waiver-unused")}
    assert hints["Waiver/gaps"] == "did you mean 'approval-gap'?"
    assert hints["Waiver/vague"] == "`opsgov rules` lists the rule ids"  # not review-overdue: another rule


def test_an_impossible_date_is_a_schema_error(repo: Repo) -> None:
    report = check_repo(repo(files(waiver(), waiver("bad-date", target="Unit/company", expires="2026-02-30"))))
    [bad] = only(report, "schema")
    assert (bad.path, bad.entity) == ("$.spec.expires", "Waiver/bad-date")
    assert "not a day of the calendar" in bad.message and bad.hint == "2026-02 has 28 days"
    assert only(report, "waiver-unused") == []


def test_an_impossible_date_is_reported_beside_another_schema_error(repo: Repo) -> None:
    """Every schema error of a document is reported: the impossible expiry date too, not only the ticket."""
    bad = doc(
        "Waiver",
        "bad-date",
        "{rule: policy/dept-head, targets: [Unit/company], reason: x, approvedBy: ceo,"
        " expires: 2026-02-30, ticket: 42}",
    )
    report = check_repo(repo(files(waiver(), bad)))
    assert sorted((f.path, f.message) for f in only(report, "schema")) == [
        ("$.spec.expires", "spec.expires: '2026-02-30' is not a day of the calendar"),
        ("$.spec.ticket", "spec.ticket must be text, not 42"),
    ]


def test_a_waiver_covers_only_its_targets_and_its_rule(repo: Repo) -> None:
    units = docs(
        doc("Unit", "sales", "{type: department, parent: company}"),
        doc("Unit", "legal", "{type: department, parent: company}"),
    )
    report = check_repo(repo({**files(waiver()), "ops/units.yaml": units}))
    waived = {f.entity: f.waived for f in only(report, "policy/dept-head")}
    assert waived == {"Unit/sales": True, "Unit/legal": False}


def test_a_built_in_rule_finding_is_waived(repo: Repo) -> None:
    text = docs(
        doc("Responsibility", "pricing", "{}"),
        doc("Unit", "sales", "{parent: company, owns: [pricing]}"),
        doc("Unit", "marketing", "{parent: company, owns: [pricing]}"),
    )
    report = check_repo(
        repo({"ops/units.yaml": text, "ops/w.yaml": waiver(rule="duty-overlap", target="Responsibility/pricing")})
    )
    [overlap] = only(report, "duty-overlap")
    assert overlap.waived and report.exit_code("error") == 0
    assert overlap.waived_by == "Waiver/sales-head: 负责人招聘中"
    from opsgov.report.formats import REPORTERS

    [result] = [
        r
        for r in json.loads(REPORTERS["sarif"]().render(report))["runs"][0]["results"]
        if r["ruleId"] == "duty-overlap"
    ]
    assert result["suppressions"][0]["justification"] == "waived by Waiver/sales-head: 负责人招聘中"


def test_cli_today_decides_expiry(repo: Repo) -> None:
    from click.testing import CliRunner

    from opsgov.cli import main

    root = repo(files(waiver(expires="2027-01-31")))
    runner = CliRunner()
    before = runner.invoke(main, ["--lang", "en", "check", str(root), "--today", "2027-01-31"], catch_exceptions=False)
    assert before.exit_code == 0 and "(waived by Waiver/sales-head)" in before.output
    after = runner.invoke(main, ["check", str(root), "--today", "2027-02-01"], catch_exceptions=False)
    assert after.exit_code == 1 and "waiver-expired" in after.output
    bad = runner.invoke(main, ["check", str(root), "--today", "2027-02-30"], catch_exceptions=False)
    assert bad.exit_code == 2
    assert (
        "Invalid value for '--as-of' / '--today': '2027-02-30' is not a day of the calendar: 2027-02 has 28 days"
        in (bad.output)
    )
    malformed = runner.invoke(main, ["check", str(root), "--today", "2027-2-3"], catch_exceptions=False)
    assert malformed.exit_code == 2
    assert "'2027-2-3' is not a date: write YYYY-MM-DD, e.g. 2027-01-01" in malformed.output
