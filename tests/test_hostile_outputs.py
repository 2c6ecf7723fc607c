"""Issue 12, items 3 and 6: no internal error from huge numbers, wrong-typed envelopes, deep
baselines or a narrow output encoding; and every output format escapes file names and messages
that carry newlines, control and bidirectional characters."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from opsgov import escape
from opsgov.cli import main
from opsgov.report.formats import REPORTERS
from opsgov.report.formats.markdown import render_markdown
from tests.util import check_repo, doc, docs, only, write_repo

# --- item 3: no internal error ---------------------------------------------------------------


def test_a_5000_digit_amount_is_a_finding_at_its_position(tmp_path: Path) -> None:
    matrix = doc(
        "ApprovalMatrix",
        "spend",
        f"""\
        subject: spend
        bands:
          - below: {"9" * 5000}
            approvers: [ceo]
        """,
    )
    report = check_repo(write_repo(tmp_path, {"ops/m.yaml": matrix}))
    assert not only(report, "internal-error")
    [finding] = only(report, "yaml-strict")
    assert (finding.file, finding.line, finding.column) == ("ops/m.yaml", 7, 14)
    assert finding.message == "number with 5000 characters is too long"
    assert "at most 40 characters" in finding.hint


@pytest.mark.parametrize("kind", ["{a: 1}", "[Unit]", "[[x]]", "{Unit: x}"])
def test_kind_as_a_mapping_or_a_list_is_a_schema_finding(tmp_path: Path, kind: str) -> None:
    text = f"apiVersion: opsgov/v1\nkind: {kind}\nmetadata: {{name: x, title: x}}\nspec: {{}}\n"
    report = check_repo(write_repo(tmp_path, {"ops/k.yaml": text}))
    assert not only(report, "internal-error")
    [finding] = only(report, "schema")
    assert (finding.file, finding.line) == ("ops/k.yaml", 2)
    assert finding.message.startswith("kind must be")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"opsgov-baseline": 1, "findings": [' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "]}", "nested too deeply"),
        ('{"opsgov-baseline": 1, "findings": [], "n": ' + "9" * 5000 + "}", "a number with too many digits"),
    ],
)
def test_a_hostile_baseline_is_a_usage_error(tmp_path: Path, content: str, says: str) -> None:
    root = write_repo(tmp_path / "repo", {})
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root), "--baseline", str(baseline)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"opsgov: baseline {baseline}: ")
    assert says in result.stderr and "internal error" not in result.stderr


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO", "PYTHONUTF8"))}
    return subprocess.run(
        [sys.executable, "-m", "opsgov", *args], capture_output=True, env={**clean_env, **env}, timeout=60, check=False
    )


def test_a_narrow_output_encoding_gets_escapes_not_a_crash(tmp_path: Path) -> None:
    """One subprocess per encoding: the streams are the real ones, as a user's shell sets them up."""
    root = write_repo(tmp_path, {"ops/组织.yaml": doc("Unit", "sales", "{parent: 总部}", title="销售部")})
    ascii_run = _run(["check", str(root)], {"PYTHONIOENCODING": "ascii"})
    assert ascii_run.returncode == 1, ascii_run.stderr
    out = ascii_run.stdout.decode("ascii")  # nothing but ASCII on an ASCII stream
    assert "ops/\\u7ec4\\u7ec7.yaml:4:16:" in out and "'\\u603b\\u90e8'" in out
    latin = _run(["explain", "总公司", str(root)], {"PYTHONIOENCODING": "latin-1"})
    assert latin.returncode == 0, latin.stderr
    assert latin.stdout.decode("latin-1").startswith("\\u603b\\u516c\\u53f8 (Unit/company)")


@pytest.mark.skipif(sys.platform != "linux", reason="file names as bytes: a Linux file system")
def test_a_file_name_under_the_c_locale_is_written_as_utf8(tmp_path: Path) -> None:
    """PYTHONUTF8=0 under LC_ALL=C decodes file names to lone surrogates, which no UTF-8 file can hold."""
    root = write_repo(tmp_path / "repo", {"ops/组织.yaml": "apiVersion: opsgov/v1\n"})
    (root / "ops").joinpath(os.fsdecode(b"bad\xff.yaml")).write_text("kind: Unit\n", encoding="utf-8")
    out = tmp_path / "report.sarif"
    run = _run(["check", str(root), "--format", "sarif", "-o", str(out)], {"LC_ALL": "C", "PYTHONUTF8": "0"})
    assert run.returncode == 1, run.stderr
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in _results(out)}
    assert "ops/%E7%BB%84%E7%BB%87.yaml" in uris and "ops/bad%5Cxff.yaml" in uris


def _results(path: Path) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["runs"][0]["results"]
    return results


# --- item 6: every output escapes everything -------------------------------------------------

NASTY_NAMES = [
    "new\nline::error file=x::pwned.yaml",
    "esc\x1b[31mred\x07bell.yaml",
    "c1\x85\x9bx.yaml",
    "bidi\u202eevil.yaml",
    "pct%0A,col:x.yaml",
    "pipe|`<b>[x](javascript:alert(1)).yaml",
    "cr\rret.yaml",
]
MESSAGE = (
    "'esc \\u001b[31mred\\u0007 bell\\n::error file=a::x %0A <script>|x| [l](javascript:x) https://evil.example "
    "\\u202e bidi \\u0085 nel \\r cr \\u009b c1 \\u2028 ls ' + object.metadata.name"
)
POLICY = f"""\
apiVersion: opsgov/v1
kind: Policy
metadata: {{name: ctl, title: ctl}}
spec:
  severity: error
  match: {{kinds: [Unit]}}
  validations:
    - expression: "false"
      message: fallback
      messageExpression: >-
        {MESSAGE}
"""
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")
"""Raw in no output: C0 except tab and line feed, DEL, C1, zero-width, bidi, line and paragraph separators."""


@pytest.fixture(scope="module")
def nasty_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("nasty")
    bad = docs(doc("Unit", "BAD", "{}"))
    write_repo(root, {"policies/ctl.yaml": POLICY, **{f"ops/{name}": bad for name in NASTY_NAMES}})
    report = check_repo(root)
    assert len(only(report, "schema")) == len(NASTY_NAMES) and only(report, "policy/ctl")
    assert not only(report, "internal-error")
    outputs = {name: reporter().render(report) for name, reporter in REPORTERS.items()}
    outputs["markdown"] = render_markdown(report, {})  # no links to GitHub, even on GitHub Actions
    return outputs


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_output_carries_a_raw_control_or_bidi_character(nasty_outputs: dict[str, str], fmt: str) -> None:
    text = nasty_outputs[fmt]
    assert UNSAFE.findall(text) == []
    assert "\r" not in text


def test_text_shows_every_hidden_character_escaped(nasty_outputs: dict[str, str]) -> None:
    text = nasty_outputs["text"]
    assert "ops/new\\nline::error file=x::pwned.yaml:3:18: error schema" in text
    assert "ops/esc\\x1b[31mred\\x07bell.yaml:3:18:" in text and "ops/bidi\\u202eevil.yaml:3:18:" in text
    assert "esc \\x1b[31mred\\x07 bell\\n::error file=a::x" in text and "\\u202e bidi \\x85 nel \\r cr" in text


def test_junit_is_well_formed_xml(nasty_outputs: dict[str, str]) -> None:
    root = ET.fromstring(nasty_outputs["junit"].encode("utf-8"))
    failures = {case.get("name"): case.find("failure") for case in root.iter("testcase")}
    policy = failures["policy/ctl"]
    assert policy is not None and policy.text is not None
    assert "esc \\x1b[31mred\\x07 bell\\n::error" in policy.text


def test_github_annotations_cannot_be_forged(nasty_outputs: dict[str, str]) -> None:
    lines = nasty_outputs["github"].splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(NASTY_NAMES) + 1 and len(lines) == len(annotations) + 1
    for line in annotations:
        properties = line.split("::")[1]  # the runner ends the properties at the first `::`
        assert properties.startswith("error file=ops/") and properties.count(",") == 3
    assert "file=ops/new\\nline%3A%3Aerror file=x%3A%3Apwned.yaml,line=3" in nasty_outputs["github"]
    assert "file=ops/pct%250A%2Ccol%3Ax.yaml,line=3" in nasty_outputs["github"]
    assert "::esc \\x1b[31mred\\x07 bell\\n::error file=a::x %250A" in nasty_outputs["github"]


def test_markdown_rows_stay_rows_without_markup(nasty_outputs: dict[str, str]) -> None:
    rows = [line for line in nasty_outputs["markdown"].splitlines() if line.startswith("| :")]
    assert len(rows) == len(NASTY_NAMES) + 1
    for row in rows:
        assert len(re.findall(r"(?<!\\) \| ", row)) == 3  # four cells: every data pipe is escaped
        assert not re.search(r"(?<!\\)(<(?!br>)|\[)", row) and "https://" not in row  # no tag but ours, no link
    assert "pipe\\|\\`\\<b\\>\\[x\\](javascript:alert(1)).yaml:3" in nasty_outputs["markdown"]


@pytest.mark.parametrize("fmt", ["json", "gitlab", "sarif"])
def test_json_formats_escape_losslessly(nasty_outputs: dict[str, str], fmt: str) -> None:
    data = json.loads(nasty_outputs[fmt])
    dumped = json.dumps(data, ensure_ascii=False)
    if fmt == "json":  # the report is data: the exact file names come back
        files = {f["file"] for f in data["findings"]}
        assert {f"ops/{name}" for name in NASTY_NAMES} <= files
        assert "\\u202e" in nasty_outputs[fmt] and "\\u0085" in nasty_outputs[fmt]
    else:  # what people read is shown escaped; SARIF brackets cannot form a link
        assert "\x1b" not in dumped
    if fmt == "sarif":
        texts = [r["message"]["text"] for r in data["runs"][0]["results"]]
        assert any("\\[l\\](javascript:x)" in t for t in texts)


def test_escapers_by_target() -> None:
    assert escape.text("a\tb\x00c\x9b\u200bd\ufeff\U000e0001") == "a\\tb\\x00c\\x9b\\u200bd\\ufeff\\U000e0001"
    assert escape.text("财务 🔥 café\u3000x") == "财务 🔥 café\u3000x"  # printable text untouched
    assert escape.xml("a\tb\nc\x0bd\u202e") == "a\tb\nc\\x0bd\\u202e"
    assert json.loads(escape.json_dumps(["\u202e\x85\U000e0001"])) == ["\u202e\x85\U000e0001"]
    assert escape.github_property("a:b,c%\n") == "a%3Ab%2Cc%25\\n"
    assert escape.markdown("www.x https://y a|b") == "www\\.x https\\://y a\\|b"
    assert escape.markdown("# h", line_start=True) == "\\# h" and escape.markdown("# h") == "# h"
    assert escape.sarif_text("a\\[b] [c](1)") == "a\\\\\\[b\\] \\[c\\](1)"
