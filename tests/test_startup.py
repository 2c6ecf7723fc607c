"""Each command imports only what it uses: `opsgov --version` is as quick as Click allows, and a
check never loads the renderers, networkx, Jinja, Graphviz or the Python schema validator.

What is imported is behaviour, asserted here; how long it takes is measured by
benchmarks/startup.py (benchmarks/results.md), never by a timed test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from opsgov import cli

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("networkx", "jinja2", "jsonschema", "referencing", "graphviz", "pypdf", "prompt_toolkit", "rich")
"""Never needed by `--version`, `rules` or a check of a valid repository (cel.cli pulls in the last two)."""

PROBE = """
import json, sys
sys.argv = ["opsgov", *sys.argv[1:]]
from opsgov.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""


def _modules(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_version_imports_click_and_nothing_of_the_library() -> None:
    modules = _modules("--version")
    assert {name for name in modules if name.startswith("opsgov")} == {
        "opsgov",
        "opsgov.cli",
        "opsgov.escape",
        "opsgov.load",
    }
    assert not _top(modules) & {*HEAVY, "yaml", "cel", "jsonschema_rs"}


@pytest.mark.parametrize(
    "args", [("rules",), ("check", str(ROOT), "--today", "2026-11-27", "--format", "json", "--jobs", "1")]
)
def test_rules_and_check_leave_the_heavy_libraries_alone(args: tuple[str, ...]) -> None:
    modules = _modules(*args)
    assert "opsgov.render" not in modules
    assert not _top(modules) & set(HEAVY)
    if args[0] == "check":
        assert "cel" in modules, "the example has policies: the probe did run the check"


def test_the_choices_named_in_the_cli_are_their_owners() -> None:
    from opsgov.load.schema import BUNDLE_NAME
    from opsgov.render.safe import DOT_FORMATS
    from opsgov.render.table import TABLE_FORMATS
    from opsgov.report.formats import REPORTERS
    from opsgov.terminal import COLOR_MODES

    assert tuple(sorted(REPORTERS)) == cli.REPORT_FORMATS
    assert cli.DIAGRAM_FORMATS == DOT_FORMATS
    assert cli.TABLE_FORMATS == TABLE_FORMATS
    assert cli.BUNDLE_NAME == BUNDLE_NAME
    assert cli.COLOR_MODES == COLOR_MODES
