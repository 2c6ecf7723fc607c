"""`--as-of` on every command that shows the organisation: a unit in force only from 2027-01-01
is absent the day before and present on the day (render, handbook, explain, who-approves, graph
export). Fixed dates only."""

from __future__ import annotations

import csv
import io
import re
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
    assert "'2026-02-30' is not a day of the calendar: 2026-02 has 28 days" in result.output
    assert "does not match the format" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--format", "json"),
        ("explain", "ceo"),
        ("who-approves", "spend", "100"),
        ("render", "approvals", "--format", "md"),
        ("graph", "export", "--format", "json"),
    ],
    ids=" ".join,
)
def test_the_last_days_of_the_calendar_are_a_date_like_any_other(repo: Repo, command: tuple[str, ...]) -> None:
    """The horizon runs past 9999-12-31: it ends there, not in an OverflowError (internal error, exit 2)."""
    late = run(*command, str(repo(FILES)), "--as-of", "9999-12-31")
    assert late.exit_code in (0, 1), late.output
    assert "internal error" not in late.output
    assert ('"asOf": "9999-12-31"' if command[0] == "check" else "新设部门") in late.stdout


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
    # the kind in the organisation's language; what ends is in force today and links to its page
    assert table == [
        "| 2027-01-01 | 生效 | 审批矩阵 | 费用审批 |",
        "| 2027-01-01 | 生效 | 人员 | 李 代理 新设部门负责人 |",
        "| 2027-01-01 | 生效 | 岗位 | 新设部门负责人 |",
        "| 2027-01-01 | 生效 | 流程 | 采购 |",
        "| 2027-01-01 | 生效 | 单位 | 新设部门 |",
        "| 2027-01-01 | 终止（最后一天 2026-12-31） | 审批矩阵 | [费用审批](approvals.md) |",
        "| 2027-01-01 | 终止（最后一天 2026-12-31） | 流程 | [采购](processes/purchase.md) |",
        "| 2027-04-01 | 终止（最后一天 2027-03-31） | 人员 | 李 代理 新设部门负责人 |",
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
    assert rows == ["| 2027-04-01 | 终止（最后一天 2027-03-31） | 人员 | 李 代理 新设部门负责人 |"]


PEOPLE = docs(
    doc("Person", "wang", "{holds: [ceo]}", title="王总"),
    # 文员 (clerk): 李 held it until 2026-10-31, 钱 acted in September and October, 赵 acts from November
    doc("Person", "li", "{holds: [{position: clerk, from: 2025-01-01, until: 2026-10-31}]}", title="李"),
    doc(
        "Person", "qian", "{holds: [{position: clerk, acting: true, from: 2026-09-01, until: 2026-10-31}]}", title="钱"
    ),
    doc(
        "Person", "zhao", "{holds: [{position: clerk, acting: true, from: 2026-11-01, until: 2027-03-31}]}", title="赵"
    ),
)
"""As of 2026-11-23 (BEFORE the reorganisation): 赵 is the acting holder of 文员; 李 and 钱 are former holders."""
TODAY = "2026-11-23"


def test_the_handbook_marks_acting_holders_and_lists_former_holders(repo: Repo, tmp_path: Path) -> None:
    root = repo({**FILES, "ops/people.yaml": PEOPLE})
    out = tmp_path / "md"
    assert run("handbook", str(root), "-o", str(out), "--format", "md", "--as-of", TODAY).exit_code == 0
    company = (out / "units" / "company.md").read_text(encoding="utf-8")
    assert "| 文员 |  | 1 | 赵（代理，至 2027-03-31） | [总经理](../units/company.md) |  |" in company
    history = company[company.index("## 历任") : company.index("## 职责")]
    assert [line for line in history.splitlines() if line.startswith("| ")] == [
        "| 人员 | 岗位 | 任职期间 |",
        "| 李 | [文员](../units/company.md) | 2025-01-01 至 2026-10-31 |",
        "| 钱（代理） | [文员](../units/company.md) | 2026-09-01 至 2026-10-31 |",
    ]
    assert "截至 2026-11-23" in company.splitlines()[0]  # the navigation line of every page names the day
    # a finding that first holds on a later change date says from when, as `check` does
    findings = (out / "findings.md").read_text(encoding="utf-8")
    assert (
        "| 警告 (自 2027-01-01 起) | vacant-key-post | 新设部门负责人 | 岗位 新设部门负责人 (new-head) 空缺" in findings
    )
    # On 2027-04-01 赵's acting appointment has ended too: history, no longer a holder; 文员 is vacant.
    later = tmp_path / "later"
    assert run("handbook", str(root), "-o", str(later), "--format", "md", "--as-of", "2027-04-01").exit_code == 0
    company = (later / "units" / "company.md").read_text(encoding="utf-8")
    assert "| 赵（代理） | [文员](../units/company.md) | 2026-11-01 至 2027-03-31 |" in company
    assert "代理，至" not in company


def test_the_handbook_chart_marks_an_acting_head(repo: Repo, tmp_path: Path) -> None:
    acting_head = doc(
        "Person", "zhou", "{holds: [{position: ceo, acting: true, from: 2026-11-01, until: 2027-03-31}]}", title="周"
    )
    root = repo({**FILES, "ops/people.yaml": docs(acting_head)})
    out = tmp_path / "html"
    assert run("handbook", str(root), "-o", str(out), "--as-of", TODAY).exit_code == 0
    units = (out / "assets" / "units.js").read_text(encoding="utf-8")
    assert '"head":"总经理","holders":"周（代理）"' in units
    search = (out / "assets" / "search.js").read_text(encoding="utf-8")  # found by "代理" too
    assert '["Position","ceo","总经理","周（代理） 总公司","units/company.html#ceo"]' in search
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="as-of">截至 2026-11-23</span>' in index


def test_the_org_chart_of_a_date_says_the_day_and_marks_acting_holders(repo: Repo) -> None:
    root = repo({**FILES, "ops/people.yaml": PEOPLE})
    plain = run("render", "orgchart", str(root), "--format", "dot", "--as-of", TODAY)
    assert plain.exit_code == 0, plain.output
    assert "截至 2026-11-23" in plain.stdout  # the organisation is dated: the chart is of a day
    assert '文员 · <FONT COLOR="#9a6700">[代理]</FONT>' in plain.stdout
    assert "[代理]</FONT></TD></TR></TABLE>" in plain.stdout  # and the legend explains the mark
    people = run("render", "orgchart", str(root), "--format", "dot", "--people", "--as-of", TODAY)
    assert "文员 · 赵（代理）" in people.stdout and "[代理]" not in people.stdout
    assert "李" not in people.stdout and "钱" not in people.stdout  # former holders are not on the chart of the day


def delegation(name: str, title: str, window: str) -> str:
    spec = f"{{from: ceo, to: clerk, matrices: [spend], upTo: 50000, {window}, reason: 出差, approvedBy: ceo}}"
    return doc("Delegation", name, spec, title=title)


def test_the_handbook_lists_delegations_in_force_and_scheduled_within_the_horizon(repo: Repo, tmp_path: Path) -> None:
    root = repo(
        {
            **FILES,
            "opsgov.yaml": "horizon: 30\n",
            "ops/delegations.yaml": docs(
                delegation("now", "本周授权", "validFrom: 2026-11-20, validUntil: 2026-11-30"),
                delegation("soon", "下月授权", "validFrom: 2026-12-10, validUntil: 2026-12-12"),
                delegation("later", "明年授权", "validFrom: 2027-02-01, validUntil: 2027-02-03"),  # beyond 30 days
            ),
        }
    )
    out = tmp_path / "html"
    result = run("handbook", str(root), "-o", str(out), "--as-of", TODAY)
    assert result.exit_code == 0, result.output
    page = (out / "approvals.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="delegation-([a-z]+)"( class="scheduled")?><td>(.*?)</td><td>(.*?)</td>', page)
    assert rows == [
        ("now", "", "本周授权 (now)", "生效中"),
        ("soon", ' class="scheduled"', "下月授权 (soon)", "计划，自 2026-12-10 起"),
    ]
    assert "<td>50,000 CNY</td><td>2026-12-10 至 2026-12-12</td>" in page
    # the matrix's own section names the delegations that reach it, linked to their rows
    assert '<a href="#delegation-soon">下月授权</a> (计划，自 2026-12-10 起)' in page
    # the scheduled-changes page: the one in force ends (linked to its row), the next starts
    scheduled = (out / "scheduled.html").read_text(encoding="utf-8")
    assert (
        "<td>2026-12-01</td><td>终止（最后一天 2026-11-30）</td><td>授权委托</td>"
        '<td><a href="approvals.html#delegation-now">本周授权</a></td>' in scheduled
    )
    assert (
        '<td>2026-12-10</td><td>生效</td><td>授权委托</td><td><a href="approvals.html#delegation-soon">下月授权</a>'
        in scheduled
    )
    table = run("render", "approvals", str(root), "--format", "md", "--as-of", TODAY).stdout
    assert "| 下月授权 (soon) | 计划，自 2026-12-10 起 | 总经理 | 文员 | 费用审批 | 50,000 CNY |" in table
    assert "明年授权" not in table


NEW_POSTS = {
    "ops/posts.yaml": docs(
        # the delegate post comes into force on the day the Delegation does
        dated("Position", "deputy", "副总经理", "validFrom: 2027-01-01", "{unit: company, reportsTo: ceo}"),
        # a post renamed on 2027-01-01: a Delegation from 2027-01-05 names it by its new title
        dated("Position", "assistant", "助理", "validUntil: 2026-12-31", "{unit: company, reportsTo: ceo}"),
        dated("Position", "assistant", "总经理助理", "validFrom: 2027-01-01", "{unit: company, reportsTo: ceo}"),
        doc("ApprovalMatrix", "travel", "{subject: 差旅, bands: [{approvers: [ceo]}]}", title="差旅审批"),
    ),
    "ops/delegations.yaml": docs(
        doc(
            "Delegation",
            "handover",
            "{from: ceo, to: deputy, matrices: [travel], upTo: 50000, validFrom: 2027-01-01, validUntil: 2027-01-10,"
            " reason: 交接, approvedBy: ceo}",
            title="交接期授权",
        ),
        doc(
            "Delegation",
            "desk",
            "{from: ceo, to: assistant, matrices: [travel], validFrom: 2027-01-05, validUntil: 2027-01-06,"
            " reason: 出差, approvedBy: ceo}",
            title="值班授权",
        ),
    ),
}
HANDOVER = "交接期授权 (handover) (from 2027-01-01 to 2027-01-10)"
DESK = "值班授权 (desk) (from 2027-01-05 to 2027-01-06)"
"""How explain and who-approves name a Delegation, as messages name entities: title (id), then its window."""


def test_a_scheduled_delegation_names_its_posts_as_of_its_first_day(repo: Repo) -> None:
    """A delegate post in force only from the Delegation's first day is found, and shown by its title of that day."""
    root = repo(NEW_POSTS)
    check = run("check", str(root), "--today", TODAY)
    assert check.exit_code == 0, check.output
    who = run("--lang", "en", "who-approves", "travel", "100", str(root), "--as-of", TODAY)
    assert who.stdout.splitlines()[-2:] == [
        f"delegate scheduled from 2027-01-01: 副总经理 (deputy) in place of 总经理 (ceo), through {HANDOVER}, "
        "up to 50,000 CNY",
        f"delegate scheduled from 2027-01-05: 总经理助理 (assistant) in place of 总经理 (ceo), through {DESK}",
    ]
    ceo = run("--lang", "en", "explain", "ceo", str(root), "--as-of", TODAY).stdout.splitlines()
    assert (
        f"  from 2027-01-01 (scheduled): delegates to 副总经理 (Position/deputy) through {HANDOVER}, up to 50,000 CNY, "
        "in 差旅审批 (ApprovalMatrix/travel)"
    ) in ceo
    assert (
        f"  from 2027-01-05 (scheduled): delegates to 总经理助理 (Position/assistant) through {DESK}, "
        "in 差旅审批 (ApprovalMatrix/travel)"
    ) in ceo
    travel = run("--lang", "en", "explain", "travel", str(root), "--as-of", TODAY).stdout.splitlines()
    assert (
        f"     delegate scheduled from 2027-01-01: 副总经理 (deputy) in place of 总经理 (ceo), through {HANDOVER}, "
        "up to 50,000 CNY"
    ) in travel
    # the table (Markdown and CSV alike) names the posts by their titles of the Delegation's first day
    rows = [
        ["交接期授权 (handover)", "计划，自 2027-01-01 起", "总经理", "副总经理", "差旅审批", "50,000 CNY"],
        ["值班授权 (desk)", "计划，自 2027-01-05 起", "总经理", "总经理助理", "差旅审批", "无"],
    ]
    table = run("render", "approvals", str(root), "--format", "md", "--as-of", TODAY).stdout
    assert [line.split(" | ")[:6] for line in table.splitlines() if "授权 (" in line] == [
        ["| " + row[0], *row[1:]] for row in rows
    ]
    sheet = run("render", "approvals", str(root), "--format", "csv", "--as-of", TODAY).stdout
    assert [row[:6] for row in csv.reader(io.StringIO(sheet)) if row and "授权 (" in row[0]] == rows
    # on the day, the delegate's own page says what it holds
    deputy = run("--lang", "en", "explain", "deputy", str(root), "--as-of", "2027-01-02").stdout.splitlines()
    assert (
        f"  approves 差旅审批 (ApprovalMatrix/travel), band 1: any amount in place of 总经理 (Position/ceo), "
        f"through {HANDOVER}, up to 50,000 CNY"
    ) in deputy


def test_the_approvals_csv_lists_the_delegations_as_the_table_does_with_formulas_defused(repo: Repo) -> None:
    from opsgov.i18n import speaking
    from opsgov.render.approvals_table import approvals_tables
    from opsgov.render.table import csv_cell
    from tests.util import check_repo

    hostile = doc(
        "Delegation",
        "now",
        "{from: ceo, to: clerk, matrices: [spend], validFrom: 2026-11-20, validUntil: 2026-11-30,"
        " reason: '=HYPERLINK(\"http://x\")', approvedBy: ceo}",
        title="-1+1",
    )
    root = repo(
        {
            **FILES,
            "ops/delegations.yaml": docs(
                hostile, delegation("soon", "下月授权", "validFrom: 2026-12-10, validUntil: 2026-12-12")
            ),
        }
    )
    sheet = run("render", "approvals", str(root), "--format", "csv", "--as-of", TODAY).stdout
    tables = sheet.removeprefix("\ufeff").split("\n\n")
    assert len(tables) == 2  # the matrices, a blank line, the delegations
    rows = list(csv.reader(io.StringIO(tables[1])))
    assert rows[0] == ["授权委托", "状态", "授权人", "被授权人", "审批矩阵", "上限", "有效期", "原因"]
    assert rows[1] == [
        "'-1+1 (now)",
        "生效中",
        "总经理",
        "文员",
        "费用审批",
        "无",
        "2026-11-20 至 2026-11-30",
        '\'=HYPERLINK("http://x")',
    ]
    model = check_repo(root).model
    assert model is not None
    with speaking("zh_CN"):  # as `opsgov render` speaks for this zh-CN organisation
        table = approvals_tables(model)[-1]
    assert rows[1:] == [[csv_cell(cell) for cell in row] for row in table.rows]
    assert [row[0] for row in rows[1:]] == ["'-1+1 (now)", "下月授权 (soon)"]
