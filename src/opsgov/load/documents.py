"""A loaded YAML document and the index of where each of its nodes stands in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from opsgov.report.finding import Finding, Related
from opsgov.report.fingerprint import item_path, plain_message

Path = tuple[str | int, ...]
"""A node's place in a document: keys and list indexes from the root, e.g. ("spec", "owns", 0)."""

COLUMN_BITS = 26
"""Bits of a column in a packed position: more than the default file size cap."""
LINE_SHIFT = 2 * COLUMN_BITS
_COLUMN_MASK = (1 << COLUMN_BITS) - 1
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def pack(line: int, column: int, key_column: int = 0) -> int:
    """A node's line and column (1-based) in one int, a third of the memory of a tuple per node.

    For a scalar mapping value on its key's line, the key's column rides along (0 = none), so a
    finding about the key itself (an unknown field) can point at the key.
    """
    return (line << LINE_SHIFT) | (min(key_column, _COLUMN_MASK) << COLUMN_BITS) | min(column, _COLUMN_MASK)


def unpack(packed: int) -> tuple[int, int, int]:
    """Line, column and key column (0 when the node is not a value on its key's line)."""
    return packed >> LINE_SHIFT, packed & _COLUMN_MASK, (packed >> COLUMN_BITS) & _COLUMN_MASK


@lru_cache(maxsize=65536)
def json_path(path: Path) -> str:
    """`("spec", "owns", 0)` -> `$.spec.owns[0]`, the form the JSON report uses."""
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENTIFIER.match(step):
            parts.append(f".{step}")
        else:
            escaped = step.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


@dataclass(slots=True, eq=False)
class Document:
    """One YAML document as plain JSON-like data, with the position of every node.

    `locations` maps a node's path to its packed position: a scalar's own position, or for a
    mapping entry whose value is a collection, the position of its key (the line a reader looks
    at). Nodes reached through an alias are not indexed; `where` falls back to the nearest
    indexed ancestor.
    """

    file: str
    index: int
    line: int
    column: int
    data: Any
    locations: dict[Path, int] = field(default_factory=dict)
    ok: bool = True

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of its closest indexed ancestor.

        With `key`, a mapping entry is located at its key rather than its value where known.
        """
        locations = self.locations
        while path:
            packed = locations.get(path)
            if packed is not None:
                line, column, key_column = unpack(packed)
                return line, (key_column or column) if key else column
            path = path[:-1]
        return self.line, self.column

    def finding(
        self,
        rule: str,
        path: Path,
        message: str,
        *,
        entity: str = "",
        hint: str = "",
        related: tuple[Related, ...] = (),
        at_key: bool = False,
        identity: tuple[str, ...] | None = None,
    ) -> Finding:
        """A finding at `path`; without `identity` (fingerprint.py): the entity, path by list items, message."""
        line, column = self.where(path, key=at_key)
        if identity is None:
            identity = (entity, item_path(self.data, path), plain_message(message))
        return Finding(
            file=self.file,
            line=line,
            column=column,
            rule=rule,
            message=message,
            entity=entity,
            path=json_path(path),
            related=related,
            hint=hint,
            identity=identity,
        )

    def related(self, path: Path, message: str) -> Related:
        line, column = self.where(path)
        return Related(self.file, line, column, message)
