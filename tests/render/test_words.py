"""The printed words in the run's language: no English left in a zh-CN page."""

from __future__ import annotations

import datetime

from opsgov.i18n import speaking
from opsgov.model.dates import Window
from opsgov.model.entities import Holding
from opsgov.render.words import (
    direction,
    duration,
    frequency,
    holder_words,
    html_lang,
    join,
    kpi_amount,
    kpi_summary,
    phrase,
    unit_type,
    words,
)


def test_unit_types_in_chinese_and_custom_types_as_written() -> None:
    with speaking("zh_CN"):
        assert [unit_type(t) for t in ("department", "center", "team", "store", "region", "committee")] == [
            "部门",
            "中心",
            "团队",
            "门店",
            "区域",
            "委员会",
        ]
        assert unit_type("事业群") == "事业群"  # from Organization.unitTypes: nothing to translate
        assert unit_type(None) == ""
    with speaking("en"):
        assert unit_type("department") == "department"


def test_kpi_values_direction_frequency_and_durations() -> None:
    with speaking("zh_CN"):
        assert kpi_amount(48, "hours") == "48 小时"
        assert kpi_amount(85, "percent") == "85%"
        assert kpi_amount(3, "count") == "3 个"
        assert kpi_amount(5, "currency", "CNY") == "5 CNY"
        assert kpi_amount(7, "") == "7"
        assert kpi_amount("", "hours") == ""
        assert (direction("lower-is-better"), frequency("monthly")) == ("越低越好", "每月")
        assert [duration(d) for d in ("1w", "2d", "24h", "30m")] == ["1 周", "2 天", "24 小时", "30 分钟"]
        assert duration("soon") == "soon"
    with speaking("en"):
        assert kpi_amount(48, "hours") == "48 hours"
        assert direction("lower-is-better") == "lower is better"
        assert duration("1w") == "1w"


def test_join_drops_the_space_only_between_cjk_words() -> None:
    assert join("24 小时", "后升级至", "运营副总监") == "24 小时后升级至运营副总监"
    assert join("升级至", "CFO") == "升级至 CFO"
    assert join("after", "", "1w") == "after 1w"


def test_a_phrase_from_the_catalogue_is_spaced_as_join_does() -> None:
    with speaking("en"):
        assert phrase("after {after} to {to}", after="1w", to="CFO") == "after 1w to CFO"
    with speaking("zh_CN"):
        assert phrase("after {after} to {to}", after="1 周", to="总经理") == "1 周后升级至总经理"
        assert phrase("after {after} to {to}", after="1 周", to="CFO") == "1 周后升级至 CFO"


def test_the_fixed_words_and_the_page_language_follow_the_run() -> None:
    with speaking("en"):
        assert (words().findings, html_lang()) == ("Findings", "en")
        with speaking("zh_CN"):
            assert (words().findings, words().level_col, words().level, html_lang()) == (
                "检查结果",
                "级别",
                "职级",
                "zh-CN",
            )
        assert words().findings == "Findings"  # nothing outlives the block


def test_a_kpi_on_one_line_in_either_language() -> None:
    spec: dict[str, object] = {
        "unit": "hours",
        "target": 24,
        "direction": "lower-is-better",
        "thresholds": {"green": 24, "yellow": 48},
        "frequency": "monthly",
    }
    with speaking("en"):
        english = kpi_summary(spec)
        assert english == "target 24 hours, lower is better, green ≤ 24 hours, yellow ≤ 48 hours, else red, monthly"
        assert kpi_summary({"unit": "currency", "target": 5}, "CNY") == "target 5 CNY"
    with speaking("zh_CN"):
        assert kpi_summary(spec) == "目标 24 小时；越低越好；绿灯 ≤ 24 小时，黄灯 ≤ 48 小时，否则红灯；每月"


def test_windows_and_acting_holders_in_both_languages() -> None:
    leave = Window(datetime.date(2026, 12, 1), datetime.date(2026, 12, 20))
    windows = (leave, Window(leave.start), Window(None, leave.end), Window())
    acting = Holding("Person/li", "Position/cfo", 0, ("spec", "holds", 0), leave, True)
    held = Holding("Person/li", "Position/cfo", 0, ("spec", "holds", 0), leave, False)
    with speaking("en"):
        assert [w.said() for w in windows] == [
            "from 2026-12-01 to 2026-12-20",
            "from 2026-12-01",
            "until 2026-12-20",
            "always",
        ]
        assert holder_words("Li", acting) == "Li (acting until 2026-12-20)"
    with speaking("zh_CN"):
        assert [w.said() for w in windows] == [
            "2026-12-01 至 2026-12-20",
            "自 2026-12-01 起",
            "至 2026-12-20",
            "长期",
        ]
        assert holder_words("李", acting) == "李（代理，至 2026-12-20）"
        assert holder_words("李", acting, until=False) == "李（代理）"
        assert holder_words("李", held) == holder_words("李", None) == "李"
