"""Budgets that keep hostile input cheap to refuse: file size, nesting depth, aliases, number length."""

from __future__ import annotations

from dataclasses import dataclass

from opsgov.load.documents import COLUMN_BITS


@dataclass(frozen=True, slots=True)
class Limits:
    """Budgets that keep hostile input cheap to refuse."""

    max_file_bytes: int = 32 * 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_alias_nodes: int = 10_000
    max_number_chars: int = 40

    def __post_init__(self) -> None:
        if self.max_file_bytes >= 1 << COLUMN_BITS:  # a column must fit its bits in a packed position
            raise ValueError(f"max_file_bytes must be below {1 << COLUMN_BITS:,}")


DEFAULT_LIMITS = Limits()
