"""`opsgov explain REF`: the page a governance officer reads about one entity."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from opsgov.cli import main
from opsgov.commands.explain import Explainer, Page, Section
from tests.util import check_repo, doc, docs

EXAMPLE = Path(__file__).resolve().parents[1]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["--lang", "en", "explain", *args], catch_exceptions=False)


def section(output: str, heading: str) -> list[str]:
    """The stripped lines of one section of a text page."""
    lines = output.splitlines()
    start = lines.index(f"{heading}:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return [line.strip() for line in lines[start:end]]


# --- the example organisation ------------------------------------------------------------------


def test_ops_manager_shows_chain_duties_boundaries_and_raci_letters() -> None:
    result = run("ops-manager", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0] == "运营经理 (Position/ops-manager)"
    assert section(out, "Chain to the top") == [
        "1. 运营副总监 (Position/ops-deputy-director)",
        "2. 中心总监 (Position/center-director)",
        "3. 总经理 (Position/general-manager)",
    ]
    assert section(out, "Unit")[0].startswith("业务运营部 (Unit/operations), under 运营管理中心 (Unit/ops-center)")
    assert section(out, "Owns") == [
        "业务运营统筹 (Responsibility/ops-coordination)",
        "运营效率优化 (Responsibility/efficiency-optimization)",
        "流程与风险管控 (Responsibility/process-risk-control)",
        "团队与跨部门协同 (Responsibility/team-coordination)",
    ]
    excludes = section(out, "Excludes")
    assert len(excludes) == 8
    assert excludes[0].startswith(
        "一线运营执行 (Responsibility/frontline-execution) — owned by 运营执行组 (Unit/execution-team): "
    )
    processes = section(out, "Processes")
    # R and A where it does the work and answers for it; I where it is only informed
    assert "事件分级研判 (triage): R, A" in processes
    assert "事件发现与上报 (report): I" in processes
    # owner of monthly-ops-review: accountable for the steps that name no accountable
    assert "月度运营复盘流程 (Process/monthly-ops-review) — process owner" in processes
    assert "编制月度经营分析报告 (analyze): A" in processes
    assert section(out, "Holders") == ["张伟 (Person/zhang-wei)"]
    assert "owns 重大客诉率 (KPI/kpi-major-complaints)" in "\n".join(section(out, "KPIs"))
    assert section(out, "Findings") == ["none"]


def test_marketing_director_approvals_name_bands_in_words_and_the_cosigner() -> None:
    approvals = section(run("marketing-director", str(EXAMPLE)).output, "Approvals")
    assert approvals[:2] == [
        "approves 营销活动费用审批 (ApprovalMatrix/marketing-spend), band 1: below 100,000 CNY; sole approver",
        "approves 营销活动费用审批 (ApprovalMatrix/marketing-spend), band 2: from 100,000 CNY up to 500,000 CNY "
        "inclusive with 财务总监 (Position/finance-director); countersign (all must approve)",
    ]


def test_other_kinds_of_the_example() -> None:
    unit = run("Unit/operations", str(EXAMPLE)).output
    assert section(unit, "Parent chain") == ["1. 运营管理中心 (Unit/ops-center)", "2. 总公司 (Unit/company)"]
    assert section(unit, "Head") == ["运营经理 (Position/ops-manager)"]
    assert "运营执行组 (Unit/execution-team)" in section(unit, "Children")

    process = section(run("incident-escalation", str(EXAMPLE)).output, "Steps")
    assert process[:3] == [
        "1. 事件发现与上报 (report) (start), SLA 30m",
        "R: 数据监控岗 (Position/data-monitor)",
        "A: 中心总监 (Position/center-director) (process owner)",
    ]
    # a conditional branch shows its condition
    assert "next: level-1 (when 一级事件), level-2 (when 二级事件), level-3 (when 三级事件)" in process

    duty = run("inventory-management", str(EXAMPLE)).output
    assert section(duty, "Shared") == ["lead: 供应链部 (Unit/supply-chain)", "with: 销售部 (Unit/sales)"]
    assert section(duty, "Owners") == ["销售部 (Unit/sales)", "供应链部 (Unit/supply-chain)"]

    matrix = run("marketing-spend", str(EXAMPLE)).output
    assert section(matrix, "Bands")[-3:] == [
        "3. over 500,000 CNY: 总经理办公会 (Unit/gm-office-meeting)",
        "sole approver",
        "decided by a vote of 总经理办公会: quorum 3 of 5, simple majority",
    ]
    assert section(matrix, "Used in steps") == [
        "营销活动审批流程 (Process/marketing-activity-approval), step 营销费用分档审批 (spend-approval)"
    ]

    person = section(run("zhang-wei", str(EXAMPLE)).output, "Posts held")
    assert person[:3] == [
        "运营经理 (Position/ops-manager)",
        "unit: 业务运营部 (Unit/operations)",
        "reports to: 运营副总监 (Position/ops-deputy-director)",
    ]

    kpi = run("kpi-team-pass-rate", str(EXAMPLE)).output
    assert section(kpi, "Owner") == ["运营经理 (Position/ops-manager)"]
    assert section(kpi, "Measures") == [
        "团队与跨部门协同 (Responsibility/team-coordination)",
        "业务运营部 (Unit/operations)",
    ]


def test_a_title_finds_the_entity_too() -> None:
    assert run("运营经理", str(EXAMPLE)).output.splitlines()[0] == "运营经理 (Position/ops-manager)"


def test_json_page() -> None:
    result = run("ops-manager", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["entity"], data["title"]) == ("Position/ops-manager", "运营经理")
    chain = next(s for s in data["sections"] if s["heading"] == "Chain to the top")
    assert chain["lines"][-1] == "3. 总经理 (Position/general-manager)"
    assert "运营经理" in result.output  # not \\u-escaped


# --- resolving REF -----------------------------------------------------------------------------

SAME_NAME = {
    "ops/finance.yaml": docs(
        doc("Unit", "finance", "{type: department, parent: company, head: Position/finance}", title="财务部"),
        doc("Position", "finance", "{unit: finance, reportsTo: ceo}", title="财务总监"),
    )
}


def test_an_ambiguous_name_exits_2_listing_the_options(repo: Callable[..., Path]) -> None:
    result = run("finance", str(repo(SAME_NAME)))
    assert result.exit_code == 2
    assert "could be Unit/finance, Position/finance" in result.output
    assert run("Position/finance", str(repo(SAME_NAME))).output.splitlines()[0] == "财务总监 (Position/finance)"


def test_an_unknown_name_exits_2_with_did_you_mean(repo: Callable[..., Path]) -> None:
    result = run("finanse", str(repo(SAME_NAME)))
    assert result.exit_code == 2
    assert "'finanse' names nothing in this repository; did you mean 'finance'?" in result.output
    wrong_kind = run("KPI/finance", str(repo(SAME_NAME)))
    assert wrong_kind.exit_code == 2
    assert "names no KPI" in wrong_kind.output


def test_an_invalid_document_is_named_as_such(repo: Callable[..., Path]) -> None:
    root = repo({"ops/p.yaml": doc("Position", "clerk", "{unit: company, reportsTo: ceo, bogus: 1}")})
    result = run("clerk", str(root))
    assert result.exit_code == 2
    assert "Position/clerk is declared but its document is invalid" in result.output


# --- tiny fixtures -----------------------------------------------------------------------------


def test_findings_that_concern_the_entity_and_only_those(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/posts.yaml": docs(
                doc("Position", "clerk", "{unit: company, reportsTo: ceo, dottedLines: [ceoo]}"),
                doc("Position", "typist", "{unit: company, reportsTo: ceo}"),
            )
        }
    )
    clerk = section(run("clerk", str(root)).output, "Findings")
    assert len(clerk) == 1
    assert clerk[0].startswith("ops/posts.yaml:4:")
    assert "dangling-ref" in clerk[0]
    assert section(run("typist", str(root)).output, "Findings") == ["none"]


def test_a_reporting_cycle_is_shown_not_followed_forever(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/posts.yaml": docs(
                doc("Position", "a", "{unit: company, reportsTo: b}"),
                doc("Position", "b", "{unit: company, reportsTo: a}"),
            )
        }
    )
    result = run("a", str(root))
    assert result.exit_code == 0
    assert section(result.output, "Chain to the top") == [
        "1. b (Position/b)",
        "… loops back to a (Position/a) (a cycle)",
    ]


def test_a_vacant_post_and_a_post_with_no_persons_declared(repo: Callable[..., Path]) -> None:
    post = doc("Position", "clerk", "{unit: company, reportsTo: ceo}")
    without = run("clerk", str(repo({"ops/p.yaml": post}))).output
    assert "Holders:" not in without  # vacancy is unknown without Person documents
    person = doc("Person", "amy", "{holds: [ceo]}")
    vacant = run("clerk", str(repo({"ops/p.yaml": docs(post, person)}))).output
    assert section(vacant, "Holders") == ["vacant"]


def test_a_person_page_shows_where_each_post_they_hold_sits_and_acts(repo: Callable[..., Path]) -> None:
    """A person is explained through their posts: chain, processes with letters, KPIs, per post."""
    root = repo(
        {
            "ops/p.yaml": docs(
                doc("Position", "clerk", "{unit: company, reportsTo: ceo}"),
                doc("Person", "amy", "{holds: [ceo, clerk]}"),
                doc("Process", "filing", "{owner: ceo, steps: [{id: file, title: 归档, responsible: clerk}]}"),
                doc("KPI", "speed", "{owner: clerk, measures: [filing], direction: lower-is-better, target: 2}"),
            )
        }
    )
    out = run("amy", str(root)).output
    assert section(out, "Chain to the top") == [
        "as 总经理 (Position/ceo):",
        "none: this is the top position",
        "as clerk (Position/clerk):",
        "1. 总经理 (Position/ceo)",
    ]
    assert section(out, "Processes") == [
        "(R responsible, A accountable, C consulted, I informed)",
        "as 总经理 (Position/ceo):",
        "filing (Process/filing) — process owner",
        "归档 (file): A",
        "as clerk (Position/clerk):",
        "filing (Process/filing)",
        "归档 (file): R",
    ]
    assert section(out, "KPIs") == ["as clerk (Position/clerk):", "owns speed (KPI/speed): target 2, lower is better"]


def test_control_characters_in_data_never_reach_the_terminal() -> None:
    page = Page("Position/x", "evil\x1b[31m", facts=["\x07bell"], sections=[Section("Owns", ["a\x1bb"])])
    text = page.text()
    assert "\x1b" not in text and "\x07" not in text
    assert text.splitlines()[0] == "evil\\x1b[31m (Position/x)"


@pytest.mark.parametrize("root", [EXAMPLE, EXAMPLE / "examples" / "broken"], ids=["example", "broken"])
def test_every_entity_of_the_examples_explains(root: Path) -> None:
    """Cycles, dangling references and invalid neighbours must not break any page."""
    report = check_repo(root)
    explainer = Explainer(report)
    assert report.model is not None
    keys = [entity.key for entity in report.model]
    assert len(keys) > 20
    for key in keys:
        page = explainer.page(key)
        assert page.text().splitlines()[0].endswith(f" ({key})")
        assert json.loads(page.to_json())["entity"] == key


def test_the_documents_are_where_opsgov_yaml_says(repo: Callable[..., Path]) -> None:
    from tests.util import BASE

    root = repo({"opsgov.yaml": "paths: [governance]\n", "governance/org.yaml": BASE["ops/org.yaml"]}, base=False)
    result = run("ceo", str(root))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "总经理 (Position/ceo)"


def test_a_countersign_with_one_approver_shows_its_mode(repo: Callable[..., Path]) -> None:
    """`mode: all` with one approver is what countersign-single warns about: explain must not hide it."""
    matrix = doc("ApprovalMatrix", "spend", "{subject: 费用, bands: [{approvers: [ceo], mode: all}]}")
    root = repo({"ops/spend.yaml": matrix})
    bands = section(run("spend", str(root)).output, "Bands")
    assert bands == ["1. any amount: 总经理 (Position/ceo)", "countersign (all must approve), with one approver only"]
    approvals = section(run("ceo", str(root)).output, "Approvals")
    assert approvals == [
        "approves spend (ApprovalMatrix/spend), band 1: any amount; "
        "countersign (all must approve), with one approver only"
    ]
