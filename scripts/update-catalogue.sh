#!/usr/bin/env bash
# Refresh the message catalogues after changing a message in the code:
#   1. extract every `_("...")` / `N_("...")` of src/opsgov into a template (not kept: it is derived),
#   2. merge it into src/opsgov/locale/<ll_CC>/LC_MESSAGES/opsgov.po (new messages get an empty
#      msgstr, changed ones are marked fuzzy, removed ones are commented out),
#   3. compile each catalogue to check it (the .mo is thrown away: opsgov reads the .po at runtime).
# Then translate the new and fuzzy entries (drop the `#, fuzzy` line) and run
# `.venv/bin/pytest tests/test_i18n.py`, which fails on any untranslated, fuzzy or mismatched entry.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pybabel ] || bash scripts/setup.sh --test
template="$(mktemp --suffix=.pot)"
trap 'rm -f "$template"' EXIT
.venv/bin/pybabel extract --no-default-keywords -k _ -k N_ --no-location --sort-output \
    --project opsgov --omit-header -o "$template" src/opsgov
for catalogue in src/opsgov/locale/*/LC_MESSAGES/opsgov.po; do
    language="$(basename "$(dirname "$(dirname "$catalogue")")")"
    .venv/bin/pybabel update --no-wrap --ignore-obsolete -D opsgov -l "$language" -i "$template" -o "$catalogue"
    .venv/bin/pybabel compile --statistics -D opsgov -l "$language" -i "$catalogue" -o /dev/null
done
