from __future__ import annotations

from pathlib import Path

import pytest

from opsgov.report.finding import Finding, Related
from opsgov.report.report import Report
from tests.util import check_repo, doc, docs, write_repo


@pytest.fixture
def findings_report(tmp_path: Path) -> Report:
    """A real check with a dangling reference and a duplicate name (which has a related location)."""
    write_repo(
        tmp_path,
        {
            "ops/units.yaml": docs(
                doc("Unit", "sales", "{type: department, parent: company}", title="销售部 | <b>`x`</b>"),
                doc("Position", "rep", "{unit: sales, reportsTo: nobody}", title="销售代表"),
                doc("Position", "rep", "{unit: sales, reportsTo: ceo}", title="重复"),
            ),
        },
    )
    return check_repo(tmp_path)


def handmade(*findings: Finding) -> Report:
    return Report(files=1, documents=1, findings=sorted(findings))


WAIVED = Finding(
    "ops/a.yaml", 3, 5, "duty-overlap", "waived one", level="warning", entity="Responsibility/x", waived=True
)
POLICY = Finding(
    "ops/b.yaml",
    7,
    1,
    "policy/max-span",
    "direct reports: 12",
    level="warning",
    entity="Position/ceo",
    related=(Related("ops/c.yaml", 2, 3, "the team"),),
)
