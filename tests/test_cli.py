"""The command line through Click's CliRunner: output shapes, options, exit statuses, no tracebacks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from opsgov.cli import main
from opsgov.rules import REGISTRY
from tests.util import doc, docs

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<level>error|warning|info) (?P<rule>\S+) .+$")

BROKEN = {
    # a schema error (with a hint) and a dangling reference, on top of the clean BASE
    "ops/units.yaml": docs(
        doc("Position", "clerk", "{unit: company, reportsTo: ceo, reportTo: ceo}"),
        doc("Position", "sales", "{unit: company, reportsTo: ceo, dottedLines: [cfo]}", title="销售"),
    ),
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def broken(repo: Callable[..., Path]) -> Path:
    return repo(BROKEN)


def test_text_report_lines_hints_and_summary(broken: Path) -> None:
    result = run("--lang", "en", "check", str(broken))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        "ops/units.yaml:4:39: error schema unknown field 'reportTo' in spec",
        "    hint: did you mean 'reportsTo'?",
        "ops/units.yaml:9:53: error dangling-ref dottedLines 'cfo' names no Position; did you mean 'ceo'?",
        "2 files, 5 documents: 2 errors, 0 warnings, 0 info",
    ]
    assert all(LINE.match(line) for line in lines if not line.startswith(" ") and ": error" in line)


def test_text_report_of_a_clean_repository(repo: Callable[..., Path]) -> None:
    result = run("check", str(repo({})))
    assert (result.exit_code, result.output) == (0, "1 file, 3 documents: 0 errors, 0 warnings, 0 info\n")


def test_text_report_shows_related_locations(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": "a: 1\na: 2\n"})
    lines = run("--lang", "en", "check", str(root)).output.splitlines()
    assert lines[:2] == [
        "ops/a.yaml:2:1: error yaml-strict duplicate key 'a' (first at line 1)",
        "    ops/a.yaml:1:1: first defined here",  # at the first key, not its value
    ]


def test_control_characters_never_reach_the_terminal(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": doc("Unit", "sales", '{type: department, parent: "x\\u001b[31m"}')})
    output = run("check", str(root)).output
    assert "\x1b" not in output
    assert "\\x1b[31m" in output


def test_control_characters_in_file_names_never_reach_the_terminal(repo: Callable[..., Path]) -> None:
    root = repo({"ops/evil\x1b[2J.yaml": "a: 1\na: 2\n"})
    output = run("--lang", "en", "check", str(root)).output
    assert "\x1b" not in output
    assert output.splitlines()[:2] == [
        "ops/evil\\x1b[2J.yaml:2:1: error yaml-strict duplicate key 'a' (first at line 1)",
        "    ops/evil\\x1b[2J.yaml:1:1: first defined here",
    ]


def test_json_report_has_the_shape_of_cli_md(broken: Path) -> None:
    result = run("--lang", "en", "check", str(broken), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert list(report) == ["opsgov", "summary", "findings"]
    assert report["opsgov"] == "1"
    assert report["summary"] == {"files": 2, "documents": 5, "error": 2, "warning": 0, "info": 0, "waived": 0}
    first = report["findings"][0]
    assert list(first) == [
        "rule",
        "level",
        "message",
        "file",
        "line",
        "column",
        "entity",
        "path",
        "related",
        "hint",
        "waived",
    ]
    assert first == {
        "rule": "schema",
        "level": "error",
        "message": "unknown field 'reportTo' in spec",
        "file": "ops/units.yaml",
        "line": 4,
        "column": 39,
        "entity": "Position/clerk",
        "path": "$.spec.reportTo",
        "related": [],
        "hint": "did you mean 'reportsTo'?",
        "waived": False,
    }
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in report["findings"]]
    assert keys == sorted(keys)


def test_json_report_related_and_cjk(repo: Callable[..., Path]) -> None:
    root = repo(
        {"ops/a.yaml": docs(doc("Responsibility", "x", title="库存"), doc("Responsibility", "x", title="库存"))}
    )
    result = run("--lang", "en", "check", str(root), "--format", "json", "--select", "duplicate-name")
    [finding] = json.loads(result.output)["findings"]
    assert finding["related"] == [{"file": "ops/a.yaml", "line": 3, "column": 18, "message": "first defined here"}]


def test_json_report_writes_cjk_as_is(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a.yaml": doc("Unit", "sales", "{type: department, parent: 销售部}")})
    result = run("--lang", "en", "check", str(root), "--format", "json", "--select", "schema")
    [finding] = json.loads(result.output)["findings"]
    assert finding["message"].startswith("spec.parent: '销售部' is not a valid reference")
    assert "'销售部'" in result.output and "\\u" not in result.output


def test_json_report_is_byte_identical_across_runs(broken: Path, repo: Callable[..., Path]) -> None:
    repo({"ops/more/z.yaml": "a: [\n", "ops/more/a.yaml": "a: 1\na: 2\n", "ops/b.yaml": "- x\n"})
    first = run("check", str(broken), "--format", "json").output
    second = run("check", str(broken), "--format", "json").output
    assert first == second
    assert len(json.loads(first)["findings"]) == 5


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_levels(repo: Callable[..., Path], fail_on: str, status: int) -> None:
    root = repo({"ops/a.yaml": doc("Responsibility", "nobody-owns-this")})  # duty-unowned: a warning
    result = run("check", str(root), "--fail-on", fail_on, "--select", "duty-unowned")
    assert "warning duty-unowned" in result.output
    assert result.exit_code == status


def test_fail_on_never_with_errors(broken: Path) -> None:
    assert run("check", str(broken), "--fail-on", "never").exit_code == 0


def test_select_and_ignore_take_ids_and_family_prefixes(broken: Path) -> None:
    def rules(*options: str) -> list[str]:
        report = json.loads(run("check", str(broken), "--format", "json", *options).output)
        return [f["rule"] for f in report["findings"]]

    assert rules() == ["schema", "dangling-ref"]
    assert rules("--select", "schema") == ["schema"]
    assert rules("--select", "dangling-") == ["dangling-ref"]
    assert rules("--ignore", "schema") == ["dangling-ref"]
    assert rules("--select", "schema", "--select", "dangling-ref") == ["schema", "dangling-ref"]
    assert rules("--ignore", "dangling-", "--ignore", "schema") == []


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_is_a_one_line_usage_error(broken: Path, option: str) -> None:
    result = run("check", str(broken), option, "dangling-reff")
    assert result.exit_code == 2
    assert result.output == "opsgov: unknown rule 'dangling-reff'; did you mean 'dangling-ref'?\n"
    near_miss = run("check", str(broken), option, "dangling-rfe")
    assert near_miss.output == "opsgov: unknown rule 'dangling-rfe'; did you mean 'dangling-ref'?\n"
    nonsense = run("check", str(broken), option, "bogus-rule")
    assert nonsense.output == "opsgov: unknown rule 'bogus-rule'; `opsgov rules` lists them\n"


def test_output_file_is_written_whole_and_alone(broken: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    target.write_text("old contents")
    result = run("check", str(broken), "--format", "json", "-o", str(target))
    assert result.exit_code == 1
    assert result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["error"] == 2
    assert [p.name for p in out_dir.iterdir()] == ["report.json"]  # no temporary file left behind


def test_output_into_a_missing_folder(broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.txt"
    result = run("check", str(broken), "-o", str(target))
    assert result.exit_code == 2
    assert result.output.startswith(f"opsgov: cannot write {target}")
    assert len(result.output.splitlines()) == 1
    assert not target.parent.exists()


def test_unreadable_file_fails_the_run_whatever_fail_on(repo: Callable[..., Path]) -> None:
    root = repo({})
    (root / "ops" / "gone.yaml").symlink_to(root / "ops" / "nowhere.yaml")
    result = run("--lang", "en", "check", str(root), "--fail-on", "never")
    assert result.exit_code == 1
    assert result.output.startswith("ops/gone.yaml:1:1: error file-unreadable cannot read file: ")


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.output == f"opsgov: {tmp_path / 'nowhere'}: not a folder\n"


def test_repository_without_ops_is_clean_and_empty(tmp_path: Path) -> None:
    result = run("check", str(tmp_path), "--select", "schema")
    assert (result.exit_code, result.output) == (0, "0 files, 0 documents: 0 errors, 0 warnings, 0 info\n")


def test_policies_folder_is_discovered(repo: Callable[..., Path]) -> None:
    root = repo({"policies/bad.yaml": "a: [\n"})
    assert "policies/bad.yaml:1:5: error yaml-syntax" in run("check", str(root)).output


def test_rules_lists_every_rule_with_level_and_description() -> None:
    result = run("rules")
    assert result.exit_code == 0
    *lines, blank, policies = result.output.splitlines()
    assert len(lines) == len(REGISTRY)
    for line, rule in zip(lines, REGISTRY.values(), strict=True):
        assert line.split()[:2] == [rule.id, rule.level]
        assert line.endswith(rule.description)
    assert blank == ""
    assert policies.startswith("policy/<name>") and "Policy documents" in policies
    assert "`opsgov explain Policy/<name>`" in policies


def test_rules_explains_a_policy_finding_id() -> None:
    result = run("rules", "policy/报销-上限")
    assert result.exit_code == 0
    assert result.output.startswith("policy/报销-上限 (policy)\n")
    assert "Policy document '报销-上限'" in result.output and "opsgov explain Policy/报销-上限" in result.output
    assert "unknown rule" not in result.output


def test_rules_prints_the_docs_of_one_rule() -> None:
    result = run("rules", "dangling-ref")
    assert result.exit_code == 0
    assert result.output.startswith("dangling-ref (error, reading)\n\na reference names no entity")
    assert "did you mean 'finance'?" in result.output


def test_rules_with_an_unknown_id() -> None:
    result = run("rules", "nope")
    assert (result.exit_code, result.output) == (2, "opsgov: unknown rule 'nope'; `opsgov rules` lists them\n")


def test_schema_writes_valid_json_schemas(tmp_path: Path) -> None:
    result = run("schema", "-o", str(tmp_path / "schemas"))
    assert result.exit_code == 0
    written = sorted((tmp_path / "schemas").glob("*.json"))
    assert {p.name for p in written} >= {"opsgov.json", "envelope.json", "unit.json", "process.json"}
    for path in written:
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    assert "opsgov.json" not in result.output  # the split files are not what an editor wants
    assert f"opsgov schema --bundle -o {tmp_path / 'schemas'}" in result.output


def test_schema_without_a_folder_lists_them() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert "unit.json" in result.output.splitlines()


def test_schema_bundle_for_editors(tmp_path: Path) -> None:
    printed = run("schema", "--bundle")
    assert printed.exit_code == 0
    bundle = json.loads(printed.output)
    assert bundle["$schema"] == "http://json-schema.org/draft-07/schema#"
    written = run("schema", "--bundle", "-o", str(tmp_path / "editor"))
    assert written.exit_code == 0
    assert json.loads((tmp_path / "editor" / "opsgov.bundle.json").read_text(encoding="utf-8")) == bundle
    assert [p.name for p in (tmp_path / "editor").iterdir()] == ["opsgov.bundle.json"]


def test_schema_into_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = run("schema", "--bundle", "-o", str(tmp_path / "taken" / "sub"))
    assert result.exit_code == 2
    assert result.output.startswith("opsgov: cannot write the schema to ")


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("opsgov, version ")
