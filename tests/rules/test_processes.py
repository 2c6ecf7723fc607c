from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.util import BASE, check_repo, doc, docs, only, rules_of

Repo = Callable[..., Path]

OPS = docs(
    doc("Unit", "operations", "{type: department, parent: company, head: ops-manager}", "运营部"),
    doc("Position", "ops-manager", "{unit: operations, reportsTo: ceo}", "运营经理"),
)


def process(spec: str, name: str = "review") -> str:
    return doc("Process", name, spec, "月度复盘")


LINEAR = process(
    """
    owner: ops-manager
    steps:
      - {id: collect, title: 数据采集, responsible: ops-manager, next: [analyze]}
      - {id: analyze, title: 分析, responsible: ops-manager, next: [close]}
      - {id: close, title: 结案, responsible: ops-manager}
    """
)


def test_a_well_formed_process_is_clean(repo: Repo) -> None:
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": LINEAR})
    assert rules_of(check_repo(root)) == []


def test_owner_frozen_post_orphans_the_process(repo: Repo) -> None:
    frozen = OPS.replace("reportsTo: ceo}", "reportsTo: ceo, headcount: 0}")
    root = repo({"ops/ops.yaml": frozen, "ops/process.yaml": LINEAR})
    [finding] = only(check_repo(root), "process-orphaned")
    assert (finding.entity, finding.file, finding.line, finding.path) == (
        "Process/review",
        "ops/process.yaml",
        5,
        "$.spec.owner",
    )
    assert "frozen post" in finding.message and "月度复盘" in finding.message


def test_dangling_owner_still_orphans_the_process(repo: Repo) -> None:
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": LINEAR.replace("owner: ops-manager", "owner: ops-manger")})
    report = check_repo(root)
    assert len(only(report, "dangling-ref")) == 1
    [finding] = only(report, "process-orphaned")
    assert "'ops-manger' does not resolve" in finding.message


def test_detached_unit_owner_orphans_the_process(repo: Repo) -> None:
    lost = doc("Unit", "lost", "{type: team}")
    root = repo(
        {"ops/ops.yaml": docs(OPS, lost), "ops/process.yaml": LINEAR.replace("owner: ops-manager", "owner: lost")}
    )
    [finding] = only(check_repo(root), "process-orphaned")
    assert "lost is a unit detached" in finding.message


def test_post_in_a_detached_unit_orphans_the_process(repo: Repo) -> None:
    lost = docs(doc("Unit", "lost", "{type: team}"), doc("Position", "lost-lead", "{unit: lost, reportsTo: ceo}"))
    owned = LINEAR.replace("owner: ops-manager", "owner: lost-lead")
    [finding] = only(check_repo(repo({"ops/ops.yaml": docs(OPS, lost), "ops/process.yaml": owned})), "process-orphaned")
    assert "lost-lead sits in lost, a unit detached" in finding.message


def test_vacant_owner_orphans_the_process_only_when_persons_exist(repo: Repo) -> None:
    files = {"ops/ops.yaml": OPS, "ops/process.yaml": LINEAR}
    assert only(check_repo(repo(files)), "process-orphaned") == []
    person = doc("Person", "zhang-san", "{holds: [ceo]}", "张三")
    [finding] = only(check_repo(repo({**files, "ops/people.yaml": person})), "process-orphaned")
    assert "运营经理 (ops-manager) is vacant" in finding.message
    held = doc("Person", "li-si", "{holds: [ops-manager]}", "李四")
    assert only(check_repo(repo({**files, "ops/people.yaml": docs(person, held)})), "process-orphaned") == []


def test_unreachable_step_is_located_at_the_step(repo: Repo) -> None:
    broken = LINEAR.replace("next: [analyze]", "next: [close]")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": broken})
    [finding] = only(check_repo(root), "step-unreachable")
    assert (finding.entity, finding.line, finding.path) == ("Process/review", 8, "$.spec.steps[1].id")
    assert "step 'analyze'" in finding.message and "start step 'collect'" in finding.message
    assert only(check_repo(root), "step-no-end") == []


def test_start_decides_reachability(repo: Repo) -> None:
    started = LINEAR.replace("owner: ops-manager", "owner: ops-manager\n  start: analyze")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": started})
    [finding] = only(check_repo(root), "step-unreachable")
    assert "step 'collect'" in finding.message


def test_loop_without_exit_has_no_end(repo: Repo) -> None:
    looped = LINEAR.replace("next: [close]", "next: [collect]")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": looped})
    report = check_repo(root)
    findings = only(report, "step-no-end")
    assert [(f.line, f.path) for f in findings] == [(7, "$.spec.steps[0].next"), (8, "$.spec.steps[1].next")]
    assert "from step 'collect' of process 月度复盘 (review) no end step can be reached" in findings[0].message
    # close is now unreachable, but it is an end step
    assert [f.path for f in only(report, "step-unreachable")] == ["$.spec.steps[2].id"]


def test_loop_with_exit_is_fine(repo: Repo) -> None:
    looped = LINEAR.replace("next: [close]", "next: [collect, close]")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": looped})
    assert rules_of(check_repo(root)) == []


def test_unknown_next_suggests_the_closest_step(repo: Repo) -> None:
    typo = LINEAR.replace("next: [close]", "next: [clsoe]")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": typo})
    report = check_repo(root)
    [finding] = only(report, "step-unknown")
    assert (finding.entity, finding.line, finding.path) == ("Process/review", 8, "$.spec.steps[1].next[0]")
    assert (
        finding.message
        == "next 'clsoe' of step 'analyze' names no step of process 月度复盘 (review); did you mean 'close'?"
    )
    # the unknown next is not reported again as a loop without end; close is unreachable
    assert only(report, "step-no-end") == []
    assert len(only(report, "step-unreachable")) == 1


def test_unknown_start(repo: Repo) -> None:
    started = LINEAR.replace("owner: ops-manager", "owner: ops-manager\n  start: colect")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": started})
    report = check_repo(root)
    [finding] = only(report, "step-unknown")
    assert finding.path == "$.spec.start" and "did you mean 'collect'?" in finding.message
    assert only(report, "step-unreachable") == []


def test_duplicate_step_id_is_reported_once(repo: Repo) -> None:
    twice = LINEAR.replace("{id: close, title: 结案", "{id: analyze, title: 结案")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": twice.replace("next: [close]", "next: []")})
    report = check_repo(root)
    [finding] = only(report, "step-unknown")
    assert (finding.line, finding.path) == (9, "$.spec.steps[2].id")
    assert finding.message == "step id 'analyze' is used twice in process 月度复盘 (review)"
    assert finding.related[0].line == 8
    assert only(report, "step-unreachable") == []


CAMPAIGNS = docs(
    doc("Responsibility", "campaigns", "{}", "营销活动"),
    doc("Unit", "marketing", "{type: department, parent: company, owns: [campaigns]}", "市场部"),
    doc("Position", "marketing-director", "{unit: marketing, reportsTo: ceo}", "市场总监"),
)


def campaign_process(owner: str) -> str:
    return process(
        f"""
        owner: {owner}
        responsibility: campaigns
        steps:
          - {{id: plan, title: 活动方案, responsible: marketing-director}}
        """,
        name="campaign",
    )


def test_process_owned_inside_the_duty_owner_is_fine(repo: Repo) -> None:
    for owner in ("marketing", "marketing-director"):
        root = repo({"ops/ops.yaml": OPS, "ops/mkt.yaml": CAMPAIGNS, "ops/process.yaml": campaign_process(owner)})
        assert rules_of(check_repo(root)) == [], owner


def test_process_owned_outside_the_duty_owner_warns(repo: Repo) -> None:
    root = repo({"ops/ops.yaml": OPS, "ops/mkt.yaml": CAMPAIGNS, "ops/process.yaml": campaign_process("ops-manager")})
    [finding] = only(check_repo(root), "process-duty-owner")
    assert (finding.entity, finding.level, finding.line, finding.path) == (
        "Process/campaign",
        "warning",
        6,
        "$.spec.responsibility",
    )
    assert "owned by 市场部 (marketing), but its owner 运营经理 (ops-manager)" in finding.message
    assert finding.related[0].file == "ops/mkt.yaml"


def test_process_duty_owner_names_several_owners_in_plain_words(repo: Repo) -> None:
    sales = doc("Unit", "sales", "{type: department, parent: company, owns: [campaigns]}", "销售部")
    root = repo(
        {
            "ops/ops.yaml": OPS,
            "ops/mkt.yaml": docs(CAMPAIGNS, sales),
            "ops/process.yaml": campaign_process("ops-manager"),
        }
    )
    [finding] = only(check_repo(root), "process-duty-owner")
    assert finding.message == (
        "process 月度复盘 (campaign) carries responsibility 营销活动 (campaigns), owned by 市场部 (marketing) and "
        "销售部 (sales), but its owner 运营经理 (ops-manager) is neither one of them nor inside one"
    )
    assert len(finding.related) == 2


def test_process_of_a_duty_that_the_root_owns(repo: Repo) -> None:
    """The root unit contains every post, so a process owned anywhere under it passes."""
    duty = docs(
        doc("Responsibility", "campaigns", "{}"),
        doc("Unit", "marketing", "{type: department, parent: company}"),
        doc("Position", "marketing-director", "{unit: marketing, reportsTo: ceo}"),
    )
    root = repo(
        {
            "ops/org.yaml": BASE["ops/org.yaml"].replace("head: ceo}", "head: ceo, owns: [campaigns]}"),
            "ops/ops.yaml": OPS,
            "ops/mkt.yaml": duty,
            "ops/process.yaml": campaign_process("ops-manager"),
        }
    )
    assert rules_of(check_repo(root)) == []


TRIAGE = process(
    """
    owner: ops-manager
    steps:
      - id: triage
        title: 事件分级
        responsible: ops-manager
        next:
          - {step: level-1, when: 一级事件}
          - {step: level-2, when: 二级事件}
      - {id: level-1, title: 一级响应, responsible: ops-manager, next: [close]}
      - {id: level-2, title: 二级响应, responsible: ops-manager, next: [close]}
      - {id: close, title: 结案, responsible: ops-manager}
    """,
    name="triage",
)


def test_conditional_branches_are_clean(repo: Repo) -> None:
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": TRIAGE})
    assert rules_of(check_repo(root)) == []


def test_unknown_step_in_a_branch_is_located_at_its_step(repo: Repo) -> None:
    typo = TRIAGE.replace("{step: level-2, when: 二级事件}", "{step: levle-2, when: 二级事件}")
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": typo})
    report = check_repo(root)
    [finding] = only(report, "step-unknown")
    assert (finding.entity, finding.file, finding.line, finding.column, finding.path) == (
        "Process/triage",
        "ops/process.yaml",
        12,
        18,  # the value of `step`, in `        - {step: levle-2, when: 二级事件}`
        "$.spec.steps[0].next[1].step",
    )
    assert finding.message == (
        "next 'levle-2' (branch when '二级事件') of step 'triage' names no step of process 月度复盘 (triage); "
        "did you mean 'level-2'?"
    )
    # level-2 is now reached by nothing; the branch's unknown step is not a loop without end
    assert [f.path for f in only(report, "step-unreachable")] == ["$.spec.steps[2].id"]
    assert only(report, "step-no-end") == []


def test_branches_count_for_reachability_and_ends(repo: Repo) -> None:
    looped = TRIAGE.replace(
        "{id: level-1, title: 一级响应, responsible: ops-manager, next: [close]}",
        ("{id: level-1, title: 一级响应, responsible: ops-manager, next: [{step: triage, when: 重新分级}]}"),
    )
    root = repo({"ops/ops.yaml": OPS, "ops/process.yaml": looped})
    assert rules_of(check_repo(root)) == []
    closed = looped.replace(
        "{id: level-2, title: 二级响应, responsible: ops-manager, next: [close]}",
        ("{id: level-2, title: 二级响应, responsible: ops-manager, next: [{step: level-1, when: 升级}]}"),
    )
    report = check_repo(repo({"ops/ops.yaml": OPS, "ops/process.yaml": closed}))
    assert [f.path for f in only(report, "step-no-end")] == [
        "$.spec.steps[0].next",
        "$.spec.steps[1].next",
        "$.spec.steps[2].next",
    ]
    assert [f.path for f in only(report, "step-unreachable")] == ["$.spec.steps[3].id"]


def test_a_branch_without_its_condition_is_a_schema_error(repo: Repo) -> None:
    bare = TRIAGE.replace("{step: level-2, when: 二级事件}", "{step: level-2}")
    [finding] = only(check_repo(repo({"ops/ops.yaml": OPS, "ops/process.yaml": bare})), "schema")
    assert (finding.file, finding.line) == ("ops/process.yaml", 12)
    assert "next[1]" in finding.path
