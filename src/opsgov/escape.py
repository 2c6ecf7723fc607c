"""Every output escapes everything: one escaper per target, each named by its target.

File names, titles, descriptions and policy messages are data. A file may be called
`a\\n::error file=x::b.yaml`, a messageExpression may yield ESC or BEL, a description may
hold a right-to-left override. No such character reaches a terminal, a CI log, an XML parser
or a Markdown renderer raw:

- `text`: terminals and plain text. Control characters (C0, DEL, C1), format characters
  (bidirectional controls, zero-width characters, the BOM), line and paragraph separators,
  lone surrogates and the noncharacters U+FFFE/U+FFFF are shown as Python-style escapes
  (`\\x1b`, `\\n`, `\\u202e`), so a reader sees that they are there.
- `xml`: the same, except that tab, line feed and carriage return stay (XML carries them);
  the result is always well-formed once ElementTree has escaped `&`, `<` and quotes.
- `json_dumps`: lossless. JSON already escapes C0; the other characters above become `\\uXXXX`
  escapes too, so the bytes are safe and a JSON reader gets the exact data back.
- `github_data`, `github_property`: workflow commands, after `text`: `%`, CR and LF as the
  runner decodes them, and `:` and `,` inside a property, where they would end the value.
- `markdown`: one line of literal Markdown (a table cell, a list item): no raw control
  character, markup escaped by backslashes, `|` cannot end a cell, a URL cannot autolink.
- `sarif_text`: a SARIF message: `[` and `]` escaped, or `[text](target)` would be a link.

The character set is spelled out (Unicode 14 categories Cc, Cf, Zl, Zp, Cs and U+FFFE/U+FFFF)
rather than read from `unicodedata`, so every Python gives byte-identical reports.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
"""Format characters (Cf): invisible, and some reorder what is shown (U+202E)."""
_OTHER = "\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff" + _FORMAT
"""Everything unsafe except C0: DEL, C1, separators, surrogates, noncharacters, format characters."""

_UNSAFE_TEXT = re.compile(f"[\x00-\x1f{_OTHER}]")
_UNSAFE_XML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER}]")
_UNSAFE_JSON = re.compile(f"[{_OTHER}]")  # json.dumps has escaped C0 already
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def text(value: str) -> str:
    """For a terminal or a plain-text file: every invisible or controlling character shown escaped."""
    return _UNSAFE_TEXT.sub(_shown, value)


def xml(value: str) -> str:
    """For XML text and attributes: as `text`, keeping tab and line breaks, which XML 1.0 carries."""
    return _UNSAFE_XML.sub(_shown, value)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_dumps(data: Any, *, sort_keys: bool = False) -> str:
    """Indented JSON with the text readable (no `\\uXXXX` for CJK) and every unsafe character escaped."""
    dumped = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys)
    return _UNSAFE_JSON.sub(_json_escape, dumped) + "\n"


def github_data(value: str) -> str:
    """The message of a workflow command (after `::`): the runner decodes `%25`, `%0D` and `%0A`."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: str) -> str:
    """A `key=value` of a workflow command: also `:` (which would end the properties) and `,`."""
    return github_data(text(value)).replace(":", "%3A").replace(",", "%2C")


_MARKDOWN_INLINE = r"[\\`*_\[\]~<|]|(?<=\S)>|&(?=#?\w+;)|(?<=[A-Za-z0-9]):(?=//)|(?i:(?<=www)\.)"
_MARKDOWN_SPECIAL = re.compile(_MARKDOWN_INLINE)
_MARKDOWN_BLOCK = re.compile(_MARKDOWN_INLINE + r"|^[#>+=-]")
"""Only what Markdown reads, so ` >= ` stays ` >= ` in a terminal: emphasis, code, links and images, an
HTML tag (`<` and a closing `>`) or entity, a table's `|`; and the `:` of `https://` and the `.` of
`www.`, which GitHub would turn into links by themselves. Where the text may start a line, also a
block marker (heading, quote, list, setext underline) at its start."""
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
"""`1.` or `1)` at the start opens an ordered list (CommonMark: at most 9 digits)."""


def markdown(value: str, *, line_start: bool = False) -> str:
    """One piece of literal Markdown text; a line break in it is shown as `\\n` like any control character.

    With `line_start` (a list item's text), leading spaces are dropped (four would open a code block)
    and a block marker at the start is escaped, `1.` and `3)` too.
    """
    if not line_start:
        return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(), text(value))
    escaped = _MARKDOWN_BLOCK.sub(lambda match: "\\" + match.group(), text(value).lstrip())
    return _ORDERED.sub(r"\1\\\2", escaped)


_SARIF_SPECIAL = re.compile(r"\\(?=[\[\]])|[\[\]]")


def sarif_text(value: str) -> str:
    """A SARIF `message.text`: `[` and `]` (and a backslash before one) escaped as SARIF 3.11.6 says."""
    return _SARIF_SPECIAL.sub(lambda match: "\\" + match.group(), text(value))
