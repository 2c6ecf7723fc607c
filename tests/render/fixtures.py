"""A tiny organisation for the render tests, and golden-file comparison."""

from __future__ import annotations

import os
from pathlib import Path

from opsgov.model.entities import Model
from tests.util import check_repo, doc, docs, write_repo

GOLDEN = Path(__file__).parent / "golden"

TINY = {
    "ops/tiny.yaml": docs(
        doc("Unit", "finance", "{type: department, parent: company, head: cfo}", title="财务部"),
        doc("Unit", "ops", "{type: department, parent: company, head: coo, dottedLines: [finance]}", title="运营部"),
        doc("Position", "cfo", "{unit: finance, reportsTo: ceo, headcount: 2}", title="财务总监"),
        doc("Position", "clerk", "{unit: finance, reportsTo: cfo, headcount: 0}", title="出纳"),
        doc("Position", "coo", "{unit: ops, reportsTo: ceo}", title="运营总监"),
        doc("Person", "zhang", "{holds: [ceo, cfo]}", title="张三"),
        doc(
            "ApprovalMatrix",
            "spend",
            """
            subject: 费用
            requesters: [cfo]
            bands:
              - {below: 1000, approvers: [coo]}
              - {from: 1000, approvers: [ceo, coo], mode: all, escalation: {after: 24h, to: ceo}}
            """,
            title="费用审批",
        ),
        doc(
            "Process",
            "buy",
            """
            owner: coo
            steps:
              - {id: ask, title: 提出申请, responsible: cfo, next: [approve], sla: 2d, consulted: [ops]}
              - {id: approve, title: 审批, responsible: [coo], approval: spend, informed: [finance]}
            """,
            title="采购流程",
        ),
    ),
}


def tiny_model(root: Path, extra: dict[str, str] | None = None) -> Model:
    report = check_repo(write_repo(root, {**TINY, **(extra or {})}))
    assert report.model is not None
    return report.model


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/render/golden/NAME; OPSGOV_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("OPSGOV_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual, f"{name} changed; rerun with OPSGOV_UPDATE_GOLDEN=1 if intended"
