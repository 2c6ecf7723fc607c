"""The staff handbook: a static site that opens from the file system, with no network at all.

Pages are Jinja2 templates with autoescaping on, so every title, duty and note is text. Diagrams
are SVG files drawn by `dot` next to the pages and shown with `<img>` (an SVG in an image cannot
run anything). Links are relative. `fmt="md"` writes the same pages as Markdown for a wiki.

The HTML pages run three local scripts, never inline code and never a fetch: the vendored org
chart library (d3, d3-flextree, d3-org-chart; templates/handbook/vendor/ says why and checks
them), `assets/units.js` and `assets/search.js`, which *define* the data as globals (a <script>
works from file://, where fetch() does not), and `handbook.js`, which draws the chart and answers
the search box. The search index is loaded when the box is first used, so a page opens fast
however large the organisation. Pages are one per unit, process and table: posts are sections of
their unit's page, so the number of files follows units and processes, not people.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe

from opsgov.atomic import write_folder
from opsgov.i18n import speaking
from opsgov.model.dates import DEFAULT_HORIZON, horizon_end, reviewed_on
from opsgov.model.entities import Entity, Holding, Model
from opsgov.model.raci import responsible_posts
from opsgov.model.structure import structure_of
from opsgov.render.approvals_table import (
    DelegationRow,
    approval_rows,
    delegation_entries,
    delegation_header,
    matrix_groups,
    vote_cell,
)
from opsgov.render.orgchart import OrgChartOptions, render_orgchart, top_units
from opsgov.render.process import render_process
from opsgov.render.raci import raci_table
from opsgov.render.safe import DOT_TIMEOUT, MAX_OUTPUT_BYTES, MAX_SOURCE_BYTES, RenderError, check_svg, run_dot
from opsgov.render.safe import _limits as dot_limits  # the same memory and file-size limits as run_dot
from opsgov.render.scheduled import scheduled_changes
from opsgov.render.table import md_cell, to_html_fragment
from opsgov.render.words import (
    KINDS,
    LEVELS,
    Words,
    direction,
    duration,
    frequency,
    holder_words,
    html_lang,
    kpi_amount,
    listing,
    org_currency,
    unit_type,
    words,
)
from opsgov.render.words import say as word
from opsgov.report.finding import LEVEL_RANK, Finding
from opsgov.report.report import Report

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "handbook"
VENDOR = TEMPLATES / "vendor"
VENDOR_SCRIPTS = ("d3.min.js", "d3-flextree.min.js", "d3-org-chart.min.js")
"""Loaded in this order: d3-org-chart finds d3 and d3.flextree as globals."""
HANDBOOK_FORMATS = ("html", "md")
HANDBOOK_MARKER = ".opsgov-handbook"
"""The file that marks a folder as a handbook opsgov may replace."""
STATIC_CHART_UNITS = 400
"""Above this many units the static SVG org chart (a printable extra) shows the top levels only."""
CRUMBS = 8
"""Breadcrumbs show at most this many units above a page; deeper chains are elided in the middle."""
EXPAND_ALL_UNITS = 60
"""Up to this many units the interactive chart opens fully expanded; above, two levels deep."""


@dataclass(slots=True)
class Link:
    """An entity as the pages show it: its title, and the page it has (empty when it has none)."""

    title: str
    href: str = ""
    name: str = ""


@dataclass(slots=True)
class Site:
    model: Model
    ext: str
    words: Words
    source_url: str | None = None
    """`opsgov.yaml: sourceUrl`, e.g. https://github.com/o/r/blob/main/{path}#L{line}."""
    source_root: str = ""
    """The repository as seen from the handbook folder ("../repo/"), for relative source links."""
    files: dict[str, str | bytes] = field(default_factory=dict)
    first_owner: dict[str, str] = field(default_factory=dict)
    """Responsibility key -> the unit whose page lists it (its first owner's unit)."""
    held: dict[str, list[str]] = field(default_factory=dict)
    """Person key -> the posts they hold."""
    former: dict[str, list[Holding]] = field(default_factory=dict)
    """Unit key -> holdings of its posts that ended before the model's date (the history on its page)."""

    def holders(self, post: str, *, until: bool = True) -> list[str]:
        """Who holds a post on the date, by title; an acting holder marked acting (代理), with its last day."""
        structure = structure_of(self.model)
        names = []
        for key in structure.holders.get(post, ()):
            person = self.model.get(key)
            if person is not None:
                names.append(holder_words(person.title, structure.held.get((post, key)), until=until))
        return names

    def href(self, key: str | None) -> str:
        """The page (from the handbook's top folder) that shows an entity; "" when none does."""
        entity = self.model.get(key)
        if entity is None:
            return ""
        ext = self.ext
        anchor = ext == "html"
        if entity.kind == "Unit":
            return f"units/{entity.name}.{ext}"
        if entity.kind == "Process":
            return f"processes/{entity.name}.{ext}"
        if entity.kind == "Position":
            unit = self.model.get(structure_of(self.model).unit_of.get(entity.key))
            if unit is not None:
                return f"units/{unit.name}.{ext}" + (f"#{entity.name}" if anchor else "")
        if entity.kind == "Person":
            held = self.held.get(entity.key)
            return self.href(held[0]) if held else ""
        if entity.kind == "Responsibility":
            unit = self.model.get(self.first_owner.get(entity.key))
            if unit is not None:
                return f"units/{unit.name}.{ext}" + (f"#duty-{entity.name}" if anchor else "")
        if entity.kind == "ApprovalMatrix":
            return f"approvals.{ext}" + (f"#{entity.name}" if anchor else "")
        if entity.kind == "KPI":
            return f"kpis.{ext}" + (f"#{entity.name}" if anchor else "")
        if entity.kind == "Delegation":
            return f"approvals.{ext}" + (f"#delegation-{entity.name}" if anchor else "")
        return ""

    def link(self, key: str | None, depth: int) -> Link:
        """A link to an entity's page or its section of one; an entity without one is shown by title."""
        entity = self.model.get(key)
        if entity is None:
            return Link(key or "")
        href = self.href(key)
        if entity.kind in ("Responsibility", "Person"):
            href = ""  # duties and people are listed where they are owned or held, not linked from every mention
        return Link(entity.title, "../" * depth + href if href else "", entity.name)

    def source(self, file: str, line: int, depth: int) -> Link:
        """Where a document is written: `sourceUrl` filled in, or a relative link to the file."""
        shown = f"{file}:{line}"
        if not file:
            return Link(shown)
        if self.source_url:
            url = self.source_url.replace("{path}", quote(file)).replace("{line}", str(line))
            return Link(shown, url)
        up = "" if self.source_root.startswith("/") else "../" * depth  # "/...": the preview server's path
        return Link(shown, up + self.source_root + quote(file))


def _refs(entity: Entity, prefix: tuple[Any, ...]) -> list[str]:
    """Resolved targets of the list at `prefix` (e.g. ("spec", "owns"))."""
    node: Any = entity.spec
    for part in prefix[1:]:
        node = node.get(part) if isinstance(node, dict) else None
    items = node if isinstance(node, list) else []
    return [t for t in (entity.target((*prefix, i)) for i in range(len(items))) if t is not None]


def _diagram(draw: Callable[[], bytes]) -> tuple[bytes | None, str]:
    try:
        return draw(), ""
    except RenderError as error:
        return None, str(error)


_XML_START = b"<?xml"


def draw_many(sources: list[str], *, jobs: int = 2) -> list[tuple[bytes | None, str]]:
    """Each DOT source drawn as SVG, many graphs to one `dot` run.

    Starting `dot` costs tens of milliseconds (mostly fontconfig); a handbook of 2,000 processes
    paid that 2,000 times. `dot` draws every graph of its input in turn and writes the SVG
    documents one after another, each starting with an XML declaration that no escaped label can
    contain. A batch that fails is drawn again graph by graph, so one bad graph gets its own error.
    """
    batches: list[list[int]] = []
    size = 0
    for index, source in enumerate(sources):
        length = len(source.encode("utf-8"))
        if not batches or size + length > MAX_SOURCE_BYTES // 2 or len(batches[-1]) >= 200:
            batches.append([])
            size = 0
        batches[-1].append(index)
        size += length
    results: list[tuple[bytes | None, str]] = [(None, "")] * len(sources)

    def one(indexes: list[int]) -> None:
        drawn = _dot_batch([sources[i] for i in indexes])
        if drawn is None:
            for i in indexes:
                results[i] = _diagram(lambda i=i: run_dot(sources[i], "svg"))  # type: ignore[misc]
            return
        for i, svg in zip(indexes, drawn, strict=True):
            results[i] = (svg, "")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, batches))
    return results


def _dot_batch(sources: list[str]) -> list[bytes] | None:
    """The SVG of each graph, or None when the batch cannot be drawn as a whole (then drawn one by one)."""
    executable = shutil.which("dot")
    if executable is None:
        return None
    try:
        result = subprocess.run(
            [executable, "-Tsvg"],
            input="\n".join(sources).encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
            preexec_fn=dot_limits,
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0 or len(result.stdout) > MAX_OUTPUT_BYTES:
        return None
    parts = [_XML_START + part for part in result.stdout.split(_XML_START)[1:]]
    if len(parts) != len(sources):
        return None
    try:
        for part in parts:
            check_svg(part)
    except RenderError:
        return None
    return parts


def _post_status(model: Model, post: Entity) -> str:
    if post.spec.get("headcount", 1) == 0:
        return "frozen"
    if model.persons_declared and not structure_of(model).holders.get(post.key):
        return "vacant"
    return ""


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def level_ranks(model: Model) -> dict[str, int]:
    """Each `level` string's seniority, learnt from the organisation itself (0 = most senior).

    A level is free text (E3, M1, P5, 12, 高级): no order can be read from the word. The posts
    that carry it can: a level held close to the top of the reporting chain is senior. Levels are
    ranked by the shortest chain to the top of any post that has it, then by natural sort.
    """
    structure = structure_of(model)
    depth: dict[str, int] = {}
    for post in model.positions.values():
        level = post.spec.get("level")
        if not isinstance(level, str) or not level:
            continue
        chain = sum(1 for _ in structure.chain(post.key))
        depth[level] = min(depth.get(level, chain), chain)
    ordered = sorted(depth, key=lambda level: (depth[level], _natural(level)))
    return {level: rank for rank, level in enumerate(ordered)}


def _tree(model: Model) -> tuple[list[str], dict[str, str | None]]:
    """Every unit, breadth first from the top in name order, and its parent as the chart draws it.

    Units that the tree does not reach (no root, a parent cycle) hang under the organisation
    itself (parent None), so every unit is in the chart and the list.
    """
    structure = structure_of(model)
    order: list[str] = []
    parent: dict[str, str | None] = {}
    seen: set[str] = set()
    frontier = [key for key in top_units(model) if model.get(key) is not None]
    for key in frontier:
        parent[key] = None
    while frontier:
        following: list[str] = []
        for key in frontier:
            if key in seen:
                continue
            seen.add(key)
            order.append(key)
            for child in sorted(structure.children.get(key, ())):
                if child not in seen and model.get(child) is not None:
                    parent.setdefault(child, key)
                    following.append(child)
        frontier = following
    for key in sorted(u.key for u in model.units.values()):
        if key not in seen:
            order.append(key)
            parent[key] = None
    return order, parent


def build_site(
    report: Report,
    fmt: str = "html",
    *,
    source_url: str | None = None,
    source_root: str = "",
    progress: Callable[[str], None] | None = None,
    horizon: int = DEFAULT_HORIZON,
) -> dict[str, str | bytes]:
    """Every file of the handbook, relative path -> content.

    `source_url` (opsgov.yaml `sourceUrl`) makes each page link to where its YAML is hosted;
    without it the link is relative, `source_root` being the repository seen from the handbook
    folder. `progress` hears what is being done (the CLI writes it to stderr). The handbook is
    the organisation of the model's date; the scheduled-changes page lists what starts or ends
    within `horizon` days after it.
    """
    if fmt not in HANDBOOK_FORMATS:
        raise RenderError(f"unknown handbook format '{fmt}'; use html or md")
    with speaking(report.lang):  # every word, page and diagram in the run's language (render/words.py)
        return _build_site(report, fmt, source_url, source_root, progress, horizon)


def _build_site(
    report: Report,
    fmt: str,
    source_url: str | None,
    source_root: str,
    progress: Callable[[str], None] | None,
    horizon: int,
) -> dict[str, str | bytes]:
    model = report.model
    if model is None:
        raise RenderError("the repository could not be loaded, so there is no handbook to write")
    say = progress or (lambda _message: None)
    w = words()
    site = Site(model, fmt, w, source_url, source_root)
    structure = structure_of(model)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda value: md_cell("" if value is None else str(value))
    env.filters["code"] = code_spans
    env.globals["kinds_json"] = json.dumps({k: word(KINDS, k) for k in SEARCH_KINDS}, ensure_ascii=False)
    env.globals["chart_words_json"] = json.dumps(
        {k: getattr(w, k) for k in ("establishment", "filled", "vacancies", "direct", "total", "head")},
        ensure_ascii=False,
    )
    env.globals["as_of"] = w.as_of.format(day=model.as_of.isoformat())
    env.globals["lang"] = html_lang()
    env.globals["listing"] = listing()
    env.filters["link"] = html_link
    env.filters["tree"] = tree_html
    env.filters["links"] = html_links
    org = _org_title(model)

    def page(template: str, path: str, depth: int, crumbs: list[Link], **context: Any) -> None:
        up = "../" * depth
        site.files[path] = env.get_template(f"{template}.{fmt}").render(
            w=w, up=up, ext=fmt, org=org, crumbs=[Link(org, f"{up}index.{fmt}"), *crumbs], **context
        )

    order, tree_parent = _tree(model)
    for post, people in structure.holders.items():
        for person in people:
            site.held.setdefault(person, []).append(post)
    for duty, owners in structure.owners.items():
        for owner, _path in owners:
            unit = owner if owner.startswith("Unit/") else structure.unit_of.get(owner)
            if unit:
                site.first_owner.setdefault(duty, unit)
                break

    site.former = former_by_unit(model)

    owned_processes: dict[str, set[str]] = {}
    for process in model.entities("Process"):
        involved = {process.target(("spec", "owner"))}
        for index, step in enumerate(process.spec.get("steps") or []):
            involved.update(responsible_posts(process, index, step))
        for key in involved:
            unit = key if key and key.startswith("Unit/") else structure.unit_of.get(key or "")
            if unit:
                owned_processes.setdefault(unit, set()).add(process.key)
    unit_kpis: dict[str, set[str]] = {}
    for kpi in model.entities("KPI"):
        for key in [kpi.target(("spec", "owner")), *_refs(kpi, ("spec", "measures"))]:
            unit = key if key and key.startswith("Unit/") else structure.unit_of.get(key or "")
            if unit:
                unit_kpis.setdefault(unit, set()).add(kpi.key)
    unit_matrices: dict[str, set[str]] = {}
    for matrix in model.entities("ApprovalMatrix"):
        for ref in matrix.refs.values():
            unit = ref.target if ref.target.startswith("Unit/") else structure.unit_of.get(ref.target)
            if unit:
                unit_matrices.setdefault(unit, set()).add(matrix.key)

    findings = sorted(report.findings, key=_finding_order)
    findings_of: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.entity:
            findings_of.setdefault(finding.entity, []).append(finding)

    say(f"handbook: {len(order)} units, {len(model.positions)} posts")
    chart_svg, chart_error = b"", ""
    if len(order) <= STATIC_CHART_UNITS:
        drawn, chart_error = _diagram(lambda: render_orgchart(model, "svg", OrgChartOptions(people=True)))
        if drawn is None and "units" in chart_error:
            drawn, chart_error = _diagram(
                lambda: render_orgchart(model, "svg", OrgChartOptions(depth=2, positions=False))
            )
    else:
        drawn, chart_error = _diagram(lambda: render_orgchart(model, "svg", OrgChartOptions(depth=2, positions=False)))
    if drawn is not None:
        chart_svg = drawn
        site.files["orgchart.svg"] = chart_svg
    say("handbook: static org chart drawn" if drawn is not None else f"handbook: no static org chart ({chart_error})")

    ranks = level_ranks(model)
    processes = sorted(model.entities("Process"), key=lambda p: p.name)
    page(
        "index",
        f"index.{fmt}",
        0,
        [],
        chart="orgchart.svg" if chart_svg else "",
        chart_error=chart_error,
        tree=_tree_rows(site, order, tree_parent),
        processes=[site.link(p.key, 0) for p in processes],
        counts=report.counts(),
        expand=len(order) <= EXPAND_ALL_UNITS,
    )
    sources: list[str] = []
    for process in processes:
        dot, _error = _diagram(lambda p=process: render_process(model, p, "dot"))  # type: ignore[misc]
        sources.append(dot.decode("utf-8") if dot is not None else "")
    say(f"handbook: drawing {len(processes)} process diagrams while the unit pages are written")
    # `dot` runs in other processes: one at a time in the background, beside the pages rendered here
    with ThreadPoolExecutor(max_workers=1) as background:
        drawing = background.submit(draw_many, [s for s in sources if s], jobs=1)
        _unit_pages(site, order, page, ranks, owned_processes, unit_kpis, unit_matrices, findings_of, say)
        drawn_processes = drawing.result()
    svgs: list[tuple[bytes | None, str]] = []
    it = iter(drawn_processes)
    for process, source in zip(processes, sources, strict=True):
        if source:
            svgs.append(next(it))
        else:
            svgs.append(_diagram(lambda p=process: render_process(model, p, "svg")))  # type: ignore[misc]
    for process, (svg, error) in zip(processes, svgs, strict=True):
        if svg is not None:
            site.files[f"processes/{process.name}.svg"] = svg
        steps = []
        for index, step in enumerate(process.spec.get("steps") or []):
            steps.append(
                {
                    "id": step["id"],
                    "title": step.get("title") or step["id"],
                    "responsible": [site.link(k, 1) for k in responsible_posts(process, index, step)],
                    "approval": site.link(process.target(("spec", "steps", index, "approval")), 1)
                    if step.get("approval")
                    else None,
                    "sla": duration(step["sla"]) if step.get("sla") else "",
                    "next": list(step.get("next") or []),
                }
            )
        raci = raci_table(model, process=process.name)
        page(
            "process",
            f"processes/{process.name}.{fmt}",
            1,
            [Link(w.processes, f"../index.{fmt}#processes")],
            process=process,
            owner=site.link(process.target(("spec", "owner")), 1),
            diagram=f"{process.name}.svg" if svg is not None else "",
            diagram_error=error,
            steps=steps,
            raci=raci,
            raci_html=to_html_fragment([raci]),  # every title escaped there: coloured letters, a legend
            kpis=[site.link(k, 1) for k in _refs(process, ("spec", "kpis"))],
            source=site.source(process.doc.file, process.doc.line, 1),
            findings=_finding_rows(site, findings_of.get(process.key, []), 1),
        )
    say(f"handbook: {len(processes)} process pages written")
    matrices = []
    delegations = delegation_entries(model, horizon)
    for group, members in matrix_groups(model):
        for matrix in members:
            matrices.append(
                {
                    "entity": matrix,
                    "group": group,
                    "subject": matrix.spec.get("subject") or "",
                    "requesters": [site.link(k, 0) for k in _refs(matrix, ("spec", "requesters"))],
                    "rows": approval_rows(model, matrix),
                    "source": site.source(matrix.doc.file, matrix.doc.line, 0),
                    "reviewed": _reviewed(site, matrix),
                    "delegations": _matrix_delegations(site, matrix, delegations),
                }
            )
    page(
        "approvals",
        f"approvals.{fmt}",
        0,
        [],
        matrices=matrices,
        delegations=delegations,
        delegation_header=delegation_header(),
    )
    page("scheduled", f"scheduled.{fmt}", 0, [], **_scheduled_context(site, horizon))
    kpis = []
    currency = org_currency(model)
    for kpi in sorted(model.entities("KPI"), key=lambda k: k.name):
        thresholds = kpi.spec.get("thresholds") or {}
        kpis.append(
            {
                "entity": kpi,
                "owner": site.link(kpi.target(("spec", "owner")), 0),
                # every field but the owner is optional: the templates get "" for what is not declared
                "spec": {
                    "target": kpi_amount(kpi.spec.get("target"), kpi.spec.get("unit"), currency),
                    "direction": direction(kpi.spec.get("direction")),
                    "frequency": frequency(kpi.spec.get("frequency")),
                    "method": kpi.spec.get("method", ""),
                },
                "green": kpi_amount(thresholds.get("green"), kpi.spec.get("unit"), currency),
                "yellow": kpi_amount(thresholds.get("yellow"), kpi.spec.get("unit"), currency),
                "measures": [site.link(k, 0) for k in _refs(kpi, ("spec", "measures"))],
                "source": site.source(kpi.doc.file, kpi.doc.line, 0),
            }
        )
    page("kpis", f"kpis.{fmt}", 0, [], kpis=kpis)
    page("findings", f"findings.{fmt}", 0, [], findings=_finding_rows(site, findings, 0), counts=report.counts())
    if fmt == "html":
        site.files["style.css"] = (TEMPLATES / "style.css").read_text(encoding="utf-8")
        site.files["handbook.js"] = (TEMPLATES / "handbook.js").read_text(encoding="utf-8")
        for name in VENDOR_SCRIPTS:
            site.files[f"vendor/{name}"] = (VENDOR / name).read_bytes()
            licence = name.removesuffix(".min.js") + ".LICENSE"
            site.files[f"vendor/{licence}"] = (VENDOR / licence).read_bytes()
        site.files["assets/units.js"] = _script("OPSGOV_UNITS", chart_nodes(site, order, tree_parent))
        site.files["assets/search.js"] = _script("OPSGOV_SEARCH", search_index(site))
    say(f"handbook: {len(site.files)} files")
    return site.files


def _unit_pages(
    site: Site,
    order: list[str],
    page: Callable[..., None],
    ranks: dict[str, int],
    owned_processes: dict[str, set[str]],
    unit_kpis: dict[str, set[str]],
    unit_matrices: dict[str, set[str]],
    findings_of: dict[str, list[Finding]],
    say: Callable[[str], None],
) -> None:
    model = site.model
    expand = len(order) <= EXPAND_ALL_UNITS
    for done, key in enumerate(order, 1):
        entity = model.get(key)
        if entity is None:
            continue
        above = list(structure_of(model).unit_ancestors(key))[::-1]
        if len(above) > CRUMBS:  # a very deep unit: the top two and the nearest three, not a wall of links
            above = [*above[:2], "", *above[-3:]]
        crumbs = [site.link(k, 1) if k else Link("…") for k in above]
        context = _unit_context(site, entity, ranks, owned_processes, unit_kpis, unit_matrices, findings_of, expand)
        page("unit", f"units/{entity.name}.{site.ext}", 1, crumbs, **context)
        if done % 500 == 0:
            say(f"handbook: {done}/{len(order)} unit pages")
    say(f"handbook: {len(order)} unit pages written")


def _script(name: str, data: object) -> str:
    """A script that defines `window.NAME`: JSON that no `</script>` or U+2028 in a title can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{name} = {text};\n"


def _tree_rows(site: Site, order: list[str], parent: dict[str, str | None]) -> list[tuple[int, Link, int]]:
    """The unit tree depth first as (depth, link, number of sub-units) rows, without recursion (a
    chain of a thousand units nests a thousand deep)."""
    children: dict[str | None, list[str]] = {}
    for key in order:
        children.setdefault(parent.get(key), []).append(key)
    rows: list[tuple[int, Link, int]] = []
    stack = [(key, 0) for key in reversed(children.get(None, ()))]
    while stack:
        key, depth = stack.pop()
        below = children.get(key, ())
        rows.append((depth, site.link(key, 0), len(below)))
        stack.extend((child, depth + 1) for child in reversed(below))
    return rows


def tree_html(rows: list[tuple[int, Link, int]], open_all: bool) -> markupsafe.Markup:
    """Nested lists of the unit tree; a unit with sub-units is a <details>, open on the first level."""
    out = ['<ul class="tree">']
    closers: list[str] = []  # what closes each open level
    for index, (depth, link, below) in enumerate(rows):
        while len(closers) > depth:
            out.append(closers.pop())
        if below:
            opened = " open" if depth < 1 or open_all else ""
            out.append(f"<li><details{opened}><summary>{html_link(link)} <small>({below})</small></summary><ul>")
            closers.append("</ul></details></li>")
        else:
            out.append(f"<li>{html_link(link)}</li>")
        if index == len(rows) - 1:
            out.extend(reversed(closers))
    out.append("</ul>")
    return markupsafe.Markup("\n".join(out))


def _seats(model: Model, posts: Iterable[str]) -> tuple[int, int, int]:
    """Headcount (编制), filled and vacant seats of some posts; an acting holder fills no seat of headcount."""
    headcount = filled = 0
    for key in posts:
        post = model.get(key)
        if post is None:
            continue
        seats = post.spec.get("headcount", 1)
        seats = seats if isinstance(seats, int) and not isinstance(seats, bool) else 1
        headcount += seats
        filled += min(seats, len(structure_of(model).holders.get(key, ())))
    return headcount, filled, headcount - filled


def chart_nodes(site: Site, order: list[str], parent: dict[str, str | None]) -> list[dict[str, Any]]:
    """One node per unit for the interactive chart, with headcount rolled up (direct and total).

    `filled` and `vacant` are null when no Person is declared: vacancy is then unknown (docs/format.md).
    """
    model = site.model
    structure = structure_of(model)
    known = model.persons_declared
    direct = {key: _seats(model, structure.posts_in.get(key, ())) for key in order}
    total = {key: list(direct[key]) for key in order}
    for key in reversed(order):  # breadth-first order reversed: children before their parents
        up = parent.get(key)
        if up is not None and up in total:
            for i in range(3):
                total[up][i] += total[key][i]
    top: list[dict[str, Any]] = []
    roots = [key for key in order if parent.get(key) is None]
    if len(roots) != 1:  # several tops (no root, or units the tree does not reach): the organisation holds them
        top.append({"id": ORG_NODE, "parentId": None, "name": "", "title": _org_title(model), "href": "index.html"})
    nodes = top
    for key in order:
        unit = model.get(key)
        if unit is None:
            continue
        head = model.get(unit.target(("spec", "head")))
        d, t = direct[key], total[key]
        up = parent.get(key)
        nodes.append(
            {
                "id": unit.name,
                "parentId": up.partition("/")[2] if up else (ORG_NODE if top else None),
                "name": unit.name,
                "title": unit.title,
                "type": unit_type(unit.spec.get("type")),
                "head": head.title if head is not None else "",
                "holders": listing().join(site.holders(head.key, until=False)) if head is not None else "",
                "href": site.href(key),
                "posts": len(structure.posts_in.get(key, ())),
                "hc": [d[0], t[0]],
                "filled": [d[1], t[1]] if known else None,
                "vacant": [d[2], t[2]] if known else None,
            }
        )
    return nodes


ORG_NODE = "__org__"
"""The chart's top node when several units have no parent (a unit name is a slug: it has no '_')."""

SEARCH_KINDS = ("Unit", "Position", "Person", "Responsibility", "Process", "ApprovalMatrix", "KPI")


def search_index(site: Site) -> list[list[str]]:
    """[kind, name, title, also-matches, page] per entity: what the search box matches and shows.

    `also-matches` is who holds a post, what a person holds, which unit a post is in: a post is
    found by its holder's name and a person by their post's title.
    """
    model = site.model
    structure = structure_of(model)
    rows: list[list[str]] = []
    held = site.held
    for kind in SEARCH_KINDS:
        for entity in sorted(model.entities(kind), key=lambda e: e.name):
            href = site.href(entity.key)
            if not href:
                continue
            extra = ""
            if kind == "Position":
                unit = model.get(structure.unit_of.get(entity.key))
                extra = " ".join([*site.holders(entity.key, until=False), unit.title if unit else ""])
            elif kind == "Person":
                posts = [model.get(k) for k in held.get(entity.key, ())]
                extra = " ".join(p.title for p in posts if p is not None)
            elif kind == "Unit":
                head = model.get(entity.target(("spec", "head")))
                if head is not None:
                    extra = " ".join([head.title, *site.holders(head.key, until=False)])
            rows.append([kind, entity.name, entity.title, extra.strip(), href])
    return rows


def _reviewed(site: Site, matrix: Entity) -> str:
    """`2026-09-30 by 审计总监`, or `never` (metadata.reviewed)."""
    on = reviewed_on(matrix.doc.data)
    if on is None:
        return site.words.never_reviewed
    by = site.link(matrix.target(("metadata", "reviewed", "by")), 0).title or str(
        matrix.doc.data["metadata"]["reviewed"].get("by", "")
    )
    return site.words.reviewed_on_by.format(on=on.isoformat(), by=by)


def _scheduled_context(site: Site, horizon: int) -> dict[str, Any]:
    """The scheduled-changes page: each start or end in the horizon, in words."""
    w, model = site.words, site.model
    rows = []
    for change in scheduled_changes(model, horizon):
        what = w.takes_effect if change.starts else w.ends.format(day=change.last_day.isoformat())
        # what ends is in force today and has a page or a section of one; what starts has none yet
        subject = Link(change.title)
        if change.post:
            subject = Link((w.holds_acting if change.acting else w.holds).format(person=change.title, post=change.post))
        elif not change.starts and model.get(change.key) is not None:
            subject = site.link(change.key, 0)
        elif change.key.startswith("Delegation/"):  # the approvals page lists the scheduled ones too
            anchor = f"#delegation-{change.key.partition('/')[2]}" if site.ext == "html" else ""
            subject = Link(change.title, f"approvals.{site.ext}{anchor}")
        kind = word(KINDS, change.key.partition("/")[0])
        rows.append({"day": change.day.isoformat(), "kind": kind, "subject": subject, "what": what})
    last = horizon_end(model.as_of, horizon)
    intro = w.scheduled_intro.format(as_of=model.as_of.isoformat(), last=last.isoformat())
    return {"changes": rows, "intro": intro}


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(value: object) -> markupsafe.Markup:
    """Escaped text whose `code` spans (as hints write YAML to type) show as <code>, not as raw backticks."""
    escaped = str(markupsafe.escape("" if value is None else value))
    return markupsafe.Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


def html_link(link: Link) -> markupsafe.Markup:
    """`<a href>title</a>`, or the bare title when the entity has no page: a filter, not a macro, as
    Jinja's macro calls cost a third of the build of a 20,000-post handbook."""
    title = markupsafe.escape(link.title)
    if not link.href:
        return title
    return markupsafe.Markup(f'<a href="{markupsafe.escape(link.href)}">{title}</a>')


def html_links(links: list[Link], none: str) -> markupsafe.Markup:
    if not links:
        return markupsafe.Markup(f'<span class="none">{markupsafe.escape(none)}</span>')
    return markupsafe.Markup(listing()).join(html_link(link) for link in links)


def _org_title(model: Model) -> str:
    return model.organizations[0].title if len(model.organizations) == 1 else "opsgov"


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    """Open findings before waived ones, errors first, then by place."""
    return (finding.waived, -LEVEL_RANK.get(finding.level, 0), finding)


def _finding_entity(site: Site, key: str, depth: int) -> Link:
    """What a finding is about, linked to its page or section: a duty too (where its first owner lists it)."""
    entity = site.model.get(key)
    if entity is None:  # in force only on a later change date (the finding says from when), or not at all
        kind, _, name = key.partition("/")
        later = kind in site.model.by_kind and bool(site.model.versions(kind, name))
        return Link(site.model.title(key) if later else key)
    href = site.href(key)
    return Link(entity.title, "../" * depth + href if href else "", entity.name)


def _finding_rows(site: Site, findings: list[Finding], depth: int) -> list[dict[str, Any]]:
    """Findings as the tables show them; one that first holds on a later change date says from when."""
    return [
        {
            "f": finding,
            "level": word(LEVELS, finding.level),
            "from": site.words.from_day.format(day=finding.as_of) if finding.as_of else "",
            # the waiver as Finding.waiver_words names it, its ticket in the page's words
            "waiver": finding.waived_by.partition(":")[0],
            "ticket": site.words.ticket.format(ticket=finding.waiver_ticket) if finding.waiver_ticket else "",
            "entity": _finding_entity(site, finding.entity, depth),
            "source": site.source(finding.file, finding.line, depth),
        }
        for finding in findings
    ]


def _unit_context(
    site: Site,
    unit: Entity,
    ranks: dict[str, int],
    owned_processes: dict[str, set[str]],
    unit_kpis: dict[str, set[str]],
    unit_matrices: dict[str, set[str]],
    findings_of: dict[str, list[Finding]],
    expand: bool,
) -> dict[str, Any]:
    model = site.model
    structure = structure_of(model)
    head = unit.target(("spec", "head"))
    posts = []
    owned = _refs(unit, ("spec", "owns"))
    duties = [(site.link(k, 1), site.link(unit.key, 1), k) for k in owned]
    boundaries = []
    in_unit = structure.posts_in.get(unit.key, ())
    for owner in [unit, *(model.get(k) for k in in_unit)]:
        if owner is None:
            continue
        for index, item in enumerate(owner.spec.get("excludes") or []):
            responsibility = owner.target(("spec", "excludes", index, "responsibility"))
            owned_by = owner.target(("spec", "excludes", index, "ownedBy"))
            boundaries.append(
                {
                    "who": site.link(owner.key, 1),
                    "responsibility": site.link(responsibility, 1) if responsibility else Link(item["responsibility"]),
                    "owned_by": site.link(owned_by, 1) if owned_by else Link(str(item.get("ownedBy", ""))),
                    "note": item.get("note") or "",
                }
            )
    unranked = len(ranks)

    def post_order(key: str) -> tuple[Any, ...]:
        post = model.get(key)
        level = post.spec.get("level") if post is not None else None
        rank = ranks.get(level, unranked) if isinstance(level, str) else unranked
        where = (post.doc.file, post.doc.index) if post is not None else ("", 0)
        return (key != head, rank, where)

    for key in sorted(in_unit, key=post_order):
        post = model.get(key)
        if post is None:
            continue
        posts.append(
            {
                "entity": post,
                "head": key == head,
                "headcount": post.spec.get("headcount", 1),
                "level": post.spec.get("level") or "",
                "holders": site.holders(key),
                "status": _post_status(model, post),
                "reports_to": site.link(structure.reports_to.get(key), 1) if structure.reports_to.get(key) else None,
                "dotted": [site.link(k, 1) for k in _refs(post, ("spec", "dottedLines"))],
                "source": site.source(post.doc.file, post.doc.line, 1),
            }
        )
        for k in _refs(post, ("spec", "owns")):
            duties.append((site.link(k, 1), Link(post.title, f"#{post.name}" if site.ext == "html" else ""), k))
            owned.append(k)
    about = [unit.key, *in_unit, *dict.fromkeys(owned)]
    unit_findings = sorted({f for key in about for f in findings_of.get(key, ())}, key=_finding_order)
    direct = _seats(model, in_unit)
    return {
        "unit": unit,
        "type": unit_type(unit.spec.get("type")),
        "parent": site.link(structure.parent.get(unit.key), 1) if structure.parent.get(unit.key) else None,
        "children": [site.link(k, 1) for k in sorted(structure.children.get(unit.key, ()))],
        "dotted": [site.link(k, 1) for k in _refs(unit, ("spec", "dottedLines"))],
        "head": site.link(head, 1) if head else None,
        "vote": vote_cell(unit),
        "voters": [site.link(k, 1) for k in _refs(unit, ("spec", "voting", "members"))],
        "posts": posts,
        "seats": direct if model.persons_declared else (direct[0], None, None),
        "duties": _duty_rows(site, unit, duties),
        "boundaries": boundaries,
        "processes": [site.link(k, 1) for k in sorted(owned_processes.get(unit.key, ()))],
        "kpis": [site.link(k, 1) for k in sorted(unit_kpis.get(unit.key, ()))],
        "matrices": [site.link(k, 1) for k in sorted(unit_matrices.get(unit.key, ()))],
        "findings": _finding_rows(site, unit_findings, 1),
        "former": _former_rows(site, unit.key),
        "source": site.source(unit.doc.file, unit.doc.line, 1),
        "expand": expand,
    }


def former_by_unit(model: Model) -> dict[str, list[Holding]]:
    """Unit key -> the ended holdings of its posts, in the order they ended.

    A post no longer in force is placed in the unit its last version names, when that unit is in force.
    """
    structure = structure_of(model)
    found: dict[str, list[Holding]] = {}
    for post, ended in structure.former.items():
        unit = structure.unit_of.get(post)
        if unit is None:
            kind, _, name = post.partition("/")
            versions = model.versions(kind, name)
            unit = model.named("Unit", versions[-1].spec.get("unit")) if versions else ""
        if unit:
            found.setdefault(unit, []).extend(ended)
    for ended in found.values():
        ended.sort(key=lambda h: (h.window.end, h.window.start or h.window.end, h.person, h.position))
    return found


def _former_rows(site: Site, unit: str) -> list[dict[str, Any]]:
    """The unit's history: who held which of its posts, when; an acting appointment marked acting."""
    rows = []
    for holding in site.former.get(unit, ()):
        person = site.model.title(holding.person)
        in_force = site.model.get(holding.position) is not None
        rows.append(
            {
                "person": holder_words(person, holding, until=False),
                "post": site.link(holding.position, 1) if in_force else Link(site.model.title(holding.position)),
                "window": holding.window.said(),
            }
        )
    return rows


def _matrix_delegations(site: Site, matrix: Entity, delegations: list[DelegationRow]) -> list[dict[str, str]]:
    """The Delegations (in force or scheduled) that reach a matrix: those naming it, and those of all its
    delegator's matrices when the delegator approves in it."""
    approvers = {ref.target for ref in matrix.refs.values() if ref.edge == "approver"}
    reaching = []
    for row in delegations:
        if (row.matrices is not None and matrix.key in row.matrices) or (
            row.matrices is None and row.source in approvers
        ):
            reaching.append(
                {"name": row.name, "title": site.model.title(f"Delegation/{row.name}"), "status": row.cells[1]}
            )
    return reaching


def _duty_rows(site: Site, unit: Entity, duties: list[tuple[Link, Link, str]]) -> list[dict[str, Any]]:
    """Duties of a unit and its posts; the first mention on the page a search result points to is its anchor."""
    rows = []
    anchored: set[str] = set()
    for duty, owner, key in duties:
        anchor = ""
        if site.first_owner.get(key) == unit.key and key not in anchored:
            anchored.add(key)
            anchor = f"duty-{key.partition('/')[2]}"
        rows.append({"duty": duty, "owner": owner, "anchor": anchor})
    return rows


def write_site(files: dict[str, str | bytes], out_dir: Path) -> None:
    """The handbook appears whole or not at all: written into a new folder beside DIR, then swapped in.

    A previous handbook in DIR is replaced as a whole, so pages of deleted units do not linger. A
    folder that is not empty and holds no handbook is refused rather than wiped: only the marker file
    opsgov writes says it is one (a site of your own with an index.html is not).
    """
    if out_dir.exists():
        if not out_dir.is_dir():
            raise RenderError(f"{out_dir} is a file; the handbook needs a folder")
        if not (out_dir / HANDBOOK_MARKER).is_file() and any(out_dir.iterdir()):
            raise RenderError(
                f"{out_dir} is not empty and holds no handbook; choose a new or empty folder "
                "(the handbook folder is replaced as a whole)"
            )
    marker = "written by opsgov handbook; this folder is replaced as a whole\n"
    write_folder({**files, HANDBOOK_MARKER: marker}, out_dir)
