"""RACI matrix and approval tables: content, the three formats, and the CLI commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner, Result

from opsgov.cli import main
from opsgov.i18n import speaking
from opsgov.render.approvals_table import approvals_tables
from opsgov.render.raci import raci_table
from opsgov.render.table import Table, csv_cell, md_cell, render_tables
from tests.render.fixtures import TINY, tiny_model
from tests.util import BASE, doc, write_repo


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_raci_by_post_rows_are_parties_columns_are_steps(tmp_path: Path) -> None:
    table = raci_table(tiny_model(tmp_path))
    assert table.header == ["岗位或单位", "提出申请", "审批"]
    assert table.groups == [("采购流程", 2)]  # the process once, over its steps
    assert table.flat_header() == ["岗位或单位", "采购流程 / 提出申请", "采购流程 / 审批"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["财务总监"] == ["R", ""]
    assert rows["运营总监"] == ["A", "R/A"]  # the process owner is accountable where no step says
    assert rows["运营部"] == ["C", ""]
    assert rows["财务部"] == ["", "I"]


def test_raci_by_unit_folds_posts_into_units(tmp_path: Path) -> None:
    table = raci_table(tiny_model(tmp_path), by="unit")
    assert table.header == ["单位", "采购流程"]
    assert {row[0]: row[1] for row in table.rows} == {"财务部": "R/I", "运营部": "R/A/C"}


def test_approval_table_bands_in_words(tmp_path: Path) -> None:
    (table,) = approvals_tables(tiny_model(tmp_path))
    assert table.title == "费用审批 (费用)"
    assert table.rows == [
        ["1,000 CNY（不含）以下", "运营总监", "任一审批人", "无"],
        ["1,000 CNY（含）以上", "总经理、运营总监", "会签", "24 小时后升级至总经理"],
    ]


def test_approval_table_in_english(tmp_path: Path) -> None:
    model = tiny_model(tmp_path, {"ops/org.yaml": TINY_ORG_EN})
    with speaking("en"):  # as `opsgov render` speaks for this en-GB organisation
        (table,) = approvals_tables(model)
    assert table.header == ["Band", "Approvers", "Mode", "Escalation"]
    assert table.rows[1] == ["from 1,000 CNY upward", "总经理, 运营总监", "all (countersign)", "after 24h to 总经理"]


TINY_ORG_EN = BASE["ops/org.yaml"].replace("locale: zh-CN", "locale: en-GB")
assert "en-GB" in TINY_ORG_EN


def test_formats_escape_their_syntax() -> None:
    table = Table(["a|b", "=x"], [["*em* <b>", "-1+1"]], title="T")
    assert "| a\\|b | =x |" in render_tables([table], "md", "T")
    assert md_cell("*em* <b>") == "\\*em\\* \\<b\\>"
    sheet = render_tables([table], "csv", "T")
    assert sheet.startswith("\ufeffa|b,")  # a UTF-8 byte order mark: Excel on Chinese Windows reads UTF-8
    rows = list(csv.reader(io.StringIO(sheet.removeprefix("\ufeff"))))
    assert rows == [["a|b", "'=x"], ["*em* <b>", "'-1+1"]]
    assert csv_cell("plain") == "plain"
    page = render_tables([table], "html", "T")
    assert '<td class="first">*em* &lt;b&gt;</td><td>-1+1</td>' in page and page.startswith("<!DOCTYPE html>")


def test_cli_raci_and_approvals_formats_from_extension(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    out = tmp_path / "raci.csv"
    assert run("render", "raci", str(root), "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith("\ufeff岗位或单位,采购流程 / 提出申请".encode())
    result = run("render", "raci", str(root), "--by", "unit", "--process", "buy")
    assert result.exit_code == 0 and "| 财务部 | R/I |" in result.output
    html_out = tmp_path / "approvals.html"
    assert run("render", "approvals", str(root), "-o", str(html_out)).exit_code == 0
    assert "<td>总经理、运营总监</td>" in html_out.read_text(encoding="utf-8")
    result = run("render", "approvals", str(root), "--format", "md")
    assert result.output.startswith("# 审批权限\n")


def test_approvals_csv_is_one_table_led_by_the_matrix(tmp_path: Path) -> None:
    second = doc(
        "ApprovalMatrix",
        "travel",
        "{subject: 差旅, bands: [{approvers: [coo], escalation: {after: 1w, to: ceo}}]}",
        title="差旅审批",
    )
    root = write_repo(tmp_path / "repo", {**TINY, "ops/travel.yaml": second})
    result = run("render", "approvals", str(root), "--format", "csv")
    assert result.exit_code == 0
    assert result.output.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.output.removeprefix("\ufeff"))))
    assert rows[0] == ["审批矩阵", "名称", "档位", "审批人", "方式", "超时升级", "分类"]
    assert [row[:3] for row in rows[1:]] == [
        ["spend", "费用审批 (费用)", "1,000 CNY（不含）以下"],
        ["spend", "费用审批 (费用)", "1,000 CNY（含）以上"],
        ["travel", "差旅审批 (差旅)", "任意金额"],
    ]
    assert rows[3][5] == "1 周后升级至总经理"
    # Markdown keeps one table per matrix, each under its heading
    markdown = run("render", "approvals", str(root)).output
    assert "## 费用审批 (费用)" in markdown and "## 差旅审批 (差旅)" in markdown


def _second_process() -> dict[str, str]:
    steps = "".join(
        f"\n  - {{id: s{i}, title: 第{i}步, responsible: coo{', next: [s' + str(i + 1) + ']' if i < 11 else ''}}}"
        for i in range(12)
    )
    return {"ops/long.yaml": doc("Process", "long", "owner: cfo\nsteps:" + steps, title="长流程")}


def test_raci_html_has_processes_over_steps_coloured_letters_a_legend_and_a_first_column_that_does_not_wrap(
    tmp_path: Path,
) -> None:
    model = tiny_model(tmp_path, _second_process())
    table = raci_table(model)
    assert table.groups == [("采购流程", 2), ("长流程", 12)]
    page = render_tables([table], "html", "RACI")
    # two header rows: each process once, spanning its steps; then the steps
    assert '<tr><th rowspan="2" class="first">岗位或单位</th><th colspan="2" class="group">采购流程</th>' in page
    assert '<th colspan="12" class="group">长流程</th></tr><tr><th>提出申请</th><th>审批</th><th>第0步</th>' in page
    assert "采购流程 / " not in page
    # each letter coloured by its role, its meaning on hover and in the legend
    assert '<td><span class="role role-R" title="负责：执行">R</span>/<span class="role role-A"' in page
    assert '<li><span class="role role-C" title="咨询：事前征询">C</span> 咨询：事前征询</li>' in page
    assert ".role-R{color:#1d4ed8" in page
    # the first column does not wrap and stays in view; step headers wrap; a wide table scrolls
    assert "th.first,td.first{white-space:nowrap;min-width:8em;position:sticky" in page
    assert "thead th:not(.first){min-width:4em;max-width:9em;white-space:normal}" in page
    assert '<div class="scroll"><table class="grid raci">' in page and ".scroll{overflow-x:auto" in page


def test_raci_markdown_gives_each_process_its_table_and_csv_one_header_row(tmp_path: Path) -> None:
    model = tiny_model(tmp_path, _second_process())
    md = render_tables([raci_table(model)], "md", "RACI")
    assert "## 采购流程\n" in md and "## 长流程\n" in md
    assert "| 岗位或单位 | 提出申请 | 审批 |" in md
    assert "**R** 负责：执行; **A** 批准：对结果负责" in md
    long_table = md.split("## 长流程")[1]
    assert "财务部" not in long_table  # a party with no letter in a process is not a row of its table
    rows = list(csv.reader(io.StringIO(render_tables([raci_table(model)], "csv", "RACI").removeprefix("\ufeff"))))
    assert rows[0][:3] == ["岗位或单位", "采购流程 / 提出申请", "采购流程 / 审批"] and rows[0][3] == "长流程 / 第0步"
