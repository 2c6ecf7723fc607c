#!/usr/bin/env bash
# The wheel works without this repository: build it, install it into a fresh virtual environment
# (the dependencies at the locked versions; for .venv-latest, the newest), and run check, handbook and
# init from outside the source tree on the example organisation in ops/. Run by scripts/test.sh.
#
#   bash scripts/wheel-check.sh [VENV]   # VENV builds the wheel (default .venv); .venv-latest: newest deps
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
venv="${1:-.venv}"
constraints=(-c "$root/constraints.txt")
[ "$venv" = ".venv-latest" ] && constraints=()
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
uv="$root/$venv/bin/uv"  # the dev extra's uv: it builds and installs in seconds where pip takes half a minute
export UV_PYTHON_DOWNLOADS=never

"$uv" build -q --wheel -o "$work/dist" .
wheel=("$work"/dist/opsgov-*.whl)
version="$("$venv/bin/python" -c 'import opsgov; print(opsgov.__version__)')"
listing="$("$venv/bin/python" -m zipfile -l "${wheel[0]}")"
for inside in opsgov/schemas/unit.json opsgov/templates/handbook/ opsgov/templates/init/ opsgov/py.typed \
    "opsgov-$version.dist-info/licenses/LICENSE"; do
    grep -q "$inside" <<<"$listing" || { echo "wheel-check: $inside is not in ${wheel[0]##*/}" >&2; exit 1; }
done

"$uv" venv -q --python "$(command -v python3)" "$work/venv"
"$uv" pip install -q --python "$work/venv/bin/python" "${constraints[@]}" "${wheel[0]}"
opsgov="$work/venv/bin/opsgov"
cd "$work"  # nothing of the source tree is importable from here: the installed wheel runs
"$work/venv/bin/python" - <<'PY'
import sys
from pathlib import Path

import opsgov
from opsgov.load.schema import schema_dir

installed = Path(sys.prefix).resolve()
for what, where in (("opsgov", Path(opsgov.__file__)), ("the schemas", schema_dir())):
    if installed not in where.resolve().parents:
        sys.exit(f"wheel-check: {what} come from {where}, not from the fresh environment")
PY
"$opsgov" --version | grep -qx "opsgov, version $version" || { echo "wheel-check: not version $version" >&2; exit 1; }
"$opsgov" check "$root" --today 2026-11-23 >"$work/check.txt" || { cat "$work/check.txt" >&2; exit 1; }
"$opsgov" handbook "$root" -o "$work/handbook" >/dev/null
[ -s "$work/handbook/index.html" ] || { echo "wheel-check: the handbook has no index.html" >&2; exit 1; }
"$opsgov" init "$work/starter" >/dev/null
"$opsgov" check "$work/starter" >"$work/starter.txt" || { cat "$work/starter.txt" >&2; exit 1; }
echo "wheel-check: ${wheel[0]##*/} installs and runs check, handbook and init in a fresh environment"
