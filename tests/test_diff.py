"""`opsgov diff BASE [HEAD] [PATH]`: the governance change report a reviewer reads, on real git repositories."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from opsgov.cli import main
from opsgov.commands.diff import governance_diff
from opsgov.model.bands import Interval
from opsgov.report.formats.diff_markdown import render_markdown
from tests.gitutil import commit, init, needs_git
from tests.util import check_repo, doc, docs, write_repo

pytestmark = needs_git

BEFORE = {
    "ops/units.yaml": docs(
        doc("Unit", "finance", "{type: department, parent: company, head: cfo, owns: [budgeting]}", title="财务部"),
        doc("Unit", "sales", "{type: department, parent: company, owns: [pricing]}", title="销售部"),
        doc("Unit", "east", "{type: region, parent: sales}", title="华东区"),
        doc("Unit", "legacy", "{type: team, parent: company}", title="旧团队"),
    ),
    "ops/posts.yaml": docs(
        doc("Position", "cfo", "{unit: finance, reportsTo: ceo}", title="财务总监"),
        doc("Position", "finance-director", "{unit: finance, reportsTo: cfo}", title="财务经理"),
        doc("Position", "sales-lead", "{unit: sales, reportsTo: ceo}", title="销售负责人"),
        doc(
            "Position",
            "east-lead",
            """
            unit: east
            reportsTo: sales-lead
            excludes:
              - {responsibility: pricing, ownedBy: sales}
            """,
            title="华东负责人",
        ),
    ),
    "ops/duties.yaml": docs(
        doc("Responsibility", "budgeting", title="预算管理"),
        doc("Responsibility", "pricing", title="定价"),
    ),
    "ops/approvals.yaml": doc(
        "ApprovalMatrix",
        "capex",
        """
        subject: capital expenditure
        bands:
          - {upTo: 500000, approvers: [finance-director]}
          - {over: 500000, upTo: 5000000, approvers: [cfo]}
          - {over: 5000000, approvers: [ceo]}
        """,
        title="资本支出",
    ),
    "ops/kpis.yaml": doc(
        "KPI",
        "dso",
        "{owner: finance, unit: days, direction: lower-is-better, target: 45, thresholds: {green: 45, yellow: 60}}",
        title="应收账款周转天数",
    ),
}

AFTER = {
    **BEFORE,
    "ops/units.yaml": docs(
        doc(
            "Unit",
            "finance",
            "{type: department, parent: company, head: cfo, owns: [budgeting, pricing]}",
            title="财务部",
        ),
        doc("Unit", "sales", "{type: department, parent: company}", title="销售部"),
        doc("Unit", "east", "{type: region, parent: company}", title="华东区"),
        doc("Unit", "audit", "{type: department, parent: company}", title="审计部"),
    ),
    "ops/posts.yaml": docs(
        doc("Position", "cfo", "{unit: finance, reportsTo: ceo}", title="财务总监"),
        doc("Position", "finance-director", "{unit: finance, reportsTo: ceo}", title="财务经理"),
        doc("Position", "sales-lead", "{unit: finance, reportsTo: ceo}", title="销售负责人"),
        doc(
            "Position",
            "east-lead",
            """
            unit: east
            reportsTo: ceo
            excludes:
              - {responsibility: pricing, ownedBy: finance}
            """,
            title="华东负责人",
        ),
        doc("Position", "auditor", "{unit: audit, reportsTo: nobody}", title="审计员"),
    ),
    "ops/approvals.yaml": doc(
        "ApprovalMatrix",
        "capex",
        """
        subject: capital expenditure
        bands:
          - {upTo: 1000000, approvers: [finance-director]}
          - {over: 1000000, upTo: 5000000, approvers: [ceo]}
          - {over: 5000000, approvers: [ceo]}
        """,
        title="资本支出",
    ),
    "ops/kpis.yaml": doc(
        "KPI",
        "dso",
        "{owner: finance, unit: days, direction: lower-is-better, target: 40, thresholds: {green: 40, yellow: 60}}",
        title="应收账款周转天数",
    ),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def history(root: Path) -> tuple[str, str]:
    init(root)
    write_repo(root, BEFORE)
    first = commit(root, "before")
    write_repo(root, AFTER)
    return first, root.as_posix()


def change_json(*args: str) -> dict[str, Any]:
    status, out, err = run("diff", *args, "--format", "json")
    assert status == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_structure_changes(tmp_path: Path) -> None:
    first, root = history(tmp_path / "repo")
    change = change_json(first, root)
    assert change["base"] == first and change["head"] == "working tree"
    units = change["units"]
    assert [u["name"] for u in units["added"]] == ["audit"]
    assert units["removed"] == [{"name": "legacy", "title": "旧团队", "parent": "company"}]
    assert units["moved"] == [{"unit": "east", "title": "华东区", "from": "sales", "to": "company"}]
    positions = change["positions"]
    assert positions["added"] == [{"name": "auditor", "title": "审计员", "unit": "audit", "reportsTo": "nobody"}]
    assert positions["moved"] == [{"position": "sales-lead", "title": "销售负责人", "from": "sales", "to": "finance"}]
    assert change["reportingLines"] == [
        {"position": "east-lead", "title": "华东负责人", "from": "sales-lead", "to": "ceo"},
        {"position": "finance-director", "title": "财务经理", "from": "cfo", "to": "ceo"},
    ]


def test_duties_boundaries_authority_and_kpis(tmp_path: Path) -> None:
    first, root = history(tmp_path / "repo")
    change = change_json(first, root)
    assert change["duties"] == [
        {"responsibility": "pricing", "title": "定价", "from": ["Unit/sales"], "to": ["Unit/finance"]}
    ]
    assert change["boundaries"] == [
        {
            "entity": "Position/east-lead",
            "added": [{"responsibility": "pricing", "ownedBy": "Unit/finance"}],
            "removed": [{"responsibility": "pricing", "ownedBy": "Unit/sales"}],
        }
    ]
    authority = {row["approver"]: row for row in change["approvalAuthority"]}
    assert set(authority) == {"Position/finance-director", "Position/cfo"}
    director = authority["Position/finance-director"]
    assert director["change"] == "gained" and director["matrix"] == "capex" and director["currency"] == "CNY"
    assert director["was"] == {"amount": 500000, "inclusive": True, "unlimited": False}
    assert director["now"] == {"amount": 1000000, "inclusive": True, "unlimited": False}
    assert director["summary"] == "财务经理 (finance-director): now approves up to 1,000,000 CNY, was 500,000"
    assert authority["Position/cfo"]["change"] == "lost"
    assert authority["Position/cfo"]["summary"] == "财务总监 (cfo): no longer approves (was up to 5,000,000 CNY)"
    assert change["kpis"] == [
        {"kpi": "dso", "title": "应收账款周转天数", "field": "target", "from": 45, "to": 40},
        {"kpi": "dso", "title": "应收账款周转天数", "field": "thresholds.green", "from": 45, "to": 40},
    ]


def test_findings_introduced_and_fixed(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {"ops/posts.yaml": doc("Position", "clerk", "{unit: company, reportsTo: nobody}")})
    first = commit(root)
    write_repo(root, {"ops/posts.yaml": doc("Position", "clerk", "{unit: nowhere, reportsTo: ceo}")})
    findings = change_json(first, str(root))["findings"]
    assert [(f["rule"], f["path"]) for f in findings["introduced"]] == [("dangling-ref", "$.spec.unit")]
    assert [(f["rule"], f["path"]) for f in findings["fixed"]] == [("dangling-ref", "$.spec.reportsTo")]


def test_markdown_is_the_default_and_names_the_changes(tmp_path: Path) -> None:
    first, root = history(tmp_path / "repo")
    status, out, _ = run("--lang", "en", "diff", first, root)
    assert status == 0
    assert out.startswith(f"### Governance changes: `{first}` → `working tree`")
    for expected in (
        "#### Units",
        "- added 审计部 (`audit`) under 总公司 (`company`)",
        "- added 审计员 (`auditor`) in 审计部 (`audit`), reports to `nobody`",  # dangling, shown as written
        "- removed 旧团队 (`legacy`)",
        "- moved 华东区 (`east`): under 销售部 (`sales`) → under 总公司 (`company`)",
        "- moved 销售负责人 (`sales-lead`): 销售部 (`sales`) → 财务部 (`finance`)",
        "- 财务经理 (`finance-director`) reports to 总经理 (`ceo`), was 财务总监 (`cfo`)",
        "- 定价 (`pricing`): owned by 财务部 (`Unit/finance`), was 销售部 (`Unit/sales`)",
        "- 华东负责人 (`Position/east-lead`) added boundary: does not own 定价 (`pricing`) "
        "(owned by 财务部 (`Unit/finance`))",
        "- **gained** in 资本支出 (`capex`): 财务经理 (finance-director): now approves up to 1,000,000 CNY, "
        "was 500,000",
        "- 应收账款周转天数 (`dso`) target: `40`, was `45`",
        "#### Findings: 1 introduced, 0 fixed",
        "- introduced: error `dangling-ref` reportsTo 'nobody' names no Position (ops/posts.yaml:",
    ):
        assert expected in out, expected


def test_two_revisions_and_the_two_argument_forms(tmp_path: Path, monkeypatch: Any) -> None:
    first, root = history(tmp_path / "repo")
    second = commit(Path(root), "after")
    write_repo(Path(root), BEFORE)  # the working tree goes back; HEAD keeps the change
    between_commits = change_json(first, second, root)
    assert between_commits["head"] == second
    assert [u["name"] for u in between_commits["units"]["added"]] == ["audit"]
    assert change_json(second, root)["units"]["removed"] == [{"name": "audit", "title": "审计部", "parent": "company"}]
    monkeypatch.chdir(root)
    assert change_json(first, "HEAD")["units"]["added"] == between_commits["units"]["added"]
    assert change_json(first)["units"]["added"] == []  # working tree == BEFORE


def test_no_changes(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, BEFORE)
    first = commit(root)
    status, out, _ = run("diff", first, str(root))
    assert status == 0
    assert "No governance changes." in out and "#### Findings: 0 introduced, 0 fixed" in out


def test_usage_errors(tmp_path: Path) -> None:
    plain = write_repo(tmp_path / "plain", {})
    status, _, err = run("diff", "main", str(plain))
    assert status == 2 and "not inside a git repository" in err
    root = init(tmp_path / "repo")
    write_repo(root, {})
    commit(root)
    status, _, err = run("diff", "nope", str(root))
    assert status == 2 and "unknown git revision 'nope'" in err
    status, _, err = run("diff", "HEAD", "nope", str(root))
    assert status == 2 and "unknown git revision 'nope'" in err
    status, _, err = run("diff")
    assert status == 2 and "BASE [HEAD] [PATH]" in err


def test_revision_labels_are_shown_literally(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, BEFORE)
    commit(root, "one")
    write_repo(root, AFTER)
    commit(root, "two")
    status, out, _ = run("diff", "HEAD~1", "HEAD", str(root))
    assert status == 0
    assert out.startswith("### Governance changes: `HEAD~1` → `HEAD`\n")
    assert "- added 审计部 (`audit`) under 总公司 (`company`)" in out


def amounts(low: int, high: int | None = None) -> str:
    """The interval words of bands.py, which every command shares: the diff must say the same."""
    return Interval(Decimal(low), True, None if high is None else Decimal(high), False).words("CNY")


W_100K, W_100K_200K, W_100K_500K = amounts(0, 100000), amounts(100000, 200000), amounts(100000, 500000)
W_500K_800K, W_500K_UP = amounts(500000, 800000), amounts(500000)


MARKETING_POSTS = docs(
    doc("Position", "marketing-director", "{unit: company, reportsTo: ceo}", title="市场总监"),
    doc("Position", "finance-director", "{unit: company, reportsTo: ceo}", title="财务总监"),
    doc("Position", "gm-office-meeting", "{unit: company, reportsTo: ceo}", title="总经理办公会"),
)
MARKETING_BANDS = """
    - {below: 100000, approvers: [marketing-director]}
    - {from: 100000, below: 500000, mode: all, approvers: [marketing-director, finance-director]}
    - {from: 500000, approvers: [gm-office-meeting]}
"""


def marketing(bands: str) -> dict[str, str]:
    body = "subject: marketing spend\nbands:\n" + textwrap.indent(textwrap.dedent(bands).strip(), "  ")
    return {"ops/posts.yaml": MARKETING_POSTS, "ops/approvals.yaml": doc("ApprovalMatrix", "marketing-spend", body)}


def amounts_change(tmp_path: Path, bands: str) -> tuple[dict[str, Any], list[str]]:
    base = check_repo(write_repo(tmp_path / "base", marketing(MARKETING_BANDS)))
    head = check_repo(write_repo(tmp_path / "head", marketing(bands)))
    assert not base.findings and not head.findings, head.findings
    change = governance_diff(base, head, "base", "head")
    return change, [row["summary"] for row in change["approvalAmounts"]]


def test_a_lower_band_reaching_higher_moves_amounts_between_approvers(tmp_path: Path) -> None:
    change, sentences = amounts_change(
        tmp_path,
        """
        - {below: 200000, approvers: [marketing-director]}
        - {from: 200000, below: 500000, mode: all, approvers: [marketing-director, finance-director]}
        - {from: 500000, approvers: [gm-office-meeting]}
        """,
    )
    assert change["approvalAuthority"] == []  # nobody's highest amount changed
    assert sentences == [
        f"财务总监 (finance-director) in marketing-spend: no longer approves {W_100K_200K} (countersign)",
        f"市场总监 (marketing-director) in marketing-spend: now approves {W_100K_200K} alone, was countersign",
    ]
    lost = change["approvalAmounts"][0]
    assert lost["approver"] == "Position/finance-director" and lost["matrix"] == "marketing-spend"
    assert (lost["change"], lost["was"], lost["now"]) == ("lost", "countersign", None)
    assert lost["interval"] == {"from": 100000, "fromInclusive": True, "to": 200000, "toInclusive": False}


def test_a_dropped_countersign_is_a_mode_change_for_every_approver_of_the_band(tmp_path: Path) -> None:
    _, sentences = amounts_change(tmp_path, MARKETING_BANDS.replace("mode: all", "mode: any"))
    assert sentences == [
        f"{who} in marketing-spend: now approves {W_100K_500K} alone, was countersign"
        for who in ("财务总监 (finance-director)", "市场总监 (marketing-director)")
    ]


def test_a_raised_lower_bound_is_lost_by_the_band_above(tmp_path: Path) -> None:
    change, sentences = amounts_change(tmp_path, MARKETING_BANDS.replace("500000", "800000"))
    assert sentences == [
        f"财务总监 (finance-director) in marketing-spend: now approves {W_500K_800K} (countersign)",
        f"总经理办公会 (gm-office-meeting) in marketing-spend: no longer approves {W_500K_800K} alone",
        f"市场总监 (marketing-director) in marketing-spend: now approves {W_500K_800K} (countersign)",
    ]
    assert [row["change"] for row in change["approvalAmounts"]] == ["gained", "lost", "gained"]
    markdown = render_markdown(change)
    assert f"- 总经理办公会 (gm-office-meeting) in marketing-spend: no longer approves {W_500K_800K} alone" in markdown


def test_an_added_or_removed_matrix_shows_every_amount(tmp_path: Path) -> None:
    base = check_repo(write_repo(tmp_path / "base", {"ops/posts.yaml": MARKETING_POSTS}))
    head = check_repo(write_repo(tmp_path / "head", marketing(MARKETING_BANDS)))
    sentences = [row["summary"] for row in governance_diff(base, head, "a", "b")["approvalAmounts"]]
    assert f"总经理办公会 (gm-office-meeting) in marketing-spend: now approves {W_500K_UP} alone" in sentences
    assert f"市场总监 (marketing-director) in marketing-spend: now approves {W_100K} alone" in sentences
    removed = [row["summary"] for row in governance_diff(head, base, "b", "a")["approvalAmounts"]]
    assert f"财务总监 (finance-director) in marketing-spend: no longer approves {W_100K_500K} (countersign)" in removed


def test_markdown_escapes_only_what_markdown_reads(tmp_path: Path) -> None:
    base = check_repo(write_repo(tmp_path / "base", {}))
    title = "# 预算 >= 100 & <b>粗</b> *星* a|b"
    head = check_repo(
        write_repo(tmp_path / "head", {"ops/u.yaml": doc("Unit", "x", "{parent: company}", title=json.dumps(title))})
    )
    markdown = render_markdown(governance_diff(base, head, "a", "b"))
    assert "- added \\# 预算 >= 100 & \\<b\\>粗\\</b\\> \\*星\\* a\\|b (`x`) under 总公司 (`company`)" in markdown
    assert "&gt;" not in markdown and "&amp;" not in markdown and "&lt;" not in markdown


def test_scheduled_changes_are_listed_as_scheduled_not_in_force(tmp_path: Path, monkeypatch: Any) -> None:
    """A `validFrom` after the head commit's day is scheduled: not an added unit, but its own section."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-23T12:00:00+00:00")
    root = init(tmp_path / "repo")
    write_repo(root, BEFORE)
    first = commit(root, "before")
    planned = {
        **BEFORE,
        "ops/planned.yaml": docs(
            "apiVersion: opsgov/v1\nkind: Unit\nmetadata: {name: audit, title: 审计部, validFrom: 2027-01-01}\n"
            "spec: {type: department, parent: company}\n",
            "apiVersion: opsgov/v1\nkind: KPI\nmetadata: {name: dso, title: 应收账款周转天数, validFrom: 2027-01-01}\n"
            "spec: {owner: finance, unit: days, direction: lower-is-better, target: 40,"
            " thresholds: {green: 40, yellow: 60}}\n",
        ),
        "ops/kpis.yaml": "apiVersion: opsgov/v1\nkind: KPI\n"
        "metadata: {name: dso, title: 应收账款周转天数, validUntil: 2026-12-31}\n"
        "spec: {owner: finance, unit: days, direction: lower-is-better, target: 45,"
        " thresholds: {green: 45, yellow: 60}}\n",
    }
    write_repo(root, planned)
    second = commit(root, "plan the audit department")
    change = change_json(first, second, str(root))
    assert change["asOf"] == "2026-11-23"
    assert change["units"]["added"] == [] and change["kpis"] == []
    assert change["scheduled"] == [
        {
            "kind": "KPI",
            "name": "dso",
            "title": "应收账款周转天数",
            "validFrom": "2027-01-01",
            "validUntil": None,
            "change": "replaces",
        },
        {
            "kind": "Unit",
            "name": "audit",
            "title": "审计部",
            "validFrom": "2027-01-01",
            "validUntil": None,
            "change": "new",
        },
    ]
    status, out, _ = run("diff", first, second, str(root))
    assert status == 0
    assert (
        "#### Scheduled (not in force on 2026-11-23)\n\n"
        "- from `2027-01-01`: `KPI` 应收账款周转天数 (`dso`) (replaces the version in force)\n"
        "- from `2027-01-01`: `Unit` 审计部 (`audit`) (new)\n"
    ) in out
    assert "No governance changes." not in out
    # A commit made on the day itself has the audit department in force: added, nothing scheduled.
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2027-01-01T12:00:00+00:00")
    (root / "ops" / "note.yaml").write_text("# 生效\n", encoding="utf-8")
    third = commit(root, "in force")
    on_the_day = change_json(first, third, str(root))
    assert [u["name"] for u in on_the_day["units"]["added"]] == ["audit"]
    assert on_the_day["scheduled"] == []


def test_a_scheduled_document_edited_or_withdrawn_is_a_change_and_its_finding_says_from_when(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Editing or withdrawing what is already scheduled is a governance change; a finding of a later day says so."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-23T12:00:00+00:00")
    root = init(tmp_path / "repo")
    planned = "apiVersion: opsgov/v1\nkind: Unit\nmetadata: {name: audit, title: 审计部, validFrom: 2027-01-01}\n"
    write_repo(root, {**BEFORE, "ops/planned.yaml": planned + "spec: {type: department, parent: company}\n"})
    first = commit(root, "plan the audit department")
    write_repo(root, {**BEFORE, "ops/planned.yaml": planned + "spec: {type: department, parent: finanse}\n"})
    second = commit(root, "move it under finance, with a typo")
    change = change_json(first, second, str(root))
    assert [(r["name"], r["change"]) for r in change["scheduled"]] == [("audit", "changed")]
    [introduced] = change["findings"]["introduced"]
    assert (introduced["rule"], introduced["asOf"]) == ("dangling-ref", "2027-01-01")
    _, out, _ = run("diff", first, second, str(root))
    assert "- from `2027-01-01`: `Unit` 审计部 (`audit`) (the scheduled version changed)\n" in out
    assert "No governance changes." not in out
    [line] = [line for line in out.splitlines() if line.startswith("- introduced: error `dangling-ref`")]
    assert "'finanse'" in line and line.endswith("(from 2027-01-01) (ops/planned.yaml:4)")
    (root / "ops" / "planned.yaml").unlink()
    third = commit(root, "withdraw the plan")
    withdrawn = change_json(second, third, str(root))
    assert [(r["name"], r["change"]) for r in withdrawn["scheduled"]] == [("audit", "withdrawn")]
    _, out, _ = run("diff", second, third, str(root))
    assert "- from `2027-01-01`: `Unit` 审计部 (`audit`) (withdrawn)\n" in out
