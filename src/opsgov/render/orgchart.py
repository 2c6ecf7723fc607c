"""The org chart: the solid-line unit tree top-down, posts inside their unit, matrix lines dashed.

Dotted (matrix) lines, a unit's and a post's, are drawn with `constraint=false` so they never
change a unit's rank: the printed chart keeps the solid-line hierarchy and shows the matrix on
top of it. A post's dotted line joins the two posts' rows (table ports), so it is only drawn
when both posts are on the chart. Edges are straight segments (polyline): curved splines from a
unit with many children cross each other. Wide levels are staggered over two rows so a center
with twenty stores still fits a handbook page. A legend under the title says what the lines
and marks mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import graphviz

from opsgov.model import Entity, Model, closest
from opsgov.render.safe import CJK_FONT, RenderError, label, run_dot, text
from opsgov.render.words import unit_type, words_for

MAX_UNITS = 300
"""More units than this make an unreadable chart and a slow layout: the user is asked to draw a part."""
WIDE = 8
"""A unit with more children than this has them staggered over two rows."""

VACANT_COLOR = "#b42318"
FROZEN_COLOR = "#8a8a8a"
SOLID_COLOR = "#4a6fa5"
DOTTED_COLOR = "#d08a2e"


@dataclass(frozen=True, slots=True)
class OrgChartOptions:
    root: str | None = None
    depth: int | None = None
    positions: bool = True
    people: bool = False
    max_units: int = MAX_UNITS


def top_units(model: Model) -> list[str]:
    """The Organization's root, or when there is none, every unit without a resolvable parent."""
    structure = model.structure
    if structure.root is not None:
        return [structure.root]
    return sorted(key for key, parent in structure.parent.items() if parent is None)


def _resolve_root(model: Model, root: str) -> str:
    unit = model.find(root, "Unit")
    if unit is not None:
        return unit.key
    name = root.removeprefix("Unit/")
    if name in model.known["Unit"]:
        raise RenderError(f"--root '{root}' is declared but its document is invalid; `opsgov check` says why")
    close = closest(name, model.known["Unit"])
    if close is not None:
        raise RenderError(f"--root: no unit '{name}'; did you mean '{close}'?")
    names = sorted(model.units)
    listed = f"the units are: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}" if names else "there are none"
    raise RenderError(f"--root: no unit '{name}'; {listed}")


def drawn_units(model: Model, options: OrgChartOptions) -> tuple[list[str], dict[str, int]]:
    """The units to draw, breadth first in name order, and for each cut-off unit how many lie below it."""
    structure = model.structure
    roots = [_resolve_root(model, options.root)] if options.root else top_units(model)
    order: list[str] = []
    hidden: dict[str, int] = {}
    seen: set[str] = set()
    frontier = [(key, 0) for key in roots]
    while frontier:
        following: list[tuple[str, int]] = []
        for key, level in frontier:
            if key in seen:
                continue
            seen.add(key)
            order.append(key)
            children = sorted(structure.children.get(key, ()))
            if options.depth is not None and level >= options.depth:
                below = sum(1 for _ in structure.units_below(key)) - 1
                if below:
                    hidden[key] = below
                continue
            following.extend((child, level + 1) for child in children)
        frontier = following
    return order, hidden


def _posts(model: Model, unit: Entity) -> list[Entity]:
    head = unit.target(("spec", "head"))
    keys = sorted(model.structure.posts_in.get(unit.key, ()), key=lambda k: (k != head, k))
    return [entity for entity in (model.get(k) for k in keys) if entity is not None]


def _post_row(model: Model, post: Entity, is_head: bool, people: bool, words: dict[str, str], port: str) -> str:
    headcount = post.spec.get("headcount", 1)
    holders = [model.get(h) for h in model.structure.holders.get(post.key, ())]
    names = [h.title for h in holders if h is not None]
    parts = [("★ " if is_head else "") + text(post.title)]
    if headcount not in (0, 1):
        parts.append(text(f"{words['headcount']} {headcount}"))
    if people and names:
        parts.append(text(("、" if words["none"] == "无" else ", ").join(names)))
    color = ""
    if headcount == 0:
        parts.append(text(f"[{words['frozen']}]"))
        color = FROZEN_COLOR
    elif model.persons_declared and not names:
        parts.append(text(f"[{words['vacant']}]"))
        color = VACANT_COLOR
    body = " · ".join(parts)
    cell = f'<TD ALIGN="LEFT" PORT="{port}"'
    if color == VACANT_COLOR:
        return f'<TR>{cell} BGCOLOR="#fde8e6"><FONT COLOR="{color}"><B>{body}</B></FONT></TD></TR>'
    if color:
        return f'<TR>{cell} BGCOLOR="#f0f0f0"><FONT COLOR="{color}"><I>{body}</I></FONT></TD></TR>'
    return f"<TR>{cell}>{body}</TD></TR>"


def _unit_label(
    model: Model, unit: Entity, options: OrgChartOptions, hidden: int, words: dict[str, str], ports: dict[str, str]
) -> str:
    """The unit's box; each post row gets a port (p0, p1, ...), recorded in `ports` as post key -> "unit:port"."""
    rows = [f'<TR><TD><B><FONT POINT-SIZE="13">{text(unit.title)}</FONT></B></TD></TR>']
    kind = unit.spec.get("type")
    meta = f"{unit_type(words, kind)} · {unit.name}" if kind else unit.name
    rows.append(f'<TR><TD><FONT POINT-SIZE="8" COLOR="#666666">{text(meta)}</FONT></TD></TR>')
    head = unit.target(("spec", "head"))
    if options.positions:
        posts = _posts(model, unit)
    else:
        posts = [entity] if head is not None and (entity := model.get(head)) is not None else []
    for number, post in enumerate(posts):
        ports[post.key] = f"{unit.key}:p{number}"
        rows.append(_post_row(model, post, post.key == head, options.people, words, f"p{number}"))
    if hidden:
        more = words["more_below"].format(n=hidden)
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#666666">▼ {text(more)}</FONT></TD></TR>')
    return label(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">{"".join(rows)}</TABLE>')


def _dotted(entity: Entity) -> Iterator[str]:
    """The resolved dotted-line targets of a unit (units) or a post (posts)."""
    for index, _ in enumerate(entity.spec.get("dottedLines") or ()):
        target = entity.target(("spec", "dottedLines", index))
        if target is not None:
            yield target


def orgchart_graph(model: Model, options: OrgChartOptions | None = None) -> graphviz.Digraph:
    options = options or OrgChartOptions()
    words = words_for(model)
    order, hidden = drawn_units(model, options)
    if len(order) > options.max_units:
        raise RenderError(
            f"the org chart would have {len(order)} units, more than {options.max_units} stay readable; "
            "draw part of it with --root UNIT and/or --depth N"
        )
    drawn = set(order)
    graph = graphviz.Digraph("orgchart")
    graph.attr(rankdir="TB", fontname=CJK_FONT, nodesep="0.25", ranksep="0.55", newrank="true", charset="UTF-8")
    graph.attr(splines="polyline")
    title = model.organizations[0].title if len(model.organizations) == 1 and not options.root else None
    graph.attr(label=_legend(title, words), labelloc="t", fontsize="10")
    graph.attr("node", shape="box", style="rounded,filled", fillcolor="#f7f9fc", color=SOLID_COLOR, fontname=CJK_FONT)
    graph.attr("node", fontsize="11", margin="0.05")
    graph.attr("edge", color=SOLID_COLOR, arrowhead="none", fontname=CJK_FONT)
    ports: dict[str, str] = {}
    for key in order:
        unit = model.get(key)
        if unit is not None:
            graph.node(key, _unit_label(model, unit, options, hidden.get(key, 0), words, ports))
    structure = model.structure
    for key in order:
        children = [c for c in sorted(structure.children.get(key, ())) if c in drawn]
        stagger = len(children) > WIDE
        leaves = 0
        for child in children:
            if stagger and not structure.children.get(child):
                leaves += 1
                graph.edge(key, child, minlen=str(1 + leaves % 2), tailport="s", headport="n")
            else:
                graph.edge(key, child, tailport="s", headport="n")
    post_lines: list[tuple[str, str]] = []
    for post_key in sorted(ports):
        post = model.get(post_key)
        for target in sorted(set(_dotted(post))) if post is not None else ():
            tail, head = ports.get(target), ports[post_key]
            if tail is not None and _unit_of_port(tail) != _unit_of_port(head):
                post_lines.append((tail, head))
    # A post's dotted line says more than its unit's: the unit line between the same two units is left out.
    covered = {(_unit_of_port(tail), _unit_of_port(head)) for tail, head in post_lines}
    for key in order:
        unit = model.get(key)
        for target in sorted(set(_dotted(unit))) if unit is not None else ():
            if target in drawn and target != key and (target, key) not in covered:
                graph.edge(target, key, style="dashed", color=DOTTED_COLOR, constraint="false")
    for tail, head in post_lines:
        graph.edge(tail, head, style="dashed", color=DOTTED_COLOR, constraint="false")
    return graph


def _unit_of_port(port: str) -> str:
    return port.rsplit(":", 1)[0]


def _legend(title: str | None, words: dict[str, str]) -> str:
    """The organisation's name (when the whole organisation is drawn) over a one-line key to lines and marks."""
    rows = [f'<TR><TD><FONT POINT-SIZE="18"><B>{text(title)}</B></FONT></TD></TR>'] if title else []
    key = (
        f'<FONT COLOR="{SOLID_COLOR}">━━</FONT> {text(words["solid_line"])}   '
        f'<FONT COLOR="{DOTTED_COLOR}">╍╍</FONT> {text(words["dotted_line"])}   '
        f"★ {text(words['head'])}   "
        f'<FONT COLOR="{VACANT_COLOR}"><B>[{text(words["vacant"])}]</B></FONT>   '
        f'<FONT COLOR="{FROZEN_COLOR}"><I>[{text(words["frozen"])}]</I></FONT>'
    )
    rows.append(f'<TR><TD><FONT COLOR="#555555">{key}</FONT></TD></TR>')
    return label(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')


def render_orgchart(model: Model, fmt: str, options: OrgChartOptions | None = None) -> bytes:
    return run_dot(orgchart_graph(model, options).source, fmt)
