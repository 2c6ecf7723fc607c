"""The RACI matrix: who is Responsible, Accountable, Consulted and Informed, step by step.

By post (the default) rows are the posts and units a step names and columns the steps of each
process, under a header row naming the process; `by="unit"` folds posts into their unit and
steps into their process, the view a department head asks for (and the one that fits a page
when processes are long). Who takes which letter is the model's (`opsgov.model.raci`).
"""

from __future__ import annotations

from opsgov.model.entities import Model
from opsgov.model.raci import LETTERS, step_roles
from opsgov.model.structure import structure_of
from opsgov.render.process import find_process
from opsgov.render.table import Table
from opsgov.render.words import RACI_LETTERS, say, words


def _cell(letters: set[str]) -> str:
    return "/".join(letter for letter in LETTERS if letter in letters)


def _name(model: Model, key: str) -> str:
    entity = model.get(key)
    return entity.title if entity is not None else key


def raci_table(model: Model, *, by: str = "post", process: str | None = None) -> Table:
    """By post: a header row of processes over their steps (`groups`), one column per step; by
    unit: one column per process. Letters carry their meanings (`letters`) for the legend."""
    processes = [find_process(model, process)] if process else sorted(model.entities("Process"), key=lambda p: p.name)
    columns: list[str] = []
    groups: list[tuple[str, int]] = []
    cells: dict[str, dict[int, set[str]]] = {}
    for entity in processes:
        steps = entity.spec.get("steps") or []
        if by == "unit":
            columns.append(entity.title)
        else:
            groups.append((entity.title, len(steps)))
        for index, step in enumerate(steps):
            if by != "unit":
                columns.append(str(step.get("title") or step["id"]))
            column = len(columns) - 1
            for letter, key in step_roles(entity, index, step):
                if by == "unit" and key.startswith("Position/"):
                    unit = structure_of(model).unit_of.get(key)
                    if unit is None:
                        continue
                    key = unit
                cells.setdefault(key, {}).setdefault(column, set()).add(letter)
    rows = []
    for key in sorted(cells, key=lambda k: (not k.startswith("Unit/") if by == "unit" else k.startswith("Unit/"), k)):
        rows.append([_name(model, key), *(_cell(cells[key].get(c, set())) for c in range(len(columns)))])
    first = words().unit if by == "unit" else words().party
    letters = {letter: say(RACI_LETTERS, letter) for letter in LETTERS}
    return Table([first, *columns], rows, groups=groups, letters=letters)
