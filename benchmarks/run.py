"""Time `opsgov check` against merely parsing the same files with PyYAML's C loader.

For each size, a clean synthetic organisation is generated (benchmarks/generate.py) with the
example policies copied in. Each measurement runs in a fresh Python process, plain parse and
check alternating, so both see the same machine state; the figures are medians. Peak memory is
the process's maximum resident set size.

    python benchmarks/run.py                       # 1k and 10k posts, 3 runs each
    python benchmarks/run.py --sizes 1000,10000,100000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PLAIN = """
import gc, json, resource, sys, time
from pathlib import Path
import yaml
root = Path(sys.argv[1])
files = sorted(p for p in (root / "ops").rglob("*") if p.suffix in (".yaml", ".yml"))
files += sorted(p for p in (root / "policies").rglob("*") if p.suffix in (".yaml", ".yml"))
start = time.perf_counter()
documents = 0
for path in files:
    with open(path, "rb") as handle:
        documents += sum(1 for _ in yaml.load_all(handle, Loader=yaml.CSafeLoader))
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss, "documents": documents}))
"""

CHECK = """
import json, resource, sys, time
from pathlib import Path
from opsgov.config.settings import Settings
from opsgov.pipeline import check
from opsgov.report.formats import REPORTERS
import datetime
root = Path(sys.argv[1])
extra = json.loads(sys.argv[2])
extra.setdefault("as_of", datetime.date(2026, 1, 1))
start = time.perf_counter()
report = check(Settings(root=root, **extra))
text = REPORTERS["json"]().render(report)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss, "documents": report.documents, "findings": len(report.findings),
                  "timings": report.timings}))
"""


def _run(code: str, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare(size: int, out: Path) -> Path:
    target = out / f"org-{size}"
    if not (target / "ops").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(target)], check=True)
        if (ROOT / "policies").is_dir():
            shutil.copytree(ROOT / "policies", target / "policies", dirs_exist_ok=True)
    return target


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs)


def measure(size: int, repeat: int, out: Path, jobs: int) -> dict[str, Any]:
    target = prepare(size, out)
    plain: list[dict[str, Any]] = []
    serial: list[dict[str, Any]] = []
    parallel: list[dict[str, Any]] = []
    for _ in range(repeat):
        plain.append(_run(PLAIN, str(target)))
        serial.append(_run(CHECK, str(target), json.dumps({"jobs": 1})))
        if jobs > 1:
            parallel.append(_run(CHECK, str(target), json.dumps({"jobs": jobs})))
    plain_s = _median(plain, "seconds")
    serial_s = _median(serial, "seconds")
    parallel_s = _median(parallel, "seconds") if parallel else serial_s
    return {
        "size": size,
        "documents": serial[0]["documents"],
        "findings": serial[0]["findings"],
        "plain_s": plain_s,
        "serial_s": serial_s,
        "parallel_s": parallel_s,
        "jobs": jobs,
        "ratio": serial_s / plain_s,
        "parallel_ratio": parallel_s / plain_s,
        "us_per_post": serial_s / size * 1e6,
        "plain_rss_mb": max(float(p["rss_mb"]) for p in plain),
        "check_rss_mb": max(float(c["rss_mb"]) for c in serial + parallel),
        "timings": {
            stage: statistics.median(float(run["timings"][stage]) for run in serial) for stage in serial[0]["timings"]
        },
    }


COMPARE = """
import json, sys
from pathlib import Path
from opsgov.config.settings import Settings
from opsgov.pipeline import check
from opsgov.report.formats import REPORTERS
import datetime
root = Path(sys.argv[1])
settings = dict(root=root, as_of=datetime.date(2026, 1, 1))
fast = REPORTERS["json"]().render(check(Settings(**settings, jobs=int(sys.argv[2]))))
reference = REPORTERS["json"]().render(check(Settings(**settings, jobs=1, reference=True)))
print(json.dumps({"identical": fast == reference, "findings": len(json.loads(fast)["findings"])}))
"""


def compare(size: int, out: Path, jobs: int) -> dict[str, Any]:
    """The fast path (compiled validator, parallel parsing) must report exactly what the reference path does."""
    target = out / f"org-{size}-defects"
    if not (target / "ops").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(target), "--defects"], check=True)
        if (ROOT / "policies").is_dir():
            shutil.copytree(ROOT / "policies", target / "policies", dirs_exist_ok=True)
    return _run(COMPARE, str(target), str(jobs))


def table(rows: list[dict[str, Any]]) -> str:
    jobs = rows[0]["jobs"]
    lines = [
        f"| posts | documents | yaml.load_all (CSafeLoader) | opsgov check, 1 process | ratio | "
        f"opsgov check, --jobs {jobs} | ratio | per post (1 process) | peak memory (parse / check) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']:,} | {row['documents']:,} | {row['plain_s']:.2f} s | {row['serial_s']:.2f} s | "
            f"{row['ratio']:.2f}x | {row['parallel_s']:.2f} s | {row['parallel_ratio']:.2f}x | "
            f"{row['us_per_post']:.0f} µs | {row['plain_rss_mb']:.0f} / {row['check_rss_mb']:.0f} MB |"
        )
    lines.append("")
    lines.append("| posts | " + " | ".join(rows[0]["timings"]) + " |")
    lines.append("|---:|" + "---:|" * len(rows[0]["timings"]))
    for row in rows:
        lines.append(f"| {row['size']:,} | " + " | ".join(f"{v:.2f} s" for v in row["timings"].values()) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of positions")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the organisations are generated")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the parallel runs")
    parser.add_argument("--compare-size", type=int, default=10000, help="size of the seeded-defect comparison")
    args = parser.parse_args()
    rows = [measure(int(size), args.repeat, args.out, args.jobs) for size in args.sizes.split(",")]
    same = compare(args.compare_size, args.out, args.jobs)
    verdict = "identical" if same["identical"] else "DIFFERENT"
    text = table(rows) + (
        f"\n\nSeeded defects, {args.compare_size:,} posts: the JSON report of the fast path (jsonschema-rs, "
        f"--jobs {args.jobs}) and of the reference path (Python jsonschema on every document, one process) are "
        f"{verdict} ({same['findings']} findings).\n"
    )
    print(text)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    header = (
        f"# Benchmark results\n\n{datetime.date.today().isoformat()}, {machine}; medians of {args.repeat} "
        "runs, each in a fresh process; ratio = opsgov check / yaml.load_all of the same files. Stage times are "
        "medians of the 1-process runs.\n\n"
    )
    args.results.write_text(header + text, encoding="utf-8")
    if not same["identical"]:
        raise SystemExit("the fast and the reference path disagree")


if __name__ == "__main__":
    main()
