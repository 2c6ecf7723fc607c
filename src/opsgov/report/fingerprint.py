"""A finding's identity across revisions: what the finding is about, never where it was written.

The fingerprint hashes the rule and the finding's `identity`: the entity it is about and the
entities and values it names (a duty and its owners as a set, a band's interval, a cycle's members
as a set, a reference's field and target), set by whoever makes the finding. List indexes, lines,
columns, file names and document order are never part of it, so reordering a list, moving a
document to another file or shifting lines keeps every fingerprint, while changing what a finding
is about (one more owner, another band bound) makes a new one. `--baseline`, `check --base` and
`opsgov diff` all match findings by this one function.

Where the maker does not say (the default of `Document.finding`), the identity is the entity, the
JSON path with each list index replaced by the identity of the list item (`item_path`), and the
message without positions and list indexes. A loader finding (yaml-strict) inside a document that
names its Kind/name is identified by that entity, its JSON path without list indexes and its
message without numbers (`in_document`). The other loader findings (yaml-syntax, which stops
the file before its document is read; yaml-strict outside any named document; file-unreadable)
are about a file: the file, the path without list indexes and the message without numbers, so
such a finding is new when its file is renamed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from opsgov.model.bands import band_interval
from opsgov.report.finding import Finding

_POSITIONS = re.compile(r"(?:\bline \d+|:\d+(?::\d+)?\b)")
_INDEXES = re.compile(r"\[\d+\]")
_NUMBERS = re.compile(r"\d[\d,]*")
_NAMING_KEYS = ("id", "name", "responsibility")
"""Fields that name a list item (a step's id, an exclusion's responsibility), tried in this order."""
_BAND_KEYS = frozenset(("from", "over", "upTo", "below", "approvers"))


def band_identity(band: Any) -> str | None:
    """An approval band by its interval (`band [0, 100000]`), or None when its bounds are not numbers."""
    try:
        return "band " + band_interval(band).notation()
    except (TypeError, ValueError, ArithmeticError):
        return None


def _item(item: Any) -> str:
    """What a list item is, whatever its place in the list: its value, its naming field, or a digest."""
    if isinstance(item, str):
        return json.dumps(item, ensure_ascii=False)
    if isinstance(item, dict):
        for key in _NAMING_KEYS:
            value = item.get(key)
            if isinstance(value, str):
                return f"{key}={json.dumps(value, ensure_ascii=False)}"
        if not _BAND_KEYS.isdisjoint(item):
            band = band_identity(item)
            if band is not None:
                return band
    try:
        text = json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # a key that is not text: the loader refuses those, but never crash here
        text = repr(item)
    return "#" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def item_path(data: Any, path: Sequence[str | int]) -> str:
    """`("spec", "owns", 3)` -> `$.spec.owns["budgeting"]`: each list index replaced by the item's identity.

    A band is known by its interval (`band [0, 100000]`); another item without a naming field by
    its content (`#` and a digest), so editing the item makes a new identity, while moving it in
    the list does not.
    """
    parts = ["$"]
    node = data
    for step in path:
        if isinstance(step, int):
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                parts.append(f"[{_item(node)}]")
            else:
                node = None
                parts.append("[?]")
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(f".{step}")
    return "".join(parts)


def plain_message(message: str) -> str:
    """A message without positions (`line 3`, `:3:5`) and list indexes (`owns[2]`)."""
    return _INDEXES.sub("[]", _POSITIONS.sub("", message))


def in_document(finding: Finding, entity: str) -> Finding:
    """A loader finding inside the document of `entity` (Kind/name), identified by that entity, not the file.

    The finding's reported `entity` stays empty: the JSON report is what the loader saw.
    """
    return finding.replace(identity=(entity, _INDEXES.sub("[]", finding.path), _NUMBERS.sub("#", finding.message)))


def identity_of(finding: Finding) -> tuple[str, ...]:
    """The finding's identity; for a finding without one, its entity or file, path and message without numbers."""
    if finding.identity:
        return finding.identity
    anchor = ("entity", finding.entity) if finding.entity else ("file", finding.file)
    return (*anchor, _INDEXES.sub("[]", finding.path), _NUMBERS.sub("#", finding.message))


def fingerprint(finding: Finding) -> str:
    """Rule and identity (`identity_of`)."""
    parts = (finding.rule, *identity_of(finding))
    key = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
