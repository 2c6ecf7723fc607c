#!/usr/bin/env bash
# Set up (see setup.sh --test) and run every check the project holds itself to: lint, format,
# types, the test suite with warnings as errors, then the built wheel in a fresh environment.
#
#   bash scripts/test.sh [PYTEST ARGS]            # at the versions locked in constraints.txt (what CI runs)
#   bash scripts/test.sh --latest [PYTEST ARGS]   # at the newest releases pyproject.toml allows (.venv-latest);
#                                                 # OPSGOV_LATEST=1 does the same
#   bash scripts/test.sh --lowest [PYTEST ARGS]   # the test suite alone at the lowest versions it allows (.venv-lowest)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=".venv"
setup=(--test)
if [ "${1:-}" = "--lowest" ]; then
    shift
    bash scripts/setup.sh --test --lowest
    exec .venv-lowest/bin/pytest "$@"
fi
if [ "${1:-}" = "--latest" ] || [ "${OPSGOV_LATEST:-}" = "1" ]; then
    [ "${1:-}" = "--latest" ] && shift
    venv=".venv-latest"
    setup=(--test --latest)
fi
bash scripts/setup.sh "${setup[@]}"
"$venv/bin/ruff" check src tests benchmarks
"$venv/bin/ruff" format --check src tests benchmarks
"$venv/bin/mypy"
"$venv/bin/pytest" --durations=10 "$@"
bash scripts/wheel-check.sh "$venv"
