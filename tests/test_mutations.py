"""Mutated valid repositories (issue 12, item 7): whatever a careless edit does to a sound
organisation, the check answers with exit status 0 or 1, no internal error, positions inside
their files and the same bytes on every run, with any `--jobs` and any PYTHONHASHSEED.

Two seeds: a small generated organisation that uses every kind, and the example organisation
of `ops/` and `policies/` (read as data and written back as YAML). Mutations drop, duplicate and
retype fields, put random Unicode in names and titles, point references anywhere and rename
files (spaces, CJK, any Unicode but control characters and `/`).
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsgov.load.compose import load_text
from opsgov.report.formats import REPORTERS
from tests.util import TODAY, check_repo

REPOSITORY = Path(__file__).resolve().parents[1]
Files = dict[str, list[Any]]
"""Relative path -> the documents of that file, as plain data."""

SMALL: Files = {
    "ops/org.yaml": [
        {
            "apiVersion": "opsgov/v1",
            "kind": "Organization",
            "metadata": {"name": "acme", "title": "示例公司"},
            "spec": {"root": "company", "currency": "CNY", "locale": "zh-CN"},
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "Unit",
            "metadata": {"name": "company", "title": "总公司"},
            "spec": {"type": "company", "head": "ceo", "owns": ["budget"]},
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "Unit",
            "metadata": {"name": "sales", "title": "销售部"},
            "spec": {"type": "department", "parent": "company", "head": "sales-head"},
        },
    ],
    "ops/posts.yaml": [
        {
            "apiVersion": "opsgov/v1",
            "kind": "Position",
            "metadata": {"name": "ceo", "title": "总经理"},
            "spec": {"unit": "company"},
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "Position",
            "metadata": {"name": "sales-head", "title": "销售总监"},
            "spec": {"unit": "sales", "reportsTo": "ceo", "headcount": 1},
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "Position",
            "metadata": {"name": "clerk", "title": "销售专员"},
            "spec": {"unit": "sales", "reportsTo": "sales-head", "headcount": 3},
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "Person",
            "metadata": {"name": "zhang-san", "title": "张三"},
            "spec": {"holds": ["ceo", "sales-head"]},
        },
    ],
    "ops/duties.yaml": [
        {
            "apiVersion": "opsgov/v1",
            "kind": "Responsibility",
            "metadata": {"name": "budget", "title": "预算管理"},
            "spec": {},
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "ApprovalMatrix",
            "metadata": {"name": "spend", "title": "费用审批"},
            "spec": {
                "subject": "费用",
                "requesters": ["clerk"],
                "bands": [
                    {"below": 100000, "approvers": ["sales-head"], "mode": "any"},
                    {"from": 100000, "approvers": ["ceo"], "mode": "any"},
                ],
            },
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "Process",
            "metadata": {"name": "buy", "title": "采购"},
            "spec": {
                "owner": "sales-head",
                "steps": [
                    {"id": "ask", "title": "申请", "responsible": ["clerk"], "next": ["ok"], "sla": "1d"},
                    {"id": "ok", "title": "审批", "responsible": ["sales-head"], "approval": "spend"},
                ],
            },
        },
        {
            "apiVersion": "opsgov/v1",
            "kind": "KPI",
            "metadata": {"name": "revenue", "title": "销售额"},
            "spec": {
                "owner": "sales-head",
                "unit": "currency",
                "direction": "higher-is-better",
                "target": 100,
                "thresholds": {"green": 100, "yellow": 80},
                "frequency": "monthly",
                "measures": ["buy"],
            },
        },
    ],
    "policies/span.yaml": [
        {
            "apiVersion": "opsgov/v1",
            "kind": "Policy",
            "metadata": {"name": "span", "title": "管理幅度"},
            "spec": {
                "severity": "warning",
                "match": {"kinds": ["Position"]},
                "validations": [
                    {
                        "expression": "facts.directReports <= 8",
                        "messageExpression": "object.metadata.title + ' has ' + string(facts.directReports)",
                    }
                ],
            },
        }
    ],
}


@cache
def example() -> Files:
    """The example organisation, every document of it (a part would be full of dangling references)."""
    files: Files = {}
    for pattern in ("ops/**/*.yaml", "policies/*.yaml"):
        for path in sorted(REPOSITORY.glob(pattern)):
            documents, _ = load_text(path.read_text("utf-8"), path.name)  # YAML 1.2 as opsgov reads it: `on` is text
            files[path.relative_to(REPOSITORY).as_posix()] = [document.data for document in documents]
    return files


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and list index below `node`, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def parent_of(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.just(10**60),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
    st.lists(st.text(max_size=6), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(0, 9), max_size=2),
)
"""What a retyped field becomes: anything YAML can say, including a number too long to read."""

FILE_NAMES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/\\"),
    min_size=1,
    max_size=16,
).filter(lambda name: not name.startswith(".") and len(name.encode("utf-8")) < 200)
"""Spaces, CJK, any Unicode but control characters (which the loader refuses in names anyway) and `/`."""


@st.composite
def mutated(draw: st.DrawFn, seed: Files) -> Files:
    files = copy.deepcopy(seed)
    names = sorted({d["metadata"]["name"] for docs in seed.values() for d in docs if isinstance(d, dict)})
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        rel = draw(st.sampled_from(sorted(files)))
        documents = files[rel]
        operation = draw(st.sampled_from(["drop", "duplicate", "retype", "envelope", "unicode", "reference", "rename"]))
        if operation == "rename":
            new = f"{rel.split('/')[0]}/{draw(FILE_NAMES)}.yaml"
            if new not in files:
                files[new] = files.pop(rel)
            continue
        if not documents:
            continue
        index = draw(st.integers(min_value=0, max_value=len(documents) - 1))
        document = documents[index]
        every = list(paths(document))
        if operation == "envelope":  # apiVersion, kind, metadata or spec as a wrong type
            if isinstance(document, dict):
                document[draw(st.sampled_from(["apiVersion", "kind", "metadata", "spec"]))] = draw(VALUES)
            continue
        if operation == "unicode":
            field = draw(st.sampled_from(["name", "title"]))
            if isinstance(document.get("metadata"), dict):
                document["metadata"][field] = draw(st.text(max_size=20))
            continue
        if operation == "reference":
            texts = [p for p in every if p[:1] == ("spec",) and isinstance(parent_of(document, p)[p[-1]], str)]
            if texts:
                path = draw(st.sampled_from(texts))
                parent_of(document, path)[path[-1]] = draw(st.sampled_from(names) | st.text(max_size=8))
            continue
        if not every:
            continue
        path = draw(st.sampled_from(every))
        parent = parent_of(document, path)
        if operation == "drop":
            del parent[path[-1]]
        elif operation == "retype":
            parent[path[-1]] = draw(VALUES)
        elif isinstance(parent, list):  # duplicate a list item
            parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
        else:  # duplicate the document: the same name twice
            documents.append(copy.deepcopy(document))
    return files


def write(root: Path, files: Files) -> None:
    for rel, documents in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False) if documents else ""
        path.write_text(text, encoding="utf-8")


_BREAK = re.compile(r"\r\n|\r|\n")


def assert_inside(root: Path, file: str, line: int, column: int) -> None:
    """Line at most the number of lines, column at most the line's length + 1 (code points)."""
    path = root / file
    assert line >= 1 and column >= 1, (file, line, column)
    if not path.is_file():  # the repository itself (`.`): a finding about no file in particular
        assert (line, column) == (1, 1), (file, line, column)
        return
    lines = _BREAK.split(path.read_text(encoding="utf-8"))
    assert line <= len(lines), (file, line, column, len(lines))
    assert column <= len(lines[line - 1]) + 1, (file, line, column, lines[line - 1])


def check_mutation(files: Files) -> None:
    render = REPORTERS["json"]().render
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root, files)
        report = check_repo(root, as_of=TODAY)
        assert [f for f in report.findings if f.rule == "internal-error"] == []
        assert report.exit_code("error") in (0, 1)
        for finding in report.findings:
            assert_inside(root, finding.file, finding.line, finding.column)
            for related in finding.related:
                assert_inside(root, related.file, related.line, related.column)
        first = render(report)
        assert render(check_repo(root, as_of=TODAY)) == first


SMALL_RUNS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLE_RUNS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Bounded so the suite adds about 20 s on 2 cores; a long local run: --hypothesis-seed and more examples."""


@SMALL_RUNS
@given(mutated(SMALL))
def test_a_mutated_small_organisation_checks_cleanly(files: Files) -> None:
    check_mutation(files)


@EXAMPLE_RUNS
@given(st.data())
def test_a_mutated_example_organisation_checks_cleanly(data: st.DataObject) -> None:
    check_mutation(data.draw(mutated(example())))


def test_the_seeds_are_sound() -> None:
    """A mutation suite is only as good as its seed: unmutated, both check without an error."""
    for seed in (SMALL, example()):
        with tempfile.TemporaryDirectory() as folder:
            write(Path(folder), seed)
            report = check_repo(Path(folder), as_of=TODAY)
        assert [f for f in report.findings if f.level == "error"] == []


PARALLEL_PAD = "# padding\n" * 220_000
"""2.2 MB of comments: over load/parallel.PARALLEL_MIN_BYTES, so `--jobs 2` really parses in two processes."""


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(SMALL))
def test_reports_are_byte_identical_across_jobs_and_hash_seeds(files: Files) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root, files)
        (root / "ops" / "padding.yaml").write_text(PARALLEL_PAD + "a: 1\n", encoding="utf-8")
        outputs = set()
        for jobs, seed in (("1", "1"), ("2", "1"), ("2", "2")):
            command = ["check", str(root), "--format", "json", "--jobs", jobs, "--today", TODAY.isoformat()]
            run = subprocess.run(
                [sys.executable, "-m", "opsgov", *command],
                capture_output=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
                timeout=120,
                check=False,
            )
            assert run.returncode in (0, 1), run.stderr
            outputs.add(run.stdout)
        assert len(outputs) == 1


@pytest.mark.parametrize("name", ["a b.yaml", "财务 共享.yaml", "ü\u00a0ß\u2003x.yaml"])
def test_renamed_files_report_their_own_name(tmp_path: Path, name: str) -> None:
    files = copy.deepcopy(SMALL)
    files[f"ops/{name}"] = files.pop("ops/posts.yaml")
    files[f"ops/{name}"][0]["spec"]["unit"] = "nowhere"
    write(tmp_path, files)
    report = check_repo(tmp_path, as_of=TODAY)
    [finding] = [f for f in report.findings if f.rule == "dangling-ref"]
    assert (finding.file, finding.line, finding.column) == (f"ops/{name}", 7, 9)


def test_a_file_cut_short_keeps_its_positions_inside(tmp_path: Path) -> None:
    """A careless edit: the file ends inside a flow collection, without a final newline."""
    files = copy.deepcopy(SMALL)
    files["ops/cut.yaml"] = []
    write(tmp_path, files)
    (tmp_path / "ops" / "cut.yaml").write_text(
        "apiVersion: opsgov/v1\nkind: Unit\nmetadata: {name: x, title: x}\nspec: {parent: [", encoding="utf-8"
    )
    report = check_repo(tmp_path, as_of=TODAY)
    cut = [f for f in report.findings if f.file == "ops/cut.yaml"]
    assert "yaml-syntax" in {f.rule for f in cut}
    for finding in cut:
        assert_inside(tmp_path, finding.file, finding.line, finding.column)
