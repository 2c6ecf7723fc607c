"""`opsgov who-approves MATRIX AMOUNT`: the band, approvers and escalation for one amount.

CLI glue over the model layer (`opsgov.model.approvals`): it checks the repository as `opsgov
check` would, finds the matrix, and returns the output text and the exit status. It lives here,
not in the model, so the rules that read `matrix_currency` never import the pipeline.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from opsgov import escape
from opsgov.config.project import load_settings
from opsgov.config.settings import ConfigError
from opsgov.model.approvals import matrix_measure, parse_amount, who_approves
from opsgov.model.find import find
from opsgov.pipeline import check

_EXAMPLE_AMOUNTS = {"percent": "5", "days": "30", "count": "3"}


def split_amount_path(args: tuple[str, ...]) -> tuple[str | None, Path]:
    """`who-approves MATRIX [AMOUNT] [PATH]`: one argument is the amount when it looks like a number, else the path.

    A decision right without an amount has no AMOUNT, so `who-approves appoint-head ops-repo`
    must read `ops-repo` as the path; `who-approves marketing-spend -5` stays an amount (and a
    clear error), never a folder called `-5`.
    """
    if len(args) > 2:
        raise ConfigError(f"too many arguments: {' '.join(args[2:])!r}; the usage is MATRIX [AMOUNT] [PATH]")
    if len(args) == 2:
        return args[0], Path(args[1])
    if len(args) == 1 and (re.match(r"^\s*-?[0-9]", args[0]) or not Path(args[0]).exists()):
        return args[0], Path(".")
    return None, Path(args[0]) if args else Path(".")


def answer_who_approves(
    root: Path, matrix_name: str, amount_text: str | None, fmt: str, *, as_of: datetime.date
) -> tuple[str, int]:
    """`opsgov who-approves`: the output text and the exit status (0 one band, 1 none or several).

    The repository is checked as `opsgov check` would (with its opsgov.yaml, so its `paths`), and
    the question is answered from its model; a matrix that is unknown or failed validation is a
    usage error (ResolveError, from the resolver every command uses), and so is an amount missing
    for a matrix of amounts or given for a decision right without one (`quantity: none`).
    """
    amount = None if amount_text is None else parse_amount(amount_text)
    settings = load_settings(root, as_of=as_of)
    report = check(settings)
    model = report.model
    assert model is not None
    matrix = find(model, matrix_name, ("ApprovalMatrix",))
    measure = matrix_measure(model, matrix)
    if measure.quantity == "none" and amount is not None:
        raise ConfigError(
            f"approval matrix '{matrix.name}' is a decision right without an amount (quantity: none); "
            f"ask without one: opsgov who-approves {matrix.name}"
        )
    if measure.quantity != "none" and amount is None:
        raise ConfigError(
            f"approval matrix '{matrix.name}' needs an amount ({measure.quantity}); "
            f"e.g. opsgov who-approves {matrix.name} {_EXAMPLE_AMOUNTS.get(measure.quantity, '100000')}"
        )
    if measure.quantity == "percent" and amount is not None and amount > 100:
        # As the schema refuses a band bound above 100 in a percent matrix (load/schema.py).
        raise ConfigError(
            f"amount {amount_text} is above 100, but approval matrix '{matrix.name}' measures a percentage "
            f"(0 to 100); e.g. opsgov who-approves {matrix.name} 5"
        )
    answer = who_approves(model, matrix, amount, settings.horizon)
    status = 0 if len(answer.bands) == 1 else 1
    if fmt == "json":
        return escape.json_dumps(answer.to_dict()), status
    return "".join(escape.text(line) + "\n" for line in answer.lines()), status
