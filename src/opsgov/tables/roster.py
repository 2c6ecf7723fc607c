"""Rows of a roster -> units, posts and people, with every bad row reported at its cell.

One row is a person in a post, or a post (an empty name is a vacancy). Rows of the same post merge:
the same position code, or without codes the same department, title and reports-to. A problem in a
row (an unknown reports-to, a second head of a department, a cycle, a missing title, a headcount that
is not a number) is a `table-row` finding at its row and column; the faulty value is left out and the
rest of the row, and of the table, is still imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from opsgov.i18n import _
from opsgov.load.decode import BAD_IN_NAME
from opsgov.report.finding import Finding
from opsgov.tables.columns import Columns
from opsgov.tables.ids import Namer, slug
from opsgov.tables.read import Sheet, formula_findings, table_finding

YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "负责人", "head"})
NO = frozenset({"否", "n", "no", "false", "0", ""})
_SPLIT = re.compile(r"\s*[,，;；、|]\s*")
UNIT_TYPE_WORDS = {
    "公司": "company",
    "集团": "company",
    "中心": "center",
    "事业部": "division",
    "部": "department",
    "部门": "department",
    "处": "department",
    "科": "team",
    "组": "team",
    "团队": "team",
    "小组": "team",
    "区域": "region",
    "大区": "region",
    "区": "region",
    "门店": "store",
    "店": "store",
    "办公室": "office",
    "委员会": "committee",
    "办公会": "committee",
}
"""Unit types from a type cell in Chinese, or from the end of a title when there is no type column."""
UNIT_TYPES = ("company", "center", "division", "department", "team", "region", "store", "office", "committee")

Key = tuple[str, ...]
Cell = tuple[int, int]
"""Row and column (1-based) of a value in the table; column 0 = the row as a whole."""


@dataclass(slots=True)
class Unit:
    key: Key
    title: str
    row: int
    code: str = ""
    parent_raw: str = ""
    parent_cell: Cell = (0, 0)
    parent: Key | None = None
    type: str = ""
    head: Key | None = None
    head_cell: Cell = (0, 0)
    name: str = ""
    typed: bool = False
    """The type was given (a type cell) or read from the title, not defaulted."""


@dataclass(slots=True)
class Post:
    key: Key
    title: str
    unit: Key
    row: int
    code: str = ""
    reports_raw: str = ""
    reports_cell: Cell = (0, 0)
    reports_to: Key | None = None
    dotted_raw: list[tuple[str, Cell]] = field(default_factory=list)
    dotted: list[Key] = field(default_factory=list)
    headcount: int | None = None
    headcount_cell: Cell = (0, 0)
    level: str = ""
    holders: list[Key] = field(default_factory=list)
    name: str = ""


@dataclass(slots=True)
class Person:
    key: Key
    title: str
    row: int
    code: str = ""
    holds: list[Key] = field(default_factory=list)
    name: str = ""


@dataclass(slots=True)
class Roster:
    """An organisation read from a table: entities by their key in the table, ids assigned at the end."""

    file: str
    sheet: str = ""
    lines: bool = False
    """Rows are lines of a file that is not a table (SCIM JSON): findings say `line N` (read.table_finding)."""
    units: dict[Key, Unit] = field(default_factory=dict)
    posts: dict[Key, Post] = field(default_factory=dict)
    persons: dict[Key, Person] = field(default_factory=dict)
    root: Key | None = None
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0

    def problem(self, cell: Cell, message: str, *, what: tuple[str, ...], hint: str = "") -> None:
        """A `table-row` finding at `cell`; `what` is its identity in fixed English words (read.table_finding)."""
        self.findings.append(
            table_finding(
                self.file, cell[0], cell[1], message, what=what, hint=hint, sheet=self.sheet, lines=self.lines
            )
        )

    def children(self) -> dict[Key | None, list[Unit]]:
        found: dict[Key | None, list[Unit]] = {}
        for unit in self.units.values():
            found.setdefault(unit.parent, []).append(unit)
        return found


def _unit_type(text: str, cell: Cell, roster: Roster, title: str) -> tuple[str, bool]:
    """An explicit type (English or Chinese), else one read from the end of the title, else department.

    The flag says whether the type was given or read (not defaulted).
    """
    if text:
        lowered = text.lower()
        if lowered in UNIT_TYPES:
            return lowered, True
        if text in UNIT_TYPE_WORDS:
            return UNIT_TYPE_WORDS[text], True
        roster.problem(
            cell,
            _("unit type '{type}' is none of {types}; imported as department").format(
                type=text, types=", ".join(UNIT_TYPES)
            ),
            what=("unit type", text),
        )
        return "department", True
    for word in sorted(UNIT_TYPE_WORDS, key=len, reverse=True):
        if title.endswith(word):
            return UNIT_TYPE_WORDS[word], True
    return "department", False


class _Reader:
    """One pass over the rows, collecting units, posts and people; references are resolved afterwards."""

    def __init__(self, sheet: Sheet, columns: Columns) -> None:
        self.sheet = sheet
        self.columns = columns
        self.roster = Roster(sheet.file, sheet.name, sheet.lines)
        self.has_parent_column = "parent_unit_code" in columns.fields or "parent_unit" in columns.fields

    def col(self, name: str) -> int:
        return self.columns.fields.get(name, 0)

    def read(self) -> Roster:
        roster = self.roster
        for row, values in self.sheet.rows:
            if row in self.sheet.skipped_rows:
                continue
            roster.rows += 1
            self.row(row, values)
        return roster

    def _unit(self, row: int, values: Sequence[str]) -> Unit | None:
        get = self.columns.get
        code, title = get(values, "unit_code"), get(values, "unit")
        if not code and not title:
            column = self.col("unit") or self.col("unit_code")
            self.roster.problem(
                (row, column),
                _("no department: the row is not imported"),
                hint=_("fill in the department"),
                what=("no department",),
            )
            return None
        if code:
            key: Key = ("code", code)
        elif not self.has_parent_column:
            return self._unit_path(row, title)  # `总公司` and `总公司/财务部` then name the same 总公司
        else:
            key = ("title", title)
        unit = self.roster.units.get(key)
        parent_raw = get(values, "parent_unit_code") or get(values, "parent_unit")
        parent_column = self.col("parent_unit_code") if get(values, "parent_unit_code") else self.col("parent_unit")
        if unit is None:
            unit = Unit(key, title or code, row, code=code)
            unit.type, unit.typed = _unit_type(
                get(values, "unit_type"), (row, self.col("unit_type")), self.roster, unit.title
            )
            self.roster.units[key] = unit
        elif title and unit.title != title and unit.row != row:
            if unit.title == unit.code:
                unit.title = title
            else:
                self.roster.problem(
                    (row, self.col("unit")),
                    _("department {code} is called '{first}' in row {row}, '{title}' here; '{first}' is kept").format(
                        code=code, first=unit.title, row=unit.row, title=title
                    ),
                    what=("department title differs", code, unit.title, title),
                )
        if parent_raw:
            if not unit.parent_raw:
                unit.parent_raw, unit.parent_cell = parent_raw, (row, parent_column)
            elif unit.parent_raw != parent_raw:
                self.roster.problem(
                    (row, parent_column),
                    _(
                        "department '{unit}' has parent '{first}' in row {row}, '{parent}' here; the first is kept"
                    ).format(unit=unit.title, first=unit.parent_raw, row=unit.parent_cell[0], parent=parent_raw),
                    what=("parent differs", unit.title, unit.parent_raw, parent_raw),
                )
        return unit

    def _unit_path(self, row: int, path: str) -> Unit:
        """`总公司/运营中心/华东` (how Feishu and DingTalk export a department): each level a unit."""
        parts = [part.strip() for part in path.split("/") if part.strip()]
        parent: Unit | None = None
        for depth in range(1, len(parts) + 1):
            key: Key = ("path", *parts[:depth])
            unit = self.roster.units.get(key)
            if unit is None:
                unit = Unit(key, parts[depth - 1], row)
                unit.type, unit.typed = _unit_type("", (row, 0), self.roster, unit.title)
                if parent is not None:
                    unit.parent = parent.key
                self.roster.units[key] = unit
            parent = unit
        assert parent is not None
        return parent

    def clean_titles(self, row: int, values: list[str]) -> None:
        """Titles and names in NFC; a control, zero-width or bidi character (refused in titles) is reported, dropped."""
        for name in ("unit", "position", "name", "parent_unit"):
            column = self.col(name)
            if not column or column > len(values):
                continue
            value = unicodedata.normalize("NFC", values[column - 1])
            bad = BAD_IN_NAME.search(value)
            if bad is not None:
                self.roster.problem(
                    (row, column),
                    _("a hidden character {char} in '{text}': left out").format(
                        char=repr(bad.group()), text=BAD_IN_NAME.sub("", value)
                    ),
                    hint=_("retype the cell"),
                    what=("hidden character", repr(bad.group())),
                )
                value = BAD_IN_NAME.sub("", value)
            values[column - 1] = value

    def row(self, row: int, values: list[str]) -> None:
        self.clean_titles(row, values)
        get, roster = self.columns.get, self.roster
        unit = self._unit(row, values)
        if unit is None:
            return
        code, title = get(values, "position_code"), get(values, "position")
        if not code and not title and not get(values, "name") and not get(values, "person_code"):
            return  # a department without posts (a committee, a unit being set up)
        post_key: Key
        post_key = ("code", code) if code else ("title", *unit.key, "\x00", title, get(values, "reports_to"))
        post = roster.posts.get(post_key)
        if post is None:
            if not title:
                roster.problem(
                    (row, self.col("position") or self.col("position_code")),
                    _("missing title: the row is not imported")
                    if roster.lines
                    else _("missing position title: the row is not imported"),
                    hint=_("fill in the title of the post (岗位)"),
                    what=("missing position title",),
                )
                return
            post = Post(post_key, title, unit.key, row, code=code)
            roster.posts[post_key] = post
            self._post_fields(post, row, values, first=True)
        else:
            if title and title != post.title:
                roster.problem(
                    (row, self.col("position")),
                    _("post {code} is called '{first}' in row {row}, '{title}' here; '{first}' is kept").format(
                        code=code, first=post.title, row=post.row, title=title
                    ),
                    what=("post title differs", code, post.title, title),
                )
            if unit.key != post.unit:
                first = roster.units[post.unit]
                roster.problem(
                    (row, self.col("unit_code") or self.col("unit")),
                    _("post {code} is in department '{first}' in row {row}, '{unit}' here; the first is kept").format(
                        code=code, first=first.title, row=post.row, unit=unit.title
                    ),
                    what=("post department differs", code, first.title, unit.title),
                )
            self._post_fields(post, row, values, first=False)
        self._holder(post, row, values)
        self._head(unit, post, row, values)

    def _post_fields(self, post: Post, row: int, values: Sequence[str], *, first: bool) -> None:
        get, roster = self.columns.get, self.roster
        reports = get(values, "reports_to")
        if reports:
            if not post.reports_raw:
                post.reports_raw, post.reports_cell = reports, (row, self.col("reports_to"))
            elif reports != post.reports_raw:
                roster.problem(
                    (row, self.col("reports_to")),
                    _("post '{post}' reports to '{first}' in row {row}, '{reports}' here; the first is kept").format(
                        post=post.title, first=post.reports_raw, row=post.reports_cell[0], reports=reports
                    ),
                    what=("reports-to differs", post.title, post.reports_raw, reports),
                )
        headcount = get(values, "headcount")
        if headcount:
            cell = (row, self.col("headcount"))
            number = int(headcount) if headcount.isdigit() else None
            if number is None:
                roster.problem(
                    cell,
                    _("编制 (headcount) '{headcount}' is not a whole number >= 0; left out").format(
                        headcount=headcount
                    ),
                    what=("headcount not a number", headcount),
                )
            elif post.headcount is None:
                post.headcount, post.headcount_cell = number, cell
            elif number != post.headcount:
                roster.problem(
                    cell,
                    _(
                        "post '{post}' has 编制 (headcount) {first} in row {row}, {headcount} here; the first is kept"
                    ).format(post=post.title, first=post.headcount, row=post.headcount_cell[0], headcount=number),
                    what=("headcount differs", post.title, str(post.headcount), str(number)),
                )
        level = get(values, "level")
        if level and not post.level:
            post.level = level
        dotted = get(values, "dotted_line")
        if dotted:
            known = {raw for raw, _ in post.dotted_raw}
            for part in _SPLIT.split(dotted):
                if part and part not in known:
                    post.dotted_raw.append((part, (row, self.col("dotted_line"))))
                    known.add(part)

    def _holder(self, post: Post, row: int, values: Sequence[str]) -> None:
        get = self.columns.get
        name, code = get(values, "name"), get(values, "person_code")
        if not name and not code:
            return  # a vacancy
        key: Key = ("code", code) if code else ("name", name)
        person = self.roster.persons.get(key)
        if person is None:
            person = Person(key, name or code, row, code=code)
            self.roster.persons[key] = person
        if post.key not in person.holds:
            person.holds.append(post.key)
            post.holders.append(key)

    def _head(self, unit: Unit, post: Post, row: int, values: Sequence[str]) -> None:
        value = self.columns.get(values, "head")
        cell = (row, self.col("head"))
        folded = value.strip().lower()
        if folded in NO:
            return
        if folded not in YES:
            self.roster.problem(
                cell,
                _("负责人 (head) '{value}' is neither 是 nor 否 (yes/no); read as 否").format(value=value),
                what=("head not yes or no", value),
            )
            return
        if unit.head is None:
            unit.head, unit.head_cell = post.key, cell
        elif unit.head != post.key:
            first = self.roster.posts[unit.head]
            self.roster.problem(
                cell,
                _(
                    "two heads of department '{unit}': '{first}' (row {row}) and '{post}' here; the first is kept"
                ).format(unit=unit.title, first=first.title, row=unit.head_cell[0], post=post.title),
                hint=_("mark one post per department as its head (负责人 = 是)"),
                what=("two heads", unit.title, first.title, post.title),
            )


Unresolved = tuple[str, int]
"""Why a cell names no post or unit: `("unknown", 0)`, or ambiguous, `("titled", n)` or `("held", n)`: n posts
(or units) titled so, or held by people of that name or employee id."""


class _Index:
    """Finds a post or unit that a cell names: by code, then title, then (posts) a holder's employee id or name."""

    def __init__(self, roster: Roster) -> None:
        self.post_codes = {post.code: post.key for post in roster.posts.values() if post.code}
        self.post_titles: dict[str, list[Key]] = {}
        for post in roster.posts.values():
            self.post_titles.setdefault(post.title, []).append(post.key)
        self.person_posts: dict[str, list[Key]] = {}
        for person in roster.persons.values():
            for word in {person.code, person.title} - {""}:
                self.person_posts.setdefault(word, []).extend(person.holds)
        self.unit_codes = {unit.code: unit.key for unit in roster.units.values() if unit.code}
        self.unit_titles: dict[str, list[Key]] = {}
        for unit in roster.units.values():
            self.unit_titles.setdefault(unit.title, []).append(unit.key)

    def post(self, raw: str) -> tuple[Key | None, Unresolved]:
        """The post `raw` names, or None and why not."""
        if raw in self.post_codes:
            return self.post_codes[raw], ("", 0)
        for why, table in (("titled", self.post_titles), ("held", self.person_posts)):
            found = list(dict.fromkeys(table.get(raw, ())))
            if len(found) == 1:
                return found[0], ("", 0)
            if len(found) > 1:
                return None, (why, len(found))
        return None, ("unknown", 0)

    def unit(self, raw: str) -> tuple[Key | None, Unresolved]:
        if raw in self.unit_codes:
            return self.unit_codes[raw], ("", 0)
        found = self.unit_titles.get(raw, [])
        if len(found) == 1:
            return found[0], ("", 0)
        if found:
            return None, ("titled", len(found))
        return None, ("unknown", 0)


def _no_post(roster: Roster, cell: Cell, raw: str, why: Unresolved, *, dotted: bool) -> None:
    """A reports-to (or dotted-line manager) cell that names no post, or several."""
    reason, count = why
    if reason == "titled":
        message = _("'{raw}' is ambiguous: {count} posts titled it; use the position code (岗位编号)")
    elif reason == "held":
        message = _("'{raw}' is ambiguous: {count} posts held by it; use the position code (岗位编号)")
    elif dotted:
        message = _(
            "unknown dotted-line manager '{raw}': no post has that code or title, and nobody of that name holds one"
        )
    else:
        message = _("unknown reports-to '{raw}': no post has that code or title, and nobody of that name holds one")
    role = "dotted-line manager" if dotted else "reports-to"
    roster.problem(cell, message.format(raw=raw, count=count), what=(f"{reason} {role}", raw))


def _no_unit(roster: Roster, cell: Cell, raw: str, why: Unresolved) -> None:
    """A parent-department cell that names no department, or several."""
    reason, count = why
    if reason == "titled":
        message = _("'{raw}' is ambiguous: {count} departments are titled so; use the code (部门编号)")
    else:
        message = _("unknown parent department '{raw}': no department has that code or title")
    roster.problem(cell, message.format(raw=raw, count=count), what=(f"{reason} parent department", raw))


def _break_cycles(roster: Roster, links: dict[Key, Key], units: bool, cells: dict[Key, Cell]) -> list[Key]:
    """Report each cycle of `links` once (at the link whose row closes it) and return the keys whose link to drop."""
    state: dict[Key, int] = {}
    dropped: list[Key] = []
    for start in links:
        path: list[Key] = []
        node: Key | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = links.get(node)
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            closing = max(cycle, key=lambda k: cells[k])
            titles = " -> ".join(describe_key(roster, k) for k in [*cycle, cycle[0]])
            if units:
                message = _("a cycle of parent departments: {cycle}; this link is left out")
            else:
                message = _("a cycle of reporting lines: {cycle}; this link is left out")
            members = sorted(describe_key(roster, k) for k in cycle)  # the cycle as a set: wherever it is closed
            roster.problem(
                cells[closing],
                message.format(cycle=titles),
                what=("cycle of parent departments" if units else "cycle of reporting lines", *members),
            )
            dropped.append(closing)
        for visited in path:
            state[visited] = 2
    return dropped


def describe_key(roster: Roster, key: Key) -> str:
    entity = roster.posts.get(key) or roster.units.get(key)
    return entity.title if entity is not None else "/".join(key)


def _resolve(roster: Roster, has_parent_column: bool) -> None:
    index = _Index(roster)
    for post in roster.posts.values():
        if post.reports_raw:
            target, why = index.post(post.reports_raw)
            if target is None:
                _no_post(roster, post.reports_cell, post.reports_raw, why, dotted=False)
            elif target == post.key:
                roster.problem(
                    post.reports_cell,
                    _("post '{post}' reports to itself; left out").format(post=post.title),
                    what=("reports to itself", post.title),
                )
            else:
                post.reports_to = target
        for raw, cell in post.dotted_raw:
            target, why = index.post(raw)
            if target is None:
                _no_post(roster, cell, raw, why, dotted=True)
            elif target != post.key and target != post.reports_to and target not in post.dotted:
                post.dotted.append(target)
    links = {p.key: p.reports_to for p in roster.posts.values() if p.reports_to is not None}
    for key in _break_cycles(roster, links, False, {p.key: p.reports_cell for p in roster.posts.values()}):
        roster.posts[key].reports_to = None
    if has_parent_column:
        for unit in roster.units.values():
            if unit.parent_raw:
                target, why = index.unit(unit.parent_raw)
                if target is None:
                    _no_unit(roster, unit.parent_cell, unit.parent_raw, why)
                elif target == unit.key:
                    roster.problem(
                        unit.parent_cell,
                        _("department '{unit}' is its own parent; left out").format(unit=unit.title),
                        what=("own parent", unit.title),
                    )
                else:
                    unit.parent = target
    elif not any(unit.parent for unit in roster.units.values()):
        _infer_parents(roster)
    unit_links = {u.key: u.parent for u in roster.units.values() if u.parent is not None}
    cells = {u.key: u.parent_cell if u.parent_cell[0] else (u.row, 0) for u in roster.units.values()}
    for key in _break_cycles(roster, unit_links, True, cells):
        roster.units[key].parent = None


def _infer_parents(roster: Roster) -> None:
    """Without a parent-department column, a department hangs under the department of its head's manager.

    Where no head is marked, the first post (by row) whose manager sits in another department decides.
    """
    by_unit: dict[Key, list[Post]] = {}
    for post in roster.posts.values():
        by_unit.setdefault(post.unit, []).append(post)
    for unit in roster.units.values():
        posts = by_unit.get(unit.key, [])
        outward = [p for p in posts if p.reports_to is not None and roster.posts[p.reports_to].unit != unit.key]
        if not outward:
            continue
        chosen = next((p for p in outward if p.key == unit.head), outward[0])
        assert chosen.reports_to is not None
        unit.parent = roster.posts[chosen.reports_to].unit


def _root(roster: Roster) -> None:
    roots = [unit for unit in roster.units.values() if unit.parent is None]
    tops = [post for post in roster.posts.values() if post.reports_to is None]
    top_units = [post.unit for post in tops if roster.units[post.unit].parent is None]
    root = top_units[0] if top_units else (roots[0].key if roots else None)
    roster.root = root
    if root is not None and roster.units[root].type == "department" and not roster.units[root].typed:
        roster.units[root].type = "company"  # the top of the tree, unless its type or title says otherwise
    for unit in roots:
        if unit.key != root and not unit.parent_raw:  # a parent that names nothing is reported already
            assert root is not None
            cell = unit.parent_cell if unit.parent_cell[0] else (unit.row, 0)
            roster.problem(
                cell,
                _(
                    "department '{unit}' has no parent department, and only one department can be the top ('{top}' is)"
                ).format(unit=unit.title, top=roster.units[root].title),
                hint=_(
                    "give it a parent department (上级部门编号), or a head whose post reports into the organisation"
                ),
                what=("no parent department", unit.title),
            )


def _headcounts(roster: Roster) -> None:
    for post in roster.posts.values():
        if post.headcount is None:
            if len(post.holders) > 1:
                post.headcount = len(post.holders)
            continue
        if len(post.holders) > post.headcount:
            names = "、".join(roster.persons[h].title for h in post.holders)
            roster.problem(
                post.headcount_cell,
                _("post '{post}' has 编制 (headcount) {headcount} but {count} holders ({names})").format(
                    post=post.title, headcount=post.headcount, count=len(post.holders), names=names
                ),
                hint=_("raise the 编制, or move the extra holders to another post"),
                what=(
                    "holders over headcount",
                    post.title,
                    str(post.headcount),
                    *sorted(roster.persons[h].title for h in post.holders),
                ),
            )


def _names(roster: Roster) -> None:
    """Ids in row order: units and posts share one namespace (approvers may be either), people have their own."""
    namer = Namer()
    for unit in roster.units.values():
        unit.name = namer.claim(slug(unit.code or unit.title, "unit"))
    for post in roster.posts.values():
        if post.code:
            post.name = namer.claim(slug(post.code, "post"))
            continue
        wanted = slug(post.title, "post")
        if wanted in namer.taken:
            wanted = slug(f"{roster.units[post.unit].name}-{wanted}", "post")
        post.name = namer.claim(wanted)
    people = Namer()
    for person in roster.persons.values():
        person.name = people.claim(slug(person.code or person.title, "person"))


def build_roster(sheet: Sheet, columns: Columns) -> Roster:
    """The organisation a roster sheet describes, with a finding for every row or cell that was left out."""
    reader = _Reader(sheet, columns)
    roster = reader.read()
    roster.findings[:0] = [*formula_findings(sheet), *columns.findings]
    if not roster.posts and not roster.units:
        return roster
    _resolve(roster, reader.has_parent_column)
    _root(roster)
    _headcounts(roster)
    _names(roster)
    return roster


def unit_order(roster: Roster) -> Iterable[tuple[Unit, Unit]]:
    """Every unit, depth first from each top unit, with the top-level unit (child of the root) it belongs to."""
    children = roster.children()
    for top in [*children.get(None, [])]:
        stack = [top]
        while stack:
            unit = stack.pop()
            yield unit, top
            stack.extend(reversed(children.get(unit.key, [])))
