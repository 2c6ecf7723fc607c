"""The examples: the organisation in ops/ checks clean; examples/broken makes every rule fire."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.report.report import Report
from opsgov.rules import REGISTRY
from tests.util import check_repo

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "examples" / "broken"

NEVER_IN_AN_EXAMPLE = {
    "internal-error",  # a bug of opsgov itself
    "file-unreadable",  # needs file permissions that git does not keep
    "table-row",  # only `opsgov import` and `opsgov sync` read tables (tests/tables/)
    "hr-drift",  # only `opsgov sync --check` compares with HR (tests/tables/)
}

NOT_YET: set[str] = set()
"""Rule ids whose broken cases are not in examples/broken yet (none: every family has landed)."""

READING_FILES = {
    "ops/reading-yaml-syntax.yaml": "yaml-syntax",
    "ops/reading-yaml-strict.yaml": "yaml-strict",
    "ops/reading-schema.yaml": "schema",
    "ops/reading-duplicate-name.yaml": "duplicate-name",
    "ops/reading-dangling-ref.yaml": "dangling-ref",
    "ops/reading-ambiguous-ref.yaml": "ambiguous-ref",
}


@cache
def broken() -> Report:
    return check_repo(BROKEN)


def test_example_organisation_checks_clean() -> None:
    report = check_repo(ROOT)
    assert [f"{f.file}:{f.line} {f.rule} {f.message}" for f in report.findings] == []
    assert report.documents > 0


def test_not_yet_lists_only_known_rules() -> None:
    assert set(REGISTRY) >= NOT_YET
    assert set(REGISTRY) >= NEVER_IN_AN_EXAMPLE


@pytest.mark.parametrize("rule_id", sorted(set(REGISTRY) - NEVER_IN_AN_EXAMPLE - NOT_YET))
def test_every_rule_fires_in_the_broken_example(rule_id: str) -> None:
    fired = {f.rule for f in broken().findings}
    assert rule_id in fired, f"no case in examples/broken makes {rule_id} fire"


@pytest.mark.parametrize(("file", "rule_id"), sorted(READING_FILES.items()))
def test_each_reading_case_fires_in_its_file(file: str, rule_id: str) -> None:
    reading = {f.rule for f in broken().findings if f.file == file and f.rule in set(READING_FILES.values())}
    assert reading == {rule_id}


def test_broken_base_organisation_is_clean() -> None:
    assert [f for f in broken().findings if f.file == "ops/organization.yaml" and f.level == "error"] == []


def test_broken_example_through_the_cli_never_crashes() -> None:
    result = CliRunner().invoke(main, ["check", str(BROKEN), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1
    assert '"rule": "internal-error"' not in result.output
