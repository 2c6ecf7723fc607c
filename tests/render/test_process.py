"""Process swimlanes: DOT golden file, lanes by unit, approvals, SLAs, start and end."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest

from opsgov.config.project import load_settings
from opsgov.model.find import ResolveError
from opsgov.pipeline import load_model
from opsgov.render.process import find_process, process_graph, render_process
from tests.render.fixtures import assert_golden, tiny_model
from tests.util import TODAY, doc


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
    assert '"step-approve" -> "end-approve"' in source
    assert '"step-ask" -> "step-approve"' in source


def test_unknown_process_is_a_clear_error(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    with pytest.raises(ResolveError, match=r"^'nope' names no Process in this repository; the Process names are: buy$"):
        find_process(model, "nope")


def test_a_process_is_found_by_name_kind_and_name_or_title(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    buy = find_process(model, "buy")
    assert find_process(model, "Process/buy") is buy
    assert find_process(model, buy.title) is buy


def test_renders_svg(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    assert b"<svg" in render_process(model, find_process(model, "buy"), "svg")


REPO = Path(__file__).resolve().parents[2]


def _layout(source: str) -> dict[str, Any]:
    """Graphviz's own layout of `source` (positions in points), to measure what a reader sees."""
    dot = shutil.which("dot")
    assert dot is not None
    return cast(
        dict[str, Any],
        json.loads(subprocess.run([dot, "-Tjson"], input=source.encode(), capture_output=True, check=True).stdout),
    )


def _text_boxes(layout: dict[str, Any], texts: set[str]) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of every drawn text in `texts`: in a node, a cluster's label or anywhere else."""
    boxes = []
    for item in [*layout.get("objects", []), *layout.get("edges", [])]:
        for key in ("_ldraw_", "_tldraw_", "_hldraw_", "_draw_"):
            size = 14.0
            for op in item.get(key, []):
                if op["op"] == "F":
                    size = float(op["size"])
                if op["op"] == "T" and op["text"] in texts:
                    x, y, width = float(op["pt"][0]), float(op["pt"][1]), float(op["width"])
                    x0 = {"l": x, "c": x - width / 2, "r": x - width}[op["align"]]
                    boxes.append((op["text"], x0, y - size * 0.25, x0 + width, y + size))
    return boxes


def test_no_arrow_lands_on_a_lane_name() -> None:
    """The example's monthly review once drew the arrow into 黄灯指标改进计划 through the lane name 运营支持组."""
    model = load_model(load_settings(REPO, as_of=TODAY))
    for name in sorted(model.by_kind["Process"]):
        process = find_process(model, name)
        source = process_graph(model, process).source
        lanes = {unit.title for unit in model.entities("Unit")}
        layout = _layout(source)
        boxes = _text_boxes(layout, lanes)
        assert boxes, name
        for edge in layout.get("edges", []):
            points = [p for op in edge.get("_hdraw_", []) + edge.get("_draw_", []) for p in op.get("points", [])]
            for x, y in points:
                for text, x0, y0, x1, y1 in boxes:
                    assert not (x0 - 4 <= x <= x1 + 4 and y0 - 4 <= y <= y1 + 4), (name, text, x, y)


def test_a_step_with_branches_leads_into_a_decision_with_each_condition(tmp_path: Path) -> None:
    branched = doc(
        "Process",
        "triage",
        """
        owner: coo
        steps:
          - id: sort
            title: 分级
            responsible: coo
            next: [{step: small, when: 金额 < 5万}, {step: large, when: 金额 ≥ 5万}]
          - {id: small, title: 直接办理, responsible: coo}
          - {id: large, title: 上报审批, responsible: cfo, next: [done]}
          - {id: done, title: 归档, responsible: cfo}
        """,
        title="分级流程",
    )
    model = tiny_model(tmp_path, {"ops/triage.yaml": branched})
    source = process_graph(model, find_process(model, "triage")).source
    assert re.search(r'"gateway-sort" \[[^\]]*shape=diamond', source)
    assert '"step-sort" -> "gateway-sort"' in source
    assert re.search(r'"gateway-sort" -> "step-small" \[label=<金额 &lt; 5万>', source)
    assert re.search(r'"gateway-sort" -> "step-large" \[label=<金额 ≥ 5万>', source)
    # a single next is a plain arrow, no decision
    assert '"step-large" -> "step-done"' in source and "gateway-large" not in source
    # every end step leads to an end mark in its own lane
    assert '"step-small" -> "end-small"' in source and '"step-done" -> "end-done"' in source
    assert b"<svg" in render_process(model, find_process(model, "triage"), "svg")


def test_a_branch_condition_is_text_never_markup(tmp_path: Path) -> None:
    hostile = '<b>x</b> & "y" \\N'
    branched = doc(
        "Process",
        "gate",
        f"""
        owner: coo
        steps:
          - id: a
            title: 甲
            responsible: coo
            next: [{{step: b, when: '{hostile}'}}, c]
          - {{id: b, title: 乙, responsible: coo}}
          - {{id: c, title: 丙, responsible: coo}}
        """,
    )
    model = tiny_model(tmp_path, {"ops/gate.yaml": branched})
    source = process_graph(model, find_process(model, "gate")).source
    assert '"gateway-a" -> "step-b" [label=<&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot; \\\\N>]' in source
    assert '"gateway-a" -> "step-c"\n' in source  # a plain id: a branch with no condition
    svg = render_process(model, find_process(model, "gate"), "svg").decode()
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot; \\N" in svg
