"""The strict composer: libyaml's event stream -> `Document`s with node positions, plus findings.

It drives libyaml's event parser and builds plain values itself, in one pass, without PyYAML's
composer or constructor. That is what makes it strict and safe: no tag ever constructs anything,
an alias is a reference to an already built value (never an expansion), nesting depth is checked
before a node is opened (the C composer would crash the process on deep input), and scalars
resolve as YAML 1.2 JSON-like values. It is also what makes it fast: the positions come from the
events we read anyway, so there is no second pass for line numbers.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from opsgov.i18n import N_, _
from opsgov.load.decode import BAD_IN_NAME, BIDI, HIDDEN_BREAKS, LINE_BREAK, describe_char, line_column, read_text
from opsgov.load.documents import COLUMN_BITS, LINE_SHIFT, Document, Path, json_path, unpack
from opsgov.load.limits import DEFAULT_LIMITS, Limits
from opsgov.report.finding import Finding, Related

try:  # pragma: no cover - which parser is present depends on the PyYAML build
    from yaml._yaml import CParser as _Parser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

    HAVE_LIBYAML = False

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_NUMBER_START = frozenset("-0123456789")
_NAME_KEYS = frozenset(("name", "title", "id"))
_NO_KEY = object()
NO_DOCUMENT = N_("the file holds no document (it is empty or only comments)")


class _Abort(Exception):
    """Stops reading a file after a problem that makes the rest of it untrustworthy."""


def resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar the JSON-like YAML 1.2 way; everything else is a string."""
    if not value:
        return None
    first = value[0]
    if first in _NUMBER_START:
        if _NUMBER.match(value):
            return float(value) if "." in value else int(value)
        return value
    if first == "t":
        return True if value == "true" else value
    if first == "f":
        return False if value == "false" else value
    if first == "n":
        return None if value == "null" else value
    if value == "~":
        return None
    return value


class _FileReader:
    """Builds the documents of one file from parser events."""

    def __init__(self, rel: str, text: str, limits: Limits) -> None:
        self.rel = rel
        self.text = text
        self.limits = limits
        self.documents: list[Document] = []
        self.findings: list[Finding] = []
        self.aliases = 0
        self.alias_nodes = 0
        self.hidden: list[int] = []
        """Indexes of NEL/U+2028/U+2029 characters, each masked for the parser by a placeholder."""
        self.hidden_reported: set[int] = set()
        self._end: tuple[int, int] | None = None  # the end of the text as (line, column), found once
        self.spoiled = False
        """A hidden break was found in a scalar of the current document."""

    def strict(
        self, line: int, column: int, message: str, path: Path = (), hint: str = "", related: tuple[Related, ...] = ()
    ) -> Finding:
        finding = Finding(
            self.rel,
            line,
            column,
            "yaml-strict",
            message,
            path=json_path(path) if path else "",
            hint=hint,
            related=related,
        )
        self.findings.append(finding)
        return finding

    def hidden_char(self, line: int, column: int, what: str, char: str, path: Path) -> None:
        """A control or invisible character in a key, name, title or id: it hides what the text says."""
        self.strict(
            line,
            column,
            _("{what} contains the invisible or control character {char}").format(what=what, char=describe_char(char)),
            path=path,
            hint=_("retype the value without hidden characters"),
        )

    def refuse_tag(self, line: int, column: int, tag: str) -> None:
        """`!!python/...`, `!include`: a tag never constructs anything, on a scalar or a collection."""
        if tag.startswith("tag:yaml.org,2002:"):  # shown as written, not as libyaml expands it
            tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")
        self.strict(
            line,
            column,
            _("explicit tag {tag} is not allowed").format(tag=tag),
            hint=_("remove the tag; values are read as plain data"),
        )

    def _line_text(self, line: int) -> str:
        lines = LINE_BREAK.split(self.text, line)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def too_deep(self, line: int, column: int) -> None:
        """Nesting past the budget, whether opsgov's event loop or libyaml's scanner noticed it first."""
        self.strict(
            line,
            column,
            _("nesting deeper than {depth} levels").format(depth=self.limits.max_depth),
            hint=_("governance documents never need this depth"),
        )

    def _syntax_hint(self, line: int, column: int) -> str:
        """The one syntax mistake worth a hint: a tab, which YAML never accepts as indentation."""
        if "\t" in self._line_text(line)[: max(column, 1)]:
            return _("indent with spaces: YAML does not allow tabs for indentation")
        return ""

    def _within(self, line: int, column: int) -> tuple[int, int]:
        """libyaml puts the end of the stream on a line after the last one: that is the end of the last line."""
        if self._end is None:
            self._end = line_column(self.text, len(self.text))
        last, end = self._end
        if line > last or (line == last and column > end):
            return last, end
        return line, column

    def _mask_hidden_breaks(self) -> str:
        """The text with each NEL/U+2028/U+2029 replaced by a private-use character the text does not hold.

        libyaml follows YAML 1.1 and breaks lines at them, which would let one hide a key after a
        value (`level: M1<U+2028>  headcount: 0`) or text after a comment, and would shift every
        position after them. Masked one character for one, they are ordinary characters, as in
        YAML 1.2: positions stay true, and a scalar that holds one is refused (`_watch`).
        """
        text = self.text
        table: dict[int, str] = {}
        candidate = 0xE000
        for char in HIDDEN_BREAKS:
            while chr(candidate) in text:
                candidate += 1
            table[ord(char)] = chr(candidate)
            candidate += 1
        self.hidden = [match.start() for match in re.finditer(f"[{HIDDEN_BREAKS}]", text)]
        return text.translate(table)

    def _report_hidden(self, index: int) -> None:
        if index in self.hidden_reported:
            return
        self.hidden_reported.add(index)
        line, column = line_column(self.text, index)
        self.strict(
            line,
            column,
            _(
                "hidden character {char} in a key or value: YAML 1.2 does not read it as a line break, though some "
                "tools do, so the text after it would mean different things"
            ).format(char=describe_char(self.text[index])),
            hint=_("retype the text without hidden characters (a comment may hold them)"),
        )

    def _watch(self, get_event: Callable[[], Any]) -> Callable[[], Any]:
        """`get_event` that refuses every scalar (key or value) spanning a masked hidden break."""
        hidden = self.hidden

        def get() -> Any:
            event = get_event()
            if type(event) is ScalarEvent:
                start: Any = event.start_mark  # a parsed event always has both marks
                stop: Any = event.end_mark
                end = stop.index
                index = bisect_left(hidden, start.index)
                while index < len(hidden) and hidden[index] < end:
                    self._report_hidden(hidden[index])
                    self.spoiled = True
                    index += 1
            return event

        return get

    def _directives(self, first: int, last: int) -> None:
        """`%YAML 1.1` asks for other scalar rules (yes = true), `%TAG` for other tags: both are refused."""
        for number in range(first, last + 1):
            text = self._line_text(number)
            if text.startswith("%"):
                name = text.split()[0]
                self.strict(
                    number,
                    1,
                    _("{directive} directive is not allowed: opsgov reads YAML 1.2 with JSON-like values").format(
                        directive=name
                    ),
                    hint=_("remove the directive line"),
                )

    def read(self) -> None:
        text = self.text
        masked = "\x85" in text or "\u2028" in text or "\u2029" in text
        source = self._mask_hidden_breaks() if masked else text
        parser = _Parser(source)
        try:
            self._events(self._watch(parser.get_event) if masked else parser.get_event)
            if not self.documents and not self.findings:
                self.findings.append(
                    Finding(
                        self.rel,
                        1,
                        1,
                        "schema",
                        _(NO_DOCUMENT),
                        hint=_("write an opsgov document in it (apiVersion, kind, metadata, spec) or delete the file"),
                    )
                )
        except _Abort:
            pass
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = self._within(mark.line + 1, mark.column + 1) if mark else (1, 1)
            if "maximum nesting depth" in (error.problem or ""):
                # libyaml 0.2.6 scans ahead and stops deep flow nesting itself, before our own limit is met
                self.too_deep(line, column)
                return
            if mark is not None and self.hidden:
                # A hidden break in text that no longer parses (`a: x<U+2028>  b: 1`): it is the cause.
                for index in self.hidden:
                    if index < mark.index and line_column(text, index)[0] == line:
                        self._report_hidden(index)
            problem = error.problem or _("invalid YAML")  # libyaml's own words are English (docs/cli.md, "Language")
            context = f" ({error.context})" if error.context else ""
            hint = self._syntax_hint(line, column)
            related: tuple[Related, ...] = ()
            opened = error.context_mark
            if opened is not None and error.context:
                # An unclosed bracket is found at the end of the file; where it opened is what to fix.
                what = re.sub(r"^while (parsing|scanning) (an? )?", "", error.context)
                opened_line, opened_column = self._within(opened.line + 1, opened.column + 1)
                if (opened_line, opened_column) != (line, column):
                    related = (
                        Related(self.rel, opened_line, opened_column, _("the {what} starts here").format(what=what)),
                    )
            self.findings.append(
                Finding(self.rel, line, column, "yaml-syntax", f"{problem}{context}", hint=hint, related=related)
            )
        except yaml.YAMLError as error:
            position = getattr(error, "position", 0) or 0
            if HAVE_LIBYAML:  # libyaml reports a byte offset into the UTF-8 text
                position = len(source.encode("utf-8")[:position].decode("utf-8", "ignore"))
            line, column = line_column(self.text, position)
            reason = getattr(error, "reason", None) or str(error).splitlines()[0]
            if isinstance(error, yaml.reader.ReaderError) and 0 <= position < len(self.text):
                # libyaml refuses control characters anywhere in the stream: a strictness finding.
                self.strict(
                    line,
                    column,
                    _("control character {char} is not allowed").format(char=describe_char(self.text[position])),
                    hint=_("retype the value without hidden characters"),
                )
                return
            self.findings.append(
                Finding(self.rel, line, column, "yaml-syntax", f"{reason}", hint=self._syntax_hint(line, column))
            )
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose is not None:
                dispose()

    def _events(self, get_event: Callable[[], Any]) -> None:  # one hot loop, kept flat for speed
        limits = self.limits
        max_depth = limits.max_depth
        max_number = limits.max_number_chars
        shift = LINE_SHIFT
        key_shift = COLUMN_BITS
        index = -1
        while True:
            event = get_event()
            kind = type(event)
            if kind is StreamEndEvent:
                return
            if kind is not DocumentStartEvent:
                continue
            index += 1
            locations: dict[Path, int] = {}
            anchors: dict[str, Any] = {}
            open_anchors: set[str] = set()
            ok = True
            root: Any = None
            start_line, start_column = event.start_mark.line + 1, event.start_mark.column + 1
            root_line, root_column = start_line, start_column
            if event.version is not None or event.tags:
                ok = False
                self._directives(start_line, event.end_mark.line + 1)
            have_root = False
            # A frame: [container, path, pending key, anchor, nodes counted at start]
            stack: list[list[Any]] = []
            nodes = 0
            while True:
                event = get_event()
                kind = type(event)
                if kind is DocumentEndEvent:
                    break
                mark = event.start_mark
                line = mark.line + 1
                column = mark.column + 1
                if kind is ScalarEvent:
                    nodes += 1
                    raw = event.value
                    if not raw:  # an empty value at the end (or after a stray BOM): libyaml's mark may lie past it
                        line, column = self._within(line, column)
                    if event.tag is not None:
                        ok = False
                        self.refuse_tag(line, column, event.tag)
                        value: Any = raw
                    elif event.implicit[0]:
                        if len(raw) > max_number and raw[0] in _NUMBER_START and _NUMBER.match(raw):
                            # measured before converting: int() refuses over 4,300 digits with a ValueError
                            ok = False
                            self.strict(
                                line,
                                column,
                                _("number with {count} characters is too long").format(count=len(raw)),
                                hint=_("write at most {count} characters; no amount or count needs more").format(
                                    count=max_number
                                ),
                            )
                            value = raw
                        else:
                            value = resolve_plain(raw)
                    else:
                        value = raw
                    anchor = event.anchor
                    container = None
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    nodes += 1
                    if len(stack) >= max_depth:
                        self.too_deep(line, column)
                        raise _Abort
                    if event.tag is not None:
                        ok = False
                        self.refuse_tag(line, column, event.tag)
                    value = {} if kind is MappingStartEvent else []
                    anchor = event.anchor
                    container = value
                    raw = ""
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    frame = stack.pop()
                    if frame[3] is not None:
                        anchors[frame[3]] = (frame[0], nodes - frame[4] + 1)
                        open_anchors.discard(frame[3])
                    continue
                elif kind is AliasEvent:
                    name = event.anchor
                    self.aliases += 1
                    if name in open_anchors:
                        ok = False
                        self.strict(
                            line, column, _("alias *{name} refers to a node that contains it").format(name=name)
                        )
                        raise _Abort
                    target = anchors.get(name)
                    if target is None:
                        self.strict(
                            line, column, _("alias *{name} names no anchor defined before it").format(name=name)
                        )
                        raise _Abort
                    value, size = target
                    raw = ""
                    nodes += size
                    self.alias_nodes += size
                    if self.aliases > limits.max_aliases or self.alias_nodes > limits.max_alias_nodes:
                        self.strict(
                            line,
                            column,
                            _(
                                "too many aliases: more than {aliases} aliases or {nodes} nodes reached through them "
                                "in one file"
                            ).format(aliases=limits.max_aliases, nodes=limits.max_alias_nodes),
                            hint=_("write the values out; anchors and aliases are for small reuse"),
                        )
                        raise _Abort
                    anchor = None
                    container = None
                else:
                    continue

                # Attach the value to its parent.
                if not stack:
                    root = value
                    have_root = True
                    path: Path = ()
                    root_line, root_column = line, column
                else:
                    frame = stack[-1]
                    parent = frame[0]
                    if type(parent) is list:
                        path = (*frame[1], len(parent))
                        parent.append(value)
                        locations[path] = (line << shift) | column
                    elif frame[2] is _NO_KEY:
                        # This node is a mapping key.
                        if type(value) is not str:
                            ok = False
                            shown = (
                                _("a mapping or list")
                                if container is not None
                                else _("{raw} (not text)").format(raw=repr(raw))
                            )
                            self.strict(
                                line,
                                column,
                                _("mapping key is {shown}").format(shown=shown),
                                path=frame[1],
                                hint=_("quote the key"),
                            )
                            value = f"<invalid key {nodes}>"
                        elif value == "<<" and kind is ScalarEvent and event.implicit[0]:
                            ok = False
                            self.strict(
                                line,
                                column,
                                _("merge keys (<<) are not allowed"),
                                path=frame[1],
                                hint=_("write the fields out in full"),
                            )
                        elif value in parent:
                            ok = False
                            first = locations.get((*frame[1], value))
                            first_line, first_column = line, column
                            if first is not None:
                                first_line, value_column, key_column = unpack(first)
                                first_column = key_column or value_column
                            self.strict(
                                line,
                                column,
                                _("duplicate key {key} (first at line {line})").format(
                                    key=repr(value), line=first_line
                                ),
                                path=(*frame[1], value),
                                related=(Related(self.rel, first_line, first_column, _("first defined here")),),
                                hint=_("remove one of them; YAML would silently keep only the last"),
                            )
                            value = f"{value}<duplicate {nodes}>"
                        elif kind is ScalarEvent and (bad := BAD_IN_NAME.search(value)) is not None:
                            ok = False
                            self.hidden_char(line, column, _("key"), bad.group(), frame[1])
                        frame[2] = value
                        frame.append((line, column))
                        if container is not None:  # a complex key: read into a throwaway container
                            stack.append([container, (*frame[1], value), _NO_KEY, anchor, nodes])
                        continue
                    else:
                        key = frame[2]
                        path = (*frame[1], key)
                        parent[key] = value
                        frame[2] = _NO_KEY
                        key_line, key_column = frame.pop()
                        if container is not None:
                            locations[path] = (key_line << shift) | key_column
                        elif key_line == line:
                            locations[path] = (line << shift) | (key_column << key_shift) | column
                        else:
                            locations[path] = (line << shift) | column
                if type(value) is str and kind is ScalarEvent:
                    if path and path[-1] in _NAME_KEYS:
                        bad = BAD_IN_NAME.search(value)
                        if bad is not None:
                            ok = False
                            self.hidden_char(line, column, str(path[-1]), bad.group(), path)
                        elif path[-1] == "title" and not unicodedata.is_normalized("NFC", value):
                            ok = False
                            self.strict(
                                line,
                                column,
                                _("title is not in Unicode normal form NFC"),
                                path=path,
                                hint=_("retype it or normalise it to NFC (composed characters)"),
                            )
                    elif BIDI.search(value):
                        ok = False
                        bad = BIDI.search(value)
                        assert bad is not None
                        self.strict(
                            line,
                            column,
                            _("text contains the bidirectional control character {char}").format(
                                char=describe_char(bad.group())
                            ),
                            path=path,
                            hint=_("such characters can make text read differently from what it is"),
                        )
                if container is not None:
                    if anchor is not None:
                        open_anchors.add(anchor)
                    stack.append([container, path, _NO_KEY, anchor, nodes])
                elif anchor is not None:
                    anchors[anchor] = (value, 1)
                if anchor is not None and len(anchors) + len(open_anchors) > limits.max_aliases:
                    self.strict(
                        line, column, _("more than {count} anchors in one document").format(count=limits.max_aliases)
                    )
                    raise _Abort
            if self.spoiled:
                ok = self.spoiled = False
            if root is None:  # `null`, `~` or nothing after `---`: kept, the schema stage says what is wrong
                root_line, root_column = start_line, start_column
            if have_root:
                self.documents.append(Document(self.rel, index, root_line, root_column, root, locations, ok))


def load_text(text: str, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], list[Finding]]:
    # libyaml skips a leading BOM without counting it: so do the positions counted here
    reader = _FileReader(rel, text.removeprefix("\ufeff"), limits)
    reader.read()
    return reader.documents, reader.findings


def load_bytes(raw: bytes, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], list[Finding]]:
    text, problem = read_text(raw, rel, limits)
    if text is None:
        assert problem is not None
        return [], [problem]
    return load_text(text, rel, limits)
