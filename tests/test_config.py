from __future__ import annotations

import datetime
import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.config.project import load_settings
from opsgov.config.settings import ConfigError
from tests.util import BASE, TODAY, doc, docs

Repo = Callable[..., Path]


def configured(repo: Repo, config: str, **files: str) -> Path:
    return repo({"opsgov.yaml": textwrap.dedent(config), **files})


def test_no_opsgov_yaml_means_the_defaults(repo: Repo) -> None:
    settings = load_settings(repo({}), as_of=TODAY)
    assert settings.paths == ("ops", "policies") and settings.fail_on == "error" and settings.levels == {}


def test_levels_options_paths_and_fail_on(repo: Repo) -> None:
    root = configured(
        repo,
        """\
        paths: [governance]
        failOn: warning
        rules:
          reporting-crosses-tree: off
          vacant-key-post: {level: error, options: {scope: [owns, head]}}
          policy/max-span-of-control: info
        """,
        **{"governance/org.yaml": BASE["ops/org.yaml"]},
    )
    settings = load_settings(root, as_of=TODAY)
    assert settings.paths == ("governance",)
    assert settings.fail_on == "warning"
    assert settings.levels == {
        "reporting-crosses-tree": "off",
        "vacant-key-post": "error",
        "policy/max-span-of-control": "info",
    }
    assert settings.options == {"vacant-key-post": {"scope": ["owns", "head"]}}


def test_command_line_flags_override_the_file(repo: Repo) -> None:
    root = configured(repo, "failOn: warning\n")
    settings = load_settings(root, fail_on="never", as_of=datetime.date(2030, 1, 1))
    assert settings.fail_on == "never" and settings.as_of == datetime.date(2030, 1, 1)


def test_extends_none_switches_analysis_rules_off_but_not_reading(repo: Repo) -> None:
    root = configured(repo, "extends: none\nrules: {duty-overlap: warning}\n")
    settings = load_settings(root, as_of=TODAY)
    assert settings.levels["duty-overlap"] == "warning"
    assert settings.levels["reporting-cycle"] == "off"
    assert "schema" not in settings.levels and "waiver-expired" not in settings.levels


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("rule:\n  duty-overlap: off\n", "opsgov.yaml:1:1: unknown key 'rule'; did you mean 'rules'?"),
        (
            "rules:\n  duty-overlapp: off\n",
            "opsgov.yaml:2:18: unknown rule 'duty-overlapp'; did you mean 'duty-overlap'?",
        ),
        (
            "rules:\n  dangling-rfe: off\n",
            "opsgov.yaml:2:17: unknown rule 'dangling-rfe'; did you mean 'dangling-ref'?",
        ),
        ("rules:\n  bogus-rule: off\n", "opsgov.yaml:2:15: unknown rule 'bogus-rule'; `opsgov rules` lists them"),
        ("rules:\n  duty-overlap: loud\n", "opsgov.yaml:2:17: a rule takes a level (error, warning, info, off)"),
        (
            "rules:\n  vacant-key-post: {options: {scop: [owns]}}\n",
            "opsgov.yaml:2:31: rule vacant-key-post has no option 'scop'; did you mean 'scope'?",
        ),
        (
            "rules:\n  vacant-key-post: {options: {scope: owns}}\n",
            'opsgov.yaml:2:38: option scope of vacant-key-post takes a value like ["owns"',
        ),
        (
            "rules:\n  vacant-key-post: {options: {scope: [owns, haed]}}\n",
            "opsgov.yaml:2:45: option scope of vacant-key-post has no choice \"haed\"; did you mean 'head'? "
            "(choices: owns,",
        ),
        (
            "rules:\n  review-overdue: {options: {every: 0}}\n",
            "opsgov.yaml:2:37: option every of review-overdue takes a whole number of days, at least 1, like 365",
        ),
        (
            "rules:\n  delegation-window: {options: {maxDays: 1.5}}\n",
            "opsgov.yaml:2:42: option maxDays of delegation-window takes a whole number of days, at least 1, like 90",
        ),
        (
            "rules:\n  waiver-too-long: {options: {maxDays: -3}}\n",
            "opsgov.yaml:2:40: option maxDays of waiver-too-long takes a whole number of days, at least 1, like 365",
        ),
        (
            "paths: [../elsewhere]\n",
            "opsgov.yaml:1:9: paths.0: '../elsewhere' is not inside the repository: write a path relative to it",
        ),
        (
            "- ops\n",
            "opsgov.yaml:1:1: the file: opsgov.yaml holds a mapping of settings "
            "(extends, paths, failOn, sourceUrl, horizon, rules)",
        ),
        ("failOn: yes\n", "opsgov.yaml:1:9: failOn:"),
        ("rules: {a: off}\nrules: {b: off}\n", "opsgov.yaml:2:1: duplicate key 'rules'"),
    ],
)
def test_configuration_errors_name_the_place(repo: Repo, config: str, expected: str) -> None:
    root = configured(repo, config)
    with pytest.raises(ConfigError) as raised:
        load_settings(root, as_of=TODAY)
    assert str(raised.value).startswith(expected), str(raised.value)


def test_cli_exit_2_on_a_bad_opsgov_yaml(repo: Repo) -> None:
    root = configured(repo, "colour: red\n")
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 2
    assert (
        "opsgov.yaml:1:9: unknown key 'colour' (allowed: extends, paths, lang, failOn, sourceUrl, horizon, rules)"
        in result.output
    )


def test_cli_reads_levels_and_fail_on_from_the_file_and_flags_win(repo: Repo) -> None:
    unowned = docs(doc("Responsibility", "pricing", "{}", "定价"))
    root = configured(repo, "failOn: warning\nrules: {policy/x: error}\n", **{"ops/duties.yaml": unowned})
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(root), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1  # duty-unowned is a warning, and failOn says warning
    assert [f["rule"] for f in json.loads(result.output)["findings"]] == ["duty-unowned"]
    assert runner.invoke(main, ["check", str(root), "--fail-on", "error"], catch_exceptions=False).exit_code == 0
    root.joinpath("opsgov.yaml").write_text("rules: {duty-unowned: off}\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(root), "--format", "json"], catch_exceptions=False)
    assert json.loads(result.output)["findings"] == []


def test_paths_from_the_file_decide_what_is_read(repo: Repo) -> None:
    files = {"governance/org.yaml": BASE["ops/org.yaml"], "ops/broken.yaml": "a: [\n"}
    root = repo(files, base=False)
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(root)], catch_exceptions=False).exit_code == 1
    (root / "opsgov.yaml").write_text("paths: [governance]\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_the_config_schema_is_draft_2020_12_and_closed() -> None:
    from opsgov.config.project import config_schema

    schema = config_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


# --- opsgov.yaml and its paths: what is not there, not a file, or not inside the repository ---


def outside_folder(root: Path) -> Path:
    """A folder beside the repository, holding a document whose unknown key must never be printed."""
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.yaml").write_text("secretkey: hunter2\n", encoding="utf-8")
    return outside


def config_error(root: Path) -> str:
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "hunter2" not in result.output and "secretkey" not in result.output
    return result.output.strip().removeprefix("opsgov: ")


def test_a_paths_entry_that_does_not_exist_is_a_configuration_error(repo: Repo) -> None:
    root = configured(repo, "paths:\n  - ops\n  - polices\n", **{"policies/p.yaml": "a: [\n"})
    assert config_error(root) == "opsgov.yaml:3:5: paths entry 'polices' does not exist; did you mean 'policies'?"


def test_a_paths_entry_that_is_a_fifo_is_a_configuration_error_and_never_blocks(repo: Repo) -> None:
    root = configured(repo, "paths: [ops, queue.yaml]\n")
    os.mkfifo(root / "queue.yaml")
    assert (
        config_error(root)
        == "opsgov.yaml:1:14: paths entry 'queue.yaml' is a named pipe (FIFO), not a folder or a file"
    )


@pytest.mark.parametrize("entry", ["elsewhere", "elsewhere.yaml", "via/ops"])
def test_a_paths_entry_linking_out_of_the_repository_is_a_configuration_error(repo: Repo, entry: str) -> None:
    root = configured(repo, f"paths: [ops, {entry}]\n")
    outside = outside_folder(root)
    if entry == "elsewhere":
        (root / "elsewhere").symlink_to(outside)
    elif entry == "elsewhere.yaml":
        (root / "elsewhere.yaml").symlink_to(outside / "secret.yaml")
    else:  # a folder on the way is the link
        (outside / "ops").mkdir(exist_ok=True)
        (outside / "ops" / "secret.yaml").write_text("secretkey: hunter2\n", encoding="utf-8")
        (root / "via").symlink_to(outside)
    assert config_error(root) == (
        f"opsgov.yaml:1:14: paths entry '{entry}' is a symbolic link to outside the repository; it is not read"
    )


def test_opsgov_yaml_as_a_folder_is_a_configuration_error(repo: Repo) -> None:
    root = repo({"opsgov.yaml/x.yaml": "paths: [ops]\n"})
    assert config_error(root) == "opsgov.yaml is a folder, not a file"


def test_opsgov_yaml_as_a_fifo_is_a_configuration_error_and_never_blocks(repo: Repo) -> None:
    root = repo({})
    os.mkfifo(root / "opsgov.yaml")
    assert config_error(root) == "opsgov.yaml is a named pipe (FIFO), not a file"


def test_opsgov_yaml_linking_out_of_the_repository_is_not_read(repo: Repo) -> None:
    root = repo({})
    (root / "opsgov.yaml").symlink_to(outside_folder(root) / "secret.yaml")
    assert config_error(root) == "opsgov.yaml is a symbolic link to outside the repository; it is not read"


def test_opsgov_yaml_linking_inside_the_repository_is_read(repo: Repo) -> None:
    root = repo({"config/opsgov.yaml": "failOn: warning\n"})
    (root / "opsgov.yaml").symlink_to(root / "config" / "opsgov.yaml")
    assert load_settings(root, as_of=TODAY).fail_on == "warning"


@pytest.mark.parametrize("text", ["", "# every setting commented out\n# failOn: warning\n"])
def test_an_empty_opsgov_yaml_means_the_defaults(repo: Repo, text: str) -> None:
    settings = load_settings(configured(repo, text), as_of=TODAY)
    assert settings.paths == ("ops", "policies") and settings.fail_on == "error"


def test_default_paths_may_be_missing(repo: Repo) -> None:
    """Without opsgov.yaml nobody named `policies`: a repository without that folder is fine."""
    root = repo({})
    assert not (root / "policies").exists()
    assert CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False).exit_code == 0
