"""What changes after the as-of date: every `validFrom`/`validUntil` (documents, delegations, holdings) in the horizon.

The handbook's "scheduled changes" page lists these; the model keeps what is not in force yet in
`model.out_of_force`, so nothing is re-read here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from opsgov.model.dates import DEFAULT_HORIZON, Window, horizon_end
from opsgov.model.entities import Entity, Model


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that takes effect on `day` (`starts`), or is out of force from `day` (it ended the day before)."""

    day: datetime.date
    starts: bool
    key: str
    """The document's `Kind/name` (for a holding: the Person's)."""
    title: str
    window: Window
    post: str = ""
    """For a holding: the post's title (or name)."""
    acting: bool = False

    @property
    def last_day(self) -> datetime.date:
        """For an ending: the last day in force."""
        return self.day - datetime.timedelta(days=1)


def scheduled_changes(model: Model, horizon: int = DEFAULT_HORIZON) -> list[Change]:
    """Every start and end after `model.as_of` and at most `horizon` days later, by day, then kind and name."""
    last = horizon_end(model.as_of, horizon)
    changes: list[Change] = []

    def within(day: datetime.date) -> bool:
        return model.as_of < day <= last

    documents: list[Entity] = [*model, *model.out_of_force]
    for entity in documents:
        window = entity.window
        if not window.dated or window.inverted:
            continue
        for day in window.changes():
            if within(day):
                changes.append(Change(day, day == window.start, entity.key, entity.title, window))
    for holding in model.holdings:
        window = holding.window
        if not window.dated or window.inverted:
            continue
        for day in window.changes():
            if within(day):
                changes.append(
                    Change(
                        day,
                        day == window.start,
                        holding.person,
                        model.title(holding.person),
                        window,
                        post=model.title(holding.position),
                        acting=holding.acting,
                    )
                )
    changes.sort(key=lambda c: (c.day, not c.starts, c.key, c.post))
    return changes
