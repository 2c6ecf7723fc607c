"""The org chart: DOT golden file, the tree and its options, matrix lines, marks, limits, CJK."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from opsgov.render.orgchart import OrgChartOptions, orgchart_graph, render_orgchart
from opsgov.render.safe import CJK_FONT, RenderError, run_dot
from tests.render.fixtures import assert_golden, tiny_model
from tests.util import check_repo, doc, docs, write_repo


def edges(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if "->" in line]


def test_golden_dot_of_a_tiny_org(tmp_path: Path) -> None:
    source = orgchart_graph(tiny_model(tmp_path), OrgChartOptions(people=True)).source
    assert_golden("orgchart.dot", source)


def test_tree_top_down_and_dotted_line_does_not_change_ranks(tmp_path: Path) -> None:
    source = orgchart_graph(tiny_model(tmp_path)).source
    assert "rankdir=TB" in source
    lines = edges(source)
    assert '"Unit/company" -> "Unit/finance" [headport=n tailport=s]' in lines
    assert '"Unit/company" -> "Unit/ops" [headport=n tailport=s]' in lines
    dotted = [line for line in lines if line.startswith('"Unit/finance" -> "Unit/ops"')]
    assert len(dotted) == 1
    assert "style=dashed" in dotted[0] and "constraint=false" in dotted[0]


def test_a_posts_dotted_line_joins_the_two_post_rows_without_changing_ranks(tmp_path: Path) -> None:
    analyst = {"ops/analyst.yaml": doc("Position", "analyst", "{unit: ops, reportsTo: coo, dottedLines: [cfo]}")}
    model = tiny_model(tmp_path, analyst)
    lines = edges(orgchart_graph(model).source)
    # cfo is row p0 of finance; analyst is row p1 of ops (after the head coo)
    dotted = [line for line in lines if line.startswith('"Unit/finance":p0 -> "Unit/ops":p1')]
    assert len(dotted) == 1 and "style=dashed" in dotted[0] and "constraint=false" in dotted[0]
    # the unit line between the same two units says less, so it is left out
    assert not [line for line in lines if line.startswith('"Unit/finance" -> "Unit/ops"')]
    # only the heads are shown: the analyst's row is not there, so the unit line is drawn again
    heads_only = edges(orgchart_graph(model, OrgChartOptions(positions=False)).source)
    assert [line for line in heads_only if line.startswith('"Unit/finance" -> "Unit/ops"')]
    assert not [line for line in heads_only if ":p" in line]
    assert b"<svg" in render_orgchart(model, "svg")


def test_the_legend_explains_lines_and_marks(tmp_path: Path) -> None:
    source = orgchart_graph(tiny_model(tmp_path)).source
    for words in ("直线汇报", "虚线（矩阵）汇报", "★ 负责人", "[空缺]", "[冻结]"):
        assert words in source
    assert "splines=polyline" in source  # straight segments: curved edges from a wide unit cross each other


def test_vacant_and_frozen_posts_are_marked(tmp_path: Path) -> None:
    source = orgchart_graph(tiny_model(tmp_path)).source
    assert re.search(r"<B>★ 运营总监 · \[空缺\]</B>", source)  # zh-CN locale: 空缺 = vacant
    assert re.search(r"<I>出纳 · \[冻结\]</I>", source)  # 冻结 = frozen
    assert "财务总监 · 编制 2</TD>" in source  # held, so neither mark


def test_people_names_holders_only_when_asked(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    assert "张三" not in orgchart_graph(model).source
    assert "张三" in orgchart_graph(model, OrgChartOptions(people=True)).source


def test_no_positions_shows_the_head_only(tmp_path: Path) -> None:
    source = orgchart_graph(tiny_model(tmp_path), OrgChartOptions(positions=False)).source
    assert "财务总监" in source and "出纳" not in source


def test_root_and_depth(tmp_path: Path) -> None:
    extra = {"ops/team.yaml": doc("Unit", "payables", "{type: team, parent: finance}", title="应付组")}
    model = tiny_model(tmp_path, extra)
    rooted = orgchart_graph(model, OrgChartOptions(root="finance")).source
    assert '"Unit/payables"' in rooted and '"Unit/company"' not in rooted and '"Unit/ops"' not in rooted
    shallow = orgchart_graph(model, OrgChartOptions(depth=0)).source
    assert '"Unit/finance"' not in shallow
    assert "下设 3 个单元未展开" in shallow  # 3 more units below
    with pytest.raises(RenderError, match="--root: no unit 'nowhere'"):
        orgchart_graph(model, OrgChartOptions(root="nowhere"))
    with pytest.raises(RenderError, match=r"^--root: no unit 'financ'; did you mean 'finance'\?$"):
        orgchart_graph(model, OrgChartOptions(root="financ"))


def test_without_organization_all_top_level_units_are_drawn(tmp_path: Path) -> None:
    files = {
        "ops/units.yaml": docs(
            doc("Unit", "alpha", "{type: company}"),
            doc("Unit", "beta", "{type: company}"),
            doc("Unit", "gamma", "{type: team, parent: beta}"),
        )
    }
    report = check_repo(write_repo(tmp_path, files, base=False))
    assert report.model is not None
    source = orgchart_graph(report.model).source
    assert all(f'"Unit/{name}" [label=' in source for name in ("alpha", "beta", "gamma"))


def test_wide_levels_are_staggered(tmp_path: Path) -> None:
    stores = {"ops/stores.yaml": docs(*(doc("Unit", f"store-{i}", "{type: store, parent: company}") for i in range(8)))}
    source = orgchart_graph(tiny_model(tmp_path, stores)).source
    assert source.count("minlen=2") == 5  # 10 leaf children, every second one a row lower


def test_huge_org_is_refused_quickly_with_advice(tmp_path: Path) -> None:
    many = {"ops/many.yaml": docs(*(doc("Unit", f"u{i}", "{type: team, parent: company}") for i in range(1000)))}
    model = tiny_model(tmp_path, many)
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"1003 units.*--root UNIT and/or --depth N"):
        render_orgchart(model, "svg")
    assert time.monotonic() - started < 5
    assert b"<svg" in render_orgchart(model, "svg", OrgChartOptions(depth=0))


def test_dot_timeout_and_output_cap_end_with_a_clear_error() -> None:
    source = "digraph { " + " ".join(f"n{i} -> n{i + 1};" for i in range(3000)) + " }"
    with pytest.raises(RenderError, match="did not finish within"):
        run_dot(source, "svg", timeout=0.001)
    with pytest.raises(RenderError, match="exceeds"):
        run_dot("digraph { a -> b }", "svg", max_bytes=100)


def test_cjk_font_is_named_and_formats_render(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    svg = render_orgchart(model, "svg").decode("utf-8")
    assert f'font-family="{CJK_FONT}' in svg and "财务部" in svg
    assert render_orgchart(model, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render_orgchart(model, "pdf").startswith(b"%PDF")
    assert render_orgchart(model, "dot").startswith(b"digraph")
