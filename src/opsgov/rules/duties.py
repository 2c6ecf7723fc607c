"""Rules of the family "duties" (CHECKS.md)."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "duties"

RULES: tuple[Rule, ...] = ()
