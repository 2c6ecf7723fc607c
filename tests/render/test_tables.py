"""RACI matrix and approval tables: content, the three formats, and the CLI commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner, Result

from opsgov.cli import main
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
    assert table.header == ["岗位或单元", "采购流程 / 提出申请", "采购流程 / 审批"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["财务总监"] == ["R", ""]
    assert rows["运营总监"] == ["A", "R/A"]  # the process owner is accountable where no step says
    assert rows["运营部"] == ["C", ""]
    assert rows["财务部"] == ["", "I"]


def test_raci_by_unit_folds_posts_into_units(tmp_path: Path) -> None:
    table = raci_table(tiny_model(tmp_path), by="unit")
    assert table.header == ["单元", "采购流程"]
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
    assert "<td>*em* &lt;b&gt;</td>" in page and page.startswith("<!DOCTYPE html>")


def test_cli_raci_and_approvals_formats_from_extension(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    out = tmp_path / "raci.csv"
    assert run("render", "raci", str(root), "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith("\ufeff岗位或单元,采购流程 / 提出申请".encode())
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
    assert rows[0] == ["审批矩阵", "名称", "金额档位", "审批人", "方式", "超时升级"]
    assert [row[:3] for row in rows[1:]] == [
        ["spend", "费用审批 (费用)", "1,000 CNY（不含）以下"],
        ["spend", "费用审批 (费用)", "1,000 CNY（含）以上"],
        ["travel", "差旅审批 (差旅)", "任意金额"],
    ]
    assert rows[3][5] == "1 周后升级至总经理"
    # Markdown keeps one table per matrix, each under its heading
    markdown = run("render", "approvals", str(root)).output
    assert "## 费用审批 (费用)" in markdown and "## 差旅审批 (差旅)" in markdown
