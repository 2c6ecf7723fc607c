"""Packaging hygiene: what the code imports is what pyproject.toml declares."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *(r for extra in extras for r in project["optional-dependencies"][extra])]
    return {_normal(re.match(r"[A-Za-z0-9._-]+", requirement).group()) for requirement in requirements}  # type: ignore[union-attr]


def _imported(folder: Path) -> dict[str, str]:
    """Top-level third-party module -> the first file that imports it."""
    found: dict[str, str] = {}
    for file in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in ("opsgov", "tests"):
                    found.setdefault(top, str(file.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(("folder", "extras"), [("src/opsgov", ()), ("tests", ("test",)), ("benchmarks", ())], ids=str)
def test_every_imported_package_is_declared(folder: str, extras: tuple[str, ...]) -> None:
    """`markupsafe` was imported by the handbook but only installed because jinja2 needs it."""
    distributions = packages_distributions()
    declared = _declared(*extras)
    undeclared = {
        module: where
        for module, where in _imported(ROOT / folder).items()
        if not declared & {_normal(d) for d in distributions.get(module, [module])}
    }
    assert undeclared == {}, "imported but not declared in pyproject.toml"
