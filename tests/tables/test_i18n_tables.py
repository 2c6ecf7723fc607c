"""`opsgov import` and `opsgov sync` speak the run's language (docs/cli.md, "Language").

The language is chosen as for `opsgov check`: --lang, else opsgov.yaml `lang`, else the
Organization's locale (for an import: the locale of the Organization it writes, zh-CN for a
Chinese roster; for sync: the repository's), else the environment. The language changes the words,
never the rule, file (the table), line (the row), column or fingerprint of a finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.report.fingerprint import fingerprint
from opsgov.tables.imports import run_import
from tests.tables.test_doa import DOA
from tests.tables.test_doa import ROSTER as DOA_ROSTER
from tests.tables.test_import import ROSTER, write
from tests.tables.test_scim import USERS, export, user
from tests.tables.test_sync import HR

ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
BAD_ROWS = (
    "D-02,财务部,D-01,P0203,出纳,P9999,1,P4,钱八,否,\n"  # unknown reports-to
    "D-02,财务部,D-01,P0204,审计,P0201,两,P4,孙九,是,\n"  # 编制 not a number, a second head
    "D-09,审计部,D-01,P0901,,P0101,1,P4,吴十,否,\n"  # no title
)


@pytest.fixture(autouse=True)
def no_locale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


def invoke(*args: str) -> tuple[int, str, str]:
    dated = ["--today", "2026-11-23"] if "sync" in args else []
    result = CliRunner().invoke(main, [*args, *dated], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def located(out: str) -> list[tuple[str, str, int, int, str]]:
    return [(f["rule"], f["file"], f["line"], f["column"], f["message"]) for f in json.loads(out)["findings"]]


def test_a_chinese_roster_imports_with_chinese_findings_at_their_cells(tmp_path: Path) -> None:
    """No --lang, no environment: the Organization the import writes speaks zh-CN, so do its findings."""
    table = write(tmp_path, ROSTER + BAD_ROWS)
    status, out, _ = invoke("import", str(table), "-o", str(tmp_path / "repo"), "--format", "json")
    assert status == 1
    file = str(table)
    assert located(out) == [
        (
            "table-row",
            file,
            9,
            6,
            "单元格 F9：未知的汇报对象 'P9999'：没有岗位使用该编号或名称，也没有该姓名的人担任岗位",
        ),
        ("table-row", file, 10, 7, "单元格 G10：编制 '两' 不是大于等于 0 的整数；未导入"),
        (
            "table-row",
            file,
            10,
            10,
            "单元格 J10：部门 '财务部' 有两个负责人：'财务总监'（第 3 行）和此处的 '审计'；保留前者",
        ),
        ("table-row", file, 11, 5, "单元格 E11：缺少岗位名称：该行未导入"),
    ]
    hints = [f["hint"] for f in json.loads(out)["findings"]]
    assert "每个部门只标记一个岗位为负责人（负责人 = 是）" in hints


def test_lang_en_keeps_the_english_words_and_every_position(tmp_path: Path) -> None:
    table = write(tmp_path, ROSTER + BAD_ROWS)
    chinese = located(invoke("import", str(table), "-o", str(tmp_path / "zh"), "--format", "json")[1])
    english = located(invoke("--lang", "en", "import", str(table), "-o", str(tmp_path / "en"), "--format", "json")[1])
    assert [f[:4] for f in english] == [f[:4] for f in chinese]
    assert english[0][4] == (
        "cell F9: unknown reports-to 'P9999': no post has that code or title, and nobody of that name holds one"
    )


def test_fingerprints_of_import_findings_do_not_depend_on_the_language(tmp_path: Path) -> None:
    roster = write(tmp_path, ROSTER + BAD_ROWS, "roster.csv")
    doa = write(tmp_path, DOA.replace("会签", "投票"), "doa.csv")
    english = run_import([roster, doa], tmp_path / "o", write=False, lang="en").findings
    chinese = run_import([roster, doa], tmp_path / "o", write=False, lang="zh-CN").findings
    assert len(english) == 8 and [f.message for f in english] != [f.message for f in chinese]
    assert [fingerprint(f) for f in english] == [fingerprint(f) for f in chinese]
    assert len({fingerprint(f) for f in english}) == len(english)


def test_a_doa_sheet_speaks_chinese(tmp_path: Path) -> None:
    bad = DOA.replace(",500000,不含,,,总经理办公会", ",50万,不含,,,董事会").replace("会签,24小时", "投票,24小时")
    roster, doa = write(tmp_path, DOA_ROSTER, "roster.csv"), write(tmp_path, bad, "doa.csv")
    result = run_import([roster, doa], tmp_path / "o", write=False, lang="zh-CN")
    assert [(f.file, f.line, f.column, f.message, f.hint) for f in result.findings] == [
        (str(doa), 3, 9, "单元格 I3：审批方式 '投票' 不是 任一/会签/依次 之一", ""),
        (str(doa), 4, 4, "单元格 D4：金额下限 '50万' 不是大于等于 0 的普通数字", "请写 100000，不要写 10万 或 1e5"),
    ]


def test_a_scim_finding_names_its_line_in_chinese(tmp_path: Path) -> None:
    path = export(tmp_path, *USERS, user("u9", "钱八", "出纳", "财务部", "nobody"))
    [finding] = run_import([path], tmp_path / "repo", write=False).findings  # the users' titles are Chinese
    line = path.read_text(encoding="utf-8").splitlines().index('      "id": "u9",') + 1
    assert (finding.file, finding.line, finding.column) == (str(path), line, 1)
    assert finding.message.startswith(f"第 {line} 行：未知的汇报对象 'nobody'")


def test_opsgov_yaml_lang_and_the_environment_choose_for_an_english_roster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English roster writes an English Organization; opsgov.yaml `lang` (where the import runs) comes first."""
    english = "department,position,reports to,name,head\nHQ,CEO,,Ann,yes\nHQ,CFO,Nobody,Bob,no\n"
    table = write(tmp_path, english)
    monkeypatch.chdir(tmp_path)
    assert located(invoke("import", str(table), "-o", "a", "--format", "json")[1])[0][4].startswith(
        "cell C3: unknown reports-to 'Nobody'"
    )
    (tmp_path / "opsgov.yaml").write_text("lang: zh-CN\n", encoding="utf-8")
    assert located(invoke("import", str(table), "-o", "b", "--format", "json")[1])[0][4].startswith(
        "单元格 C3：未知的汇报对象 'Nobody'"
    )
    status, _, err = invoke("--lang", "fr", "import", str(table), "-o", "c")
    assert status == 2 and "no messages in 'fr'" in err and not (tmp_path / "c").exists()


def test_the_text_report_of_an_import_speaks_chinese_throughout(tmp_path: Path) -> None:
    table = write(tmp_path, ROSTER + BAD_ROWS)
    status, out, _ = invoke("import", str(table), "-o", str(tmp_path / "repo"))
    assert status == 1
    assert f"{table}:9:6" in out and "未知的汇报对象 'P9999'" in out
    assert "unknown" not in out and "cell" not in out


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    out = tmp_path / "repo"
    assert invoke("import", str(write(tmp_path, ROSTER, "first.csv")), "-o", str(out))[0] == 0
    return out


def test_sync_speaks_the_repositorys_locale_with_titles_and_ids(tmp_path: Path, repo: Path) -> None:
    table = write(tmp_path, HR, "hr.csv")
    status, out, _ = invoke("sync", "--check", str(table), str(repo), "--format", "json")
    assert status == 1
    assert located(out) == [
        ("hr-drift", str(table), 9, 1, "第 9 行：岗位 '出纳'（财务部）在 HR 中有，仓库中没有"),
        ("hr-drift", "ops/units/d-02.yaml", 25, 9, "任职人不同：HR 中为 孙九、张三，仓库中为 张三、李四"),
        (
            "hr-drift",
            "ops/units/d-03.yaml",
            41,
            14,
            "汇报对象不同：HR 中向 财务总监 (p0201) 汇报，仓库中向 运营总监 (p0301) 汇报",
        ),
        ("hr-drift", "ops/units/d-03.yaml", 50, 9, "所属单位不同：HR 中为 运营中心 (d-03)，仓库中为 华东区 (d-04)"),
        ("hr-drift", "ops/units/d-03.yaml", 52, 14, "编制不同：HR 中为 4，仓库中为 3"),
    ]
    assert json.loads(out)["findings"][1]["hint"] == "opsgov sync --write 会采用 HR 中的值"


def test_sync_fingerprints_do_not_depend_on_the_language(tmp_path: Path, repo: Path) -> None:
    table = write(tmp_path, HR, "hr.csv")
    chinese = json.loads(invoke("sync", "--check", str(table), str(repo), "--format", "gitlab")[1])
    english = json.loads(invoke("--lang", "en", "sync", str(table), str(repo), "--format", "gitlab")[1])
    assert [f["description"] for f in english] != [f["description"] for f in chinese]
    assert [f["fingerprint"] for f in english] == [f["fingerprint"] for f in chinese]
    assert len({f["fingerprint"] for f in english}) == len(english) == 5


def test_a_table_that_cannot_be_read_and_the_summary_speak_chinese(tmp_path: Path) -> None:
    empty = write(tmp_path, "", "empty.csv")
    status, _, err = invoke("--lang", "zh-CN", "import", str(empty), "-o", str(tmp_path / "a"))
    assert status == 2 and err == f"opsgov: {empty}：文件为空；表格需要一个表头行和至少一行数据\n"
    gbk = tmp_path / "bad.csv"
    gbk.write_bytes("部门,岗位\n总公司,总经理\n".encode() + b"\xff\xfe\n")
    err = invoke("--lang", "zh-CN", "import", str(gbk), "-o", str(tmp_path / "b"))[2]
    assert "第 3 行第 1 列：偏移 " in err and "既不是 UTF-8 也不是 GB18030" in err
    status, _, err = invoke("import", str(write(tmp_path, ROSTER)), "-o", str(tmp_path / "c"))
    assert status == 0
    assert err.splitlines() == [
        f"opsgov: 已导入 7 行：4 个单位、6 个岗位、6 人；已写入 5 个文件到 {tmp_path / 'c'}",
        f"opsgov: 下一步：opsgov check {tmp_path / 'c'}",
    ]


def test_an_xlsx_read_once_words_its_formula_and_merged_cells_in_the_rosters_language(tmp_path: Path) -> None:
    """No --lang, no environment: English is known before reading; the Chinese roster's findings are worded
    again in Chinese from the sheet as read (a formula's finding too), with the same fingerprints."""
    from tests.tables.test_import import rows_of, workbook

    rows: list[list[object]] = [["员工花名册"], *rows_of(ROSTER)]
    rows[4][6] = "=1+1"
    path = workbook(tmp_path / "roster.xlsx", rows)
    from openpyxl import load_workbook

    book = load_workbook(path)
    ws = book.active
    assert ws is not None
    ws.merge_cells("B6:B7")
    book.save(path)
    chinese = run_import([path], tmp_path / "out", write=False).findings
    english = run_import([path], tmp_path / "out", write=False, lang="en").findings
    assert [(f.line, f.column, f.message) for f in chinese[:2]] == [
        (5, 7, "单元格 G5：工作表 花名册 中有公式（=1+1）：opsgov 只读取数值，不读取公式"),
        (6, 2, "单元格 B6：合并单元格 B6:B7：每一行都必须有自己的值；这些行未导入"),
    ]
    assert [fingerprint(f) for f in chinese] == [fingerprint(f) for f in english]
