"""The delegation-of-authority table: per approval matrix, each band in words with its approvers.

The rows come from `opsgov.model.approvals.bands_table` (the same reading of `from`/`over`/`upTo`/
`below` as `who-approves`); this module only words them in the run's language (render/words.py), with
the interval algebra's own wording (`opsgov.model.bands.interval_words`, English or its Chinese 含/不含 twin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from opsgov.model.approvals import Party, bands_table, grant_measure, matrix_category
from opsgov.model.dates import DEFAULT_HORIZON
from opsgov.model.delegation import grant, scheduled_grants
from opsgov.model.entities import Entity, Model
from opsgov.render.table import Table
from opsgov.render.words import (
    MAJORITIES,
    MODES,
    PHRASES,
    Words,
    chinese,
    duration,
    listing,
    phrase,
    say,
    words,
)


def vote_cell(unit: Entity) -> str:
    """A voting body by its title with its quorum and majority, in the run's language; "" if it does not vote."""
    voting = unit.spec.get("voting")
    if not isinstance(voting, dict):
        return ""
    majority = str(voting.get("majority") or "simple")
    return words().vote.format(
        body=unit.title,
        quorum=voting.get("quorum"),
        members=len(voting.get("members") or ()),
        majority=say(MAJORITIES, majority),
    )


def _party(model: Model, party: Party) -> str:
    """A post or body by its title; a voting body with its quorum and majority."""
    body = model.get(party.key) if party.vote else None
    return (vote_cell(body) if body is not None else "") or party.title or party.name


def approval_rows(model: Model, matrix: Entity) -> list[list[str]]:
    """Band, approvers, mode, escalation for each band, in document order."""
    zh = chinese()
    joiner = listing()
    rows = []
    for row in bands_table(model, matrix):
        escalation = words().none
        if row.escalation is not None:
            after, to = duration(row.escalation.after), _party(model, row.escalation.to)
            escalation = phrase(PHRASES["escalation"], after=after, to=to)
        rows.append(
            [
                row.interval.words(row.measure, chinese=zh),
                joiner.join(_party(model, p) for p in row.approvers),
                say(MODES, row.mode),
                escalation,
            ]
        )
    return rows


def _matrix_title(matrix: Entity) -> str:
    subject = str(matrix.spec.get("subject") or "")
    return f"{matrix.title} ({subject})" if subject and subject != matrix.title else matrix.title


def matrix_groups(model: Model) -> list[tuple[str, list[Entity]]]:
    """Matrices grouped by `spec.category` (sorted; uncategorised last), each group sorted by name.

    With no category anywhere there is one group named "": tables and pages look as before.
    """
    groups: dict[str, list[Entity]] = {}
    for matrix in sorted(model.entities("ApprovalMatrix"), key=lambda m: m.name):
        groups.setdefault(matrix_category(matrix), []).append(matrix)
    if list(groups) == [""]:
        return [("", groups[""])]
    ordered = sorted((category, matrices) for category, matrices in groups.items() if category)
    if "" in groups:
        ordered.append((words().uncategorised, groups[""]))
    return ordered


def approvals_tables(model: Model, horizon: int = DEFAULT_HORIZON) -> list[Table]:
    """One table per matrix, titled by it and grouped by category: for Markdown and HTML, where headings name them.

    Then, when any is in force or scheduled within `horizon` days, the table of Delegations.
    """
    w = words()
    header = [w.band, w.approvers, w.mode, w.escalation]
    tables = [
        Table(header, approval_rows(model, matrix), title=_matrix_title(matrix), section=group)
        for group, matrices in matrix_groups(model)
        for matrix in matrices
    ]
    delegations = delegation_table(model, horizon)
    if delegations is not None:
        # After the matrices, the Delegations in force and scheduled (docs/format.md, Delegation): their own
        # section when the matrices have sections, else a table of their own.
        if any(table.section for table in tables):
            delegations.title, delegations.section = "", w.delegations
        tables.append(delegations)
    return tables


def delegation_table(model: Model, horizon: int = DEFAULT_HORIZON) -> Table | None:
    """The Delegations in force and scheduled within `horizon` days, titled; None when there are none."""
    rows = delegation_rows(model, horizon)
    return Table(delegation_header(), rows, title=words().delegations) if rows else None


DELEGATION_COLUMNS = ("delegation", "status", "delegator", "delegate", "matrices", "cap", "window", "reason")


def delegation_header() -> list[str]:
    w: Words = words()
    return [getattr(w, k) for k in DELEGATION_COLUMNS]


@dataclass(frozen=True, slots=True)
class DelegationRow:
    """A Delegation as the tables show it: its cells (DELEGATION_COLUMNS), and what pages link by."""

    name: str
    cells: list[str]
    scheduled: bool
    matrices: tuple[str, ...] | None
    """The matrix keys it covers; None = every matrix in which its delegator approves."""
    source: str
    """The delegator's Position key ('' when it does not resolve)."""


def delegation_entries(model: Model, horizon: int = DEFAULT_HORIZON) -> list[DelegationRow]:
    """The Delegations in force (by first day), then those scheduled within `horizon` days (by first day).

    Each names the Delegation (title and name), who delegates to whom, in which matrices, up to what
    (in the matrix's quantity: "200,000 CNY", "5%"), its window, and whether it is in force or
    scheduled, from which day.
    """
    w, zh, joiner = words(), chinese(), listing()
    current = sorted((grant(d) for d in model.entities("Delegation")), key=lambda g: g.window.start or date.min)
    rows = []
    for g in [*current, *scheduled_grants(model, horizon)]:
        spec = g.delegation.spec
        scheduled = model.get(g.key) is not g.delegation
        # A scheduled Delegation's names read as of its first day: a post or matrix may only be in force from then on.
        day = g.window.start if scheduled and g.window.start is not None else model.as_of
        listed = spec.get("matrices")
        if scheduled and isinstance(listed, list):  # every name as written, an unknown one too
            scope = joiner.join(_title(model, "", raw, day, "ApprovalMatrix") for raw in listed)
        elif g.matrices is not None:
            scope = joiner.join(model.title(key) for key in g.matrices)
        else:
            scope = w.all_matrices
        status = w.in_force
        if scheduled and g.window.start is not None:
            status = w.scheduled_from.format(day=g.window.start.isoformat())
        cap = w.none if g.cap is None else grant_measure(model, g).amount(g.cap, chinese=zh)
        rows.append(
            DelegationRow(
                g.delegation.name,
                [
                    _named_title(g.delegation),
                    status,
                    _title(model, g.source, spec.get("from"), day),
                    _title(model, g.delegate, spec.get("to"), day),
                    scope,
                    cap,
                    g.window.said(),
                    str(spec.get("reason", "")),
                ],
                scheduled,
                g.matrices,
                g.source,
            )
        )
    return rows


def delegation_rows(model: Model, horizon: int = DEFAULT_HORIZON) -> list[list[str]]:
    """One row per Delegation in force or scheduled: its name, status, who to whom, in which matrices, up to what,
    when, why."""
    return [row.cells for row in delegation_entries(model, horizon)]


def _named_title(entity: Entity) -> str:
    """`财务总监年假期间授权 (finance-director-leave)`; the name alone when it is the title."""
    return entity.title if entity.title == entity.name else f"{entity.title} ({entity.name})"


def _title(model: Model, key: str, raw: object, day: date, kind: str = "Position") -> str:
    """The title on `day` of what a Delegation names (`key` when it resolved, else the name as written)."""
    if key:
        return model.title_on(key, day)
    return model.title_on(f"{kind}/{str(raw).removeprefix(kind + '/')}", day) if isinstance(raw, str) else str(raw)


def approvals_sheets(model: Model, horizon: int = DEFAULT_HORIZON) -> list[Table]:
    """For CSV: all matrices in one table, then (after a blank line) the Delegations in force and scheduled,
    the same rows as the Markdown and HTML table of them."""
    delegations = delegation_table(model, horizon)
    return [approvals_sheet(model)] + ([delegations] if delegations is not None else [])


def approvals_sheet(model: Model) -> Table:
    """All matrices in one table, each row led by its matrix (id and title), its category last (no headings in CSV)."""
    w = words()
    header = [w.matrix, w.title, w.band, w.approvers, w.mode, w.escalation, w.category]
    rows: list[list[str]] = []
    for _, matrices in matrix_groups(model):
        for matrix in matrices:
            title, category = _matrix_title(matrix), matrix_category(matrix)
            rows.extend([matrix.name, title, *row, category] for row in approval_rows(model, matrix))
    return Table(header, rows)
