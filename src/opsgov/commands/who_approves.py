"""`opsgov who-approves MATRIX AMOUNT`: the band, approvers and escalation for one amount.

CLI glue over the model layer (`opsgov.model.approvals`): it checks the repository as `opsgov
check` would, finds the matrix, and returns the output text and the exit status. It lives here,
not in the model, so the rules that read `matrix_currency` never import the pipeline.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from opsgov import escape
from opsgov.config.project import load_settings
from opsgov.config.settings import ConfigError
from opsgov.model.approvals import parse_amount, who_approves
from opsgov.pipeline import check


def answer_who_approves(root: Path, matrix_name: str, amount_text: str, fmt: str) -> tuple[str, int]:
    """`opsgov who-approves`: the output text and the exit status (0 one band, 1 none or several).

    The repository is checked as `opsgov check` would (with its opsgov.yaml, so its `paths`), and
    the question is answered from its model; a matrix that is unknown or failed validation is a
    usage error (ConfigError).
    """
    amount = parse_amount(amount_text)
    report = check(load_settings(root))
    model = report.model
    assert model is not None
    matrix = model.find(matrix_name, "ApprovalMatrix")
    if matrix is None:
        if matrix_name in model.known["ApprovalMatrix"]:
            raise ConfigError(f"approval matrix '{matrix_name}' is not valid; `opsgov check` says why")
        names = sorted(model.known["ApprovalMatrix"])
        close = difflib.get_close_matches(matrix_name, names, n=1)
        if close:
            hint = f"; did you mean '{close[0]}'?"
        elif names:
            hint = f"; the matrices are: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}"
        else:
            hint = "; the repository declares no ApprovalMatrix"
        raise ConfigError(f"unknown approval matrix '{matrix_name}'{hint}")
    answer = who_approves(model, matrix, amount)
    status = 0 if len(answer.bands) == 1 else 1
    if fmt == "json":
        return escape.json_dumps(answer.to_dict()), status
    return "".join(escape.text(line) + "\n" for line in answer.lines()), status
