from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.commands.init import scaffold
from opsgov.config.settings import ConfigError
from tests.util import check_repo


def test_init_scaffolds_a_repository_that_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "governance"
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for rel in (
        "opsgov.yaml",
        "README.md",
        "ops/organization.yaml",
        "ops/waivers.yaml",
        "policies/department-head.yaml",
    ):
        assert (target / rel).is_file(), rel
    result = runner.invoke(main, ["check", str(target), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # exactly one finding, and the waiver covers it: the waiver is used, nothing fails
    assert [(f["rule"], f["entity"], f["waived"]) for f in report["findings"]] == [
        ("policy/department-head", "Unit/operations", True)
    ]


def test_the_waiver_expires_a_year_after_init(tmp_path: Path) -> None:
    scaffold(tmp_path / "g", today=datetime.date(2026, 11, 23))
    assert "expires: 2027-11-23" in (tmp_path / "g" / "ops" / "waivers.yaml").read_text(encoding="utf-8")
    report = check_repo(tmp_path / "g", as_of=datetime.date(2027, 11, 24))
    assert [f.rule for f in report.findings if not f.waived] == ["policy/department-head", "waiver-expired"]


def test_editor_settings_point_at_local_schemas(tmp_path: Path) -> None:
    scaffold(tmp_path / "g", today=datetime.date(2026, 11, 23))
    settings = json.loads((tmp_path / "g" / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    for schema, globs in settings["yaml.schemas"].items():
        assert (tmp_path / "g" / schema).is_file(), schema
        assert globs
    assert settings["yaml.schemas"][".opsgov/schemas/config.json"] == ["opsgov.yaml"]
    # The editor's YAML extension validates with Draft 7: documents get the self-contained bundle.
    bundle = json.loads((tmp_path / "g" / ".opsgov/schemas/opsgov.bundle.json").read_text(encoding="utf-8"))
    assert bundle["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "ops/**/*.yaml" in settings["yaml.schemas"][".opsgov/schemas/opsgov.bundle.json"]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2 and "not empty" in result.output
    assert not (tmp_path / "opsgov.yaml").exists()
    assert CliRunner().invoke(main, ["init", str(tmp_path), "--force"], catch_exceptions=False).exit_code == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_init_on_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError):
        scaffold(tmp_path / "f", today=datetime.date(2026, 1, 1))


def test_the_readme_shows_the_finding_the_starter_really_has(tmp_path: Path) -> None:
    scaffold(tmp_path / "g", today=datetime.date(2026, 11, 23))
    result = CliRunner().invoke(main, ["check", str(tmp_path / "g")], catch_exceptions=False)
    readme = (tmp_path / "g" / "README.md").read_text(encoding="utf-8")
    [line] = [line for line in result.output.splitlines() if "policy/department-head" in line]
    assert f"\n{line}\n" in readme
    for command in ("opsgov who-approves", "opsgov explain", "--write-baseline", "--baseline"):
        assert command in readme
