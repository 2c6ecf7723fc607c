"""What a rule is: an id, a default level, a description, docs with examples, and a check."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opsgov.findings import Finding
from opsgov.model import Model

Check = Callable[[Model, Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A built-in rule. `check` is None for rules that a pipeline stage reports (loading, schema)."""

    id: str
    level: str
    description: str
    family: str
    check: Check | None = None
    docs: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


def rule(
    id: str,
    level: str,
    description: str,
    *,
    family: str,
    options: Mapping[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
) -> Callable[[Check], Rule]:
    """Make a check function into a Rule; its docstring (with examples) becomes the rule's docs."""

    def wrap(check: Check) -> Rule:
        return Rule(
            id, level, description, family, check, inspect.cleandoc(check.__doc__ or ""), dict(options or {}), aliases
        )

    return wrap
