"""The delegation-of-authority table: per approval matrix, each band in words with its approvers.

The rows come from `opsgov.model.approvals.bands_table` (the same reading of `from`/`over`/`upTo`/
`below` as `who-approves`); this module only words them in the Organization's locale, with the interval
algebra's own wording (`opsgov.model.bands.interval_words`, English or its Chinese 含/不含 twin).
"""

from __future__ import annotations

from opsgov.model.approvals import Party, bands_table
from opsgov.model.entities import Entity, Model
from opsgov.render.table import Table
from opsgov.render.words import chinese, duration, join, words_for


def _party(party: Party) -> str:
    return party.title or party.name


def approval_rows(model: Model, matrix: Entity, words: dict[str, str]) -> list[list[str]]:
    """Band, approvers, mode, escalation for each band, in document order."""
    zh = chinese(words)
    joiner = "、" if zh else ", "
    rows = []
    for row in bands_table(model, matrix):
        escalation = words["none"]
        if row.escalation is not None:
            after, to = duration(words, row.escalation.after), _party(row.escalation.to)
            escalation = join(after, "后升级至", to) if zh else f"after {after} to {to}"
        rows.append(
            [
                row.interval.words(row.currency, chinese=zh),
                joiner.join(_party(p) for p in row.approvers),
                words.get(f"mode_{row.mode}", row.mode),
                escalation,
            ]
        )
    return rows


def _matrix_title(matrix: Entity) -> str:
    subject = str(matrix.spec.get("subject") or "")
    return f"{matrix.title} ({subject})" if subject and subject != matrix.title else matrix.title


def approvals_tables(model: Model) -> list[Table]:
    """One table per matrix, titled by it: for Markdown and HTML, where a heading names the matrix."""
    words = words_for(model)
    tables = []
    for matrix in sorted(model.entities("ApprovalMatrix"), key=lambda m: m.name):
        header = [words["band"], words["approvers"], words["mode"], words["escalation"]]
        tables.append(Table(header, approval_rows(model, matrix, words), title=_matrix_title(matrix)))
    return tables


def approvals_sheet(model: Model) -> Table:
    """All matrices in one table, each row led by its matrix (id and title): a spreadsheet has no headings."""
    words = words_for(model)
    header = [words["matrix"], words["title"], words["band"], words["approvers"], words["mode"], words["escalation"]]
    rows: list[list[str]] = []
    for matrix in sorted(model.entities("ApprovalMatrix"), key=lambda m: m.name):
        title = _matrix_title(matrix)
        rows.extend([matrix.name, title, *row] for row in approval_rows(model, matrix, words))
    return Table(header, rows)
