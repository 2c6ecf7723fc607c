"""Read and write gettext `.po` catalogues: msgid -> msgstr, the format translators' tools edit.

Only what opsgov's catalogues use: `msgid` and `msgstr` (each may continue over several quoted
lines), comments, and the header (the empty msgid). Strings are C-escaped as gettext writes them
(`\\"`, `\\\\`, `\\n`, `\\t`); everything else, Chinese included, is UTF-8 as is. Once Babel is a
dependency (gettext catalogues for the messages), `babel.messages.pofile` reads the same files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_LINE = re.compile(r'^(msgctxt|msgid|msgstr)\s+"(.*)"\s*$|^"(.*)"\s*$')


class PoError(ValueError):
    """A line that is not part of a catalogue (with its line number)."""


def _unquote(body: str) -> str:
    return str(json.loads(f'"{body}"'))  # gettext's escapes are JSON's for the ones catalogues use


def read_po(text: str) -> dict[str, str]:
    """Every translated message: msgid -> msgstr, without the header and without empty msgstrs."""
    messages: dict[str, str] = {}
    current: dict[str, str] = {}
    field = ""

    def flush() -> None:
        if current.get("msgid") and current.get("msgstr"):
            messages[current["msgid"]] = current["msgstr"]
        current.clear()

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        if match is None:
            raise PoError(f"line {number}: {stripped[:60]!r} is not a catalogue line")
        keyword, body, continued = match.groups()
        try:
            if keyword is not None:
                if keyword in ("msgctxt", "msgid") and "msgstr" in current:
                    flush()
                field = keyword
                current[field] = _unquote(body)
            else:
                if not field:
                    raise PoError(f"line {number}: a continued string before any msgid")
                current[field] += _unquote(continued)
        except json.JSONDecodeError as error:
            raise PoError(f"line {number}: bad escape in {stripped[:60]!r}") from error
    flush()
    return messages


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_po(header: str, entries: Iterable[tuple[str, str, str]]) -> str:
    """A catalogue: `header` lines (Language, Content-Type), then (comment, msgid, msgstr) entries."""
    lines = ['msgid ""', 'msgstr ""', *(_quote(f"{line}\n") for line in header.splitlines()), ""]
    for comment, msgid, msgstr in entries:
        lines.extend(f"#. {part}" for part in comment.splitlines())
        lines.extend([f"msgid {_quote(msgid)}", f"msgstr {_quote(msgstr)}", ""])
    return "\n".join(lines)
