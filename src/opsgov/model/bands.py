"""Band interval algebra: exact amount intervals, and the gaps and overlaps between them.

Amounts are compared as `Decimal`, never as floats: `0.1 + 0.2 != 0.3` must not decide whether
a request of 0.30 CNY has an approver. YAML gives ints and floats (load/compose.py); an int converts
exactly through `str`, a float through `repr`, the shortest text that reads back as the same
float, so `0.01` stays `0.01` instead of `0.01000000000000000020816681711721685...`. An amount
written with more digits than a float holds (17 significant digits) is already rounded by the
loader; money never needs that many.

A band is an interval: lower bound `from` (inclusive) or `over` (exclusive), absent = from 0;
upper bound `upTo` (inclusive) or `below` (exclusive), absent = unbounded. Coverage is checked
in one sweep over the bands sorted by lower bound, so a matrix of n bands costs n log n.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


def to_decimal(value: Any) -> Decimal:
    """An amount from YAML (int or float) or from the command line (str) as an exact Decimal."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int):
        return Decimal(str(value))
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return Decimal(value.strip())
    raise TypeError(f"not an amount: {value!r}")


@dataclass(frozen=True, slots=True)
class Measure:
    """What a matrix's numbers are: the one place that words an amount ("200,000 CNY", "5%", "30 days", "3").

    `quantity` is the matrix's `spec.quantity` (schemas/approvalmatrix.json lists the values);
    `currency` only means something for money; for other quantities it is ignored.
    """

    quantity: str = "money"
    currency: str | None = None

    def amount(self, value: Decimal, chinese: bool = False) -> str:
        """The amount with its unit; `chinese` words days as the Chinese tables do (`30 天`)."""
        if self.quantity == "percent":
            return f"{value.normalize():,f}%"
        text = f"{value:,f}"
        if self.quantity == "days":
            if chinese:
                return f"{text} 天"
            return f"{text} day" if value == 1 else f"{text} days"
        if self.quantity == "money" and self.currency:
            return f"{text} {self.currency}"
        return text

    def anything(self, chinese: bool = False) -> str:
        """An interval without bounds: every amount of the quantity (a `none` matrix's single band)."""
        if chinese:
            return {"money": "任意金额", "none": "不涉及金额", "percent": "任意比例", "days": "任意天数"}.get(
                self.quantity, "任意数量"
            )
        return {
            "money": "any amount",
            "none": "no amount (a decision right)",
            "percent": "any percentage",
            "days": "any number of days",
        }.get(self.quantity, "any number")


def measure_of(unit: Measure | str | None) -> Measure:
    """A Measure from a Measure, or from a bare currency (money) as callers before quantities passed."""
    return unit if isinstance(unit, Measure) else Measure("money", unit)


def money(value: Decimal, unit: Measure | str | None = None) -> str:
    """`100000` -> `100,000 CNY`, `5` in a percent matrix -> `5%`: thousands separators, never an exponent."""
    return measure_of(unit).amount(value)


@dataclass(frozen=True, slots=True)
class Interval:
    """A set of amounts: lower bound always present (0 inclusive by default), upper optional."""

    low: Decimal = ZERO
    low_inclusive: bool = True
    high: Decimal | None = None
    high_inclusive: bool = False

    @property
    def empty(self) -> bool:
        if self.high is None:
            return False
        if self.low < self.high:
            return False
        return not (self.low == self.high and self.low_inclusive and self.high_inclusive)

    @property
    def point(self) -> bool:
        return self.high is not None and self.low == self.high and self.low_inclusive and self.high_inclusive

    def __contains__(self, amount: object) -> bool:
        if not isinstance(amount, Decimal):
            return False
        if amount < self.low or (amount == self.low and not self.low_inclusive):
            return False
        if self.high is None:
            return True
        return amount < self.high or (amount == self.high and self.high_inclusive)

    def words(self, unit: Measure | str | None = None, chinese: bool = False) -> str:
        """The interval in words; `interval_words` is the one wording every command uses."""
        return interval_words(self, unit, chinese)

    def notation(self) -> str:
        """`[0, 100000]`, `(500000, inf)`: the interval as mathematics writes it, without words or currency."""
        high = "inf" if self.high is None else f"{self.high.normalize():f}"
        opening = "[" if self.low_inclusive else "("
        closing = "]" if self.high_inclusive else ")"
        return f"{opening}{self.low.normalize():f}, {high}{closing}"

    def sort_key(self) -> tuple[Decimal, bool]:
        """Lower bounds in amount order; an inclusive bound starts before an exclusive one at the same value."""
        return (self.low, not self.low_inclusive)


def interval_words(interval: Interval, unit: Measure | str | None = None, chinese: bool = False) -> str:
    """The interval as a governance officer reads it, the same in every command and table.

    Each bound keeps the word of the key that wrote it, so a reader can map the words back to
    the YAML: `from` -> "from X" (含), `over` -> "over X" (不含), `upTo` -> "up to Y inclusive"
    (含), `below` -> "below Y" (不含); a band from X without an upper bound runs "upward" (以上).
    Examples: `exactly 100,000 CNY`, `below 100,000 CNY`, `over 500,000 CNY up to 1,000,000 CNY
    inclusive`, `from 1,000,000 CNY upward`, `over 1,000,000 CNY`; in Chinese
    `500,000 CNY（不含）至 1,000,000 CNY（含）`. `unit` is the matrix's Measure (a bare currency
    means money): `up to 5% inclusive`, `over 30 days`.
    """
    measure = measure_of(unit)
    low = measure.amount(interval.low, chinese)
    if interval.point:
        return f"恰好 {low}" if chinese else f"exactly {low}"
    starts_at_zero = interval.low == ZERO and interval.low_inclusive
    if chinese:
        lower = "" if starts_at_zero else f"{low}（{'含' if interval.low_inclusive else '不含'}）"
        if interval.high is None:
            return f"{lower}以上" if lower else measure.anything(chinese=True)
        upper = f"{measure.amount(interval.high, chinese)}（{'含' if interval.high_inclusive else '不含'}）"
        return f"{lower}至 {upper}" if lower else f"{upper}以下"
    lower = "" if starts_at_zero else f"{'from' if interval.low_inclusive else 'over'} {low}"
    if interval.high is None:
        if not lower:
            return measure.anything()
        return f"{lower} upward" if interval.low_inclusive else lower  # "over X" already runs upward
    high = measure.amount(interval.high)
    upper = f"up to {high} inclusive" if interval.high_inclusive else f"below {high}"
    if not lower:
        return upper
    return f"{lower} {upper}" if interval.high_inclusive else f"{lower} and {upper}"


def band_interval(band: Mapping[str, Any]) -> Interval:
    """The interval a band's `from`/`over`/`upTo`/`below` describe (the schema forbids from+over, upTo+below)."""
    low, low_inclusive = ZERO, True
    if "from" in band:
        low = to_decimal(band["from"])
    elif "over" in band:
        low, low_inclusive = to_decimal(band["over"]), False
    high: Decimal | None = None
    high_inclusive = False
    if "upTo" in band:
        high, high_inclusive = to_decimal(band["upTo"]), True
    elif "below" in band:
        high = to_decimal(band["below"])
    return Interval(low, low_inclusive, high, high_inclusive)


@dataclass(frozen=True, slots=True)
class Gap:
    """Amounts no band covers. `after` is the band below the gap (None: below the first band)."""

    interval: Interval
    after: int | None
    before: int | None


@dataclass(frozen=True, slots=True)
class Overlap:
    """Amounts covered by both `first` (the earlier band) and `second`."""

    interval: Interval
    first: int
    second: int


@dataclass(frozen=True, slots=True)
class Coverage:
    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    empty: tuple[int, ...]
    """Bands (indexes) whose interval holds no amount at all, e.g. `from: 500` with `upTo: 100`."""


def _ends_before(high: Decimal, high_inclusive: bool, low: Decimal, low_inclusive: bool) -> bool:
    """True when an interval ending at (high, high_inclusive) ends strictly before one starting at (low, ...)."""
    return high < low or (high == low and not (high_inclusive and low_inclusive))


def coverage(intervals: Sequence[Interval]) -> Coverage:
    """Gaps and overlaps of the intervals over every amount from 0 upward.

    One sweep in lower-bound order keeps the band that reaches highest so far (the frontier).
    The next band either starts after the frontier (a gap between them), or before it ends (an
    overlap with the frontier band). An overlap with a band other than the frontier is always
    also an overlap with the frontier, so one finding per overlapping band is enough.
    """
    empty = tuple(i for i, interval in enumerate(intervals) if interval.empty)
    order = sorted(
        (i for i, interval in enumerate(intervals) if not interval.empty), key=lambda i: intervals[i].sort_key()
    )
    gaps: list[Gap] = []
    overlaps: list[Overlap] = []
    # The frontier starts as "covered up to just below 0": an exclusive upper bound at 0.
    front_high: Decimal | None = ZERO
    front_inclusive = False
    front: int | None = None
    for index in order:
        band = intervals[index]
        if front_high is None:
            # Everything above the frontier band's start is covered already.
            overlaps.append(Overlap(band, front if front is not None else index, index))
            continue
        if _ends_before(front_high, front_inclusive, band.low, band.low_inclusive):
            if front_high < band.low or not (front_inclusive or band.low_inclusive):
                gap = Interval(front_high, not front_inclusive, band.low, not band.low_inclusive)
                if not gap.empty:
                    gaps.append(Gap(gap, front, index))
        elif front is not None:
            high, high_inclusive = front_high, front_inclusive
            if band.high is not None and (
                band.high < high or (band.high == high and high_inclusive and not band.high_inclusive)
            ):
                high, high_inclusive = band.high, band.high_inclusive
            overlaps.append(Overlap(Interval(band.low, band.low_inclusive, high, high_inclusive), front, index))
        if band.high is None or band.high > front_high or (band.high == front_high and band.high_inclusive):
            front_high, front_inclusive, front = band.high, band.high_inclusive, index
    if front is None:
        gaps.append(Gap(Interval(), None, None))
    elif front_high is not None:
        gaps.append(Gap(Interval(front_high, not front_inclusive), front, None))
    return Coverage(tuple(gaps), tuple(overlaps), empty)
