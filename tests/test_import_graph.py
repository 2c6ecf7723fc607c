"""The modules of src/opsgov import each other forward only: no cycle, imports inside
functions included.

Every ``import`` and ``from ... import`` anywhere in a module (top level, function
bodies, class bodies) is an edge, except those under ``if TYPE_CHECKING:``, which never
run. A package's ``__init__`` is not implicitly imported by its children in this graph:
only an explicit ``import opsgov`` or ``from opsgov import name`` makes an edge to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import opsgov

ROOT = Path(opsgov.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(tree: ast.AST, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """The opsgov modules one module imports, wherever the import statement stands."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from pkg import sub` imports the submodule when there is one.
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


def import_graph() -> nx.DiGraph:
    paths = {module_name(p): p for p in ROOT.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(paths)
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in imported(tree, name, path.name == "__init__.py", set(paths)):
            graph.add_edge(name, target)
    return graph


def test_the_graph_sees_function_level_imports() -> None:
    tree = ast.parse("def f():\n    from .structure import Structure\n")
    modules = {"opsgov.model.entities", "opsgov.model.structure"}
    assert imported(tree, "opsgov.model.entities", False, modules) == {"opsgov.model.structure"}


def test_the_graph_skips_type_checking_imports() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from opsgov import pipeline\n"
    assert imported(ast.parse(source), "opsgov.cli", False, {"opsgov.pipeline"}) == set()


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert graph.number_of_edges() > 50
    cycles = [" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph, length_bound=6)]
    assert cycles == []
