"""Static limits on a Policy's CEL, checked before the expression reaches the CEL library.

The library (common-expression-language, a Rust interpreter) has no cost or depth limit of its
own, and its parser and interpreter recurse: measured on this machine, an operator chain of
15,000 terms (`1+1+...`, 30 KB) overflows the stack and kills the process with SIGSEGV, 20
chained `.map(x, x + x)` take 1.4 s per entity (each doubles the list) and 6 nested
comprehensions over 10-element lists take 0.5 s per entity. These limits refuse such
expressions deterministically (the same verdict on every machine), each with a sentence saying
which limit and by how much; what they cannot see (a comprehension over a 10,000-long fact) is
caught by the time budget of `opsgov.policy.isolate`.
"""

from __future__ import annotations

from typing import Any

from opsgov.i18n import _

MAX_CHARACTERS = 4000
"""Longest expression; an operator chain within it (at most 2,000 terms) stays far below the
15,000 that overflow the stack."""
MAX_NESTING = 32
"""Deepest nesting of parentheses, brackets and braces."""
MAX_COMPREHENSION_NESTING = 2
"""Comprehensions (all, exists, exists_one, map, filter) inside one another: two levels compare
every pair of items, a third multiplies the cost again."""
MAX_COMPREHENSIONS = 8
"""Comprehensions in one expression, nested or chained (each chained map can double a list)."""
MAX_PARAMS_SIZE = 16_000
"""Values plus characters of every key and string in a policy's params."""
MAX_PARAMS_DEPTH = 8
"""Deepest nesting of lists and mappings in params."""

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_OPEN = {"(": ")", "[": "]", "{": "}"}


def _skip_string(source: str, start: int) -> int:
    """Index after the string literal whose opening quote is at `start` (raw if an r/R precedes it)."""
    quote = source[start]
    prefix = source[max(0, start - 2) : start]
    raw = prefix[-1:] in ("r", "R") and not (len(prefix) == 2 and (prefix[0].isalnum() or prefix[0] == "_"))
    delimiter = quote * 3 if source.startswith(quote * 3, start) else quote
    index = start + len(delimiter)
    while index < len(source):
        if source[index] == "\\" and not raw:
            index += 2
            continue
        if source.startswith(delimiter, index):
            return index + len(delimiter)
        index += 1
    return index


def expression_problem(source: str) -> str | None:
    """Why an expression is refused before it is compiled, or None when it is within every limit."""
    if len(source) > MAX_CHARACTERS:
        return _("the expression is {length} characters long; the limit is {limit}").format(
            length=f"{len(source):,}", limit=f"{MAX_CHARACTERS:,}"
        )
    stack: list[bool] = []  # per open bracket: is it a comprehension's argument list?
    comprehensions = deepest = 0
    index = 0
    while index < len(source):
        char = source[index]
        if char in "'\"":
            index = _skip_string(source, index)
            continue
        if source.startswith("//", index):
            end = source.find("\n", index)
            index = len(source) if end < 0 else end
            continue
        if char in _OPEN:
            macro = char == "(" and _macro_before(source, index)
            stack.append(macro)
            if len(stack) > MAX_NESTING:
                return _("brackets are nested more than {limit} deep").format(limit=MAX_NESTING)
            if macro:
                comprehensions += 1
                depth = sum(stack)
                deepest = max(deepest, depth)
                if depth > MAX_COMPREHENSION_NESTING:
                    return _(
                        "comprehensions (all, exists, exists_one, map, filter) are nested {depth} deep; "
                        "the limit is {limit}"
                    ).format(depth=depth, limit=MAX_COMPREHENSION_NESTING)
                if comprehensions > MAX_COMPREHENSIONS:
                    return _("the expression has more than {limit} comprehensions").format(limit=MAX_COMPREHENSIONS)
        elif char in ")]}" and stack:
            stack.pop()
        index += 1
    return None


def _macro_before(source: str, paren: int) -> bool:
    """Whether the `(` at `paren` opens `.all(`, `.map(`, ...: a macro name after a dot."""
    end = paren
    while end > 0 and source[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and (source[start - 1].isalnum() or source[start - 1] == "_"):
        start -= 1
    if source[start:end] not in MACROS:
        return False
    before = start
    while before > 0 and source[before - 1].isspace():
        before -= 1
    return before > 0 and source[before - 1] == "."


def params_problem(params: Any) -> str | None:
    """Why a policy's params are refused (too big or too deep to convert and compare), or None.

    Walked with a stack, not recursion: params nested thousands deep must not overflow Python's.
    """
    size = 0
    stack: list[tuple[Any, int]] = [(params, 0)]
    while stack:
        value, depth = stack.pop()
        size += 1
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, dict | list):
            if depth >= MAX_PARAMS_DEPTH:
                return _("params are nested more than {limit} deep").format(limit=MAX_PARAMS_DEPTH)
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                size += len(key) if isinstance(key, str) else 0
                stack.append((item, depth + 1))
        if size > MAX_PARAMS_SIZE:
            return _("params are larger than {limit} (values plus characters of keys and strings)").format(
                limit=f"{MAX_PARAMS_SIZE:,}"
            )
    return None
