"""The handbook of the example organisation: every page and link, offline, and in a real headless browser."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from opsgov.cli import main
from opsgov.render.handbook import VENDOR, VENDOR_SCRIPTS, draw_many, write_site
from opsgov.render.safe import RenderError, svg_problems
from tests.render.fixtures import TINY
from tests.render.test_hostile import inert
from tests.util import check_repo, doc, write_repo

EXAMPLE = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")

DAY = "2026-11-27"
"""The day the example is shown as of: tests never use the real today (the example changes on 2027-01-01)."""


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handbook")
    result = run("handbook", str(EXAMPLE), "-o", str(out), "--as-of", DAY)
    assert result.exit_code == 0, result.output
    return out


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append(str(values.get("src") or ""))
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_page_is_written(site: Path) -> None:
    model = check_repo(EXAMPLE).model
    assert model is not None
    units = sorted(model.units)
    assert len(units) > 20
    assert sorted(p.stem for p in (site / "units").glob("*.html")) == units
    for name in ("index.html", "approvals.html", "kpis.html", "findings.html", "style.css", "orgchart.svg"):
        assert (site / name).is_file(), name
    for name in ("incident-escalation", "marketing-activity-approval", "monthly-ops-review"):
        assert (site / "processes" / f"{name}.html").is_file()
        assert svg_problems((site / "processes" / f"{name}.svg").read_bytes()) == []


def test_links_are_relative_and_resolve(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = parse(path)
        # no handler or outside link; scripts only the handbook's own files, never inline code (nor anything fetched)
        assert inert(path.read_text(encoding="utf-8")) == [], path
        assert page.inline == [] and all(page.scripts), path
        for link in page.links:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", link, re.IGNORECASE), f"{path}: {link} is not relative"
            target, _, fragment = link.partition("#")
            resolved = (path.parent / (target or path.name)).resolve()  # "#x": a section of this page
            assert resolved.is_file(), f"{path.relative_to(site)} links to missing {link}"
            if fragment:
                assert fragment in parse(resolved).ids, f"{path.relative_to(site)}: no #{fragment} in {target}"
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_unit_page_has_head_posts_duties_processes_and_kpis(site: Path) -> None:
    page = (site / "units" / "marketing.html").read_text(encoding="utf-8")
    assert "<title>市场部 · 示例零售集团</title>" in page
    assert '<a href="../units/marketing.html#marketing-director">市场总监</a>' in page  # head, linked to its row
    assert "市场活动专员" in page and "何雪" in page  # a post and its holders
    assert "营销活动策划" in page or "marketing" in page  # duties
    assert '<a href="../processes/marketing-activity-approval.html">营销活动审批流程</a>' in page
    assert '<a href="../kpis.html#kpi-approval-lead-time">营销审批时效</a>' in page


def test_a_posts_manager_and_dotted_line_managers_are_listed(site: Path, tmp_path: Path) -> None:
    page = (site / "units" / "north-center.html").read_text(encoding="utf-8")
    assert "<th>汇报上级</th><th>虚线汇报</th>" in page and "<th>上级单元</th></tr>" not in page
    row = page.partition('<tr id="north-center-manager"')[2].partition("</tr>")[0]
    assert '<a href="../units/ops-center.html#ops-deputy-director">运营副总监</a>' in row
    assert '<a href="../units/marketing.html#marketing-director">市场总监</a>' in row
    assert '<a href="../units/supply-chain.html#supply-chain-director">供应链总监</a>' in row
    assert run("handbook", str(EXAMPLE), "-o", str(tmp_path), "--as-of", DAY, "--format", "md").exit_code == 0
    md = (tmp_path / "units" / "north-center.md").read_text(encoding="utf-8")
    assert "| 汇报上级 | 虚线汇报 |" in md
    assert "| [运营副总监](../units/ops-center.md) | [市场总监](../units/marketing.md)、[供应链总监]" in md


def test_process_page_has_diagram_and_raci(site: Path) -> None:
    page = (site / "processes" / "marketing-activity-approval.html").read_text(encoding="utf-8")
    assert '<img src="marketing-activity-approval.svg"' in page
    assert "<h2>RACI 责任矩阵</h2>" in page
    assert '<td><span class="role role-R" title="负责：执行">R</span>/<span class="role role-A"' in page
    assert '<th colspan="5" class="group">营销活动审批流程</th>' in page and '<ul class="legend">' in page


def test_approvals_kpis_and_findings_pages(site: Path, tmp_path: Path) -> None:
    assert "100,000 CNY（含）至 500,000 CNY（含）" in (site / "approvals.html").read_text(encoding="utf-8")
    kpis = (site / "kpis.html").read_text(encoding="utf-8")
    # the locale is zh-CN: units, direction and frequency in Chinese, not "48 hours", "lower-is-better"
    assert "<td>48 小时</td><td>48 小时</td><td>57.6 小时</td><td>越低越好</td><td>每月</td>" in kpis
    assert "<td>85%</td>" in kpis and "<td>3 个</td>" in kpis
    plain_cells = re.findall(r"<td>([^<]*)</td>", kpis)
    assert not [c for c in plain_cells if re.search(r"hours|percent|count|is-better|ly$", c)]
    unit_page = (site / "units" / "company.html").read_text(encoding="utf-8")
    assert '<small>公司 · <span translate="no">company</span></small>' in unit_page
    assert "没有发现问题。" in (site / "findings.html").read_text(encoding="utf-8")  # the example is clean
    out = tmp_path / "tiny"
    assert run("handbook", str(write_repo(tmp_path / "repo", TINY)), "-o", str(out)).exit_code == 0
    findings = (out / "findings.html").read_text(encoding="utf-8")
    assert "vacant-key-post" in findings and "ops/tiny.yaml:" in findings


def test_markdown_handbook_for_wikis(tmp_path: Path) -> None:
    result = run("handbook", str(EXAMPLE), "-o", str(tmp_path), "--as-of", DAY, "--format", "md")
    assert result.exit_code == 0
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "![组织架构图](orgchart.svg)" in index
    for path in tmp_path.rglob("*.md"):
        for link in re.findall(r"\]\(([^)]+)\)", path.read_text(encoding="utf-8")):
            target = link.partition("#")[0]
            assert (path.parent / target).is_file(), f"{path.relative_to(tmp_path)} links to missing {link}"


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_optional_fields_left_out_do_not_break_a_page(tmp_path: Path, fmt: str) -> None:
    sparse = {
        "ops/sparse.yaml": doc("Unit", "misc", "{parent: company}", title="杂项组")  # no type
        + "---\n"
        + doc("KPI", "bare", "{owner: misc}", title="只有负责人的指标"),  # no target, unit, frequency, method
    }
    out = tmp_path / "hb"
    result = run("handbook", str(write_repo(tmp_path / "repo", {**TINY, **sparse})), "-o", str(out), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "只有负责人的指标" in (out / f"kpis.{fmt}").read_text(encoding="utf-8")
    assert "杂项组" in (out / "units" / f"misc.{fmt}").read_text(encoding="utf-8")


def test_the_handbook_folder_is_swapped_in_whole(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", TINY)
    out = tmp_path / "hb"
    assert run("handbook", str(repo), "-o", str(out)).exit_code == 0
    (out / "units" / "deleted-unit.html").write_text("stale", encoding="utf-8")
    assert run("handbook", str(repo), "-o", str(out)).exit_code == 0
    assert (out / "units" / "finance.html").is_file() and not (out / "units" / "deleted-unit.html").exists()
    # a write that fails half-way leaves the previous handbook as it was, and no temporary folder
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(OSError):
        write_site({"index.html": "new", "index.html/oops": "x"}, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert (out / "index.html").read_text(encoding="utf-8") != "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hb", "repo"]


def test_a_folder_that_holds_something_else_is_not_wiped(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    result = run("handbook", str(write_repo(tmp_path / "repo", TINY)), "-o", str(out))
    assert result.exit_code == 2 and "is not empty and holds no handbook" in result.output
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    with pytest.raises(RenderError, match="is a file"):
        write_site({"index.html": "x"}, out / "mine.txt")


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={profile}",
    ]
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_pages_load_in_a_headless_browser_without_console_errors(site: Path, tmp_path: Path) -> None:
    pages = ["index.html", "units/ops-center.html", "processes/marketing-activity-approval.html", "approvals.html"]
    for name in pages:
        result = chromium("--dump-dom", (site / name).as_uri(), profile=tmp_path / "profile")
        assert result.returncode == 0, result.stderr[-2000:]
        console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
        assert console == [], f"{name}: {console}"
        assert "</main>" in result.stdout, name
        assert 'href="' in result.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_screenshot_shows_the_org_chart(site: Path, tmp_path: Path) -> None:
    shot = tmp_path / "index.png"
    result = chromium(
        f"--screenshot={shot}", "--window-size=1400,1000", (site / "index.html").as_uri(), profile=tmp_path / "p"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a page with a drawn chart, not a blank one


def test_hints_show_code_spans_as_code(tmp_path: Path) -> None:
    """A hint like "write `below: 100000`" shows the YAML as code, escaped, not as raw backticks."""
    from opsgov.render.handbook import code_spans

    assert str(code_spans("write `a: <b>` or `c`")) == "write <code>a: &lt;b&gt;</code> or <code>c</code>"
    assert str(code_spans("a ` lone <x>")) == "a ` lone &lt;x&gt;"
    overlap = doc(
        "ApprovalMatrix",
        "buy",
        "{subject: 采购, bands: [{upTo: 100, approvers: [coo]}, {from: 100, approvers: [ceo]}]}",
    )
    out = tmp_path / "site"
    root = write_repo(tmp_path / "repo", {**TINY, "ops/buy.yaml": overlap})
    assert run("handbook", str(root), "-o", str(out)).exit_code == 0
    findings = (out / "findings.html").read_text(encoding="utf-8")
    assert "在第 1 档写 <code>below: 100</code>，或在第 2 档写 <code>over: 100</code>" in findings  # TINY speaks zh-CN
    cells = re.findall(r"<td>([^<]*(?:<(?!/td>)[^<]*)*)</td>", findings)
    assert "<code>" in findings
    assert not any("`" in cell for cell in cells)


def test_two_organizations_keep_the_first_locale(tmp_path: Path) -> None:
    second = doc("Organization", "other", "{root: company, locale: en-GB}")
    out = tmp_path / "site"
    root = write_repo(tmp_path / "repo", {**TINY, "ops/z-other.yaml": second})
    assert run("handbook", str(root), "-o", str(out)).exit_code == 0
    unit_page = (out / "units" / "finance.html").read_text(encoding="utf-8")
    assert '<small>部门 · <span translate="no">finance</span></small>' in unit_page and "负责人" in unit_page
    chart = run("render", "orgchart", str(root), "--format", "dot").output
    assert "部门 · finance" in chart and "[冻结]" in chart and "frozen" not in chart


# --- issue 16: search index, chart data, unit pages, source links, vendored scripts, preview ---


def script_data(path: Path, name: str) -> object:
    """The JSON a data script assigns to window.NAME (the page reads it with a <script>, never fetch)."""
    text = path.read_text(encoding="utf-8")
    prefix = f"window.{name} = "
    assert text.startswith(prefix) and text.endswith(";\n")
    assert "</" not in text  # no </script> can close the tag that loads it
    return json.loads(text[len(prefix) : -2])


def test_vendored_scripts_match_their_checksums(site: Path) -> None:
    vendored = sorted(VENDOR.glob("*.sha256"))
    assert sorted(p.name.removesuffix(".sha256") for p in vendored) == sorted(VENDOR_SCRIPTS)
    for checksum in vendored:
        expected, name = checksum.read_text(encoding="utf-8").split()
        data = (VENDOR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected, f"{name} differs from {checksum.name}"
        assert (VENDOR / (name.removesuffix(".min.js") + ".LICENSE")).is_file()
        assert (site / "vendor" / name).read_bytes() == data  # the handbook ships the very same bytes
    # a changed byte is caught: the check above is not vacuous
    assert hashlib.sha256(b"x" + (VENDOR / "d3.min.js").read_bytes()).hexdigest() not in {
        c.read_text(encoding="utf-8").split()[0] for c in vendored
    }


def test_search_index_finds_every_kind_and_links_to_its_page(site: Path) -> None:
    rows = script_data(site / "assets" / "search.js", "OPSGOV_SEARCH")
    assert isinstance(rows, list)
    by_key = {f"{r[0]}/{r[1]}": r for r in rows}
    assert by_key["Unit/marketing"][2:] == ["市场部", "市场总监 马琳", "units/marketing.html"]
    post = by_key["Position/campaign-specialist"]
    assert "何雪" in post[3] and post[4] == "units/marketing.html#campaign-specialist"  # found by its holder
    assert by_key["Person/he-xue"][4] == "units/marketing.html#campaign-specialist"
    assert by_key["Process/marketing-activity-approval"][4] == "processes/marketing-activity-approval.html"
    assert by_key["KPI/kpi-approval-lead-time"][4] == "kpis.html#kpi-approval-lead-time"
    assert {r[0] for r in rows} == {"Unit", "Position", "Person", "Responsibility", "Process", "ApprovalMatrix", "KPI"}
    for row in rows:  # every result's page and section exist
        target, _, fragment = row[4].partition("#")
        assert (site / target).is_file(), row
        if fragment:
            assert fragment in parse(site / target).ids, row


def test_chart_data_rolls_up_headcount_filled_and_vacancies(site: Path) -> None:
    nodes = script_data(site / "assets" / "units.js", "OPSGOV_UNITS")
    assert isinstance(nodes, list)
    by_id = {n["id"]: n for n in nodes}
    model = check_repo(EXAMPLE).model
    assert model is not None
    assert set(by_id) == set(model.units) and by_id["company"]["parentId"] is None
    marketing = by_id["marketing"]
    assert marketing["parentId"] == "ops-center" and marketing["href"] == "units/marketing.html"
    assert marketing["hc"] == [4, 4] and marketing["filled"] == [3, 3] and marketing["vacant"] == [1, 1]
    # the top's total is the sum over the whole organisation
    seats = sum(p.spec.get("headcount", 1) for p in model.positions.values())
    assert by_id["company"]["hc"][1] == seats
    assert by_id["company"]["vacant"][1] == sum(n["vacant"][0] for n in nodes)


def test_breadcrumbs_and_source_links(site: Path) -> None:
    page = (site / "units" / "north-center.html").read_text(encoding="utf-8")
    crumbs = page.partition('<ol class="breadcrumbs">')[2].partition("</ol>")[0]
    assert re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", crumbs) == [
        "示例零售集团",
        "总公司",
        "运营管理中心",
        "华北区域运营中心",
    ]
    source = re.search(r'源文件: <a href="([^"]+)" translate="no">ops/units/north-center\.yaml:(\d+)</a>', page)
    assert source is not None
    target = (site / "units" / source.group(1)).resolve()
    assert target == (EXAMPLE / "ops/units/north-center.yaml").resolve()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[int(source.group(2)) - 1] == "apiVersion: opsgov/v1"  # the line where the document starts


def test_source_url_template_from_opsgov_yaml(tmp_path: Path) -> None:
    url = "https://github.com/o/r/blob/main/{path}#L{line}"
    root = write_repo(tmp_path / "repo", {**TINY, "opsgov.yaml": f"sourceUrl: '{url}'\n"})
    out = tmp_path / "hb"
    assert run("handbook", str(root), "-o", str(out)).exit_code == 0
    page = (out / "units" / "finance.html").read_text(encoding="utf-8")
    assert '<a href="https://github.com/o/r/blob/main/ops/tiny.yaml#L1" translate="no">ops/tiny.yaml:1</a>' in page
    assert '<a href="https://github.com/o/r/blob/main/ops/tiny.yaml#L11">ops/tiny.yaml:11</a>' in page  # the cfo post
    (root / "opsgov.yaml").write_text("sourceUrl: github.com/o/r\n", encoding="utf-8")
    result = run("handbook", str(root), "-o", str(out))
    assert result.exit_code == 2
    assert "opsgov.yaml:1:12: sourceUrl: 'github.com/o/r' is not a URL template" in result.output


def test_unit_pages_show_findings_about_the_unit_its_posts_and_its_duties(tmp_path: Path) -> None:
    shared = {
        "ops/duty.yaml": doc("Responsibility", "audit", "{}", title="审计")
        + "---\n"
        + doc("Unit", "x", "{parent: company, owns: [audit]}", title="X部")
        + "---\n"
        + doc("Unit", "y", "{parent: company, owns: [audit]}", title="Y部")
    }
    out = tmp_path / "hb"
    assert run("handbook", str(write_repo(tmp_path / "repo", {**TINY, **shared})), "-o", str(out)).exit_code == 0

    def rules(unit: str) -> list[str]:
        page = (out / "units" / f"{unit}.html").read_text("utf-8")
        return re.findall(r'<td><code translate="no">([a-z-]+)</code></td>', page)

    assert rules("x") == ["duty-overlap"] and rules("y") == ["duty-overlap"]  # an overlap shows on every owner
    assert "职责 审计 (audit) 由 X部 (x) 和 Y部 (y) 承担，且互不包含" in (out / "units" / "y.html").read_text("utf-8")
    assert rules("ops") == ["vacant-key-post"]  # about its post coo
    assert rules("finance") == []
    findings = (out / "findings.html").read_text(encoding="utf-8")
    assert "<th>级别</th><th>规则</th><th>对象</th><th>说明</th><th>建议</th><th>位置</th>" in findings
    duty = (
        '<td>错误</td><td><code translate="no">duty-overlap</code></td>'
        '<td><a href="units/x.html#duty-audit">审计</a></td>'
    )
    assert duty in findings  # the duty's section on its first owner's page
    assert 'id="duty-audit"' in (out / "units" / "x.html").read_text("utf-8")
    assert '<td><a href="units/ops.html#coo">运营总监</a></td>' in findings
    assert '<a href="../repo/ops/tiny.yaml">ops/tiny.yaml:23</a>' in findings


def test_posts_are_listed_head_first_then_by_level_then_in_document_order(tmp_path: Path) -> None:
    posts = {
        "ops/posts.yaml": "---\n".join(
            [
                doc("Unit", "team", "{parent: company, head: lead}", title="组"),
                doc("Position", "junior-a", "{unit: team, reportsTo: senior, level: P3}", title="初级甲"),
                doc("Position", "senior", "{unit: team, reportsTo: lead, level: M1}", title="高级"),
                doc("Position", "junior-b", "{unit: team, reportsTo: senior, level: P3}", title="初级乙"),
                doc("Position", "plain", "{unit: team, reportsTo: lead}", title="无级别"),
                doc("Position", "lead", "{unit: team, reportsTo: ceo, level: M2}", title="组长"),
            ]
        )
    }
    out = tmp_path / "hb"
    assert run("handbook", str(write_repo(tmp_path / "repo", posts)), "-o", str(out)).exit_code == 0
    page = (out / "units" / "team.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr id="([a-z-]+)"', page) == ["lead", "senior", "junior-a", "junior-b", "plain"]


def test_progress_goes_to_stderr(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["handbook", str(EXAMPLE), "-o", str(tmp_path / "hb")], catch_exceptions=False)
    assert result.exit_code == 0
    assert "handbook: 26 units, " in result.stderr and "unit pages written" in result.stderr
    assert "handbook:" not in result.stdout and result.stdout.startswith("wrote ")


def test_a_title_cannot_break_out_of_the_data_scripts(tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script>"
    root = write_repo(
        tmp_path / "repo", {**TINY, "ops/x.yaml": doc("Unit", "x", "{parent: company}", title=json.dumps(hostile))}
    )
    out = tmp_path / "hb"
    assert run("handbook", str(root), "-o", str(out)).exit_code == 0
    nodes = script_data(out / "assets" / "units.js", "OPSGOV_UNITS")
    assert isinstance(nodes, list) and hostile in [n["title"] for n in nodes]
    assert "<script>alert" not in (out / "units" / "x.html").read_text(encoding="utf-8")


def test_a_very_deep_chain_of_units_builds_with_short_breadcrumbs(tmp_path: Path) -> None:
    depth = 400  # nested templates broke at a few hundred levels; each page listed its whole chain
    chain = [
        doc("Unit", f"d{i}", "{parent: %s}" % ("company" if i == 0 else f"d{i - 1}"), title=f"层{i}")
        for i in range(depth)
    ]
    out = tmp_path / "hb"
    result = run("handbook", str(write_repo(tmp_path / "repo", {"ops/deep.yaml": "---\n".join(chain)})), "-o", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "units" / "d399.html").read_text(encoding="utf-8")
    crumbs = page.partition('<ol class="breadcrumbs">')[2].partition("</ol>")[0]
    assert re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", crumbs) == [
        "示例公司",
        "总公司",
        "层0",
        "…",
        "层396",
        "层397",
        "层398",
        "层399",
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<details") == depth and index.count("</details>") == depth


def test_many_diagrams_share_one_dot_run_and_a_bad_one_keeps_its_own_error() -> None:
    good = "digraph { a [label=<销售部>]; a -> b }"
    drawn = draw_many([good, good.replace("b", "c")])
    assert [svg_problems(svg or b"") for svg, _ in drawn] == [[], []]
    assert b"<title>c</title>" in (drawn[1][0] or b"") and b"<title>c</title>" not in (drawn[0][0] or b"")
    mixed = draw_many([good, "digraph { a -> }", good])
    assert mixed[0][0] is not None and mixed[2][0] is not None
    assert mixed[1][0] is None and mixed[1][1].startswith("Graphviz failed")


def test_approvals_grouped_by_category_and_a_voting_body_shows_its_vote(site: Path) -> None:
    approvals = (site / "approvals.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h([23])>([^<]*)</h\1>", approvals)
    assert headings[:3] == [("2", "人事任免"), ("3", "部门负责人任免"), ("2", "价格调整")]
    assert "<td>5%（含）以下</td>" in approvals
    board = (site / "units" / "gm-office-meeting.html").read_text(encoding="utf-8")
    vote = "<dt>表决</dt><dd>总经理办公会（表决：5 人中 3 人出席，简单多数通过）: "
    assert vote in board
    assert '<a href="../units/finance.html#finance-director">财务总监</a>' in board
