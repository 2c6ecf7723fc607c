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
from opsgov.config import Settings
from opsgov.engine import check
from opsgov.reporters import REPORTERS
root = Path(sys.argv[1])
extra = json.loads(sys.argv[2])
start = time.perf_counter()
report = check(Settings(root=root, **extra))
text = REPORTERS["json"]().render(report)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
counts = report.counts()
print(json.dumps({"seconds": seconds, "rss_mb": rss, "documents": report.documents, "findings": len(report.findings),
                  "timings": getattr(report, "timings", {})}))
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


def measure(size: int, repeat: int, out: Path, extra: dict[str, object]) -> dict[str, object]:
    target = prepare(size, out)
    plain, checked = [], []
    for _ in range(repeat):
        plain.append(_run(PLAIN, str(target)))
        checked.append(_run(CHECK, str(target), json.dumps(extra)))
    plain_s = statistics.median(float(p["seconds"]) for p in plain)  # type: ignore[arg-type]
    check_s = statistics.median(float(c["seconds"]) for c in checked)  # type: ignore[arg-type]
    return {
        "size": size,
        "documents": checked[0]["documents"],
        "findings": checked[0]["findings"],
        "plain_s": plain_s,
        "check_s": check_s,
        "ratio": check_s / plain_s,
        "us_per_post": check_s / size * 1e6,
        "plain_rss_mb": max(float(p["rss_mb"]) for p in plain),  # type: ignore[arg-type]
        "check_rss_mb": max(float(c["rss_mb"]) for c in checked),  # type: ignore[arg-type]
        "timings": checked[-1].get("timings", {}),
    }


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| posts | documents | findings | yaml.load_all (CSafeLoader) | opsgov check | ratio | per post | "
        "peak memory (parse / check) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']:,} | {row['documents']:,} | {row['findings']} | {row['plain_s']:.2f} s | "
            f"{row['check_s']:.2f} s | {row['ratio']:.2f}x | {row['us_per_post']:.0f} µs | "
            f"{row['plain_rss_mb']:.0f} / {row['check_rss_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of positions")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the organisations are generated")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    rows = [measure(int(size), args.repeat, args.out, {}) for size in args.sizes.split(",")]
    text = table(rows)
    print(text)
    for row in rows:
        if row["timings"]:
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in row["timings"].items())  # type: ignore[union-attr]
            print(f"stages at {row['size']:,}: {stages}")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    header = (
        f"# Benchmark results\n\n{datetime.date.today().isoformat()}, {machine}; medians of {args.repeat} "
        "runs, each in a fresh process; ratio = opsgov check / yaml.load_all of the same files.\n\n"
    )
    args.results.write_text(header + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
