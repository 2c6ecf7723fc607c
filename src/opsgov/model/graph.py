"""The networkx graph of every entity, process step and reference, with a typed edge each.

Built only for `opsgov graph export` (what it writes) and `opsgov explain` (who points at an
entity); the rules read the typed indexes of `opsgov.model.structure` instead, which cost a
fraction of it.
"""

from __future__ import annotations

import networkx as nx

from opsgov import collector
from opsgov.load.documents import Path, json_path
from opsgov.model.entities import Entity, Model, next_items


def step_node(process: Entity | str, step_id: str) -> str:
    """Graph node of a process step: `Process/name#step-id`."""
    key = process if isinstance(process, str) else process.key
    return f"{key}#{step_id}"


def _edge(source: str, target: str, edge_type: str, path: Path) -> tuple[str, str, str, dict[str, str]]:
    where = json_path(path)
    return source, target, f"{edge_type} {where}", {"type": edge_type, "path": where}


def build_graph(model: Model) -> nx.MultiDiGraph:
    """The graph, with the garbage collector paused: it is built after `check` (for explain and
    export), when the model's millions of objects make every collection pass expensive, and it
    creates no cycles worth collecting (measured: 1.2 s with the collector, 0.45 s without, for
    20,000 positions)."""
    with collector.paused():
        return _build_graph(model)


def _build_graph(model: Model) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    add_node = graph.add_node
    for entity in model:
        add_node(
            entity.key,
            kind=entity.kind,
            name=entity.name,
            title=entity.title,
            file=entity.doc.file,
            line=entity.doc.line,
        )
    edges: list[tuple[str, str, str, dict[str, str]]] = []
    # An edge's key is its type and path, so two references of one type between the same pair
    # (a post approving two bands of a matrix) stay two edges.
    for process in model.entities("Process"):
        steps = process.spec.get("steps", [])
        for index, step in enumerate(steps):
            node = step_node(process, step["id"])
            add_node(
                node,
                kind="Step",
                name=step["id"],
                title=step.get("title", ""),
                file=process.doc.file,
                line=process.doc.where(("spec", "steps", index))[0],
            )
            edges.append(_edge(process.key, node, "step", ("spec", "steps", index)))
        ids = {step["id"] for step in steps}
        for index, step in enumerate(steps):
            for item in next_items(step):
                if item.step in ids:
                    source, target = step_node(process, step["id"]), step_node(process, item.step)
                    edges.append(_edge(source, target, "next", ("spec", "steps", index, *item.path)))
    for entity in model:
        steps = entity.spec.get("steps") if entity.kind == "Process" else None
        for path, ref in entity.refs.items():
            source = entity.key
            if steps is not None and len(path) > 2 and path[1] == "steps":
                source = step_node(entity, steps[path[2]]["id"])
            edges.append(_edge(source, ref.target, ref.edge, path))
    add_edge = graph.add_edge  # per edge, not add_edges_from: that looks each edge up again after adding it
    for source, target, key, data in edges:
        add_edge(source, target, key, **data)
    return graph
