"""The engine's promises: a rule that raises is never a silent gap; stages are timed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from opsgov import rules as rules_module
from opsgov.cli import main
from opsgov.model.entities import Model
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule
from tests.util import check_repo, doc, docs, only


def _broken(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from ()
    raise KeyError("spec")


@pytest.fixture
def broken_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = {**rules_module.REGISTRY, "broken-rule": Rule("broken-rule", "error", "raises", "test", _broken)}
    monkeypatch.setattr("opsgov.pipeline.REGISTRY", registry)


@pytest.mark.usefixtures("broken_rule")
def test_a_rule_that_raises_is_an_internal_error_and_exit_status_2(repo: Callable[..., Path]) -> None:
    root = repo({"ops/units.yaml": docs(doc("Unit", "ops", "{type: department, parent: compnay}"))})
    report = check_repo(root)
    [error] = only(report, "internal-error")
    assert error.level == "error"
    assert "rule broken-rule failed: KeyError" in error.message
    assert only(report, "dangling-ref"), "the other rules' results are still reported"
    assert report.exit_code("never") == 2

    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "internal-error rule broken-rule failed" in result.output
    assert "dangling-ref" in result.output
    assert "Traceback" not in result.output


def test_every_stage_is_timed(repo: Callable[..., Path]) -> None:
    report = check_repo(repo({}))
    assert list(report.timings) == ["load", "schema", "model", "rules", "policies", "report"]
    assert all(seconds >= 0 for seconds in report.timings.values())
