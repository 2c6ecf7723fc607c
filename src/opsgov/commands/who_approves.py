"""`opsgov who-approves MATRIX AMOUNT`: the band, approvers and escalation for one amount.

CLI glue over the model layer (`opsgov.model.approvals`): it checks the repository as `opsgov
check` would, finds the matrix, and returns the output text and the exit status. It lives here,
not in the model, so the rules that read `matrix_currency` never import the pipeline.
"""

from __future__ import annotations

from pathlib import Path

from opsgov import escape
from opsgov.config.project import load_settings
from opsgov.model.approvals import parse_amount, who_approves
from opsgov.model.find import find
from opsgov.pipeline import check


def answer_who_approves(root: Path, matrix_name: str, amount_text: str, fmt: str) -> tuple[str, int]:
    """`opsgov who-approves`: the output text and the exit status (0 one band, 1 none or several).

    The repository is checked as `opsgov check` would (with its opsgov.yaml, so its `paths`), and
    the question is answered from its model; a matrix that is unknown or failed validation is a
    usage error (ResolveError, from the resolver every command uses).
    """
    amount = parse_amount(amount_text)
    report = check(load_settings(root))
    model = report.model
    assert model is not None
    matrix = find(model, matrix_name, ("ApprovalMatrix",))
    answer = who_approves(model, matrix, amount)
    status = 0 if len(answer.bands) == 1 else 1
    if fmt == "json":
        return escape.json_dumps(answer.to_dict()), status
    return "".join(escape.text(line) + "\n" for line in answer.lines()), status
