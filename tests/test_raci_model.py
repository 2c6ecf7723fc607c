"""The RACI defaults, written once in opsgov.model.raci: the process owner is accountable for
the steps that name nobody; a step's own `accountable` wins, and an unresolved one is no one."""

from __future__ import annotations

from pathlib import Path

from opsgov.model.raci import step_roles
from tests.util import check_repo, doc, docs, write_repo

PROCESS = doc(
    "Process",
    "buy",
    """
    owner: ceo
    steps:
      - {id: ask, title: Ask, responsible: clerk}
      - {id: sign, title: Sign, responsible: clerk, accountable: clerk, consulted: [ceo], informed: [company]}
      - {id: lost, title: Lost, responsible: clerk, accountable: nobody}
    """,
)


def test_step_roles_default_the_accountable_to_the_process_owner(tmp_path: Path) -> None:
    clerk = doc("Position", "clerk", "{unit: company, reportsTo: ceo}")
    report = check_repo(write_repo(tmp_path, {"ops/p.yaml": docs(clerk, PROCESS)}))
    assert report.model is not None
    process = report.model.by_kind["Process"]["buy"]
    roles = [step_roles(process, index, step) for index, step in enumerate(process.spec["steps"])]
    assert roles == [
        [("R", "Position/clerk"), ("A", "Position/ceo")],
        [("R", "Position/clerk"), ("A", "Position/clerk"), ("C", "Position/ceo"), ("I", "Unit/company")],
        [("R", "Position/clerk")],
    ]
