"""Effective dating (docs/format.md, "Effective dating"): windows, what is in force on a date, change dates.

A window is a pair of inclusive days; either end may be open. Everything that is dated (a document's
`metadata.validFrom`/`validUntil`, a Delegation's `spec.validFrom`/`validUntil`, a holding's
`from`/`until`) is read into a `Window` here, so "in force on D" is decided in one place.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from opsgov.i18n import _

DEFAULT_HORIZON = 365
"""Days after the as-of date within which change dates are evaluated (`opsgov.yaml: horizon`)."""


def parse_date(value: Any) -> date | None:
    """`YYYY-MM-DD` as a date; None for anything else (absent, malformed or impossible such as 2026-02-30).

    The schema refuses malformed dates with their position; impossible ones are refused by the model.
    """
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def calendar_hint(value: str) -> str:
    """Why a `YYYY-MM-DD` that `parse_date` refuses is no day of the calendar: `2026-02 has 28 days`."""
    year, month = int(value[:4]), int(value[5:7])
    if not 1 <= month <= 12:
        return _("months run from 01 to 12")
    if year < 1:
        return _("years start at 0001")
    return _("{month} has {days} days").format(month=value[:7], days=calendar.monthrange(year, month)[1])


def date_error(value: str) -> str | None:
    """What is wrong with `value` as a day given on the command line (`--as-of`), or None when it is one:
    the same words as the YAML date check."""
    if parse_date(value) is not None:
        return None
    if re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return _("'{date}' is not a day of the calendar: {why}").format(date=value, why=calendar_hint(value))
    return _("'{date}' is not a date: write YYYY-MM-DD, e.g. 2027-01-01").format(date=value)


@dataclass(frozen=True, slots=True)
class Window:
    """Days in force, both ends inclusive; None = open on that side."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def inverted(self) -> bool:
        """`validFrom` after `validUntil`: in force on no day at all (rule effective-window)."""
        return self.start is not None and self.end is not None and self.start > self.end

    def first_shared_day(self, other: Window) -> date | None:
        """The first day both windows contain, or None when they are disjoint.

        Two windows open at the start share `date.min`; callers word that as "always".
        """
        start = max(self.start or date.min, other.start or date.min)
        end = min(self.end or date.max, other.end or date.max)
        return start if start <= end else None

    def changes(self) -> Iterable[date]:
        """The days on which this window changes what is in force: its start and the day after its end."""
        if self.start is not None:
            yield self.start
        if self.end is not None and self.end < date.max:
            yield self.end + timedelta(days=1)

    def describe(self) -> str:
        """`from 2027-01-01`, `until 2026-12-31`, `from 2026-12-01 to 2026-12-20`, or `always`."""
        if self.start and self.end:
            return f"from {self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        if self.end:
            return f"until {self.end.isoformat()}"
        return "always"

    def said(self) -> str:
        """`describe` in the run's language (`2026-12-01 至 2026-12-20`); `describe` stays English for identities.

        Messages, diagrams, tables and the handbook all word a window with it, in the run's language
        (gettext).
        """
        start = self.start.isoformat() if self.start else ""
        end = self.end.isoformat() if self.end else ""
        if self.start and self.end:
            return _("from {start} to {end}").format(start=start, end=end)
        if self.start:
            return _("from {start}").format(start=start)
        if self.end:
            return _("until {end}").format(end=end)
        return _("always")


ALWAYS = Window()


def window(mapping: Mapping[str, Any] | None, start: str = "validFrom", end: str = "validUntil") -> Window:
    """The window a mapping declares with the two named fields (malformed dates read as open)."""
    if not mapping:
        return ALWAYS
    first, last = parse_date(mapping.get(start)), parse_date(mapping.get(end))
    return ALWAYS if first is None and last is None else Window(first, last)


def document_window(data: Any) -> Window:
    """A document's window: `metadata.validFrom`/`validUntil`, or a Delegation's `spec.validFrom`/`validUntil`."""
    if type(data) is not dict:
        return ALWAYS
    if data.get("kind") == "Delegation":
        spec = data.get("spec")
        return window(spec if type(spec) is dict else None)
    metadata = data.get("metadata")
    return window(metadata if type(metadata) is dict else None)


def reviewed_on(data: Any) -> date | None:
    """The day a document was last reviewed (`metadata.reviewed.on`), or None when never (or malformed)."""
    metadata = data.get("metadata") if type(data) is dict else None
    reviewed = metadata.get("reviewed") if type(metadata) is dict else None
    return parse_date(reviewed.get("on")) if type(reviewed) is dict else None


def holding_window(item: Any) -> Window:
    """A `spec.holds` item's window: a bare Position name is held with no time limit."""
    return window(item, "from", "until") if type(item) is dict else ALWAYS


def horizon_end(as_of: date, horizon: int = DEFAULT_HORIZON) -> date:
    """The last day of the horizon: `horizon` days after the as-of date, or the calendar's last day if sooner."""
    return as_of + timedelta(days=horizon) if horizon <= (date.max - as_of).days else date.max


def change_dates(windows: Iterable[Window], as_of: date, horizon: int = DEFAULT_HORIZON) -> list[date]:
    """The as-of date, then every later day within the horizon on which some window starts or ends."""
    last = horizon_end(as_of, horizon)
    later = {day for w in windows for day in w.changes() if as_of < day <= last}
    return [as_of, *sorted(later)]
