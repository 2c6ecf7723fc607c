"""Rules of the family "kpis" (CHECKS.md)."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "kpis"

RULES: tuple[Rule, ...] = ()
