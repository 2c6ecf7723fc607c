"""SCIM 2.0 Users and Groups (enterprise extension: manager, department) import like a roster."""

from __future__ import annotations

import json
from pathlib import Path

from opsgov.tables.imports import run_import
from opsgov.tables.scim import ENTERPRISE, GROUP, USER
from tests.util import check_repo


def user(uid: str, name: str, title: str, department: str | None, manager: str | None) -> dict[str, object]:
    extension: dict[str, object] = {}
    if department:
        extension["department"] = department
    if manager:
        extension["manager"] = {"value": manager}
    return {
        "schemas": [USER, ENTERPRISE],
        "id": uid,
        "userName": uid,
        "displayName": name,
        "title": title,
        ENTERPRISE: extension,
    }


def export(tmp_path: Path, *resources: dict[str, object]) -> Path:
    path = tmp_path / "scim.json"
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "Resources": list(resources)}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


USERS = (
    user("u1", "王建国", "总经理", "总公司", None),
    user("u2", "李敏", "财务总监", "财务部", "u1"),
    user("u3", "张三", "会计", "财务部", "u2"),
    user("u4", "李四", "会计", "财务部", "u2"),
    user("u5", "赵六", "销售经理", None, "u1"),
    {"schemas": [GROUP], "id": "g1", "displayName": "销售部", "members": [{"value": "u5"}]},
)


def test_scim_users_become_units_posts_and_people_that_check_clean(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    result = run_import([export(tmp_path, *USERS)], out, lang="en")
    assert result.findings == []
    report = check_repo(out)
    assert [f.rule for f in report.findings] == []
    model = report.model
    assert model is not None
    assert model.units["cai-wu-bu"].spec["parent"] == "zong-gong-si"
    assert model.units["xiao-shou-bu"].spec["parent"] == "zong-gong-si"  # department from the group
    assert model.positions["kuai-ji"].spec == {"unit": "cai-wu-bu", "reportsTo": "cai-wu-zong-jian", "headcount": 2}
    assert model.by_kind["Person"]["u3"].title == "张三"  # the SCIM id is the employee id


def test_an_unknown_manager_is_reported_at_the_users_line(tmp_path: Path) -> None:
    path = export(tmp_path, *USERS, user("u9", "钱八", "出纳", "财务部", "nobody"))
    result = run_import([path], tmp_path / "repo", write=False, lang="en")
    [finding] = result.findings
    line = path.read_text(encoding="utf-8").splitlines().index('      "id": "u9",') + 1
    assert (finding.rule, finding.file, finding.line) == ("table-row", str(path), line)
    assert finding.message.startswith(f"line {line}: unknown reports-to 'nobody': no post has that code or title")
