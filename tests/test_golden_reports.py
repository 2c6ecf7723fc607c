"""The JSON reports of examples/broken and of this repository's own organisation are
byte-for-byte what they were when tests/golden/ was written: a refactoring that changes one
finding, one message or one position fails here. Regenerate deliberately, with the command in
each case's comment, only when a behaviour change is intended."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize(
    ("target", "golden"),
    [
        # opsgov check --format json --today 2026-11-27 examples/broken > tests/golden/check-broken.json
        (ROOT / "examples" / "broken", "check-broken.json"),
        # opsgov check --format json --today 2026-11-27 . > tests/golden/check-root.json
        (ROOT, "check-root.json"),
    ],
)
def test_the_json_report_is_unchanged(target: Path, golden: str) -> None:
    args = ["check", str(target), "--format", "json", "--today", "2026-11-27"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")
