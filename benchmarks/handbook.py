"""Time `opsgov handbook` on synthetic organisations and count what it writes.

For each size a clean organisation is generated (benchmarks/generate.py), then the handbook is
built in a fresh process, as a user runs it. Reported: wall time (median of the runs), CPU time
of the process and its `dot` children, the machine's load average when it ran (the machine is
shared; a high load stretches wall time, not CPU time), files and megabytes written, and the
time at which each stage ended, read from the progress lines on stderr.

    python benchmarks/handbook.py                     # 20,000 posts, 3 runs
    python benchmarks/handbook.py --sizes 2168,20000  # 271 units and 2,500 units

The figures replace the "Handbook" section of benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SECTION = "## Handbook"
STAGE = re.compile(r"^handbook: (.*) \(([\d.]+) s\)$")


def prepare(size: int, out: Path) -> Path:
    org = out / f"org-{size}"
    if not (org / "ops").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(org)], check=True)
    return org


def build(org: Path, site: Path) -> dict[str, Any]:
    shutil.rmtree(site, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "opsgov", "handbook", str(org), "-o", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"opsgov handbook failed: {result.stderr[-2000:]}")
    files = [p for p in site.rglob("*") if p.is_file()]
    stages = [m.groups() for m in map(STAGE.match, result.stderr.splitlines()) if m]
    return {
        "seconds": seconds,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "load": load,
        "files": len(files),
        "mb": sum(p.stat().st_size for p in files) / 1e6,
        "stages": stages,
    }


def measure(size: int, repeat: int, out: Path) -> dict[str, Any]:
    org = prepare(size, out)
    units = sum(1 for p in (org / "ops").rglob("*.yaml") for line in p.open(encoding="utf-8") if line == "kind: Unit\n")
    runs = []
    for attempt in range(repeat):
        run = build(org, out / f"site-{size}")
        print(
            f"{size:>7,} posts, run {attempt + 1}: {run['seconds']:.1f} s wall, {run['cpu']:.1f} s CPU, "
            f"load {run['load']:.1f}, {run['files']:,} files, {run['mb']:.0f} MB",
            file=sys.stderr,
        )
        runs.append(run)
    middle = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {
        "size": size,
        "units": units,
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "load": statistics.median(r["load"] for r in runs),
        "files": middle["files"],
        "mb": middle["mb"],
        "stages": middle["stages"],
    }


def section(rows: list[dict[str, Any]], repeat: int) -> str:
    lines = [
        SECTION,
        "",
        f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"`opsgov handbook` in a fresh process, median of {repeat} runs (`python benchmarks/handbook.py`). "
        "CPU counts the process and its `dot` children; load is the 1-minute load average at the start "
        "(the machine is shared: load above the core count stretches wall time).",
        "",
        "| posts | units | wall time | CPU time | load | files | MB written |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['units']:,} | {r['seconds']:.1f} s | {r['cpu']:.1f} s | {r['load']:.1f} "
            f"| {r['files']:,} | {r['mb']:.0f} |"
        )
    for r in rows:
        lines += ["", f"Stages at {r['size']:,} posts (seconds since start, from the progress lines):", ""]
        lines += [f"- {what}: {at} s" for what, at in r["stages"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000", help="comma-separated numbers of posts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where organisations and handbooks go")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [measure(int(size), args.repeat, args.out) for size in args.sizes.split(",")]
    text = section(rows, args.repeat)
    print(text)
    old = args.results.read_text(encoding="utf-8") if args.results.is_file() else "# Benchmark results\n"
    before, found, rest = old.partition(f"\n{SECTION}\n")
    after = rest[rest.find("\n## ") :] if found and "\n## " in rest else ""  # the sections after ours stay
    args.results.write_text(f"{before.rstrip(chr(10))}\n\n{text.rstrip(chr(10))}\n{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
