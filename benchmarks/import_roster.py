"""Time `opsgov import` of a generated roster (CSV and XLSX), and `opsgov check` of what it wrote.

The roster is one row per person in a post (vacancies as rows without a name), Chinese titles and
names, department, position and employee codes, reporting lines, 编制 and heads: the shape of an
HR export. Each measurement runs in this process; the figure is the best of the runs (the machine
is shared by several developers).

    python benchmarks/import_roster.py                 # 10,000 rows, CSV and XLSX
    python benchmarks/import_roster.py --rows 1000,10000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from opsgov.config.settings import Settings  # noqa: E402
from opsgov.pipeline import check  # noqa: E402
from opsgov.tables.columns import ROSTER_FIELDS  # noqa: E402
from opsgov.tables.imports import run_import  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣"
CENTERS = ["运营", "财务", "人力", "技术", "市场", "供应链", "法务", "客服", "华东", "华南", "华北", "西南"]
TEAMS = ["一部", "二部", "三部", "综合部", "计划部", "分析部", "支持部", "质量部"]
STAFF = ["专员", "主管", "分析师", "助理", "工程师", "顾问"]
FIELDS = (
    "unit_code",
    "unit",
    "parent_unit_code",
    "position_code",
    "position",
    "reports_to",
    "headcount",
    "level",
    "person_code",
    "name",
    "head",
)
HEADER = [ROSTER_FIELDS[field][0] for field in FIELDS]


def roster(rows: int, seed: int = 7) -> list[list[str]]:
    """About `rows` rows: 12 centers of departments; each department a manager and six staff posts of 4-9 seats."""
    rng = random.Random(seed)

    employees = iter(range(1, 10 * rows + 100))

    def person() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)

    def employee() -> str:
        return f"E{next(employees)}"

    out: list[list[str]] = [["D0", "总公司", "", "P0", "总经理", "", "1", "E1", "E0", "王建国", "是"]]
    departments = max(1, rows // 40)
    for center_index, center in enumerate(CENTERS):
        center_code, head_code = f"D{center_index + 1}", f"P{center_index + 1}"
        out.append([center_code, f"{center}中心", "D0", head_code, f"{center}中心总经理", "P0", "1", "M1"])
        out[-1] += [employee(), person(), "是"]
        count = departments // len(CENTERS) + (center_index < departments % len(CENTERS))
        for team_index in range(count):
            code = f"{center_code}-{team_index + 1}"
            title = f"{center}{TEAMS[team_index % len(TEAMS)]}{team_index // len(TEAMS) or ''}"
            manager = f"P{center_index + 1}-{team_index + 1}-0"
            out.append([code, title, center_code, manager, "经理", head_code, "1", "M2", employee(), person(), "是"])
            for post_index, post in enumerate(STAFF):
                headcount = rng.randint(4, 9)
                for _ in range(headcount):
                    vacant = rng.random() < 0.05
                    row = [code, title, center_code, f"{manager[:-2]}-{post_index + 1}", post, manager]
                    row += [str(headcount), "P3", "" if vacant else employee(), "" if vacant else person(), "否"]
                    out.append(row)
    return out


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([int(value) if index == 6 else value for index, value in enumerate(row)])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description="Time opsgov import of a generated roster.")
    parser.add_argument("--rows", default="10000", help="comma-separated roster sizes (about)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| rows | format | units | posts | people | findings | import, wall | import, CPU | check of the result |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.rows.split(",")]:
        data = roster(size)
        with tempfile.TemporaryDirectory() as tmp:
            for fmt, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
                table = Path(tmp) / f"roster.{fmt}"
                writer(table, data)
                best = cpu = float("inf")
                for run in range(args.repeat):
                    out = Path(tmp) / f"out-{fmt}-{run}"
                    start, started_cpu = time.perf_counter(), time.process_time()
                    result = run_import([table], out)
                    best = min(best, time.perf_counter() - start)
                    cpu = min(cpu, time.process_time() - started_cpu)
                start = time.perf_counter()
                report = check(Settings(root=out, as_of=datetime.date(2026, 1, 1)))
                checked = time.perf_counter() - start
                counts = result.counts
                print(
                    f"| {result.rows:,} | {fmt} | {counts['units']:,} | {counts['positions']:,} "
                    f"| {counts['persons']:,} | {len(result.findings)} | {best:.2f} s | {cpu:.2f} s "
                    f"| {checked:.2f} s ({report.counts()['error']} errors, {report.counts()['warning']} warnings) |"
                )


if __name__ == "__main__":
    main()
