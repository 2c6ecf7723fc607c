#!/usr/bin/env bash
# Set up (see setup.sh --test) and run every check the project holds itself to:
# lint, format, types, then the test suite with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
.venv/bin/pytest "$@"
