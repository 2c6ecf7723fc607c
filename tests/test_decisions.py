"""FORMAT.md 1.1 "decisions beyond money", "bodies that decide by vote" and the waiver additions."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.commands.diff import authority_sentence
from opsgov.model.bands import Interval, Measure, interval_words
from opsgov.report.formats.junit import JunitReporter, JunitStrictReporter
from opsgov.report.formats.markdown import render_markdown
from opsgov.report.formats.sarif import SarifReporter
from opsgov.report.formats.text import TextReporter
from tests.util import check_repo, doc, docs, only, usage_error

Repo = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[1]

ORG = docs(
    doc("Unit", "supply", "{type: department, parent: company, owns: [planning]}", title="供应链部"),
    doc("Position", "supply-director", "{unit: supply, reportsTo: ceo}", title="供应链总监"),
    doc("Position", "planner", "{unit: supply, reportsTo: supply-director}", title="计划员"),
    doc("Unit", "sales", "{type: department, parent: company}", title="销售部"),
    doc("Position", "sales-director", "{unit: sales, reportsTo: ceo}", title="销售总监"),
    doc("Responsibility", "planning", "{}", title="生产计划"),
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- one wording for every quantity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "value", "words"),
    [
        (Measure("money", "CNY"), "200000", "200,000 CNY"),
        (Measure("money"), "200000", "200,000"),
        (Measure("percent"), "5", "5%"),
        (Measure("percent"), "5.50", "5.5%"),
        (Measure("percent"), "100", "100%"),
        (Measure("days"), "30", "30 days"),
        (Measure("days"), "1", "1 day"),
        (Measure("count"), "1200", "1,200"),
    ],
)
def test_amounts_carry_their_unit(measure: Measure, value: str, words: str) -> None:
    assert measure.amount(Decimal(value)) == words


def test_intervals_in_words_carry_the_unit() -> None:
    five = Interval(high=Decimal(5), high_inclusive=True)
    assert interval_words(five, Measure("percent")) == "up to 5% inclusive"
    assert interval_words(five, Measure("percent"), chinese=True) == "5%（含）以下"
    assert interval_words(Interval(Decimal(30), False), Measure("days")) == "over 30 days"
    assert interval_words(Interval(Decimal(30), False), Measure("days"), chinese=True) == "30 天（不含）以上"
    assert Measure("days").amount(Decimal(1), chinese=True) == "1 天"
    assert interval_words(Interval(), Measure("none")) == "no amount (a decision right)"
    assert interval_words(Interval(), Measure("none"), chinese=True) == "不涉及金额"
    # a bare currency still means money (callers from before quantities)
    assert interval_words(five, "CNY") == "up to 5 CNY inclusive"


def test_gap_message_in_a_percent_matrix_speaks_percent(repo: Repo) -> None:
    matrix = doc(
        "ApprovalMatrix",
        "plan",
        """
        subject: 计划调整
        quantity: percent
        bands:
          - {upTo: 5, approvers: [supply-director]}
          - {over: 10, approvers: [ceo]}
        """,
    )
    root = repo({"ops/org-units.yaml": ORG, "ops/m.yaml": matrix})
    (gap,) = only(check_repo(root), "approval-gap")
    assert (gap.file, gap.line, gap.entity) == ("ops/m.yaml", 8, "ApprovalMatrix/plan")  # band 1's upTo
    assert "covers percentages over 5% up to 10% inclusive, between band 1 (up to 5% inclusive)" in gap.message
    assert "CNY" not in gap.message


def test_gap_message_in_a_days_matrix_speaks_days(repo: Repo) -> None:
    """A gap in days is a duration, not an amount of money ("覆盖金额 3 天" before)."""
    matrix = doc(
        "ApprovalMatrix",
        "leave",
        "{subject: 休假, quantity: days, bands: [{below: 3, approvers: [supply-director]},"
        " {over: 3, approvers: [ceo]}]}",
    )
    root = repo({"ops/org-units.yaml": ORG, "ops/m.yaml": matrix})
    (gap,) = only(check_repo(root), "approval-gap")
    assert (gap.file, gap.line, gap.entity) == ("ops/m.yaml", 4, "ApprovalMatrix/leave")
    assert gap.message.startswith("no band of leave covers the duration exactly 3 days, between band 1 (below 3 days)")
    (chinese,) = only(check_repo(root, lang="zh-CN"), "approval-gap")
    assert "没有任何档位覆盖时长 恰好 3 天" in chinese.message and "金额" not in chinese.message


# -- bad input: schema findings at their node ----------------------------------------------------


BAD = {
    "none with bounds": (
        "{subject: s, quantity: none, bands: [{upTo: 5, approvers: [ceo]}]}",
        "upTo",
        "spec.bands[0].upTo: a matrix with quantity none has no amounts, so its band has no bounds",
    ),
    "none with two bands": (
        "{subject: s, quantity: none, bands: [{approvers: [ceo]}, {approvers: [supply-director]}]}",
        "{approvers: [supply-director]}",
        "a matrix with quantity none (a decision right without an amount) has exactly one band; this one has 2",
    ),
    "percent above 100": (
        "{subject: s, quantity: percent, bands: [{upTo: 5, approvers: [ceo]}, {over: 5, below: 150, approvers: [a]}]}",
        "150",
        "spec.bands[1].below: 150 is above 100, but the matrix measures a percentage (0 to 100)",
    ),
    "currency on days": (
        "{subject: s, quantity: days, currency: CNY, bands: [{approvers: [ceo]}]}",
        "currency",
        "spec.currency applies to quantity money only; this matrix measures days",
    ),
    "unknown quantity": (
        "{subject: s, quantity: hours, bands: [{approvers: [ceo]}]}",
        "hours",
        "spec.quantity must be one of money, percent, count, days, none; not 'hours'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_quantity_input_is_a_schema_finding_at_its_node(repo: Repo, case: str) -> None:
    spec, needle, message = BAD[case]
    root = repo({"ops/org-units.yaml": ORG, "ops/m.yaml": doc("ApprovalMatrix", "m", spec)})
    report = check_repo(root)
    (finding,) = [f for f in report.findings if f.file == "ops/m.yaml"]
    column = len("spec: ") + spec.index(needle) + 1  # the spec is line 4 of the document
    assert (finding.rule, finding.line, finding.column, finding.entity) == ("schema", 4, column, "ApprovalMatrix/m")
    assert finding.message == message


def test_a_voting_body_without_members_is_a_schema_finding(repo: Repo) -> None:
    unit = doc("Unit", "board", "{type: committee, parent: company, voting: {members: [], quorum: 1}}")
    root = repo({"ops/board.yaml": unit})
    (finding,) = check_repo(root).findings
    column = unit.splitlines()[3].index("members") + 1  # a list is located at its key
    assert (finding.rule, finding.file, finding.line, finding.column) == ("schema", "ops/board.yaml", 4, column)
    assert finding.message == "spec.voting.members must list at least 1 item"


def test_a_voting_member_is_a_position_reference(repo: Repo) -> None:
    unit = doc("Unit", "board", "{type: committee, parent: company, voting: {members: [ceo, cfo], quorum: 1}}")
    (finding,) = check_repo(repo({"ops/board.yaml": unit})).findings
    assert (finding.rule, finding.line, finding.column) == ("dangling-ref", 4, unit.splitlines()[3].index("cfo") + 1)
    assert "'cfo' names no Position" in finding.message


# -- who-approves --------------------------------------------------------------------------------


def test_who_approves_a_decision_right_without_an_amount() -> None:
    status, out, _ = run("who-approves", "department-head-appointment", str(ROOT))
    assert status == 0
    assert out.splitlines() == [
        "部门负责人任免 (department-head-appointment), no amount (a decision right)",
        "band 1: no amount (a decision right)",
        "mode: any (one approver suffices)",
        "approvers: 总经理办公会 (gm-office-meeting) (decided by a vote of 总经理办公会: quorum 3 of 5, "
        "simple majority)",
        "escalation: none",
    ]
    status, out, _ = run("who-approves", "department-head-appointment", str(ROOT), "--format", "json")
    answer = json.loads(out)
    assert (answer["quantity"], answer["amount"], answer["category"], answer["currency"]) == (
        "none",
        None,
        "人事任免",
        None,
    )
    assert answer["band"]["approvers"][0]["vote"] == "decided by a vote of 总经理办公会: quorum 3 of 5, simple majority"


def test_who_approves_the_production_plan_in_percent() -> None:
    status, out, _ = run("who-approves", "production-plan-change", "5", str(ROOT))
    assert status == 0
    assert out.splitlines()[:3] == [
        "生产计划调整审批 (production-plan-change), 5%",
        "band 1: up to 5% inclusive",
        "mode: any (one approver suffices)",
    ]
    status, out, _ = run("who-approves", "production-plan-change", "5.01", str(ROOT))
    assert out.splitlines()[1] == "band 2: over 5%"


def test_an_amount_for_a_decision_right_or_none_for_an_amount_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "who-approves", "department-head-appointment", "5", str(ROOT)])
    usage_error(result, "is a decision right without an amount (quantity: none); ask without one")
    result = CliRunner().invoke(main, ["--lang", "en", "who-approves", "production-plan-change", str(ROOT)])
    usage_error(result, "approval matrix 'production-plan-change' needs an amount (percent); e.g.")
    result = CliRunner().invoke(main, ["--lang", "en", "who-approves", "production-plan-change", "150", str(ROOT)])
    usage_error(result, "amount 150 is above 100, but approval matrix 'production-plan-change' measures a percentage")
    result = CliRunner().invoke(
        main, ["--lang", "en", "who-approves", "production-plan-change", "5", str(ROOT), "extra"]
    )
    usage_error(result, "too many arguments")


# -- voting bodies -------------------------------------------------------------------------------


def board(members: str, quorum: int) -> str:
    spec = f"{{type: committee, parent: company, voting: {{members: {members}, quorum: {quorum}}}}}"
    return doc("Unit", "board", spec)


def test_body_quorum_counts_filled_member_posts_only_with_persons(repo: Repo) -> None:
    members = "[ceo, supply-director, sales-director]"
    root = repo({"ops/org-units.yaml": ORG, "ops/board.yaml": board(members, 2)})
    assert only(check_repo(root), "body-quorum") == []  # vacancy unknown without Persons
    person = doc("Person", "wang", "{holds: [ceo]}")
    root = repo({"ops/org-units.yaml": ORG, "ops/board.yaml": board(members, 2), "ops/people.yaml": person})
    (finding,) = only(check_repo(root), "body-quorum")
    line = board(members, 2).splitlines()[3]
    at = (4, line.index("quorum: 2") + len("quorum: ") + 1)
    assert (finding.file, (finding.line, finding.column), finding.entity) == ("ops/board.yaml", at, "Unit/board")
    assert finding.message == (
        "voting body board cannot decide: only 1 of its 3 member posts is filled, below its quorum of 2 "
        "(vacant: 供应链总监 (supply-director) and 销售总监 (sales-director))"
    )
    assert [r.column for r in finding.related] == [line.index("supply-director") + 1, line.index("sales-director") + 1]
    person = docs(person, doc("Person", "li", "{holds: [sales-director]}"))
    files = {"ops/org-units.yaml": ORG, "ops/board.yaml": board(members, 2), "ops/people.yaml": person}
    assert only(check_repo(repo(files)), "body-quorum") == []


def test_body_quorum_counts_acting_holders_and_not_former_ones(repo: Repo) -> None:
    """On the date, an acting holder fills a member post (it can vote); a former holder does not."""
    members = "[ceo, supply-director, sales-director]"
    people = docs(
        doc("Person", "wang", "{holds: [ceo]}"),
        doc(
            "Person",
            "zhao",
            "{holds: [{position: supply-director, acting: true, from: 2026-11-01, until: 2026-12-31}]}",
        ),
        doc("Person", "li", "{holds: [{position: sales-director, until: 2026-10-31}]}"),
    )
    files = {"ops/org-units.yaml": ORG, "ops/board.yaml": board(members, 3), "ops/people.yaml": people}
    found = [f for f in only(check_repo(repo(files)), "body-quorum") if f.as_of is None]
    assert [(f.file, f.line, f.entity, f.message) for f in found] == [
        (
            "ops/board.yaml",
            4,
            "Unit/board",
            "voting body board cannot decide: only 2 of its 3 member posts are filled, below its quorum of 3 "
            "(vacant: 销售总监 (sales-director))",
        )
    ]
    files["ops/board.yaml"] = board(members, 2)  # wang and zhao (acting) make the quorum
    assert [f for f in only(check_repo(repo(files)), "body-quorum") if f.as_of is None] == []


def test_body_quorum_lost_on_a_later_change_date_is_reported_with_it(repo: Repo) -> None:
    """zhao's acting appointment ends on 2026-12-31: from 2027-01-01 the board cannot decide, and the
    multi-date check says so now, with the date."""
    members = "[ceo, supply-director, sales-director]"
    people = docs(
        doc("Person", "wang", "{holds: [ceo]}"),
        doc(
            "Person",
            "zhao",
            "{holds: [{position: supply-director, acting: true, from: 2026-11-01, until: 2026-12-31}]}",
        ),
    )
    files = {"ops/org-units.yaml": ORG, "ops/board.yaml": board(members, 2), "ops/people.yaml": people}
    (finding,) = only(check_repo(repo(files)), "body-quorum")
    assert (finding.file, finding.line, finding.entity, finding.as_of) == (
        "ops/board.yaml",
        4,
        "Unit/board",
        "2027-01-01",
    )
    assert finding.message == (
        "voting body board cannot decide: only 1 of its 3 member posts is filled, below its quorum of 2 "
        "(vacant: 供应链总监 (supply-director) and 销售总监 (sales-director))"
    )


def test_body_quorum_above_members(repo: Repo) -> None:
    root = repo({"ops/org-units.yaml": ORG, "ops/board.yaml": board("[ceo]", 2)})
    (finding,) = only(check_repo(root), "body-quorum")
    assert (finding.line, finding.column) == (4, board("[ceo]", 2).splitlines()[3].index("quorum: 2") + 9)
    assert finding.message == "voting body board has a quorum of 2 but only 1 member: it can never decide"


def test_explain_a_voting_body() -> None:
    status, out, _ = run("explain", "gm-office-meeting", str(ROOT))
    assert status == 0
    assert "Decides by vote:\n  decided by a vote of 总经理办公会: quorum 3 of 5, simple majority\n" in out
    assert "  member: 财务总监 (Position/finance-director)\n" in out
    status, out, _ = run("explain", "finance-director", str(ROOT))
    assert (
        "  votes in 总经理办公会 (Unit/gm-office-meeting): decided by a vote of 总经理办公会: quorum 3 of 5, "
        "simple majority\n"
        "    as a member: the body approves 部门负责人任免 (ApprovalMatrix/department-head-appointment), band 1: "
        "no amount (a decision right); sole approver\n"
    ) in out


# -- waivers -------------------------------------------------------------------------------------


def waiver(approver: str, target: str, rule: str = "duty-overlap", ticket: str = "") -> str:
    extra = f", ticket: {ticket}" if ticket else ""
    return doc(
        "Waiver",
        "w",
        f"{{rule: {rule}, targets: [{target}], reason: r, approvedBy: {approver}, expires: 2099-12-31{extra}}}",
    )


MATRIX = doc(
    "ApprovalMatrix",
    "plan",
    "{subject: s, quantity: percent, requesters: [sales], bands: [{upTo: 5, approvers: [supply-director]}, "
    "{over: 5, approvers: [ceo]}]}",
)
PROCESS = doc(
    "Process",
    "p",
    "{owner: supply, steps: [{id: a, title: A, responsible: [sales-director]}]}",
)


@pytest.mark.parametrize(
    ("approver", "target", "why"),
    [
        ("ceo", "Position/ceo", "waiver w is approved by 总经理 (ceo), the very position it waives"),
        (
            "planner",
            "Responsibility/planning",
            "计划员 (planner) is a post inside unit 供应链部 (supply), which owns it",
        ),
        ("supply-director", "ApprovalMatrix/plan", "供应链总监 (supply-director) is an approver in it"),
        (
            "sales-director",
            "ApprovalMatrix/plan",
            "销售总监 (sales-director) sits in unit 销售部 (sales), a requester in it",
        ),
        ("planner", "Process/p", "计划员 (planner) is a post inside unit 供应链部 (supply), which owns it"),
        ("sales-director", "Process/p", "销售总监 (sales-director) is responsible for one of its steps"),
        (
            "planner",
            "Unit/supply",
            "waiver w is approved by 计划员 (planner), a party to what it waives (unit 供应链部 (supply)): "
            "计划员 (planner) is a post inside it",
        ),
        (
            "supply-director",
            "Unit/company",
            "a party to what it waives (unit 总公司 (company)): 供应链总监 (supply-director) is a post inside it",
        ),
    ],
)
def test_waiver_self_approved_names_the_party_and_why(repo: Repo, approver: str, target: str, why: str) -> None:
    files = {"ops/org-units.yaml": ORG, "ops/more.yaml": docs(MATRIX, PROCESS), "ops/w.yaml": waiver(approver, target)}
    (finding,) = only(check_repo(repo(files)), "waiver-self-approved")
    assert (finding.file, finding.line, finding.entity) == ("ops/w.yaml", 4, "Waiver/w")
    assert why in finding.message
    assert finding.related[0].message == "the waived target"


@pytest.mark.parametrize(
    ("approver", "target"),
    [("ceo", "Responsibility/planning"), ("sales-director", "Position/ceo"), ("planner", "ApprovalMatrix/plan")],
)
def test_an_outsider_may_approve_a_waiver(repo: Repo, approver: str, target: str) -> None:
    files = {"ops/org-units.yaml": ORG, "ops/more.yaml": docs(MATRIX, PROCESS), "ops/w.yaml": waiver(approver, target)}
    assert only(check_repo(repo(files)), "waiver-self-approved") == []


def leave(name: str, source: str, to: str, window: str = "validFrom: 2026-11-16, validUntil: 2026-12-04") -> str:
    return doc("Delegation", name, f"{{from: {source}, to: {to}, {window}, reason: 年假, approvedBy: ceo}}")


@pytest.mark.parametrize(
    ("source", "delegate", "target", "why"),
    [
        ("supply-director", "planner", "ApprovalMatrix/plan", "供应链总监 (supply-director) is an approver in it"),
        ("sales-director", "ceo", "Process/p", "销售总监 (sales-director) is responsible for one of its steps"),
        (
            "supply-director",
            "planner",
            "Position/supply-director",
            "供应链总监 (supply-director) is the very position it waives",
        ),
    ],
)
def test_a_waiver_approved_by_the_delegate_of_a_party_is_self_approved(
    repo: Repo, source: str, delegate: str, target: str, why: str
) -> None:
    """The approver stands in for a party through a Delegation in force on the as-of date: it is the
    party's deputy, so its approval is the party's own."""
    files = {
        "ops/org-units.yaml": ORG,
        "ops/more.yaml": docs(MATRIX, PROCESS),
        "ops/w.yaml": waiver(delegate, target),
        "ops/leave.yaml": leave("dir-leave", source, delegate),
    }
    (finding,) = only(check_repo(repo(files)), "waiver-self-approved")
    assert (finding.file, finding.line, finding.entity) == ("ops/w.yaml", 4, "Waiver/w")
    words = {"planner": "计划员 (planner)", "ceo": "总经理 (ceo)", "supply-director": "供应链总监 (supply-director)"}
    waived = {
        "ApprovalMatrix/plan": "approval matrix plan",
        "Process/p": "process p",
        "Position/supply-director": "position 供应链总监 (supply-director)",
    }
    assert finding.message == (
        f"waiver w is approved by {words[delegate]}, the delegate of {words.get(source, '销售总监 (sales-director)')} "
        f"through Delegation/dir-leave (from 2026-11-16 to 2026-12-04), a party to what it waives ({waived[target]}): "
        f"{why}"
    )
    assert [(r.file, r.line, r.message) for r in finding.related] == [
        ("ops/w.yaml", 4, "the waived target"),
        ("ops/leave.yaml", 4, f"{words[delegate]} is the delegate here"),
    ]


def test_a_delegation_not_in_force_on_the_date_makes_no_party(repo: Repo) -> None:
    files = {
        "ops/org-units.yaml": ORG,
        "ops/more.yaml": docs(MATRIX, PROCESS),
        "ops/w.yaml": waiver("planner", "ApprovalMatrix/plan"),
        "ops/leave.yaml": leave(
            "dir-leave", "supply-director", "planner", "validFrom: 2026-06-01, validUntil: 2026-06-20"
        ),
    }
    assert only(check_repo(repo(files)), "waiver-self-approved") == []
    # A delegation that starts later is reported from its first day (the multi-date check).
    files["ops/leave.yaml"] = leave(
        "dir-leave", "supply-director", "planner", "validFrom: 2026-12-01, validUntil: 2026-12-20"
    )
    (finding,) = only(check_repo(repo(files)), "waiver-self-approved")
    assert finding.as_of == "2026-12-01"
    assert "through Delegation/dir-leave (from 2026-12-01 to 2026-12-20)" in finding.message


def test_a_waivers_ticket_is_in_every_report(repo: Repo) -> None:
    overlap = docs(
        ORG,
        doc("Unit", "sales2", "{type: department, parent: company, owns: [planning]}"),
    )
    files = {"ops/org-units.yaml": overlap, "ops/w.yaml": waiver("ceo", "Responsibility/planning", ticket="ABC-1")}
    report = check_repo(repo(files))
    (waived,) = [f for f in report.findings if f.waived]
    assert waived.rule == "duty-overlap"
    assert "(waived by Waiver/w, ticket ABC-1)" in TextReporter().render(report)
    sarif = json.loads(SarifReporter().render(report))
    (suppressed,) = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert suppressed["suppressions"][0]["justification"] == "waived by Waiver/w: r (ticket ABC-1)"
    assert "waived by Waiver/w, ticket ABC-1" in render_markdown(report, {})
    tree = ET.fromstring(JunitReporter().render(report).split("\n", 1)[1])
    (skipped,) = tree.iter("skipped")
    assert skipped.get("message") == "1 waived by Waiver/w, ticket ABC-1"
    strict = ET.fromstring(JunitStrictReporter().render(report).split("\n", 1)[1])
    (skipped,) = strict.iter("skipped")
    assert skipped.text == "waived by Waiver/w, ticket ABC-1"


def test_a_self_approved_waiver_cannot_be_waived(repo: Repo) -> None:
    second = doc(
        "Waiver",
        "w2",
        "{rule: waiver-self-approved, targets: [Waiver/w], reason: r, approvedBy: sales-director, expires: 2099-12-31}",
    )
    files = {"ops/org-units.yaml": ORG, "ops/w.yaml": docs(waiver("ceo", "Position/ceo"), second)}
    report = check_repo(repo(files))
    (finding,) = only(report, "waiver-self-approved")
    assert not finding.waived


# -- tables grouped by category ------------------------------------------------------------------


def test_approvals_table_groups_matrices_by_category() -> None:
    status, out, _ = run("--lang", "zh-CN", "render", "approvals", str(ROOT), "--format", "md")  # the last --lang wins
    assert status == 0
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert headings[:4] == ["# 审批权限", "## 人事任免", "### 部门负责人任免 (任免部门负责人)", "## 价格调整"]
    assert "## 生产计划" in headings and "## 费用支出" in headings
    assert "| 5%（含）以下 | 供应链总监 |" in out
    assert "| 不涉及金额 | 总经理办公会（表决：5 人中 3 人出席，简单多数通过） | 任一审批人 | 无 |" in out
    status, out, _ = run("--lang", "zh-CN", "render", "approvals", str(ROOT), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows[0][-1] == "分类"
    assert rows[1][:3] == ["department-head-appointment", "部门负责人任免 (任免部门负责人)", "不涉及金额"]
    assert rows[1][-1] == "人事任免"


def test_diff_words_limits_in_the_matrix_quantity() -> None:
    five, ten = (Decimal(5), True), (Decimal(10), True)
    assert authority_sentence("Position/x", five, ten, Measure("percent")) == "x: now approves up to 10%, was 5%"
    none = authority_sentence("Position/x", None, (None, True), Measure("none"))
    assert none == "x: now approves the decision (no amount) (was nothing)"


def test_a_hostile_ticket_reaches_the_terminal_escaped(repo: Repo) -> None:
    overlap = docs(ORG, doc("Unit", "sales2", "{type: department, parent: company, owns: [planning]}"))
    files = {"ops/org-units.yaml": overlap, "ops/w.yaml": waiver("ceo", "Responsibility/planning", ticket='"A\\eB"')}
    text = TextReporter().render(check_repo(repo(files)))
    assert "\x1b" not in text
    assert "(waived by Waiver/w, ticket A\\x1bB)" in text


@pytest.mark.parametrize("ignore", [(), ("waiver-self-approved",)])
def test_a_self_approved_waiver_waives_nothing(repo: Repo, ignore: tuple[str, ...]) -> None:
    """Issue 15: a waiver approved by the party it excuses is refused: its findings are reported as usual."""
    overlap = docs(ORG, doc("Unit", "sales2", "{type: department, parent: company, owns: [planning]}"))
    files = {"ops/org-units.yaml": overlap, "ops/w.yaml": waiver("planner", "Responsibility/planning")}
    report = check_repo(repo(files), ignore=ignore)
    (finding,) = only(report, "duty-overlap")
    assert (finding.entity, finding.waived, finding.waived_by) == ("Responsibility/planning", False, "")
    assert report.exit_code("error") == 1
    assert only(report, "waiver-unused") == []
    assert [f.entity for f in only(report, "waiver-self-approved")] == ([] if ignore else ["Waiver/w"])
