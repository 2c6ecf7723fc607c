"""DoA sheets -> ApprovalMatrix documents: bounds with 含/不含, approvers by title, mode, escalation."""

from __future__ import annotations

from pathlib import Path

from opsgov.tables.imports import run_import
from tests.tables.test_import import write
from tests.util import check_repo

ROSTER = """\
部门,上级部门,岗位,上级岗位,姓名,负责人
总公司,,总经理,,王建国,是
总经理办公会,总公司,,,,
营销部,运营中心,营销总监,运营副总监,李敏,是
财务部,总公司,财务总监,总经理,张三,是
运营中心,总公司,运营副总监,总经理,赵六,是
"""
DOA = """\
审批矩阵,审批事项,币种,下限,下限含,上限,上限含,审批人,审批方式,超时,升级至
marketing-spend,营销活动费用,CNY,0,含,100000,不含,营销总监,任一,24h,运营副总监
marketing-spend,营销活动费用,CNY,100000,含,500000,含,营销总监、财务总监,会签,24小时,总经理
marketing-spend,营销活动费用,CNY,500000,不含,,,总经理办公会,,,
"""


def test_a_doa_sheet_becomes_a_matrix_that_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    roster, doa = write(tmp_path, ROSTER, "roster.csv"), write(tmp_path, DOA, "doa.csv")
    result = run_import([roster, doa], out, lang="en")
    assert result.findings == []
    report = check_repo(out)
    assert [f"{f.rule} {f.message}" for f in report.findings] == []
    assert report.model is not None
    matrix = report.model.by_kind["ApprovalMatrix"]["marketing-spend"]
    assert (matrix.doc.file, matrix.spec["subject"], matrix.spec["currency"]) == (
        "ops/approvals/marketing-spend.yaml",
        "营销活动费用",
        "CNY",
    )
    assert matrix.spec["bands"] == [
        {
            "below": 100000,
            "approvers": ["ying-xiao-zong-jian"],
            "escalation": {"after": "24h", "to": "yun-ying-fu-zong-jian"},
        },
        {
            "from": 100000,
            "upTo": 500000,
            "approvers": ["ying-xiao-zong-jian", "cai-wu-zong-jian"],
            "mode": "all",
            "escalation": {"after": "24h", "to": "zong-jing-li"},
        },
        {"over": 500000, "approvers": ["zong-jing-li-ban-gong-hui"]},
    ]


def test_bad_bounds_and_unknown_approvers_are_findings_at_their_cells(tmp_path: Path) -> None:
    bad = DOA.replace(",500000,不含,,,总经理办公会", ",50万,不含,,,董事会").replace("会签,24小时", "投票,24小时")
    result = run_import(
        [write(tmp_path, ROSTER, "roster.csv"), write(tmp_path, bad, "doa.csv")], tmp_path / "o", lang="en"
    )
    assert [(f.line, f.column, f.message.partition(": ")[2]) for f in result.findings] == [
        (3, 9, "mode '投票' is none of 任一/会签/依次 (any/all/sequential)"),
        (4, 4, "lower bound '50万' is not a plain number >= 0"),
    ]
