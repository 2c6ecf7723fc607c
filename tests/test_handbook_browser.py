"""The handbook in a real browser: Playwright driving Debian's chromium (never a downloaded one).

What a reader does: type in the search box, click a unit in the chart, expand and collapse it;
and what must never happen: a request that leaves the file system.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from opsgov import i18n
from opsgov.cli import main
from opsgov.config.settings import Settings
from opsgov.pipeline import check

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

EXAMPLE = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODES = '#orgchart [data-entity^="Unit/"]'


def build(repo: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(main, ["handbook", str(repo), "-o", str(out), *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(EXAMPLE, tmp_path_factory.mktemp("handbook") / "site", "--as-of", "2026-11-27")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Watched:
    """A page that records every request it makes and every script error or console error."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def offline(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    page.page.close()


def test_search_finds_a_chinese_substring_and_links_to_the_page(site: Path, watched: Watched) -> None:
    page = watched.open(site / "units" / "ops-center.html")  # a page one folder down: links must still resolve
    page.fill("#search", "市场")  # part of 市场部 and of 市场活动专员
    result = page.locator('#search-results a[data-entity="Unit/marketing"]')
    result.wait_for(timeout=5000)
    assert result.get_attribute("href") == "../units/marketing.html"
    entities = page.locator("#search-results a[data-entity]").evaluate_all("els => els.map(e => e.dataset.entity)")
    assert entities[0] == "Unit/marketing"  # the title that starts with the words comes first
    assert "Position/campaign-specialist" in entities and "Position/marketing-director" in entities
    result.click()
    page.wait_for_url("**/units/marketing.html")
    assert page.locator("h1").inner_text().startswith("市场部")
    # a person by name: the result opens the post they hold, on its unit's page
    page.fill("#search", "何雪")
    person = page.locator('#search-results a[data-entity="Person/he-xue"]')
    person.wait_for(timeout=5000)
    assert person.get_attribute("href") == "../units/marketing.html#campaign-specialist"
    assert watched.offline() == [] and watched.errors == []


def test_clicking_a_unit_node_opens_its_page(site: Path, watched: Watched) -> None:
    page = watched.open(site / "index.html")
    page.locator(NODES).first.wait_for(timeout=5000)
    assert page.locator(NODES).count() == 26  # a small organisation opens fully expanded
    page.locator(f'{NODES.split(" ")[0]} [data-entity="Unit/north-center"]').click()
    page.wait_for_url("**/units/north-center.html")
    assert page.locator("h1").inner_text().startswith("华北区域运营中心")
    # its page draws the chain to the top and the unit itself, highlighted
    page.locator(NODES).first.wait_for(timeout=5000)
    shown = page.locator(NODES).evaluate_all("els => els.map(e => e.dataset.entity)")
    assert {"Unit/company", "Unit/ops-center", "Unit/north-center"} <= set(shown)
    assert page.locator('#orgchart .oc-focus[data-entity="Unit/north-center"]').count() == 1
    assert watched.offline() == [] and watched.errors == []


def test_expand_and_collapse_change_the_visible_nodes(site: Path, watched: Watched) -> None:
    page = watched.open(site / "index.html")
    page.locator(NODES).first.wait_for(timeout=5000)
    page.click('button[data-chart="collapse"]')
    page.wait_for_function(f"document.querySelectorAll('{NODES}').length === 1", timeout=5000)
    # the top node's own button opens one level; the click does not leave the page
    page.locator("#orgchart .node-button-foreign-object").first.click()
    page.wait_for_function(f"document.querySelectorAll('{NODES}').length === 9", timeout=5000)
    assert page.url.endswith("/index.html")
    page.click('button[data-chart="expand"]')
    page.wait_for_function(f"document.querySelectorAll('{NODES}').length === 26", timeout=5000)
    # find in chart: the unit is shown and its chain to the top highlighted
    page.click('button[data-chart="collapse"]')
    page.wait_for_function(f"document.querySelectorAll('{NODES}').length === 1", timeout=5000)
    page.fill("#chart-find", "华北")
    page.press("#chart-find", "Enter")
    page.locator('#orgchart [data-entity="Unit/north-center"]').wait_for(timeout=5000)
    assert watched.offline() == [] and watched.errors == []


def test_no_page_makes_a_network_request(site: Path, watched: Watched) -> None:
    for name in ["index.html", "units/marketing.html", "processes/incident-escalation.html", "approvals.html"]:
        page = watched.open(site / name)
        page.fill("#search", "流程")
        page.locator("#search-results a[data-entity]").first.wait_for(timeout=5000)
    assert watched.requests and all(url.startswith("file://") for url in watched.requests), watched.offline()
    assert watched.errors == []


def test_a_271_unit_organisation_stays_usable(tmp_path: Path, watched: Watched) -> None:
    repo = tmp_path / "org"
    subprocess.run(
        [sys.executable, str(EXAMPLE / "benchmarks" / "generate.py"), "2168", str(repo)], check=True, timeout=120
    )
    site = build(repo, tmp_path / "site")
    page = watched.open(site / "index.html")
    page.locator(NODES).first.wait_for(timeout=10000)
    assert page.locator(NODES).count() == 9  # collapsed beyond the first level
    page.fill("#chart-find", "部门200")
    page.press("#chart-find", "Enter")
    page.locator('#orgchart [data-entity="Unit/u200"]').wait_for(timeout=10000)
    assert page.locator(NODES).count() < 60  # only the path to it was opened
    page.click('button[data-chart="expand"]')
    page.wait_for_function(f"document.querySelectorAll('{NODES}').length === 271", timeout=20000)
    assert watched.offline() == [] and watched.errors == []


@pytest.fixture(scope="module")
def dated_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example during 黄磊's acting appointment (2027-01-10) and after it, in the leave delegation (2027-02-10)."""
    folder = tmp_path_factory.mktemp("dated")
    return {day: build(EXAMPLE, folder / day, "--as-of", day) for day in ("2027-01-10", "2027-02-10")}


def test_a_unit_page_shows_its_acting_holder_and_later_its_former_holders(
    dated_sites: dict[str, Path], watched: Watched
) -> None:
    page = watched.open(dated_sites["2027-01-10"] / "units" / "data-platform.html")
    assert page.locator("nav .as-of").inner_text() == "截至 2027-01-10"
    row = page.locator("tr#data-platform-manager")
    assert row.locator("td").nth(3).inner_text() == "黄磊（代理，至 2027-01-31）"
    node = page.locator('#orgchart [data-entity="Unit/data-platform"] .oc-head')
    node.wait_for(timeout=5000)
    assert node.inner_text() == "负责人: 数据中台部经理 · 黄磊（代理）"
    assert page.locator("#former-holders").count() == 0  # nobody has held its posts before
    page = watched.open(dated_sites["2027-02-10"] / "units" / "data-platform.html")
    assert page.locator("tr#data-platform-manager td").nth(3).inner_text() == "秦悦"
    history = page.locator("table.former tbody tr")
    assert history.count() == 1 and history.first.is_visible()
    assert history.first.locator("td").all_inner_texts() == [
        "黄磊（代理）",
        "数据中台部经理",
        "2026-10-01 至 2027-01-31",
    ]
    assert watched.offline() == [] and watched.errors == []


def test_the_approvals_page_marks_a_scheduled_delegation(dated_sites: dict[str, Path], watched: Watched) -> None:
    page = watched.open(dated_sites["2027-01-10"] / "approvals.html")
    row = page.locator("tr#delegation-finance-director-leave")
    assert row.is_visible() and row.get_attribute("class") == "scheduled"
    cells = row.locator("td").all_inner_texts()
    assert cells[:2] == ["财务总监年假期间授权 (finance-director-leave)", "计划，自 2027-02-01 起"]
    assert cells[4:7] == ["营销活动费用审批", "200,000 CNY", "2027-02-01 至 2027-02-14"]
    assert row.locator("td").first.evaluate("cell => getComputedStyle(cell).fontStyle") == "italic"
    # the matrix it reaches links to it
    page.locator('#marketing-spend a[href="#delegation-finance-director-leave"]').click()
    assert page.url.endswith("#delegation-finance-director-leave")
    page = watched.open(dated_sites["2027-02-10"] / "approvals.html")
    row = page.locator("tr#delegation-finance-director-leave")
    assert row.get_attribute("class") is None and row.locator("td").nth(1).inner_text() == "生效中"


# --- Every word in the page's language ------------------------------------------------------------

VISIBLE_TEXT = """skip => {
  // What a reader sees: the title, every rendered text node (the chart's nodes too), and the words
  // shown in attributes. Text inside translate="no" is an identifier (a unit's name, a rule id, a
  // file:line), never a word of a language; `skip` leaves out more (the findings' own messages).
  const out = [document.title];
  const left = '[translate="no"], script, style, noscript' + (skip ? ", " + skip : "");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(left)) continue;
    if (parent.checkVisibility && !parent.checkVisibility()) continue;
    out.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], img[alt]")) {
    if (el.closest(left)) continue;
    for (const name of ["placeholder", "aria-label", "title", "alt"]) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  return out.join("\\n");
}"""
ENGLISH_WORD = re.compile(r"(?<![\w./:#@-])[A-Za-z][A-Za-z']+(?![\w./:#@-])")
"""A free-standing English word: not part of an id (ops-center), a path, a YAML key (spec.head) or a URL."""
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
BROKEN = EXAMPLE / "examples" / "broken"
BROKEN_PAGES = ("findings.html", "index.html", "units/company.html", "processes/proc-campaign.html")
"""Pages of examples/broken with findings (some waived, with tickets): the findings tables' words."""
CHARTED = ("index.html", "ops-center.html", "company.html")
"""Pages read once their interactive chart is drawn (one script draws it on every page; waiting costs seconds)."""
FINDING_TEXT = "td.message, td.hint"
"""A finding's own message and hint: its rule family's messages, which tests/test_i18n.py holds to the catalogue."""


def handbook_words() -> list[str]:
    from opsgov.render import words

    fixed = [getattr(words.ENGLISH, field.name) for field in dataclasses.fields(words.Words)]
    return fixed + [message for table in words.VALUE_WORDS for message in table.values()]


def unfilled(message: str) -> str:
    """A message without its placeholders (`{ticket}` names a value, it is not a word)."""
    return re.sub(r"\{[^}]*\}", " ", message)


def handbook(repo: Path, out: Path, *lang: str) -> Path:
    """`opsgov [--lang L] handbook REPO -o OUT` as of the day the example is written for."""
    command = [*lang, "handbook", str(repo), "-o", str(out), "--as-of", "2026-11-27"]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def everything_a_reader_sees(
    watched: Watched, site: Path, pages: tuple[str, ...] = (), skip: str = ""
) -> dict[str, str]:
    """The visible text of each page (all by default); the index page with search results open, and with none found."""
    seen: dict[str, str] = {}
    for path in [site / page for page in pages] or sorted(site.rglob("*.html")):
        page = watched.open(path)
        if path.name in CHARTED and page.locator("#orgchart").count():  # the chart's words, drawn by handbook.js
            page.locator(NODES).first.wait_for(timeout=5000)
        text = page.evaluate(VISIBLE_TEXT, skip)
        if path.name == "index.html":
            page.fill("#search", "部")  # units, posts and duties: the kind labels of the results
            page.locator("#search-results a[data-entity]").first.wait_for(timeout=5000)
            text += "\n" + page.evaluate(VISIBLE_TEXT, skip)
            page.fill("#search", "zzzz")
            page.locator("#search-results li.none").wait_for(timeout=5000)
            text += "\n" + page.evaluate(VISIBLE_TEXT, skip)
        seen[str(path.relative_to(site))] = text
    return seen


def test_a_chinese_handbook_has_no_english_ui_word(site: Path, watched: Watched, tmp_path: Path) -> None:
    """The example organisations are zh-CN: every heading, label, button, placeholder and chart word,
    the findings tables and the summary line are Chinese. An English word of the handbook's
    vocabulary on any page fails, naming the page and the word."""
    translations = i18n.catalogue("zh_CN")
    vocabulary = {word.lower() for message in handbook_words() for word in ENGLISH_WORD.findall(unfilled(message))}
    # acronyms the Chinese keeps ("RACI 责任矩阵", "（SVG）")
    kept = {
        word.lower() for message in handbook_words() for word in ENGLISH_WORD.findall(unfilled(translations[message]))
    }
    ui = vocabulary - kept
    assert {"findings", "level", "rule", "message", "hint", "approvers", "search", "expand", "vacant", "ticket"} <= ui
    seen = everything_a_reader_sees(watched, site)
    assert len(seen) > 30
    broken = handbook(BROKEN, tmp_path / "broken")
    seen.update(
        {
            f"broken/{page}": text
            for page, text in everything_a_reader_sees(watched, broken, BROKEN_PAGES, FINDING_TEXT).items()
        }
    )
    english = {
        page: sorted({word for word in ENGLISH_WORD.findall(text) if word.lower() in ui}) for page, text in seen.items()
    }
    assert {page: found for page, found in english.items() if found} == {}
    for page in (site / "index.html", site / "units/ops-center.html", broken / "findings.html"):
        assert watched.open(page).locator("html").get_attribute("lang") == "zh-CN"
    assert "检查结果" in seen["findings.html"] and "组织架构图" in seen["index.html"]
    for word in ("级别", "规则", "对象", "说明", "建议", "位置", "已豁免", "工单", "个错误"):
        assert word in seen["broken/findings.html"], word
    assert watched.offline() == [] and watched.errors == []


def organisation_words(repo: Path) -> set[str]:
    """Every run of Chinese characters in a repository's YAML values: the organisation's own data."""
    report = check(Settings(root=repo, as_of=datetime.date(2026, 11, 27), lang="en"))
    assert report.model is not None
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.update(CJK_RUN.findall(node))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for entity in [*report.model, *report.model.out_of_force]:
        walk(entity.doc.data)
    return found


def test_an_english_handbook_has_no_chinese_ui_word(watched: Watched, tmp_path: Path) -> None:
    """`--lang en` over the zh-CN organisations: titles stay Chinese (they are data), every word of
    the handbook is English."""
    translations = i18n.catalogue("zh_CN")
    chinese = {run for message in handbook_words() for run in CJK_RUN.findall(translations[message])}
    assert {"检查结果", "级别", "规则", "审批人", "空缺", "全部展开", "组织架构图"} <= chinese
    data = organisation_words(EXAMPLE) | organisation_words(BROKEN)
    assert "运营管理中心" in data
    site = handbook(EXAMPLE, tmp_path / "site", "--lang", "en")
    seen = everything_a_reader_sees(watched, site)
    assert len(seen) > 30
    broken = handbook(BROKEN, tmp_path / "broken", "--lang", "en")
    seen.update(
        {f"broken/{page}": text for page, text in everything_a_reader_sees(watched, broken, BROKEN_PAGES).items()}
    )
    leaked = {page: sorted(set(CJK_RUN.findall(text)) & chinese - data) for page, text in seen.items()}
    assert {page: found for page, found in leaked.items() if found} == {}
    for page in (site / "index.html", broken / "findings.html"):
        assert watched.open(page).locator("html").get_attribute("lang") == "en"
    assert "Findings" in seen["findings.html"] and "Organisation chart" in seen["index.html"]
    assert "Expand all" in seen["index.html"] and "headcount" in seen["index.html"]  # the d3 chart's words
    for word in ("Level", "Rule", "About", "Message", "Hint", "Where", "waived", "ticket", "error"):
        assert word in seen["broken/findings.html"], word
    assert watched.offline() == [] and watched.errors == []
