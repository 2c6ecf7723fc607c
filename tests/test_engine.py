"""The engine's promises: a rule that raises is never a silent gap; stages are timed."""

from __future__ import annotations

import json
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
    monkeypatch.setattr("opsgov.pipeline.REGISTRY", registry)  # the library's default rules
    monkeypatch.setattr("opsgov.rules.REGISTRY", registry)  # the rules the CLI passes


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
    assert "internal-error 规则 broken-rule 失败" in result.output  # the repository speaks zh-CN
    assert "dangling-ref" in result.output
    assert "Traceback" not in result.output


def test_every_stage_is_timed(repo: Callable[..., Path]) -> None:
    report = check_repo(repo({}))
    assert list(report.timings) == ["load", "schema", "model", "rules", "policies", "report"]
    assert all(seconds >= 0 for seconds in report.timings.values())


# --- debuggable crashes: the whole stack where someone asks for it, never in the text report ----------


V1_KEYS = ["rule", "level", "message", "file", "line", "column", "entity", "path", "related", "hint", "waived"]


@pytest.mark.usefixtures("broken_rule")
def test_an_internal_error_keeps_its_whole_stack_in_the_json_report_only(repo: Callable[..., Path]) -> None:
    root = repo({"ops/units.yaml": docs(doc("Unit", "ops", "{type: department, parent: compnay}"))})
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 2
    findings = json.loads(result.stdout)["findings"]
    [error] = [f for f in findings if f["rule"] == "internal-error"]
    assert list(error) == [*V1_KEYS, "trace"]
    trace = error["trace"]
    assert trace.startswith("Traceback (most recent call last):\n")
    assert "in run_rules" in trace, "the engine's frame, not only the last one"
    assert 'in _broken\n    raise KeyError("spec")' in trace
    assert trace.endswith("KeyError: 'spec'\n")
    assert all(list(f) == V1_KEYS for f in findings if f["rule"] != "internal-error"), "v1 shape elsewhere"

    text = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert "internal-error 规则 broken-rule 失败：KeyError: 'spec' at test_engine.py:" in text.stdout
    assert "Traceback" not in text.output
    assert "in _broken" not in text.output


@pytest.mark.usefixtures("broken_rule")
@pytest.mark.parametrize(("args", "env"), [(["--traceback"], {}), ([], {"OPSGOV_DEBUG": "1"})])
def test_traceback_prints_the_stack_of_an_internal_error_finding(
    repo: Callable[..., Path], args: list[str], env: dict[str, str]
) -> None:
    root = repo({"ops/units.yaml": docs(doc("Unit", "ops", "{type: department}"))})
    result = CliRunner(env=env).invoke(main, [*args, "check", str(root)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "Traceback (most recent call last):" in result.stderr
    assert 'in _broken\n    raise KeyError("spec")' in result.stderr
    assert "Traceback" not in result.stdout, "the report itself stays as it is"


def _crash(settings: object, *_: object, **__: object) -> None:
    raise ZeroDivisionError("the engine fell over")


@pytest.mark.parametrize(("args", "env"), [(["--traceback"], {}), ([], {"OPSGOV_DEBUG": "1"})])
def test_traceback_prints_the_stack_of_a_crashed_command(
    monkeypatch: pytest.MonkeyPatch, repo: Callable[..., Path], args: list[str], env: dict[str, str]
) -> None:
    monkeypatch.setattr("opsgov.pipeline.check", _crash)  # the CLI imports it when a command runs
    result = CliRunner(env=env).invoke(main, [*args, "check", str(repo({}))], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "in check\n" in result.stderr, "the command's frame, not only the last one"
    assert 'in _crash\n    raise ZeroDivisionError("the engine fell over")' in result.stderr
    assert result.stderr.endswith("opsgov: internal error: ZeroDivisionError: the engine fell over\n")


@pytest.mark.parametrize("env", [{}, {"OPSGOV_DEBUG": "0"}, {"OPSGOV_DEBUG": ""}])
def test_a_crashed_command_is_one_line_by_default(
    monkeypatch: pytest.MonkeyPatch, repo: Callable[..., Path], env: dict[str, str]
) -> None:
    monkeypatch.setattr("opsgov.pipeline.check", _crash)  # the CLI imports it when a command runs
    monkeypatch.delenv("OPSGOV_DEBUG", raising=False)
    result = CliRunner(env=env).invoke(main, ["check", str(repo({}))], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "opsgov: internal error: ZeroDivisionError: the engine fell over "
        "(`opsgov --traceback ...` or OPSGOV_DEBUG=1 shows where)\n"
    )
