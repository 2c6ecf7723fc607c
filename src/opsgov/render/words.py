"""The few words diagrams and the handbook print themselves, in the Organization's locale.

docs/format.md (Organization): `spec.locale` chooses the language of labels in diagrams and the handbook. Only
Chinese and English are provided; any other locale falls back to English.
"""

from __future__ import annotations

from opsgov.model.dates import Window
from opsgov.model.entities import Holding, Model

_EN = {
    "vacant": "vacant",
    "frozen": "frozen",
    "headcount": "headcount",
    "head": "head",
    "start": "start",
    "end": "end",
    "approval": "approval",
    "sla": "SLA",
    "unassigned": "unassigned",
    "more_below": "{n} more units below",
    "org_chart": "Organisation chart",
    "units": "Units",
    "unit": "Unit",
    "posts": "Posts",
    "post": "Post",
    "level": "Level",
    "holders": "Holders",
    "duties": "Duties",
    "boundaries": "Boundaries (not owned here)",
    "owned_by": "owned by",
    "processes": "Processes",
    "process": "Process",
    "kpis": "KPIs",
    "kpi": "KPI",
    "approvals": "Approval matrices",
    "matrix": "Matrix",
    "category": "Category",
    "uncategorised": "Other decisions",
    "subject": "Subject",
    "band": "Band",
    "approvers": "Approvers",
    "mode": "Mode",
    "escalation": "Escalation",
    "findings": "Findings",
    "parent": "Parent",
    "children": "Sub-units",
    "dotted": "Dotted lines",
    "owner": "Owner",
    "steps": "Steps",
    "step": "Step",
    "responsible": "Responsible",
    "raci": "RACI",
    "target": "Target",
    "green": "Green",
    "yellow": "Yellow",
    "direction": "Direction",
    "frequency": "Frequency",
    "measures": "Measures",
    "method": "Method",
    "none": "none",
    "vote": "{body} (vote: quorum {quorum} of {members}, {majority})",
    "voting": "Decides by vote",
    "majority_simple": "simple majority",
    "majority_two-thirds": "two-thirds majority",
    "majority_unanimous": "unanimous",
    "delegations": "Delegations in force and scheduled",
    "delegation": "Delegation",
    "delegator": "From",
    "delegate": "To",
    "matrices": "Matrices",
    "cap": "Up to",
    "window": "Window",
    "reason": "Reason",
    "status": "Status",
    "in_force": "in force",
    "scheduled_from": "scheduled, from {day}",
    "all_matrices": "all its matrices",
    "mode_any": "any one",
    "mode_all": "all (countersign)",
    "mode_sequential": "all, in order",
    "title": "Title",
    "no_findings": "No findings.",
    "waived": "waived",
    "party": "Post or unit",
    "raci_R": "Responsible: does the work",
    "raci_A": "Accountable: answers for the result",
    "raci_C": "Consulted: asked before",
    "raci_I": "Informed: told after",
    "home": "Home",
    "solid_line": "reports to",
    "dotted_line": "dotted (matrix) line",
    "dotted_edge": "dotted",
    "overview": "Overview",
    "reports_to": "Reports to",
    "scheduled": "Scheduled changes",
    "scheduled_intro": "What takes effect or ends after {as_of}, up to {last}.",
    "no_scheduled": "No scheduled changes.",
    "date": "Date",
    "change": "Change",
    "takes_effect": "takes effect",
    "ends": "ends (last day {day})",
    "holds": "{person} holds {post}",
    "holds_acting": "{person} acts as {post}",
    "reviewed": "Last reviewed",
    "reviewed_on_by": "{on} by {by}",
    "never_reviewed": "never",
    "as_of": "As of {day}",
    "acting": "acting",
    "acting_holder": "{person} (acting)",
    "acting_holder_until": "{person} (acting until {day})",
    "former_holders": "Former holders",
    "person": "Person",
    "held": "Held",
    "window_from_to": "from {start} to {end}",
    "window_from": "from {start}",
    "window_until": "until {end}",
    "window_always": "always",
    # KPI units: "{n}" is the number; an undeclared unit prints the bare number
    "kpi_unit.percent": "{n} percent",
    "kpi_unit.count": "{n} count",
    "kpi_unit.ratio": "{n} ratio",
    "kpi_unit.hours": "{n} hours",
    "kpi_unit.days": "{n} days",
    "kpi_unit.minutes": "{n} minutes",
    "kpi_unit.score": "{n} score",
    "kpi_unit.currency": "{n} {currency}",
    # durations (`30m`, `24h`, `2d`, `1w`), as the spec writes them in English
    "duration.m": "{n}m",
    "duration.h": "{n}h",
    "duration.d": "{n}d",
    "duration.w": "{n}w",
}

_ZH = {
    **_EN,
    "vacant": "空缺",
    "frozen": "冻结",
    "headcount": "编制",
    "head": "负责人",
    "start": "开始",
    "end": "结束",
    "approval": "审批",
    "sla": "时限",
    "unassigned": "未指定",
    "more_below": "下设 {n} 个单元未展开",
    "org_chart": "组织架构图",
    "units": "组织单元",
    "unit": "单元",
    "posts": "岗位",
    "post": "岗位",
    "level": "职级",
    "holders": "任职人",
    "duties": "职责",
    "boundaries": "职责边界（不归本单元）",
    "owned_by": "归属",
    "processes": "业务流程",
    "process": "流程",
    "kpis": "指标",
    "kpi": "指标",
    "approvals": "审批权限",
    "matrix": "审批矩阵",
    "category": "分类",
    "uncategorised": "其他事项",
    "subject": "审批事项",
    "band": "档位",
    "approvers": "审批人",
    "mode": "方式",
    "escalation": "超时升级",
    "findings": "检查结果",
    "parent": "上级单元",
    "children": "下级单元",
    "dotted": "虚线汇报",
    "owner": "负责人",
    "steps": "步骤",
    "step": "步骤",
    "responsible": "执行岗位",
    "target": "目标",
    "green": "绿灯",
    "yellow": "黄灯",
    "direction": "方向",
    "frequency": "频率",
    "measures": "衡量对象",
    "method": "考核方式",
    "none": "无",
    "vote": "{body}（表决：{members} 人中 {quorum} 人出席，{majority}）",
    "voting": "表决",
    "majority_simple": "简单多数通过",
    "majority_two-thirds": "三分之二多数通过",
    "majority_unanimous": "全体一致通过",
    "delegations": "生效中与计划中的授权",
    "delegation": "授权",
    "delegator": "授权人",
    "delegate": "被授权人",
    "matrices": "审批矩阵",
    "cap": "上限",
    "window": "有效期",
    "reason": "原因",
    "status": "状态",
    "in_force": "生效中",
    "scheduled_from": "计划，自 {day} 起",
    "all_matrices": "其参与的全部矩阵",
    "mode_any": "任一审批人",
    "mode_all": "会签",
    "mode_sequential": "依次审批",
    "title": "名称",
    "no_findings": "没有发现问题。",
    "waived": "已豁免",
    "party": "岗位或单元",
    "raci_R": "负责：执行",
    "raci_A": "批准：对结果负责",
    "raci_C": "咨询：事前征询",
    "raci_I": "知会：事后通知",
    "home": "首页",
    "solid_line": "直线汇报",
    "dotted_line": "虚线（矩阵）汇报",
    "dotted_edge": "虚线",
    "overview": "总览",
    "reports_to": "汇报上级",
    "kpi_unit.percent": "{n}%",
    "kpi_unit.count": "{n} 个",
    "kpi_unit.ratio": "{n}",
    "kpi_unit.hours": "{n} 小时",
    "kpi_unit.days": "{n} 天",
    "kpi_unit.minutes": "{n} 分钟",
    "kpi_unit.score": "{n} 分",
    "kpi_unit.currency": "{n} {currency}",
    "direction.higher-is-better": "越高越好",
    "direction.lower-is-better": "越低越好",
    "frequency.daily": "每日",
    "frequency.weekly": "每周",
    "frequency.monthly": "每月",
    "frequency.quarterly": "每季度",
    "frequency.yearly": "每年",
    "unit_type.company": "公司",
    "unit_type.center": "中心",
    "unit_type.division": "事业部",
    "unit_type.department": "部门",
    "unit_type.team": "团队",
    "unit_type.region": "区域",
    "unit_type.store": "门店",
    "unit_type.office": "办公室",
    "unit_type.committee": "委员会",
    "duration.m": "{n} 分钟",
    "duration.h": "{n} 小时",
    "duration.d": "{n} 天",
    "duration.w": "{n} 周",
    "scheduled": "计划变更",
    "scheduled_intro": "{as_of} 之后至 {last} 生效或终止的内容。",
    "no_scheduled": "没有计划变更。",
    "date": "日期",
    "change": "变更",
    "takes_effect": "生效",
    "ends": "终止（最后一天 {day}）",
    "holds": "{person} 任 {post}",
    "holds_acting": "{person} 代理 {post}",
    "reviewed": "最近复核",
    "reviewed_on_by": "{on}，{by}",
    "never_reviewed": "未复核",
    "as_of": "截至 {day}",
    "acting": "代理",
    "acting_holder": "{person}（代理）",
    "acting_holder_until": "{person}（代理，至 {day}）",
    "former_holders": "历任",
    "person": "人员",
    "held": "任职期间",
    "window_from_to": "{start} 至 {end}",
    "window_from": "自 {start} 起",
    "window_until": "至 {end}",
    "window_always": "长期",
}


ENGLISH = _EN
"""The English vocabulary, for output that is always in English (`opsgov explain`)."""


def words_for(model: Model) -> dict[str, str]:
    """The vocabulary for the (first) Organization's locale (English when unknown or absent).

    A repository with two Organizations is already reported by its rule; the labels still follow
    the first one's locale rather than switching the whole handbook to English.
    """
    locale = ""
    if model.organizations:
        locale = str(model.organizations[0].spec.get("locale") or "")
    return _ZH if locale.lower().startswith("zh") else _EN


def chinese(words: dict[str, str]) -> bool:
    return words is _ZH


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def join(*parts: str) -> str:
    """Words joined by spaces, except between two CJK characters: "升级至运营副总监", "after 24h to CFO"."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_is_cjk(out[-1]) and _is_cjk(part[0])):
            out += " "
        out += part
    return out


def unit_type(words: dict[str, str], value: object) -> str:
    """A unit's type in the locale; a custom type from Organization.unitTypes stays as written."""
    return words.get(f"unit_type.{value}", str(value)) if value else ""


def direction(words: dict[str, str], value: object) -> str:
    return words.get(f"direction.{value}", str(value).replace("-", " ")) if value else ""


def frequency(words: dict[str, str], value: object) -> str:
    return words.get(f"frequency.{value}", str(value)) if value else ""


def kpi_amount(words: dict[str, str], value: object, unit: object, currency: str | None = None) -> str:
    """A KPI target or threshold with its unit: `48 hours` / `48 小时`, `85 percent` / `85%`."""
    if value is None or value == "":
        return ""
    pattern = words.get(f"kpi_unit.{unit}", "{n} " + str(unit) if unit else "{n}")
    return pattern.format(n=value, currency=currency or "").strip()


def duration(words: dict[str, str], value: object) -> str:
    """`1w` -> `1 周` in Chinese; anything not of the spec's form stays as written."""
    text = str(value)
    number, suffix = text[:-1], text[-1:]
    if not (number.isascii() and number.isdigit()) or f"duration.{suffix}" not in words:
        return text
    return words[f"duration.{suffix}"].format(n=number)


def window_words(words: dict[str, str], window: Window) -> str:
    """A window in the locale: `from 2026-12-01 to 2026-12-20` / `2026-12-01 至 2026-12-20`, `自 2027-01-01 起`."""
    start = window.start.isoformat() if window.start else ""
    end = window.end.isoformat() if window.end else ""
    if start and end:
        return words["window_from_to"].format(start=start, end=end)
    if start:
        return words["window_from"].format(start=start)
    if end:
        return words["window_until"].format(end=end)
    return words["window_always"]


def holder_words(words: dict[str, str], person: str, holding: Holding | None, *, until: bool = True) -> str:
    """A holder as the handbook and charts name them: `黄磊（代理，至 2027-01-31）` for an acting holder."""
    if holding is None or not holding.acting:
        return person
    if until and holding.window.end is not None:
        return words["acting_holder_until"].format(person=person, day=holding.window.end.isoformat())
    return words["acting_holder"].format(person=person)


def org_currency(model: Model) -> str:
    """The (first) Organization's currency, for KPI amounts in `currency` units; '' when none."""
    return str(model.organizations[0].spec.get("currency") or "") if model.organizations else ""


def kpi_summary(words: dict[str, str], spec: dict[str, object], currency: str | None = None) -> str:
    """A KPI on one line: target, direction, thresholds (green/yellow, else red), frequency.

    The threshold sign follows the direction: `green ≤ 24 hours` when lower is better.
    """
    unit = spec.get("unit")
    parts = []
    if "target" in spec:
        parts.append(f"target {kpi_amount(words, spec['target'], unit, currency)}")
    if "direction" in spec:
        parts.append(direction(words, spec["direction"]))
    thresholds = spec.get("thresholds")
    if isinstance(thresholds, dict) and "green" in thresholds and "yellow" in thresholds:
        sign = "≤" if spec.get("direction") == "lower-is-better" else "≥"
        green = kpi_amount(words, thresholds["green"], unit, currency)
        yellow = kpi_amount(words, thresholds["yellow"], unit, currency)
        parts.append(f"green {sign} {green}, yellow {sign} {yellow}, else red")
    if "frequency" in spec:
        parts.append(frequency(words, spec["frequency"]))
    return ", ".join(parts)
