"""What a terminal needs beyond plain text: whether to colour, how wide text is, where lines may break.

Pure functions; the CLI decides with them and the text reporter lays out with them. Nothing here
prints.

Width is measured with `unicodedata` from the standard library rather than `wcwidth`: text reaches
the layout only after `escape.text`, which has already replaced every control and format character
(zero-width joiners and spaces, bidirectional marks, soft hyphens) by a visible escape. What is left
to measure is East Asian Wide and Fullwidth characters (two columns, `east_asian_width` W or F:
CJK ideographs, kana, Hangul, fullwidth forms, most emoji) and nonspacing or enclosing marks (none:
combining accents, variation selectors); emoji sequences, wcwidth's other strength, cannot form
once the joiners are escaped. One dependency fewer for the same columns.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from opsgov import escape

COLOR_MODES = ("auto", "always", "never")

Styled = tuple[str, str]
"""A piece of text and the SGR parameters it is shown with ("" for none), e.g. ("error", "1;31")."""

BOLD = "1"
DIM = "2"
LEVEL_STYLES = {"error": "1;31", "warning": "1;33", "info": "1;36"}
"""Bold red, yellow and cyan: the colours compilers and linters use for the same levels."""
HINT_STYLE = "1;32"
GUTTER_STYLE = "1;34"


def use_color(mode: str, *, isatty: bool, env: Mapping[str, str]) -> bool:
    """`always` and `never` are the user's word; `auto` follows the environment, then the terminal.

    NO_COLOR (https://no-color.org), set and not empty, turns colour off; FORCE_COLOR, set and
    neither empty nor `0`, turns it on where the output is not a terminal (a CI log); NO_COLOR
    wins over FORCE_COLOR, as the reader's own wish. Otherwise colour only on a terminal that is
    not `TERM=dumb`.
    """
    if mode == "always":
        return True
    if mode == "never":
        return False
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return isatty and env.get("TERM") != "dumb"


def char_width(char: str) -> int:
    """Columns a character takes: 2 for East Asian Wide and Fullwidth, 0 for a nonspacing mark, else 1."""
    if unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def paint(text: str, style: str, color: bool) -> str:
    """`text` in SGR `style` when colouring; unchanged otherwise (or when there is no style)."""
    if not color or not style or not text:
        return text
    return f"\x1b[{style}m{text}\x1b[0m"


def render(pieces: Sequence[Styled], color: bool) -> str:
    return "".join(paint(text, style, color) for text, style in pieces)


_NO_START = frozenset(
    "，。、；：！？）」』】》〉〕］｝,.;:!?)]}%'\"…—ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
"""Characters a line must not start with (closing punctuation, small kana): CJK line-breaking rules."""
_NO_END = frozenset("（「『【《〈〔［｛([{")
"""Characters a line must not end with (opening brackets)."""
_SPACE = re.compile(r"\s")


def _breakable(previous: str, char: str) -> bool:
    """May a line break between these two non-space characters? Only beside a wide one (CJK has no
    spaces), never before closing punctuation or a combining mark, never after an opening bracket."""
    if char in _NO_START or previous in _NO_END or char_width(char) == 0:
        return False
    return char_width(previous) == 2 or char_width(char) == 2


def _units(pieces: Sequence[Styled]) -> list[tuple[bool, list[tuple[str, str]]]]:
    """Styled text split at its break opportunities: runs of (is_space, [(char, style), ...])."""
    units: list[tuple[bool, list[tuple[str, str]]]] = []
    previous = ""
    for text, style in pieces:
        for char in text:
            space = bool(_SPACE.match(char))
            if units and units[-1][0] == space and (space or not _breakable(previous, char)):
                units[-1][1].append((char, style))
            else:
                units.append((space, [(char, style)]))
            previous = char
    return units


def _pieces(chars: Sequence[tuple[str, str]]) -> list[Styled]:
    pieces: list[Styled] = []
    for char, style in chars:
        if pieces and pieces[-1][1] == style:
            pieces[-1] = (pieces[-1][0] + char, style)
        else:
            pieces.append((char, style))
    return pieces


def wrap(pieces: Sequence[Styled], width: int | None, indent: int) -> list[list[Styled]]:
    """Styled text as lines of at most `width` columns, continuation lines indented by `indent` spaces.

    Lines break at word boundaries (`_units`) and drop the spaces there. A word longer than a
    whole line (a long path) is cut between two characters, never inside one. Without a width, or
    for a width too small to hold anything after the indent, one line.
    """
    if width is None or width < indent + 10:
        return [list(pieces)]
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    pending: list[tuple[str, str]] = []
    for space, chars in _units(pieces):
        if space:
            pending = chars
            continue
        size = sum(char_width(char) for char, _ in chars)
        gap = sum(char_width(char) for char, _ in pending)
        if used > indent and used + gap + size > width:
            lines.append([(" ", "")] * indent)
            used, pending = indent, []
        lines[-1].extend(pending)
        used += gap if pending else 0
        pending = []
        for char, style in chars:
            step = char_width(char)
            if used + step > width and used > indent:
                lines.append([(" ", "")] * indent)
                used = indent
            lines[-1].append((char, style))
            used += step
    return [_pieces(line) for line in lines]


TAB_STOP = 4


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One source line as shown under a finding, and where its caret goes (in columns)."""

    number: int
    text: str
    caret_at: int
    caret_width: int


def excerpt(lines: Sequence[str], line: int, column: int) -> Excerpt | None:
    """Line `line` with tabs expanded and unsafe characters escaped, and the columns of `column` in it.

    `lines` are the file's lines as YAML counts them; `column` counts code points from 1. The caret
    lands under the character: a tab, a wide character or an escaped control character before it
    shifts it by as many columns as they take on screen, and a wide character gets a two-column caret.
    """
    if not 1 <= line <= len(lines):
        return None
    source = lines[line - 1]
    out: list[str] = []
    used = 0
    caret_at, caret_width = -1, 1
    for index, char in enumerate(source):
        piece = " " * (TAB_STOP - used % TAB_STOP) if char == "\t" else escape.text(char)
        size = text_width(piece)
        if index == column - 1:
            caret_at, caret_width = used, max(1, min(size, 2))
        out.append(piece)
        used += size
    if caret_at < 0:  # at the end of the line (a missing value, the end of the file)
        caret_at = used
    return Excerpt(line, "".join(out).rstrip(), caret_at, caret_width)


LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
"""What PyYAML counts as a line break, so line N here is line N of a finding."""


def source_lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return LINE_BREAK.split(text)


STAGE_WORDS = {
    "load": "reading files",
    "schema": "validating documents",
    "model": "building the organisation",
    "rules": "running rules",
    "policies": "running policies",
    "report": "applying waivers",
}
"""What each pipeline stage (opsgov.progress.STAGES) is called on the progress line."""


class ProgressLine:
    """One line on a terminal that says how far a run is, shown only once the run passes `delay` seconds.

    Quick runs print nothing. Redrawn at most every `interval` seconds (and when the stage
    changes) with a carriage return; `clear` blanks it before the report is printed.
    """

    def __init__(
        self,
        write: Callable[[str], object],
        flush: Callable[[], object],
        *,
        width: int,
        clock: Callable[[], float] = time.monotonic,
        delay: float = 2.0,
        interval: float = 0.1,
    ) -> None:
        self._write, self._flush, self._clock = write, flush, clock
        self._width = max(width - 1, 20)
        self._start = clock()
        self._delay, self._interval = delay, interval
        self._last_draw = float("-inf")
        self._last_stage = ""
        self._shown = 0

    def update(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        if now - self._start < self._delay:
            return
        if stage == self._last_stage and now - self._last_draw < self._interval and done != total:
            return
        self._last_draw, self._last_stage = now, stage
        label, _, words = stage.rpartition(":")
        described = STAGE_WORDS.get(words.strip(), words.strip())
        count = f" {done:,}/{total:,}" if total else ""
        text = f"opsgov: {label + ': ' if label else ''}{described}{count} ({now - self._start:.0f} s)"
        text = text[: self._width]
        self._write("\r" + text + " " * max(self._shown - len(text), 0))
        self._flush()
        self._shown = len(text)

    def clear(self) -> None:
        if self._shown:
            self._write("\r" + " " * self._shown + "\r")
            self._flush()
            self._shown = 0
