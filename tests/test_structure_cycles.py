"""The plain-dict graph walks of model/structure.py agree with networkx, their oracle: the same
strongly connected components, and the same first cycle from a source (escalation-invalid's
message spells that cycle, so it must not change with the implementation)."""

from __future__ import annotations

import random

import networkx as nx

from opsgov.model.structure import first_cycle, strong_components


def random_graphs(count: int) -> list[dict[str, list[str]]]:
    rng = random.Random(13)
    graphs = []
    for _ in range(count):
        nodes = [f"n{i}" for i in range(rng.randint(1, 9))]
        successors: dict[str, list[str]] = {}
        for _ in range(rng.randint(0, 20)):
            source, target = rng.choice(nodes), rng.choice(nodes)
            if source != target and target not in successors.get(source, []):
                successors.setdefault(source, []).append(target)
        graphs.append(successors)
    return graphs


def as_networkx(successors: dict[str, list[str]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for source, targets in successors.items():
        for target in targets:
            graph.add_edge(source, target)
    return graph


def test_components_and_cycles_agree_with_networkx() -> None:
    cycles = 0
    for successors in random_graphs(2000):
        graph = as_networkx(successors)
        ours = sorted(sorted(c) for c in strong_components(successors) if len(c) > 1)
        theirs = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
        assert ours == theirs, successors
        for component in theirs:
            for source in component:
                expected = nx.find_cycle(graph.subgraph(component), source=source)
                assert first_cycle(successors, source, set(component)) == expected, (successors, source)
                cycles += 1
    assert cycles > 1000


def test_no_cycle_is_an_empty_list() -> None:
    assert first_cycle({"a": ["b"]}, "a", {"a", "b"}) == []
