"""Finding identity: reordering lists, moving documents between files and reformatting never make a
finding new; changing what it is about does. Checked on examples/broken, which has findings of every
rule family, in-process through the library."""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsgov.cli import main
from opsgov.load.compose import load_text
from opsgov.report.fingerprint import fingerprint, item_path
from opsgov.report.report import Report
from opsgov.rules import REGISTRY
from tests.gitutil import commit, init, needs_git
from tests.util import check_repo, doc, docs, write_repo

BROKEN = Path(__file__).resolve().parent.parent / "examples" / "broken"
SHUFFLED = ("owns", "bands", "holds", "dottedLines")
"""Lists whose order means nothing. `steps` only when the process names its `start` (else the
first step is the start, and moving it is a real change)."""


def prints(report: Report) -> Counter[str]:
    return Counter(fingerprint(f) for f in report.findings)


def prints_by_rule(report: Report) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.rule, Counter())[fingerprint(finding)] += 1
    return found


def _reorder(data: Any, order: random.Random | None) -> None:
    """Shuffle (or, without `order`, reverse) the lists whose order means nothing, in place."""
    spec = data.get("spec") if isinstance(data, dict) else None
    if not isinstance(spec, dict):
        return
    names = [*SHUFFLED, "steps"] if "start" in spec else list(SHUFFLED)
    for name in names:
        items = spec.get(name)
        if isinstance(items, list):
            if order is None:
                items.reverse()
            else:
                order.shuffle(items)


def _read(root: Path) -> tuple[dict[str, str], dict[str, list[list[Any]]]]:
    """Files opsgov refuses at the YAML level (kept as they are), and per folder the other files'
    documents, grouped so that documents whose relative order matters stay together in order:
    every definition of one Kind/name (the first read wins), and every Organization."""
    kept: dict[str, str] = {}
    groups: dict[str, dict[str, list[Any]]] = {}
    for path in sorted(BROKEN.rglob("*.yaml")):
        rel = path.relative_to(BROKEN).as_posix()
        text = path.read_text(encoding="utf-8")
        documents, problems = load_text(text, rel)
        if problems:
            kept[rel] = text
            continue
        folder = rel.split("/", 1)[0]
        for document in documents:
            data = document.data
            metadata = data.get("metadata") if isinstance(data, dict) else None
            name = metadata.get("name") if isinstance(metadata, dict) else None
            kind = data.get("kind") if isinstance(data, dict) else None
            key = "Organization" if kind == "Organization" else f"{kind}/{name}" if name else f"#{len(groups)}{rel}"
            groups.setdefault(folder, {}).setdefault(key, []).append(data)
    return kept, {folder: list(found.values()) for folder, found in groups.items()}


def _dump(document: Any, order: random.Random) -> str:
    text = yaml.safe_dump(
        document,
        allow_unicode=True,
        sort_keys=False,
        indent=order.choice((2, 4)),
        default_flow_style=order.choice((False, None)),
        width=order.choice((60, 1000)),
    )
    noise = order.choice(("", "\n", "# 备注: moved here\n", "\n\n# a comment\n\n"))
    return noise + text


def write_scrambled(root: Path, order: random.Random) -> None:
    """examples/broken with its lists shuffled, documents moved to other files in another order,
    other indentation, flow style, comments and blank lines. Files refused at the YAML level keep
    their name (their findings have no entity) but get lines added above."""
    kept, folders = _read(BROKEN)
    for rel, text in kept.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("# shifted\n\n" * order.randint(0, 3) + text, encoding="utf-8")
    for folder, groups in folders.items():
        order.shuffle(groups)
        files: dict[str, list[str]] = {}
        count = order.randint(1, 6)
        for group in groups:
            name = f"{folder}/part-{order.randrange(count)}-{order.choice('abc')}.yaml"
            for document in group:
                _reorder(document, order)
                files.setdefault(name, []).append(_dump(document, order))
        for rel, texts in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("---\n".join(texts), encoding="utf-8")


@pytest.fixture(scope="module")
def original() -> Report:
    return check_repo(BROKEN)


@settings(  # each example checks a repository several times: a sixth of the profile's budget (conftest)
    max_examples=settings.default.max_examples // 6, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.randoms(use_true_random=False))
def test_every_fingerprint_survives_reordering_moving_and_reformatting(
    original: Report, tmp_path_factory: pytest.TempPathFactory, order: random.Random
) -> None:
    root = tmp_path_factory.mktemp("scrambled")
    write_scrambled(root, order)
    scrambled = check_repo(root)
    assert len(scrambled.findings) == len(original.findings)
    assert prints(scrambled) == prints(original)
    shutil.rmtree(root)


def test_the_scrambler_moves_and_reorders_for_real(tmp_path: Path) -> None:
    """The property above would pass trivially if nothing moved: show that files, lines and lists change."""
    write_scrambled(tmp_path, random.Random(7))
    before = check_repo(BROKEN)
    after = check_repo(tmp_path)
    assert {f.file for f in after.findings} != {f.file for f in before.findings}
    assert sorted((f.rule, f.line) for f in after.findings) != sorted((f.rule, f.line) for f in before.findings)
    assert {f.path for f in after.findings} != {f.path for f in before.findings}


FAMILIES = sorted({rule.family for rule in REGISTRY.values()} - {"engine", "tables"})


def _reversed_copy(root: Path) -> None:
    """Every list reversed, every document in a file of its own, named so that file order is reversed."""
    kept, folders = _read(BROKEN)
    for rel, text in kept.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("\n# moved down\n" + text, encoding="utf-8")
    for folder, groups in folders.items():
        for number, group in enumerate(reversed(groups)):
            for document in group:
                _reorder(document, None)
            target = root / folder / f"{number:03d}-{len(groups) - number}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("---\n".join(yaml.safe_dump(d, allow_unicode=True, indent=4) for d in group), "utf-8")


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_keeps_its_fingerprints_when_lists_reverse_and_documents_move(
    family: str, original: Report, tmp_path: Path
) -> None:
    _reversed_copy(tmp_path)
    moved = prints_by_rule(check_repo(tmp_path))
    before = prints_by_rule(original)
    rules = [r.id for r in REGISTRY.values() if r.family == family and r.id in before]
    assert rules, f"examples/broken has no finding of family {family}"
    for rule_id in rules:
        assert moved.get(rule_id) == before[rule_id], rule_id


# A genuine change makes a new fingerprint.

OVERLAP = {
    "ops/units.yaml": docs(
        doc("Unit", "sales", "{type: department, parent: company, owns: [pricing, budgeting]}", "销售部"),
        doc("Unit", "finance", "{type: department, parent: company, owns: [pricing]}", "财务部"),
        doc("Unit", "legal", "{type: department, parent: company, owns: [audit]}", "法务部"),
    ),
    "ops/duties.yaml": docs(
        doc("Responsibility", "pricing"), doc("Responsibility", "budgeting"), doc("Responsibility", "audit")
    ),
}


def _one(root: Path, rule: str) -> list[str]:
    return sorted(fingerprint(f) for f in check_repo(root).findings if f.rule == rule)


def test_another_owner_of_a_duty_is_a_new_finding_but_its_place_in_owns_is_not(tmp_path: Path) -> None:
    before = _one(write_repo(tmp_path / "a", OVERLAP), "duty-overlap")
    assert len(before) == 1
    moved = {
        **OVERLAP,
        "ops/units.yaml": OVERLAP["ops/units.yaml"].replace("[pricing, budgeting]", "[budgeting, pricing]"),
    }
    assert _one(write_repo(tmp_path / "b", moved), "duty-overlap") == before
    third = {**OVERLAP, "ops/units.yaml": OVERLAP["ops/units.yaml"].replace("owns: [audit]", "owns: [audit, pricing]")}
    assert set(_one(write_repo(tmp_path / "c", third), "duty-overlap")).isdisjoint(before)


MATRIX = """
subject: spend
bands:
  - {below: 100000, approvers: [ceo]}
  - {over: 100000, approvers: [ceo]}
"""


def test_another_band_bound_is_a_new_finding_but_reordered_bands_are_not(tmp_path: Path) -> None:
    before = _one(write_repo(tmp_path / "a", {"ops/m.yaml": doc("ApprovalMatrix", "spend", MATRIX)}), "approval-gap")
    assert len(before) == 1  # exactly 100,000 is uncovered
    swapped = MATRIX.replace("  - {below: 100000, approvers: [ceo]}\n", "") + "  - {below: 100000, approvers: [ceo]}\n"
    assert (
        _one(write_repo(tmp_path / "b", {"ops/m.yaml": doc("ApprovalMatrix", "spend", swapped)}), "approval-gap")
        == before
    )
    other = MATRIX.replace("{over: 100000", "{over: 120000")
    after = _one(write_repo(tmp_path / "c", {"ops/m.yaml": doc("ApprovalMatrix", "spend", other)}), "approval-gap")
    assert len(after) == 1 and after != before


CYCLE = {
    "ops/units.yaml": docs(
        doc("Unit", "ops", "{type: department, parent: ops-data}"),
        doc("Unit", "ops-data", "{type: team, parent: ops}"),
    )
}


def test_a_cycle_is_its_members_as_a_set(tmp_path: Path) -> None:
    before = _one(write_repo(tmp_path / "a", CYCLE), "unit-cycle")
    split = {
        "ops/b.yaml": doc("Unit", "ops", "{type: department, parent: ops-data}"),
        "ops/a.yaml": doc("Unit", "ops-data", "{type: team, parent: ops}"),
    }
    assert _one(write_repo(tmp_path / "b", split), "unit-cycle") == before
    three = {
        "ops/units.yaml": docs(
            doc("Unit", "ops", "{type: department, parent: ops-data}"),
            doc("Unit", "ops-data", "{type: team, parent: ops-bi}"),
            doc("Unit", "ops-bi", "{type: team, parent: ops}"),
        )
    }
    assert _one(write_repo(tmp_path / "c", three), "unit-cycle") != before


def test_a_dangling_reference_is_its_source_and_target(tmp_path: Path) -> None:
    unit = doc("Unit", "sales", "{type: department, parent: company, owns: [pricing, budgetting]}")
    before = _one(
        write_repo(tmp_path / "a", {"ops/u.yaml": unit, "ops/d.yaml": doc("Responsibility", "pricing")}), "dangling-ref"
    )
    assert len(before) == 1
    lines = "# one\n# two\n" + unit.replace("[pricing, budgetting]", "[budgetting, pricing]")
    moved = {"ops/x/u.yaml": lines, "ops/d.yaml": doc("Responsibility", "pricing")}
    assert _one(write_repo(tmp_path / "b", moved), "dangling-ref") == before
    other = {"ops/u.yaml": unit.replace("budgetting", "budgetin"), "ops/d.yaml": doc("Responsibility", "pricing")}
    assert _one(write_repo(tmp_path / "c", other), "dangling-ref") != before


def test_item_path_names_list_items_by_what_they_are() -> None:
    data = {
        "spec": {
            "owns": ["pricing", "budgeting"],
            "steps": [{"id": "draft"}, {"id": "approve"}],
            "bands": [{"upTo": 100000, "approvers": ["cfo"]}, {"over": 100000.0}],
            "excludes": [{"responsibility": "audit", "ownedBy": "legal"}],
        }
    }
    assert item_path(data, ("spec", "owns", 1)) == '$.spec.owns["budgeting"]'
    assert item_path(data, ("spec", "steps", 1, "next")) == '$.spec.steps[id="approve"].next'
    assert item_path(data, ("spec", "bands", 0, "approvers", 0)) == '$.spec.bands[band [0, 100000]].approvers["cfo"]'
    assert item_path(data, ("spec", "bands", 1)) == "$.spec.bands[band (100000, inf)]"
    assert item_path(data, ("spec", "excludes", 0, "ownedBy")) == '$.spec.excludes[responsibility="audit"].ownedBy'
    assert item_path(data, ("spec", "owns", 9)) == "$.spec.owns[?]"


# End to end: --baseline, check --base and diff on two git commits.

OWNS_BEFORE = {
    "ops/units.yaml": docs(
        doc("Unit", "sales", "{type: department, parent: company, owns: [budgeting, budgetting, audit, pricing]}"),
        doc("Unit", "finance", "{type: department, parent: company, owns: [pricing]}"),
    ),
    "ops/duties.yaml": docs(
        doc("Responsibility", "pricing"), doc("Responsibility", "budgeting"), doc("Responsibility", "audit")
    ),
}
SALES_AFTER = "{type: department, parent: company, owns: [pricing, budgeting, budgetting, audit]}"
OWNS_AFTER = {
    # pricing moved to the top of the owns list, finance moved to a file of its own, lines shifted
    "ops/units.yaml": "# 销售部\n\n" + doc("Unit", "sales", SALES_AFTER),
    "ops/more/finance.yaml": doc("Unit", "finance", "{type: department, parent: company, owns: [pricing]}"),
    "ops/duties.yaml": OWNS_BEFORE["ops/duties.yaml"],
}


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _history(root: Path) -> tuple[str, str]:
    init(root)
    write_repo(root, OWNS_BEFORE)
    first = commit(root, "before")
    (root / "ops" / "units.yaml").unlink()
    write_repo(root, OWNS_AFTER)
    second = commit(root, "pricing moved to the top of owns")
    return first, second


def test_baseline_after_reordering_reports_nothing_new(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", OWNS_BEFORE)
    baseline = tmp_path / "baseline.json"
    status, _, err = cli("check", str(root), "--today", "2026-11-23", "--write-baseline", str(baseline))
    assert "recorded 2 finding(s)" in err  # duty-overlap on pricing, dangling-ref budgetting
    (root / "ops" / "units.yaml").unlink()
    write_repo(root, OWNS_AFTER)
    status, out, err = cli("check", str(root), "--today", "2026-11-23", "--baseline", str(baseline), "--format", "json")
    assert status == 0, out
    assert json.loads(out)["findings"] == []
    assert "2 finding(s) recorded in" in err


@needs_git
def test_check_base_and_diff_see_nothing_introduced_or_fixed_when_a_duty_moves_to_the_top(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    first, second = _history(root)
    status, out, _ = cli("check", str(root), "--today", "2026-11-23", "--base", first, "--format", "json")
    assert status == 0 and json.loads(out)["findings"] == []
    status, out, err = cli("diff", first, second, str(root), "--format", "json")
    assert status == 0, err
    assert json.loads(out)["findings"] == {"introduced": [], "fixed": []}
    status, out, _ = cli("--lang", "en", "diff", first, second, str(root))
    assert "#### Findings: 0 introduced, 0 fixed" in out


@needs_git
def test_diff_still_sees_a_genuine_change_of_owners(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    first, _ = _history(root)
    write_repo(
        root, {"ops/more/legal.yaml": doc("Unit", "legal", "{type: department, parent: company, owns: [pricing]}")}
    )
    status, out, err = cli("diff", first, str(root), "--format", "json")
    assert status == 0, err
    findings = json.loads(out)["findings"]
    overlap = [(f["rule"], f["entity"]) for f in findings["introduced"]]
    assert overlap and set(overlap) == {("duty-overlap", "Responsibility/pricing")}
    assert [(f["rule"], f["entity"]) for f in findings["fixed"]] == [("duty-overlap", "Responsibility/pricing")]


def test_a_yaml_strict_finding_inside_a_named_document_follows_the_document_to_another_file(tmp_path: Path) -> None:
    twice = doc("Position", "clerk", "unit: company\nreportsTo: ceo\nunit: company\n")
    before = _one(write_repo(tmp_path / "a", {"ops/posts.yaml": twice}), "yaml-strict")
    assert len(before) == 1  # duplicate key 'unit'
    moved = {"ops/other/x.yaml": "# moved\n\n" + doc("Responsibility", "audit") + "---\n" + twice}
    assert _one(write_repo(tmp_path / "b", moved), "yaml-strict") == before
    elsewhere = {"ops/posts.yaml": twice.replace("clerk", "buyer")}
    assert _one(write_repo(tmp_path / "c", elsewhere), "yaml-strict") != before
