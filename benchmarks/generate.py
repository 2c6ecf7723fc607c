"""Generate a clean synthetic organisation of N positions, for benchmarks and scale tests.

Shape (per the speed issue): N posts, N/8 units, N/2 duties, N/10 processes of 6 steps,
N/50 approval matrices, N/20 KPIs, spread over about a hundred files. Every unit has a head
and seven posts reporting to it; the heads of a unit's (up to eight) child units report to
the unit's head and posts, one each, so the span of control stays within 8.

    python benchmarks/generate.py 10000 /tmp/org10k
    python benchmarks/generate.py 10000 /tmp/org10k-dated --future-changes 20

`--future-changes N` adds N small reorganisations dated within the year after `--as-of`
(every 17 days), in turn: a leaf unit and its posts replaced from that date (the old versions end
the day before, the new ones keep the names), a post moved to another unit, a new post added.
The same organisation otherwise, so benchmarks/dates.py can compare it with and without dates.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
from pathlib import Path

FILES = 100


def _doc(kind: str, name: str, title: str, spec: dict[str, object], **window: datetime.date) -> str:
    # JSON is valid YAML flow style, but governance files are block style: write block YAML by hand.
    lines = [
        "apiVersion: opsgov/v1",
        f"kind: {kind}",
        "metadata:",
        f"  name: {name}",
        f"  title: {title}",
        *(f"  {key}: {day.isoformat()}" for key, day in window.items()),
        "spec:" if spec else "spec: {}",
    ]
    lines.extend(_block(spec, 1))
    return "\n".join(lines) + "\n"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False) if not str(value).replace("-", "").isalnum() else str(value)


def _block(value: dict[str, object], depth: int) -> list[str]:
    pad = "  " * depth
    out: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict):
            out.append(f"{pad}{key}:")
            out.extend(_block(item, depth + 1))
        elif isinstance(item, list):
            out.append(f"{pad}{key}:")
            for element in item:
                if isinstance(element, dict):
                    inner = _block(element, depth + 2)
                    out.append(f"{pad}  - {inner[0].strip()}")
                    out.extend(inner[1:])
                else:
                    out.append(f"{pad}  - {_scalar(element)}")
        else:
            out.append(f"{pad}{key}: {_scalar(item)}")
    return out


DEFECTS = """\
# Seeded defects: one or more of each kind of problem, spread over the rules' families.
apiVersion: opsgov/v1
kind: Position
metadata: {name: defect-dangling, title: 悬空岗位}
spec: {unit: u1, reportsTo: u1-heda}
---
apiVersion: opsgov/v1
kind: Position
metadata: {name: defect-a, title: 循环甲}
spec: {unit: u1, reportsTo: defect-b}
---
apiVersion: opsgov/v1
kind: Position
metadata: {name: defect-b, title: 循环乙}
spec: {unit: u1, reportsTo: defect-a, headcount: two}
---
apiVersion: opsgov/v1
kind: Position
metadata: {name: defect-c, title: 循环丙}
spec: {unit: u1, reportsTo: defect-d}
---
apiVersion: opsgov/v1
kind: Position
metadata: {name: defect-d, title: 循环丁}
spec: {unit: u1, reportsTo: defect-c}
---
apiVersion: opsgov/v1
kind: Responsibility
metadata: {name: defect-duty, title: 重叠职责}
spec: {}
---
apiVersion: opsgov/v1
kind: Unit
metadata: {name: defect-unit-a, title: 甲部}
spec: {type: department, parent: u0, owns: [defect-duty], head: defect-head-a}
---
apiVersion: opsgov/v1
kind: Unit
metadata: {name: defect-unit-b, title: 乙部}
spec: {type: department, parent: u0, owns: [defect-duty]}
---
apiVersion: opsgov/v1
kind: Position
metadata: {name: defect-head-a, title: 甲部经理}
spec: {unit: defect-unit-a, reportsTo: u0-head}
---
apiVersion: opsgov/v1
kind: ApprovalMatrix
metadata: {name: defect-matrix, title: 缺口审批}
spec:
  subject: 采购
  requesters: [u0-head]
  bands:
    - {below: 100000, approvers: [u0-head], mode: all}
    - {over: 100000, approvers: [u0-p1]}
---
apiVersion: opsgov/v1
kind: Process
metadata: {name: defect-process, title: 缺陷流程}
spec:
  owner: u0-head
  steps:
    - {id: a, title: 开始, responsible: u0-p1, next: [b]}
    - {id: b, title: 结束, responsible: u0-p2}
    - {id: c, title: 孤立, responsible: u0-p2, next: [d]}
---
apiVersion: opsgov/v1
kind: KPI
metadata: {name: defect-kpi, title: 阈值颠倒}
spec: {owner: u0-head, unit: percent, direction: higher-is-better, target: 90,
       thresholds: {green: 80, yellow: 95}}
---
apiVersion: opsgov/v1
kind: Unit
metadata: {name: u2, title: 重名部门}
spec: {type: department, parent: u0, head: u2-head}
---
apiVersion: opsgov/v1
kind: Policy
metadata: {name: defect-policy, title: 坏策略}
spec:
  severity: error
  match: {kinds: [Unit]}
  validations:
    - expression: "facts.nosuchfact > 0"
"""


AS_OF = datetime.date(2026, 11, 27)
"""The default as-of date of dated organisations (benchmarks/dates.py checks as of it)."""


def _plan(units: int, changes: int, as_of: datetime.date) -> list[tuple[str, int, datetime.date]]:
    """(what, unit, date) of each future change: leaf units from the last one down, one per change."""
    leaves = [u for u in range(units - 1, 0, -1) if 8 * u + 1 >= units]
    if changes > len(leaves):
        raise SystemExit(f"--future-changes {changes} needs {changes} leaf units; this size has {len(leaves)}")
    kinds = ("replace", "move", "add")
    return [(kinds[i % 3], leaves[i], as_of + datetime.timedelta(days=17 * (i + 1))) for i in range(changes)]


def generate(
    n: int, out: Path, *, defects: bool = False, future_changes: int = 0, as_of: datetime.date = AS_OF
) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "ops" / "units").mkdir(parents=True)
    (out / "ops" / "catalogue").mkdir(parents=True)
    units = max(1, n // 8)
    files: dict[str, list[str]] = {}

    def emit(path: str, text: str) -> None:
        files.setdefault(path, []).append(text)

    def head(u: int) -> str:
        return f"u{u}-head"

    def post(u: int, k: int) -> str:
        return head(u) if k == 0 else f"u{u}-p{k}"

    posts = [(u, k) for u in range(units) for k in range(8)][:n]
    duties = n // 2
    owned: dict[str, list[str]] = {}
    for d in range(duties):
        u, k = posts[(2 * d) % len(posts)]
        owned.setdefault(post(u, k), []).append(f"duty-{d}")

    emit(
        "ops/organization.yaml",
        _doc("Organization", "org", "集团", {"root": "u0", "currency": "CNY", "locale": "zh-CN"}),
    )
    plan = _plan(units, future_changes, as_of)
    ends: dict[str, datetime.date] = {}
    """Unit or post name -> the first day of its new version (the old one ends the day before)."""
    for what, u, day in plan:
        if what == "replace":
            ends[f"u{u}"] = day
            ends.update((post(u, k), day) for k in range(8))
        elif what == "move":
            ends[post(u, 7)] = day
    later: list[str] = []
    """The new versions and new posts, in ops/changes.yaml."""

    def dated(kind: str, name: str, title: str, spec: dict[str, object]) -> str:
        if name not in ends:
            return _doc(kind, name, title, spec)
        day = ends[name]
        later.append(_doc(kind, name, f"{title}（新）", spec, validFrom=day))
        return _doc(kind, name, title, spec, validUntil=day - datetime.timedelta(days=1))

    per_file = max(1, units // FILES)
    for u in range(units):
        spec: dict[str, object] = {"type": "company" if u == 0 else "department", "head": head(u)}
        if u:
            spec = {"type": "department", "parent": f"u{(u - 1) // 8}", "head": head(u)}
        path = f"ops/units/part-{u // per_file:03d}.yaml"
        emit(path, dated("Unit", f"u{u}", f"部门{u}", spec))
        for k in range(8):
            if (u, k) not in set(posts[-8:]) and u * 8 + k >= n:
                break
            name = post(u, k)
            pspec: dict[str, object] = {"unit": f"u{u}"}
            if k:
                pspec["reportsTo"] = head(u)
            elif u:
                # Spread the child heads over the parent's posts: nobody has more than 8 reports.
                pspec["reportsTo"] = post((u - 1) // 8, (u - 1) % 8)
            if name in owned:
                pspec["owns"] = owned[name]
            emit(path, dated("Position", name, f"岗位{u}-{k}", pspec))
    for d in range(duties):
        emit(f"ops/catalogue/duties-{d % 10}.yaml", _doc("Responsibility", f"duty-{d}", f"职责{d}", {}))
    matrices = max(1, n // 50)
    for m in range(matrices):
        u = m % units
        parent = (u - 1) // 8 if u else 0
        top = [head(0)]
        bands: list[dict[str, object]] = [
            {
                "below": 100000,
                "approvers": [head(u)],
                "escalation": {"after": "24h", "to": head(parent)} if u else {"after": "24h", "to": head(0)},
            },
            {
                "from": 100000,
                "upTo": 500000,
                "approvers": [head(u), head(parent)] if u else [head(0), post(0, 1)],
                "mode": "all",
            },
            {"over": 500000, "approvers": top},
        ]
        if not u:
            bands[0] = {"below": 100000, "approvers": [post(0, 1)], "escalation": {"after": "24h", "to": head(0)}}
        emit(
            f"ops/catalogue/approvals-{m % 5}.yaml",
            _doc(
                "ApprovalMatrix",
                f"matrix-{m}",
                f"审批{m}",
                {"subject": f"费用{m}", "requesters": [post(u, 3)], "bands": bands},
            ),
        )
    for p in range(n // 10):
        u = p % units
        steps = []
        for s in range(6):
            step: dict[str, object] = {
                "id": f"s{s}",
                "title": f"步骤{s}",
                "responsible": [post(u, 1 + s % 5)],
                "sla": "2d",
            }
            if s < 5:
                step["next"] = [f"s{s + 1}"]
            if s == 4:
                step["approval"] = f"matrix-{u % matrices}" if u < matrices else "matrix-0"
                step["responsible"] = [head(u)]
            steps.append(step)
        spec = {"owner": head(u), "steps": steps}
        emit(f"ops/catalogue/processes-{p % 10}.yaml", _doc("Process", f"process-{p}", f"流程{p}", spec))
    for k in range(n // 20):
        u = k % units
        emit(
            f"ops/catalogue/kpis-{k % 5}.yaml",
            _doc(
                "KPI",
                f"kpi-{k}",
                f"指标{k}",
                {
                    "owner": head(u),
                    "unit": "percent",
                    "direction": "higher-is-better",
                    "target": 95,
                    "thresholds": {"green": 95, "yellow": 85},
                    "frequency": "monthly",
                    "measures": [f"process-{k % max(1, n // 10)}"],
                },
            ),
        )
    for index, (what, u, day) in enumerate(plan):
        if what == "move":  # the post's new version is in the next leaf unit, reporting to its head
            target = plan[index - 1][1] if index else u - 1
            moved = {"unit": f"u{target}", "reportsTo": head(target)}
            old = later.pop(next(i for i, text in enumerate(later) if f"name: {post(u, 7)}\n" in text))
            later.append(old.split("spec:")[0] + "\n".join(["spec:", *_block(moved, 1)]) + "\n")
        elif what == "add":
            spec = {"unit": f"u{u}", "reportsTo": head(u)}
            later.append(_doc("Position", f"u{u}-new", f"新岗位{u}", spec, validFrom=day))
    if later:
        emit("ops/changes.yaml", "---\n".join(later))
    if defects:
        emit("ops/defects.yaml", DEFECTS)
    for path, docs in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n".join(docs), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("positions", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--defects", action="store_true", help="add seeded defects that every rule family finds")
    parser.add_argument("--future-changes", type=int, default=0, help="small reorganisations dated within a year")
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=AS_OF, help="the dates follow this one")
    args = parser.parse_args()
    generate(args.positions, args.out, defects=args.defects, future_changes=args.future_changes, as_of=args.as_of)


if __name__ == "__main__":
    main()
