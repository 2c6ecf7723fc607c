"""`--as-of` on every command that shows the organisation: a unit in force only from 2027-01-01
is absent the day before and present on the day (render, handbook, explain, who-approves, graph
export). Fixed dates only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from opsgov.cli import main
from tests.util import doc, docs

Repo = Callable[..., Path]

BEFORE, ON = "2026-12-31", "2027-01-01"
NEW = "新设部门"
"""The title of the unit in force from 2027-01-01: what every view shows only from that day."""


def dated(kind: str, name: str, title: str, window: str, spec: str) -> str:
    return f"apiVersion: opsgov/v1\nkind: {kind}\nmetadata: {{name: {name}, title: {title}, {window}}}\nspec: {spec}\n"


BY_CEO = "{subject: 费用, bands: [{approvers: [ceo]}]}"
BY_NEW_HEAD = "{subject: 费用, bands: [{approvers: [new-head]}]}"

FILES = {
    "ops/units.yaml": docs(
        dated("Unit", "new-dept", NEW, "validFrom: 2027-01-01", "{parent: company, head: new-head}"),
        dated("Position", "new-head", f"{NEW}负责人", "validFrom: 2027-01-01", "{unit: new-dept, reportsTo: ceo}"),
        doc("Position", "clerk", "{unit: company, reportsTo: ceo}", title="文员"),
    ),
    "ops/spend.yaml": docs(
        dated("ApprovalMatrix", "spend", "费用审批", "validUntil: 2026-12-31", BY_CEO),
        dated("ApprovalMatrix", "spend", "费用审批", "validFrom: 2027-01-01", BY_NEW_HEAD),
    ),
    "ops/process.yaml": docs(
        dated(
            "Process",
            "purchase",
            "采购",
            "validUntil: 2026-12-31",
            "{owner: ceo, steps: [{id: buy, title: 采购, responsible: clerk}]}",
        ),
        dated(
            "Process",
            "purchase",
            "采购",
            "validFrom: 2027-01-01",
            "{owner: ceo, steps: [{id: buy, title: 采购, responsible: clerk, next: [sign]},"
            " {id: sign, title: 签批, responsible: new-head, approval: spend}]}",
        ),
    ),
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "command",
    [
        ("render", "orgchart", "--format", "dot"),
        ("render", "process", "purchase", "--format", "dot"),
        ("render", "raci", "--format", "md"),
        ("render", "raci", "--by", "unit", "--format", "md"),
        ("render", "approvals", "--format", "md"),
        ("graph", "export", "--format", "json"),
    ],
    ids=" ".join,
)
def test_a_view_shows_a_unit_only_from_the_day_it_is_in_force(repo: Repo, command: tuple[str, ...]) -> None:
    root = repo(FILES)
    before = run(*command, str(root), "--as-of", BEFORE)
    on = run(*command, str(root), "--as-of", ON)
    assert before.exit_code == 0, before.output
    assert on.exit_code == 0, on.output
    assert NEW not in before.stdout
    assert NEW in on.stdout


def test_who_approves_as_of(repo: Repo) -> None:
    root = repo(FILES)
    before = run("who-approves", "spend", "100", str(root), "--format", "json", "--as-of", BEFORE)
    on = run("who-approves", "spend", "100", str(root), "--format", "json", "--as-of", ON)
    assert before.exit_code == 0 and on.exit_code == 0, (before.output, on.output)
    assert '"Position/ceo"' in before.stdout and "new-head" not in before.stdout
    assert '"Position/new-head"' in on.stdout and '"Position/ceo"' not in on.stdout


def test_explain_as_of(repo: Repo) -> None:
    root = repo(FILES)
    before = run("explain", "Unit/new-dept", str(root), "--as-of", BEFORE)
    on = run("explain", "Unit/new-dept", str(root), "--as-of", ON)
    assert before.exit_code == 2
    assert before.stderr == (
        "opsgov: Unit/new-dept is not in force on 2026-12-31: it is in force from 2027-01-01; "
        "give --as-of a day in it\n"
    )
    assert on.exit_code == 0 and NEW in on.stdout


def test_handbook_as_of(repo: Repo, tmp_path: Path) -> None:
    root = repo(FILES)
    texts = {}
    for day in (BEFORE, ON):
        out = tmp_path / f"handbook-{day}"
        result = run("handbook", str(root), "-o", str(out), "--format", "md", "--as-of", day)
        assert result.exit_code == 0, result.output
        # the scheduled-changes page announces the unit before it is in force; no other page shows it
        texts[day] = "".join(
            p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.md")) if p.name != "scheduled.md"
        )
    assert NEW not in texts[BEFORE]
    assert NEW in texts[ON]


def test_as_of_takes_only_a_calendar_day(repo: Repo) -> None:
    root = repo(FILES)
    result = CliRunner().invoke(main, ["render", "orgchart", str(root), "--format", "dot", "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert "'2026-02-30' does not match the format '%Y-%m-%d'" in result.output


def test_handbook_lists_scheduled_changes_and_when_each_matrix_was_reviewed(repo: Repo, tmp_path: Path) -> None:
    files = {
        **FILES,
        "ops/people.yaml": docs(
            doc("Person", "wang", "{holds: [ceo]}", title="王总"),
            doc(
                "Person",
                "li",
                "{holds: [clerk, {position: new-head, acting: true, from: 2027-01-01, until: 2027-03-31}]}",
                title="李",
            ),
        ),
        "ops/audit.yaml": "apiVersion: opsgov/v1\nkind: ApprovalMatrix\n"
        "metadata: {name: travel, title: 差旅审批, reviewed: {on: 2026-09-30, by: clerk}}\n"
        "spec: {subject: 差旅, bands: [{approvers: [ceo]}]}\n",
    }
    root = repo(files)
    out = tmp_path / "handbook"
    result = run("handbook", str(root), "-o", str(out), "--format", "md", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    scheduled = (out / "scheduled.md").read_text(encoding="utf-8")
    table = [line for line in scheduled.splitlines() if line.startswith("| 20")]
    assert table == [
        "| 2027-01-01 | 生效 | ApprovalMatrix: 费用审批 |",
        "| 2027-01-01 | 生效 | Person: 李 代理 新设部门负责人 |",
        "| 2027-01-01 | 生效 | Position: 新设部门负责人 |",
        "| 2027-01-01 | 生效 | Process: 采购 |",
        "| 2027-01-01 | 生效 | Unit: 新设部门 |",
        "| 2027-01-01 | 终止（最后一天 2026-12-31） | ApprovalMatrix: 费用审批 |",
        "| 2027-01-01 | 终止（最后一天 2026-12-31） | Process: 采购 |",
        "| 2027-04-01 | 终止（最后一天 2027-03-31） | Person: 李 代理 新设部门负责人 |",
    ]
    assert "2026-11-23 之后至 2027-11-23 生效或终止的内容。" in scheduled
    approvals = (out / "approvals.md").read_text(encoding="utf-8")
    assert "最近复核: 2026-09-30，文员" in approvals
    assert "最近复核: 未复核" in approvals
    # On the day itself the reorganisation is in force; only the acting appointment's end is ahead.
    later = tmp_path / "later"
    run("handbook", str(root), "-o", str(later), "--format", "md", "--as-of", "2027-01-01")
    rows = [
        line for line in (later / "scheduled.md").read_text(encoding="utf-8").splitlines() if line.startswith("| 20")
    ]
    assert rows == ["| 2027-04-01 | 终止（最后一天 2027-03-31） | Person: 李 代理 新设部门负责人 |"]
