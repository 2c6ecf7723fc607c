from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from opsgov.cli import main
from tests.util import doc, docs

Repo = Callable[..., Path]

UNOWNED = docs(doc("Responsibility", "pricing", "{}", "定价"), doc("Responsibility", "hiring", "{}", "招聘"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_write_then_check_against_the_baseline_reports_only_new_findings(repo: Repo, tmp_path: Path) -> None:
    root = repo({"ops/duties.yaml": UNOWNED})
    baseline = tmp_path / "baseline.json"
    status, _, err = run("check", str(root), "--write-baseline", str(baseline))
    assert status == 0 and "recorded 2 finding(s)" in err
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["opsgov-baseline"] == 2
    assert [(e["rule"], e["entity"]) for e in data["findings"]] == [
        ("duty-unowned", "Responsibility/hiring"),
        ("duty-unowned", "Responsibility/pricing"),
    ]
    assert all(len(e["fingerprint"]) == 32 for e in data["findings"])

    status, out, err = run("check", str(root), "--fail-on", "warning", "--baseline", str(baseline), "--format", "json")
    assert status == 0 and json.loads(out)["findings"] == []
    assert "2 finding(s) recorded in" in err

    # lines shift above the findings: still recognised; a new duty: reported
    shifted = "# 新增注释\n# another line\n" + UNOWNED + "---\n" + doc("Responsibility", "audit", "{}", "审计")
    (root / "ops" / "duties.yaml").write_text(shifted, encoding="utf-8")
    status, out, _ = run("check", str(root), "--fail-on", "warning", "--baseline", str(baseline), "--format", "json")
    assert status == 1
    assert [f["entity"] for f in json.loads(out)["findings"]] == ["Responsibility/audit"]


def test_a_missing_or_malformed_baseline_is_a_usage_error(repo: Repo, tmp_path: Path) -> None:
    root = repo({})
    status, _, err = run("check", str(root), "--baseline", str(tmp_path / "nope.json"))
    assert status == 2 and "no such file" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"findings": []}', encoding="utf-8")
    status, _, err = run("check", str(root), "--baseline", str(bad))
    assert status == 2 and "not an opsgov baseline" in err
    bad.write_text("{", encoding="utf-8")
    assert run("check", str(root), "--baseline", str(bad))[0] == 2


def test_waived_findings_are_not_recorded(repo: Repo, tmp_path: Path) -> None:
    waiver = doc(
        "Waiver",
        "pricing-later",
        "{rule: duty-unowned, targets: [Responsibility/pricing], reason: 待定, approvedBy: ceo, expires: 2027-01-01}",
    )
    root = repo({"ops/duties.yaml": UNOWNED, "ops/w.yaml": waiver})
    baseline = tmp_path / "b.json"
    run("check", str(root), "--as-of", "2026-11-23", "--write-baseline", str(baseline))
    entities = [e["entity"] for e in json.loads(baseline.read_text(encoding="utf-8"))["findings"]]
    assert entities == ["Responsibility/hiring"]


def test_a_version_1_baseline_is_refused_with_what_to_do(repo: Repo, tmp_path: Path) -> None:
    """Version 1 fingerprints hashed list indexes; matching them now would report every finding as new."""
    root = repo({"ops/duties.yaml": UNOWNED})
    old = tmp_path / "old.json"
    old.write_text('{"opsgov-baseline": 1, "findings": []}', encoding="utf-8")
    status, _, err = run("check", str(root), "--baseline", str(old))
    assert status == 2
    assert "written by an older opsgov (version 1)" in err and "write it again with --write-baseline" in err
