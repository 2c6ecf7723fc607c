"""No command writes over an input, among the governance documents or out of its target folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from opsgov.cli import main

Repo = Callable[..., Path]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def refused(result: Result, text: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"opsgov: refusing to write {text}" in result.output


@pytest.fixture
def root(repo: Repo) -> Path:
    # a hidden file keeps the folder without a document in it (a comment-only file is a finding)
    return repo({"policies/.gitkeep": "", "opsgov.yaml": "failOn: error\n"})


def test_check_output_over_a_document_is_refused_and_the_document_kept(root: Path) -> None:
    org = root / "ops" / "org.yaml"
    before = org.read_bytes()
    refused(run("check", str(root), "-o", str(org)), f"{org}: it is {org}, an input of the check")
    refused(run("check", str(root), "-o", str(root / "opsgov.yaml")), f"{root / 'opsgov.yaml'}: it is ")
    assert org.read_bytes() == before


def test_a_symbolic_link_to_a_document_is_the_document(root: Path) -> None:
    link = root / "report.json"
    link.symlink_to(root / "ops" / "org.yaml")
    refused(run("check", str(root), "-o", str(link)), f"{link}: it is {root / 'ops' / 'org.yaml'}, an input")


def test_nothing_is_written_inside_a_documents_folder(root: Path) -> None:
    report = root / "ops" / "report.json"
    refused(run("check", str(root), "-o", str(report)), f"{report}: it is inside {root / 'ops'}, a folder of")
    assert not report.exists()
    graph = root / "policies" / "graph.graphml"
    refused(run("graph", "export", str(root), "-o", str(graph)), f"{graph}: it is inside {root / 'policies'}")
    chart = root / "ops" / "chart.svg"
    refused(run("render", "orgchart", str(root), "-o", str(chart)), f"{chart}: it is inside")
    refused(run("render", "raci", str(root), "-o", str(root / "ops" / "raci.md")), "")
    refused(run("diff", "HEAD", str(root), "-o", str(root / "ops" / "diff.md")), "")
    assert sorted(p.name for p in (root / "ops").iterdir()) == ["org.yaml"]


def test_outputs_beside_the_documents_are_written(root: Path) -> None:
    result = run("check", str(root), "--format", "json", "-o", str(root / "report.json"))
    assert result.exit_code == 0, result.output
    assert json.loads((root / "report.json").read_text(encoding="utf-8"))["findings"] == []


def test_write_baseline_may_rewrite_its_baseline_but_not_a_document(root: Path) -> None:
    baseline = root / "baseline.json"
    assert run("check", str(root), "--write-baseline", str(baseline)).exit_code == 0
    result = run("check", str(root), "--baseline", str(baseline), "--write-baseline", str(baseline))
    assert result.exit_code == 0, result.output
    refused(run("check", str(root), "--baseline", str(baseline), "-o", str(baseline)), f"{baseline}: it is ")
    org = root / "ops" / "org.yaml"
    refused(run("check", str(root), "--write-baseline", str(org)), f"{org}: it is {org}, an input")


def test_the_handbook_folder_may_not_hold_or_sit_in_the_documents(root: Path) -> None:
    refused(run("handbook", str(root), "-o", str(root)), f"the handbook to {root}: the folder holds")
    site = root / "ops" / "site"
    refused(run("handbook", str(root), "-o", str(site)), f"the handbook to {site}: it is inside {root / 'ops'}")
    assert not site.exists()
    assert (root / "ops" / "org.yaml").is_file()
    assert run("handbook", str(root), "-o", str(root / "site")).exit_code == 0


def test_schema_output_folder_is_guarded(
    root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.chdir(root)
    refused(run("schema", "-o", "ops"), "the schemas to ops: it is inside ops, a folder of governance documents")
    refused(run("schema", "--bundle", "-o", "."), "the schemas to .: the folder holds")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    out = root / "schemas"
    out.mkdir()
    (out / "unit.json").symlink_to(elsewhere / "unit.json")
    refused(
        run("schema", "-o", "schemas"),
        f"schemas/unit.json: schemas/unit.json is a symbolic link to {elsewhere / 'unit.json'}, outside schemas",
    )
    assert list(elsewhere.iterdir()) == []
    assert list(out.iterdir()) == [out / "unit.json"]  # nothing written: every file is checked first


def test_init_does_not_follow_a_symbolic_link_out_of_its_folder(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    target = tmp_path / "starter"
    target.mkdir()
    (target / "ops").symlink_to(outside, target_is_directory=True)
    result = run("init", "--force", str(target))
    refused(result, f"{target / 'ops'}/")
    assert f": {target / 'ops'} is a symbolic link to {outside}, outside {target}\n" in result.output
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["ops"]  # refused before the first file


def test_init_force_does_not_overwrite_governance_documents(repo: Repo) -> None:
    root = repo({})
    org = root / "ops" / "org.yaml"
    before = org.read_bytes()
    refused(run("init", "--force", str(root)), f"the starter to {root}: the folder holds {org}, an input")
    assert org.read_bytes() == before
    assert not (root / "opsgov.yaml").exists()
