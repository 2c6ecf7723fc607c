"""Delegations of approval authority: the four delegation rules, and self-approval and
step-approval-sod through delegations in force (messages name the Delegation and its window)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opsgov.report.finding import Finding
from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]

ORG = docs(
    doc("Unit", "finance", "{type: department, parent: company}", title="财务部"),
    doc("Position", "finance-director", "{unit: finance, reportsTo: ceo}", title="财务总监"),
    doc("Position", "finance-manager", "{unit: finance, reportsTo: finance-director}", title="财务经理"),
    doc("Position", "accountant", "{unit: finance, reportsTo: finance-manager}", title="会计"),
    doc("Position", "frozen", "{unit: finance, reportsTo: finance-director, headcount: 0}", title="冻结岗位"),
    doc(
        "ApprovalMatrix",
        "payments",
        """
        subject: payments
        requesters: [accountant]
        bands:
          - {below: 200000, approvers: [finance-manager]}
          - {from: 200000, upTo: 1000000, approvers: [finance-director]}
          - {over: 1000000, approvers: [ceo]}
        """,
        title="付款审批",
    ),
)


def delegation(name: str, spec: str) -> str:
    return doc("Delegation", name, spec, title="授权")


def spec(
    source: str = "finance-director",
    to: str = "finance-manager",
    *,
    extra: str = "",
    window: str = "validFrom: 2026-11-16, validUntil: 2026-12-04",
    approver: str = "ceo",
) -> str:
    return f"{{from: {source}, to: {to}, {window}, reason: 年假, approvedBy: {approver}{extra}}}"


def run(repo: Repo, *documents: str, rule: str) -> list[Finding]:
    root = repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": docs(*documents)})
    return only(check_repo(root), rule)


def messages(findings: list[Finding]) -> list[tuple[str, str, int, str]]:
    return [(f.entity, f.file, f.line, f.message) for f in findings]


def test_a_sound_delegation_is_clean(repo: Repo) -> None:
    root = repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": delegation("cfo-leave", spec())})
    assert [f"{f.rule} {f.message}" for f in check_repo(root).findings] == []


def test_exceeds_a_cap_above_the_most_from_may_approve(repo: Repo) -> None:
    found = run(repo, delegation("cfo-leave", spec(extra=", upTo: 2000000")), rule="delegation-exceeds")
    assert messages(found) == [
        (
            "Delegation/cfo-leave",
            "ops/delegations.yaml",
            4,
            "授权 (cfo-leave) lets 财务经理 (finance-manager) approve up to 2,000,000 CNY in 付款审批 (payments), "
            "but 财务总监 (finance-director) may approve only up to 1,000,000 CNY there",
        )
    ]


def test_exceeds_a_percentage_above_100_even_where_from_has_no_upper_bound(repo: Repo) -> None:
    """A percent matrix measures 0 to 100 (a band bound above 100 is a schema error): so does a cap."""
    plan = doc(
        "ApprovalMatrix",
        "plan-change",
        "{subject: 计划调整, quantity: percent, bands: [{upTo: 5, approvers: [finance-manager]},"
        " {over: 5, approvers: [finance-director]}]}",
        title="计划调整",
    )
    capped = delegation("cfo-leave", spec(extra=", matrices: [plan-change], upTo: 500"))
    assert messages(run(repo, plan, capped, rule="delegation-exceeds")) == [
        (
            "Delegation/cfo-leave",
            "ops/delegations.yaml",
            9,
            "授权 (cfo-leave) lets 财务经理 (finance-manager) approve up to 500% in 计划调整 (plan-change), "
            "but 财务总监 (finance-director) may approve only up to 100% there",
        )
    ]
    within = delegation("cfo-leave", spec(extra=", matrices: [plan-change], upTo: 100"))
    assert run(repo, plan, within, rule="delegation-exceeds") == []


def test_exceeds_words_days_in_the_run_language(repo: Repo) -> None:
    """A Chinese run says 天 as the approval tables do, not "days" inside a Chinese sentence."""
    leave = doc(
        "ApprovalMatrix",
        "leave",
        "{subject: 休假, quantity: days, bands: [{upTo: 3, approvers: [finance-director]},"
        " {over: 3, approvers: [ceo]}]}",
        title="休假审批",
    )
    capped = delegation("cfo-leave", spec(extra=", matrices: [leave], upTo: 10"))
    root = repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": docs(leave, capped)})
    [found] = only(check_repo(root, lang="zh-CN"), "delegation-exceeds")
    assert "10 天" in found.message and "3 天" in found.message and "days" not in found.message
    assert "3 天" in found.hint and "days" not in found.hint


def test_exceeds_a_matrix_in_which_from_approves_nothing(repo: Repo) -> None:
    found = run(
        repo, delegation("clerk", spec("accountant", extra=", matrices: [payments]")), rule="delegation-exceeds"
    )
    assert [f.message for f in found] == [
        "授权 (clerk) delegates 会计 (accountant)'s authority in 付款审批 (payments), "
        "but 会计 (accountant) approves nothing there"
    ]
    assert found[0].column > 1


def test_chain_sub_delegation_not_allowed_then_allowed(repo: Repo) -> None:
    onward = delegation(
        "onward",
        spec(
            "finance-manager", "accountant", extra=", matrices: [payments], upTo: 500000", approver="finance-director"
        ),
    )
    found = run(repo, delegation("cfo-leave", spec()), onward, rule="delegation-chain")
    assert found == []  # finance-manager approves band 1 itself
    only_through = delegation(
        "onward",
        spec(
            "finance-manager", "accountant", extra=", matrices: [payments], upTo: 200000", approver="finance-director"
        ),
    )
    assert run(repo, delegation("cfo-leave", spec()), only_through, rule="delegation-chain") == []


def test_chain_authority_held_only_through_a_closed_delegation(repo: Repo) -> None:
    first = delegation("cfo-leave", spec("finance-director", "accountant"))
    onward = delegation("onward", spec("accountant", "finance-manager", approver="finance-director"))
    found = run(repo, first, onward, rule="delegation-chain")
    assert [(f.entity, f.message) for f in found] == [
        (
            "Delegation/onward",
            "accountant holds its authority in payments only through Delegation/cfo-leave "
            "(from 2026-11-16 to 2026-12-04), which does not allow passing it on (subDelegation: false), "
            "yet onward delegates it to finance-manager",
        )
    ]
    allowed = delegation("cfo-leave", spec("finance-director", "accountant", extra=", subDelegation: true"))
    assert run(repo, allowed, onward, rule="delegation-chain") == []


def test_chain_loop_to_itself_and_frozen_post(repo: Repo) -> None:
    found = run(
        repo,
        delegation("a-to-b", spec("finance-director", "finance-manager")),
        delegation("b-to-a", spec("finance-manager", "finance-director", approver="finance-director")),
        delegation("self", spec("ceo", "ceo")),
        delegation("to-frozen", spec("finance-director", "frozen")),
        rule="delegation-chain",
    )
    assert sorted((f.entity, f.message) for f in found) == [
        (
            "Delegation/a-to-b",
            "delegations form a loop: finance-director -> finance-manager -> finance-director "
            "(through Delegation/a-to-b, Delegation/b-to-a)",
        ),
        ("Delegation/self", "self delegates ceo's authority to ceo itself"),
        ("Delegation/to-frozen", "to-frozen delegates to frozen, a frozen post (headcount 0) that nobody holds"),
    ]


def test_window_longer_than_max_days(repo: Repo) -> None:
    long = spec(window="validFrom: 2026-11-01, validUntil: 2027-01-30")  # 91 days
    found = run(repo, delegation("cfo-leave", long), rule="delegation-window")
    assert [f.message for f in found] == ["cfo-leave lasts 91 days (from 2026-11-01 to 2027-01-30), more than 90"]
    ninety = spec(window="validFrom: 2026-11-01, validUntil: 2027-01-29")
    assert run(repo, delegation("cfo-leave", ninety), rule="delegation-window") == []


def test_approver_is_the_delegate_or_not_above_from(repo: Repo) -> None:
    found = run(
        repo,
        delegation("by-delegate", spec(approver="finance-manager")),
        delegation("by-below", spec("finance-manager", "accountant", approver="accountant2")),
        delegation("by-peer", spec("finance-manager", "frozen", approver="accountant")),
        rule="delegation-approver",
    )
    assert sorted((f.entity, f.message) for f in found) == [
        ("Delegation/by-delegate", "by-delegate is approved by finance-manager, the delegate itself"),
        (
            "Delegation/by-peer",
            "by-peer is approved by accountant, which is neither finance-manager nor a post above it in the "
            "reporting line",
        ),
    ]
    assert run(repo, delegation("by-self", spec(approver="finance-director")), rule="delegation-approver") == []


def test_self_approval_through_a_delegation_names_it_and_its_window(repo: Repo) -> None:
    found = run(repo, delegation("cfo-leave", spec("finance-director", "accountant")), rule="self-approval")
    org = ORG.splitlines()
    approver_line = next(i for i, line in enumerate(org, 1) if "approvers: [finance-director]" in line)
    assert [(f.file, f.line, f.column, f.entity, f.message) for f in found] == [
        (
            "ops/org-units.yaml",
            approver_line,  # finance-director's item in band 2, the authority delegated
            org[approver_line - 1].index("finance-director]") + 1,
            "ApprovalMatrix/payments",
            "会计 (accountant) can approve its own requests in 付款审批 (payments): it approves band 2 through "
            "Delegation/cfo-leave (from 2026-11-16 to 2026-12-04) and is itself a requester",
        )
    ]
    assert found[0].related[-1].file == "ops/delegations.yaml"


def test_step_approval_sod_through_a_delegation(repo: Repo) -> None:
    process = doc(
        "Process",
        "pay",
        """
        owner: finance-director
        steps:
          - {id: draft, title: 起草, responsible: finance-manager, next: [approve]}
          - {id: approve, title: 审批, responsible: finance-director, approval: payments}
        """,
        title="付款",
    )
    found = run(repo, process, delegation("cfo-leave", spec()), rule="step-approval-sod")
    assert [f.message for f in found] == [
        "财务经理 (finance-manager) prepares a request it can approve: step 'draft' leads into approval step "
        "'approve', and it approves band 1 of 付款审批 (payments)"
    ]
    ceo_leave = delegation("ceo-leave", spec("ceo", "accountant", approver="ceo"))
    process2 = process.replace("finance-manager", "accountant")
    found = run(repo, process2, ceo_leave, rule="step-approval-sod")
    assert [f.message for f in found] == [
        "会计 (accountant) prepares a request it can approve: step 'draft' leads into approval step 'approve', "
        "and it approves, through Delegation/ceo-leave (from 2026-11-16 to 2026-12-04), band 3 of 付款审批 (payments)"
    ]


def test_who_approves_and_explain_show_the_delegate_in_force(repo: Repo) -> None:
    from decimal import Decimal

    from opsgov.commands.explain import explain
    from opsgov.model.approvals import who_approves

    root = repo(
        {"ops/org-units.yaml": ORG, "ops/delegations.yaml": delegation("cfo-leave", spec(extra=", upTo: 500000"))}
    )
    report = check_repo(root)
    assert report.model is not None
    matrix = report.model.by_kind["ApprovalMatrix"]["payments"]
    stand = (
        "finance-manager 财务经理 in place of finance-director, through Delegation/cfo-leave "
        "(from 2026-11-16 to 2026-12-04), up to 500,000 CNY"
    )
    assert f"delegate in force: {stand}" in list(who_approves(report.model, matrix, Decimal(300000)).lines())
    above_cap = who_approves(report.model, matrix, Decimal(600000))
    assert above_cap.stands == () and above_cap.to_dict()["delegates"] == []
    explained = (  # explain names the posts and the Delegation as every message does: title (id)
        "财务经理 (finance-manager) in place of 财务总监 (finance-director), through 授权 (cfo-leave) "
        "(from 2026-11-16 to 2026-12-04), up to 500,000 CNY"
    )
    assert f"     delegate in force: {explained}" in explain(report, "payments").text().splitlines()
    assert any(
        "in place of 财务总监 (Position/finance-director), through 授权 (cfo-leave) (from 2026-11-16 to 2026-12-04)"
        in line
        for line in explain(report, "finance-manager").text().splitlines()
    )


def test_the_approvals_table_lists_delegations_in_force_and_scheduled(repo: Repo) -> None:
    from opsgov.i18n import speaking
    from opsgov.render.approvals_table import approvals_tables

    documents = docs(
        delegation("cfo-leave", spec(extra=", upTo: 500000, matrices: [payments]")),
        # scheduled: first day after the as-of date (2026-11-23), within the horizon
        delegation("cfo-trip", spec(window="validFrom: 2027-01-05, validUntil: 2027-01-09", extra=", upTo: 300000")),
        # beyond the horizon (365 days): not listed
        delegation("cfo-sabbatical", spec(window="validFrom: 2028-01-05, validUntil: 2028-01-09")),
    )
    report = check_repo(repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": documents}))
    assert report.model is not None
    with speaking("zh_CN"):  # the organisation is zh-CN: `opsgov render` speaks its locale
        last = approvals_tables(report.model)[-1]
    assert last.title == "生效中与计划中的授权"
    assert last.header == ["授权委托", "状态", "授权人", "被授权人", "审批矩阵", "上限", "有效期", "原因"]
    assert last.rows == [
        [
            "授权 (cfo-leave)",
            "生效中",
            "财务总监",
            "财务经理",
            "付款审批",
            "500,000 CNY",
            "2026-11-16 至 2026-12-04",
            "年假",
        ],
        [
            "授权 (cfo-trip)",
            "计划，自 2027-01-05 起",
            "财务总监",
            "财务经理",
            "其参与的全部矩阵",
            "300,000 CNY",
            "2027-01-05 至 2027-01-09",
            "年假",
        ],
    ]
    shorter = approvals_tables(report.model, horizon=30)[-1]
    assert [row[0] for row in shorter.rows] == ["授权 (cfo-leave)"]


def test_who_approves_and_explain_show_a_scheduled_delegation_from_its_first_day(repo: Repo) -> None:
    from decimal import Decimal

    from opsgov.commands.explain import explain
    from opsgov.model.approvals import who_approves

    trip = delegation("cfo-trip", spec(window="validFrom: 2027-01-05, validUntil: 2027-01-09", extra=", upTo: 300000"))
    report = check_repo(repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": trip}))
    assert report.model is not None
    matrix = report.model.by_kind["ApprovalMatrix"]["payments"]
    stand = (
        "finance-manager 财务经理 in place of finance-director, through Delegation/cfo-trip "
        "(from 2027-01-05 to 2027-01-09), up to 300,000 CNY"
    )
    answer = who_approves(report.model, matrix, Decimal(250000))
    assert answer.stands == ()  # nothing in force on 2026-11-23
    assert list(answer.lines())[-1] == f"delegate scheduled from 2027-01-05: {stand}"
    assert answer.to_dict()["scheduledDelegates"] == [
        {
            "from": "2027-01-05",
            "delegate": "Position/finance-manager",
            "inPlaceOf": "Position/finance-director",
            "through": [{"delegation": "Delegation/cfo-trip", "validFrom": "2027-01-05", "validUntil": "2027-01-09"}],
            "upTo": "300000",
        }
    ]
    # above its cap, and beyond a horizon that ends before its first day: not shown
    assert who_approves(report.model, matrix, Decimal(400000)).scheduled == ()
    assert who_approves(report.model, matrix, Decimal(250000), horizon=30).scheduled == ()
    explained = (  # explain names the posts and the Delegation as every message does: title (id)
        "财务经理 (finance-manager) in place of 财务总监 (finance-director), through 授权 (cfo-trip) "
        "(from 2027-01-05 to 2027-01-09), up to 300,000 CNY"
    )
    assert f"     delegate scheduled from 2027-01-05: {explained}" in explain(report, "payments").text().splitlines()
    assert (
        "  from 2027-01-05 (scheduled): approves 付款审批 (ApprovalMatrix/payments), band 2: from 200,000 CNY up to "
        "1,000,000 CNY inclusive in place of 财务总监 (Position/finance-director), through 授权 (cfo-trip) "
        "(from 2027-01-05 to 2027-01-09), up to 300,000 CNY"
    ) in explain(report, "finance-manager").text().splitlines()
    assert "scheduled" not in explain(report, "finance-manager", horizon=30).text()


LEAVE_LINE = (
    "delegates to 财务经理 (Position/finance-manager) through 授权 (cfo-leave) (from 2026-11-16 to 2026-12-04), "
    "up to 500,000 CNY, in 付款审批 (ApprovalMatrix/payments)"
)
TRIP_LINE = (
    "from 2027-01-05 (scheduled): delegates to 会计 (Position/accountant) through 授权 (cfo-trip) "
    "(from 2027-01-05 to 2027-01-09), in every matrix in which it approves"
)


def test_explain_on_the_delegator_says_what_it_delegates_in_force_and_scheduled(repo: Repo) -> None:
    import json

    from opsgov.commands.explain import explain

    documents = docs(
        delegation("cfo-leave", spec(extra=", upTo: 500000, matrices: [payments]")),
        delegation("cfo-trip", spec(to="accountant", window="validFrom: 2027-01-05, validUntil: 2027-01-09")),
    )
    root = repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": documents})
    report = check_repo(root)
    page = explain(report, "finance-director")
    approvals = next(section.lines for section in page.sections if section.heading == "Approvals")
    assert approvals[-2:] == [LEAVE_LINE, TRIP_LINE]
    assert f"  {LEAVE_LINE}" in page.text().splitlines()
    # the delegate's own page says what it holds, in place of whom, through what, up to what
    assert (
        "  approves 付款审批 (ApprovalMatrix/payments), band 2: from 200,000 CNY up to 1,000,000 CNY inclusive "
        "in place of 财务总监 (Position/finance-director), "
        "through 授权 (cfo-leave) (from 2026-11-16 to 2026-12-04), up to 500,000 CNY"
    ) in explain(report, "finance-manager").text().splitlines()
    # JSON: the lines, and the delegations either way in a field of their own
    data = json.loads(page.to_json())
    assert LEAVE_LINE in next(s["lines"] for s in data["sections"] if s["heading"] == "Approvals")
    assert data["delegations"] == [
        {
            "delegation": "Delegation/cfo-leave",
            "title": "授权",
            "status": "in force",
            "delegator": "Position/finance-director",
            "delegate": "Position/finance-manager",
            "matrices": ["ApprovalMatrix/payments"],
            "upTo": "500000",
            "validFrom": "2026-11-16",
            "validUntil": "2026-12-04",
        },
        {
            "delegation": "Delegation/cfo-trip",
            "title": "授权",
            "status": "scheduled",
            "delegator": "Position/finance-director",
            "delegate": "Position/accountant",
            "matrices": None,
            "upTo": None,
            "validFrom": "2027-01-05",
            "validUntil": "2027-01-09",
        },
    ]
    delegate = json.loads(explain(report, "accountant").to_json())["delegations"]
    assert [d["delegation"] for d in delegate] == ["Delegation/cfo-trip"]
    assert json.loads(explain(report, "payments").to_json())["delegations"] == []
    # beyond a horizon that ends before its first day, the scheduled one is not shown
    shorter = explain(report, "finance-director", horizon=30)
    assert TRIP_LINE not in shorter.text() and LEAVE_LINE in shorter.text()
    assert [d["delegation"] for d in json.loads(shorter.to_json())["delegations"]] == ["Delegation/cfo-leave"]
    chinese = explain(check_repo(root, lang="zh-CN"), "finance-director")  # the page speaks the run's language
    assert next(section.lines for section in chinese.sections if section.heading == "审批")[-2:] == [
        "授权给 财务经理 (Position/finance-manager)，依据 授权 (cfo-leave)（2026-11-16 至 2026-12-04），"
        "上限 500,000 CNY，范围：付款审批 (ApprovalMatrix/payments)",
        "自 2027-01-05 起（计划）：授权给 会计 (Position/accountant)，依据 授权 (cfo-trip)"
        "（2027-01-05 至 2027-01-09），范围：其参与审批的全部矩阵",
    ]


def test_a_delegate_takes_the_delegators_place_in_a_countersign(repo: Repo) -> None:
    countersigned = doc(
        "ApprovalMatrix",
        "capex",
        "{subject: capex, bands: [{approvers: [finance-director, finance-manager], mode: all}]}",
        title="资本支出",
    )
    to_cosigner = delegation("cfo-leave", spec(extra=", matrices: [capex]"))
    found = run(repo, countersigned, to_cosigner, rule="countersign-single")
    assert [(f.entity, f.message) for f in found] == [
        (
            "ApprovalMatrix/capex",
            "band 1 of 资本支出 (capex) is countersigned (mode: all), but 财务经理 (finance-manager) signs in place of "
            "财务总监 (finance-director) through Delegation/cfo-leave (from 2026-11-16 to 2026-12-04): "
            "one post signs twice",
        )
    ]
    to_other = delegation("cfo-leave", spec(to="accountant", extra=", matrices: [capex]"))
    assert run(repo, countersigned, to_other, rule="countersign-single") == []


def test_policies_see_delegates_in_force(repo: Repo) -> None:
    from opsgov.model.facts import compute_facts

    report = check_repo(repo({"ops/org-units.yaml": ORG, "ops/delegations.yaml": delegation("cfo-leave", spec())}))
    assert report.model is not None
    facts = compute_facts(report.model, ["Position"])
    assert facts["Position/finance-director"]["delegatesTo"] == ["finance-manager"]
    assert facts["Position/finance-manager"]["delegatesTo"] == []


def test_a_delegation_takes_no_metadata_window(repo: Repo) -> None:
    bad = delegation("cfo-leave", spec()).replace("title: 授权}", "title: 授权, validUntil: 2026-12-04}")
    found = run(repo, bad, rule="schema")
    assert [(f.line, f.message, f.hint) for f in found] == [
        (
            3,
            "field 'validUntil' is not allowed in metadata",
            "A Delegation's window is spec.validFrom and spec.validUntil, not metadata.",
        )
    ]


def test_bad_delegations_are_findings_at_their_to(repo: Repo) -> None:
    """Item 7 of issue 15: a delegation to itself, to a frozen post, and a loop of delegations are each a
    delegation-chain error at the `to` that makes them, in their file."""
    documents = [
        delegation("a-to-b", spec("finance-director", "finance-manager")),
        delegation("b-to-a", spec("finance-manager", "finance-director", approver="finance-director")),
        delegation("self", spec("ceo", "ceo")),
        delegation("to-frozen", spec("finance-director", "frozen")),
    ]
    found = run(repo, *documents, rule="delegation-chain")
    text = docs(*documents).splitlines()

    def at(line: int, to: str) -> tuple[int, int]:
        return line, text[line - 1].index(f"to: {to}") + len("to: ") + 1

    assert sorted((f.file, f.line, f.column, f.entity, f.level) for f in found) == [
        ("ops/delegations.yaml", *at(4, "finance-manager"), "Delegation/a-to-b", "error"),
        ("ops/delegations.yaml", *at(14, "ceo"), "Delegation/self", "error"),
        ("ops/delegations.yaml", *at(19, "frozen"), "Delegation/to-frozen", "error"),
    ]


DEPUTY = doc("Position", "deputy", "{unit: finance, reportsTo: finance-director}", title="副总监")


def test_self_approval_of_a_person_whose_other_post_approves_through_a_delegation(repo: Repo) -> None:
    """zhang holds accountant (a requester) and deputy, which approves nothing itself but stands in for
    finance-director through cfo-leave: zhang can approve their own requests while it is in force."""
    person = doc("Person", "zhang", "{holds: [accountant, deputy]}")
    found = run(repo, DEPUTY, person, delegation("cfo-leave", spec("finance-director", "deputy")), rule="self-approval")
    org = ORG.splitlines()
    approver_line = next(i for i, line in enumerate(org, 1) if "approvers: [finance-director]" in line)
    assert [(f.file, f.line, f.column, f.entity, f.message) for f in found] == [
        (
            "ops/org-units.yaml",
            approver_line,
            org[approver_line - 1].index("finance-director]") + 1,
            "ApprovalMatrix/payments",
            "zhang can approve their own requests in 付款审批 (payments): they hold 会计 (accountant) (a requester) "
            "and 副总监 (deputy) (an approver of band 2 through Delegation/cfo-leave (from 2026-11-16 to 2026-12-04))",
        )
    ]
    assert [(r.file, r.message) for r in found[0].related] == [
        ("ops/org-units.yaml", "requester here"),
        ("ops/delegations.yaml", "holds the requesting post here"),
        ("ops/delegations.yaml", "delegated here"),
    ]
    ended = delegation(
        "cfo-leave", spec("finance-director", "deputy", window="validFrom: 2026-06-01, validUntil: 2026-06-20")
    )
    assert run(repo, DEPUTY, person, ended, rule="self-approval") == []


def test_step_approval_sod_of_a_person_whose_other_post_approves_through_a_delegation(repo: Repo) -> None:
    process = doc(
        "Process",
        "pay",
        """
        owner: finance-director
        steps:
          - {id: draft, title: 起草, responsible: accountant, next: [approve]}
          - {id: approve, title: 审批, responsible: finance-director, approval: payments}
        """,
        title="付款",
    )
    person = doc("Person", "zhang", "{holds: [accountant, deputy]}")
    found = run(
        repo,
        DEPUTY,
        person,
        process,
        delegation("cfo-leave", spec("finance-director", "deputy")),
        rule="step-approval-sod",
    )
    assert [(f.file, f.line, f.entity, f.message) for f in found] == [
        (
            "ops/delegations.yaml",
            17,  # the draft step's responsible (DEPUTY, the Person, then the Process)
            "Process/pay",
            "zhang prepares a request they can approve: step 'draft' leads into approval step 'approve'; "
            "they hold 会计 (accountant) and 副总监 (deputy), which approves, through Delegation/cfo-leave "
            "(from 2026-11-16 to 2026-12-04), band 2 of 付款审批 (payments)",
        )
    ]
