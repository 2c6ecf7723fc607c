"""`opsgov who-approves MATRIX AMOUNT`: the band, approvers and escalation for one amount.

CLI glue over the model layer (`opsgov.model.approvals`): it checks the repository as `opsgov
check` would, finds the matrix, and returns the output text and the exit status. It lives here,
not in the model, so the rules that read `matrix_currency` never import the pipeline.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

from opsgov import escape
from opsgov.commands.wording import amount_words, band_words, escalation_words, mode_words, party_words, stand_words
from opsgov.config.project import load_settings
from opsgov.config.settings import ConfigError
from opsgov.i18n import _, speaking
from opsgov.model.approvals import Answer, matrix_measure, parse_amount, who_approves
from opsgov.model.entities import Model, entity_words
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
        raise ConfigError(
            _("too many arguments: {arguments}; the usage is MATRIX [AMOUNT] [PATH]").format(
                arguments=repr(" ".join(args[2:]))
            )
        )
    if len(args) == 2:
        return args[0], Path(args[1])
    if len(args) == 1 and (re.match(r"^\s*-?[0-9]", args[0]) or not Path(args[0]).exists()):
        return args[0], Path(".")
    return None, Path(args[0]) if args else Path(".")


def answer_who_approves(
    root: Path, matrix_name: str, amount_text: str | None, fmt: str, *, as_of: datetime.date, lang: str = ""
) -> tuple[str, int]:
    """`opsgov who-approves`: the output text and the exit status (0 one band, 1 none or several).

    The repository is checked as `opsgov check` would (with its opsgov.yaml, so its `paths` and
    `lang`; `lang`, the global --lang, goes before opsgov.yaml's), and the question is answered
    from its model in the run's language; a matrix that is unknown or failed validation is a
    usage error (ResolveError, from the resolver every command uses), and so is an amount missing
    for a matrix of amounts or given for a decision right without one (`quantity: none`).
    """
    amount = None if amount_text is None else parse_amount(amount_text)
    settings = load_settings(root, as_of=as_of)
    settings.lang = lang or settings.lang
    report = check(settings)
    model = report.model
    assert model is not None
    with speaking(report.lang):
        matrix = find(model, matrix_name, ("ApprovalMatrix",))
        measure = matrix_measure(model, matrix)
        if measure.quantity == "none" and amount is not None:
            raise ConfigError(
                _(
                    "approval matrix '{matrix}' is a decision right without an amount (quantity: none); "
                    "ask without one: opsgov who-approves {matrix}"
                ).format(matrix=matrix.name)
            )
        if measure.quantity != "none" and amount is None:
            raise ConfigError(
                _(
                    "approval matrix '{matrix}' needs an amount ({quantity}); "
                    "e.g. opsgov who-approves {matrix} {example}"
                ).format(
                    matrix=matrix.name,
                    quantity=measure.quantity,
                    example=_EXAMPLE_AMOUNTS.get(measure.quantity, "100000"),
                )
            )
        if measure.quantity == "percent" and amount is not None and amount > 100:
            # As the schema refuses a band bound above 100 in a percent matrix (load/schema.py).
            raise ConfigError(
                _(
                    "amount {amount} is above 100, but approval matrix '{matrix}' measures a percentage "
                    "(0 to 100); e.g. opsgov who-approves {matrix} 5"
                ).format(amount=amount_text, matrix=matrix.name)
            )
        answer = who_approves(model, matrix, amount, settings.horizon)
        status = 0 if len(answer.bands) == 1 else 1
        if fmt == "json":
            return escape.json_dumps({**answer.to_dict(), "problem": problem(answer)}), status
        return "".join(escape.text(line) + "\n" for line in answer_lines(model, answer)), status


def problem(answer: Answer) -> str | None:
    """Why there is not exactly one band for the amount (an approval-gap or -overlap), or None."""
    amount = amount_words(answer.measure, answer.amount)
    matrix = entity_words(answer.matrix)
    if not answer.bands:
        return _("no band of {matrix} covers {amount} (an approval-gap): nobody may approve it").format(
            matrix=matrix, amount=amount
        )
    if len(answer.bands) > 1:
        which = _(" and ").join(
            _("band {number} ({amounts})").format(number=row.number, amounts=band_words(row)) for row in answer.bands
        )
        return _("{amount} falls in {count} bands of {matrix} (an approval-overlap): {bands}").format(
            amount=amount, count=len(answer.bands), matrix=matrix, bands=which
        )
    return None


def answer_lines(model: Model, answer: Answer) -> Iterator[str]:
    """The answer for a person: the matrix by title and id and the amount asked, then each band."""
    yield _("{matrix}, {amount}").format(
        matrix=entity_words(answer.matrix), amount=amount_words(answer.measure, answer.amount)
    )
    why = problem(answer)
    if why is not None:
        yield why
    for row in answer.bands:
        yield _("band {number}: {amounts}").format(number=row.number, amounts=band_words(row))
        yield _("mode: {mode}").format(mode=mode_words(row.mode))
        yield _("approvers: {approvers}").format(
            approvers=_(", ").join(party_words(model, party) for party in row.approvers)
        )
        escalation = escalation_words(model, row.escalation) if row.escalation else _("none")
        yield _("escalation: {escalation}").format(escalation=escalation)
    for stand in answer.stands:
        yield _("delegate in force: {delegate}").format(delegate=stand_words(model, stand, answer.measure))
    for day, stand in answer.scheduled:
        yield _("delegate scheduled from {day}: {stand}").format(
            day=day.isoformat(), stand=stand_words(model, stand, answer.measure, day)
        )
