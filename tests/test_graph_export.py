"""`opsgov graph export`: the governance graph for other tools, byte-stable, CJK intact."""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner, Result

import opsgov.model.graph as graph_module
from opsgov.cli import main
from opsgov.commands.export import to_graphml
from opsgov.model.entities import Model
from tests.util import check_repo, doc, docs

EXAMPLE = Path(__file__).resolve().parents[1]

TINY = {
    "ops/ops.yaml": docs(
        doc("Unit", "ops", "{type: department, parent: company, head: ops-manager, owns: [duty]}", title="运营部"),
        doc("Position", "ops-manager", "{unit: ops, reportsTo: ceo}", title="运营经理"),
        doc("Responsibility", "duty", title="业务运营统筹"),
        doc(
            "Process",
            "review",
            """
            owner: ops-manager
            steps:
              - {id: collect, title: 数据采集, responsible: ops-manager, next: [meet]}
              - {id: meet, title: 复盘会, responsible: [ops-manager], informed: [ceo]}
            """,
            title="月度复盘",
        ),
    )
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["graph", "export", *args], catch_exceptions=False)


def edges(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, data["type"]) for u, v, data in graph.edges(data=True)}


def test_graphml_holds_every_entity_and_typed_edge_with_chinese_titles(repo: Callable[..., Path]) -> None:
    result = run(str(repo(TINY)))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "运营经理</data>" in result.stdout  # UTF-8, not character references
    graph = nx.read_graphml(io.BytesIO(result.stdout.encode()), force_multigraph=True)
    assert graph.nodes["Position/ops-manager"]["title"] == "运营经理"
    assert graph.nodes["Position/ops-manager"]["line"] == 6  # its apiVersion line
    assert graph.nodes["Process/review#meet"]["kind"] == "Step"
    assert {
        ("Unit/ops", "Unit/company", "parent"),
        ("Unit/ops", "Position/ops-manager", "head"),
        ("Unit/ops", "Responsibility/duty", "owns"),
        ("Position/ops-manager", "Position/ceo", "reportsTo"),
        ("Process/review", "Position/ops-manager", "owner"),
        ("Process/review", "Process/review#collect", "step"),
        ("Process/review#collect", "Process/review#meet", "next"),
        ("Process/review#collect", "Position/ops-manager", "responsible"),
        ("Process/review#meet", "Position/ceo", "informed"),
    } <= edges(graph)


def test_every_edge_of_the_model_graph_has_its_type_and_path(repo: Callable[..., Path]) -> None:
    """explain and export read the graph by edge type: step `next` edges included."""
    report = check_repo(repo(TINY))
    assert report.model is not None
    graph = graph_module.build_graph(report.model)
    untyped = [(u, v, key) for u, v, key, data in graph.edges(keys=True, data=True) if not data.get("type")]
    assert untyped == []
    [(key, data)] = [
        (k, d) for _, _, k, d in graph.edges("Process/review#collect", keys=True, data=True) if d["type"] == "next"
    ]
    assert (key, data["path"]) == ("next $.spec.steps[0].next[0]", "$.spec.steps[0].next[0]")


def test_building_the_graph_pauses_the_collector_and_restores_it(
    repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check_repo(repo(TINY))
    assert report.model is not None
    seen: list[bool] = []
    real = graph_module._build_graph

    def spy(model: Model) -> nx.MultiDiGraph:
        seen.append(gc.isenabled())
        return real(model)

    monkeypatch.setattr(graph_module, "_build_graph", spy)
    try:
        assert gc.isenabled()
        graph_module.build_graph(report.model)
        assert gc.isenabled()
        gc.disable()
        graph_module.build_graph(report.model)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]


def test_json_is_node_link_data_that_networkx_reads_back(repo: Callable[..., Path]) -> None:
    result = run("--format", "json", str(repo(TINY)))
    assert result.exit_code == 0
    assert '"title": "运营经理"' in result.stdout  # ensure_ascii off: readable CJK
    data = json.loads(result.stdout)
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    graph = nx.node_link_graph(data, edges="links")
    assert graph.is_multigraph() and graph.is_directed()
    assert ("Process/review#collect", "Process/review#meet", "next") in edges(graph)
    assert graph.nodes["Unit/ops"]["title"] == "运营部"


@pytest.mark.parametrize("fmt", ["graphml", "json"])
def test_output_is_byte_identical_across_runs_and_o_writes_the_same(fmt: str, tmp_path: Path) -> None:
    first = run("--format", fmt, str(EXAMPLE)).stdout
    second = run("--format", fmt, str(EXAMPLE)).stdout
    assert first == second
    target = tmp_path / f"graph.{fmt}"
    result = run("--format", fmt, "-o", str(target), str(EXAMPLE))
    assert result.exit_code == 0 and result.output == ""
    assert target.read_text(encoding="utf-8") == first


def test_the_example_graph_round_trips_whole() -> None:
    model = check_repo(EXAMPLE).model
    assert model is not None
    exported = nx.read_graphml(io.BytesIO(run(str(EXAMPLE)).stdout.encode()), force_multigraph=True)
    assert exported.number_of_nodes() == graph_module.build_graph(model).number_of_nodes()
    assert exported.number_of_edges() == graph_module.build_graph(model).number_of_edges()
    assert ("Position/ops-manager", "Position/ops-deputy-director", "reportsTo") in edges(exported)


def test_a_broken_repository_exports_what_is_valid_and_says_so(repo: Callable[..., Path]) -> None:
    root = repo({"ops/p.yaml": doc("Position", "clerk", "{unit: company, reportsTo: ceo, bogus: 1}")})
    result = CliRunner().invoke(main, ["graph", "export", "--format", "json", str(root)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "documents that failed validation are not in the graph" in result.stderr
    ids = [n["id"] for n in json.loads(result.stdout)["nodes"]]
    assert "Position/ceo" in ids and "Position/clerk" not in ids


def test_graphml_stays_well_formed_whatever_the_strings_hold() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("Unit/a", title="bad\x01title", file="ops/\x0b.yaml", line=1, flag=True, extra=None)
    graph.add_node("Unit/b", title="b")
    graph.add_edge("Unit/a", "Unit/b", key="parent", path="$.spec.parent")
    graph.add_edge("Unit/a", "Unit/b", key="dottedLine", path="$.spec.dottedLines[0]")
    back = nx.read_graphml(io.BytesIO(to_graphml(graph).encode()), force_multigraph=True)
    assert back.nodes["Unit/a"]["title"] == "bad\\x01title"
    assert (back.nodes["Unit/a"]["flag"], back.nodes["Unit/a"]["extra"]) == ("true", "")
    assert sorted(data["type"] for _, _, data in back.edges(data=True)) == ["dottedLine", "parent"]


def test_export_reads_the_documents_where_opsgov_yaml_says(repo: Callable[..., Path]) -> None:
    from tests.util import BASE

    root = repo({"opsgov.yaml": "paths: [governance]\n", "governance/org.yaml": BASE["ops/org.yaml"]}, base=False)
    result = CliRunner().invoke(main, ["graph", "export", "--format", "json", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Position/ceo" in {node["id"] for node in json.loads(result.output)["nodes"]}
