"""Process swimlanes: DOT golden file, lanes by unit, approvals, SLAs, start and end."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsgov.render.process import find_process, process_graph, render_process
from opsgov.render.safe import RenderError
from tests.render.fixtures import assert_golden, tiny_model


def test_golden_dot_of_a_tiny_process(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    assert_golden("process.dot", process_graph(model, find_process(model, "buy")).source)


def test_lanes_approval_sla_start_and_end(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    source = process_graph(model, find_process(model, "buy")).source
    lanes = [line for line in source.splitlines() if "subgraph cluster_lane" in line]
    assert len(lanes) == 2
    finance_lane = source.index("<B>财务部</B>")
    ops_lane = source.index("<B>运营部</B>")
    assert finance_lane < source.index('"step-ask"') < ops_lane < source.index('"step-approve"')
    assert "shape=hexagon" in source.split('"step-approve"')[1].split("\n")[0]
    assert "审批: 费用审批" in source  # approval: the matrix title
    assert "时限 2 天" in source  # the SLA `2d`, in the locale
    assert "2d" not in source
    assert 'start -> "step-ask"' in source
    assert '"step-approve" -> end' in source
    assert '"step-ask" -> "step-approve"' in source


def test_unknown_process_is_a_clear_error(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    with pytest.raises(RenderError, match=r"no process named 'nope' \(processes: buy\)"):
        find_process(model, "nope")


def test_a_process_is_found_by_name_kind_and_name_or_title(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    buy = find_process(model, "buy")
    assert find_process(model, "Process/buy") is buy
    assert find_process(model, buy.title) is buy


def test_renders_svg(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    assert b"<svg" in render_process(model, find_process(model, "buy"), "svg")
