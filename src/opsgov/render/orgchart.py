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

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import graphviz

from opsgov.model.entities import Entity, Model
from opsgov.model.find import ResolveError, find
from opsgov.model.structure import structure_of
from opsgov.render.safe import CJK_FONT, Drawing, RenderError, draw_dot, label, run_dot, text
from opsgov.render.words import Words, holder_words, listing, unit_type, words

MAX_UNITS = 300
"""More units than this make an unreadable chart and a slow layout: the user is asked to draw a part."""
WIDE = 8
"""A unit with more children than this has them staggered over two rows."""

VACANT_COLOR = "#b42318"
ACTING_COLOR = "#9a6700"
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
    layout: str = "tree"


def top_units(model: Model) -> list[str]:
    """The Organization's root, or when there is none, every unit without a resolvable parent."""
    structure = structure_of(model)
    if structure.root is not None:
        return [structure.root]
    return sorted(key for key, parent in structure.parent.items() if parent is None)


def _resolve_root(model: Model, root: str) -> str:
    try:
        return find(model, root, ("Unit",)).key
    except ResolveError as error:
        raise RenderError(f"--root: {error}") from None


def drawn_units(model: Model, options: OrgChartOptions) -> tuple[list[str], dict[str, int]]:
    """The units to draw, breadth first in name order, and for each cut-off unit how many lie below it."""
    structure = structure_of(model)
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
    keys = sorted(structure_of(model).posts_in.get(unit.key, ()), key=lambda k: (k != head, k))
    return [entity for entity in (model.get(k) for k in keys) if entity is not None]


def _post_row(model: Model, post: Entity, is_head: bool, people: bool, w: Words, port: str) -> str:
    headcount = post.spec.get("headcount", 1)
    structure = structure_of(model)
    holders = [(h, model.get(h)) for h in structure.holders.get(post.key, ())]
    names = [
        holder_words(person.title, structure.held.get((post.key, key)), until=False)
        for key, person in holders
        if person is not None
    ]
    parts = [("★ " if is_head else "") + text(post.title)]
    if headcount not in (0, 1):
        parts.append(text(f"{w.headcount} {headcount}"))
    if people and names:
        parts.append(text(listing().join(names)))
    elif names and _acting_only(model, post.key):
        mark = text("[" + w.acting + "]")
        parts.append(f'<FONT COLOR="{ACTING_COLOR}">{mark}</FONT>')
    color = ""
    if headcount == 0:
        parts.append(text(f"[{w.frozen}]"))
        color = FROZEN_COLOR
    elif model.persons_declared and not names:
        parts.append(text(f"[{w.vacant}]"))
        color = VACANT_COLOR
    body = " · ".join(parts)
    cell = f'<TD ALIGN="LEFT" PORT="{port}"'
    if color == VACANT_COLOR:
        return f'<TR>{cell} BGCOLOR="#fde8e6"><FONT COLOR="{color}"><B>{body}</B></FONT></TD></TR>'
    if color:
        return f'<TR>{cell} BGCOLOR="#f0f0f0"><FONT COLOR="{color}"><I>{body}</I></FONT></TD></TR>'
    return f"<TR>{cell}>{body}</TD></TR>"


def _drawn_posts(model: Model, order: list[str], options: OrgChartOptions) -> Iterator[str]:
    """The posts the chart's unit boxes list: every post, or with --no-positions each unit's head."""
    structure = structure_of(model)
    for key in order:
        unit = model.get(key)
        if options.positions:
            yield from structure.posts_in.get(key, ())
        elif unit is not None and (head := unit.target(("spec", "head"))) is not None:
            yield head


def _acting_only(model: Model, post: str) -> bool:
    """Whether every holder of the post on the date is an acting holder (the chart marks it [acting] / [代理])."""
    structure = structure_of(model)
    holders = structure.holders.get(post, ())
    return bool(holders) and all(key in structure.acting.get(post, ()) for key in holders)


def _unit_label(
    model: Model, unit: Entity, options: OrgChartOptions, hidden: int, w: Words, ports: dict[str, str]
) -> str:
    """The unit's box; each post row gets a port (p0, p1, ...), recorded in `ports` as post key -> "unit:port"."""
    rows = [f'<TR><TD><B><FONT POINT-SIZE="13">{text(unit.title)}</FONT></B></TD></TR>']
    kind = unit.spec.get("type")
    meta = f"{unit_type(kind)} · {unit.name}" if kind else unit.name
    rows.append(f'<TR><TD><FONT POINT-SIZE="8" COLOR="#666666">{text(meta)}</FONT></TD></TR>')
    head = unit.target(("spec", "head"))
    if options.positions:
        posts = _posts(model, unit)
    else:
        posts = [entity] if head is not None and (entity := model.get(head)) is not None else []
    for number, post in enumerate(posts):
        ports[post.key] = f"{unit.key}:p{number}"
        rows.append(_post_row(model, post, post.key == head, options.people, w, f"p{number}"))
    if hidden:
        more = w.more_below.format(n=hidden)
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#666666">▼ {text(more)}</FONT></TD></TR>')
    return label(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">{"".join(rows)}</TABLE>')


def _dotted(entity: Entity) -> Iterator[str]:
    """The resolved dotted-line targets of a unit (units) or a post (posts)."""
    for index, _ in enumerate(entity.spec.get("dottedLines") or ()):
        target = entity.target(("spec", "dottedLines", index))
        if target is not None:
            yield target


LAYOUTS = ("tree", "compact", "left-right")
"""tree: leaf units in a column under their parent, wide levels wrapped into rows (a printed org
chart); compact: the same with a parent's leaf units in a shaded panel, no lines between them;
left-right: every level a column from left to right, a long one wrapped into several."""
TARGET_RATIO = 1.41
"""Width over height the wrapping aims at: a landscape A-series page."""
_COLUMN_PT = 175.0
"""Estimated width of one column of unit boxes, points (a box plus the space between boxes)."""
_RANKSEP_PT = 22.0


@dataclass(slots=True)
class _Shape:
    """The planned shape of a drawn unit's subtree: its leaf children in columns, the others in rows."""

    columns: list[list[str]]
    rows: list[list[str]]
    width: float
    height: float


def _tree(model: Model, order: list[str]) -> dict[str, list[str]]:
    """The drawn children of each drawn unit in name order; never a unit drawn before it (a cycle under --root)."""
    position = {unit: number for number, unit in enumerate(order)}
    return {
        key: [c for c in sorted(structure_of(model).children.get(key, ())) if position.get(c, -1) > here]
        for here, key in enumerate(order)
    }


def _box_height(model: Model, key: str, options: OrgChartOptions, hidden: dict[str, int]) -> float:
    """Estimated height of a unit's box in points: its title, its type line and one line per post."""
    posts = len(structure_of(model).posts_in.get(key, ())) if options.positions else 1
    return 34.0 + 17.0 * posts + (14.0 if hidden.get(key) else 0.0)


def _plan(
    model: Model,
    order: list[str],
    tree: dict[str, list[str]],
    hidden: dict[str, int],
    options: OrgChartOptions,
    limit: float,
    tall: int,
) -> dict[str, _Shape]:
    """Every unit's shape when no row of children is wider than `limit` columns and no column of
    leaf units longer than `tall` (bottom up).

    Sizes are in columns across the levels (`width`) and points along them (`height`). Drawn
    left to right the axes turn: a unit's box is about a column along the levels, and its height
    across them; leaf units are not stacked (siblings already stand one under the other).
    """
    shapes: dict[str, _Shape] = {}
    gap = _RANKSEP_PT if options.layout != "compact" else _RANKSEP_PT / 2
    sideways = options.layout == "left-right"
    for key in reversed(order):
        children = tree[key]
        leaves = [c for c in children if not shapes[c].rows and not shapes[c].columns]
        stacked = leaves if len(leaves) >= 2 and not sideways else []
        count = -(-len(stacked) // tall)
        columns = []
        for number in range(count):  # lengths differ by one at most: 30 in 4 columns are 8, 8, 7, 7
            begin = number * len(stacked) // count
            columns.append(stacked[begin : (number + 1) * len(stacked) // count])
        # Narrow subtrees fill the first rows, the widest comes last: a wrapped level reads as
        # rows of departments over the one large division spread across the page.
        branches = sorted((c for c in children if c not in stacked), key=lambda c: (shapes[c].width, c))
        rows: list[list[str]] = []
        width = 0.0
        for child in branches:
            if rows and width + shapes[child].width <= limit:
                rows[-1].append(child)
                width += shapes[child].width
            else:
                rows.append([child])
                width = shapes[child].width
        widths = [len(columns) + sum(shapes[c].width for c in row) for row in rows] or [float(len(columns))]
        rows_height = sum(max(shapes[c].height for c in row) + _RANKSEP_PT for row in rows)
        stack_height = max(
            (sum(_box_height(model, c, options, hidden) + gap for c in column) for column in columns), default=0.0
        )
        own = _box_height(model, key, options, hidden)
        across = 1.0
        if sideways:
            own, across = _COLUMN_PT, (own + 18.0) / _COLUMN_PT
        below = max(rows_height, stack_height + _RANKSEP_PT) if children else 0.0
        shapes[key] = _Shape(columns, rows, max(across, *widths), own + below)
    return shapes


_TALL = (2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 1000)
"""Candidate lengths of a column of leaf units."""
_FREE_RATIO = math.log(1.6)
"""Charts within 1.6 times TARGET_RATIO either way (about 0.9 to 2.3) are not wrapped further."""


def _choose_plan(
    model: Model, order: list[str], tree: dict[str, list[str]], hidden: dict[str, int], options: OrgChartOptions
) -> dict[str, _Shape]:
    """The row and column limits that keep the estimated chart near TARGET_RATIO with the least folding.

    A chart already near a page's shape is left as it is (a wrapped row or an extra column costs
    a little); one far from it is folded until it comes near.
    """
    drawn = set(order)
    roots = [key for key in order if structure_of(model).parent.get(key) not in drawn]
    if not roots:
        return {}
    best: tuple[float, dict[str, _Shape]] | None = None
    sideways = options.layout == "left-right"
    for tall in _TALL[-1:] if sideways else _TALL:
        for limit in range(1, 41):
            shapes = _plan(model, order, tree, hidden, options, float(limit), tall)
            width = sum(shapes[r].width for r in roots) * _COLUMN_PT
            height = max(shapes[r].height for r in roots)
            if sideways:
                width, height = height, width
            off = max(0.0, abs(math.log(width / height / TARGET_RATIO)) - _FREE_RATIO)
            folds = sum(max(0, len(s.rows) - 1) + max(0, len(s.columns) - 1) for s in shapes.values())
            cost = off + 0.02 * folds
            if best is None or cost < best[0] - 1e-9:
                best = (cost, shapes)
            if all(len(shape.rows) <= 1 for shape in shapes.values()):
                break  # a larger limit changes nothing
    assert best is not None
    return best[1]


def orgchart_graph(model: Model, options: OrgChartOptions | None = None) -> graphviz.Digraph:
    options = options or OrgChartOptions()
    if options.layout not in LAYOUTS:
        raise RenderError(f"unknown layout '{options.layout}'; use one of {', '.join(LAYOUTS)}")
    w = words()
    order, hidden = drawn_units(model, options)
    if len(order) > options.max_units:
        raise RenderError(
            f"the org chart would have {len(order)} units, more than {options.max_units} stay readable; "
            "draw part of it with --root UNIT and/or --depth N"
        )
    drawn = set(order)
    left_right = options.layout == "left-right"
    graph = graphviz.Digraph("orgchart")
    graph.attr(rankdir="LR" if left_right else "TB", fontname=CJK_FONT, newrank="true", charset="UTF-8")
    graph.attr(nodesep="0.25", ranksep="0.2" if options.layout == "compact" else "0.3", splines="polyline")
    graph.attr(compound="true")  # the compact layout's line into a panel ends at the panel
    title = model.organizations[0].title if len(model.organizations) == 1 and not options.root else None
    # A dated organisation is drawn as of a day: the legend says which, and marks acting holders when any is drawn.
    day = w.as_of.format(day=model.as_of.isoformat()) if next(model.windows(), None) is not None else ""
    acting = not options.people and any(_acting_only(model, post) for post in _drawn_posts(model, order, options))
    graph.attr(label=_legend(title, w, day=day, acting=acting), labelloc="t", fontsize="10")
    graph.attr("node", shape="box", style="rounded,filled", fillcolor="#f7f9fc", color=SOLID_COLOR, fontname=CJK_FONT)
    graph.attr("node", fontsize="11", margin="0.05")
    graph.attr("edge", color=SOLID_COLOR, arrowhead="none", fontname=CJK_FONT)
    tail, head = ("e", "w") if left_right else ("s", "n")
    structure = structure_of(model)
    tree = _tree(model, order)
    shapes = _choose_plan(model, order, tree, hidden, options)
    ports: dict[str, str] = {}

    def emit(container: graphviz.Digraph, key: str) -> None:
        """A unit, and below it its subtree inside an invisible cluster: dot keeps a cluster's nodes
        together, so each unit's columns and rows stay under it instead of mixing with a cousin's."""
        unit = model.get(key)
        shape = shapes[key]
        if not shape.columns and not shape.rows:
            if unit is not None:
                container.node(key, _unit_label(model, unit, options, hidden.get(key, 0), w, ports))
            return
        with container.subgraph(name=f"cluster_{key}") as box:
            box.attr(label="", peripheries="0", margin="4")
            if unit is not None:
                box.node(key, _unit_label(model, unit, options, hidden.get(key, 0), w, ports))
            for column_number, column in enumerate(shape.columns):
                if options.layout == "compact":
                    # The units one under the other (invisible edges rank them) in a shaded panel
                    # that the parent's line points into.
                    panel = f"cluster_{key}-{column_number}"
                    with box.subgraph(name=panel) as lane:
                        lane.attr(label="", style="rounded,filled", fillcolor="#eef3fa", color="#c9d4e5", margin="6")
                        for number, child in enumerate(column):
                            emit(lane, child)
                            if number:
                                graph.edge(column[number - 1], child, style="invis", weight="10")
                    graph.edge(key, column[0], tailport=tail, headport=head, lhead=panel)
                    continue
                # A bus down the left of the column: a point beside each leaf unit, one under the
                # other; the column is a cluster of its own, so nothing is placed between a point
                # and its unit (the short line joining them would cross it).
                previous = key
                with box.subgraph(name=f"cluster_{key}-{column_number}") as lane:
                    lane.attr(label="", peripheries="0", margin="0")
                    for number, child in enumerate(column):
                        point = f"bus-{key}-{column_number}-{number}"
                        with lane.subgraph() as level:
                            level.attr(rank="same")
                            level.node(point, label="", shape="point", width="0.01", color=SOLID_COLOR)
                            emit(level, child)
                        graph.edge(previous, point, **({"tailport": tail} if previous == key else {}))
                        graph.edge(point, child, headport="w")
                        previous = point
            for number, row in enumerate(shape.rows):
                source = key
                if number:
                    # A wrapped row hangs from a junction under the rows above it, not from long edges.
                    source = f"row-{key}-{number}"
                    box.node(source, label="", shape="point", width="0.01", color=SOLID_COLOR)
                    depth = sum(max(_ranks(shapes, c) for c in above) for above in shape.rows[:number])
                    graph.edge(key, source, tailport=tail, minlen=str(depth))
                for child in row:
                    emit(box, child)
                    graph.edge(source, child, **({"tailport": tail} if source == key else {}), headport=head)

    for key in order:
        if structure.parent.get(key) not in drawn or key == order[0]:
            emit(graph, key)
    _dotted_edges(model, graph, order, drawn, ports, w)
    return graph


def _ranks(shapes: dict[str, _Shape], key: str) -> int:
    """How many ranks a unit's subtree takes in the tree layout (its box, then its column or rows)."""
    shape = shapes[key]
    rows = sum(max(_ranks(shapes, c) for c in row) for row in shape.rows)
    return 1 + max(rows, max((len(column) for column in shape.columns), default=0))


def _dotted_edges(
    model: Model,
    graph: graphviz.Digraph,
    order: list[str],
    drawn: set[str],
    ports: dict[str, str],
    w: Words,
) -> None:
    """Dotted lines, from the post (or unit) that has one to its dotted-line manager: arrowed and labelled.

    They never change a unit's place (`constraint=false`): the chart keeps the solid-line tree.
    """
    dotted = {
        "style": "dashed",
        "color": DOTTED_COLOR,
        "fontcolor": DOTTED_COLOR,
        "constraint": "false",
        "arrowhead": "vee",
        "fontsize": "8",
        # An external label: a plain edge label becomes a node in the ranking, and with clusters
        # and constraint=false Graphviz 2.43 then fails ("trouble in init_rank").
        "xlabel": label(text(w.dotted_edge)),
    }
    post_lines: list[tuple[str, str]] = []
    for post_key in sorted(ports):
        post = model.get(post_key)
        for target in sorted(set(_dotted(post))) if post is not None else ():
            if target in ports and structure_of(model).unit_of.get(target) != structure_of(model).unit_of.get(post_key):
                post_lines.append((post_key, target))
    # A post's dotted line says more than its unit's: the unit line between the same two units is left out.
    unit_of = structure_of(model).unit_of
    covered = {(unit_of.get(source), unit_of.get(manager)) for source, manager in post_lines}
    for key in order:
        unit = model.get(key)
        for target in sorted(set(_dotted(unit))) if unit is not None else ():
            if target in drawn and target != key and (key, target) not in covered:
                graph.edge(key, target, **dotted)
    for source, manager in post_lines:
        graph.edge(ports[source], ports[manager], **dotted)


def _legend(title: str | None, w: Words, *, day: str = "", acting: bool = False) -> str:
    """The organisation's name (when the whole organisation is drawn) and the day it is drawn as of (when
    anything in it is dated) over a one-line key to lines and marks."""
    rows = [f'<TR><TD><FONT POINT-SIZE="18"><B>{text(title)}</B></FONT></TD></TR>'] if title else []
    if day:
        rows.append(f'<TR><TD><FONT POINT-SIZE="11">{text(day)}</FONT></TD></TR>')
    key = (
        f'<FONT COLOR="{SOLID_COLOR}">━━</FONT> {text(w.solid_line)}   '
        f'<FONT COLOR="{DOTTED_COLOR}">╍╍</FONT> {text(w.dotted_line)}   '
        f"★ {text(w.head)}   "
        f'<FONT COLOR="{VACANT_COLOR}"><B>[{text(w.vacant)}]</B></FONT>   '
        f'<FONT COLOR="{FROZEN_COLOR}"><I>[{text(w.frozen)}]</I></FONT>'
    )
    if acting:
        key += f'   <FONT COLOR="{ACTING_COLOR}">[{text(w.acting)}]</FONT>'
    rows.append(f'<TR><TD><FONT COLOR="#555555">{key}</FONT></TD></TR>')
    return label(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')


def render_orgchart(model: Model, fmt: str, options: OrgChartOptions | None = None) -> bytes:
    return run_dot(orgchart_graph(model, options).source, fmt)


def draw_orgchart(model: Model, fmt: str, options: OrgChartOptions | None = None, *, dpi: int | None = None) -> Drawing:
    """The org chart with what the reader should know about it (a PNG scaled down to fit Graphviz's limit)."""
    return draw_dot(orgchart_graph(model, options).source, fmt, dpi=dpi)


PAPER = {"A4": (595.28, 841.89), "A3": (841.89, 1190.55)}
"""Portrait paper sizes in points; a page is turned to landscape when its chart is wider than tall."""
_MARGIN = 28.0
MIN_SCALE = 0.45
"""Below this a chart's 11-point text prints under 5 points: its subtree is split over more pages."""


def orgchart_pages(model: Model, options: OrgChartOptions | None = None, paper: str = "A4") -> Drawing:
    """A PDF for printing: an overview page (the top levels), then one page per subtree.

    Each level-1 unit with units below gets its own page; a subtree too large to print legibly
    on one sheet is itself drawn one level deep, and each of its children with units below gets
    a page (recursively). Pages are scaled down to fit the paper (never up) and turned to
    landscape for wide charts; the PDF's outline (bookmarks) names each page's unit.
    Merging and placing pages is pypdf's job: a pure-Python, maintained library, where PDF
    objects written by hand would be fragile.
    """
    from pypdf import PdfReader, PdfWriter, Transformation

    options = options or OrgChartOptions()
    if paper not in PAPER:
        raise RenderError(f"unknown page size '{paper}'; use one of {', '.join(PAPER)}")
    w = words()
    structure = structure_of(model)
    roots = [_resolve_root(model, options.root)] if options.root else top_units(model)
    writer = PdfWriter()
    warnings: list[str] = []

    def has_units_below(key: str) -> bool:
        return bool(structure.children.get(key))

    def place(title: str, chart: OrgChartOptions, last_resort: bool) -> float:
        """Draw one page; returns its scale (the page is not added when it is too small and can be split)."""
        data = run_dot(orgchart_graph(model, chart).source, "pdf")
        drawn = PdfReader(io.BytesIO(data)).pages[0]
        width, height = float(drawn.mediabox.width), float(drawn.mediabox.height)
        page_width, page_height = PAPER[paper] if width <= height else PAPER[paper][::-1]
        scale = min(1.0, (page_width - 2 * _MARGIN) / width, (page_height - 2 * _MARGIN) / height)
        if scale < MIN_SCALE and not last_resort:
            return scale
        if scale < MIN_SCALE:
            warnings.append(
                f"page {len(writer.pages) + 1} ({title}) is printed at {scale:.0%} of its size on {paper}: "
                "use a larger --page, or draw it with --root and fewer posts (--no-positions)"
            )
        sheet = writer.add_blank_page(page_width, page_height)
        left, bottom = (page_width - width * scale) / 2, (page_height - height * scale) / 2
        sheet.merge_transformed_page(drawn, Transformation().scale(scale).translate(left, bottom))
        writer.add_outline_item(title=title, page_number=len(writer.pages) - 1)
        return scale

    overview = options.depth if options.depth is not None and options.depth < 1 else 1
    named = [unit.title for unit in (model.get(root) for root in roots) if unit is not None]
    place(f"{w.overview}: {listing().join(named)}", replace(options, depth=overview), True)
    pending = [(child, 1) for root in roots for child in sorted(structure.children.get(root, ()))]
    while pending:
        key, level = pending.pop(0)
        if not has_units_below(key) or (options.depth is not None and level >= options.depth):
            continue
        unit = model.get(key)
        title = unit.title if unit is not None else key
        depth = options.depth - level if options.depth is not None else None
        split = [(child, level + 1) for child in sorted(structure.children.get(key, ()))]
        splittable = any(has_units_below(child) for child, _ in split) and depth != 1
        chart = replace(options, root=key, depth=depth)
        try:
            scale = place(title, chart, not splittable)
        except RenderError:
            if not splittable:
                raise
            scale = 0.0  # too many units for one drawing: split it
        if scale < MIN_SCALE and splittable:
            place(title, replace(options, root=key, depth=1), True)
            pending[:0] = split
    out = io.BytesIO()
    writer.write(out)
    return Drawing(out.getvalue(), tuple(warnings))
