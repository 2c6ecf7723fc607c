"""`opsgov import`: a clean roster gives a repository that checks clean; a bad row is a finding at its cell."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.tables.imports import run_import
from opsgov.tables.read import TableError
from tests.util import check_repo

ROSTER = """\
部门编号,部门,上级部门编号,岗位编号,岗位,上级岗位编号,编制,职级,姓名,负责人,虚线上级
D-01,总公司,,P0101,总经理,,1,E1,王建国,是,
D-02,财务部,D-01,P0201,财务总监,P0101,1,M1,李敏,是,
D-02,财务部,D-01,P0202,会计,P0201,2,P3,张三,否,
D-02,财务部,D-01,P0202,会计,P0201,2,P3,李四,否,
D-03,运营中心,D-01,P0301,运营总监,P0101,1,M1,周七,是,P0201
D-04,华东区,D-03,P0401,区域经理,P0301,1,M2,赵六,是,
D-04,华东区,D-03,P0402,店长,P0401,3,M3,,否,
"""


def write(tmp_path: Path, text: str, name: str = "roster.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    """The command in English (a Chinese roster would otherwise make its Organization, and the run, speak zh-CN)."""
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def problems(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    result = run_import([write(tmp_path, text)], tmp_path / "out", write=False, lang="en")
    return [(f.line, f.column, f.message) for f in result.findings]


def test_a_clean_roster_imports_into_a_repository_that_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    status, _, err = invoke("import", str(write(tmp_path, ROSTER)), "-o", str(out))
    assert status == 0, err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == [
        "ops/organization.yaml",
        "ops/people.yaml",
        "ops/units/d-01.yaml",
        "ops/units/d-02.yaml",
        "ops/units/d-03.yaml",
    ]
    report = check_repo(out)
    assert [f.rule for f in report.findings] == []
    model = report.model
    assert model is not None
    assert model.positions["p0202"].spec == {"unit": "d-02", "reportsTo": "p0201", "headcount": 2, "level": "P3"}
    assert model.positions["p0301"].spec["dottedLines"] == ["p0201"]
    assert model.units["d-04"].spec == {"type": "region", "parent": "d-03", "head": "p0401"}
    assert model.by_kind["Person"]["zhang-san"].spec == {"holds": ["p0202"]}
    assert "p0402" not in {h for p in model.by_kind["Person"].values() for h in p.spec["holds"]}  # a vacancy


def test_the_clean_roster_checks_without_a_single_finding(tmp_path: Path) -> None:
    clean = ROSTER.replace("D-04,华东区,D-03,P0402,店长,P0401,3,M3,,否,\n", "")
    out = tmp_path / "repo"
    assert invoke("import", str(write(tmp_path, clean)), "-o", str(out))[0] == 0
    assert [f"{f.file}:{f.line} {f.rule} {f.message}" for f in check_repo(out).findings] == []


def test_without_codes_ids_come_from_titles_in_pinyin_and_parents_from_reporting_lines(tmp_path: Path) -> None:
    text = """\
        department,position,reports to,name,head
        总公司,总经理,,王建国,yes
        财务部,财务总监,总经理,李敏,yes
        财务部,经理,财务总监,张三,no
        销售部,经理,总经理,李四,yes
        """
    out = tmp_path / "repo"
    assert invoke("import", str(write(tmp_path, text)), "-o", str(out))[0] == 0
    report = check_repo(out)
    assert [f.rule for f in report.findings] == []
    assert report.model is not None
    assert set(report.model.units) == {"zong-gong-si", "cai-wu-bu", "xiao-shou-bu"}
    assert report.model.units["cai-wu-bu"].spec["parent"] == "zong-gong-si"
    assert set(report.model.positions) == {"zong-jing-li", "cai-wu-zong-jian", "jing-li", "xiao-shou-bu-jing-li"}
    assert report.model.positions["xiao-shou-bu-jing-li"].spec["reportsTo"] == "zong-jing-li"


def test_gb18030_csv_is_read(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    assert invoke("import", str(write(tmp_path, ROSTER, encoding="gb18030")), "-o", str(out))[0] == 0
    assert "财务总监" in (out / "ops/units/d-02.yaml").read_text(encoding="utf-8")


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ROSTER.encode("utf-8"))
    assert run_import([path], tmp_path / "out", write=False, lang="en").findings == []


@pytest.mark.parametrize(
    ("bad_row", "cell", "message"),
    [
        ("D-02,财务部,D-01,P0203,出纳,P9999,1,P4,钱八,否,", (9, 6), "unknown reports-to 'P9999'"),
        ("D-02,财务部,D-01,P0203,出纳,P0201,1,P4,钱八,是,", (9, 10), "two heads of department '财务部'"),
        ("D-02,财务部,D-01,P0203,,P0201,1,P4,钱八,否,", (9, 5), "missing position title"),
        ("D-02,财务部,D-01,P0203,出纳,P0201,两,P4,钱八,否,", (9, 7), "is not a whole number"),
        ("D-02,财务部,D-01,P0201,财务总监,P0101,1,M1,孙九,否,", (3, 7), "编制 (headcount) 1 but 2 holders"),
    ],
)
def test_a_bad_row_is_reported_at_its_row_and_column_and_the_rest_imports(
    tmp_path: Path, bad_row: str, cell: tuple[int, int], message: str
) -> None:
    found = problems(tmp_path, ROSTER + bad_row + "\n")
    assert [(line, column) for line, column, text in found if message in text] == [cell], found
    assert len(found) == 1


def test_a_reporting_cycle_is_reported_once_and_broken(tmp_path: Path) -> None:
    text = ROSTER + "D-05,审计部,D-01,P0501,审计甲,P0502,1,M1,,否,\nD-05,审计部,D-01,P0502,审计乙,P0501,1,M1,,否,\n"
    found = problems(tmp_path, text)
    assert [(line, column) for line, column, _ in found] == [(10, 6)]
    assert "a cycle of reporting lines: 审计甲 -> 审计乙 -> 审计甲" in found[0][2]


def test_findings_come_in_the_usual_formats_with_the_table_as_file(tmp_path: Path) -> None:
    table = write(tmp_path, ROSTER + "D-02,财务部,D-01,P0203,出纳,P9999,1,P4,钱八,否,\n")
    status, out, _ = invoke("import", str(table), "-o", str(tmp_path / "repo"), "--format", "json")
    assert status == 1
    finding = json.loads(out)["findings"][0]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == ("table-row", str(table), 9, 6)
    assert (tmp_path / "repo/ops/units/d-02.yaml").is_file()  # the rest imported


def test_duplicate_and_unknown_headers_are_findings_at_the_header_cells(tmp_path: Path) -> None:
    found = problems(tmp_path, "部门,岗位,Department,备注\n总公司,总经理,x,y\n")
    assert [(line, column) for line, column, _ in found] == [(1, 3), (1, 4)]
    assert "duplicate header" in found[0][2] and "not recognised" in found[1][2]


def test_map_names_a_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Org,Job,Boss\n总公司,总经理,\n总公司,秘书,总经理\n")
    result = run_import(
        [path], tmp_path / "out", mapping=["Org=unit", "Job=position", "Boss=reports_to"], write=False, lang="en"
    )
    assert result.findings == [] and result.counts["positions"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a table"),
        (b"\xff" * 10 + b"\x81\x20,\n", "save the table as CSV UTF-8"),
        (b"a,b,c\n1,2,3\n", "no header row recognised"),
        (b"", "empty"),
    ],
)
def test_what_is_not_a_table_is_one_clear_error_and_no_output(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    status, _, err = invoke("import", str(path), "-o", str(tmp_path / "repo"))
    assert status == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "repo").exists()


def test_an_unknown_encoding_names_its_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("部门,岗位\n总公司,总经理\n".encode() + b"x,\xff\xfe\n")
    status, _, err = invoke("import", str(path), "-o", str(tmp_path / "repo"))
    assert status == 2 and "row 3, column 2" in err


def test_100000_empty_rows_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, ROSTER + ",,,,,,,,,,\n" * 100_000)
    assert run_import([path], tmp_path / "out", write=False, lang="en").counts["positions"] == 6


def test_a_non_empty_output_is_refused_without_force_and_an_input_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    table = write(tmp_path, ROSTER)
    status, _, err = invoke("import", str(table), "-o", str(out))
    assert status == 2 and "not empty" in err and (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    inside = write(out, ROSTER, "in.csv")
    status, _, err = invoke("import", str(inside), "-o", str(out), "--force")
    assert status == 2 and "the folder holds" in err and inside.is_file()
    assert invoke("import", str(table), "-o", str(out), "--force")[0] == 0
    assert not (out / "keep.txt").exists() and (out / "ops/organization.yaml").is_file()


def workbook(path: Path, rows: list[list[object]], sheet: str = "花名册") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def rows_of(text: str) -> list[list[object]]:
    return [line.split(",") for line in text.splitlines()]


def test_xlsx_imports_with_numbers_as_cells(tmp_path: Path) -> None:
    rows = rows_of(ROSTER)
    rows[3][6] = 2.0  # Excel stores 2 as a float
    path = workbook(tmp_path / "roster.xlsx", rows)
    result = run_import([path], tmp_path / "out", write=False, lang="en")
    assert result.findings == [] and result.counts["positions"] == 6
    assert run_import([path], tmp_path / "out", sheet="花名册", write=False, lang="en").counts["positions"] == 6
    with pytest.raises(TableError, match="no sheet 'x'; its sheets are: 花名册"):
        run_import([path], tmp_path / "out", sheet="x", write=False, lang="en")


def test_formulas_and_merged_cells_are_findings_at_their_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [["员工花名册"], *rows_of(ROSTER)]
    rows[4][6] = "=1+1"
    path = workbook(tmp_path / "roster.xlsx", rows)
    from openpyxl import load_workbook

    book = load_workbook(path)
    ws = book.active
    assert ws is not None
    ws.merge_cells("A1:K1")  # a title above the header: harmless
    ws.merge_cells("B6:B7")
    book.save(path)
    result = run_import([path], tmp_path / "out", write=False, lang="en")
    found = [(f.line, f.column, f.message.split(":")[0]) for f in result.findings]
    assert found[:2] == [(5, 7, "cell G5"), (6, 2, "cell B6")], found
    assert "formula" in result.findings[0].message and "merged cells B6:B7" in result.findings[1].message


HOSTILE = [
    "no",
    "010",
    "2024-01-01",
    "*star",
    "&anchor",
    "!tag",
    "a: b",
    "x #y",
    " lead",
    "Yes",
    "1e6",
    "~",
    "[x]",
    "-",
]


def test_titles_that_yaml_would_misread_come_back_as_written(tmp_path: Path) -> None:
    import yaml

    lines = ["部门编号,部门,岗位编号,岗位,上级岗位编号,职级", "D1,总公司,P0,总经理,,E1"]
    lines += [f'D1,总公司,P{n + 1},"{title}",P0,"{title}"' for n, title in enumerate(HOSTILE)]
    out = tmp_path / "repo"
    assert run_import([write(tmp_path, "\n".join(lines) + "\n")], out, lang="en").findings == []
    report = check_repo(out)
    assert [f.rule for f in report.findings] == []
    assert report.model is not None
    titles = [report.model.positions[f"p{n + 1}"].title for n in range(len(HOSTILE))]
    levels = [report.model.positions[f"p{n + 1}"].spec["level"] for n in range(len(HOSTILE))]
    assert titles == levels == [t.strip() for t in HOSTILE]
    read = list(yaml.safe_load_all((out / "ops/units/d1.yaml").read_text(encoding="utf-8")))
    assert [d["metadata"]["title"] for d in read[2:]] == [t.strip() for t in HOSTILE]  # YAML 1.1 readers too


def test_a_hidden_character_in_a_title_is_reported_and_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, ROSTER.replace("财务总监", "财务\u200b总监"))
    result = run_import([path], tmp_path / "repo", lang="en")
    assert [(f.line, f.column) for f in result.findings] == [(3, 5)]
    assert "hidden character '\\u200b' in '财务总监'" in result.findings[0].message
    assert [f.rule for f in check_repo(tmp_path / "repo").findings] == []


@pytest.mark.parametrize("label", ["Passes", "Fails"])
def test_the_table_row_docs_examples_do_what_they_say(tmp_path: Path, label: str) -> None:
    import inspect

    from opsgov.rules import REGISTRY
    from tests.test_rule_docs import examples

    table = examples(inspect.cleandoc(REGISTRY["table-row"].docs))[label]
    rows = "\n".join(line.split("#")[0].rstrip() for line in table.splitlines())
    found = run_import([write(tmp_path, rows + "\n")], tmp_path / "out", write=False, lang="en").findings
    assert [f.message for f in found] == (
        []
        if label == "Passes"
        else ["cell D3: unknown reports-to 'P99': no post has that code or title, and nobody of that name holds one"]
    )
