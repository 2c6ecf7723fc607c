"""The pre-commit hook and the composite GitHub Action that the repository ships."""

from __future__ import annotations

import os
import re
import subprocess
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
    assert {"path", "fail-on", "python-version", "upload-sarif"} <= set(action["inputs"])
    assert action["inputs"]["path"]["default"] == "."
    steps = action["runs"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert 'pip install --quiet -c "$ACTION_PATH/constraints.txt" "$ACTION_PATH"' in scripts
    assert "--format sarif -o" in scripts and "--format markdown" in scripts and "$GITHUB_STEP_SUMMARY" in scripts
    assert 'exit "$STATUS"' in scripts


def test_action_installs_nothing_from_the_system_to_check() -> None:
    """A check needs no Graphviz, fonts or Chromium: no apt, no sudo, only opsgov itself from pip."""
    scripts = "\n".join(step.get("run", "") for step in load("action.yml")["runs"]["steps"])
    for word in ("apt-get", "apt ", "sudo", "graphviz", "fonts-", "chromium", "brew "):
        assert word not in scripts.lower(), word
    assert scripts.count("pip install") == 1


def test_action_pins_third_party_actions_by_commit() -> None:
    """A tag can be moved to other code; a commit cannot. The comment says which release it is."""
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(lines) >= 2
    for line in lines:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


def _check_step() -> dict[str, Any]:
    return next(step for step in load("action.yml")["runs"]["steps"] if step.get("id") == "check")


def _run_check_step(tmp_path: Path, upload_sarif: str) -> tuple[list[str], str]:
    """The check step's script with a stand-in `opsgov` that records its arguments and exits 1."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "opsgov"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_FILE"\nexit 1\n', encoding="utf-8")
    fake.chmod(0o755)
    output = tmp_path / "github-output"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "ARGS_FILE": str(tmp_path / "args"),
        "GITHUB_WORKSPACE": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "OPSGOV_PATH": ".",
        "OPSGOV_FAIL_ON": "warning",
        "OPSGOV_BASE": "origin/main",
        "UPLOAD_SARIF": upload_sarif,
    }
    subprocess.run(["bash", "-e", "-c", _check_step()["run"]], env=env, check=True, cwd=tmp_path)
    args = (tmp_path / "args").read_text(encoding="utf-8").split("\n")[:-1]
    return args, output.read_text(encoding="utf-8")


def test_action_annotates_the_diff_when_sarif_upload_is_off(tmp_path: Path) -> None:
    args, outputs = _run_check_step(tmp_path / "off", "false")
    assert args == ["check", ".", "--fail-on", "warning", "--base", "origin/main", "--format", "github"]
    assert outputs == "exit-code=1\n"
    args, outputs = _run_check_step(tmp_path / "on", "true")
    sarif = str(tmp_path / "on" / "opsgov.sarif")
    assert args == ["check", ".", "--fail-on", "warning", "--base", "origin/main", "--format", "sarif", "-o", sarif]
    assert outputs == "exit-code=1\n"  # the stand-in wrote no SARIF file, so no sarif-file output
    steps = {step.get("name"): step for step in load("action.yml")["runs"]["steps"]}
    # the github format writes the job summary itself: the Markdown step runs only beside SARIF
    assert "inputs.upload-sarif == 'true'" in steps["Markdown summary"]["if"]
    assert "inputs.upload-sarif == 'true'" in steps["Upload SARIF to code scanning"]["if"]


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


def test_ci_docs_show_base_for_pre_commit_and_ci_and_pin_third_party_actions() -> None:
    """Repositories that already have findings: each commit and pull request adds none (`--base`)."""
    snippets = _snippets()
    hooks = [
        hook
        for snippet in snippets
        if isinstance(snippet, dict) and "repos" in snippet
        for repo in snippet["repos"]
        for hook in repo["hooks"]
    ]
    assert any(hook.get("args") == ["--base", "HEAD"] for hook in hooks)
    runs = [run for snippet in snippets for run in _runs(snippet)]
    assert any('--base "origin/$BASE_REF"' in run for run in runs)
    for name in ("docs/ci.md", "README.md"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            match = re.search(r"uses: (\S+)@(\S+)", line)
            if match and not match.group(1).startswith("OWNER/"):
                assert re.fullmatch(r"[0-9a-f]{40}", match.group(2)) and "# v" in line, (name, line)
