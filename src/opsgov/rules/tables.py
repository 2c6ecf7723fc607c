"""Rules reported by `opsgov import` and `opsgov sync` about a table, never by `opsgov check`."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "tables"

RULES = (
    Rule(
        "table-row",
        "error",
        "a row or cell of an imported table that could not be imported (reported by opsgov import and sync)",
        FAMILY,
        docs="""
        `opsgov import` and `opsgov sync` report every row or cell they leave out at the table's
        file, row (line) and column: a missing department or position title, a reports-to or
        parent department that names nothing (or names several: use the code), a cycle of
        reporting lines, two heads of one department, a headcount (编制) that is not a whole
        number or is below the number of holders, conflicting values for one post in two rows,
        a formula or merged cells in an XLSX, a duplicate header. An unrecognised header is a
        warning: map it with `--map HEADER=field`. The faulty value is left out and the rest
        of the row and of the table is imported. Never reported by `opsgov check`.

        Passes:
            部门,岗位编号,岗位,上级岗位编号
            总公司,P01,总经理,
            总公司,P02,财务总监,P01
        Fails:
            部门,岗位编号,岗位,上级岗位编号
            总公司,P01,总经理,
            总公司,P02,财务总监,P99        # cell D3: unknown reports-to 'P99'
        """,
    ),
    Rule(
        "hr-drift",
        "error",
        "the repository and an HR export disagree on a post: holder, existence, headcount, manager or unit "
        "(reported by opsgov sync --check)",
        FAMILY,
        docs="""
        `opsgov sync --check TABLE [PATH]` reads an HR export as `opsgov import` reads a roster
        and compares it with the repository, post by post (matched by position code = post
        id, else by department and title). Each difference is one finding at the YAML file and
        line of the entity: the holders of a post changed, a post exists on one side only (a
        post only in HR is reported at its row of the table), the headcount (编制) differs, the
        manager (reportsTo) differs, the unit differs. `opsgov sync --write` applies them.
        Never reported by `opsgov check`.

        Passes:
            # HR: P0202,会计,D-02,P0201,编制 2
            kind: Position
            metadata: {name: p0202, title: 会计}
            spec: {unit: d-02, reportsTo: p0201, headcount: 2}
        Fails:
            # HR: P0202,会计,D-02,P0201,编制 3
            kind: Position
            metadata: {name: p0202, title: 会计}
            spec: {unit: d-02, reportsTo: p0201, headcount: 2}   # 编制 differs: 3 in HR
        """,
    ),
)
