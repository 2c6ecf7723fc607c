"""The delegation-of-authority table: per approval matrix, each band in words with its approvers.

The rows come from `opsgov.approvals.bands_table` (the same reading of `from`/`over`/`upTo`/
`below` as `who-approves`); this module only words them in the Organization's locale: English
uses the interval algebra's own wording, Chinese its usual 含/不含 phrasing.
"""

from __future__ import annotations

from opsgov.approvals import Party, bands_table
from opsgov.bands import Interval, money
from opsgov.model import Entity, Model
from opsgov.render.table import Table
from opsgov.render.words import words_for


def _zh_interval(interval: Interval, currency: str | None) -> str:
    low, high = money(interval.low, currency), money(interval.high, currency) if interval.high is not None else ""
    if interval.point:
        return f"恰好 {low}"
    from_zero = interval.low == 0 and interval.low_inclusive
    if interval.high is None:
        if from_zero:
            return "任意金额"
        return f"{low}（含）以上" if interval.low_inclusive else f"超过 {low}"
    upper = f"{high}（含）以下" if interval.high_inclusive else f"{high} 以下（不含）"
    if from_zero:
        return upper
    lower = f"{low}（含）" if interval.low_inclusive else f"{low}（不含）"
    return f"{lower}至 {high}{'（含）' if interval.high_inclusive else '（不含）'}"


def _party(party: Party) -> str:
    return party.title or party.name


def approval_rows(model: Model, matrix: Entity, words: dict[str, str]) -> list[list[str]]:
    """Band, approvers, mode, escalation for each band, in document order."""
    chinese = words.get("none") == "无"
    joiner = "、" if chinese else ", "
    rows = []
    for row in bands_table(model, matrix):
        escalation = words["none"]
        if row.escalation is not None:
            escalation = words["after_to"].format(after=row.escalation.after, to=_party(row.escalation.to))
        rows.append(
            [
                _zh_interval(row.interval, row.currency) if chinese else row.words,
                joiner.join(_party(p) for p in row.approvers),
                words.get(f"mode_{row.mode}", row.mode),
                escalation,
            ]
        )
    return rows


def approvals_tables(model: Model) -> list[Table]:
    words = words_for(model)
    tables = []
    for matrix in sorted(model.entities("ApprovalMatrix"), key=lambda m: m.name):
        subject = str(matrix.spec.get("subject") or "")
        title = f"{matrix.title} ({subject})" if subject and subject != matrix.title else matrix.title
        header = [words["band"], words["approvers"], words["mode"], words["escalation"]]
        tables.append(Table(header, approval_rows(model, matrix, words), title=title))
    return tables
