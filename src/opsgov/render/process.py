"""A process as swimlanes: one lane per unit of the steps' responsible posts, left to right.

A step sits in the lane of its first responsible post's unit; the lane's name heads it in the
first column. Approval steps are hexagons that name their approval matrix; SLAs are printed in
the step. A step with two or more `next` items leads into a decision (a diamond, as in BPMN's
exclusive gateway), and each branch leaves it labelled with its condition (`when`). A filled
start dot in the start step's lane points at the start step, and every end step (no `next`)
leads to an end mark in its own lane. Steps stay in document order.
"""

from __future__ import annotations

from typing import Any

import graphviz

from opsgov.model.entities import Entity, Model, next_items
from opsgov.model.find import find
from opsgov.model.raci import responsible_posts
from opsgov.model.structure import structure_of
from opsgov.render.safe import CJK_FONT, RenderError, label, run_dot, text
from opsgov.render.words import Words, duration, listing, words

MAX_STEPS = 400


def find_process(model: Model, name: str) -> Entity:
    """The process NAME names (name, Process/name or title), by the one resolver of every command."""
    return find(model, name, ("Process",))


def _title(model: Model, key: str | None) -> str:
    entity = model.get(key)
    return entity.title if entity is not None else (key or "")


def process_graph(model: Model, process: Entity) -> graphviz.Digraph:
    w = words()
    steps: list[dict[str, Any]] = process.spec.get("steps") or []
    if len(steps) > MAX_STEPS:
        raise RenderError(f"process {process.name} has {len(steps)} steps, more than {MAX_STEPS} can be drawn")
    structure = structure_of(model)
    ids = {step["id"] for step in steps}
    start = process.spec.get("start") or (steps[0]["id"] if steps else None)
    lanes: dict[str, list[int]] = {}
    for index, step in enumerate(steps):
        posts = responsible_posts(process, index, step)
        unit = structure.unit_of.get(posts[0]) if posts else None
        lanes.setdefault(unit or "", []).append(index)
    graph = graphviz.Digraph("process")
    graph.attr(rankdir="LR", fontname=CJK_FONT, nodesep="0.3", ranksep="0.45", newrank="true", charset="UTF-8")
    graph.attr(label=label(f"<B>{text(process.title)}</B>"), labelloc="t", fontsize="16")
    graph.attr("node", fontname=CJK_FONT, fontsize="11", shape="box", style="rounded,filled", fillcolor="#ffffff")
    graph.attr("edge", fontname=CJK_FONT, fontsize="9", color="#4a6fa5")
    headers: list[str] = []
    for number, (unit, indexes) in enumerate(sorted(lanes.items(), key=lambda item: (item[0] == "", item[0]))):
        lane_title = _title(model, unit) if unit else w.unassigned
        with graph.subgraph(name=f"cluster_lane{number}") as lane:
            lane.attr(label="", style="filled", color="#c9d4e5", fillcolor="#eef3fa" if number % 2 == 0 else "#f8f9fb")
            # The lane's name is a node in the first column, left of every step: edges are routed
            # around nodes, so no arrow can land on it (a cluster label is not avoided by edges).
            header = f"lane{number}"
            headers.append(header)
            lane.node(header, label(f"<B>{text(lane_title)}</B>"), shape="plaintext", style="", fontsize="12")
            lane.node(f"{header}-tail", label="", shape="point", style="invis", width="0")
            if start in ids and any(steps[index]["id"] == start for index in indexes):
                lane.node(
                    "start",
                    label="",
                    shape="circle",
                    style="filled",
                    fillcolor="#2f4f7f",
                    width="0.22",
                    fixedsize="true",
                )
                lane.edge(header, "start", style="invis")
            for index in indexes:
                step = steps[index]
                node = f"step-{step['id']}"
                lane.node(node, _step_label(model, process, index, step, w), **_step_shape(step))
                lane.edge(header, node, style="invis", weight="0")
                lane.edge(node, f"{header}-tail", style="invis", weight="0")
                if len(next_items(step)) >= 2:
                    lane.node(f"gateway-{step['id']}", label="", **GATEWAY)
                if not step.get("next"):
                    lane.node(f"end-{step['id']}", label="", **END)
                    lane.edge(f"end-{step['id']}", f"{header}-tail", style="invis", weight="0")
    # Every lane runs from the header column (rank min) to the last column (rank max), so the
    # lanes are bands of one width, as swimlanes are drawn.
    with graph.subgraph(name="lane_headers") as column:
        column.attr(rank="min")
        for header in headers:
            column.node(header, width=HEADER_WIDTH)
    with graph.subgraph(name="lane_tails") as column:
        column.attr(rank="same")
        for header in headers:
            column.node(f"{header}-tail")
    if start in ids:
        graph.edge("start", f"step-{start}", label=label(text(w.start)))
    for step in steps:
        node = f"step-{step['id']}"
        items = [item for item in next_items(step) if item.step in ids]
        source = node
        if len(next_items(step)) >= 2:
            source = f"gateway-{step['id']}"
            graph.edge(node, source, arrowhead="none" if not items else "normal")
        for item in items:
            attributes = {"label": label(text(item.when))} if item.when else {}
            graph.edge(source, f"step-{item.step}", **attributes)
        if not step.get("next"):
            graph.edge(node, f"end-{step['id']}", label=label(text(w.end)))
    return graph


HEADER_WIDTH = "1.6"
"""Inches, room for eight 12-point CJK characters: every lane name of that length or less, and so
every lane, starts at one left edge (a longer name widens its node; its length never enters the DOT)."""
GATEWAY = {
    "shape": "diamond",
    "style": "filled",
    "fillcolor": "#fff4dc",
    "color": "#b7791f",
    "width": "0.35",
    "height": "0.35",
    "fixedsize": "true",
}
"""A decision: a step with two or more `next` items leads into one, and each branch leaves it with its `when`."""
END = {"shape": "doublecircle", "style": "filled", "fillcolor": "#2f4f7f", "width": "0.18", "fixedsize": "true"}


def _step_shape(step: dict[str, Any]) -> dict[str, str]:
    if step.get("approval"):
        return {"shape": "hexagon", "fillcolor": "#fff4dc", "color": "#b7791f"}
    return {"color": "#4a6fa5"}


def _step_label(model: Model, process: Entity, index: int, step: dict[str, Any], w: Words) -> str:
    rows = [f"<TR><TD><B>{text(step.get('title') or step['id'])}</B></TD></TR>"]
    posts = responsible_posts(process, index, step)
    if posts:
        who = listing().join(_title(model, key) for key in posts)
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#444444">{text(who)}</FONT></TD></TR>')
    if step.get("approval"):
        matrix = process.target(("spec", "steps", index, "approval"))
        name = _title(model, matrix) if matrix else str(step["approval"])
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#8a5a00">{text(w.approval)}: {text(name)}</FONT></TD></TR>')
    if step.get("sla"):
        sla = f"{text(w.sla)} {text(duration(step['sla']))}"
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#666666">{sla}</FONT></TD></TR>')
    return label(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')


def render_process(model: Model, process: Entity, fmt: str) -> bytes:
    return run_dot(process_graph(model, process).source, fmt)
