"""The model: names unique per kind, every reference resolved once, the unit-type vocabulary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opsgov.report.finding import Related
from opsgov.report.report import Report
from tests.util import BASE, check_repo, doc, docs, only

READING = ("yaml-", "schema", "duplicate-name", "dangling-ref", "ambiguous-ref", "file-unreadable")
KPI_SPEC = "unit: count, direction: higher-is-better, target: 1, frequency: monthly"


def reading(root: Path) -> Report:
    return check_repo(root, select=READING)


def kpi(name: str, owner: str) -> str:
    return doc("KPI", name, f"{{owner: {owner}, {KPI_SPEC}}}")


def test_duplicate_name_reports_the_second_with_the_first_related(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(doc("Responsibility", "x"), doc("Unit", "ops", "{type: department, parent: company}")),
            "ops/b.yaml": doc("Unit", "ops", "{type: team, parent: company}", title="运营部"),
        }
    )
    report = reading(root)
    [finding] = report.findings
    assert (finding.rule, finding.file, finding.line, finding.entity) == ("duplicate-name", "ops/b.yaml", 3, "Unit/ops")
    assert "first in ops/a.yaml:8" in finding.message
    assert finding.related == (Related("ops/a.yaml", 8, 18, "first defined here"),)
    assert report.model is not None
    assert report.model.units["ops"].spec["type"] == "department"  # the first definition is the one used


def test_same_name_in_two_kinds_is_not_a_duplicate(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": docs(doc("Responsibility", "ops"), doc("Unit", "ops", "{type: team, parent: company}"))})
    assert reading(root).findings == []


def test_dangling_ref_suggests_the_closest_name_of_the_allowed_kinds(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": doc("Position", "clerk", "{unit: company, reportsTo: ceo, dottedLines: [cfo, coe]}")})
    findings = reading(root).findings
    assert [(f.rule, f.line, f.column, f.entity, f.path) for f in findings] == [
        ("dangling-ref", 4, 53, "Position/clerk", "$.spec.dottedLines[0]"),
        ("dangling-ref", 4, 58, "Position/clerk", "$.spec.dottedLines[1]"),
    ]
    assert findings[0].message == "dottedLines 'cfo' names no Position; did you mean 'ceo'?"
    assert findings[1].message == "dottedLines 'coe' names no Position; did you mean 'ceo'?"


def test_dangling_ref_suggests_only_names_of_allowed_kinds(repo: Callable[..., Path]) -> None:
    """`compan` is close to the Unit `company`, but reportsTo wants a Position."""
    root = repo({"ops/a.yaml": doc("Position", "clerk", "{unit: company, reportsTo: compan}")})
    [finding] = reading(root).findings
    assert finding.message == "reportsTo 'compan' names no Position"


def test_dangling_ref_says_when_the_name_is_of_another_kind(repo: Callable[..., Path]) -> None:
    """`reportsTo: company` names the Unit: the fix is its head, not a new Position."""
    root = repo({"ops/a.yaml": doc("Position", "clerk", "{unit: company, reportsTo: company}")})
    [finding] = reading(root).findings
    assert finding.message == "reportsTo 'company' names no Position; company is a Unit, which reportsTo cannot name"
    assert finding.hint == "name a Position here, such as ceo, the head of unit 总公司 (company)"


def test_kind_slash_name_of_a_unit_where_a_post_is_wanted_suggests_its_head(repo: Callable[..., Path]) -> None:
    root = repo(
        {"ops/a.yaml": doc("Position", "clerk", "{unit: company, reportsTo: ceo, dottedLines: [Unit/company]}")}
    )
    [finding] = reading(root).findings
    assert finding.message == "dottedLines 'Unit/company' names a Unit, but only a Position is allowed here"
    assert finding.hint == "name a Position here, such as ceo, the head of unit 总公司 (company)"


def test_dangling_ref_names_nested_fields_in_full(repo: Callable[..., Path]) -> None:
    matrix = doc(
        "ApprovalMatrix", "spend", "{subject: x, bands: [{approvers: [ceo], escalation: {to: cfo, after: 24h}}]}"
    )
    [finding] = reading(repo({"ops/a.yaml": matrix})).findings
    assert finding.path == "$.spec.bands[0].escalation.to"
    assert finding.message == "escalation.to 'cfo' names no Position or Unit; did you mean 'ceo'?"


def test_dangling_ref_without_a_close_name(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": kpi("k", "zzzzzz")})
    [finding] = reading(root).findings
    assert (finding.rule, finding.line, finding.entity) == ("dangling-ref", 4, "KPI/k")
    assert finding.message == "owner 'zzzzzz' names no Unit or Position"


def test_kind_slash_name_of_a_kind_not_allowed_here(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": docs(kpi("k", "Process/restock"))})
    [finding] = reading(root).findings
    assert (finding.rule, finding.line, finding.path) == ("dangling-ref", 4, "$.spec.owner")
    assert finding.message == "owner 'Process/restock' names a Process, but only a Unit or Position is allowed here"
    assert finding.hint == "name a Unit or Position here"


def test_kind_slash_name_resolves_and_its_typos_are_dangling(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(
                doc("Position", "good", "{unit: Unit/company, reportsTo: Position/ceo}"),
                doc("Position", "bad", "{unit: Unit/compny, reportsTo: ceo}"),
            )
        }
    )
    report = reading(root)
    [finding] = report.findings
    assert (finding.rule, finding.line, finding.entity) == ("dangling-ref", 9, "Position/bad")
    assert finding.message == "unit 'Unit/compny' names no Unit; did you mean 'company'?"
    assert report.model is not None
    good = report.model.positions["good"]
    assert good.target(("spec", "unit")) == "Unit/company"
    assert good.target(("spec", "reportsTo")) == "Position/ceo"
    assert report.model.positions["bad"].target(("spec", "unit")) is None


def test_ambiguous_ref_and_its_kind_slash_name_fix(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(
                doc("Unit", "finance", "{type: department, parent: company}", title="财务部"),
                doc("Position", "finance", "{unit: company, reportsTo: ceo}", title="财务"),
                kpi("vague", "finance"),
                kpi("clear", "Unit/finance"),
            )
        }
    )
    report = reading(root)
    [finding] = report.findings
    assert (finding.rule, finding.line, finding.column, finding.entity) == ("ambiguous-ref", 14, 15, "KPI/vague")
    assert finding.message == "owner 'finance' could be unit 财务部 (finance) or position 财务 (finance)"
    assert finding.hint == "write Unit/finance or Position/finance to say which"
    assert report.model is not None
    assert report.model.get("KPI/clear") is not None
    assert report.model.by_kind["KPI"]["clear"].target(("spec", "owner")) == "Unit/finance"
    assert report.model.by_kind["KPI"]["vague"].target(("spec", "owner")) is None


def test_name_in_two_kinds_is_not_ambiguous_where_one_kind_is_allowed(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(
                doc("Unit", "finance", "{type: department, parent: company}"),
                doc("Position", "finance", "{unit: finance, reportsTo: ceo}"),
            )
        }
    )
    report = reading(root)
    assert report.findings == []
    assert report.model is not None
    assert report.model.positions["finance"].target(("spec", "unit")) == "Unit/finance"


def test_reference_to_a_broken_document_is_not_dangling(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(
                doc("Unit", "ops", "{type: department, parent: company, bogus: 1}"),
                doc("Position", "clerk", "{unit: ops, reportsTo: ceo}"),
            )
        }
    )
    report = reading(root)
    assert [(f.rule, f.entity) for f in report.findings] == [("schema", "Unit/ops")]
    assert report.model is not None
    assert report.model.positions["clerk"].target(("spec", "unit")) is None


def test_reference_to_a_document_refused_by_the_loader_is_not_dangling(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(
                doc("Unit", "ops", "{type: department, parent: company, parent: company}"),
                doc("Position", "clerk", "{unit: ops, reportsTo: ceo}"),
            )
        }
    )
    assert [f.rule for f in reading(root).findings] == ["yaml-strict"]


def test_references_are_resolved_in_every_kind(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "ops/a.yaml": docs(
                doc("Responsibility", "r", "{shared: {lead: company, with: [ceo]}}"),
                doc(
                    "Process",
                    "p",
                    "owner: ceo\nsteps:\n  - {id: a, title: A, responsible: [ceo], consulted: [company], approval: m}",
                ),
                doc(
                    "ApprovalMatrix",
                    "m",
                    "{subject: s, bands: [{approvers: [company], escalation: {after: 1d, to: ceo}}]}",
                ),
            )
        }
    )
    report = reading(root)
    assert report.findings == []
    assert report.model is not None
    process = report.model.by_kind["Process"]["p"]
    assert process.target(("spec", "steps", 0, "responsible", 0)) == "Position/ceo"
    assert process.target(("spec", "steps", 0, "approval")) == "ApprovalMatrix/m"
    matrix = report.model.by_kind["ApprovalMatrix"]["m"]
    assert matrix.target(("spec", "bands", 0, "escalation", "to")) == "Position/ceo"
    shared = report.model.by_kind["Responsibility"]["r"]
    assert shared.target(("spec", "shared", "with", 0)) == "Position/ceo"


def test_unit_type_outside_the_default_vocabulary(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": doc("Unit", "ops", "{type: departmnet, parent: company}")})
    [finding] = reading(root).findings
    assert (finding.rule, finding.line, finding.column, finding.entity) == ("schema", 4, 14, "Unit/ops")
    assert "unit type 'departmnet' is not in the vocabulary" in finding.message
    assert finding.hint == "did you mean 'department'?"


def test_organization_unit_types_replace_the_default(repo: Callable[..., Path]) -> None:
    org = BASE["ops/org.yaml"].replace("locale: zh-CN}", "locale: zh-CN, unitTypes: [company, squad]}")
    root = repo(
        {
            "ops/org.yaml": org,
            "ops/a.yaml": docs(
                doc("Unit", "ops", "{type: squad, parent: company}"),
                doc("Unit", "sales", "{type: department, parent: company}"),
            ),
        }
    )
    [finding] = reading(root).findings
    assert (finding.rule, finding.line, finding.entity) == ("schema", 9, "Unit/sales")
    assert finding.message.endswith("vocabulary: company, squad")
    assert finding.hint == "add it to the Organization's spec.unitTypes"


def test_broken_organization_does_not_judge_unit_types(repo: Callable[..., Path]) -> None:
    org = BASE["ops/org.yaml"].replace("locale: zh-CN}", "locale: zh-CN, unitTypes: [company, squad], x: 1}")
    root = repo({"ops/org.yaml": org, "ops/a.yaml": doc("Unit", "ops", "{type: squad, parent: company}")})
    assert [(f.rule, f.file) for f in only(reading(root), "schema")] == [("schema", "ops/org.yaml")]
