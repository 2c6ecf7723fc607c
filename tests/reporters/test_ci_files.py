"""The pre-commit hook and the composite GitHub Action that the repository ships."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_pre_commit_hook() -> None:
    (hook,) = load(".pre-commit-hooks.yaml")
    assert hook["id"] == "opsgov-check"
    assert hook["entry"] == "opsgov check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("ops/units/销售.yaml") and files.search("policies/p.yml")
    assert not files.search("README.md") and not files.search("ops/x.yaml.bak")


def test_action_is_composite_and_wires_check_sarif_and_summary() -> None:
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"path", "fail-on", "python-version"} <= set(action["inputs"])
    assert action["inputs"]["path"]["default"] == "."
    steps = action["runs"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert "github/codeql-action/upload-sarif@v3" in uses
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "graphviz" in scripts and "fonts-noto-cjk" in scripts
    assert 'pip install --quiet -c "$ACTION_PATH/constraints.txt" "$ACTION_PATH"' in scripts
    assert "--format sarif -o" in scripts and "--format markdown" in scripts and "$GITHUB_STEP_SUMMARY" in scripts
    assert 'exit "$STATUS"' in scripts


def test_action_scripts_never_interpolate_inputs() -> None:
    """`${{ inputs.x }}` inside `run:` is script injection; inputs reach scripts through `env:` only."""
    for step in load("action.yml")["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def _snippets() -> list[Any]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]


def _runs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["run"]] if isinstance(node.get("run"), str) else []
        return found + [r for value in node.values() for r in _runs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _runs(item)]
    return []


def test_ci_snippets_are_valid_yaml_with_marked_placeholders_and_no_injection() -> None:
    snippets = _snippets()
    assert len(snippets) >= 5
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    # opsgov is installed from its repository, never by a bare name a package index may give to someone else
    assert not re.search(r"pip install opsgov\b", text)
    assert "uses: OWNER/opsgov@v0.1.0   # placeholder" in text
    assert "repo: https://github.com/OWNER/opsgov   # placeholder" in text
    runs = [run for snippet in snippets for run in _runs(snippet)]
    assert any("--base" in run for run in runs)
    for run in runs:
        assert "${{" not in run, run  # values reach scripts through env:
    gitlab = next(s for s in snippets if isinstance(s, dict) and "opsgov" in s and "script" in s["opsgov"])
    script = gitlab["opsgov"]["script"]
    assert any("git fetch" in line and "CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in line for line in script)
