#!/usr/bin/env bash
# Refresh the message catalogues after changing a message in the code:
#   1. extract every `_("...")` / `N_("...")` of src/opsgov into a template (not kept: it is derived),
#      and every text of the CLI's help pages (read from the commands: opsgov.cli_reference),
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
# the help pages' texts: Click reads docstrings and help= where the commands are defined, so they
# are taken from the commands themselves (the help formatter looks them up: cli._Formatter)
.venv/bin/python - "$template" <<'PYTHON'
import sys
from babel.messages.pofile import read_po, write_po
from opsgov.cli_reference import help_texts
with open(sys.argv[1], "rb") as stream:
    catalogue = read_po(stream)
for text in help_texts():
    if text not in catalogue:
        catalogue.add(text, flags=("python-brace-format",) if "{" in text else ())
with open(sys.argv[1], "wb") as stream:
    write_po(stream, catalogue, omit_header=True, sort_output=True, no_location=True)
PYTHON
for catalogue in src/opsgov/locale/*/LC_MESSAGES/opsgov.po; do
    language="$(basename "$(dirname "$(dirname "$catalogue")")")"
    .venv/bin/pybabel update --no-wrap --ignore-obsolete -D opsgov -l "$language" -i "$template" -o "$catalogue"
    .venv/bin/pybabel compile --statistics -D opsgov -l "$language" -i "$catalogue" -o /dev/null
done
