"""`opsgov check --base REV`: new findings only, and the two checked trees `opsgov diff` compares.

Both trees are checked by the same engine; findings are matched by their fingerprints
(report/fingerprint.py), made from what a finding is about, so reordering a list, moving a
document to another file or shifting lines neither hides an old problem nor reports it as new.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from opsgov.commands.gitrev import tree_at
from opsgov.config.settings import Settings
from opsgov.pipeline import check
from opsgov.progress import Progress
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import fingerprint
from opsgov.report.report import Report

WORKING_TREE = "working tree"


def new_findings(head: Iterable[Finding], base: Iterable[Finding]) -> list[Finding]:
    """Head findings not matched by a base finding; each base finding absorbs one head finding."""
    remaining = Counter(fingerprint(f) for f in base)
    kept: list[Finding] = []
    for finding in head:
        key = fingerprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(finding)
    return kept


def wanted(settings: Settings) -> tuple[str, ...]:
    """What a check reads of a tree: its document folders and the project config."""
    return (*settings.paths, "opsgov.yaml")


def check_since(settings: Settings, rev: str, *, progress: Progress | None = None) -> tuple[Report, int]:
    """The check of the working tree at `settings.root` less what was already found at `rev`, and how many that was."""

    def at_base(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(f"{rev}: {stage}", done, total)

    with checked(settings, rev, progress=at_base) as base:
        head = check(settings, progress=progress)
    new = new_findings(head.findings, base.findings)
    return dataclasses.replace(head, findings=new), len(head.findings) - len(new)


@contextmanager
def checked(settings: Settings, rev: str | None, *, progress: Progress | None = None) -> Iterator[Report]:
    """The report of PATH at `rev`, or of the working tree when `rev` is None."""
    if rev is None:
        yield check(settings, progress=progress)
        return
    with tree_at(settings.root, rev, wanted(settings)) as root:
        yield check(dataclasses.replace(settings, root=root), progress=progress)
