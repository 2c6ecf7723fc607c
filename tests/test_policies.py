from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from opsgov.model.facts import compute_facts
from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[1]


def policy(name: str, spec: str) -> str:
    return doc("Policy", name, spec)


SPAN = policy(
    "max-span",
    """
    severity: warning
    params: {max: 2}
    match: {kinds: [Position]}
    validations:
      - expression: "facts.directReports <= params.max"
        messageExpression: "object.metadata.title + ' has ' + string(facts.directReports) + ' direct reports'"
    """,
)


def posts(count: int) -> str:
    return docs(*(doc("Position", f"p{i}", "{unit: company, reportsTo: ceo}", f"助理{i}") for i in range(count)))


def test_a_false_validation_is_a_finding_at_the_matched_entity(repo: Repo) -> None:
    root = repo({"policies/span.yaml": SPAN, "ops/posts.yaml": posts(3)})
    [finding] = only(check_repo(root), "policy/max-span")
    assert finding.level == "warning"
    assert finding.entity == "Position/ceo"
    assert finding.message == "总经理 has 3 direct reports"
    assert (finding.file, finding.line, finding.path) == ("ops/org.yaml", 13, "$.metadata.name")


def test_a_true_validation_passes(repo: Repo) -> None:
    root = repo({"policies/span.yaml": SPAN, "ops/posts.yaml": posts(2)})
    assert only(check_repo(root), "policy/max-span") == []


def test_opsgov_yaml_level_overrides_the_severity_and_off_skips_the_policy(repo: Repo) -> None:
    root = repo({"policies/span.yaml": SPAN, "ops/posts.yaml": posts(3)})
    [finding] = only(check_repo(root, levels={"policy/max-span": "error"}), "policy/max-span")
    assert finding.level == "error"
    assert only(check_repo(root, levels={"policy/max-span": "off"}), "policy/max-span") == []


def test_message_falls_back_to_the_message_or_the_expression(repo: Repo) -> None:
    text = policy(
        "heads",
        """
        severity: error
        match: {kinds: [Unit], labels: {axis: vertical}, expression: "object.spec.type == 'department'"}
        validations:
          - expression: "has(object.spec.head)"
            message: 部门须设负责人
          - expression: "facts.positions > 0"
        """,
    )
    units = docs(
        doc("Unit", "sales", "{type: department, parent: company}").replace(
            "title: sales}", "title: s, labels: {axis: vertical}}"
        ),
        doc("Unit", "legal", "{type: department, parent: company}"),  # no label: not matched
        doc("Unit", "east", "{type: region, parent: company}").replace(
            "title: east}", "title: e, labels: {axis: vertical}}"
        ),
    )
    root = repo({"policies/heads.yaml": text, "ops/units.yaml": units})
    findings = only(check_repo(root), "policy/heads")
    assert sorted((f.entity, f.message) for f in findings) == [
        ("Unit/sales", "policy heads is not met: facts.positions > 0"),
        ("Unit/sales", "部门须设负责人"),
    ]


def test_a_policy_that_does_not_compile_is_policy_invalid_at_the_expression(repo: Repo) -> None:
    text = policy(
        "broken",
        """
        severity: error
        match: {kinds: [Unit]}
        validations:
          - expression: "object.spec.type ==== 'x'"
          - expression: "facts.children <= max"
          - expression: "facts.children >= 0"
        """,
    )
    root = repo({"policies/broken.yaml": text})
    report = check_repo(root)
    syntax, unknown = only(report, "policy-invalid")
    assert (syntax.file, syntax.line, syntax.path) == ("policies/broken.yaml", 8, "$.spec.validations[0].expression")
    assert "does not compile" in syntax.message and "Syntax error" in syntax.message
    assert syntax.entity == "Policy/broken" and syntax.level == "error"
    assert (unknown.line, unknown.path) == (9, "$.spec.validations[1].expression")
    assert "unknown variable 'max'" in unknown.message
    assert only(report, "policy/broken") == []  # the good validation still ran, and passed


def test_comprehension_variables_are_not_unknown(repo: Repo) -> None:
    text = policy(
        "ok",
        """
        severity: error
        match: {kinds: [Unit]}
        validations:
          - expression: "facts.ancestors.all(a, a != 'nowhere') && [1, 2].exists(n, n == 2)"
        """,
    )
    root = repo({"policies/ok.yaml": text})
    report = check_repo(root)
    assert only(report, "policy-invalid") == [] and only(report, "policy/ok") == []


def test_a_runtime_failure_is_reported_once_per_expression_with_a_count(repo: Repo) -> None:
    text = policy(
        "head-set",
        """
        severity: error
        match: {kinds: [Unit]}
        validations:
          - expression: "object.spec.head != ''"
        """,
    )
    units = docs(doc("Unit", "sales", "{parent: company}"), doc("Unit", "legal", "{parent: company}"))
    root = repo({"policies/p.yaml": text, "ops/units.yaml": units})
    report = check_repo(root)
    [invalid] = only(report, "policy-invalid")
    assert invalid.message == "policy head-set: CEL failed on 2 entities (first Unit/sales): no such key: head"
    assert (invalid.line, invalid.path) == (8, "$.spec.validations[0].expression")
    assert only(report, "policy/head-set") == []
    assert report.exit_code("error") == 1


def test_a_non_boolean_result_is_policy_invalid(repo: Repo) -> None:
    text = policy("count", "{severity: info, match: {kinds: [Unit]}, validations: [{expression: 'facts.children'}]}")
    root = repo({"policies/p.yaml": text})
    [invalid] = only(check_repo(root), "policy-invalid")
    assert "gave an int 0, not true or false" in invalid.message


def test_facts_of_units_and_positions(repo: Repo) -> None:
    units = docs(
        doc("Unit", "east", "{type: region, parent: company, head: east-manager}"),
        doc("Unit", "store-a", "{type: store, parent: east}"),
        doc("Unit", "store-b", "{type: store, parent: east}"),
        doc("Position", "east-manager", "{unit: east, reportsTo: ceo, headcount: 2}"),
        doc("Position", "clerk", "{unit: store-a, reportsTo: east-manager}").replace(
            "title: clerk}", "title: c, labels: {role: clerk}}"
        ),
        doc("Person", "li", "{holds: [ceo]}"),
    )
    root = repo({"ops/units.yaml": units})
    model = check_repo(root).model
    assert model is not None
    facts = compute_facts(model, {"Unit", "Position"})
    assert facts["Unit/company"] == {
        "children": 1,
        "positions": 1,
        "headcount": 1,
        "depth": 0,
        "ancestors": [],
        "descendantUnits": 3,
        "childTypes": ["region"],
        "positionLabels": [{}],
        "validFrom": None,  # FORMAT.md 1.1: every kind's window, null when open
        "validUntil": None,
    }
    assert facts["Unit/store-a"]["ancestors"] == ["east", "company"]
    assert facts["Unit/store-a"]["depth"] == 2
    assert facts["Unit/east"]["childTypes"] == ["store", "store"]
    assert facts["Unit/east"]["headcount"] == 2
    assert facts["Unit/store-a"]["positionLabels"] == [{"role": "clerk"}]
    assert facts["Position/clerk"]["chain"] == ["east-manager", "ceo"]
    assert facts["Position/clerk"]["depth"] == 2
    assert facts["Position/ceo"]["directReports"] == 1
    assert (facts["Position/ceo"]["holders"], facts["Position/ceo"]["vacant"]) == (1, False)
    assert (facts["Position/clerk"]["holders"], facts["Position/clerk"]["vacant"]) == (0, True)
    assert "Process/x" not in facts


def test_facts_survive_a_reporting_cycle(repo: Repo) -> None:
    posts_text = docs(
        doc("Position", "a", "{unit: company, reportsTo: b}"), doc("Position", "b", "{unit: company, reportsTo: a}")
    )
    model = check_repo(repo({"ops/p.yaml": posts_text})).model
    assert model is not None
    facts = compute_facts(model, {"Position"})
    assert facts["Position/a"]["chain"] == ["b"] and facts["Position/a"]["depth"] == 1
    assert facts["Position/ceo"]["depth"] == 0


def test_facts_of_processes_matrices_kpis_and_duties(repo: Repo) -> None:
    text = docs(
        doc("Responsibility", "budgeting", "{}"),
        doc("Unit", "finance", "{parent: company, owns: [budgeting]}"),
        doc(
            "ApprovalMatrix",
            "spend",
            "{subject: spend, bands: [{upTo: 1000, approvers: [ceo]}, {over: 1000, approvers: [ceo]}]}",
        ),
        doc(
            "Process",
            "buy",
            """
            owner: ceo
            steps:
              - {id: ask, title: 申请, responsible: ceo, next: [ok]}
              - {id: ok, title: 审批, responsible: ceo, approval: spend}
            """,
        ),
        doc("KPI", "spend-kpi", "{owner: ceo, measures: [buy, budgeting]}"),
    )
    model = check_repo(repo({"ops/x.yaml": text})).model
    assert model is not None
    facts = compute_facts(model, {"Process", "ApprovalMatrix", "KPI", "Responsibility", "Position"})
    open_window = {"validFrom": None, "validUntil": None}
    assert facts["Process/buy"] == {"steps": 2, "endSteps": 1, "approvalSteps": 1, **open_window}
    assert facts["ApprovalMatrix/spend"] == {
        "bands": 2,
        "maxApprovalAmount": 1000,
        "quantity": "money",
        "lastReviewed": None,
        **open_window,
    }
    assert facts["KPI/spend-kpi"] == {"measures": 2, **open_window}
    assert facts["Responsibility/budgeting"] == {"owners": ["Unit/finance"], **open_window}
    assert facts["Position/ceo"]["approves"] == ["spend"]
    assert facts["Position/ceo"]["processes"] == ["buy"]


def test_the_example_policies_pass_on_the_example_and_fire_on_the_broken_one(tmp_path: Path) -> None:
    report = check_repo(ROOT)
    assert [f for f in report.findings if f.rule.startswith("policy")] == []
    broken = check_repo(ROOT / "examples" / "broken")
    fired = {(f.rule, f.entity) for f in broken.findings}
    assert ("policy/max-span-of-control", "Position/ceo") in fired
    assert ("policy/region-min-stores", "Unit/tiny-region") in fired
    assert ("policy/region-assistant", "Unit/tiny-region") in fired
    assert ("policy/department-head", "Unit/headless-dept") in fired
    messages = {(f.rule, f.entity): f.message for f in broken.findings}
    assert messages[("policy/region-min-stores", "Unit/tiny-region")] == (
        "region 小区域 has 1 store; a region needs at least 4"
    )
    assert messages[("policy/department-head", "Unit/headless-dept")] == (
        "department 无负责人部门 (headless-dept) names no head: set spec.head to one of its posts"
    )
    assert {f.path for f in broken.findings if f.rule == "policy-invalid"} == {
        f"$.spec.validations[{i}].expression" for i in range(3)
    }


def test_region_policies_on_the_example_region(tmp_path: Path) -> None:
    """Removing stores from the example's region makes both region policies fire."""
    shutil.copytree(ROOT / "ops", tmp_path / "ops")
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    region = tmp_path / "ops" / "units" / "shanghai-region.yaml"
    text = region.read_text(encoding="utf-8")
    text = text.replace("type: store\n  parent: shanghai-region", "type: office\n  parent: shanghai-region", 2)
    region.write_text(text, encoding="utf-8")
    rules = {f.rule for f in check_repo(tmp_path).findings if f.entity == "Unit/shanghai-region"}
    assert {"policy/region-min-stores", "policy/region-assistant"} <= rules
