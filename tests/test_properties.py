"""Whatever bytes a file holds, opsgov answers with findings and exit status 0 or 1: no traceback, no internal error."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsgov.cli import main
from opsgov.load.compose import load_bytes
from opsgov.load.documents import unpack
from opsgov.load.limits import Limits
from tests.util import check_repo, write_repo

FRAGMENTS = [
    "apiVersion: opsgov/v1\n",
    "kind: Unit\n",
    "kind: Position\n",
    "metadata: {name: a, title: 销售部}\n",
    "spec:\n",
    "spec: {parent: company}\n",
    "  unit: company\n",
    "  owns: [x]\n",
    "---\n",
    "...\n",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    ", ",
    "? ",
    "&a ",
    "*a",
    "*b",
    "!!python/object:os.system ",
    "!include ",
    "<<: ",
    '"',
    "'",
    "\t",
    "  ",
    "\n",
    "#",
    "|\n",
    ">-\n",
    "运营",
    "\u202e",
    "\u200b",
    "\x07",
    "\x00",
    "\ufeff",
    "yes",
    "no",
    "1_000",
    "1e6",
    "-0",
    "9" * 45,
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\\u0000",
]

yamlish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join)

# How many examples: the hypothesis profile in conftest.py (fewer in CI).
PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def check_cli(content: bytes) -> None:
    """Any bytes in a governance file are findings (exit 0 or 1), never a crash: the CLI turns every
    exception into "internal error" and exit 2, so exit 2 here is a failure, not a tolerated outcome."""
    with tempfile.TemporaryDirectory() as folder:
        root = write_repo(Path(folder), {})
        (root / "ops" / "x.yaml").write_bytes(content)
        result = CliRunner().invoke(main, ["check", str(root), "--format", "json"], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "internal error" not in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 2
    assert not any(f["rule"] == "internal-error" for f in report["findings"])


@PROPERTY
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_cli(content: bytes) -> None:
    check_cli(content)


@PROPERTY
@given(yamlish)
def test_random_yaml_never_crashes_the_cli(text: str) -> None:
    check_cli(text.encode("utf-8", "surrogatepass"))


@PROPERTY
@given(yamlish)
def test_check_repo_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_repo(Path(folder), {"ops/x.yaml": ""})
        (root / "ops" / "x.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        report = check_repo(root)
    assert report.files == 2
    assert not any(f.rule == "internal-error" for f in report.findings)
    for finding in report.findings:
        assert finding.line >= 1 and finding.column >= 1


@PROPERTY
@given(yamlish, st.integers(min_value=1, max_value=6))
def test_loader_positions_stay_inside_the_file(text: str, depth: int) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    documents, findings = load_bytes(raw, "x.yaml", Limits(max_depth=depth, max_aliases=3, max_alias_nodes=20))
    lines = len(text.splitlines()) + 2  # YAML breaks lines at \r and \x85 too, as splitlines does
    for finding in findings:
        assert 1 <= finding.line <= lines, finding
    for document in documents:
        for packed in document.locations.values():
            assert 1 <= unpack(packed)[0] <= lines
