"""The org chart: DOT golden file, the tree and its options, matrix lines, marks, limits, CJK."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from opsgov.render.orgchart import OrgChartOptions, draw_orgchart, orgchart_graph, orgchart_pages, render_orgchart
from opsgov.render.safe import CJK_FONT, RenderError, draw_dot, run_dot
from tests.render.fixtures import assert_golden, tiny_model
from tests.render.realistic import write
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
    # finance and ops have no units below: they hang one under the other from a bus left of them
    assert '"Unit/company" -> "bus-Unit/company-0-0" [tailport=s]' in lines
    assert '"bus-Unit/company-0-0" -> "bus-Unit/company-0-1"' in lines
    assert '"bus-Unit/company-0-0" -> "Unit/finance" [headport=w]' in lines
    assert '"bus-Unit/company-0-1" -> "Unit/ops" [headport=w]' in lines
    # ops has a dotted line to finance: from ops to finance, arrowed and labelled, not ranking anything
    dotted = [line for line in lines if line.startswith('"Unit/ops" -> "Unit/finance"')]
    assert len(dotted) == 1
    for attribute in ("style=dashed", "constraint=false", "arrowhead=vee", "xlabel=<虚线>"):
        assert attribute in dotted[0]


def test_a_posts_dotted_line_joins_the_two_post_rows_without_changing_ranks(tmp_path: Path) -> None:
    analyst = {"ops/analyst.yaml": doc("Position", "analyst", "{unit: ops, reportsTo: coo, dottedLines: [cfo]}")}
    model = tiny_model(tmp_path, analyst)
    lines = edges(orgchart_graph(model).source)
    # analyst is row p1 of ops (after the head coo); cfo is row p0 of finance: the arrow points at the manager
    dotted = [line for line in lines if line.startswith('"Unit/ops":p1 -> "Unit/finance":p0')]
    assert len(dotted) == 1
    for attribute in ("style=dashed", "constraint=false", "arrowhead=vee", "xlabel=<虚线>"):
        assert attribute in dotted[0]
    # the unit line between the same two units says less, so it is left out
    assert not [line for line in lines if line.startswith('"Unit/ops" -> "Unit/finance"')]
    # only the heads are shown: the analyst's row is not there, so the unit line is drawn again
    heads_only = edges(orgchart_graph(model, OrgChartOptions(positions=False)).source)
    assert [line for line in heads_only if line.startswith('"Unit/ops" -> "Unit/finance"')]
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
    assert "下设 3 个单位未展开" in shallow  # 3 more units below
    with pytest.raises(RenderError, match="--root: 'nowhere' names no Unit in this repository"):
        orgchart_graph(model, OrgChartOptions(root="nowhere"))
    with pytest.raises(
        RenderError, match=r"^--root: 'financ' names no Unit in this repository; did you mean 'finance'\?"
    ):
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


def test_long_lists_of_leaf_units_stack_in_columns(tmp_path: Path) -> None:
    stores = {
        "ops/stores.yaml": docs(*(doc("Unit", f"store-{i:02}", "{type: store, parent: finance}") for i in range(30)))
    }
    source = orgchart_graph(tiny_model(tmp_path, stores)).source
    lines = edges(source)
    buses = sorted({m for line in lines for m in re.findall(r'"bus-Unit/finance-(\d+)-0"', line)})
    assert len(buses) >= 2, buses  # 30 stores: more than one column
    columns = [sum(1 for line in lines if re.match(rf'"bus-Unit/finance-{c}-\d+" -> "Unit/store', line)) for c in buses]
    assert sum(columns) == 30 and max(columns) - min(columns) <= 1  # columns of (nearly) one length
    # every store is on the rank of its bus point: one store per row of the column
    assert source.count("rank=same") >= 30


def test_compact_layout_puts_leaf_units_in_a_panel_keeping_dotted_lines(tmp_path: Path) -> None:
    extra = {
        "ops/teams.yaml": docs(
            doc("Unit", "payables", "{type: team, parent: finance}", title="应付组"),
            doc("Unit", "receivables", "{type: team, parent: finance}", title="应收组"),
            doc("Position", "clerk2", "{unit: receivables, reportsTo: cfo, dottedLines: [coo]}", title="应收会计"),
        )
    }
    model = tiny_model(tmp_path, extra)
    source = orgchart_graph(model, OrgChartOptions(layout="compact")).source
    panel = source.split('subgraph "cluster_Unit/finance-0" {')[1].split("}")[0]
    assert 'style="rounded,filled"' in panel and '"Unit/payables" [label=' in panel
    assert '"Unit/receivables" [label=' in panel
    # one line from the parent into the panel, the units ranked one under the other, no bus
    assert '"Unit/finance" -> "Unit/payables" [headport=n lhead="cluster_Unit/finance-0" tailport=s]' in source
    assert '"Unit/payables" -> "Unit/receivables" [style=invis weight=10]' in source
    assert "bus-" not in source and "compound=true" in source
    # the post in the team keeps its row port for its dotted line
    assert re.search(r'"Unit/receivables":p0 -> "Unit/ops":p0 \[[^\]]*xlabel=<虚线>', source)
    assert b"<svg" in render_orgchart(model, "svg", OrgChartOptions(layout="compact"))
    with pytest.raises(RenderError, match="unknown layout 'spiral'; use one of tree, compact, left-right"):
        orgchart_graph(model, OrgChartOptions(layout="spiral"))


def test_left_right_layout(tmp_path: Path) -> None:
    source = orgchart_graph(tiny_model(tmp_path), OrgChartOptions(layout="left-right")).source
    assert "rankdir=LR" in source
    assert '"Unit/company" -> "Unit/finance" [headport=w tailport=e]' in source


def _svg_size(svg: bytes) -> tuple[float, float]:
    found = re.search(rb'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


@pytest.mark.parametrize(
    ("units", "layout"), [(35, "tree"), (123, "tree"), (271, "tree"), (271, "compact"), (271, "left-right")]
)
def test_a_realistic_organisation_keeps_a_readable_shape(tmp_path: Path, units: int, layout: str) -> None:
    """Issue 16: 271 units once drew a 32,767 x 453 px strip; now the chart stays near a page's shape."""
    report = check_repo(write(units, tmp_path))
    assert report.model is not None and len(report.model.units) == units
    assert [f.rule for f in report.findings] == []
    drawing = draw_orgchart(report.model, "svg", OrgChartOptions(layout=layout))
    width, height = _svg_size(drawing.data)
    assert 1 / 4 <= width / height <= 4, (width, height)
    assert max(width, height) * 96 / 72 < 32767  # a PNG at the default 96 dpi is not scaled down
    assert drawing.warnings == ()


def test_a_chart_scaled_down_by_graphviz_says_so() -> None:
    wide = "digraph { rankdir=LR; " + " -> ".join(f"n{i}" for i in range(500)) + " }"
    drawing = draw_dot(wide, "png")
    [warning] = drawing.warnings
    assert re.search(r"larger than Graphviz's limit of 32,767 pixels a side and was scaled down by 0\.\d\d:", warning)
    assert drawing.data.startswith(b"\x89PNG")
    assert draw_dot(wide, "svg").warnings == ()
    small = draw_dot("digraph { a -> b }", "png", dpi=192)
    assert small.warnings == () and _png_size(small.data)[0] > _png_size(draw_dot("digraph { a -> b }", "png").data)[0]


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_pages_for_printing_an_overview_then_a_page_per_subtree(tmp_path: Path) -> None:
    report = check_repo(write(123, tmp_path))
    assert report.model is not None
    drawing = orgchart_pages(report.model, OrgChartOptions(), "A4")
    reader = PdfReader(io.BytesIO(drawing.data))
    titles = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert titles[0] == "总览: 星河集团"
    # every level-1 unit with units below has a page; the large operations center is split by region
    assert {"研发中心", "运营管理中心", "华东大区", "华南大区"} <= set(titles)
    assert len(reader.pages) == len(titles)
    for page in reader.pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx([595.28, 841.89], abs=0.5)  # A4, either way round
    assert drawing.warnings == ()


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
