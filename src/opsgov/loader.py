"""Strict YAML loading: files on disk -> `Document`s with node positions, plus findings.

The loader drives libyaml's event parser and builds plain values itself, in one pass, without
PyYAML's composer or constructor. That is what makes it strict and safe: no tag ever constructs
anything, an alias is a reference to an already built value (never an expansion), nesting depth
is checked before a node is opened (the C composer would crash the process on deep input), and
scalars resolve as YAML 1.2 JSON-like values. It is also what makes it fast: the positions
come from the events we read anyway, so there is no second pass for line numbers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path as FsPath
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

from opsgov.documents import COLUMN_BITS, LINE_SHIFT, Document, Path, json_path, unpack
from opsgov.findings import Finding, Related

try:  # pragma: no cover - which parser is present depends on the PyYAML build
    from yaml._yaml import CParser as _Parser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

    HAVE_LIBYAML = False


@dataclass(frozen=True, slots=True)
class Limits:
    """Budgets that keep hostile input cheap to refuse."""

    max_file_bytes: int = 32 * 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_alias_nodes: int = 10_000
    max_number_chars: int = 40

    def __post_init__(self) -> None:
        if self.max_file_bytes >= 1 << COLUMN_BITS:  # a column must fit its bits in a packed position
            raise ValueError(f"max_file_bytes must be below {1 << COLUMN_BITS:,}")


DEFAULT_LIMITS = Limits()

YAML_SUFFIXES = (".yaml", ".yml")

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_NUMBER_START = frozenset("-0123456789")
_BAD_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_NAME_KEYS = frozenset(("name", "title", "id"))
_NO_KEY = object()


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0


class _Abort(Exception):
    """Stops reading a file after a problem that makes the rest of it untrustworthy."""


def _describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


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
            f"{what} contains the invisible or control character {_describe_char(char)}",
            path=path,
            hint="retype the value without hidden characters",
        )

    def refuse_tag(self, line: int, column: int, tag: str) -> None:
        """`!!python/...`, `!include`: a tag never constructs anything, on a scalar or a collection."""
        if tag.startswith("tag:yaml.org,2002:"):  # shown as written, not as libyaml expands it
            tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")
        self.strict(
            line, column, f"explicit tag {tag} is not allowed", hint="remove the tag; values are read as plain data"
        )

    def _syntax_hint(self, line: int, column: int) -> str:
        """The one syntax mistake worth a hint: a tab, which YAML never accepts as indentation."""
        lines = self.text.split("\n", line)
        text = lines[line - 1] if line <= len(lines) else ""
        if "\t" in text[: max(column, 1)]:
            return "indent with spaces: YAML does not allow tabs for indentation"
        return ""

    def read(self) -> None:
        parser = _Parser(self.text)
        try:
            self._events(parser)
        except _Abort:
            pass
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = error.problem or "invalid YAML"
            context = f" ({error.context})" if error.context else ""
            hint = self._syntax_hint(line, column)
            related: tuple[Related, ...] = ()
            opened = error.context_mark
            if opened is not None and error.context and (opened.line, opened.column) != (line - 1, column - 1):
                # An unclosed bracket is found at the end of the file; where it opened is what to fix.
                what = error.context.removeprefix("while parsing ").removeprefix("a ").removeprefix("an ")
                related = (Related(self.rel, opened.line + 1, opened.column + 1, f"the {what} starts here"),)
            self.findings.append(
                Finding(self.rel, line, column, "yaml-syntax", f"{problem}{context}", hint=hint, related=related)
            )
        except yaml.YAMLError as error:
            position = getattr(error, "position", 0) or 0
            if HAVE_LIBYAML:  # libyaml reports a byte offset into the UTF-8 text
                position = len(self.text.encode("utf-8")[:position].decode("utf-8", "ignore"))
            line = self.text.count("\n", 0, position) + 1
            column = position - (self.text.rfind("\n", 0, position) + 1) + 1
            reason = getattr(error, "reason", None) or str(error).splitlines()[0]
            if isinstance(error, yaml.reader.ReaderError) and 0 <= position < len(self.text):
                # libyaml refuses control characters anywhere in the stream: a strictness finding.
                self.strict(
                    line,
                    column,
                    f"control character {_describe_char(self.text[position])} is not allowed",
                    hint="retype the value without hidden characters",
                )
                return
            self.findings.append(
                Finding(self.rel, line, column, "yaml-syntax", f"{reason}", hint=self._syntax_hint(line, column))
            )
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose is not None:
                dispose()

    def _events(self, parser: Any) -> None:  # one hot loop, kept flat for speed
        get_event = parser.get_event
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
            root_line, root_column = event.start_mark.line + 1, event.start_mark.column + 1
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
                                f"number with {len(raw)} characters is too long",
                                hint=f"write at most {max_number} characters; no amount or count needs more",
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
                        self.strict(
                            line,
                            column,
                            f"nesting deeper than {max_depth} levels",
                            hint="governance documents never need this depth",
                        )
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
                        self.strict(line, column, f"alias *{name} refers to a node that contains it")
                        raise _Abort
                    target = anchors.get(name)
                    if target is None:
                        self.strict(line, column, f"alias *{name} names no anchor defined before it")
                        raise _Abort
                    value, size = target
                    raw = ""
                    nodes += size
                    self.alias_nodes += size
                    if self.aliases > limits.max_aliases or self.alias_nodes > limits.max_alias_nodes:
                        self.strict(
                            line,
                            column,
                            "too many aliases: more than "
                            f"{limits.max_aliases} aliases or {limits.max_alias_nodes} nodes "
                            "reached through them in one file",
                            hint="write the values out; anchors and aliases are for small reuse",
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
                            shown = "a mapping or list" if container is not None else f"{raw!r} (not text)"
                            self.strict(line, column, f"mapping key is {shown}", path=frame[1], hint="quote the key")
                            value = f"<invalid key {nodes}>"
                        elif value == "<<" and kind is ScalarEvent and event.implicit[0]:
                            ok = False
                            self.strict(
                                line,
                                column,
                                "merge keys (<<) are not allowed",
                                path=frame[1],
                                hint="write the fields out in full",
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
                                f"duplicate key {value!r} (first at line {first_line})",
                                path=(*frame[1], value),
                                related=(Related(self.rel, first_line, first_column, "first defined here"),),
                                hint="remove one of them; YAML would silently keep only the last",
                            )
                            value = f"{value}<duplicate {nodes}>"
                        elif kind is ScalarEvent and (bad := _BAD_IN_NAME.search(value)) is not None:
                            ok = False
                            self.hidden_char(line, column, "key", bad.group(), frame[1])
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
                        bad = _BAD_IN_NAME.search(value)
                        if bad is not None:
                            ok = False
                            self.hidden_char(line, column, str(path[-1]), bad.group(), path)
                        elif path[-1] == "title" and not unicodedata.is_normalized("NFC", value):
                            ok = False
                            self.strict(
                                line,
                                column,
                                "title is not in Unicode normal form NFC",
                                path=path,
                                hint="retype it or normalise it to NFC (composed characters)",
                            )
                    elif _BIDI.search(value):
                        ok = False
                        bad = _BIDI.search(value)
                        assert bad is not None
                        self.strict(
                            line,
                            column,
                            f"text contains the bidirectional control character {_describe_char(bad.group())}",
                            path=path,
                            hint="such characters can make text read differently from what it is",
                        )
                if container is not None:
                    if anchor is not None:
                        open_anchors.add(anchor)
                    stack.append([container, path, _NO_KEY, anchor, nodes])
                elif anchor is not None:
                    anchors[anchor] = (value, 1)
                if anchor is not None and len(anchors) + len(open_anchors) > limits.max_aliases:
                    self.strict(line, column, f"more than {limits.max_aliases} anchors in one document")
                    raise _Abort
            if have_root and root is not None:
                self.documents.append(Document(self.rel, index, root_line, root_column, root, locations, ok))


def read_text(raw: bytes, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str | None, Finding | None]:
    """Decode a file strictly as UTF-8 (a leading BOM is allowed)."""
    if len(raw) > limits.max_file_bytes:
        return None, Finding(
            rel,
            1,
            1,
            "yaml-strict",
            f"file is {len(raw):,} bytes, over the limit of {limits.max_file_bytes:,}",
            hint="split it into several files",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[start : error.start].decode("utf-8", "replace")) + 1
        return None, Finding(
            rel,
            line,
            column,
            "yaml-strict",
            f"file is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            hint="save the file as UTF-8",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def load_text(text: str, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], list[Finding]]:
    reader = _FileReader(rel, text, limits)
    reader.read()
    return reader.documents, reader.findings


def load_bytes(raw: bytes, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], list[Finding]]:
    text, problem = read_text(raw, rel, limits)
    if text is None:
        assert problem is not None
        return [], [problem]
    return load_text(text, rel, limits)


def discover(root: FsPath, folders: Sequence[str]) -> tuple[list[tuple[FsPath, str]], list[Finding]]:
    """The YAML files under `folders` of `root`, sorted; symlinks are followed only inside `root`."""
    real_root = root.resolve()
    found: dict[str, FsPath] = {}
    findings: list[Finding] = []
    seen_dirs: set[str] = set()

    def rel_of(path: str) -> str:
        # A name is shown, never opened again: its bytes read as UTF-8 whatever the locale (PYTHONUTF8=0
        # under LC_ALL=C decodes them to lone surrogates, which no output can encode); others as \xNN.
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        return os.fsencode(rel).decode("utf-8", "backslashreplace")

    def inside(path: str) -> bool:
        real = os.path.realpath(path)
        return real == str(real_root) or real.startswith(str(real_root) + os.sep)

    def walk(directory: str) -> Iterator[None]:
        real = os.path.realpath(directory)
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            findings.append(
                Finding(rel_of(directory), 1, 1, "file-unreadable", f"cannot read folder: {error.strerror or error}")
            )
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() and not inside(entry.path):
                findings.append(
                    Finding(
                        rel_of(entry.path),
                        1,
                        1,
                        "yaml-strict",
                        "symbolic link points outside the repository; not followed",
                    )
                )
                continue
            try:
                if entry.is_dir():
                    yield from walk(entry.path)
                elif entry.name.endswith(YAML_SUFFIXES):
                    if entry.is_file() or not os.path.exists(entry.path):  # a dangling link: reading says why
                        found.setdefault(rel_of(entry.path), FsPath(entry.path))
                    else:  # a pipe or a device named *.yaml: reading it could block forever
                        findings.append(
                            Finding(rel_of(entry.path), 1, 1, "file-unreadable", "not a regular file; not read")
                        )
            except OSError as error:
                findings.append(
                    Finding(rel_of(entry.path), 1, 1, "file-unreadable", f"cannot read: {error.strerror or error}")
                )

    for folder in folders:
        start = root / folder
        if start.is_file() or (start.suffix in YAML_SUFFIXES and not start.exists()):
            found.setdefault(rel_of(str(start)), start)
        elif start.is_dir():
            if start.is_symlink() and not inside(str(start)):
                findings.append(
                    Finding(
                        rel_of(str(start)),
                        1,
                        1,
                        "yaml-strict",
                        "symbolic link points outside the repository; not followed",
                    )
                )
                continue
            for _ in walk(str(start)):
                pass
    return [(found[rel], rel) for rel in sorted(found)], findings


def load_file(path: FsPath, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], list[Finding]]:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            return [], [
                Finding(
                    rel,
                    1,
                    1,
                    "yaml-strict",
                    f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,}",
                    hint="split it into several files",
                )
            ]
        raw = path.read_bytes()
    except OSError as error:
        return [], [Finding(rel, 1, 1, "file-unreadable", f"cannot read file: {error.strerror or error}")]
    return load_bytes(raw, rel, limits)


PARALLEL_MIN_BYTES = 2 * 1024 * 1024
"""Below this much YAML, starting a second process costs more than it saves."""

_FileResult = tuple[list[Document], list[Finding]]


def _load_chunk(chunk: Sequence[tuple[int, FsPath, str]], limits: Limits) -> list[tuple[int, _FileResult]]:
    gc.disable()
    return [(index, load_file(path, rel, limits)) for index, path, rel in chunk]


def _size(path: FsPath) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reported when the file is read
        return 0


def _chunks(
    files: Sequence[tuple[FsPath, str]], sizes: Sequence[int], jobs: int
) -> list[list[tuple[int, FsPath, str]]]:
    """Files dealt into `jobs` bins of about equal size, largest first."""
    order = sorted(range(len(files)), key=lambda index: (-sizes[index], index))
    bins: list[list[tuple[int, FsPath, str]]] = [[] for _ in range(jobs)]
    totals = [0] * jobs
    for index in order:
        lightest = totals.index(min(totals))
        bins[lightest].append((index, *files[index]))
        totals[lightest] += sizes[index]
    return [chunk for chunk in bins if chunk]


def _load_parallel(
    files: Sequence[tuple[FsPath, str]], sizes: Sequence[int], limits: Limits, jobs: int
) -> list[_FileResult] | None:
    """Parse in this process and `jobs - 1` forked ones; None where that is not possible here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    chunks = _chunks(files, sizes, jobs)
    results: list[_FileResult | None] = [None] * len(files)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(chunks) - 1, mp_context=context) as pool:
            futures = [pool.submit(_load_chunk, chunk, limits) for chunk in chunks[1:]]
            for index, result in _load_chunk(chunks[0], limits):
                results[index] = result
            for future in futures:
                for index, result in future.result():
                    results[index] = result
    except (OSError, BrokenProcessPool):
        return None
    return [result for result in results if result is not None]


def load_files(files: Sequence[tuple[FsPath, str]], limits: Limits = DEFAULT_LIMITS, *, jobs: int = 1) -> LoadResult:
    """Load every file, in file order; the garbage collector stays off meanwhile (nothing here makes cycles).

    With `jobs` > 1 and enough YAML to pay for it, files are parsed in forked processes too and
    the documents come back pickled; the result is the same as a serial load.
    """
    result = LoadResult(files=len(files))
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        per_file: list[_FileResult] | None = None
        sizes = [_size(path) for path, _ in files] if jobs > 1 and len(files) > 1 else []
        if sizes and sum(sizes) >= PARALLEL_MIN_BYTES:
            # parsing is CPU-bound: processes beyond a few per core only cost forks (`-j 100000` is no fork bomb)
            per_file = _load_parallel(files, sizes, limits, min(jobs, len(files), 4 * (os.cpu_count() or 1)))
        if per_file is None:
            per_file = [load_file(path, rel, limits) for path, rel in files]
        for documents, findings in per_file:
            result.documents.extend(documents)
            result.findings.extend(findings)
    finally:
        if was_enabled:
            gc.enable()
    return result
