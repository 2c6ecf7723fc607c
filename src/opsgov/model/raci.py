"""Who is Responsible, Accountable, Consulted and Informed in a process step: the one place the
RACI defaults are written, read by the RACI matrix, the process diagram, the handbook, the
position facts of policies and `opsgov explain`.

The default that matters: a step that names no `accountable` is accounted for by the process
owner (docs/format.md, Process).
"""

from __future__ import annotations

from typing import Any

from opsgov.model.entities import Entity

LETTERS = "RACI"
"""The letters in the order a RACI cell lists them."""


def responsible_posts(process: Entity, index: int, step: dict[str, Any]) -> list[str]:
    """The resolved responsible positions of a step (one name or a list in the document)."""
    value = step.get("responsible")
    if isinstance(value, list):
        found = (process.target(("spec", "steps", index, "responsible", i)) for i in range(len(value)))
        return [key for key in found if key is not None]
    key = process.target(("spec", "steps", index, "responsible"))
    return [key] if key is not None else []


def owner_is_accountable(step: dict[str, Any]) -> bool:
    """A step that names no `accountable` is accounted for by the process owner."""
    return "accountable" not in step


def accountable(process: Entity, index: int, step: dict[str, Any]) -> str | None:
    """The step's accountable party (Kind/name), the process owner by default; None when the
    reference does not resolve (the step's own, or the owner when the step names none)."""
    if owner_is_accountable(step):
        return process.target(("spec", "owner"))
    return process.target(("spec", "steps", index, "accountable"))


def step_roles(process: Entity, index: int, step: dict[str, Any]) -> list[tuple[str, str]]:
    """(letter, Kind/name) for every party of one step; unresolved references are skipped."""
    roles = [("R", key) for key in responsible_posts(process, index, step)]
    answerable = accountable(process, index, step)
    if answerable is not None:
        roles.append(("A", answerable))
    for letter, field in (("C", "consulted"), ("I", "informed")):
        for position in range(len(step.get(field) or ())):
            target = process.target(("spec", "steps", index, field, position))
            if target is not None:
                roles.append((letter, target))
    return roles
