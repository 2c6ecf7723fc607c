"""Small helpers for tests: write a tiny repository, check it, pick findings."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import Any

from opsgov.config.settings import Settings
from opsgov.pipeline import check
from opsgov.report.finding import Finding
from opsgov.report.report import Report

TODAY = datetime.date(2026, 11, 23)

BASE = {
    "ops/org.yaml": """\
        apiVersion: opsgov/v1
        kind: Organization
        metadata: {name: acme, title: 示例公司}
        spec: {root: company, currency: CNY, locale: zh-CN}
        ---
        apiVersion: opsgov/v1
        kind: Unit
        metadata: {name: company, title: 总公司}
        spec: {type: company, head: ceo}
        ---
        apiVersion: opsgov/v1
        kind: Position
        metadata: {name: ceo, title: 总经理}
        spec: {unit: company}
        """,
}
"""A minimal clean organisation: one Organization, its root unit and the single top position."""


def write_repo(root: Path, files: dict[str, str], *, base: bool = True) -> Path:
    """Write `files` (relative path -> YAML, dedented) under `root`; with `base`, on top of BASE."""
    for rel, text in ({**BASE, **files} if base else files).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def check_repo(root: Path, **settings: Any) -> Report:
    settings.setdefault("as_of", TODAY)
    settings.setdefault("lang", "en")  # BASE's Organization has locale zh-CN; the rule tests read English
    return check(Settings(root=root, **settings))


def only(report: Report, rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in report.findings if f.rule == rule]


def rules_of(report: Report) -> list[str]:
    return sorted({f.rule for f in report.findings})


def doc(kind: str, name: str, spec: str = "{}", title: str | None = None) -> str:
    """One document as YAML text; `spec` is a flow mapping or an indented block."""
    head = f"apiVersion: opsgov/v1\nkind: {kind}\nmetadata: {{name: {name}, title: {title or name}}}\n"
    if spec.lstrip().startswith("{"):
        return head + f"spec: {spec}\n"
    return head + "spec:\n" + textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ") + "\n"


def docs(*documents: str) -> str:
    return "---\n".join(documents)


def usage_error(result: Any, *expected: str) -> None:
    """Exit status 2 for the reason the test means (one of `expected` is in the message): every crash
    is exit 2 too ("internal error"), so a bare `exit_code == 2` would pass when the command broke.
    `result` is a click Result."""
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.stderr, result.stderr
    assert any(text in result.stderr for text in expected), result.stderr
