"""`check --base REV`: only findings that the change introduces, in real git repositories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from opsgov.cli import main
from opsgov.commands.gitrev import tree_at
from tests.gitutil import commit, git, init, needs_git
from tests.util import doc, docs, write_repo

pytestmark = needs_git

OLD_PROBLEM = doc("Position", "clerk", "{unit: company, reportsTo: nobody}", title="文员")
NEW_PROBLEM = doc("Position", "analyst", "{unit: nowhere, reportsTo: ceo}", title="分析师")
FILLER = doc("Position", "cfo", "{unit: company, reportsTo: ceo}", title="财务总监")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def findings(stdout: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(stdout)["findings"]
    return rows


def test_only_new_findings_are_reported_although_old_ones_moved(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {"ops/posts.yaml": docs(OLD_PROBLEM)})
    commit(root, "old problem")
    # the old problem moves down (a new document above it) and a new problem appears
    write_repo(root, {"ops/posts.yaml": docs(FILLER, OLD_PROBLEM, NEW_PROBLEM)})

    status, out, err = run("check", str(root), "--base", "HEAD", "--format", "json")
    assert status == 1
    assert err == "opsgov: 1 finding(s) also found at HEAD not shown\n"
    (only,) = findings(out)
    assert only["rule"] == "dangling-ref" and only["entity"] == "Position/analyst"
    assert only["file"] == "ops/posts.yaml"

    status, out, _ = run("check", str(root), "--format", "json")
    assert {f["entity"] for f in findings(out)} == {"Position/clerk", "Position/analyst"}


def test_a_change_that_adds_nothing_new_passes(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {"ops/posts.yaml": docs(OLD_PROBLEM)})
    commit(root)
    write_repo(root, {"ops/posts.yaml": docs(FILLER, FILLER.replace("cfo", "coo"), OLD_PROBLEM)})
    status, out, _ = run("check", str(root), "--base", "HEAD")
    assert status == 0
    assert out.endswith("0 errors, 0 warnings, 0 info\n")
    assert run("check", str(root))[0] == 1


def test_base_reads_the_revision_without_touching_the_working_tree(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {"ops/posts.yaml": docs(OLD_PROBLEM)})
    first = commit(root, "first")
    write_repo(root, {"ops/posts.yaml": docs(FILLER)})
    commit(root, "fixed")
    write_repo(
        root, {"ops/posts.yaml": docs(FILLER, NEW_PROBLEM), "ops/untracked.yaml": docs(FILLER.replace("cfo", "x"))}
    )
    before = git(root, "status", "--porcelain"), git(root, "rev-parse", "HEAD"), git(root, "stash", "list")

    status, out, _ = run("check", str(root), "--base", first, "--format", "json")
    assert status == 1
    assert [f["entity"] for f in findings(out)] == ["Position/analyst"]
    assert (git(root, "status", "--porcelain"), git(root, "rev-parse", "HEAD"), git(root, "stash", "list")) == before
    assert "analyst" in (root / "ops/posts.yaml").read_text(encoding="utf-8")


def test_path_may_be_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    top = init(tmp_path / "monorepo")
    (top / "README.md").write_text("other things\n", encoding="utf-8")
    gov = write_repo(top / "governance" / "组织", {"ops/posts.yaml": docs(OLD_PROBLEM)})
    commit(top)
    write_repo(gov, {"ops/posts.yaml": docs(OLD_PROBLEM, NEW_PROBLEM)})
    status, out, _ = run("check", str(gov), "--base", "HEAD", "--format", "json")
    assert status == 1
    assert [f["entity"] for f in findings(out)] == ["Position/analyst"]


def test_a_folder_that_did_not_exist_at_the_base_makes_every_finding_new(tmp_path: Path) -> None:
    top = init(tmp_path / "repo")
    (top / "README.md").write_text("start\n", encoding="utf-8")
    commit(top)
    gov = write_repo(top / "gov", {"ops/posts.yaml": docs(OLD_PROBLEM)})
    status, out, _ = run("check", str(gov), "--base", "HEAD", "--format", "json")
    assert status == 1
    assert [f["entity"] for f in findings(out)] == ["Position/clerk"]


def test_no_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    plain = write_repo(tmp_path / "plain", {})
    status, out, err = run("check", str(plain), "--base", "main")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and "not inside a git repository" in err


def test_unknown_revision_is_a_usage_error(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {})
    commit(root)
    for rev in ("no-such-branch", "--all", "HEAD~5"):
        status, out, err = run("check", str(root), "--base", rev)
        assert out == ""
        assert status == 2, rev
        assert err.count("\n") == 1 and "revision" in err and rev in err


def test_base_works_with_every_format(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {"ops/posts.yaml": docs(OLD_PROBLEM)})
    commit(root)
    write_repo(root, {"ops/posts.yaml": docs(OLD_PROBLEM, NEW_PROBLEM)})
    status, out, _ = run("check", str(root), "--base", "HEAD", "--format", "sarif")
    assert status == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results] == ["Position/analyst"]


def test_only_the_governance_folders_are_read_and_links_cannot_escape(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write_repo(root, {"ops/posts.yaml": docs(OLD_PROBLEM), "assets/logo.txt": "not governance\n"})
    (root / "ops" / "escape.yaml").symlink_to("/etc/hostname")
    (root / "ops" / "up.yaml").symlink_to("../../outside.yaml")
    commit(root)
    with tree_at(root, "HEAD", ("ops", "policies", "opsgov.yaml")) as folder:
        assert (folder / "ops" / "posts.yaml").is_file()
        assert not (folder / "assets").exists()
        assert not (folder / "ops" / "escape.yaml").exists() and not (folder / "ops" / "up.yaml").exists()
        assert sorted(p.name for p in folder.iterdir()) == ["ops"]
    assert not folder.exists()
