"""The delegation-of-authority table: per approval matrix, each band in words with its approvers.

The rows come from `opsgov.model.approvals.bands_table` (the same reading of `from`/`over`/`upTo`/
`below` as `who-approves`); this module only words them in the Organization's locale, with the interval
algebra's own wording (`opsgov.model.bands.interval_words`, English or its Chinese 含/不含 twin).
"""

from __future__ import annotations

from opsgov.model.approvals import Party, bands_table, matrix_category
from opsgov.model.entities import Entity, Model
from opsgov.render.table import Table
from opsgov.render.words import chinese, duration, join, words_for


def vote_cell(unit: Entity, words: dict[str, str]) -> str:
    """A voting body by its title with its quorum and majority, in the locale's words; "" if it does not vote."""
    voting = unit.spec.get("voting")
    if not isinstance(voting, dict):
        return ""
    majority = str(voting.get("majority") or "simple")
    return words["vote"].format(
        body=unit.title,
        quorum=voting.get("quorum"),
        members=len(voting.get("members") or ()),
        majority=words.get(f"majority_{majority}", majority),
    )


def _party(model: Model, party: Party, words: dict[str, str]) -> str:
    """A post or body by its title; a voting body with its quorum and majority."""
    body = model.get(party.key) if party.vote else None
    return (vote_cell(body, words) if body is not None else "") or party.title or party.name


def approval_rows(model: Model, matrix: Entity, words: dict[str, str]) -> list[list[str]]:
    """Band, approvers, mode, escalation for each band, in document order."""
    zh = chinese(words)
    joiner = "、" if zh else ", "
    rows = []
    for row in bands_table(model, matrix):
        escalation = words["none"]
        if row.escalation is not None:
            after, to = duration(words, row.escalation.after), _party(model, row.escalation.to, words)
            escalation = join(after, "后升级至", to) if zh else f"after {after} to {to}"
        rows.append(
            [
                row.interval.words(row.measure, chinese=zh),
                joiner.join(_party(model, p, words) for p in row.approvers),
                words.get(f"mode_{row.mode}", row.mode),
                escalation,
            ]
        )
    return rows


def _matrix_title(matrix: Entity) -> str:
    subject = str(matrix.spec.get("subject") or "")
    return f"{matrix.title} ({subject})" if subject and subject != matrix.title else matrix.title


def matrix_groups(model: Model, words: dict[str, str]) -> list[tuple[str, list[Entity]]]:
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
        ordered.append((words["uncategorised"], groups[""]))
    return ordered


def approvals_tables(model: Model) -> list[Table]:
    """One table per matrix, titled by it and grouped by category: for Markdown and HTML, where headings name them."""
    words = words_for(model)
    header = [words["band"], words["approvers"], words["mode"], words["escalation"]]
    return [
        Table(header, approval_rows(model, matrix, words), title=_matrix_title(matrix), section=group)
        for group, matrices in matrix_groups(model, words)
        for matrix in matrices
    ]


def approvals_sheet(model: Model) -> Table:
    """All matrices in one table, each row led by its matrix (id and title), its category last (no headings in CSV)."""
    words = words_for(model)
    header = [
        words["matrix"],
        words["title"],
        words["band"],
        words["approvers"],
        words["mode"],
        words["escalation"],
        words["category"],
    ]
    rows: list[list[str]] = []
    for _, matrices in matrix_groups(model, words):
        for matrix in matrices:
            title, category = _matrix_title(matrix), matrix_category(matrix)
            rows.extend([matrix.name, title, *row, category] for row in approval_rows(model, matrix, words))
    return Table(header, rows)
