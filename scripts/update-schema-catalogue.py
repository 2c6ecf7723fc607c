"""Bring the schemas' translation catalogues up to date with the schemas' descriptions.

    .venv/bin/python scripts/update-schema-catalogue.py

For each `schemas/locale/<ll_CC>/LC_MESSAGES/schema.po`: every description of schemas/*.json (and
of their snippets) becomes an entry, in the order of the schemas, with where it is used as a
comment; translations already there are kept, new descriptions get an empty msgstr for a
translator, and descriptions no schema uses any more are dropped. tests/test_schema_i18n.py fails
while a catalogue lacks a translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from opsgov.load.schema import CATALOGUE_DOMAIN, schema_texts  # noqa: E402
from opsgov.pofile import read_po, write_po  # noqa: E402


def main() -> None:
    places: dict[str, list[str]] = {}
    for where, text in schema_texts():
        places.setdefault(text, []).append(where)
    for folder in sorted((ROOT / "schemas" / "locale").iterdir()):
        path = folder / "LC_MESSAGES" / f"{CATALOGUE_DOMAIN}.po"
        known = read_po(path.read_text(encoding="utf-8")) if path.exists() else {}
        header = f"Language: {folder.name}\nContent-Type: text/plain; charset=UTF-8"
        entries = [("\n".join(where), text, known.get(text, "")) for text, where in places.items()]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(write_po(header, entries), encoding="utf-8")
        missing = sum(1 for _, _, translated in entries if not translated)
        print(f"{path.relative_to(ROOT)}: {len(entries)} descriptions, {missing} without a translation")


if __name__ == "__main__":
    main()
