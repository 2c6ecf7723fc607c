"""The terminal text report: colour, wrapping, source excerpts, progress; and that files and pipes stay plain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from opsgov.cli import main
from opsgov.report.finding import Finding, Related
from opsgov.report.formats.text import TextOptions, TextReporter
from opsgov.report.report import Report
from opsgov.terminal import (
    ProgressLine,
    char_width,
    excerpt,
    render,
    source_lines,
    text_width,
    use_color,
    wrap,
)
from tests.util import check_repo, doc, docs, write_repo

SGR = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str) -> str:
    return SGR.sub("", text)


# --- colour decision ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # no-color.org: set and not empty
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "0"}, False),
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("auto", True, {"TERM": "dumb"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),  # the command line wins over the environment
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_follows_the_flag_then_no_color_then_force_color_then_the_tty(
    mode: str, tty: bool, env: dict[str, str], expected: bool
) -> None:
    assert use_color(mode, isatty=tty, env=env) is expected


# --- widths and wrapping -----------------------------------------------------------------------


def test_cjk_is_two_columns_and_combining_marks_none() -> None:
    assert [char_width(c) for c in "a库，Ａ\u0301\ufe0f한"] == [1, 2, 2, 2, 0, 0, 2]
    assert text_width("库存管理 (inventory)") == 8 + 12


def lines_of(text: str, width: int, indent: int = 4) -> list[str]:
    return [render(line, False) for line in wrap([(text, "")], width, indent)]


def test_wrap_breaks_at_spaces_and_indents_continuation_lines() -> None:
    lines = lines_of("ops/a.yaml:1:1: error dangling-ref reportsTo 'nobody' names no Position", 30)
    assert lines == ["ops/a.yaml:1:1: error", "    dangling-ref reportsTo", "    'nobody' names no Position"]


def test_wrap_breaks_cjk_between_characters_never_inside_one_nor_before_closing_punctuation() -> None:
    text = "岗位“采购经理”不属于任何部门，也没有汇报对象。请补充。"
    lines = lines_of(text, 20)
    assert all(text_width(line) <= 20 for line in lines)
    assert "".join(line.removeprefix("    ") for line in lines) == text
    assert not any(line.lstrip()[0] in "，。”" for line in lines[1:])
    assert lines == ["岗位“采购经理”不属于", "    任何部门，也没有", "    汇报对象。请补", "    充。"]


def test_wrap_cuts_a_word_longer_than_a_line_and_keeps_short_text_whole() -> None:
    long = "ops/" + "x" * 50 + ".yaml"
    assert all(len(line) <= 24 for line in lines_of(f"see {long} now", 24))
    assert lines_of("short", 80) == ["short"]
    assert lines_of("no width " * 20, None) == ["no width " * 20]  # type: ignore[arg-type]


WORDS = st.one_of(
    st.text(alphabet="abcdefghij-:/'(),.", min_size=1, max_size=15),
    st.text(alphabet="库存管理采购经理部门，。“”（）", min_size=1, max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=30), width=st.integers(min_value=14, max_value=100))
def test_wrapped_lines_fit_and_lose_nothing_but_spaces(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = lines_of(text, width)
    assert all(text_width(line) <= width for line in lines), lines
    assert all(line.startswith("    ") for line in lines[1:])
    assert "".join(line.removeprefix("    ") for line in lines).replace(" ", "") == text.replace(" ", "")


# --- source excerpts ---------------------------------------------------------------------------


def test_caret_lands_under_the_column_after_tabs_wide_characters_and_escapes() -> None:
    line = "a:\t库存 # x\x1by: v"
    shown = excerpt([line], 1, line.index("v") + 1)
    assert shown is not None
    assert shown.text == "a:  库存 # x\\x1by: v"
    assert text_width(shown.text[: shown.text.index("v")]) == shown.caret_at
    wide = excerpt(["title: 库存管理"], 1, 8)
    assert wide is not None and (wide.caret_at, wide.caret_width) == (7, 2)
    assert excerpt(["a"], 3, 1) is None
    end = excerpt(["key:"], 1, 5)
    assert end is not None and end.caret_at == 4


def test_source_lines_are_counted_as_yaml_counts_them() -> None:
    assert source_lines("\ufeffa\r\nb\rc\u2028d\ne".encode()) == ["a", "b", "c", "d", "e"]


def write_broken(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path,
        {
            "ops/units.yaml": docs(
                doc("Unit", "sales", "{type: department, parent: company}", title="销售部"),
                "apiVersion: opsgov/v1\nkind: Position\nmetadata: {name: rep, title: 销售代表}\n"
                "spec: {unit: sales, \treportsTo: 总经理}\n",
            ),
        },
    )


def test_show_source_puts_the_yaml_line_and_a_caret_under_the_finding(tmp_path: Path) -> None:
    root = write_broken(tmp_path)
    report = check_repo(root)
    text = TextReporter(TextOptions(source_root=root)).render(report)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("ops/units.yaml:9:"))
    assert lines[at + 1] == "    9 | spec: {unit: sales,     reportsTo: 总经理}"
    caret = lines[at + 2]
    assert caret.rstrip().endswith("^^") and caret.startswith("      | ")
    # the caret is under the value: same display column as 总 in the source line above
    assert text_width(caret[: caret.index("^")]) == text_width(lines[at + 1][: lines[at + 1].index("总")])


# --- the report as a whole ---------------------------------------------------------------------


HOSTILE = Finding(
    "ops/a\x1b[31m.yaml",
    3,
    5,
    "policy/x",
    "库存管理\x1b]0;title\x07 owned twice " + "word " * 30,
    level="warning",
    related=(Related("ops/b.yaml", 1, 1, "also\x1b[2J here"),),
    hint="fix \u202e it",
)


def test_colour_and_wrapping_only_add_sgr_codes_and_data_stays_escaped() -> None:
    report = Report(files=1, documents=1, findings=[HOSTILE])
    coloured = TextReporter(TextOptions(color=True, width=60)).render(report)
    assert "\x1b[1mops/a\\x1b[31m.yaml:3:5:\x1b[0m" in coloured  # a bold location; the file's ESC shown escaped
    assert "\x1b[1;33mwarning\x1b[0m" in coloured
    # every ESC in the output opens or closes one of our colours
    assert all(
        match.group() in ("\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[1;32m")
        for match in SGR.finditer(coloured)
    )
    assert coloured.count("\x1b") == len(SGR.findall(coloured))
    assert all(text_width(line) <= 60 for line in plain(coloured).splitlines())
    flat = TextReporter().render(report)
    assert "\x1b" not in flat and len(flat.splitlines()) == 4  # finding, related, hint, summary
    assert "".join(plain(coloured).split()) == "".join(flat.split())  # the same text, laid out


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_cli_colour_flag_and_environment(tmp_path: Path) -> None:
    root = str(write_broken(tmp_path))
    _, piped, _ = run("check", root)
    assert "\x1b" not in piped  # CliRunner's stdout is not a terminal
    _, forced, _ = run("check", root, env={"FORCE_COLOR": "1"})
    assert "\x1b[1;31merror\x1b[0m" in forced
    _, vetoed, _ = run("check", root, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b" not in vetoed
    _, always, _ = run("check", root, "--color", "always", env={"NO_COLOR": "1"})
    assert plain(always) == piped and always != piped
    _, never, _ = run("check", root, "--color", "never", env={"FORCE_COLOR": "1"})
    assert never == piped
    out = tmp_path / "report.txt"
    run("check", root, "-o", str(out), env={"FORCE_COLOR": "1"})
    assert out.read_text(encoding="utf-8") == piped  # a file is coloured only with --color always


def test_cli_show_source_and_its_misuse(tmp_path: Path) -> None:
    root = str(write_broken(tmp_path))
    status, out, _ = run("check", root, "--show-source")
    assert status == 1 and "    9 | spec: {unit: sales,     reportsTo: 总经理}" in out
    status, _, err = run("check", root, "--show-source", "--format", "json")
    assert status == 2 and "--show-source shows YAML lines in the text report, not in --format json" in err
    status, machine, err = run("check", root, "--format", "json", env={"FORCE_COLOR": "1"})
    assert "\x1b" not in machine and err == ""


# --- progress ----------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_stays_silent_for_two_seconds_then_redraws_and_clears() -> None:
    written: list[str] = []
    clock = FakeClock()
    line = ProgressLine(written.append, lambda: None, width=80, clock=clock)
    line.update("load", 1, 10)
    clock.now += 1.9
    line.update("load", 5, 10)
    assert written == []  # a quick run prints nothing
    clock.now += 0.2
    line.update("load", 6, 10)
    assert written == ["\ropsgov: reading files 6/10 (2 s)"]
    clock.now += 0.01
    line.update("load", 7, 10)  # too soon for a redraw
    line.update("main: rules", 0, 39)  # a new stage is drawn at once, over the longer old text
    assert written[-1].startswith("\ropsgov: main: running rules 0/39 (2 s)")
    line.clear()
    assert written[-1].startswith("\r ") and written[-1].endswith("\r") and written[-1].strip() == ""


def test_the_library_reports_progress_through_its_callback_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_broken(tmp_path)
    calls: list[tuple[str, int, int]] = []
    check_repo(root, jobs=1).findings  # noqa: B018 - the baseline run, without a callback
    from opsgov.config.settings import Settings
    from opsgov.pipeline import check
    from tests.util import TODAY

    check(Settings(root=root, as_of=TODAY), progress=lambda *call: calls.append(call))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["load", "schema", "model", "rules", "policies", "report"]
    assert ("load", 0, 2) in calls and ("load", 1, 2) in calls
    assert capsys.readouterr() == ("", "")
