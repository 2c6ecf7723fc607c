"""Every title is data, never markup: each hostile title comes out literally, in DOT, SVG, tables and pages."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from opsgov.model.entities import Model
from opsgov.render.approvals_table import approvals_tables
from opsgov.render.handbook import VENDOR_SCRIPTS, build_site
from opsgov.render.orgchart import OrgChartOptions, orgchart_graph, render_orgchart
from opsgov.render.process import find_process, process_graph, render_process
from opsgov.render.raci import raci_table
from opsgov.render.safe import svg_problems, text
from opsgov.render.table import render_tables
from tests.util import check_repo, write_repo

HOSTILE = [
    "say \"hi\" and 'bye'",
    "back\\slash",
    "\\N \\l \\G \\E \\T \\H \\L \\n",
    "trailing\\",
    "<b>bold</b> & <i>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '"] ; a -> b [label="x',
    "</TD></TR></TABLE>>",
    "&amp; &#60; &lt;",
    '<a href="javascript:alert(1)" onclick="x">x</a>',
    "<svg onload=alert(1)>",
    '=HYPERLINK("http://x")',
    "{{ 7*7 }} {% raw %}",
    "| pipe | [link](javascript:x) *em*",
]


def hostile_repo(root: Path, title: str) -> Model:
    """The title in an org, unit, post, person, process, step, matrix and KPI (YAML double-quoted via JSON)."""
    t = json.dumps(title)
    yaml = f"""\
apiVersion: opsgov/v1
kind: Organization
metadata: {{name: acme, title: {t}}}
spec: {{root: company, currency: CNY, locale: en}}
---
apiVersion: opsgov/v1
kind: Unit
metadata: {{name: company, title: {t}}}
spec: {{type: company, head: ceo}}
---
apiVersion: opsgov/v1
kind: Position
metadata: {{name: ceo, title: {t}}}
spec: {{unit: company}}
---
apiVersion: opsgov/v1
kind: Person
metadata: {{name: p, title: {t}}}
spec: {{holds: [ceo]}}
---
apiVersion: opsgov/v1
kind: ApprovalMatrix
metadata: {{name: m, title: {t}}}
spec: {{subject: {t}, bands: [{{approvers: [ceo]}}]}}
---
apiVersion: opsgov/v1
kind: Process
metadata: {{name: flow, title: {t}}}
spec:
  owner: ceo
  steps:
    - {{id: s1, title: {t}, responsible: ceo, approval: m, sla: 1d}}
---
apiVersion: opsgov/v1
kind: KPI
metadata: {{name: k, title: {t}}}
spec: {{owner: ceo, unit: count, direction: higher-is-better, target: 1, thresholds: {{green: 1, yellow: 0}},
        frequency: monthly, method: {t}}}
"""
    report = check_repo(write_repo(root, {"ops/all.yaml": yaml}, base=False))
    assert report.model is not None
    assert report.model.units["company"].title == title
    return report.model


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # well-formed, or this raises
    return ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")]


def dot_sources(model: Model) -> list[str]:
    return [
        orgchart_graph(model, OrgChartOptions(people=True)).source,
        process_graph(model, find_process(model, "flow")).source,
    ]


@pytest.mark.parametrize("title", HOSTILE)
def test_dot_holds_the_title_escaped_and_nothing_else(tmp_path: Path, title: str) -> None:
    """With the escaped title swapped for a plain word, the DOT is exactly that of a plain title."""
    hostile = dot_sources(hostile_repo(tmp_path / "hostile", title))
    plain = dot_sources(hostile_repo(tmp_path / "plain", "PLAIN"))
    for source, expected in zip(hostile, plain, strict=True):
        assert text(title) in source
        assert source.replace(text(title), "PLAIN") == expected


@pytest.mark.parametrize("title", HOSTILE)
def test_svg_is_well_formed_shows_the_title_literally_and_is_inert(tmp_path: Path, title: str) -> None:
    model = hostile_repo(tmp_path, title)
    for svg in (render_orgchart(model, "svg"), render_process(model, find_process(model, "flow"), "svg")):
        assert svg_problems(svg) == []
        texts = svg_texts(svg)
        assert title in texts, texts
        root = ET.fromstring(svg)
        for element in root.iter():
            assert not element.tag.endswith("}script")
            assert not any(name.rsplit("}", 1)[-1].startswith("on") for name in element.attrib)
            assert not any(name.endswith("href") for name in element.attrib)


@pytest.mark.parametrize("title", HOSTILE)
def test_tables_keep_the_title_as_text(tmp_path: Path, title: str) -> None:
    model = hostile_repo(tmp_path, title)
    tables = [raci_table(model), *approvals_tables(model)]
    page = render_tables(tables, "html", title)
    assert inert(page) == []
    assert html.escape(title) in page
    rows = list(csv.reader(io.StringIO(render_tables(tables, "csv", title))))
    cells = [cell for row in rows for cell in row]
    expected = "'" + title if title.startswith("=") else title
    assert expected in cells
    markdown = render_tables(tables, "md", title)
    assert "<script>" not in markdown and "[link](javascript:" not in markdown


HANDBOOK_SCRIPTS = {
    "handbook.js",
    "assets/units.js",
    "assets/search.js",
    *(f"vendor/{name}" for name in VENDOR_SCRIPTS),
}


class Tags(HTMLParser):
    """Every tag and attribute of a page, as a browser would see them, and any inline script code."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "script" and data.strip():
            self.inline_code = True


def inert(page: str) -> list[str]:
    """Why a page is not inert: scripts, event handlers, links that are not relative.

    The only scripts allowed are the handbook's own files (the org chart, its data, the search
    box), loaded by relative `src` with no inline code.
    """
    parser = Tags()
    parser.feed(page)
    problems = ["inline script"] if parser.inline_code else []
    for tag, attrs in parser.tags:
        own = tag == "script" and re.sub(r"^(\.\./)*", "", attrs.get("src") or "") in HANDBOOK_SCRIPTS
        if tag in ("script", "iframe", "object", "embed") and not own:
            problems.append(tag)
        problems.extend(name for name in attrs if name.startswith("on"))
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            if ":" in value.split("/")[0] or value.startswith("//"):
                problems.append(f"{name}={value}")
    return problems


@pytest.mark.parametrize("title", HOSTILE)
def test_handbook_pages_are_inert(tmp_path: Path, title: str) -> None:
    model_root = tmp_path / "repo"
    hostile_repo(model_root, title)
    files = build_site(check_repo(model_root), "html")
    for name, content in files.items():
        body = content.decode() if isinstance(content, bytes) else content
        if name.endswith(".html"):
            assert inert(body) == [], name
        elif name.endswith(".svg"):
            assert svg_problems(body) == [], name
    assert str(escape(title)) in str(files["units/company.html"])
    assert str(escape(title)) in str(files["processes/flow.html"])
    markdown = build_site(check_repo(model_root), "md")
    assert "<script>" not in str(markdown["units/company.md"])
