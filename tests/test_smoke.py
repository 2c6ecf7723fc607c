from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.util import check_repo, doc, docs, only


def test_minimal_repository_is_clean(repo: Callable[..., Path]) -> None:
    report = check_repo(repo({}))
    assert report.findings == []
    assert report.exit_code("error") == 0


def test_example_organisation_is_clean() -> None:
    root = Path(__file__).resolve().parents[1]
    report = check_repo(root)
    assert [f"{f.file}:{f.line} {f.rule} {f.message}" for f in report.findings] == []


def test_dangling_ref_names_file_line_and_suggestion(repo: Callable[..., Path]) -> None:
    root = repo({"ops/units/ops.yaml": docs(doc("Unit", "ops", "{type: department, parent: compnay}"))})
    [finding] = only(check_repo(root), "dangling-ref")
    assert (finding.file, finding.line, finding.entity) == ("ops/units/ops.yaml", 4, "Unit/ops")
    assert "did you mean 'company'?" in finding.message
