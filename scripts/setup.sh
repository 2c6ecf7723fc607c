#!/usr/bin/env bash
# Set up opsgov on a Debian machine: system packages, a virtual environment in .venv, and
# opsgov installed into it (editable) at the versions locked in constraints.txt.
#
#   bash scripts/setup.sh                   # to run opsgov
#   bash scripts/setup.sh --test            # also the test, lint and type-check tools
#   bash scripts/setup.sh --test --latest   # the newest releases pyproject.toml allows, in .venv-latest
#                                           # (OPSGOV_LATEST=1 does the same)
#   bash scripts/setup.sh --test --lowest   # the lowest versions pyproject.toml allows, in .venv-lowest
set -euo pipefail
cd "$(dirname "$0")/.."

test=""
mode="locked"
[ "${OPSGOV_LATEST:-}" = "1" ] && mode="latest"
for argument in "$@"; do
    case "$argument" in
        --test) test=1 ;;
        --latest) mode="latest" ;;
        --lowest) mode="lowest" ;;
        *) echo "setup: unknown option $argument (known: --test, --latest, --lowest)" >&2; exit 2 ;;
    esac
done
extras=""
[ -n "$test" ] && extras="[test,dev]"
case "$mode" in
    locked) venv=".venv" pip_options=(-c constraints.txt) ;;
    latest) venv=".venv-latest" pip_options=(--upgrade --upgrade-strategy eager) ;;
    lowest) venv=".venv-lowest" ;;
esac

# System packages (Graphviz's dot, a CJK font for Chinese titles, Chromium for the handbook's
# browser test): installed only when missing, with sudo when not root.
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    while read -r package; do
        [ -z "$package" ] && continue
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done < scripts/apt-packages.txt
    python3 -m venv --help >/dev/null 2>&1 || missing+=("python3-venv")
    python3 -c "import ensurepip" >/dev/null 2>&1 || missing+=("python3-venv")
    if [ "${#missing[@]}" -gt 0 ]; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo "setup: installing ${missing[*]}" >&2
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
else
    echo "setup: not a Debian machine; install Graphviz, a CJK font (Noto Sans CJK) and Chromium yourself" >&2
fi

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if [ "$mode" = "lowest" ]; then
    # pip cannot resolve to the lowest versions; uv (the dev extra's, in .venv) can. The lint and type
    # tools stay out: their lowest versions format and type-check differently, which is the lock's business.
    [ -x .venv/bin/uv ] || bash scripts/setup.sh --test
    [ -n "$test" ] && extras="[test]"
    UV_PYTHON_DOWNLOADS=never .venv/bin/uv pip install -q --python "$venv/bin/python" --resolution lowest-direct \
        --reinstall-package opsgov -e ".${extras}"
else
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${pip_options[@]}" -e ".${extras}"
fi
