"""Rules of the family "processes" (CHECKS.md)."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "processes"

RULES: tuple[Rule, ...] = ()
