"""Rules of the family "authority" (CHECKS.md)."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "authority"

RULES: tuple[Rule, ...] = ()
