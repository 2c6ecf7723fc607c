"""Parsing in several processes gives exactly the report of parsing in one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opsgov.load import parallel as load_parallel
from opsgov.report.formats import REPORTERS
from tests.util import check_repo, doc, docs


def test_parallel_load_reports_exactly_what_a_serial_load_does(
    repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        f"ops/units/u{i}.yaml": docs(
            doc("Unit", f"u{i}", f"{{type: department, parent: company, head: u{i}-head}}", title=f"部门{i}"),
            doc("Position", f"u{i}-head", f"{{unit: u{i}, reportsTo: {'ceo' if i % 3 else 'coe'}}}"),
        )
        for i in range(12)
    }
    files["ops/broken.yaml"] = "a: [1, 2\n"
    files["ops/strict.yaml"] = "a: 1\na: 2\n"
    root = repo(files)
    render = REPORTERS["json"]().render
    serial = render(check_repo(root, jobs=1))
    monkeypatch.setattr(load_parallel, "PARALLEL_MIN_BYTES", 0)
    calls: list[int] = []
    real = load_parallel._load_parallel

    def spy(*args: object) -> object:
        result = real(*args)
        calls.append(len(result or ()))
        return result

    monkeypatch.setattr(load_parallel, "_load_parallel", spy)
    parallel = check_repo(root, jobs=2)
    assert calls == [15], "the parallel path was not taken"
    assert render(parallel) == serial
    assert '"rule": "dangling-ref"' in serial and '"rule": "yaml-syntax"' in serial


def test_chunks_deal_every_file_once_largest_first(tmp_path: Path) -> None:
    files = []
    for index, size in enumerate([10, 500, 30, 400, 20]):
        path = tmp_path / f"f{index}.yaml"
        path.write_text("x" * size)
        files.append((path, path.name))
    chunks = load_parallel._chunks(files, [path.stat().st_size for path, _ in files], 2)
    dealt = sorted(index for chunk in chunks for index, _, _ in chunk)
    assert dealt == [0, 1, 2, 3, 4]
    assert chunks[0][0][0] == 1
