"""Start-up: how long `opsgov --version` and `opsgov check` take next to the floor they stand on.

Goals (issue 13): `opsgov --version` within 2x `python -c "import click"`; `opsgov check` on the
example (this repository's ops/ and policies/) within 3x a Python process that imports click
and PyYAML and parses the same YAML files with yaml.load_all and the C loader. Every command
runs in a fresh process; the four commands alternate round by round, so all see the same
machine state; the figures are medians. PYTHONDONTWRITEBYTECODE is dropped, so the warm-up
run caches the bytecode as an installed wheel has it (pip compiles at install): otherwise every
run would compile opsgov's sources, about 0.25 s.

    python benchmarks/startup.py              # 15 rounds
    python benchmarks/startup.py --repeat 31

Where the time goes: `python -X importtime -c "from opsgov.cli import main"`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARSE = """
import sys
from pathlib import Path
import click, yaml
root = Path(sys.argv[1])
for folder in ("ops", "policies"):
    for path in sorted((root / folder).rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            with open(path, "rb") as handle:
                for _ in yaml.load_all(handle, Loader=yaml.CSafeLoader):
                    pass
"""


def _opsgov() -> list[str]:
    """The console script next to this Python (what a user runs), else `python -m opsgov`."""
    script = Path(sys.executable).parent / "opsgov"
    if script.exists():
        return [str(script)]
    found = shutil.which("opsgov")
    return [found] if found else [sys.executable, "-m", "opsgov"]


ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check exits 1 on findings; anything else is a broken run
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds (default 15)")
    args = parser.parse_args()
    opsgov = _opsgov()
    commands = {
        "import click": [sys.executable, "-c", "import click"],
        "opsgov --version": [*opsgov, "--version"],
        "import click, yaml; parse": [sys.executable, "-c", PARSE, str(ROOT)],
        "opsgov check": [*opsgov, "check", str(ROOT), "--format", "json", "--today", "2026-11-27", "--jobs", "1"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # one warm-up each: the first run pays for cold caches
        _time(command)
    for _ in range(args.repeat):
        for name, command in commands.items():
            times[name].append(_time(command))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"medians of {args.repeat} runs, each in a fresh process ({' '.join(opsgov)})")
    for name, value in median.items():
        print(f"  {name:28} {value * 1000:7.1f} ms")
    version = median["opsgov --version"] / median["import click"]
    check = median["opsgov check"] / median["import click, yaml; parse"]
    print(f"opsgov --version / import click:            {version:.2f}x (goal: within 2x)")
    print(f"opsgov check / import click, yaml + parse:  {check:.2f}x (goal: within 3x)")


if __name__ == "__main__":
    main()
