"""The handbook in a real browser: Playwright driving Debian's chromium (never a downloaded one).

What a reader does: type in the search box, click a unit in the chart, expand and collapse it;
and what must never happen: a request that leaves the file system.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from opsgov.cli import main

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
    assert watched.offline() == [] and watched.errors == []
