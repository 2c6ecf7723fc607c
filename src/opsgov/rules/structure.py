"""Rules of the family "structure" (CHECKS.md)."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "structure"

RULES: tuple[Rule, ...] = ()
