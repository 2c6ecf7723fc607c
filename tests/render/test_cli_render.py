"""`opsgov render orgchart|process` through the CLI: formats, options, errors, atomic output."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from opsgov.cli import main
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
    assert result.output.strip() == "opsgov: --root: no unit 'nowhere'; the units are: company, finance, ops"
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
    assert result.exit_code == 2 and "no process named 'nope'" in result.output


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
