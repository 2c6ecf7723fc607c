"""Every safety oracle and escaper is first shown to catch unsafe input.

The other tests assert that real output passes an oracle (`svg_problems(svg) == []`,
`inert(page) == []`) or that an escaper leaves hostile titles harmless. Both prove nothing
unless the oracle can fail and the escaper really neutralises: an oracle that always answered
`[]`, or an escaper that returned its input, would keep them green. So each one is fed the
attacks it exists for here. Markdown escapers are judged by a CommonMark parser (markdown-it-py,
the parser of the GitHub-flavoured table extension too), not by string matching: escaped text
is safe when it renders as exactly that text, with no link, image or tag.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from opsgov.escape import github_data, github_property
from opsgov.escape import text as clean
from opsgov.escape import xml as xml_text
from opsgov.render.handbook import code_spans
from opsgov.render.safe import RenderError, check_svg, html_text, svg_problems
from opsgov.render.safe import text as dot_text
from opsgov.render.table import csv_cell, md_cell
from opsgov.report.formats.diff_markdown import text as diff_text
from opsgov.report.formats.markdown import cell as markdown_cell
from tests.render.test_hostile import inert

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<script>alert(1)</script>", "<script> element"),
        ('<g><script xlink:href="https://example.com/x.js"/></g>', "<script> element"),
        ("<foreignObject><div>x</div></foreignObject>", "<foreignobject> element"),
        ('<iframe src="https://example.com"/>', "<iframe> element"),
        ('<rect onload="alert(1)"/>', "event handler attribute onload"),
        ('<text onClick="alert(1)">x</text>', "event handler attribute onclick"),
        ('<a href="javascript:alert(1)"><text>x</text></a>', "href to a non-http URL"),
        ('<a xlink:href=" JavaScript:alert(1)"><text>x</text></a>', "href to a non-http URL"),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "href to a non-http URL"),
        ('<a href="//evil.example/x"><text>x</text></a>', "href to a non-http URL"),
    ],
)
def test_svg_problems_catches_scripts_handlers_and_links(body: str, problem: str) -> None:
    svg = SVG.format(body)
    assert problem in svg_problems(svg)
    with pytest.raises(RenderError, match="refusing to write an unsafe SVG: .*" + problem.split()[0]):
        check_svg(svg.encode())


def test_svg_problems_refuses_what_it_cannot_parse_and_passes_a_plain_drawing() -> None:
    assert svg_problems("<svg><g></svg>")[0].startswith("not well-formed XML: ")
    plain = SVG.format('<a xlink:href="https://example.com/"><text x="1" y="2">销售部</text></a>')
    assert svg_problems(plain) == []


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("<p>x</p><script>alert(1)</script>", "script"),
        ("<SCRIPT SRC=x.js></SCRIPT>", "script"),
        ('<script src="https://example.com/handbook.js"></script>', "script"),
        ('<script src="../handbook.js">alert(1)</script>', "inline script"),
        ('<iframe src="a.html"></iframe>', "iframe"),
        ('<img src="a.png" onerror="alert(1)">', "onerror"),
        ('<body onload="alert(1)">', "onload"),
        ('<a href="javascript:alert(1)">x</a>', "href=javascript:alert(1)"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "href=java\tscript:alert(1)"),
        ('<img src="data:image/png;base64,AAAA">', "src=data:image/png;base64,AAAA"),
        ('<a href="https://example.com/">x</a>', "href=https://example.com/"),
        ('<a href="//example.com/">x</a>', "href=//example.com/"),
    ],
)
def test_the_inert_page_oracle_catches_scripts_handlers_and_outside_links(page: str, problem: str) -> None:
    assert problem in inert(page)


def test_the_inert_page_oracle_passes_relative_links() -> None:
    assert inert('<a href="units/ops.html#posts">x</a><img src="orgchart.svg" alt="">') == []
    assert inert('<script src="../vendor/d3.min.js"></script><script src="handbook.js"></script>') == []


def test_html_and_dot_label_text_escape_every_markup_character() -> None:
    hostile = '<b onload="x">&amp;\'</b>'
    assert html_text(hostile) == "&lt;b onload=&quot;x&quot;&gt;&amp;amp;&#x27;&lt;/b&gt;"
    label = dot_text(hostile + "\\N\\l")
    assert "<" not in label and ">" not in label and '"' not in label and "'" not in label
    assert label.endswith("\\\\N\\\\l")  # Graphviz reads \\ as one backslash: no \N (node name) expansion


def test_code_spans_are_escaped_before_they_become_code() -> None:
    shown = str(code_spans('`<script>alert(1)</script>` and <img src=x onerror="y">'))
    assert "<script" not in shown and "<img" not in shown
    assert shown.startswith("<code>&lt;script&gt;")


@pytest.mark.parametrize(
    "formula",
    [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://evil.example","点此")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(formula: str) -> None:
    neutral = csv_cell(formula)
    assert neutral[:1] not in ("=", "+", "-", "@", "\t", "\r"), neutral  # read as text, not run
    assert neutral in ("'" + formula, clean(formula))  # quoted, or its control character shown escaped


def test_csv_cells_that_are_data_stay_as_they_are() -> None:
    assert csv_cell("销售部 = 100") == "销售部 = 100"
    assert csv_cell("a\x1b[2Jb") == "a\\x1b[2Jb"


class _Rendered(HTMLParser):
    """The tags and the text of rendered Markdown."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


MARKDOWN = MarkdownIt("commonmark").enable("table")

MARKDOWN_ATTACKS = [
    "[点此](javascript:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "<https://evil.example/>",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<!-- hidden -->",
    "&lt;script&gt; &#60;b&#62;",
    "*em* _em_ **strong** `code` ~~del~~",
    "a | b \\| c",
    "[ref]: https://evil.example/",
]
"""Each must render as exactly itself: no link, image, tag, emphasis, or a cell split in two."""
LINE_START_ATTACKS = ["# heading", "> quote", "- item", "+ item", "1. item", "3) item", "=== ", "    code"]
"""Block markers: harmful only at the start of a list item's text (diff.text puts data there)."""


def rendered(markdown: str) -> _Rendered:
    parser = _Rendered()
    parser.feed(MARKDOWN.render(markdown))
    return parser


def assert_literal(markdown: str, expected: str, container: tuple[str, ...]) -> None:
    page = rendered(markdown)
    assert [tag for tag in page.tags if tag not in container] == [], (markdown, MARKDOWN.render(markdown))
    assert " ".join("".join(page.text).split()) == " ".join(expected.split()), MARKDOWN.render(markdown)


TABLE = ("table", "thead", "tbody", "tr", "th", "td")


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS + LINE_START_ATTACKS)
def test_markdown_table_cells_render_literally(attack: str) -> None:
    for escape in (md_cell, markdown_cell):  # opsgov render/handbook tables; the CI summary table
        assert_literal(f"| h |\n|---|\n| {escape(attack)} |\n", "h " + attack, TABLE)


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS + LINE_START_ATTACKS)
def test_markdown_list_items_of_the_diff_render_literally(attack: str) -> None:
    assert_literal(f"- {diff_text(attack)}\n", attack, ("ul", "li"))


def test_markdown_summary_cells_keep_line_breaks_as_breaks_not_blocks() -> None:
    broken = markdown_cell("a\n# b\n- c")
    assert_literal(f"| h |\n|---|\n| {broken} |\n", "h a# b- c", (*TABLE, "br"))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"), ("bell\x07", "bell\\x07"), ("a\rb\x9bc", "a\\rb\\x9bc")],
)
def test_terminal_text_shows_control_characters_escaped(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_xml_text_keeps_junit_and_graphml_well_formed() -> None:
    raw = "a\x00b\x08c\x0bd\x1be\ufffef\ttab\nline"
    safe = xml_text(raw)
    assert safe == "a\\x00b\\x08c\\x0bd\\x1be\\ufffef\ttab\nline"
    element = ET.Element("failure", message=safe)
    element.text = safe
    assert ET.fromstring(ET.tostring(element)).get("message") == safe


def test_github_commands_cannot_be_injected_through_a_message() -> None:
    forged = "done\n::error file=x.yaml::forged%0A"
    data = github_data(forged)
    assert "\n" not in data and "\r" not in data and data.count("%") == 2
    assert data == "done%0A::error file=x.yaml::forged%250A"
    prop = github_property("a.yaml,line=1::x")
    assert "," not in prop and ":" not in prop
