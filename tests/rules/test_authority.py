from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opsgov.report.finding import Finding
from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]

ORG = docs(
    doc("Unit", "marketing", "{type: department, parent: company}", title="市场部"),
    doc("Unit", "finance", "{type: department, parent: company}", title="财务部"),
    doc("Unit", "board", "{type: committee, parent: company}", title="总经理办公会"),
    doc("Position", "marketing-director", "{unit: marketing, reportsTo: ceo}", title="市场总监"),
    doc("Position", "campaign-specialist", "{unit: marketing, reportsTo: marketing-director}", title="活动专员"),
    doc("Position", "finance-director", "{unit: finance, reportsTo: ceo}", title="财务总监"),
    doc("Position", "accountant", "{unit: finance, reportsTo: finance-director}", title="会计"),
)
"""marketing (marketing-director > campaign-specialist), finance (finance-director > accountant), a
committee unit `board` without posts; both directors report to ceo."""


def matrix(spec: str, name: str = "spend") -> str:
    return doc("ApprovalMatrix", name, spec, title="费用审批")


def run(repo: Repo, *documents: str, rule: str) -> list[Finding]:
    root = repo({"ops/org-units.yaml": ORG, "ops/matrix.yaml": docs(*documents)})
    return only(check_repo(root), rule)


def clean(repo: Repo, *documents: str) -> list[str]:
    """Every finding of the authority family (none expected)."""
    root = repo({"ops/org-units.yaml": ORG, "ops/matrix.yaml": docs(*documents)})
    return [f"{f.line} {f.rule} {f.message}" for f in check_repo(root).findings]


SOUND = matrix(
    """
    subject: 营销费用
    requesters: [campaign-specialist]
    bands:
      - below: 100000
        approvers: [marketing-director]
        escalation: {after: 24h, to: ceo}
      - from: 100000
        upTo: 500000
        approvers: [marketing-director, finance-director]
        mode: all
        escalation: {after: 24h, to: ceo}
      - over: 500000
        approvers: [board]
    """
)


def test_sound_matrix_is_clean(repo: Repo) -> None:
    assert clean(repo, SOUND) == []


# approval-gap / approval-overlap


def test_upto_next_to_from_claims_the_bound_twice(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {upTo: 100000, approvers: [marketing-director]}
          - {from: 100000, approvers: [finance-director]}
        """)
    [finding] = run(repo, m, rule="approval-overlap")
    assert finding.entity == "ApprovalMatrix/spend"
    assert (finding.file, finding.line, finding.path) == ("ops/matrix.yaml", 8, "$.spec.bands[1].from")
    assert "the amount exactly 100,000 CNY is in two bands of 费用审批 (spend)" in finding.message
    assert finding.related[0].line == 7
    assert run(repo, m, rule="approval-gap") == []


def test_below_next_to_over_leaves_the_bound_uncovered(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {below: 100000, approvers: [marketing-director]}
          - {over: 100000, approvers: [finance-director]}
        """)
    [finding] = run(repo, m, rule="approval-gap")
    assert (finding.line, finding.path, finding.entity) == (7, "$.spec.bands[0].below", "ApprovalMatrix/spend")
    assert "no band of 费用审批 (spend) covers the amount exactly 100,000 CNY" in finding.message
    assert [r.line for r in finding.related] == [8]
    assert run(repo, m, rule="approval-overlap") == []


def test_gap_and_overlap_messages_read_in_band_order_with_it_or_them(repo: Repo) -> None:
    point = matrix("""
        subject: s
        bands:
          - {upTo: 100000, approvers: [marketing-director]}
          - {from: 100000, below: 500000, approvers: [finance-director]}
          - {over: 500000, approvers: [finance-director]}
        """)
    [overlap] = run(repo, point, rule="approval-overlap")
    assert overlap.message.endswith(
        "band 1 (up to 100,000 CNY inclusive) and band 2 (from 100,000 CNY and below 500,000 CNY)"
    )
    assert overlap.related[0].message == "band 1 (up to 100,000 CNY inclusive) also covers it"
    assert (
        overlap.hint
        == "write `below: 100000` in band 1 or `over: 100000` in band 2, so that exactly one of them covers it"
    )
    [gap] = run(repo, point, rule="approval-gap")
    assert gap.message == (
        "no band of 费用审批 (spend) covers the amount exactly 500,000 CNY, between band 2 (from 100,000 CNY and below "
        "500,000 CNY) and band 3 (over 500,000 CNY): such a request has no approver"
    )
    assert (
        gap.hint == "write `upTo: 500000` in band 2 or `from: 500000` in band 3, so that exactly one of them covers it"
    )
    span = matrix("""
        subject: s
        bands:
          - {upTo: 200000, approvers: [marketing-director]}
          - {from: 100000, approvers: [finance-director]}
        """)
    [overlap] = run(repo, span, rule="approval-overlap")
    assert "amounts from 100,000 CNY up to 200,000 CNY inclusive are in two bands" in overlap.message
    assert overlap.related[0].message.endswith("also covers them")


def test_gap_above_the_highest_finite_bound_uses_the_matrix_currency(repo: Repo) -> None:
    m = matrix("""
        subject: s
        currency: USD
        bands:
          - {upTo: 1000000, approvers: [marketing-director]}
        """)
    [finding] = run(repo, m, rule="approval-gap")
    assert finding.path == "$.spec.bands[0].upTo"
    assert "amounts over 1,000,000 USD, above" in finding.message


def test_gap_below_the_first_band_and_a_range_between_bands(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {from: 100, upTo: 500000, approvers: [marketing-director]}
          - {from: 1000000, approvers: [finance-director]}
        """)
    findings = run(repo, m, rule="approval-gap")
    assert [f.path for f in findings] == ["$.spec.bands[0].from", "$.spec.bands[0].upTo"]
    assert findings[0].message.startswith("no band of 费用审批 (spend) covers amounts below 100 CNY, before band 1 (")
    assert findings[1].message.startswith(
        "no band of 费用审批 (spend) covers amounts over 500,000 CNY and below 1,000,000 CNY, between band 1 ("
    )


def test_band_that_covers_no_amount(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {from: 500, upTo: 100, approvers: [marketing-director]}
          - {approvers: [finance-director]}
        """)
    findings = run(repo, m, rule="approval-gap")
    assert [f.path for f in findings] == ["$.spec.bands[0]"]
    assert "covers no amount" in findings[0].message


def test_cents_are_compared_exactly(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {upTo: 0.3, approvers: [marketing-director]}
          - {over: 0.30, below: 0.31, approvers: [finance-director]}
          - {from: 0.31, approvers: [ceo]}
        """)
    assert clean(repo, m) == []


def test_currency_defaults_to_the_organization_s(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {over: 0.01, approvers: [ceo]}
        """)
    [finding] = run(repo, m, rule="approval-gap")
    assert "amounts up to 0.01 CNY inclusive" in finding.message


# self-approval


def test_requester_unit_containing_an_approver_is_self_approval(repo: Repo) -> None:
    m = matrix("""
        subject: s
        requesters: [marketing]
        bands:
          - approvers: [marketing-director]
        """)
    [finding] = run(repo, m, rule="self-approval")
    assert (finding.line, finding.path, finding.entity) == (8, "$.spec.bands[0].approvers[0]", "ApprovalMatrix/spend")
    assert "市场总监 (marketing-director) can approve its own requests" in finding.message
    assert "requester unit 市场部 (marketing)" in finding.message
    assert finding.related[0].line == 6


def test_requester_post_that_approves_is_self_approval_unless_allowed(repo: Repo) -> None:
    m = """
        subject: s
        requesters: [campaign-specialist, finance-director]
        {allow}bands:
          - approvers: [marketing-director, finance-director]
        """
    [finding] = run(repo, matrix(m.format(allow="")), rule="self-approval")
    assert finding.path == "$.spec.bands[0].approvers[1]"
    assert "is itself a requester" in finding.message
    assert run(repo, matrix(m.format(allow="allowSelfApproval: true\n        ")), rule="self-approval") == []


@pytest.mark.parametrize(
    ("requesters", "why"),
    [
        ("[board]", "is itself a requester"),
        ("[company]", "lies in requester unit 总公司 (company)"),
        ("[board-member]", "has a requester post among its members"),
    ],
)
def test_committee_approver_that_also_requests(repo: Repo, requesters: str, why: str) -> None:
    member = doc("Position", "board-member", "{unit: board, reportsTo: ceo}")
    m = matrix(f"""
        subject: s
        requesters: {requesters}
        bands:
          - approvers: [board]
        """)
    [finding] = run(repo, m, member, rule="self-approval")
    assert why in finding.message
    assert finding.path == "$.spec.bands[0].approvers[0]"


def test_committee_approver_outside_the_requesting_units_is_fine(repo: Repo) -> None:
    m = matrix("""
        subject: s
        requesters: [marketing, finance]
        bands:
          - approvers: [board]
        """)
    assert run(repo, m, rule="self-approval") == []


PEOPLE = docs(
    doc("Person", "zhang-san", "{holds: [campaign-specialist, finance-director]}", title="张三"),
    doc("Person", "li-si", "{holds: [marketing-director]}", title="李四"),
    doc("Person", "boss", "{holds: [ceo, accountant]}"),
)


def test_person_holding_a_requester_and_an_approver_post(repo: Repo) -> None:
    m = matrix("""
        subject: s
        requesters: [campaign-specialist]
        bands:
          - below: 1000
            approvers: [marketing-director]
          - from: 1000
            approvers: [finance-director]
        """)
    root = repo({"ops/org-units.yaml": ORG, "ops/matrix.yaml": m, "ops/people.yaml": PEOPLE})
    [finding] = only(check_repo(root), "self-approval")
    assert (finding.file, finding.path) == ("ops/matrix.yaml", "$.spec.bands[1].approvers[0]")
    assert "张三 (zhang-san) can approve their own requests" in finding.message
    assert "活动专员 (campaign-specialist) (a requester) and 财务总监 (finance-director)" in finding.message
    assert sorted(r.file for r in finding.related) == ["ops/matrix.yaml", "ops/people.yaml"]


def test_person_level_sod_needs_two_different_people(repo: Repo) -> None:
    m = matrix("""
        subject: s
        requesters: [campaign-specialist]
        bands:
          - approvers: [marketing-director]
        """)
    root = repo({"ops/org-units.yaml": ORG, "ops/matrix.yaml": m, "ops/people.yaml": PEOPLE})
    assert only(check_repo(root), "self-approval") == []


# step-approval-sod


def process(preparer: str) -> str:
    return doc(
        "Process",
        "spend-process",
        f"""
        owner: marketing-director
        steps:
          - {{id: draft, title: 编制, responsible: [{preparer}], next: [approve]}}
          - {{id: approve, title: 审批, responsible: marketing-director, approval: spend}}
        """,
    )


def test_preparer_who_approves_the_matrix(repo: Repo) -> None:
    [finding] = run(repo, SOUND, process("campaign-specialist, finance-director"), rule="step-approval-sod")
    assert (finding.entity, finding.path) == ("Process/spend-process", "$.spec.steps[0].responsible[1]")
    assert "财务总监 (finance-director) prepares a request it can approve" in finding.message
    assert "band 2 of 费用审批 (spend)" in finding.message
    assert finding.related[0].line == 13
    assert run(repo, SOUND, process("campaign-specialist"), rule="step-approval-sod") == []


def test_preparer_who_approves_through_the_same_person(repo: Repo) -> None:
    root = repo(
        {
            "ops/org-units.yaml": ORG,
            "ops/matrix.yaml": docs(SOUND, process("accountant")),
            "ops/people.yaml": doc("Person", "boss", "{holds: [marketing-director, accountant]}"),
        }
    )
    [finding] = only(check_repo(root), "step-approval-sod")
    assert "boss prepares a request they can approve" in finding.message
    assert finding.path == "$.spec.steps[0].responsible[0]"


# authority-inversion


def test_higher_band_approved_by_a_junior_of_a_lower_band_approver(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {below: 1000, approvers: [marketing-director]}
          - {from: 1000, approvers: [campaign-specialist, accountant]}
        """)
    assert run(repo, m, rule="authority-inversion") == []  # the accountant is not below marketing-director
    m = m.replace("[marketing-director]", "[marketing-director, finance-director]")
    [finding] = run(repo, m, rule="authority-inversion")
    assert (finding.path, finding.entity) == ("$.spec.bands[1].approvers", "ApprovalMatrix/spend")
    assert "活动专员 (campaign-specialist) reports to 市场总监 (marketing-director)" in finding.message
    assert finding.related[0].line == 7


def test_inversion_follows_amount_order_not_document_order(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {from: 1000, approvers: [ceo]}
          - {below: 1000, approvers: [marketing-director]}
        """)
    assert run(repo, m, rule="authority-inversion") == []
    [finding] = run(repo, m.replace("[ceo]", "[campaign-specialist]"), rule="authority-inversion")
    assert finding.path == "$.spec.bands[0].approvers"


def test_a_committee_band_is_never_inverted(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - {below: 1000, approvers: [ceo]}
          - {from: 1000, approvers: [board, campaign-specialist], mode: all}
        """)
    assert run(repo, m, rule="authority-inversion") == []


# countersign-single


@pytest.mark.parametrize("mode", ["all", "sequential"])
def test_countersign_with_one_approver(repo: Repo, mode: str) -> None:
    m = matrix(f"""
        subject: s
        bands:
          - {{approvers: [ceo], mode: {mode}}}
        """)
    [finding] = run(repo, m, rule="countersign-single")
    assert (finding.line, finding.path) == (7, "$.spec.bands[0].mode")
    assert run(repo, m.replace("[ceo]", "[ceo, finance-director]"), rule="countersign-single") == []


# escalation-invalid


def test_escalation_must_go_above_every_approver(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - approvers: [marketing-director, accountant]
            mode: all
            escalation: {after: 24h, to: finance-director}
        """)
    [finding] = run(repo, m, rule="escalation-invalid")
    assert (finding.line, finding.path) == (9, "$.spec.bands[0].escalation.to")
    assert (
        "escalates to 财务总监 (finance-director), but it is not above 市场总监 (marketing-director)" in finding.message
    )
    assert [r.line for r in finding.related] == [7]
    assert run(repo, m.replace("to: finance-director", "to: ceo"), rule="escalation-invalid") == []


def test_escalation_to_an_approver_of_the_band(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - approvers: [ceo]
            escalation: {after: 24h, to: ceo}
          - approvers: [board]
            escalation: {after: 24h, to: board}
        """)
    findings = run(repo, m, rule="escalation-invalid")
    assert [f.path for f in findings] == ["$.spec.bands[0].escalation.to", "$.spec.bands[1].escalation.to"]
    assert all("itself an approver of the band" in f.message for f in findings)


def test_escalation_loop_through_a_committee(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - below: 1000
            approvers: [board]
            escalation: {after: 24h, to: ceo}
          - from: 1000
            approvers: [ceo]
            escalation: {after: 2d, to: board}
        """)
    [finding] = run(repo, m, rule="escalation-invalid")
    assert (finding.line, finding.path) == (9, "$.spec.bands[0].escalation.to")
    assert "loop: 总经理 (ceo) -> unit 总经理办公会 (board) -> 总经理 (ceo)" in finding.message
    assert [r.line for r in finding.related] == [12]
    fixed = m.replace("{after: 2d, to: board}", "{after: 2d, to: Unit/company}")
    assert run(repo, fixed, rule="escalation-invalid") == []


def test_unit_escalation_target_is_accepted(repo: Repo) -> None:
    m = matrix("""
        subject: s
        bands:
          - approvers: [marketing-director]
            escalation: {after: 24h, to: board}
        """)
    assert run(repo, m, rule="escalation-invalid") == []


def test_person_holding_a_requester_post_and_a_seat_on_the_approving_committee(repo: Repo) -> None:
    m = matrix("""
        subject: s
        requesters: [campaign-specialist]
        bands:
          - approvers: [board]
        """)
    seat = doc("Position", "board-secretary", "{unit: board, reportsTo: ceo}")
    person = doc("Person", "zhao", "{holds: [campaign-specialist, board-secretary]}")
    [finding] = run(repo, m, seat, person, rule="self-approval")
    assert finding.path == "$.spec.bands[0].approvers[0]"
    assert "board-secretary (a member of approver unit 总经理办公会 (board) of band 1)" in finding.message


def test_a_single_responsible_post_is_checked_too(repo: Repo) -> None:
    single = process("campaign-specialist").replace(
        "responsible: [campaign-specialist]", "responsible: finance-director"
    )
    [finding] = run(repo, SOUND, single, rule="step-approval-sod")
    assert finding.path == "$.spec.steps[0].responsible"
