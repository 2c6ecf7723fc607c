"""The printed words in the Organization's locale: no English left in a zh-CN page."""

from __future__ import annotations

import datetime

from opsgov.model.dates import Window
from opsgov.model.entities import Holding
from opsgov.render.words import (
    _EN,
    _ZH,
    ENGLISH,
    direction,
    duration,
    frequency,
    holder_words,
    join,
    kpi_amount,
    kpi_summary,
    unit_type,
    window_words,
)


def test_unit_types_in_chinese_and_custom_types_as_written() -> None:
    assert [unit_type(_ZH, t) for t in ("department", "center", "team", "store", "region", "committee")] == [
        "部门",
        "中心",
        "团队",
        "门店",
        "区域",
        "委员会",
    ]
    assert unit_type(_ZH, "事业群") == "事业群"  # from Organization.unitTypes: nothing to translate
    assert unit_type(_EN, "department") == "department"
    assert unit_type(_ZH, None) == ""


def test_kpi_values_direction_frequency_and_durations() -> None:
    assert kpi_amount(_ZH, 48, "hours") == "48 小时"
    assert kpi_amount(_ZH, 85, "percent") == "85%"
    assert kpi_amount(_ZH, 3, "count") == "3 个"
    assert kpi_amount(_ZH, 5, "currency", "CNY") == "5 CNY"
    assert kpi_amount(_ZH, 7, "") == "7"
    assert kpi_amount(_ZH, "", "hours") == ""
    assert kpi_amount(_EN, 48, "hours") == "48 hours"
    assert (direction(_ZH, "lower-is-better"), frequency(_ZH, "monthly")) == ("越低越好", "每月")
    assert direction(_EN, "lower-is-better") == "lower is better"
    assert [duration(_ZH, d) for d in ("1w", "2d", "24h", "30m")] == ["1 周", "2 天", "24 小时", "30 分钟"]
    assert duration(_EN, "1w") == "1w"
    assert duration(_ZH, "soon") == "soon"


def test_join_drops_the_space_only_between_cjk_words() -> None:
    assert join("24 小时", "后升级至", "运营副总监") == "24 小时后升级至运营副总监"
    assert join("升级至", "CFO") == "升级至 CFO"
    assert join("after", "", "1w") == "after 1w"


def test_a_kpi_on_one_line_in_either_language() -> None:
    spec: dict[str, object] = {
        "unit": "hours",
        "target": 24,
        "direction": "lower-is-better",
        "thresholds": {"green": 24, "yellow": 48},
        "frequency": "monthly",
    }
    assert kpi_summary(ENGLISH, spec) == (
        "target 24 hours, lower is better, green ≤ 24 hours, yellow ≤ 48 hours, else red, monthly"
    )
    assert kpi_summary(ENGLISH, {"unit": "currency", "target": 5}, "CNY") == "target 5 CNY"


def test_windows_and_acting_holders_in_both_languages() -> None:
    leave = Window(datetime.date(2026, 12, 1), datetime.date(2026, 12, 20))
    assert [window_words(_EN, w) for w in (leave, Window(leave.start), Window(None, leave.end), Window())] == [
        "from 2026-12-01 to 2026-12-20",
        "from 2026-12-01",
        "until 2026-12-20",
        "always",
    ]
    assert [window_words(_ZH, w) for w in (leave, Window(leave.start), Window(None, leave.end), Window())] == [
        "2026-12-01 至 2026-12-20",
        "自 2026-12-01 起",
        "至 2026-12-20",
        "长期",
    ]
    acting = Holding("Person/li", "Position/cfo", 0, ("spec", "holds", 0), leave, True)
    held = Holding("Person/li", "Position/cfo", 0, ("spec", "holds", 0), leave, False)
    assert holder_words(_EN, "Li", acting) == "Li (acting until 2026-12-20)"
    assert holder_words(_ZH, "李", acting) == "李（代理，至 2026-12-20）"
    assert holder_words(_ZH, "李", acting, until=False) == "李（代理）"
    assert holder_words(_ZH, "李", held) == holder_words(_ZH, "李", None) == "李"
