"""`opsgov graph export`: the governance graph as GraphML or node-link JSON, for other tools.

The written graph is a sorted copy of `build_graph(model)`, so the same repository always gives
byte-identical output (diffable, cacheable). Every edge carries its reference type in a `type`
attribute; GraphML readers (yEd, Gephi, networkx) see plain string and integer attributes only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import networkx as nx

from opsgov import escape
from opsgov.model.entities import Model
from opsgov.model.graph import build_graph

FORMATS = ("graphml", "json")

"""Characters XML 1.0 cannot carry at all, even escaped; a file name could hold one."""


def _plain(value: Any) -> str | int:
    """GraphML knows a handful of scalar types; anything else is written as text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    return "" if value is None else str(value)


def _xml_safe(value: str | int) -> str | int:
    return escape.xml(value) if isinstance(value, str) else value


def _attributes(data: Mapping[str, Any], convert: Callable[[str | int], str | int]) -> dict[str, str | int]:
    return {name: convert(_plain(data[name])) for name in sorted(data)}


def _sorted_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, Any, dict[str, Any]]]:
    edges = graph.edges(keys=True, data=True)
    return sorted(edges, key=lambda e: (e[0], e[1], str(e[2]), str(e[3].get("path", ""))))


def sorted_copy(graph: nx.MultiDiGraph, *, xml: bool = False) -> nx.MultiDiGraph:
    """Nodes and edges in name order with plain attributes; for GraphML, edge keys are unique ids.

    GraphML edge ids must be simple unique ids, while the in-memory graph keys edges by type and
    path; the GraphML copy therefore keys them `e0`, `e1`, ... and keeps the type as an attribute.
    """
    convert: Callable[[str | int], str | int] = _xml_safe if xml else (lambda v: v)
    copy = nx.MultiDiGraph()
    for node in sorted(graph.nodes):
        copy.add_node(node, **_attributes(graph.nodes[node], convert))
    for index, (source, target, key, data) in enumerate(_sorted_edges(graph)):
        attributes = _attributes({"type": key, **data}, convert)
        copy.add_edge(source, target, key=f"e{index}" if xml else key, **attributes)
    return copy


def to_graphml(graph: nx.MultiDiGraph) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(sorted_copy(graph, xml=True), buffer, encoding="utf-8")
    text = buffer.getvalue().decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def _node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    try:
        data: dict[str, Any] = nx.node_link_data(graph, edges="links")
    except TypeError:  # networkx < 3.4 names the argument `link`
        data = nx.node_link_data(graph, link="links")
    return data


def to_json(graph: nx.MultiDiGraph) -> str:
    """networkx node-link JSON (`nx.node_link_graph(data, edges="links")` reads it back)."""
    data = _node_link(sorted_copy(graph))
    return escape.json_dumps(data, sort_keys=True)


def export(model: Model, fmt: str) -> str:
    if fmt == "graphml":
        return to_graphml(build_graph(model))
    if fmt == "json":
        return to_json(build_graph(model))
    raise ValueError(f"unknown graph format {fmt!r}; one of {', '.join(FORMATS)}")
