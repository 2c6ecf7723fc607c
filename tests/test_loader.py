"""The strict YAML loader: what it refuses, where it says the problem is, and what values it builds."""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from opsgov.load import compose
from opsgov.load.compose import load_bytes, load_text
from opsgov.load.discover import load_file
from opsgov.load.documents import Document, unpack
from opsgov.load.limits import Limits
from opsgov.report.finding import Finding, Related
from tests.util import BASE, check_repo, only


def load(text: str, limits: Limits | None = None) -> tuple[list[Document], list[Finding]]:
    return load_text(text, "ops/x.yaml", limits) if limits else load_text(text, "ops/x.yaml")


def strict(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every finding, and assert they are all yaml-strict."""
    _, findings = load(text)
    assert {f.rule for f in findings} == {"yaml-strict"}, findings
    return [(f.line, f.column, f.message) for f in findings]


def value(text: str) -> Any:
    documents, findings = load(text)
    assert findings == []
    [document] = documents
    return document.data


# --- positions ------------------------------------------------------------------------------


def test_every_node_position_is_recorded() -> None:
    [document], _ = load("spec:\n  owns:\n    - a\n    - 销售\n  head: ceo\n")
    assert document.where(("spec", "owns", 0)) == (3, 7)
    assert document.where(("spec", "owns", 1)) == (4, 7)
    assert document.where(("spec", "head")) == (5, 9)
    assert document.where(("spec", "owns")) == (2, 3)  # a collection value: the line of its key
    assert document.where(("spec", "missing", 3)) == (1, 1)  # falls back to the closest known ancestor


def test_columns_count_characters_not_bytes() -> None:
    [document], _ = load("标题: {名称: 值, b: x}\n")
    assert document.where(("标题", "b")) == (1, 16)


def test_several_documents_keep_their_own_positions() -> None:
    documents, _ = load("a: 1\n---\nb: 2\n---\nc: 3\n")
    assert [d.index for d in documents] == [0, 1, 2]
    assert [d.where((key,)) for d, key in zip(documents, "abc", strict=True)] == [(1, 4), (3, 4), (5, 4)]


def test_an_unclosed_bracket_points_back_to_where_it_opened() -> None:
    _, [finding] = load("spec:\n  unit: ops\n  owns: {a: 1\nother: 2\n")
    assert finding.rule == "yaml-syntax"
    assert finding.related == (Related("ops/x.yaml", 3, 9, "the flow mapping starts here"),)


def test_a_value_knows_its_keys_column_when_on_the_same_line() -> None:
    [document], _ = load("spec: {unit: ops}\nother:\n  ops\n")
    assert document.where(("spec", "unit")) == (1, 14)
    assert document.where(("spec", "unit"), key=True) == (1, 8)
    # a value on the line after its key: the key's column is not known, the value's is used
    assert document.where(("other",), key=True) == document.where(("other",)) == (3, 3)


# --- yaml-strict ----------------------------------------------------------------------------


def test_duplicate_key_shows_both_lines() -> None:
    documents, [finding] = load("spec:\n  unit: ops\n  head: a\n  unit: sales\n")
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 4, 3)
    assert "duplicate key 'unit'" in finding.message and "line 2" in finding.message
    assert finding.related == (Related("ops/x.yaml", 2, 3, "first defined here"),)  # the first key itself
    assert not documents[0].ok


def test_duplicate_keys_compare_source_text() -> None:
    """`1` and `"1"` or `a` and `'a'` are the same key to a reader."""
    assert strict("a: 1\n'a': 2\n") == [(2, 1, "duplicate key 'a' (first at line 1)")]


def test_distinct_keys_that_look_alike_are_fine() -> None:
    assert value("a: 1\nA: 2\n'a ': 3\n") == {"a": 1, "A": 2, "a ": 3}


def test_merge_key_is_refused() -> None:
    [(line, column, message)] = strict("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert (line, column) == (3, 3)
    assert "merge keys" in message


def test_quoted_merge_key_is_plain_text() -> None:
    assert value("'<<': 1\n") == {"<<": 1}


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['touch /tmp/opsgov-pwned']\n",
        "a: !!python/name:os.system\n",
        "a: !include other.yaml\n",
        "a: !!str 1\n",
        "a: !!map {b: 1}\n",
    ],
)
def test_explicit_tags_are_refused_and_construct_nothing(text: str) -> None:
    documents, [finding] = load(text)
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 1, 4)
    written = text.split()[1]
    assert finding.message == f"explicit tag {written} is not allowed"  # as written, not libyaml's expansion
    assert not os.path.exists("/tmp/opsgov-pwned")
    [document] = documents
    assert not document.ok
    assert all(type(v) in (str, int, dict, list) for v in document.data.values())


def test_alias_bomb_is_refused_without_expanding() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(levels) + "\n"
    assert len(bomb) < 400  # expands to 9**9 nodes if anything expanded it
    started = time.monotonic()
    _, [finding] = load(bomb)
    assert time.monotonic() - started < 5
    assert finding.rule == "yaml-strict"
    assert "too many aliases" in finding.message and "10000 nodes" in finding.message
    assert finding.line == 5


def test_a_few_small_aliases_are_fine() -> None:
    assert value("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_alias_to_an_unknown_anchor_is_refused() -> None:
    assert strict("a: *nowhere\n") == [(1, 4, "alias *nowhere names no anchor defined before it")]


def test_thirty_thousand_open_brackets_are_refused_in_process() -> None:
    documents, [finding] = load("[" * 30_000)
    assert documents == []
    # libyaml up to 0.2.5 hands over events and our limit stops at the 65th bracket; 0.2.6 scans
    # ahead and stops at its own limit of 1000 first
    assert (finding.rule, finding.line, finding.column) in {("yaml-strict", 1, 65), ("yaml-strict", 1, 1001)}
    assert finding.message == "nesting deeper than 64 levels"


def test_libyaml_depth_refusal_reads_as_too_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml's own depth error is reported as opsgov's, at libyaml's position, whichever PyYAML is installed."""

    class DeepParser:
        def __init__(self, text: str) -> None:
            pass

        def get_event(self) -> None:
            mark = yaml.Mark("<unicode string>", 1000, 0, 1000, None, None)
            raise yaml.scanner.ScannerError("while increasing flow level", mark, "exceeded maximum nesting depth", mark)

    monkeypatch.setattr(compose, "_Parser", DeepParser)
    documents, [finding] = load("[" * 30_000)
    assert documents == []
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 1, 1001)
    assert finding.message == "nesting deeper than 64 levels"
    assert finding.hint == "governance documents never need this depth"


def test_nesting_on_many_lines_is_stopped_by_the_budget() -> None:
    """One bracket per line: libyaml cannot scan ahead, so opsgov's budget stops it at the 65th."""
    _, [finding] = load("[\n" * 30_000)
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 65, 1)
    assert finding.message == "nesting deeper than 64 levels"


def test_nesting_limit_is_configurable_and_exact() -> None:
    assert load("[[[1]]]\n", Limits(max_depth=3))[1] == []
    _, [finding] = load("[[[[1]]]]\n", Limits(max_depth=3))
    assert (finding.line, finding.column) == (1, 4)


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1: a\n", "'1' (not text)"), ("true: a\n", "'true' (not text)"), ("~: a\n", "'~' (not text)")],
)
def test_non_string_keys_are_refused(text: str, shown: str) -> None:
    assert strict(text) == [(1, 1, f"mapping key is {shown}")]


def test_collection_key_is_refused() -> None:
    assert strict("a: 1\n? [b]\n: c\n") == [(2, 3, "mapping key is a mapping or list")]


def test_quoted_number_key_is_text() -> None:
    assert value("'1': a\n") == {"1": "a"}


def test_file_not_utf8_names_the_line() -> None:
    documents, [finding] = load_bytes(b"a: 1\nb: caf\xe9\n", "ops/x.yaml")
    assert documents == []
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 2, 7)
    assert "not UTF-8" in finding.message


def test_utf16_file_is_not_utf8() -> None:
    _, [finding] = load_bytes("a: 1\n".encode("utf-16"), "ops/x.yaml")
    assert (finding.rule, finding.line) == ("yaml-strict", 1)


def test_byte_order_mark_is_fine() -> None:
    [document], findings = load_bytes("\ufeffmetadata: {title: 销售部}\n".encode(), "ops/x.yaml")
    assert findings == []
    assert document.data == {"metadata": {"title": "销售部"}}
    assert document.where(("metadata", "title")) == (1, 19)


@pytest.mark.parametrize(
    ("text", "line", "column", "character"),
    [
        ("metadata:\n  name: ops\u200bteam\n", 2, 9, "U+200B ZERO WIDTH SPACE"),
        ('metadata: {name: "a\\tb"}\n', 1, 18, "U+0009"),
        ("metadata:\n  title: 销售\u202e部\n", 2, 10, "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("steps:\n  - id: a\u2066b\n", 2, 9, "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("metadata:\n  title: x\u0007y\n", 2, 11, "U+0007"),  # refused by libyaml anywhere in the file
        ("标题: 值\nmetadata: {title: a\u0001}\n", 2, 20, "U+0001"),
        ('metadata: {title: "a\\u2028b"}\n', 1, 19, "U+2028 LINE SEPARATOR"),
    ],
)
def test_control_and_bidi_characters_in_names_and_titles(text: str, line: int, column: int, character: str) -> None:
    [(got_line, got_column, message)] = strict(text)
    assert (got_line, got_column) == (line, column)
    assert character in message


def test_bidi_character_anywhere_in_text_is_refused() -> None:
    [(line, column, message)] = strict("spec:\n  subject: 预算\u202e支出\n")
    assert (line, column) == (2, 12)
    assert "bidirectional" in message


def test_invisible_character_in_a_key_is_refused() -> None:
    [(line, column, message)] = strict("spec:\n  pa\u200brent: x\n")
    assert (line, column) == (2, 3)
    assert "U+200B" in message


def test_title_not_nfc_is_refused() -> None:
    assert strict("metadata: {title: Cafe\u0301}\n") == [(1, 19, "title is not in Unicode normal form NFC")]


def test_cjk_titles_and_descriptions_are_fine() -> None:
    assert value("metadata: {name: ops, title: 运营管理中心, description: 负责 日常运营。}\n") == {
        "metadata": {"name": "ops", "title": "运营管理中心", "description": "负责 日常运营。"}
    }


def test_file_over_the_size_cap() -> None:
    documents, [finding] = load_bytes(b"a: 1\n" * 10, "ops/x.yaml", Limits(max_file_bytes=20))
    assert documents == []
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 1, 1)
    assert "50 bytes, over the limit of 20" in finding.message


def test_file_over_the_size_cap_in_a_repository(repo: Callable[..., Path]) -> None:
    root = repo({"ops/big.yaml": "# padding\n" * 100})
    [finding] = only(check_repo(root, limits=Limits(max_file_bytes=500)), "yaml-strict")
    assert (finding.file, finding.line) == ("ops/big.yaml", 1)
    assert "over the limit of 500" in finding.message


def test_overlong_number_is_refused() -> None:
    [(line, column, message)] = strict("a: 1\nb: " + "9" * 50 + "\n")
    assert (line, column) == (2, 4)
    assert "too long" in message


# --- yaml-syntax ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"),
    # at the end of the file: the end of its last line, never a line after it
    [("spec: {parent: finance\n", 1, 23), ("a: b: c\n", 1, 5), ("- a\nb: c\n", 2, 1), ("a: 'open\n", 1, 9)],
)
def test_syntax_errors_are_located(text: str, line: int, column: int) -> None:
    documents, [finding] = load(text)
    assert documents == []
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", line, column)
    assert finding.message


def test_a_tab_indent_gets_a_hint_and_other_syntax_errors_none() -> None:
    _, [tab] = load("kind: Unit\nmetadata:\n\tname: x\n")
    assert (tab.rule, tab.line, tab.column) == ("yaml-syntax", 3, 1)
    assert tab.hint == "indent with spaces: YAML does not allow tabs for indentation"
    _, [other] = load("a: b: c\n")
    assert other.hint == ""


def test_syntax_error_after_good_documents_keeps_them() -> None:
    documents, [finding] = load("a: 1\n---\nb: [\n")
    assert [d.data for d in documents] == [{"a": 1}]
    assert (finding.rule, finding.line) == ("yaml-syntax", 3)


def test_empty_documents_are_kept_for_the_schema_stage_to_refuse() -> None:
    documents, findings = load("a: 1\n---\n# nothing\n---\nnull\n---\n")
    assert findings == []
    shown = [(d.data, d.line, d.column) for d in documents]
    assert shown == [({"a": 1}, 1, 1), (None, 2, 1), (None, 4, 1), (None, 6, 1)]


# --- YAML 1.2 scalars -----------------------------------------------------------------------

STRINGS = ["yes", "no", "on", "off", "NO", "Yes", "y", "True", "NULL", "010", "1_000", "1:30", ".nan", ".inf"]
STRINGS += ["1e6", "1.0e3", "2024-01-01", "0x1F", "0o7", "+1", "1.", ".5", "00", "-0x1"]


@pytest.mark.parametrize("word", STRINGS)
def test_yaml11_lookalikes_are_strings(word: str) -> None:
    assert value(f"a: {word}\n") == {"a": word}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("true", True),
        ("false", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("0", 0),
        ("-5", -5),
        ("100000", 100000),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("'true'", "true"),
        ('"1"', "1"),
    ],
)
def test_json_like_scalars_are_values(word: str, expected: Any) -> None:
    got = value(f"a: {word}\n")["a"]
    assert got == expected and type(got) is type(expected)


# --- files on disk --------------------------------------------------------------------------


def test_symlink_out_of_the_repository_is_reported_not_followed(tmp_path: Path, repo: Callable[..., Path]) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("apiVersion: opsgov/v1\nkind: Unit\nmetadata: {name: leak}\n")
    root = repo({})
    (root / "ops" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (root / "ops" / "folder").symlink_to(outside)
    report = check_repo(root)
    found = [(f.file, f.rule) for f in report.findings]
    assert found == [("ops/folder", "yaml-strict"), ("ops/leak.yaml", "yaml-strict")]
    assert all("outside the repository" in f.message for f in report.findings)
    assert report.documents == 3  # BASE only: nothing was read through the links


def test_symlink_inside_the_repository_is_followed(repo: Callable[..., Path]) -> None:
    root = repo(
        {"shared/extra.yaml": "apiVersion: opsgov/v1\nkind: Responsibility\nmetadata: {name: a, title: A}\nspec: {}\n"}
    )
    (root / "ops" / "extra.yaml").symlink_to(root / "shared" / "extra.yaml")
    report = check_repo(root, select=("yaml-", "file-unreadable", "schema"))
    assert report.findings == []
    assert report.model is not None and "a" in report.model.by_kind["Responsibility"]


def test_symlink_loop_does_not_hang(repo: Callable[..., Path]) -> None:
    root = repo({})
    (root / "ops" / "loop").symlink_to(root / "ops")
    assert check_repo(root).findings == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_finding_and_fails_the_run(repo: Callable[..., Path]) -> None:
    root = repo({"ops/secret.yaml": "a: 1\n"})
    (root / "ops" / "secret.yaml").chmod(0)
    try:
        report = check_repo(root)
    finally:
        (root / "ops" / "secret.yaml").chmod(0o644)
    [finding] = report.findings
    assert (finding.rule, finding.file) == ("file-unreadable", "ops/secret.yaml")
    assert report.exit_code("never") == 1


def test_dangling_symlink_inside_is_unreadable(repo: Callable[..., Path]) -> None:
    root = repo({})
    (root / "ops" / "gone.yaml").symlink_to(root / "ops" / "nowhere.yaml")
    report = check_repo(root)
    [finding] = report.findings
    assert (finding.rule, finding.file, finding.line) == ("file-unreadable", "ops/gone.yaml", 1)
    assert report.exit_code("never") == 1
    assert report.exit_code("error") == 1


def test_hidden_files_and_other_suffixes_are_not_read(repo: Callable[..., Path]) -> None:
    root = repo({"ops/.draft.yaml": "a: [\n", "ops/notes.txt": "a: [\n", "ops/.git/x.yaml": "a: [\n"})
    assert check_repo(root).findings == []


def test_yml_suffix_and_nested_folders_are_read(repo: Callable[..., Path]) -> None:
    root = repo({"ops/a/b/c/bad.yml": "a: [\n"})
    [finding] = check_repo(root).findings
    assert (finding.rule, finding.file) == ("yaml-syntax", "ops/a/b/c/bad.yml")


def test_a_pipe_named_yaml_is_reported_not_read(repo: Callable[..., Path]) -> None:
    root = repo({})
    os.mkfifo(root / "ops" / "queue.yaml")
    report = check_repo(root)
    [finding] = [f for f in report.findings if f.rule == "file-unreadable"]
    assert (finding.file, finding.message) == ("ops/queue.yaml", "not a regular file; not read")
    assert report.exit_code("never") == 1


# --- hidden line breaks, line ends and the end of the file ----------------------------------


def lines_of(text: str) -> list[str]:
    """The lines of `text` as a reader counts them: LF, CRLF and a bare CR end a line; a final break opens none."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def assert_within(text: str, findings: list[Finding]) -> None:
    lines = lines_of(text)
    for finding in findings:
        for line, column in [(finding.line, finding.column), *((r.line, r.column) for r in finding.related)]:
            assert 1 <= line <= len(lines), (finding, lines)
            assert 1 <= column <= len(lines[line - 1]) + 1, (finding, lines)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_a_hidden_line_break_in_a_value_is_refused_and_hides_no_key(char: str) -> None:
    """`level: M1<U+2028>  headcount: 0` would freeze the post where the character breaks the line."""
    text = f"spec:\n  unit: ops\n  level: M1{char}  headcount: 0\n"
    documents, findings = load(text)
    hidden = [f for f in findings if f.rule == "yaml-strict"]
    assert [(f.line, f.column) for f in hidden] == [(3, 12)]
    assert f"hidden character {_describe(char)} in a key or value" in hidden[0].message
    assert "YAML 1.2 does not read it as a line break" in hidden[0].message
    assert not any(d.ok and "headcount" in str(d.data) for d in documents)
    assert_within(text, findings)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("spec:\n  level: M1\u2028senior\n", 2, 12),  # parses as one value: refused all the same
        ("spec:\n  le\x85vel: M1\n", 2, 5),  # in a key
        ('spec: {title: "a\u2029b"}\n', 1, 17),  # in a quoted value
        ("spec:\n  note: |\n    one\u2028two\n", 3, 8),  # in a block scalar
    ],
)
def test_a_hidden_line_break_is_refused_at_its_own_line_and_column(text: str, line: int, column: int) -> None:
    documents, findings = load(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-strict", line, column)]
    assert [d.ok for d in documents] == [False]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_a_hidden_line_break_in_a_comment_is_harmless_and_shifts_no_line(char: str) -> None:
    [document], findings = load(f"# note{char}evil: 1\nspec: {{a: 1}}\nother: 2\n")
    assert findings == []
    assert document.data == {"spec": {"a": 1}, "other": 2}  # `evil` stays comment text
    assert document.where(("other",)) == (3, 8)
    _, [finding] = load(f"# note{char}x\na: 1\na: 2\n")
    assert (finding.line, finding.column) == (3, 1)


CR_TEXTS = {
    "event": ("a: 1\rb: 2\ra: 3\r", "yaml-strict", 3, 1),
    "control character": ("a: 1\rb: x\x01\r", "yaml-strict", 2, 5),
    "syntax at the end": ("a: 1\rb: [1, 2\r", "yaml-syntax", 2, 9),
    "syntax inside": ("a: 1\r\nb: c: d\r\n", "yaml-syntax", 2, 5),
    "mixed breaks": ("a: 1\r\nb: 2\rc: 3\nb: 4\n", "yaml-strict", 4, 1),
}


@pytest.mark.parametrize("case", list(CR_TEXTS))
def test_every_position_counts_a_bare_cr_and_a_crlf_as_one_line_break(case: str) -> None:
    text, rule, line, column = CR_TEXTS[case]
    _, [finding] = load(text)
    assert (finding.rule, finding.line, finding.column) == (rule, line, column)
    assert_within(text, [finding])


def test_a_non_utf8_byte_after_a_bare_cr_is_located_on_its_line() -> None:
    _, [finding] = load_bytes(b"a: 1\rb: \xff\n", "ops/x.yaml")
    assert (finding.rule, finding.line, finding.column) == ("yaml-strict", 2, 4)
    assert finding.message == "file is not UTF-8 (byte 0xff at offset 8)"


def test_a_tab_hint_finds_its_line_after_a_bare_cr() -> None:
    _, [finding] = load("a:\r\t- 1\r")
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", 2, 1)
    assert finding.hint.startswith("indent with spaces")


@pytest.mark.parametrize(
    "text",
    ["a: [1, 2", "a: [1, 2\n", "a: [1, 2\r\n", "a: 'open", "spec: {a: 1,\n\n", "a:\n  - [", "- a\n- {b: ", 'a: "x\\\n'],
)
def test_an_error_at_the_end_of_the_file_is_within_the_file(text: str) -> None:
    _, findings = load(text)
    assert findings and all(f.rule == "yaml-syntax" for f in findings)
    assert_within(text, findings)
    last = lines_of(text)[-1]
    assert (findings[0].line, findings[0].column) == (len(lines_of(text)), len(last) + 1)


DIRECTIVE = "directive is not allowed: opsgov reads YAML 1.2 with JSON-like values"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("%YAML 1.1\n---\na: yes\n", [(1, 1, f"%YAML {DIRECTIVE}")]),
        ("%YAML 1.2\n---\na: 1\n", [(1, 1, f"%YAML {DIRECTIVE}")]),
        ("%TAG !e! tag:example.com,2000:\n---\na: 1\n", [(1, 1, f"%TAG {DIRECTIVE}")]),
        (
            "a: 1\n---\n# two\n%TAG ! tag:x,2000:\n%YAML 1.1\n---\nb: 1\n",
            [(4, 1, f"%TAG {DIRECTIVE}"), (5, 1, f"%YAML {DIRECTIVE}")],
        ),
    ],
)
def test_directives_are_refused_at_their_line(text: str, found: list[tuple[int, int, str]]) -> None:
    documents, findings = load(text)
    assert [(f.rule, f.line, f.column, f.message) for f in findings] == [("yaml-strict", *where) for where in found]
    assert documents[-1].data is not None and not documents[-1].ok
    assert all(d.ok for d in documents[:-1])


@pytest.mark.parametrize("text", ["", "\n", "   \n\n", "# only a comment\n", "# a\r# b", "\ufeff"])
def test_a_file_without_a_document_is_a_finding(text: str) -> None:
    documents, [finding] = load_bytes(text.encode("utf-8"), "ops/x.yaml")
    assert documents == []
    assert (finding.rule, finding.file, finding.line, finding.column) == ("schema", "ops/x.yaml", 1, 1)
    assert finding.message == "the file holds no document (it is empty or only comments)"


def test_empty_and_null_documents_are_schema_findings_at_their_line(repo: Callable[..., Path]) -> None:
    root = repo({"ops/empty.yaml": "", "ops/nulls.yaml": "null\n---\n---\n~\n"})
    found = [(f.rule, f.file, f.line, f.column, f.message) for f in check_repo(root).findings]
    empty = "the document is empty (null): a document is a mapping with apiVersion, kind, metadata and spec"
    assert found == [
        ("schema", "ops/empty.yaml", 1, 1, "the file holds no document (it is empty or only comments)"),
        ("schema", "ops/nulls.yaml", 1, 1, empty),
        ("schema", "ops/nulls.yaml", 2, 1, empty),
        ("schema", "ops/nulls.yaml", 3, 1, empty),
    ]


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


# --- the repository is the boundary -----------------------------------------------------------


@pytest.mark.parametrize("entry", ["leak.yaml", "via/ops", "ops"])
def test_a_read_path_leaving_the_repository_is_reported_not_read(
    tmp_path: Path, repo: Callable[..., Path], entry: str
) -> None:
    """What settings name (a file, a folder reached through a linked folder) is held to the repository too."""
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    (outside / "ops").mkdir(parents=True)
    (outside / "secret.yaml").write_text("secretkey: hunter2\n", encoding="utf-8")
    (outside / "ops" / "secret.yaml").write_text("secretkey: hunter2\n", encoding="utf-8")
    root = repo({"governance/org.yaml": BASE["ops/org.yaml"]}, base=False)
    target = {"leak.yaml": outside / "secret.yaml", "via/ops": outside, "ops": outside / "ops"}[entry]
    (root / entry.split("/")[0]).symlink_to(target)
    report = check_repo(root, paths=("governance", entry))
    found = [(f.rule, f.file, f.line, f.column, f.message) for f in report.findings]
    assert found == [("yaml-strict", entry, 1, 1, "symbolic link points outside the repository; not followed")]
    assert report.documents == 3


def test_a_fifo_named_in_paths_is_unreadable_and_never_blocks(repo: Callable[..., Path]) -> None:
    root = repo({})
    os.mkfifo(root / "queue.yaml")
    report = check_repo(root, paths=("ops", "queue.yaml"))
    [finding] = report.findings
    assert (finding.rule, finding.file, finding.message) == (
        "file-unreadable",
        "queue.yaml",
        "not a regular file; not read",
    )


def test_reading_a_fifo_or_a_folder_never_blocks(tmp_path: Path) -> None:
    """Even if a pipe replaces a file between discovery and reading, it is opened non-blocking and refused."""
    os.mkfifo(tmp_path / "queue.yaml")
    (tmp_path / "folder.yaml").mkdir()
    for name, what in [("queue.yaml", "a named pipe (FIFO)"), ("folder.yaml", "a folder")]:
        documents, [finding] = load_file(tmp_path / name, name)
        assert documents == []
        assert (finding.rule, finding.message) == ("file-unreadable", f"{what}, not a regular file; not read")


LINE_ENDS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "# c", "a: ", "- ", "[", "{", "'", '"', "x", "  ", "\t"]
FRAGMENTS = ["---\n", "...\n", "]", "}", ": ", ", ", "? ", "&a ", "*a", "!x ", "|\n", ">-\n", "运营"]
FRAGMENTS += ["\x07", "%YAML 1.1\n"]
FRAGMENTS += ["metadata: {name: a, title: 销售部}\n", "spec:\n", "  unit: company\n", "null", "~", "\ufeff"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_ENDS) | st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_every_position_lies_within_its_line_and_the_file(text: str) -> None:
    documents, findings = load(text)
    assert_within(text, findings)
    lines = lines_of(text)
    for document in documents:
        for line, column, key_column in [
            (document.line, document.column, 0),
            *map(unpack, document.locations.values()),
        ]:
            assert 1 <= line <= len(lines), (document, lines)
            assert 1 <= column <= len(lines[line - 1]) + 1 and key_column <= len(lines[line - 1]) + 1, (document, lines)


def test_a_second_byte_order_mark_keeps_positions_inside_the_file() -> None:
    """Found by the property test above: libyaml placed the empty key after a stray BOM on line 2."""
    text = "\ufeff\ufeff? "
    documents, findings = load(text)
    assert_within(text, findings)
    for document in documents:
        for line, column, _ in map(unpack, document.locations.values()):
            assert (line, column) == (1, 4)
