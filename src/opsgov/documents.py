"""A loaded YAML document and the index of where each of its nodes stands in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from opsgov.findings import Finding, Related

Path = tuple[str | int, ...]
"""A node's place in a document: keys and list indexes from the root, e.g. ("spec", "owns", 0)."""

_COLUMN_BITS = 24
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def pack(line: int, column: int) -> int:
    """Line and column (1-based) in one int: a third of the memory of a tuple per node."""
    return (line << _COLUMN_BITS) | min(column, _COLUMN_MASK)


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

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of its closest indexed ancestor."""
        locations = self.locations
        while path:
            packed = locations.get(path)
            if packed is not None:
                return packed >> _COLUMN_BITS, packed & _COLUMN_MASK
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
    ) -> Finding:
        line, column = self.where(path)
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
        )

    def related(self, path: Path, message: str) -> Related:
        line, column = self.where(path)
        return Related(self.file, line, column, message)
