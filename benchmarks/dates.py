"""Time `opsgov check` on the same organisation without dates and with N future change dates.

A check evaluates the as-of date and every later change date within the horizon (docs/cli.md,
"Dates"); issue 14 asks that 20 change dates cost at most 2x the undated check at 10k posts.
Both organisations come from benchmarks/generate.py (the dated one with `--future-changes N`),
with the example policies copied in. Each measurement runs in a fresh process, the two
alternating, so both see the same machine state; the figures are medians. CPU is the process's
user + system time with its children's (the policy worker, --jobs processes): on a loaded
machine it moves less than the wall clock.

    python benchmarks/dates.py                      # 10k posts, 20 change dates, 3 runs
    python benchmarks/dates.py --size 1000 --changes 5 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2026-11-27"
"""generate.py's default as-of date: the future changes follow it."""

CHECK = """
import datetime, json, resource, sys, time
from pathlib import Path
from opsgov.config.settings import Settings
from opsgov.pipeline import check
from opsgov.report.formats import REPORTERS
def used():
    usages = map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(u.ru_utime + u.ru_stime for u in usages)
start, before = time.perf_counter(), used()
day = datetime.date.fromisoformat(sys.argv[2])
report = check(Settings(root=Path(sys.argv[1]), as_of=day, jobs=int(sys.argv[3])))
text = REPORTERS["json"]().render(report)
seconds = time.perf_counter() - start
cpu = used() - before
print(json.dumps({"seconds": seconds, "cpu": cpu, "documents": report.documents, "findings": len(report.findings),
                  "dates": len(report.dates), "timings": report.timings}))
"""


def _run(*args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run([sys.executable, "-c", CHECK, *args], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{result.stderr}")
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def prepare(size: int, changes: int, out: Path) -> Path:
    target = out / f"org-{size}-dates-{changes}"
    if not (target / "ops").is_dir():
        command = [sys.executable, str(HERE / "generate.py"), str(size), str(target), "--as-of", AS_OF]
        subprocess.run([*command, "--future-changes", str(changes)], check=True)
        if (ROOT / "policies").is_dir():
            shutil.copytree(ROOT / "policies", target / "policies", dirs_exist_ok=True)
    return target


def measure(size: int, changes: int, repeat: int, out: Path, jobs: int) -> dict[str, Any]:
    undated, dated = prepare(size, 0, out), prepare(size, changes, out)
    day = AS_OF
    runs: dict[str, list[dict[str, Any]]] = {"undated": [], "dated": []}
    for _ in range(repeat):
        runs["undated"].append(_run(str(undated), day, str(jobs)))
        runs["dated"].append(_run(str(dated), day, str(jobs)))
    result: dict[str, Any] = {"size": size, "changes": changes, "repeat": repeat, "jobs": jobs}
    for name, measured in runs.items():
        result[name] = {
            "seconds": statistics.median(float(r["seconds"]) for r in measured),
            "cpu": statistics.median(float(r["cpu"]) for r in measured),
            "documents": measured[0]["documents"],
            "findings": measured[0]["findings"],
            "dates": measured[0]["dates"],
            "timings": {s: statistics.median(float(r["timings"][s]) for r in measured) for s in measured[0]["timings"]},
        }
    result["ratio"] = result["dated"]["seconds"] / result["undated"]["seconds"]
    result["cpu_ratio"] = result["dated"]["cpu"] / result["undated"]["cpu"]
    return result


def table(result: dict[str, Any]) -> str:
    stages = list(dict.fromkeys([*result["undated"]["timings"], *result["dated"]["timings"]]))
    lines = [
        f"| organisation ({result['size']:,} posts), --jobs {result['jobs']} | documents | dates | findings | "
        "opsgov check | CPU | " + " | ".join(stages) + " |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(stages),
    ]
    for name, label in (("undated", "without dates"), ("dated", f"with {result['changes']} future change dates")):
        row = result[name]
        lines.append(
            f"| {label} | {row['documents']:,} | {row['dates']} | {row['findings']} | {row['seconds']:.2f} s | "
            f"{row['cpu']:.2f} s | " + " | ".join(f"{row['timings'].get(s, 0.0):.2f} s" for s in stages) + " |"
        )
    lines.append("")
    lines.append(
        f"Ratio with dates / without, --jobs {result['jobs']}: **{result['ratio']:.2f}x** wall clock, "
        f"{result['cpu_ratio']:.2f}x CPU time (target: at most 2x)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the organisations are generated")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values, each measured")
    args = parser.parse_args()
    tables = [table(measure(args.size, args.changes, args.repeat, args.out, int(j))) for j in args.jobs.split(",")]
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
