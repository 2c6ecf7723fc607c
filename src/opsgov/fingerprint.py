"""A finding's identity across revisions: the same problem keeps its fingerprint when lines shift."""

from __future__ import annotations

import hashlib
import re

from opsgov.findings import Finding

_POSITIONS = re.compile(r"(?:\bline \d+|:\d+(?::\d+)?\b)")


def fingerprint(finding: Finding) -> str:
    """Rule, entity (or file when there is none), JSON path and message without line numbers."""
    anchor = finding.entity or finding.file
    message = _POSITIONS.sub("", finding.message)
    key = "\x1f".join((finding.rule, anchor, finding.path, message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
