"""The library API: what `import opsgov` offers, and the example of docs/api.md, run as written."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import opsgov
from opsgov.rules.base import rule
from tests.util import doc, write_repo

ROOT = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2026, 11, 27)


def test_the_example_in_docs_api_runs_against_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    monkeypatch.chdir(ROOT)
    exec(compile(blocks[0], "docs/api.md", "exec"), {"__name__": "docs_api"})


def test_import_opsgov_is_cheap_and_every_public_name_resolves() -> None:
    probe = "import sys, opsgov; print(sorted(m for m in sys.modules if m.startswith('opsgov')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['opsgov', 'opsgov.load']"
    for name in opsgov.__all__:
        assert getattr(opsgov, name) is not None
    with pytest.raises(AttributeError):
        opsgov.no_such_name  # noqa: B018


def test_check_returns_findings_at_their_place() -> None:
    report = opsgov.check(ROOT / "examples" / "broken", as_of=TODAY)
    assert isinstance(report, opsgov.Report)
    assert all(isinstance(f, opsgov.Finding) for f in report.findings)
    overlap = next(f for f in report.findings if f.rule == "approval-overlap")
    assert (overlap.file, overlap.line, overlap.column, overlap.entity) == (
        "ops/authority-bands.yaml",
        16,
        13,
        "ApprovalMatrix/auth-purchase",
    )


def test_rules_are_a_parameter(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"ops/posts.yaml": doc("Position", "clerk", "{unit: company}")})
    everything = opsgov.check(root, as_of=TODAY)
    assert [f.rule for f in everything.findings] == ["top-position"]
    approvals = {rule_id: r for rule_id, r in opsgov.REGISTRY.items() if rule_id.startswith("approval-")}
    assert opsgov.check(root, as_of=TODAY, rules=approvals).findings == []

    @rule("no-clerks", "info", "no post is named clerk", family="house")
    def no_clerks(model: opsgov.Model, options: Mapping[str, Any]) -> Iterator[opsgov.Finding]:
        for post in model.entities("Position"):
            if post.name == "clerk":
                yield post.finding(("metadata", "name"), "a post is named clerk")

    report = opsgov.check(root, as_of=TODAY, rules=[no_clerks], select=["no-clerks"])
    assert [(f.rule, f.level, f.file, f.line, f.entity, f.message) for f in report.findings] == [
        ("no-clerks", "info", "ops/posts.yaml", 3, "Position/clerk", "a post is named clerk")
    ]


def test_load_returns_the_model_and_the_package_stays_a_package() -> None:
    model = opsgov.load(ROOT, as_of=TODAY)
    assert isinstance(model, opsgov.Model)
    assert model.get("Unit/company") is not None
    assert opsgov.load.compose.load_text.__module__ == "opsgov.load.compose"


def test_a_check_restores_the_collector_and_never_reads_the_clock() -> None:
    import gc

    assert gc.isenabled()
    opsgov.check(ROOT, as_of=TODAY)
    assert gc.isenabled()
    with pytest.raises(TypeError):
        opsgov.check(ROOT, as_of="2026-11-27")  # type: ignore[arg-type]
    with pytest.raises(opsgov.ConfigError, match="not a folder"):
        opsgov.load(ROOT / "README.md", as_of=TODAY)
