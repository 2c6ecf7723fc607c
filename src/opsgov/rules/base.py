"""What a rule is: an id, a default level, a description, docs with examples, and a check.

A rule's docs are its user manual (`opsgov rules ID`), and their examples are executed by the
tests (tests/test_rule_docs.py), so the manual cannot drift from behaviour. The convention:

- The docs end with indented YAML blocks under `Passes:` and `Fails:`, and optionally `Given:`
  before them. Each block holds whole documents (kind, metadata, spec), separated by `---`;
  `apiVersion: opsgov/v1` is implied and left out.
- Each example is checked as a repository of its own: the standard organisation (Organization
  `acme`, whose root Unit `company` of type company is headed by the Position `ceo`), then
  the `Given:` documents (what both examples need around them), then the example. A document
  of the example with the kind and name of a standard or Given document replaces it (the
  org-root example redefines `company`).
- The Fails example must raise the rule; the Passes example must not, and must be read in full
  (no yaml-syntax, yaml-strict, schema, duplicate-name, dangling-ref or ambiguous-ref finding:
  a Passes example that is left out of the analysis would pass for the wrong reason). Other
  rules may fire on either.
- Only file-unreadable and internal-error have no examples: no YAML shows them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opsgov.model.entities import Model
from opsgov.report.finding import Finding

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
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The words a list option may hold, where they are not its default's (review-overdue's kinds)."""
    reads: tuple[str, ...] | None = None
    """The kinds whose entities (documents and resolved references) are all the check reads, or
    None: anything, the date included. On a later change date a rule that reads none of the kinds
    the date changed (`Model.changed`) gives the findings it gave already, so it is not run
    (docs/design.md, "Dates"). Declare it only for a check that reads nothing else: not the date,
    the holdings, the structure or another kind's entities, not even to name them in a message."""


def rule(
    id: str,
    level: str,
    description: str,
    *,
    family: str,
    options: Mapping[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
    choices: Mapping[str, tuple[str, ...]] | None = None,
    reads: tuple[str, ...] | None = None,
) -> Callable[[Check], Rule]:
    """Make a check function into a Rule; its docstring (with examples) becomes the rule's docs."""

    def wrap(check: Check) -> Rule:
        return Rule(
            id,
            level,
            description,
            family,
            check,
            inspect.cleandoc(check.__doc__ or ""),
            dict(options or {}),
            aliases,
            dict(choices or {}),
            reads,
        )

    return wrap
