"""A process as swimlanes: one lane per unit of the steps' responsible posts, left to right.

A step sits in the lane of its first responsible post's unit. Approval steps are hexagons that
name their approval matrix; SLAs are printed in the step. A filled start dot points at the start
step and every end step (no `next`) leads to the end mark. Steps stay in document order.
"""

from __future__ import annotations

from typing import Any

import graphviz

from opsgov.model import Entity, Model
from opsgov.render.safe import CJK_FONT, RenderError, label, run_dot, text
from opsgov.render.words import duration, words_for

MAX_STEPS = 400


def find_process(model: Model, name: str) -> Entity:
    process = model.find(name, "Process")
    if process is None:
        if name.removeprefix("Process/") in model.known["Process"]:
            raise RenderError(f"process '{name}' is declared but its document is invalid; `opsgov check` says why")
        known = ", ".join(sorted(model.by_kind["Process"])) or "none"
        raise RenderError(f"no process named '{name}' (processes: {known})")
    return process


def responsible_posts(process: Entity, index: int, step: dict[str, Any]) -> list[str]:
    """The resolved responsible positions of a step (one name or a list in the document)."""
    value = step.get("responsible")
    if isinstance(value, list):
        found = (process.target(("spec", "steps", index, "responsible", i)) for i in range(len(value)))
        return [key for key in found if key is not None]
    key = process.target(("spec", "steps", index, "responsible"))
    return [key] if key is not None else []


def _title(model: Model, key: str | None) -> str:
    entity = model.get(key)
    return entity.title if entity is not None else (key or "")


def process_graph(model: Model, process: Entity) -> graphviz.Digraph:
    words = words_for(model)
    steps: list[dict[str, Any]] = process.spec.get("steps") or []
    if len(steps) > MAX_STEPS:
        raise RenderError(f"process {process.name} has {len(steps)} steps, more than {MAX_STEPS} can be drawn")
    structure = model.structure
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
    ids = {step["id"] for step in steps}
    for number, (unit, indexes) in enumerate(sorted(lanes.items(), key=lambda item: (item[0] == "", item[0]))):
        lane_title = _title(model, unit) if unit else words["unassigned"]
        with graph.subgraph(name=f"cluster_lane{number}") as lane:
            lane.attr(label=label(f"<B>{text(lane_title)}</B>"), labeljust="l", style="filled", color="#c9d4e5")
            lane.attr(fillcolor="#eef3fa" if number % 2 == 0 else "#f8f9fb")
            for index in indexes:
                lane.node(
                    f"step-{steps[index]['id']}",
                    _step_label(model, process, index, steps[index], words),
                    **_step_shape(steps[index]),
                )
    graph.node("start", label="", shape="circle", style="filled", fillcolor="#2f4f7f", width="0.22", fixedsize="true")
    graph.node(
        "end", label="", shape="doublecircle", style="filled", fillcolor="#2f4f7f", width="0.18", fixedsize="true"
    )
    start = process.spec.get("start") or (steps[0]["id"] if steps else None)
    if start in ids:
        graph.edge("start", f"step-{start}", label=label(text(words["start"])))
    for step in steps:
        following = [n for n in step.get("next") or () if n in ids]
        for target in following:
            graph.edge(f"step-{step['id']}", f"step-{target}")
        if not step.get("next"):
            graph.edge(f"step-{step['id']}", "end", label=label(text(words["end"])))
    return graph


def _step_shape(step: dict[str, Any]) -> dict[str, str]:
    if step.get("approval"):
        return {"shape": "hexagon", "fillcolor": "#fff4dc", "color": "#b7791f"}
    return {"color": "#4a6fa5"}


def _step_label(model: Model, process: Entity, index: int, step: dict[str, Any], words: dict[str, str]) -> str:
    rows = [f"<TR><TD><B>{text(step.get('title') or step['id'])}</B></TD></TR>"]
    posts = responsible_posts(process, index, step)
    if posts:
        who = "、".join(_title(model, key) for key in posts)
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#444444">{text(who)}</FONT></TD></TR>')
    if step.get("approval"):
        matrix = process.target(("spec", "steps", index, "approval"))
        name = _title(model, matrix) if matrix else str(step["approval"])
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="9" COLOR="#8a5a00">{text(words["approval"])}: {text(name)}</FONT></TD></TR>'
        )
    if step.get("sla"):
        sla = f"{text(words['sla'])} {text(duration(words, step['sla']))}"
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#666666">{sla}</FONT></TD></TR>')
    return label(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')


def render_process(model: Model, process: Entity, fmt: str) -> bytes:
    return run_dot(process_graph(model, process).source, fmt)
