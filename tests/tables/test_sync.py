"""`opsgov sync`: drift between an HR export and the repository as hr-drift findings; --write applies HR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.report.formats import REPORTERS
from tests.tables.test_import import ROSTER, write
from tests.util import check_repo


def invoke(*args: str) -> tuple[int, str, str]:
    """The command in English; sync and export on a fixed day (tests never use the real today)."""
    dated = ["--today", "2026-11-23"] if args[0] in ("sync", "export") and "--today" not in args else []
    result = CliRunner().invoke(main, ["--lang", "en", *args, *dated], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    out = tmp_path / "repo"
    assert invoke("import", str(write(tmp_path, ROSTER, "first.csv")), "-o", str(out))[0] == 0
    return out


HR = (
    ROSTER.replace("P0202,会计,P0201,2,P3,李四", "P0202,会计,P0201,2,P3,孙九")  # holder changed
    .replace("D-04,华东区,D-03,P0401,区域经理,P0301,1", "D-04,华东区,D-03,P0401,区域经理,P0201,1")  # manager
    .replace("D-04,华东区,D-03,P0402,店长,P0401,3", "D-03,运营中心,D-01,P0402,店长,P0401,4")  # unit and 编制
    + "D-02,财务部,D-01,P0203,出纳,P0201,1,P4,钱八,否,\n"  # only in HR
)


def drift(tmp_path: Path, repo: Path, fmt: str = "json") -> tuple[int, str]:
    table = write(tmp_path, HR, "hr.csv")
    status, out, _ = invoke("sync", "--check", str(table), str(repo), "--format", fmt)
    return status, out


def test_every_kind_of_drift_is_a_finding_at_the_yaml_line_of_the_post(tmp_path: Path, repo: Path) -> None:
    status, out = drift(tmp_path, repo)
    assert status == 1
    found = [(f["rule"], f["entity"], f["file"], f["line"], f["message"]) for f in json.loads(out)["findings"]]
    hr = str(tmp_path / "hr.csv")
    assert found == [
        (
            "hr-drift",
            "",
            hr,
            9,
            "row 9: post '出纳' (财务部) is in HR but not in the repository",
        ),
        (
            "hr-drift",
            "Position/p0202",
            "ops/units/d-02.yaml",
            25,
            "holder changed: 孙九、张三 in HR, 张三、李四 in the repository",
        ),
        (
            "hr-drift",
            "Position/p0401",
            "ops/units/d-03.yaml",
            41,
            "manager differs: reports to 财务总监 (p0201) in HR, 运营总监 (p0301) in the repository",
        ),
        (
            "hr-drift",
            "Position/p0402",
            "ops/units/d-03.yaml",
            50,
            "unit differs: 运营中心 (d-03) in HR, 华东区 (d-04) in the repository",
        ),
        (
            "hr-drift",
            "Position/p0402",
            "ops/units/d-03.yaml",
            52,
            "编制 (headcount) differs: 4 in HR, 3 in the repository",
        ),
    ]


def test_a_post_missing_in_hr_is_reported_at_its_yaml(tmp_path: Path, repo: Path) -> None:
    table = write(tmp_path, ROSTER.replace("D-04,华东区,D-03,P0402,店长,P0401,3,M3,,否,\n", ""), "hr.csv")
    status, out, _ = invoke("sync", "--check", str(table), str(repo), "--format", "json")
    assert status == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["entity"], finding["file"], finding["line"]) == ("Position/p0402", "ops/units/d-03.yaml", 47)
    assert finding["message"] == "post 店长 (p0402) is in the repository but not in HR"


def test_no_drift_exits_0(tmp_path: Path, repo: Path) -> None:
    status, _, _ = invoke("sync", "--check", str(write(tmp_path, ROSTER, "hr.csv")), str(repo))
    assert status == 0


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_drift_comes_in_every_report_format(tmp_path: Path, repo: Path, fmt: str) -> None:
    status, out = drift(tmp_path, repo, fmt)
    assert status == 1 and "hr-drift" in out


def test_write_applies_hr_keeping_comments_and_then_nothing_drifts(tmp_path: Path, repo: Path) -> None:
    units = repo / "ops/units/d-03.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("  level: M2\n", "  level: M2  # 区域经理\n"), "utf-8")
    table = write(tmp_path, HR, "hr.csv")
    status, _, err = invoke("sync", "--write", str(table), str(repo))
    assert status == 0, err
    text = units.read_text(encoding="utf-8")
    assert "level: M2  # 区域经理" in text and "reportsTo: p0201" in text and "headcount: 4" in text
    assert "unit: d-03\n  reportsTo: p0401\n  headcount: 4" in text
    assert "title: 出纳" in (repo / "ops/units/d-02.yaml").read_text(encoding="utf-8")
    people = (repo / "ops/people.yaml").read_text(encoding="utf-8")
    assert "孙九" in people and "李四" not in people and "钱八" in people
    assert invoke("sync", "--check", str(table), str(repo))[0] == 0
    assert [f.rule for f in check_repo(repo).findings if f.level == "error"] == []


def test_write_never_writes_outside_the_repository(tmp_path: Path, repo: Path) -> None:
    from opsgov.outputs import OutputRefused
    from opsgov.tables.sync import _Files

    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("kind: Unit\n", encoding="utf-8")
    (repo / "ops/link.yaml").symlink_to(outside)
    files = _Files(repo)
    for rel in ("../elsewhere.yaml", "ops/link.yaml"):
        with pytest.raises(OutputRefused, match="outside"):
            files.path(rel)


def test_without_codes_posts_match_by_department_and_title(tmp_path: Path) -> None:
    text = "部门,岗位,上级岗位,姓名,负责人\n总公司,总经理,,王建国,是\n财务部,经理,总经理,李敏,是\n"
    text += "销售部,经理,总经理,张三,是\n"
    repo = tmp_path / "repo"
    assert invoke("import", str(write(tmp_path, text, "first.csv")), "-o", str(repo))[0] == 0
    # HR lists 销售部 first: its 经理 would get the id jing-li, which is 财务部's in the repository
    moved = "部门,岗位,上级岗位,姓名,负责人\n总公司,总经理,,王建国,是\n"
    moved += "销售部,经理,总经理,张三,是\n财务部,经理,总经理,李四,是\n"
    status, out, _ = invoke("sync", "--check", str(write(tmp_path, moved, "hr.csv")), str(repo), "--format", "json")
    assert status == 1
    assert [(f["entity"], f["message"]) for f in json.loads(out)["findings"]] == [
        ("Position/jing-li", "holder changed: 李四 in HR, 李敏 in the repository")
    ]


def test_write_adds_a_department_new_in_hr_with_its_posts(tmp_path: Path, repo: Path) -> None:
    table = write(tmp_path, ROSTER + "D-09,审计部,D-01,P0901,审计经理,P0101,1,M2,吴十,是,\n", "hr.csv")
    assert invoke("sync", "--write", str(table), str(repo))[0] == 0
    report = check_repo(repo)
    assert [f.rule for f in report.findings] == []
    assert report.model is not None
    assert report.model.units["d-09"].spec == {"type": "department", "parent": "d-01", "head": "p0901"}
    assert report.model.units["d-09"].doc.file == "ops/synced.yaml"
    assert invoke("sync", "--check", str(table), str(repo))[0] == 0


def test_opsgov_yaml_sets_the_level_of_hr_drift(tmp_path: Path, repo: Path) -> None:
    (repo / "opsgov.yaml").write_text("rules:\n  hr-drift: warning\n", encoding="utf-8")
    status, out = drift(tmp_path, repo)
    assert status == 0
    assert {f["level"] for f in json.loads(out)["findings"]} == {"warning"}


def test_only_holdings_in_force_on_the_day_are_holders() -> None:
    """Dated holdings (FORMAT.md 1.1; the schema on main does not take them yet): history is not a holder."""
    import datetime
    import types

    from ruamel.yaml import YAML

    from opsgov.tables.export import holdings
    from opsgov.tables.sync import _in_force

    day = datetime.date(2026, 11, 23)
    held = YAML().load(
        "- p1\n- {position: p2, from: 2020-01-01, until: 2021-12-31}\n- {position: p3, from: 2026-01-01}\n"
    )
    assert [_in_force(item, day) for item in held] == [True, False, True]
    plain = [item if isinstance(item, str) else {k: str(v) for k, v in item.items()} for item in held]
    assert holdings(types.SimpleNamespace(spec={"holds": plain}), day) == ["p1", "p3"]  # type: ignore[arg-type]
