from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.escape import github_data, github_property
from opsgov.report.finding import Finding
from opsgov.report.formats import REPORTERS
from opsgov.report.report import Report
from tests.reporters.conftest import POLICY, WAIVED, handmade


def test_escaping_follows_the_runner() -> None:
    assert github_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert github_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert github_property("a\nb\x1b") == "a\\nb\\x1b"  # data: control characters are shown, not sent


def test_levels_become_error_warning_notice() -> None:
    error = Finding("ops/a.yaml", 4, 2, "dangling-ref", "gone", level="error")
    info = Finding("ops/y.yaml", 1, 1, "kpi-thresholds", "fyi", level="info")
    lines = REPORTERS["github"]().render(handmade(error, POLICY, info)).splitlines()
    assert lines[0] == "::error file=ops/a.yaml,line=4,col=2,title=opsgov dangling-ref::gone"
    assert lines[1].startswith("::warning file=ops/b.yaml,line=7,col=1,title=opsgov policy/max-span::")
    assert lines[2] == "::notice file=ops/y.yaml,line=1,col=1,title=opsgov kpi-thresholds::fyi"


def test_data_from_the_documents_cannot_forge_a_command() -> None:
    sneaky = Finding(
        "ops/a,b:c.yaml", 2, 3, "schema", "bad\n::error file=x::forged 100%", level="error", hint="fix it, now"
    )
    (line, summary) = REPORTERS["github"]().render(handmade(sneaky)).splitlines()
    assert line.startswith("::error file=ops/a%2Cb%3Ac.yaml,line=2,col=3,title=opsgov schema::")
    assert line.endswith("::bad\\n::error file=x::forged 100%25%0Ahint: fix it, now")
    assert summary.startswith("1 file, 1 document: 1 error")


def test_related_locations_are_in_the_message_and_waived_findings_are_not_annotated() -> None:
    text = REPORTERS["github"]().render(handmade(POLICY, WAIVED))
    assert "duty-overlap" not in text
    assert "direct reports: 12%0Aops/c.yaml:2:3: the team" in text
    assert text.splitlines()[-1].endswith("1 waived")


def test_cli_appends_the_markdown_summary_to_the_step_summary(
    findings_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(
        main, ["--lang", "en", "check", str(tmp_path), "--format", "github"], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=ops/units.yaml,line=9,col=32,title=opsgov dangling-ref::")
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n### opsgov check\n")
    assert "| :x: error | dangling-ref | reportsTo 'nobody' names no Position | ops/units.yaml:9 |" in written

    other = tmp_path / "untouched.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(other))
    CliRunner().invoke(main, ["check", str(tmp_path), "--format", "json"], catch_exceptions=False)
    assert not other.exists()
