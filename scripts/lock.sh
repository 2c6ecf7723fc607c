#!/usr/bin/env bash
# Refresh constraints.txt: the exact versions of every runtime, test and dev dependency that
# scripts/setup.sh installs (so CI and every developer get the same ones), resolved from the
# ranges in pyproject.toml. Run it after editing a dependency there, then `bash scripts/test.sh`,
# and commit both files.
#
#   bash scripts/lock.sh                    # keep what is locked where the ranges still allow it
#   bash scripts/lock.sh --upgrade          # move everything to the newest release in range
#   bash scripts/lock.sh --upgrade-package pyyaml   # move one package
#
# Why uv (`uv pip compile`) rather than pip-tools: one self-contained binary from PyPI that resolves
# in about a second, does a universal resolution (one file valid on every platform and Python
# >= 3.11, with markers where needed) and does not break when pip's internals change, as
# pip-tools has with new pip releases. It is a dev tool only: setup.sh installs with plain pip.
set -euo pipefail
cd "$(dirname "$0")/.."

# uv comes with the dev extra (setup.sh --test), at the version constraints.txt locks.
[ -x .venv/bin/uv ] || bash scripts/setup.sh --test
# --fork-strategy fewest: one version of each package for every Python, so a 3.12 user gets what
# CI (3.11) tested rather than a newer release only chosen for newer Pythons.
.venv/bin/uv pip compile pyproject.toml --extra test --extra dev \
    --python-version 3.11 --universal --fork-strategy fewest \
    --custom-compile-command "bash scripts/lock.sh" --quiet -o constraints.txt "$@"
echo "lock: wrote constraints.txt; now run bash scripts/test.sh and commit pyproject.toml with it" >&2
