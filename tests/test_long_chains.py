"""10,000-long chains and 5,000-long cycles check in seconds, with the right facts and findings.

Each organisation is one long line: posts p1 -> p0 (reportsTo) or units u1 -> u0 (parent). Facts are
computed in linear time and a chain longer than facts.MAX_CHAIN is never handed to CEL: before,
these ran out of memory (a 10,000-name list for each of 10,000 posts).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from opsgov.model.facts import MAX_CHAIN
from tests.util import check_repo, doc, only

Repo = Callable[..., Path]


def _policy(name: str, kind: str, expression: str) -> str:
    spec = f"severity: warning\nmatch: {{kinds: [{kind}]}}\nvalidations:\n  - expression: {json.dumps(expression)}\n"
    return doc("Policy", name, spec)


def _positions(count: int, cycle: bool) -> str:
    """p0 reports to the ceo (or, for a cycle, to p{count-1}); p{i} reports to p{i-1}."""
    lines = []
    for i in range(count):
        manager = (f"p{count - 1}" if cycle else "ceo") if i == 0 else f"p{i - 1}"
        lines.append(
            f"apiVersion: opsgov/v1\nkind: Position\nmetadata: {{name: p{i}, title: p{i}}}\n"
            f"spec: {{unit: company, reportsTo: {manager}}}\n"
        )
    return "---\n".join(lines)


def _units(count: int, cycle: bool) -> str:
    lines = []
    for i in range(count):
        parent = (f"u{count - 1}" if cycle else "company") if i == 0 else f"u{i - 1}"
        lines.append(
            f"apiVersion: opsgov/v1\nkind: Unit\nmetadata: {{name: u{i}, title: u{i}}}\n"
            f"spec: {{type: team, parent: {parent}}}\n"
        )
    return "---\n".join(lines)


CHAIN_POLICIES = "---\n".join(
    [
        _policy("shallow", "Position", "facts.depth <= 9998"),
        _policy("chain-short", "Position", "facts.chain.size() < 3"),
    ]
)


def test_a_10000_long_reporting_chain(repo: Repo) -> None:
    root = repo({"ops/posts.yaml": _positions(10_000, cycle=False), "policies/p.yaml": CHAIN_POLICIES})
    start = time.perf_counter()
    report = check_repo(root)
    assert time.perf_counter() - start < 10  # about 2 s on 2 cores
    assert only(report, "internal-error") == []
    # depth: ceo 0, p0 1, ..., p9999 10,000
    assert [f.entity for f in only(report, "policy/shallow")] == ["Position/p9998", "Position/p9999"]
    short = only(report, "policy/chain-short")
    assert len(short) == MAX_CHAIN - 2  # p2 (chain p1, p0, ceo) ... p{MAX_CHAIN - 1} (MAX_CHAIN names)
    assert (short[0].entity, short[-1].entity) == ("Position/p2", f"Position/p{MAX_CHAIN - 1}")
    [invalid] = only(report, "policy-invalid")
    too_long = 10_000 - MAX_CHAIN
    assert invalid.message == (
        f"policy chain-short: CEL failed on {too_long} entities (first Position/p{MAX_CHAIN}): "
        f"facts.chain has {MAX_CHAIN + 1:,} names; a policy reads at most {MAX_CHAIN:,}"
    )
    assert (invalid.file, invalid.line, invalid.path) == ("policies/p.yaml", 17, "$.spec.validations[0].expression")


def test_facts_chain_lists_the_managers_up_to_the_top(repo: Repo) -> None:
    policy = _policy("names", "Position", "facts.chain != ['p1', 'p0', 'ceo']")
    root = repo({"ops/posts.yaml": _positions(5, cycle=False), "policies/p.yaml": policy})
    assert [f.entity for f in only(check_repo(root), "policy/names")] == ["Position/p2"]


def test_a_10000_deep_unit_chain(repo: Repo) -> None:
    policies = "---\n".join(
        [
            _policy("deep", "Unit", "facts.depth <= 9999"),
            _policy("ancestors", "Unit", "facts.ancestors.size() == 0 || facts.ancestors[0] != 'u0'"),
        ]
    )
    root = repo({"ops/units.yaml": _units(10_000, cycle=False), "policies/p.yaml": policies})
    start = time.perf_counter()
    report = check_repo(root)
    assert time.perf_counter() - start < 10
    assert only(report, "internal-error") == []
    assert [f.entity for f in only(report, "policy/deep")] == ["Unit/u9999"]  # company 0, u0 1, ... u9999 10,000
    assert [f.entity for f in only(report, "policy/ancestors")] == ["Unit/u1"]
    [invalid] = only(report, "policy-invalid")
    assert invalid.message.startswith(f"policy ancestors: CEL failed on {10_000 - MAX_CHAIN} entities")


def test_a_5000_long_reporting_cycle(repo: Repo) -> None:
    root = repo({"ops/posts.yaml": _positions(5_000, cycle=True), "policies/p.yaml": CHAIN_POLICIES})
    start = time.perf_counter()
    report = check_repo(root)
    assert time.perf_counter() - start < 10
    assert only(report, "internal-error") == []
    [cycle] = only(report, "reporting-cycle")
    assert cycle.entity == "Position/p0"
    assert cycle.message.startswith("positions form a cycle of reportsTo links: p0 -> p4999 -> p4998 -> ")
    assert cycle.message.count(" -> ") >= 5_000
    # On a cycle every member has the 4,999 others above it; no chain of that length reaches CEL.
    assert only(report, "policy/shallow") == []
    assert only(report, "policy/chain-short") == []
    [invalid] = only(report, "policy-invalid")
    assert invalid.message.startswith("policy chain-short: CEL failed on 5000 entities (first Position/p0)")


def test_a_5000_long_unit_cycle(repo: Repo) -> None:
    policy = _policy("deep", "Unit", "facts.depth < 4999")
    root = repo({"ops/units.yaml": _units(5_000, cycle=True), "policies/p.yaml": policy})
    start = time.perf_counter()
    report = check_repo(root)
    assert time.perf_counter() - start < 10
    assert only(report, "internal-error") == []
    [cycle] = only(report, "unit-cycle")
    assert cycle.entity == "Unit/u0"
    assert len(only(report, "policy/deep")) == 5_000
