"""The structure family: org-root, cycles, detached units, the top post, heads, headcount, vacancy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule
from opsgov.rules.structure import RULES
from tests.util import check_repo, doc, docs, only, rules_of

Repo = Callable[..., Path]


def line_of(root: Path, rel: str, text: str) -> int:
    """The 1-based line of the only line of `rel` that contains `text`."""
    lines = [n for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def at(finding: Finding) -> tuple[str, int, str]:
    return finding.file, finding.line, finding.entity


UNITS = "ops/units.yaml"
POSTS = "ops/posts.yaml"
PEOPLE = "ops/people.yaml"


# org-root


def test_no_organization_is_reported_at_the_first_file(repo: Repo) -> None:
    root = repo({"ops/b.yaml": doc("Unit", "company", "{type: company}"), "ops/a.yaml": doc("Unit", "x")}, base=False)
    [finding] = only(check_repo(root), "org-root")
    assert (finding.file, finding.line) == ("ops/a.yaml", 1)
    assert "no Organization" in finding.message


def test_an_organization_not_yet_in_force_is_named_with_its_window(repo: Repo) -> None:
    """No Organization on the as-of date, but one from a later day: say so at it, as dangling-ref says when."""
    later = (
        "apiVersion: opsgov/v1\nkind: Organization\n"
        "metadata: {name: acme, title: 示例公司, validFrom: 2027-01-01}\nspec: {root: company}\n"
    )
    root = repo({"ops/org.yaml": later, "ops/a.yaml": doc("Unit", "company", "{type: company}")}, base=False)
    [finding] = only(check_repo(root), "org-root")
    assert (finding.file, finding.line, finding.entity, finding.as_of) == ("ops/org.yaml", 3, "Organization/acme", None)
    assert finding.message == ("no Organization is in force on 2026-11-23: 示例公司 (acme) is in force from 2027-01-01")


def test_no_organization_in_an_empty_repository_is_reported_at_the_repository(repo: Repo) -> None:
    root = repo({}, base=False)
    (root / "ops").mkdir()
    [finding] = only(check_repo(root), "org-root")
    assert (finding.file, finding.line) == (".", 1)


def test_an_organization_that_breaks_its_schema_is_not_reported_as_missing(repo: Repo) -> None:
    root = repo({"ops/org.yaml": doc("Organization", "acme", "{root: company, colour: red}")}, base=False)
    report = check_repo(root)
    assert "schema" in rules_of(report)
    assert only(report, "org-root") == []


def test_a_second_organization_is_reported_at_its_name_with_the_first_related(repo: Repo) -> None:
    root = repo({"ops/zz.yaml": doc("Organization", "other", "{root: company}", title="另一家")})
    [finding] = only(check_repo(root), "org-root")
    assert at(finding) == ("ops/zz.yaml", 3, "Organization/other")
    assert finding.message == "a second Organization 另一家 (other): the repository already declares 示例公司 (acme)"
    assert [(r.file, r.line) for r in finding.related] == [("ops/org.yaml", 3)]


def test_with_two_organizations_the_first_one_read_still_judges_the_tree(repo: Repo) -> None:
    root = repo(
        {
            "ops/zz.yaml": docs(
                doc("Organization", "other", "{root: lost}"),
                doc("Unit", "lost", "{type: team}"),
                doc("Position", "boss", "{unit: lost}"),
            )
        }
    )
    report = check_repo(root)
    assert [f.entity for f in only(report, "org-root")] == ["Organization/other"]
    assert [at(f) for f in only(report, "detached-unit")] == [("ops/zz.yaml", 8, "Unit/lost")]
    assert [f.entity for f in only(report, "top-position")] == ["Position/boss"]


def test_a_root_unit_with_a_parent_is_reported_at_the_parent(repo: Repo) -> None:
    root = repo(
        {
            "ops/org.yaml": docs(
                doc("Organization", "acme", "{root: company}"),
                doc("Unit", "company", "{type: company, head: ceo, parent: holding}"),
                doc("Unit", "holding", "{type: company}"),
                doc("Position", "ceo", "{unit: company}"),
            )
        }
    )
    [finding] = only(check_repo(root), "org-root")
    assert at(finding) == ("ops/org.yaml", 9, "Unit/company")
    assert finding.path == "$.spec.parent"
    assert finding.message == "unit company is the root unit of the Organization but has a parent, holding"


# unit-cycle and detached-unit


def test_unit_cycle_is_reported_once_at_the_member_that_sorts_first(repo: Repo) -> None:
    root = repo(
        {
            UNITS: docs(
                doc("Unit", "ops-data", "{type: team, parent: ops}"),
                doc("Unit", "ops", "{type: department, parent: ops-data}"),
                doc("Unit", "ops-bi", "{type: team, parent: ops-data}"),
            )
        }
    )
    report = check_repo(root)
    [finding] = only(report, "unit-cycle")
    assert at(finding) == (UNITS, line_of(root, UNITS, "type: department"), "Unit/ops")
    assert "ops -> ops-data -> ops" in finding.message
    assert "1 other unit below it" in finding.message
    assert [(r.line, r.message) for r in finding.related] == [(4, "ops-data -> ops")]
    # Units in or under the cycle are the cycle's problem, not reported again as detached.
    assert only(report, "detached-unit") == []


def test_a_unit_that_is_its_own_parent_is_a_cycle(repo: Repo) -> None:
    root = repo({UNITS: doc("Unit", "ops", "{type: department, parent: ops}")})
    [finding] = only(check_repo(root), "unit-cycle")
    assert at(finding) == (UNITS, 4, "Unit/ops")
    assert finding.message == "unit ops is its own parent: ops -> ops"


def test_a_unit_without_parent_is_detached_once_for_its_subtree(repo: Repo) -> None:
    root = repo(
        {
            UNITS: docs(
                doc("Unit", "ops", "{type: department, parent: company}"),
                doc("Unit", "lost", "{type: department}", title="遗失部门"),
                doc("Unit", "lost-team", "{type: team, parent: lost}"),
            )
        }
    )
    report = check_repo(root)
    [finding] = only(report, "detached-unit")
    assert at(finding) == (UNITS, 8, "Unit/lost")
    assert "1 unit under it" in finding.message
    assert only(report, "unit-cycle") == []


def test_a_unit_with_a_dangling_parent_is_left_to_dangling_ref(repo: Repo) -> None:
    root = repo({UNITS: doc("Unit", "ops", "{type: department, parent: compnay}")})
    report = check_repo(root)
    assert rules_of(report) == ["dangling-ref"]


# reporting-cycle and top-position


def test_reporting_cycle_spells_the_cycle_and_counts_posts_below_it(repo: Repo) -> None:
    root = repo(
        {
            POSTS: docs(
                doc("Position", "ops-director", "{unit: company, reportsTo: data-analyst}"),
                doc("Position", "data-analyst", "{unit: company, reportsTo: ops-manager}"),
                doc("Position", "ops-manager", "{unit: company, reportsTo: ops-director}"),
                doc("Position", "clerk", "{unit: company, reportsTo: ops-manager}"),
            )
        }
    )
    report = check_repo(root)
    [finding] = only(report, "reporting-cycle")
    assert at(finding) == (POSTS, 9, "Position/data-analyst")
    assert finding.path == "$.spec.reportsTo"
    assert "data-analyst -> ops-manager -> ops-director -> data-analyst" in finding.message
    assert "1 other position below it" in finding.message
    assert sorted(r.line for r in finding.related) == [4, 14]
    # ceo is still the one top: the clerk and the cycle's posts all have a manager.
    assert only(report, "top-position") == []


def test_a_second_top_is_reported_with_the_root_head_kept_and_a_suggested_manager(repo: Repo) -> None:
    root = repo(
        {
            # ops/a.yaml is read before ops/org.yaml: the head of the root unit is still the kept top.
            "ops/a.yaml": docs(
                doc("Unit", "finance", "{type: department, parent: company, head: cfo}"),
                doc("Position", "cfo", "{unit: finance}", title="财务总监"),
                doc("Position", "accountant", "{unit: finance}"),
            )
        }
    )
    findings = only(check_repo(root), "top-position")
    assert [at(f) for f in findings] == [("ops/a.yaml", 8, "Position/cfo"), ("ops/a.yaml", 13, "Position/accountant")]
    assert (
        "position 财务总监 (cfo) has no reportsTo, but 总经理 (ceo) is already the top position" in findings[0].message
    )
    assert [(r.file, r.line) for r in findings[0].related] == [("ops/org.yaml", 13)]
    assert findings[0].hint == "add spec.reportsTo: ceo"
    assert findings[1].hint == "add spec.reportsTo: cfo"


def test_no_top_is_reported_at_the_reports_to_of_the_root_head(repo: Repo) -> None:
    root = repo(
        {
            "ops/org.yaml": docs(
                doc("Organization", "acme", "{root: company}"),
                doc("Unit", "company", "{type: company, head: ceo}"),
                doc("Position", "ceo", "{unit: company, reportsTo: coo}"),
                doc("Position", "coo", "{unit: company, reportsTo: ceo}"),
            )
        }
    )
    report = check_repo(root)
    [finding] = only(report, "top-position")
    assert at(finding) == ("ops/org.yaml", 14, "Position/ceo")
    assert "no position is the top" in finding.message
    assert len(only(report, "reporting-cycle")) == 1


def test_a_dangling_reports_to_does_not_make_a_second_top(repo: Repo) -> None:
    root = repo({POSTS: doc("Position", "cfo", "{unit: company, reportsTo: ceoo}")})
    assert rules_of(check_repo(root)) == ["dangling-ref"]


# head-outside-unit and reporting-crosses-tree


def test_head_of_another_unit_is_reported_at_spec_head(repo: Repo) -> None:
    root = repo(
        {
            UNITS: docs(
                doc("Unit", "ops", "{type: department, parent: company, head: cfo}"),
                doc("Unit", "finance", "{type: department, parent: company, head: cfo}"),
                doc("Position", "cfo", "{unit: finance, reportsTo: ceo}"),
            )
        }
    )
    [finding] = only(check_repo(root), "head-outside-unit")
    assert at(finding) == (UNITS, 4, "Unit/ops")
    assert finding.path == "$.spec.head"
    assert finding.message == "the head of unit ops is cfo, a position of finance"
    assert [r.line for r in finding.related] == [14]


UNIT_TREE = docs(
    doc("Unit", "ops", "{type: department, parent: company}"),
    doc("Unit", "ops-data", "{type: team, parent: ops}"),
    doc("Unit", "finance", "{type: department, parent: company}"),
)


def test_reporting_within_the_unit_or_upwards_does_not_cross_the_tree(repo: Repo) -> None:
    root = repo(
        {
            UNITS: UNIT_TREE,
            POSTS: docs(
                doc("Position", "ops-director", "{unit: ops, reportsTo: ceo}"),
                doc("Position", "ops-manager", "{unit: ops, reportsTo: ops-director}"),
                doc("Position", "analyst", "{unit: ops-data, reportsTo: ops-director}"),
            ),
        }
    )
    assert check_repo(root).findings == []


def test_reporting_to_a_sibling_unit_crosses_the_tree(repo: Repo) -> None:
    root = repo(
        {
            UNITS: UNIT_TREE,
            POSTS: docs(
                doc("Position", "cfo", "{unit: finance, reportsTo: ceo}"),
                doc("Position", "analyst", "{unit: ops-data, reportsTo: cfo}"),
                doc("Position", "ops-director", "{unit: ops, reportsTo: analyst}"),
            ),
        }
    )
    findings = only(check_repo(root), "reporting-crosses-tree")
    assert [at(f) for f in findings] == [(POSTS, 9, "Position/analyst"), (POSTS, 14, "Position/ops-director")]
    assert findings[0].level == "warning"
    assert "reports to cfo of finance, which is neither" in findings[0].message
    assert [r.line for r in findings[0].related] == [4]


def test_reporting_across_a_unit_cycle_still_judges_the_ancestors(repo: Repo) -> None:
    root = repo(
        {
            UNITS: docs(doc("Unit", "x", "{type: team, parent: y}"), doc("Unit", "y", "{type: team, parent: x}")),
            POSTS: docs(
                doc("Position", "in-y", "{unit: y, reportsTo: ceo}"),
                doc("Position", "in-x", "{unit: x, reportsTo: in-y}"),
            ),
        }
    )
    report = check_repo(root)
    assert [at(f) for f in only(report, "reporting-crosses-tree")] == [(POSTS, 4, "Position/in-y")]
    assert len(only(report, "unit-cycle")) == 1


# headcount-exceeded


PERSONS_ON_CEO = docs(
    doc("Person", "wang", "{holds: [ceo]}", title="王建国"),
    doc("Person", "li", "{holds: [ceo]}", title="李敏"),
)


def test_more_holders_than_the_default_headcount(repo: Repo) -> None:
    root = repo({PEOPLE: PERSONS_ON_CEO})
    [finding] = only(check_repo(root), "headcount-exceeded")
    assert at(finding) == ("ops/org.yaml", 13, "Position/ceo")
    assert finding.path == "$.metadata.name"
    assert (
        finding.message
        == "position 总经理 (ceo) has a headcount of 1 but 2 persons hold it: 王建国 (wang) and 李敏 (li)"
    )
    assert [(r.file, r.line) for r in finding.related] == [(PEOPLE, 4), (PEOPLE, 9)]


@pytest.mark.parametrize(("headcount", "fires"), [(2, False), (1, True), (0, True)])
def test_headcount_written_is_the_limit(repo: Repo, headcount: int, fires: bool) -> None:
    root = repo(
        {
            POSTS: doc("Position", "clerk", f"{{unit: company, reportsTo: ceo, headcount: {headcount}}}"),
            PEOPLE: docs(doc("Person", "wang", "{holds: [ceo, clerk]}"), doc("Person", "li", "{holds: [clerk]}")),
        }
    )
    findings = only(check_repo(root), "headcount-exceeded")
    assert [at(f) for f in findings] == ([(POSTS, 4, "Position/clerk")] if fires else [])
    if headcount == 0:
        assert "frozen (headcount 0)" in findings[0].message


# vacant-key-post


KEY_POSTS = {
    UNITS: docs(
        doc("Unit", "ops", "{type: department, parent: company, head: ops-director}"),
        doc("Unit", "board", "{type: committee, parent: company}"),
    ),
    POSTS: docs(
        doc("Position", "ops-director", "{unit: ops, reportsTo: ceo, owns: [planning]}"),
        doc("Position", "ops-manager", "{unit: ops, reportsTo: ops-director}"),
        doc("Position", "clerk", "{unit: ops, reportsTo: ops-manager}"),
        doc("Position", "member", "{unit: board, reportsTo: ceo}"),
    ),
    "ops/duties.yaml": doc("Responsibility", "planning"),
    "ops/approvals.yaml": doc(
        "ApprovalMatrix",
        "spend",
        """
        subject: spend
        requesters: [clerk]
        bands:
          - below: 1000
            approvers: [ops-manager]
          - from: 1000
            approvers: [board]
        """,
    ),
    "ops/process.yaml": doc(
        "Process",
        "review",
        """
        owner: ops-director
        steps:
          - id: prepare
            title: 准备
            responsible: clerk
            accountable: ops-manager
        """,
    ),
}


def test_vacant_posts_are_only_judged_when_persons_exist(repo: Repo) -> None:
    report = check_repo(repo(KEY_POSTS))
    assert rules_of(report) == []


def test_vacant_key_posts_say_why_they_are_key(repo: Repo) -> None:
    root = repo({**KEY_POSTS, PEOPLE: doc("Person", "wang", "{holds: [ceo]}")})
    findings = only(check_repo(root), "vacant-key-post")
    # clerk only does work and member only sits in a Unit that approves: neither is key.
    assert [at(f) for f in findings] == [(POSTS, 3, "Position/ops-director"), (POSTS, 8, "Position/ops-manager")]
    director, manager = findings
    assert director.level == "warning"
    assert "ops-director is vacant (no Person holds it) but owns 1 duty, heads ops and owns review" in director.message
    assert "approves in spend and is accountable in review" in manager.message
    assert sorted((r.file, r.line) for r in manager.related) == [
        ("ops/approvals.yaml", 9),
        ("ops/process.yaml", 10),
    ]


def test_vacant_key_post_scope_option_narrows_what_counts(repo: Repo) -> None:
    root = repo({**KEY_POSTS, PEOPLE: doc("Person", "wang", "{holds: [ceo]}")})
    findings = only(check_repo(root, options={"vacant-key-post": {"scope": ["head"]}}), "vacant-key-post")
    assert [(f.entity, f.message.split(" but ")[1]) for f in findings] == [("Position/ops-director", "heads ops")]


def test_vacant_key_post_refuses_an_unknown_scope(repo: Repo) -> None:
    root = repo({**KEY_POSTS, PEOPLE: doc("Person", "wang", "{holds: [ceo]}")})
    [finding] = only(check_repo(root, options={"vacant-key-post": {"scope": ["heads"]}}), "internal-error")
    assert "option scope must be a list of" in finding.message


def test_held_posts_are_not_vacant(repo: Repo) -> None:
    people = docs(
        doc("Person", "wang", "{holds: [ceo, ops-director, ops-manager, member]}"),
        doc("Person", "li", "{holds: [clerk]}"),
    )
    assert check_repo(repo({**KEY_POSTS, PEOPLE: people})).findings == []


# docs


@pytest.mark.parametrize("structure_rule", RULES, ids=lambda r: r.id)
def test_every_rule_documents_a_passing_and_a_failing_example(structure_rule: Rule) -> None:
    result = CliRunner().invoke(main, ["rules", structure_rule.id], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Passes:" in result.output and "Fails:" in result.output
