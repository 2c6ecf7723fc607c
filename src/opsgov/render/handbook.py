"""The staff handbook: a static site that opens from the file system, with no network at all.

Pages are Jinja2 templates with autoescaping on, so every title, duty and note is text. Diagrams
are SVG files drawn by `dot` next to the pages and shown with `<img>` (an SVG in an image cannot
run anything). Links are relative. `fmt="md"` writes the same pages as Markdown for a wiki.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from opsgov.model.entities import Entity, Model
from opsgov.model.raci import responsible_posts
from opsgov.model.structure import structure_of
from opsgov.render.approvals_table import approval_rows, matrix_groups, vote_cell
from opsgov.render.orgchart import OrgChartOptions, drawn_units, render_orgchart, top_units
from opsgov.render.process import render_process
from opsgov.render.raci import raci_table
from opsgov.render.safe import RenderError
from opsgov.render.table import md_cell, to_html_fragment
from opsgov.render.words import direction, duration, frequency, kpi_amount, org_currency, unit_type, words_for
from opsgov.report.finding import LEVEL_RANK
from opsgov.report.report import Report

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "handbook"
HANDBOOK_FORMATS = ("html", "md")
HANDBOOK_MARKER = ".opsgov-handbook"
"""The file that marks a folder as a handbook opsgov may replace."""


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
    words: dict[str, str]
    files: dict[str, str | bytes] = field(default_factory=dict)

    def link(self, key: str | None, depth: int) -> Link:
        """A link to a unit's or process's page; any other entity is shown by title (its unit's page for a post)."""
        entity = self.model.get(key)
        if entity is None:
            return Link(key or "")
        up = "../" * depth
        if entity.kind == "Unit":
            return Link(entity.title, f"{up}units/{entity.name}.{self.ext}", entity.name)
        if entity.kind == "Process":
            return Link(entity.title, f"{up}processes/{entity.name}.{self.ext}", entity.name)
        if entity.kind == "Position":
            unit = self.model.get(structure_of(self.model).unit_of.get(entity.key))
            if unit is not None:
                row = f"#{entity.name}" if self.ext == "html" else ""  # the post's row in its unit's table
                return Link(entity.title, f"{up}units/{unit.name}.{self.ext}{row}", entity.name)
        if entity.kind == "ApprovalMatrix":
            return Link(entity.title, f"{up}approvals.{self.ext}#{entity.name}", entity.name)
        if entity.kind == "KPI":
            return Link(entity.title, f"{up}kpis.{self.ext}#{entity.name}", entity.name)
        return Link(entity.title, "", entity.name)


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


def _post_status(model: Model, post: Entity) -> str:
    if post.spec.get("headcount", 1) == 0:
        return "frozen"
    if model.persons_declared and not structure_of(model).holders.get(post.key):
        return "vacant"
    return ""


def build_site(report: Report, fmt: str = "html") -> dict[str, str | bytes]:
    """Every file of the handbook, relative path -> content."""
    if fmt not in HANDBOOK_FORMATS:
        raise RenderError(f"unknown handbook format '{fmt}'; use html or md")
    model = report.model
    if model is None:
        raise RenderError("the repository could not be loaded, so there is no handbook to write")
    site = Site(model, fmt, words_for(model))
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

    def page(template: str, path: str, depth: int, **context: Any) -> None:
        up = "../" * depth
        site.files[path] = env.get_template(f"{template}.{fmt}").render(
            w=site.words, up=up, ext=fmt, org=_org_title(model), **context
        )

    # Order of the units: the tree from the top (breadth first), then anything not reachable.
    order, _ = drawn_units(model, OrgChartOptions())
    order += sorted({u.key for u in model.units.values()} - set(order))
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

    chart, chart_error = _diagram(lambda: render_orgchart(model, "svg", OrgChartOptions(people=True)))
    if chart is None and "units" in chart_error:
        chart, chart_error = _diagram(lambda: render_orgchart(model, "svg", OrgChartOptions(depth=2, positions=False)))
    if chart is not None:
        site.files["orgchart.svg"] = chart
    top = [site.link(key, 0) for key in top_units(model)]
    units_index = [site.link(key, 0) for key in order]
    processes = sorted(model.entities("Process"), key=lambda p: p.name)
    page(
        "index",
        f"index.{fmt}",
        0,
        chart="orgchart.svg" if chart is not None else "",
        chart_error=chart_error,
        top=top,
        units=units_index,
        processes=[site.link(p.key, 0) for p in processes],
        counts=report.counts(),
    )
    for key in order:
        entity = model.get(key)
        if entity is not None:
            page("unit", f"units/{entity.name}.{fmt}", 1, **_unit_context(site, entity, owned_processes, unit_kpis))
    for process in processes:
        svg, error = _diagram(lambda p=process: render_process(model, p, "svg"))  # type: ignore[misc]
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
                    "sla": duration(site.words, step["sla"]) if step.get("sla") else "",
                    "next": list(step.get("next") or []),
                }
            )
        raci = raci_table(model, process=process.name)
        page(
            "process",
            f"processes/{process.name}.{fmt}",
            1,
            process=process,
            owner=site.link(process.target(("spec", "owner")), 1),
            diagram=f"{process.name}.svg" if svg is not None else "",
            diagram_error=error,
            steps=steps,
            raci=raci,
            raci_html=to_html_fragment([raci]),  # every title escaped there: coloured letters, a legend
            kpis=[site.link(k, 1) for k in _refs(process, ("spec", "kpis"))],
        )
    matrices = []
    for group, members in matrix_groups(model, site.words):
        for matrix in members:
            matrices.append(
                {
                    "entity": matrix,
                    "group": group,
                    "subject": matrix.spec.get("subject") or "",
                    "requesters": [site.link(k, 0) for k in _refs(matrix, ("spec", "requesters"))],
                    "rows": approval_rows(model, matrix, site.words),
                }
            )
    page("approvals", f"approvals.{fmt}", 0, matrices=matrices)
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
                    "target": kpi_amount(site.words, kpi.spec.get("target"), kpi.spec.get("unit"), currency),
                    "direction": direction(site.words, kpi.spec.get("direction")),
                    "frequency": frequency(site.words, kpi.spec.get("frequency")),
                    "method": kpi.spec.get("method", ""),
                },
                "green": kpi_amount(site.words, thresholds.get("green"), kpi.spec.get("unit"), currency),
                "yellow": kpi_amount(site.words, thresholds.get("yellow"), kpi.spec.get("unit"), currency),
                "measures": [site.link(k, 0) for k in _refs(kpi, ("spec", "measures"))],
            }
        )
    page("kpis", f"kpis.{fmt}", 0, kpis=kpis)
    findings = sorted(report.findings, key=lambda f: (f.waived, -LEVEL_RANK.get(f.level, 0), f))
    page("findings", f"findings.{fmt}", 0, findings=findings)
    if fmt == "html":
        site.files["style.css"] = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    return site.files


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(value: object) -> markupsafe.Markup:
    """Escaped text whose `code` spans (as hints write YAML to type) show as <code>, not as raw backticks."""
    escaped = str(markupsafe.escape("" if value is None else value))
    return markupsafe.Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


def _org_title(model: Model) -> str:
    return model.organizations[0].title if len(model.organizations) == 1 else "opsgov"


def _unit_context(
    site: Site, unit: Entity, owned_processes: dict[str, set[str]], unit_kpis: dict[str, set[str]]
) -> dict[str, Any]:
    model = site.model
    structure = structure_of(model)
    head = unit.target(("spec", "head"))
    posts = []
    duties = [(site.link(k, 1), site.link(unit.key, 1)) for k in _refs(unit, ("spec", "owns"))]
    boundaries = []
    for owner in [unit, *(model.get(k) for k in structure.posts_in.get(unit.key, ()))]:
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
    for key in sorted(structure.posts_in.get(unit.key, ()), key=lambda k: (k != head, k)):
        post = model.get(key)
        if post is None:
            continue
        holders = [model.get(h) for h in structure.holders.get(key, ())]
        posts.append(
            {
                "entity": post,
                "head": key == head,
                "headcount": post.spec.get("headcount", 1),
                "level": post.spec.get("level") or "",
                "holders": [h.title for h in holders if h is not None],
                "status": _post_status(model, post),
                "reports_to": site.link(structure.reports_to.get(key), 1) if structure.reports_to.get(key) else None,
                "dotted": [site.link(k, 1) for k in _refs(post, ("spec", "dottedLines"))],
            }
        )
        duties.extend((site.link(k, 1), Link(post.title)) for k in _refs(post, ("spec", "owns")))
    return {
        "unit": unit,
        "type": unit_type(site.words, unit.spec.get("type")),
        "parent": site.link(structure.parent.get(unit.key), 1) if structure.parent.get(unit.key) else None,
        "children": [site.link(k, 1) for k in sorted(structure.children.get(unit.key, ()))],
        "dotted": [site.link(k, 1) for k in _refs(unit, ("spec", "dottedLines"))],
        "head": site.link(head, 1) if head else None,
        "vote": vote_cell(unit, site.words),
        "voters": [site.link(k, 1) for k in _refs(unit, ("spec", "voting", "members"))],
        "posts": posts,
        "duties": duties,
        "boundaries": boundaries,
        "processes": [site.link(k, 1) for k in sorted(owned_processes.get(unit.key, ()))],
        "kpis": [site.link(k, 1) for k in sorted(unit_kpis.get(unit.key, ()))],
    }


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
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{out_dir.name}.{secrets.token_hex(6)}.tmp"
    old = parent / f".{out_dir.name}.{secrets.token_hex(6)}.old"
    staging.mkdir()
    try:
        (staging / HANDBOOK_MARKER).write_text(
            "written by opsgov handbook; this folder is replaced as a whole\n", encoding="utf-8"
        )
        for rel in sorted(files):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            content = files[rel]
            target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if out_dir.exists():
            os.rename(out_dir, old)
            try:
                os.rename(staging, out_dir)
            except OSError:
                os.rename(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
