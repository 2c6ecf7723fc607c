"""How the pipeline tells its caller how far it is: a callback, since the library never prints.

The pipeline calls `progress(stage, done, total)` as it goes: `stage` is one of STAGES (the
keys of `Report.timings`), `done` and `total` count that stage's items (files, documents,
rules, policies), `total` 0 where the stage has no count. The CLI turns the calls into a line on
standard error; callers that pass nothing pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]

STAGES = ("load", "schema", "model", "rules", "policies", "report")


def ignore(stage: str, done: int, total: int) -> None:
    """The progress callback of a caller that does not want one."""
