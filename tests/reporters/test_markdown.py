from __future__ import annotations

import pytest

from opsgov.report.finding import Finding
from opsgov.report.formats import REPORTERS
from opsgov.report.formats.markdown import cell, line_link, render_markdown
from opsgov.report.report import Report
from tests.reporters.conftest import POLICY, WAIVED, handmade

GITHUB = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/gov", "GITHUB_SHA": "abc123"}


def test_cells_escape_table_breakers_and_markup() -> None:
    assert cell("a | b") == "a \\| b"
    assert cell("`code`") == "\\`code\\`"
    assert cell("<script>&amp;") == "\\<script\\>\\&amp;"
    assert cell("\x1b[31m \x07 \u202e https://x www.x") == "\\\\x1b\\[31m \\\\x07 \\\\u202e https\\://x www\\.x"
    assert cell("line1\nline2\r\nline3") == "line1<br>line2<br>line3"
    assert cell("销售部") == "销售部"


def test_links_to_lines_only_when_github_says_where() -> None:
    assert line_link("ops/units.yaml", 9, {}) == "ops/units.yaml:9"
    assert line_link("ops/销售.yaml", 9, GITHUB) == (
        "[ops/销售.yaml:9](https://github.com/acme/gov/blob/abc123/ops/%E9%94%80%E5%94%AE.yaml#L9)"
    )


def test_summary_has_counts_and_one_row_per_finding(findings_report: Report) -> None:
    text = render_markdown(findings_report, GITHUB)
    assert "**2 errors** · 0 warnings · 0 info in 2 files, 6 documents" in text
    rows = [line for line in text.splitlines() if line.startswith("| :")]
    assert len(rows) == 2
    assert rows[0].startswith("| :x: error | dangling-ref | reportsTo 'nobody' names no Position |")
    assert rows[0].endswith("(https://github.com/acme/gov/blob/abc123/ops/units.yaml#L9) |")


def test_a_message_cannot_break_the_table() -> None:
    nasty = Finding("ops/a.yaml", 1, 1, "schema", "title 'a|b' has\na `tick` and <img src=x>", level="error")
    (row,) = [line for line in render_markdown(handmade(nasty), {}).splitlines() if line.startswith("| :")]
    assert row.count(" | ") == 3  # four cells, the escaped pipe does not count
    assert "\\<img src=x\\>" in row and "<img" not in row.replace("\\<img", "")
    assert "\\`tick\\`" in row and "<br>" in row


def test_clean_report_and_waived_findings() -> None:
    assert ":white_check_mark: No findings." in REPORTERS["markdown"]().render(handmade())
    text = render_markdown(handmade(POLICY, WAIVED), {})
    table, waived = text.split("<details>")
    assert "policy/max-span" in table and "duty-overlap" not in table
    assert "1 waived finding" in waived and "duty-overlap" in waived


@pytest.mark.parametrize("count", [3, 250])
def test_long_reports_are_cut_with_a_count(count: int) -> None:
    many = [Finding("ops/a.yaml", i, 1, "schema", f"problem {i}", level="error") for i in range(1, count + 1)]
    text = render_markdown(handmade(*many), {})
    rows = [line for line in text.splitlines() if line.startswith("| :")]
    assert len(rows) == min(count, 200)
    assert ("and 50 more" in text) == (count == 250)
