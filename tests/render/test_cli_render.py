"""`opsgov render orgchart|process` through the CLI: formats, options, errors, atomic output."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from pytest import MonkeyPatch

from opsgov.cli import ORGCHART_LAYOUTS, main
from opsgov.render.orgchart import LAYOUTS
from opsgov.render.safe import Drawing
from tests.render.fixtures import TINY
from tests.util import doc, write_repo


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_orgchart_format_from_extension_and_options(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    for name, magic in (
        ("chart.dot", b"digraph"),
        ("chart.svg", b"<?xml"),
        ("chart.png", b"\x89PNG"),
        ("c.pdf", b"%PDF"),
    ):
        out = tmp_path / name
        result = run("render", "orgchart", str(root), "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic), name
    result = run("render", "orgchart", str(root), "--format", "dot", "--root", "finance", "--people", "--no-positions")
    assert result.exit_code == 0
    assert '"Unit/finance"' in result.output and '"Unit/ops"' not in result.output and "张三" in result.output


def test_render_goes_on_when_the_check_has_findings(tmp_path: Path) -> None:
    broken = {**TINY, "ops/bad.yaml": doc("Unit", "stray", "{type: team, parent: nowhere}")}
    result = run("render", "orgchart", str(write_repo(tmp_path, broken)), "--format", "dot")
    assert result.exit_code == 0
    assert '"Unit/finance"' in result.output


def test_errors_are_one_line_and_leave_the_old_file(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    out = tmp_path / "chart.svg"
    out.write_text("old", encoding="utf-8")
    result = run("render", "orgchart", str(root), "--root", "nowhere", "-o", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "opsgov: --root: 'nowhere' names no Unit in this repository; the Unit names are: company, finance, ops"
    )
    assert out.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.glob(".chart.svg.*")) == []
    result = run("render", "orgchart", str(root), "--format", "png")
    assert result.exit_code == 2 and "png is binary" in result.output


def test_process_command(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    result = run("render", "process", "buy", str(root), "--format", "dot")
    assert result.exit_code == 0 and 'start -> "step-ask"' in result.output
    out = tmp_path / "buy.svg"
    assert run("render", "process", "buy", str(root), "-o", str(out)).exit_code == 0
    assert b"<svg" in out.read_bytes()
    result = run("render", "process", "nope", str(root))
    assert result.exit_code == 2 and "'nope' names no Process in this repository" in result.output


def test_an_unknown_extension_is_a_usage_error_not_svg_in_a_jpg(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    out = tmp_path / "chart.jpg"
    result = run("render", "orgchart", str(root), "-o", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"opsgov: cannot tell the format from {out}: write svg, png, pdf, dot as its extension, or give --format"
    )
    assert not out.exists()
    result = run("render", "approvals", str(root), "-o", str(tmp_path / "table.xlsx"))
    assert result.exit_code == 2 and "write md, csv, html as its extension" in result.output
    # --format decides, whatever the extension; no extension takes the default
    assert run("render", "orgchart", str(root), "-o", str(out), "--format", "dot").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")
    assert run("render", "raci", str(root), "-o", str(tmp_path / "raci")).exit_code == 0
    assert (tmp_path / "raci").read_text(encoding="utf-8").startswith("# RACI")


def test_orgchart_layout_dpi_and_pages(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", TINY)
    result = run("render", "orgchart", str(root), "--format", "dot", "--layout", "left-right")
    assert result.exit_code == 0 and "rankdir=LR" in result.output
    low, high = tmp_path / "low.png", tmp_path / "high.png"
    assert run("render", "orgchart", str(root), "-o", str(low), "--dpi", "48").exit_code == 0
    assert run("render", "orgchart", str(root), "-o", str(high), "--dpi", "192").exit_code == 0
    width = [int.from_bytes(path.read_bytes()[16:20], "big") for path in (low, high)]
    assert width[1] > 3 * width[0]  # 4x the resolution (a few pixels of margin are fixed)
    pages = tmp_path / "print.pdf"
    result = run("render", "orgchart", str(root), "-o", str(pages), "--page", "A3")
    assert result.exit_code == 0 and pages.read_bytes().startswith(b"%PDF")
    for option, fmt, message in (
        ("--dpi=300", "svg", "opsgov: --dpi sets the resolution of a PNG: write -o FILE.png or give --format png"),
        ("--page=A4", "png", "opsgov: --page makes a PDF: write -o FILE.pdf or give --format pdf (not png)"),
    ):
        result = run("render", "orgchart", str(root), option, "-o", str(tmp_path / f"x.{fmt}"))
        assert result.exit_code == 2 and result.output.startswith(message), result.output
        assert not (tmp_path / f"x.{fmt}").exists()


def test_a_scaled_down_chart_is_written_with_a_warning_on_stderr(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    import opsgov.render.orgchart as orgchart

    def scaled(model: object, fmt: str, options: object, *, dpi: int | None = None) -> Drawing:
        return Drawing(b"\x89PNG fake", ("the drawing is larger than Graphviz's limit ... scaled down by 0.72",))

    monkeypatch.setattr(orgchart, "draw_orgchart", scaled)
    out = tmp_path / "chart.png"
    result = run("render", "orgchart", str(write_repo(tmp_path / "repo", TINY)), "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == "opsgov: warning: the drawing is larger than Graphviz's limit ... scaled down by 0.72\n"
    assert out.read_bytes() == b"\x89PNG fake"


def test_the_cli_offers_every_layout() -> None:
    assert ORGCHART_LAYOUTS == LAYOUTS


def test_every_render_follows_the_runs_language(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    """--lang, else opsgov.yaml `lang`, else the Organization's locale (zh-CN here), else the environment."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    root = str(write_repo(tmp_path / "repo", TINY))
    commands = {
        "orgchart": (
            ["orgchart", root, "--format", "dot"],
            ["直线汇报", "虚线（矩阵）汇报", "负责人", "部门"],
            ["reports to", "dotted (matrix) line", "head", "department"],
        ),
        "process": (
            ["process", "buy", root, "--format", "dot"],
            ["开始", "结束", "审批: 费用审批", "时限 2 天"],
            ["start", "end", "approval: 费用审批", "SLA 2d"],
        ),
        "raci": (
            ["raci", root, "--format", "html"],
            ['<html lang="zh-CN">', "<title>RACI 责任矩阵</title>", "岗位或单位", "负责：执行"],
            ['<html lang="en">', "<title>RACI</title>", "Post or unit", "Responsible: does"],
        ),
        "approvals": (
            ["approvals", root, "--format", "md"],
            ["# 审批权限", "| 档位 | 审批人 | 方式 | 超时升级 |", "会签", "24 小时后升级至总经理"],
            ["# Approval matrices", "| Band | Approvers | Mode | Escalation |", "after 24h to 总经理"],
        ),
        "sheet": (
            ["approvals", root, "--format", "csv"],
            ["审批矩阵,名称,档位,审批人,方式,超时升级,分类"],
            ["Matrix,Title,Band,Approvers,Mode,Escalation,Category"],
        ),
    }
    for name, (args, chinese, english) in commands.items():
        output = run("render", *args).output  # the Organization's locale
        assert [word for word in chinese if word not in output] == [], name
        assert [word for word in english if len(word) > 5 and word in output] == [], name
        output = run("--lang", "en", "render", *args).output
        assert [word for word in english if word not in output] == [], name
        assert [word for word in chinese if word in output] == [], name
    (Path(root) / "opsgov.yaml").write_text("lang: en\n", encoding="utf-8")  # opsgov.yaml over the locale
    assert "| Band | Approvers | Mode | Escalation |" in run("render", *commands["approvals"][0]).output
