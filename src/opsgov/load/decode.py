"""Bytes to text: strict UTF-8, hidden and control characters, line and column of an offset.

Positions are counted as YAML 1.2 and libyaml count them: a line break is LF, CRLF or a bare CR;
NEL, U+2028 and U+2029 are ordinary characters, reported where they would be misread.
"""

from __future__ import annotations

import re
import unicodedata

from opsgov.i18n import _
from opsgov.load.limits import DEFAULT_LIMITS, Limits
from opsgov.report.finding import Finding

BAD_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")

HIDDEN_BREAKS = "\x85\u2028\u2029"
"""NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks to libyaml (YAML 1.1), ordinary characters in YAML 1.2."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` of `text`, counted as every position is counted.

    A line break is LF, CRLF (one break) or a bare CR, as in YAML 1.2 and libyaml; NEL, U+2028
    and U+2029 are not breaks. The end of the text is the end of its last line: a final line
    break does not open a line after it, so no position lies past the file.
    """
    index = max(0, min(index, len(text)))
    if index == len(text) and text.endswith(("\n", "\r")):
        index -= 2 if text.endswith("\r\n") else 1
    line = text.count("\n", 0, index) + text.count("\r", 0, index) - text.count("\r\n", 0, index) + 1
    start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return line, index - start + 1


def describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def too_big(size: int, limit: int) -> str:
    return _("file is {size} bytes, over the limit of {limit}").format(size=f"{size:,}", limit=f"{limit:,}")


def read_text(raw: bytes, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str | None, Finding | None]:
    """Decode a file strictly as UTF-8 (a leading BOM is allowed)."""
    if len(raw) > limits.max_file_bytes:
        return None, Finding(
            rel,
            1,
            1,
            "yaml-strict",
            too_big(len(raw), limits.max_file_bytes),
            hint=_("split it into several files"),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8").removeprefix("\ufeff")  # valid up to the error
        line, column = line_column(before + "?", len(before))
        return None, Finding(
            rel,
            line,
            column,
            "yaml-strict",
            _("file is not UTF-8 (byte {byte} at offset {offset})").format(
                byte=f"0x{raw[error.start]:02x}", offset=error.start
            ),
            hint=_("save the file as UTF-8"),
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None
