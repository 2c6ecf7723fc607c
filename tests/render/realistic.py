"""Realistic organisations for the org-chart tests: N units shaped as real ones are, in Chinese.

Not the regular tree of benchmarks/generate.py (eight children everywhere): a company with a
dozen functional departments, an operations center with regions of uneven size and long lists
of stores (leaf units), an R&D center with many teams, a few teams with sub-teams, and dotted
lines (regional finance to the finance director, regions to marketing). The same N and seed
always give the same files.

    python -m tests.render.realistic 271 /tmp/org271
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

DEPARTMENTS = [
    ("finance", "财务部", ["财务总监", "会计主管", "出纳"]),
    ("hr", "人力资源部", ["人力资源总监", "招聘主管"]),
    ("legal", "法务部", ["法务总监"]),
    ("marketing", "市场部", ["市场总监", "品牌经理", "市场活动专员"]),
    ("rd", "研发中心", ["研发总监", "架构师"]),
    ("production", "生产中心", ["生产总监", "计划主管"]),
    ("supply", "供应链中心", ["供应链总监", "采购经理"]),
    ("service", "客户服务部", ["客服经理"]),
    ("ops", "运营管理中心", ["中心总监", "运营副总监", "技术副总监"]),
    ("it", "信息技术部", ["信息技术总监"]),
    ("audit", "审计部", ["审计总监"]),
    ("office", "总经理办公室", ["办公室主任", "行政专员"]),
    ("data", "数据中台部", ["数据中台负责人", "数据分析岗"]),
    ("quality", "质量管理部", ["质量总监"]),
]
REGIONS = ["华东", "华南", "华北", "西南", "华中", "西北", "东北", "港澳"]
CITIES = [
    "上海",
    "杭州",
    "南京",
    "苏州",
    "宁波",
    "广州",
    "深圳",
    "东莞",
    "佛山",
    "北京",
    "天津",
    "石家庄",
    "成都",
    "重庆",
    "昆明",
    "武汉",
    "长沙",
    "郑州",
    "西安",
    "兰州",
    "沈阳",
    "长春",
    "哈尔滨",
    "合肥",
    "福州",
    "厦门",
    "南昌",
    "济南",
    "青岛",
    "太原",
]
TEAMS = {
    "rd": ["前端组", "后端组", "移动端组", "算法组", "测试组", "运维组", "架构组", "数据平台组", "安全组", "AI调度组"],
    "production": ["一车间", "二车间", "三车间", "包装车间", "设备科", "工艺科"],
    "supply": ["采购组", "仓储组", "物流组", "计划组"],
    "marketing": ["品牌组", "活动组", "新媒体组", "市场研究组"],
    "data": ["数据分析组", "数据治理组", "数据平台组"],
    "service": ["热线组", "投诉处理组", "回访组"],
    "hr": ["招聘组", "培训组", "薪酬组"],
    "finance": ["核算组", "资金组", "税务组"],
}


def _doc(kind: str, name: str, title: str, spec: str) -> str:
    return f"apiVersion: opsgov/v1\nkind: {kind}\nmetadata: {{name: {name}, title: {title}}}\nspec: {spec}\n"


def organisation(units: int, seed: int = 16) -> dict[str, str]:
    """Files (path -> YAML) of an organisation of exactly `units` units (at least 8)."""
    if units < 8:
        raise ValueError("at least 8 units")
    rng = random.Random(seed)
    parent: dict[str, str] = {}
    title: dict[str, str] = {"company": "星河集团"}
    kind: dict[str, str] = {"company": "company"}
    posts: dict[str, list[str]] = {"company": ["总经理", "副总经理", "总经理助理"]}
    order = ["company"]

    def add(name: str, unit_title: str, unit_type: str, above: str, titles: list[str]) -> None:
        parent[name], title[name], kind[name], posts[name] = above, unit_title, unit_type, titles
        order.append(name)

    count = max(4, min(len(DEPARTMENTS), units // 12))
    departments = [d for d in DEPARTMENTS if d[0] == "ops"] + [d for d in DEPARTMENTS if d[0] != "ops"][: count - 1]
    for name, unit_title, titles in departments:
        add(name, unit_title, "center" if unit_title.endswith("中心") else "department", "company", titles)
    regions = []
    for number in range(max(2, min(len(REGIONS), units // 30))):
        name = f"region-{number + 1}"
        regions.append(name)
        add(name, f"{REGIONS[number]}大区", "region", "ops", ["大区经理", "区域财务"])
    budget = units - len(order)
    teams_budget = budget * 2 // 5
    with_teams = [name for name, _, _ in departments if name in TEAMS]
    while teams_budget > 0 and with_teams:
        above = rng.choice(with_teams)
        taken = [n for n in order if parent.get(n) == above]
        names = TEAMS[above]
        if len(taken) >= len(names):
            with_teams.remove(above)
            continue
        add(f"{above}-team-{len(taken) + 1}", names[len(taken)], "team", above, ["组长", "专员"])
        teams_budget -= 1
    # a few sub-teams: depth beyond the usual three levels
    for name in [n for n in order if kind[n] == "team"][:3]:
        if len(order) < units - 2:
            add(f"{name}-sub", f"{title[name]}攻坚小组", "team", name, ["小组长"])
    number = 0
    while len(order) < units:
        region = regions[min(len(regions) - 1, int(rng.random() ** 1.6 * len(regions)))]
        number += 1
        city = CITIES[number % len(CITIES)]
        add(f"store-{number}", f"{city}{number}号门店", "store", region, ["店长", "前厅主管", "厨房主管"])
    out: list[str] = [
        _doc("Organization", "xinghe", "星河集团", "{root: company, locale: zh-CN}"),
        _doc("Unit", "company", "星河集团", "{type: company, head: company-p0}"),
    ]
    for name in order[1:]:
        out.append(_doc("Unit", name, title[name], f"{{type: {kind[name]}, parent: {parent[name]}, head: {name}-p0}}"))
    for name in order:
        head_above = f"{parent[name]}-p0" if name in parent else None
        for index, post_title in enumerate(posts[name]):
            reports = head_above if index == 0 else f"{name}-p0"
            fields = [f"unit: {name}"] + ([f"reportsTo: {reports}"] if reports else [])
            if post_title == "区域财务":
                fields.append("dottedLines: [finance-p0]")
            if name.startswith("rd-team") and index == 0 and "it" in title:
                fields.append("dottedLines: [it-p0]")
            out.append(_doc("Position", f"{name}-p{index}", post_title, "{" + ", ".join(fields) + "}"))
    for region in regions[::2]:
        if "marketing" in title:
            document = out[order.index(region) + 1]
            out[order.index(region) + 1] = document[: -len("}\n")] + ", dottedLines: [marketing]}\n"
    return {"ops/org.yaml": "---\n".join(out)}


def write(units: int, root: Path) -> Path:
    for path, content in organisation(units).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return root


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
