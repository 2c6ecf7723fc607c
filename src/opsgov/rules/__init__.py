"""The registry of built-in rules: an explicit list, no discovery."""

from __future__ import annotations

from opsgov.rules import authority, delegation, duties, kpis, policies, processes, reading, reviews, structure, tables
from opsgov.rules.base import Rule

ENGINE_RULES = (
    Rule(
        "internal-error",
        "error",
        "a rule or stage of opsgov itself failed (a bug; please report it)",
        "engine",
        docs="""
        A rule that raises is reported as this finding and makes the exit status 2, so a
        broken rule can never pass silently for a clean result.
        """,
    ),
)

REGISTRY: dict[str, Rule] = {
    r.id: r
    for r in (
        *reading.RULES,
        *structure.RULES,
        *duties.RULES,
        *processes.RULES,
        *authority.RULES,
        *delegation.RULES,
        *reviews.RULES,
        *kpis.RULES,
        *policies.RULES,
        *tables.RULES,
        *ENGINE_RULES,
    )
}
"""Rule id -> rule, in the order `opsgov rules` lists them."""

ALIASES: dict[str, str] = {alias: r.id for r in REGISTRY.values() for alias in r.aliases}


def canonical(rule_id: str) -> str:
    """The current id of a rule, following aliases kept from renames."""
    return ALIASES.get(rule_id, rule_id)
