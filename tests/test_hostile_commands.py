"""Every command on hostile and broken input: exit 0, 1 or 2 as docs/cli.md says, never a traceback or
an internal error, outputs whole or absent, every title shown as text and never as markup."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import opsgov.atomic
import opsgov.commands.init
import opsgov.load.parallel
from opsgov.cli import main
from opsgov.render.handbook import HANDBOOK_MARKER
from opsgov.render.safe import svg_problems
from tests.gitutil import git, needs_git
from tests.gitutil import init as git_init
from tests.render.test_hostile import inert
from tests.util import doc, docs, usage_error, write_repo

HOSTILE = [
    "say \"hi\" and 'bye'",
    "\\N \\l \\G \\E \\T \\H \\L back\\slash",
    "trailing\\",
    "<b>bold</b> & <i>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)" onclick="x">x</a>',
    "<svg onload=alert(1)>",
    '"] ; a -> b [label="x',
    "</TD></TR></TABLE>>",
    "&amp; &#60; &lt;",
    "财务共享中心（华东）",
    "emoji 🔥👍",
    "نص عربي",
    "{{ 7*7 }} {% raw %}",
    "| pipe | [link](javascript:x) *em*",
    '=HYPERLINK("http://x")',
    "]]><!-- -->",
    "long " + "很长的标题" * 200,
]
"""Hostile titles that are valid (no control or bidi characters): they must come out as text."""

DESCRIPTION_ONLY = "escape \x1b[31mred\x1b[0m bell \x07 cr \r tab \t"
"""Control characters are refused in titles but may sit in a description or a subject."""


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON is valid YAML 1.2 flow)."""
    return json.dumps(value, ensure_ascii=False)


def hostile_files(title: str) -> dict[str, str]:
    """An organisation whose every title, subject, description, label, step and policy message is `title`,
    with broken documents beside it: schema errors, dangling refs, cycles, unknown steps, a band gap, a
    KPI without thresholds, a Person holding unknown posts, a title with a control character."""
    t = q(title)
    described = q(title + DESCRIPTION_ONLY)
    meta = f"title: {t}, description: {described}, labels: {{note: {described}}}"
    org = f"""\
apiVersion: opsgov/v1
kind: Organization
metadata: {{name: acme, {meta}}}
spec: {{root: company, currency: CNY, locale: zh-CN}}
---
apiVersion: opsgov/v1
kind: Unit
metadata: {{name: company, {meta}}}
spec: {{type: company, head: ceo, owns: [duty]}}
---
apiVersion: opsgov/v1
kind: Unit
metadata: {{name: finance, {meta}}}
spec: {{type: department, parent: company, head: cfo, owns: [duty], dottedLines: [company]}}
---
apiVersion: opsgov/v1
kind: Position
metadata: {{name: ceo, {meta}}}
spec: {{unit: company}}
---
apiVersion: opsgov/v1
kind: Position
metadata: {{name: cfo, {meta}}}
spec: {{unit: finance, reportsTo: ceo, owns: [duty]}}
---
apiVersion: opsgov/v1
kind: Person
metadata: {{name: zhang, {meta}}}
spec: {{holds: [cfo, ghost-post]}}
---
apiVersion: opsgov/v1
kind: Responsibility
metadata: {{name: duty, {meta}}}
spec: {{category: {t}}}
---
apiVersion: opsgov/v1
kind: ApprovalMatrix
metadata: {{name: spend, {meta}}}
spec:
  subject: {described}
  bands:
    - {{upTo: 100, approvers: [cfo]}}
    - {{over: 200, approvers: [ceo], mode: all, escalation: {{after: 1d, to: ceo}}}}
---
apiVersion: opsgov/v1
kind: Process
metadata: {{name: flow, {meta}}}
spec:
  owner: company
  kpis: [kpi]
  steps:
    - {{id: draft, title: {t}, responsible: cfo, consulted: [finance], informed: [company], next: [approve, nowhere]}}
    - {{id: approve, title: {t}, responsible: [ceo], approval: spend, sla: 1d, next: [draft]}}
---
apiVersion: opsgov/v1
kind: KPI
metadata: {{name: kpi, {meta}}}
spec: {{owner: cfo, unit: count, direction: higher-is-better, target: 1, frequency: monthly, method: {t}}}
"""
    broken = docs(
        doc("Unit", "loop-a", "{type: team, parent: loop-b}"),
        doc("Unit", "loop-b", "{type: team, parent: loop-a}"),
        doc("Unit", "schema-bad", "{type: team, parent: nothing, head: 7, owns: yes}"),
        doc("Position", "orphan", "{unit: nowhere, reportsTo: nobody, headcount: -1}"),
        doc("Process", "broken", "{owner: company, steps: []}"),
        doc("Unit", "ctl", "{type: team, parent: company}", title='"bell\\a here"'),
        "apiVersion: opsgov/v1\nkind: Nonsense\nmetadata: {name: x}\nspec: {}\n",
    )
    policy = f"""\
apiVersion: opsgov/v1
kind: Policy
metadata: {{name: hostile, title: {t}}}
spec:
  severity: warning
  match: {{kinds: [Unit, Position]}}
  validations:
    - expression: "false"
      message: {described}
    - expression: "false"
      messageExpression: "object.metadata.title + ' <script>x</script>'"
"""
    return {
        "ops/org.yaml": org,
        "ops/broken.yaml": broken,
        "ops/syntax.yaml": "a: [unclosed\n",
        "policies/hostile.yaml": policy,
    }


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    return result


class Text(HTMLParser):
    """The text a browser shows (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(page: str) -> str:
    """A title shown literally is in this."""
    parser = Text()
    parser.feed(page)
    return "".join(parser.parts)


def assert_inert_svg(svg: bytes, title: str) -> None:
    assert svg_problems(svg) == []
    root = ET.fromstring(svg)
    for element in root.iter():
        assert not element.tag.endswith("}script")
        assert not any(name.rsplit("}", 1)[-1].startswith("on") for name in element.attrib)
        assert not any(name.endswith("href") for name in element.attrib)
    texts = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text"))
    assert title[:20] in texts or title[:20].strip() in texts.replace("\xa0", " "), texts[:500]


def no_temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.endswith(".old")]


CASES = [pytest.param(title, id=f"title{index}") for index, title in enumerate(HOSTILE)]


@pytest.mark.parametrize("title", CASES)
def test_check_reports_every_format_whole_and_never_crashes(tmp_path: Path, title: str) -> None:
    root = write_repo(tmp_path / "repo", hostile_files(title), base=False)
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown", "gitlab"):
        out = tmp_path / f"report.{fmt}"
        result = run("check", str(root), "--format", fmt, "-o", str(out), "--today", "2026-11-23")
        assert result.exit_code == 1, (fmt, result.output)  # the broken documents are errors
        body = out.read_text(encoding="utf-8")
        if fmt in ("json", "sarif", "gitlab"):
            json.loads(body)
        if fmt == "junit":
            ET.fromstring(body)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    rules = {finding["rule"] for finding in report["findings"]}
    expected = {"schema", "dangling-ref", "unit-cycle", "step-unknown", "approval-gap", "yaml-syntax", "yaml-strict"}
    assert expected <= rules, rules
    messages = [f["message"] for f in report["findings"] if f["rule"] == "policy/hostile"]
    assert title + DESCRIPTION_ONLY in messages  # the policy's message, kept exactly
    text = run("check", str(root), "--today", "2026-11-23").output
    assert "\x1b" not in text and "\x07" not in text  # a message cannot drive the terminal
    assert no_temporaries(tmp_path) == []


@pytest.mark.parametrize("title", CASES)
def test_explain_and_who_approves_every_entity(tmp_path: Path, title: str) -> None:
    root = write_repo(tmp_path / "repo", hostile_files(title), base=False)
    for ref in ("acme", "company", "Unit/finance", "ceo", "cfo", "zhang", "duty", "spend", "flow", "kpi", "loop-a"):
        for fmt in ("text", "json"):
            result = run("explain", ref, str(root), "--format", fmt)
            assert result.exit_code == 0, (ref, result.output)
            if fmt == "json":
                json.loads(result.output)
            else:
                assert "\x1b" not in result.output
    assert title in run("explain", "company", str(root)).output
    for ref, message in (
        ("schema-bad", "Unit/schema-bad is declared but its document is invalid; `opsgov check` says why"),
        ("Unit/", "'Unit/' names no Unit in this repository"),
        ("/x", "unknown kind '' in '/x'; kinds are Organization, Unit,"),
        ("Kind/x", "unknown kind 'Kind' in 'Kind/x'"),
        ("<script>", "'<script>' names nothing in this repository"),
    ):
        usage_error(run("explain", ref, str(root)), message)
    run("explain", title, str(root))  # a title names many entities here: an answer or a clear error
    assert run("who-approves", "spend", "50", str(root)).exit_code == 0
    assert run("who-approves", "spend", "150", str(root)).exit_code == 1  # the gap: no band
    assert run("who-approves", "spend", "150", str(root), "--format", "json").exit_code == 1
    usage_error(
        run("who-approves", "nosuch", "1", str(root)),
        "'nosuch' names no ApprovalMatrix in this repository; the ApprovalMatrix names are",
    )


@pytest.mark.parametrize("title", CASES)
def test_renders_are_whole_inert_and_show_the_title(tmp_path: Path, title: str) -> None:
    root = write_repo(tmp_path / "repo", hostile_files(title), base=False)
    chart, lanes = tmp_path / "chart.svg", tmp_path / "flow.svg"
    assert run("render", "orgchart", str(root), "-o", str(chart), "--people").exit_code == 0
    assert run("render", "process", "flow", str(root), "-o", str(lanes)).exit_code == 0
    for svg in (chart, lanes):
        assert_inert_svg(svg.read_bytes(), title)
    dot = run("render", "orgchart", str(root), "--format", "dot").output
    assert "<script>" not in dot and "\\N" not in dot.replace("\\\\", "")
    for kind in ("raci", "approvals"):
        for fmt in ("md", "csv", "html"):
            out = tmp_path / f"{kind}.{fmt}"
            assert run("render", kind, str(root), "-o", str(out)).exit_code == 0
            body = out.read_text(encoding="utf-8")
            if fmt == "html":
                assert inert(body) == []
                assert title in html_text(body)
            if fmt == "md":
                assert "<script>" not in body and "[link](javascript:" not in body
            if fmt != "html":  # printed to a terminal without -o: a subject cannot drive it
                assert "\x1b" not in body and "\x07" not in body
    usage_error(
        run("render", "process", "nowhere", str(root)),
        "'nowhere' names no Process in this repository; the Process names are: flow",
    )
    for fmt in ("graphml", "json"):
        out = tmp_path / f"graph.{fmt}"
        assert run("graph", "export", str(root), "--format", fmt, "-o", str(out)).exit_code == 0
        if fmt == "json":
            titles = {node["title"] for node in json.loads(out.read_text(encoding="utf-8"))["nodes"]}
            assert title in titles
        else:
            ET.parse(out)
    assert no_temporaries(tmp_path) == []


@pytest.mark.parametrize("title", CASES)
def test_handbook_pages_are_inert_and_show_the_title(tmp_path: Path, title: str) -> None:
    root = write_repo(tmp_path / "repo", hostile_files(title), base=False)
    site = tmp_path / "site"
    result = run("handbook", str(root), "-o", str(site))
    assert result.exit_code == 0, result.output
    pages = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    for name, path in pages.items():
        if name.endswith(".html"):
            assert inert(path.read_text(encoding="utf-8")) == [], name
        elif name.endswith(".svg"):
            assert svg_problems(path.read_bytes()) == [], name
    assert title in html_text(pages["units/company.html"].read_text(encoding="utf-8"))
    assert run("handbook", str(root), "-o", str(tmp_path / "md"), "--format", "md").exit_code == 0
    assert "<script>" not in (tmp_path / "md" / "units" / "company.md").read_text(encoding="utf-8")


def test_the_commands_that_read_no_repository(tmp_path: Path) -> None:
    assert run("rules").exit_code == 0
    assert run("rules", "unit-cycle").exit_code == 0
    usage_error(run("rules", "<script>"), "unknown rule '<script>'; `opsgov rules` lists them")
    assert run("schema").exit_code == 0
    assert run("schema", "--bundle").exit_code == 0
    assert run("schema", "-o", str(tmp_path / "schemas 模式")).exit_code == 0
    assert run("init", str(tmp_path / "starter 起步")).exit_code == 0
    assert run("check", str(tmp_path / "starter 起步")).exit_code == 0
    usage_error(run("init", str(tmp_path / "starter 起步")), "starter 起步: the folder is not empty; choose another")


@needs_git
def test_diff_on_hostile_history(tmp_path: Path) -> None:
    root = git_init(tmp_path / "repo 仓库")
    write_repo(root, hostile_files(HOSTILE[4]), base=False)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "hostile")
    write_repo(root, hostile_files(HOSTILE[6]), base=False)
    for fmt in ("markdown", "json"):
        out = tmp_path / f"diff.{fmt}"
        result = run("diff", "HEAD", str(root), "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.is_file()
    usage_error(run("diff", "--", "--output=/tmp/x", str(root)), "'--output=/tmp/x' is not a git revision")
    usage_error(run("diff", "no-such-rev", str(root)), "unknown git revision 'no-such-rev' in ")


@settings(  # three CLI commands per example: a third of the profile's budget (conftest)
    max_examples=settings.default.max_examples // 3, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=80))
def test_random_titles_never_crash(tmp_path: Path, title: str) -> None:
    """Random titles (control characters included): a clear finding or error, never a crash."""
    root = write_repo(tmp_path / "repo", {"ops/x.yaml": doc("Unit", "team", "{parent: company}", title=q(title))})
    explained = run("explain", "team", str(root))
    if explained.exit_code != 0:  # a title the format refuses (a control character) leaves the unit or file out
        usage_error(explained, "Unit/team is declared but its document is invalid", "'team' names nothing")
    for args in (
        ("render", "orgchart", str(root), "--format", "dot"),
        ("handbook", str(root), "-o", str(tmp_path / "site")),
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)  # exit 2 would be a crash


# --- places and sizes ---------------------------------------------------------------------------


def test_an_empty_repository_and_a_repository_that_is_a_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", str(empty))
    assert result.exit_code == 1 and "org-root" in result.output
    usage_error(run("explain", "x", str(empty)), "'x' names nothing in this repository")
    usage_error(
        run("who-approves", "m", "1", str(empty)),
        "'m' names no ApprovalMatrix in this repository; the repository declares no valid",
    )
    assert run("render", "orgchart", str(empty), "--format", "dot").exit_code == 0
    usage_error(
        run("render", "process", "p", str(empty)), "'p' names no Process in this repository; the repository declares no"
    )
    assert run("handbook", str(empty), "-o", str(tmp_path / "site")).exit_code == 0
    a_file = str(tmp_path / "a file.yaml")
    Path(a_file).write_text("x: 1\n", encoding="utf-8")
    for args in (
        ("check", a_file),
        ("explain", "x", a_file),
        ("who-approves", "m", "1", a_file),
        ("graph", "export", a_file),
        ("render", "orgchart", a_file),
        ("render", "raci", a_file),
        ("render", "approvals", a_file),
        ("render", "process", "p", a_file),
        ("handbook", a_file, "-o", str(tmp_path / "h")),
    ):
        result = run(*args)
        assert result.exit_code == 2 and "is a file" in result.output, (args, result.output)


def test_a_path_with_spaces_and_cjk(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "我的 仓库" / "治理 ops", hostile_files("财务部"), base=False)
    out = tmp_path / "输出 文件夹" / "组织 图.svg"
    out.parent.mkdir()
    assert run("render", "orgchart", str(root), "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"<?xml")
    assert run("check", str(root), "--format", "json", "-o", str(out.with_suffix(".json"))).exit_code == 1


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("check",), "report.txt"),
        (("render", "orgchart"), "chart.svg"),
        (("render", "raci"), "raci.md"),
        (("render", "approvals"), "approvals.html"),
        (("graph", "export"), "graph.graphml"),
    ],
)
def test_output_into_a_missing_folder_or_under_a_file_is_a_clear_error(
    tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    for target in (tmp_path / "missing" / name, blocker / name):
        result = run(*args, str(root), "-o", str(target))
        assert result.exit_code == 2 and "cannot write" in result.output, result.output
        assert not target.parent.is_dir() or not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "repo"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_into_a_read_only_folder(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run("render", "orgchart", str(root), "-o", str(locked / "c.svg"))
        assert result.exit_code == 2 and "cannot write" in result.output
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_output_to_a_device_writes_into_it_and_never_replaces_it(tmp_path: Path) -> None:
    """`-o /dev/null` used to rename a temporary file over the device (as root: /dev/null became a file).

    A named pipe stands in for the device, so a regression cannot break the machine's /dev/null.
    """
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert run("render", "orgchart", str(root), "--format", "dot", "-o", str(fifo)).exit_code == 0
        assert os.read(reader, 1 << 16).startswith(b"digraph")
    finally:
        os.close(reader)
    assert fifo.is_fifo()


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run("check", str(root), "--format", "json", "-o", str(link)).exit_code == 1
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["opsgov"] == "1"


def test_a_folder_with_its_own_index_page_is_not_taken_for_a_handbook(tmp_path: Path) -> None:
    """Only a folder opsgov wrote (its marker file) is replaced whole; a site of your own stays."""
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    site = tmp_path / "docs"
    site.mkdir()
    (site / "index.html").write_text("my own site", encoding="utf-8")
    (site / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("handbook", str(root), "-o", str(site))
    assert result.exit_code == 2 and "holds no handbook" in result.output
    assert (site / "notes.txt").read_text(encoding="utf-8") == "keep me"
    handbook = tmp_path / "handbook"
    assert run("handbook", str(root), "-o", str(handbook)).exit_code == 0
    assert (handbook / HANDBOOK_MARKER).is_file()
    assert run("handbook", str(root), "-o", str(handbook), "--format", "md").exit_code == 0  # replaced whole
    assert (handbook / "index.md").is_file() and not (handbook / "index.html").exists()


def test_a_huge_title_is_a_clear_error_for_diagrams_and_works_elsewhere(tmp_path: Path) -> None:
    huge = "标题<&>\\N" * 17_000  # about 100 KB
    root = write_repo(tmp_path / "repo", {"ops/x.yaml": doc("Unit", "team", "{parent: company}", title=q(huge))})
    assert run("check", str(root)).exit_code == 0
    assert huge in run("explain", "team", str(root)).output
    out = tmp_path / "chart.svg"
    result = run("render", "orgchart", str(root), "-o", str(out))
    assert result.exit_code == 2 and "too large to draw" in result.output and "shorten" in result.output
    assert not out.exists()
    site = tmp_path / "site"
    assert run("handbook", str(root), "-o", str(site)).exit_code == 0
    assert "too large to draw" in (site / "index.html").read_text(encoding="utf-8")


def test_five_thousand_units_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    units = [doc("Unit", f"u{i}", f"{{parent: {'company' if i < 50 else f'u{i % 50}'}}}") for i in range(5000)]
    root = write_repo(tmp_path / "repo", {"ops/units.yaml": docs(*units)})
    result = run("render", "orgchart", str(root), "-o", str(tmp_path / "c.svg"))
    assert result.exit_code == 2 and "--root" in result.output and "5001 units" in result.output
    assert run("render", "orgchart", str(root), "--depth", "1", "--format", "dot").exit_code == 0


def who_approves(tmp_path: Path, amount: str) -> Result:
    matrix = doc("ApprovalMatrix", "spend", "{subject: spend, bands: [{upTo: 100, approvers: [ceo]}]}")
    return run("who-approves", "spend", amount, str(write_repo(tmp_path / "repo", {"ops/m.yaml": matrix})))


@pytest.mark.parametrize("amount", ["1e309", "0x10", "１００", "100.", ".5", "nan", "inf", "1_000", "١٠٠", "", "1,000"])
def test_who_approves_refuses_amounts_that_are_not_plain_numbers(tmp_path: Path, amount: str) -> None:
    result = who_approves(tmp_path, amount)
    assert result.exit_code == 2 and "not a plain number" in result.output


@pytest.mark.parametrize(
    ("amount", "status"), [(" 100 ", 0), ("100", 0), ("100.000000000000000000001", 1), ("1" * 400, 1)]
)
def test_who_approves_plain_amounts(tmp_path: Path, amount: str, status: int) -> None:
    assert who_approves(tmp_path, amount).exit_code == status


def iter_commands() -> Iterator[str]:
    """Every leaf command, so a new one cannot escape this module unnoticed."""
    for name, command in main.commands.items():
        sub = getattr(command, "commands", None)
        yield from (f"{name} {s}" for s in sub) if sub else (name,)


def test_this_module_covers_every_command() -> None:
    covered = {
        "check",
        "rules",
        "schema",
        "who-approves",
        "graph export",
        "explain",
        "diff",
        "render orgchart",
        "render process",
        "render raci",
        "render approvals",
        "handbook",
        "init",
        "import",
        "export",
        "sync",
    }
    assert set(iter_commands()) == covered


@pytest.mark.parametrize("title", HOSTILE[:12] + HOSTILE[16:17])
def test_tables_export_import_and_sync_take_hostile_titles_as_text(tmp_path: Path, title: str) -> None:
    """The broken hostile organisation exports, the export imports and syncs: statuses 0-2, never a traceback."""
    root = write_repo(tmp_path / "repo", hostile_files(title), base=False)
    for suffix in ("xlsx", "csv"):
        table = tmp_path / f"t.{suffix}"
        assert run("export", str(root), "-o", str(table), "--today", "2026-11-23").exit_code == 0
        imported = run("import", str(table), "-o", str(tmp_path / f"i-{suffix}"))
        assert imported.exit_code in (0, 1)
        assert run("sync", "--check", str(table), str(root), "--today", "2026-11-23").exit_code in (0, 1)
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(tmp_path / "t.xlsx").worksheets[0].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)


def test_a_baseline_that_never_ends_is_refused_not_read_into_memory(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    result = run("check", str(root), "--baseline", "/dev/zero")
    assert result.exit_code == 2 and "not an opsgov baseline" in result.output


def test_an_invalid_process_or_unit_is_named_as_invalid_not_as_missing(tmp_path: Path) -> None:
    """`render process NAME` said "no process named" for a process whose document failed validation."""
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    for args in (
        ("render", "process", "broken", str(root)),
        ("render", "raci", str(root), "--process", "broken"),
        ("render", "orgchart", str(root), "--root", "schema-bad"),
    ):
        result = run(*args)
        assert result.exit_code == 2 and "is declared but its document is invalid" in result.output, result.output
    assert "'nowhere' names no Process in this repository" in run("render", "process", "nowhere", str(root)).output


def test_an_error_is_one_line_and_cannot_drive_the_terminal(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", hostile_files("x"), base=False)
    result = run("explain", "a\x1b[2J\nfake.yaml:1:1: error", str(root))
    assert result.exit_code == 2
    assert result.stderr == "opsgov: 'a\\x1b[2J\\nfake.yaml:1:1: error' names nothing in this repository\n"


def test_init_names_the_file_it_cannot_write_and_leaves_no_half_starter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crowded = tmp_path / "crowded"
    (crowded / "opsgov.yaml").mkdir(parents=True)
    result = run("init", str(crowded), "--force")
    assert result.exit_code == 2 and f"cannot write {crowded / 'opsgov.yaml'}: Is a directory" in result.output
    calls: list[Path] = []

    def failing(path: Path, content: str | bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(path))
        opsgov.atomic.write_atomic(path, content)

    monkeypatch.setattr(opsgov.commands.init, "write_atomic", failing)
    fresh = tmp_path / "fresh"
    result = run("init", str(fresh))
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert not fresh.exists()


def test_jobs_beyond_a_few_per_core_are_not_forked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check -j 100000` on a large repository would fork a process per file."""
    asked: list[int] = []

    def record(files: object, sizes: object, limits: object, jobs: int, progress: object) -> None:
        asked.append(jobs)

    monkeypatch.setattr(opsgov.load.parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(opsgov.load.parallel, "_load_parallel", record)
    monkeypatch.setattr(opsgov.load.parallel.os, "cpu_count", lambda: 2)
    files = []
    for index in range(20):
        path = tmp_path / f"u{index}.yaml"
        path.write_text(doc("Unit", f"u{index}", "{parent: company}"), encoding="utf-8")
        files.append((path, path.name))
    result = opsgov.load.parallel.load_files(files, jobs=100_000)
    assert asked == [8] and len(result.documents) == 20
