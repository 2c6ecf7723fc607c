from datetime import date

from opsgov.model.dates import ALWAYS, Window, change_dates, document_window, holding_window, parse_date


def test_impossible_and_malformed_dates_read_as_none() -> None:
    assert parse_date("2026-02-30") is None
    assert parse_date("2026-2-3") is None
    assert parse_date(20260101) is None
    assert parse_date("2028-02-29") == date(2028, 2, 29)


def test_a_window_contains_both_ends() -> None:
    w = Window(date(2026, 12, 1), date(2026, 12, 20))
    assert w.contains(date(2026, 12, 1)) and w.contains(date(2026, 12, 20))
    assert not w.contains(date(2026, 11, 30)) and not w.contains(date(2026, 12, 21))
    assert w.describe() == "from 2026-12-01 to 2026-12-20"
    assert Window(date(2027, 1, 1), date(2026, 1, 1)).inverted


def test_first_shared_day_of_versions() -> None:
    old = document_window({"metadata": {"validUntil": "2026-12-31"}})
    new = document_window({"metadata": {"validFrom": "2027-01-01"}})
    assert old.first_shared_day(new) is None
    late = document_window({"metadata": {"validFrom": "2026-12-15"}})
    assert old.first_shared_day(late) == date(2026, 12, 15)


def test_a_delegation_is_dated_by_its_spec() -> None:
    data = {"kind": "Delegation", "spec": {"validFrom": "2026-12-01", "validUntil": "2026-12-20"}}
    assert document_window(data) == Window(date(2026, 12, 1), date(2026, 12, 20))


def test_holdings_and_change_dates() -> None:
    assert holding_window("ceo") is ALWAYS
    acting = holding_window({"position": "cfo", "from": "2026-12-01", "until": "2027-01-31", "acting": True})
    reorg = Window(date(2027, 1, 1))
    far = Window(date(2030, 1, 1))
    assert change_dates([acting, reorg, far], date(2026, 11, 27)) == [
        date(2026, 11, 27),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
