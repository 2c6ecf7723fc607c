from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from opsgov.model.bands import Interval, band_interval, coverage, money, to_decimal

D = Decimal


def words(bands: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Gaps and overlaps of bands written as in YAML, in words (CNY)."""
    result = coverage([band_interval(band) for band in bands])
    return [g.interval.words("CNY") for g in result.gaps], [o.interval.words("CNY") for o in result.overlaps]


@pytest.mark.parametrize(
    ("upper", "lower", "gaps", "overlaps"),
    [
        ({"upTo": 100000}, {"from": 100000}, [], ["exactly 100,000 CNY"]),
        ({"upTo": 100000}, {"over": 100000}, [], []),
        ({"below": 100000}, {"from": 100000}, [], []),
        ({"below": 100000}, {"over": 100000}, ["exactly 100,000 CNY"], []),
    ],
)
def test_every_boundary_combination_of_neighbouring_bands(
    upper: dict[str, int], lower: dict[str, int], gaps: list[str], overlaps: list[str]
) -> None:
    assert words([upper, lower]) == (gaps, overlaps)


@pytest.mark.parametrize(
    ("bands", "gaps", "overlaps"),
    [
        # a single band covering everything
        ([{}], [], []),
        # open-ended top band versus a finite top
        ([{"below": 100}, {"from": 100}], [], []),
        ([{"below": 100}, {"from": 100, "upTo": 1000000}], ["over 1,000,000 CNY"], []),
        ([{"below": 100}, {"from": 100, "below": 1000000}], ["from 1,000,000 CNY upward"], []),
        # the lowest band must start at 0 inclusive
        ([{"over": 0}], ["exactly 0 CNY"], []),
        ([{"from": 100}], ["below 100 CNY"], []),
        ([{"over": 100}], ["up to 100 CNY inclusive"], []),
        # gaps of a range, all four shapes
        ([{"upTo": 500000}, {"from": 1000000}], ["over 500,000 CNY and below 1,000,000 CNY"], []),
        ([{"below": 500000}, {"over": 1000000}], ["from 500,000 CNY up to 1,000,000 CNY inclusive"], []),
        ([{"upTo": 500000}, {"over": 1000000}], ["over 500,000 CNY up to 1,000,000 CNY inclusive"], []),
        ([{"below": 500000}, {"from": 1000000}], ["from 500,000 CNY and below 1,000,000 CNY"], []),
        # overlaps of a range, and a band inside another
        ([{"upTo": 500}, {"from": 100}], [], ["from 100 CNY up to 500 CNY inclusive"]),
        ([{}, {"from": 100, "below": 200}], [], ["from 100 CNY and below 200 CNY"]),
        ([{"upTo": 1000}, {"over": 10, "upTo": 20}, {"over": 1000}], [], ["over 10 CNY up to 20 CNY inclusive"]),
        # written out of order: sorted by lower bound first
        ([{"over": 500}, {"upTo": 100}, {"over": 100, "upTo": 500}], [], []),
        # cents are exact
        ([{"upTo": 0.01}, {"over": 0.01}], [], []),
        ([{"below": 0.01}, {"over": 0.01}], ["exactly 0.01 CNY"], []),
        ([{"upTo": 0.3}, {"over": 0.30}], [], []),
        ([{"upTo": 99999.99}, {"from": 100000}], ["over 99,999.99 CNY and below 100,000 CNY"], []),
    ],
)
def test_gaps_and_overlaps_in_words(bands: list[dict[str, Any]], gaps: list[str], overlaps: list[str]) -> None:
    assert words(bands) == (gaps, overlaps)


def test_gap_and_overlap_name_the_bands_either_side() -> None:
    result = coverage(
        [band_interval(b) for b in ({"over": 500}, {"below": 100}, {"from": 200, "upTo": 500}, {"from": 400})]
    )
    assert [(g.after, g.before) for g in result.gaps] == [(1, 2)]
    assert [(o.first, o.second) for o in result.overlaps] == [(2, 3), (3, 0)]


def test_a_band_with_no_amount_is_empty_and_covers_nothing() -> None:
    result = coverage([band_interval({"from": 500, "upTo": 100}), band_interval({"from": 7, "below": 7})])
    assert result.empty == (0, 1)
    assert [g.interval.words() for g in result.gaps] == ["any amount"]
    assert band_interval({"from": 7, "upTo": 7}).point


def test_amounts_are_exact_decimals() -> None:
    assert to_decimal(0.01) == D("0.01")
    assert to_decimal(0.1) + to_decimal(0.2) == to_decimal(0.3)
    assert to_decimal(100000) == D("100000")
    assert to_decimal(10**20) == D("100000000000000000000")
    with pytest.raises(TypeError):
        to_decimal(True)


def test_membership_at_the_bounds() -> None:
    band = Interval(D(100), False, D(500), True)
    assert D(100) not in band
    assert D("100.01") in band
    assert D(500) in band
    assert D("500.01") not in band
    assert D(7) in Interval()


def test_money_uses_separators_and_never_an_exponent() -> None:
    assert money(D("1E+7"), "CNY") == "10,000,000 CNY"
    assert money(D("1234.5")) == "1,234.5"
