"""`opsgov export`: the roster and the matrices for Excel; exporting then importing gives the same organisation."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from opsgov.cli import main
from tests.tables.test_import import ROSTER, write
from tests.util import check_repo

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str) -> tuple[int, str, str]:
    """The command; sync and export on a fixed day (tests never use the real today)."""
    dated = ["--today", "2026-11-23"] if args[0] in ("sync", "export") and "--today" not in args else []
    result = CliRunner().invoke(main, [*args, *dated], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def graph(path: Path) -> str:
    status, out, err = invoke("graph", "export", str(path), "--format", "json")
    assert status == 0, err
    return out


def test_export_then_import_gives_back_the_same_organisation(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert invoke("import", str(write(tmp_path, ROSTER)), "-o", str(first))[0] == 0
    for suffix in ("xlsx", "csv"):
        table = tmp_path / f"roster.{suffix}"
        assert invoke("export", str(first), "-o", str(table))[0] == 0
        second = tmp_path / f"second-{suffix}"
        assert invoke("import", str(table), "-o", str(second))[0] == 0
        assert graph(second) == graph(first)


def test_the_example_organisation_survives_export_and_import_with_its_matrices(tmp_path: Path) -> None:
    table = tmp_path / "org.xlsx"
    assert invoke("export", str(ROOT), "-o", str(table))[0] == 0
    second = tmp_path / "second"
    status, _, err = invoke("import", str(table), "-o", str(second))
    assert status == 0, err
    report = check_repo(second)
    assert [f"{f.file}:{f.line} {f.rule} {f.message}" for f in report.findings] == []
    assert report.model is not None and report.model.by_kind["ApprovalMatrix"]["marketing-spend"].spec["bands"][1] == {
        "from": 100000,
        "upTo": 500000,
        "approvers": ["marketing-director", "finance-director"],
        "mode": "all",
        "escalation": {"after": "24h", "to": "general-manager"},
    }


def test_the_workbook_is_styled_with_numeric_bounds_and_text_stays_text(tmp_path: Path) -> None:
    table = tmp_path / "org.xlsx"
    assert invoke("export", str(ROOT), "-o", str(table))[0] == 0
    book = load_workbook(table)
    matrices = sum(
        path.read_text(encoding="utf-8").count("kind: ApprovalMatrix") for path in (ROOT / "ops").rglob("*.yaml")
    )
    assert book.sheetnames[0] == "花名册" and len(book.sheetnames) == 1 + matrices  # the roster, a sheet per matrix
    roster = book["花名册"]
    assert roster.freeze_panes == "A2" and roster["A1"].font.bold and roster["A1"].value == "部门编号"
    assert roster.column_dimensions["B"].width > 8
    matrix = book["营销活动费用审批"]
    assert [matrix.cell(row, 4).value for row in (2, 3, 4)] == [None, 100000, 500000]
    assert isinstance(matrix.cell(3, 4).value, int)
    plan = book["生产计划调整审批"]  # quantity: percent, so no currency beside its 5
    assert [plan.cell(row, 3).value for row in (2, 3)] == [None, None] and plan.cell(2, 6).value == 5


def test_formula_looking_titles_are_neutralised_in_csv_and_text_in_xlsx(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert invoke("import", str(write(tmp_path, ROSTER.replace("会计", "=HYPERLINK(1)"))), "-o", str(first))[0] == 0
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    assert invoke("export", str(first), "-o", str(csv_path))[0] == 0
    assert invoke("export", str(first), "-o", str(xlsx_path))[0] == 0
    assert ",'=HYPERLINK(1)," in csv_path.read_text(encoding="utf-8-sig")
    cells = [c for row in load_workbook(xlsx_path)["花名册"].iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)
