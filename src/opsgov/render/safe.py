"""Every title is data, never markup: escaping for DOT, SVG checks, and a bounded run of `dot`.

Titles reach Graphviz only inside HTML-like labels, each piece escaped with `html.escape`. In
that label language a backslash is an ordinary character (no `\\N`, `\\l` expansion) and `<`,
`>`, `&` and quotes are entities, so a hostile title cannot close the label, inject attributes
or become a link. User text never goes into any other DOT attribute. Graphviz itself runs with
a timeout, resource limits and an output cap: a pathological graph ends with a clear error.
"""

from __future__ import annotations

import contextlib
import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

CJK_FONT = "Noto Sans CJK SC"
"""The font every label names; Debian's fonts-noto-cjk provides it (README's setup step)."""

DOT_FORMATS = ("svg", "png", "pdf", "dot")
DOT_TIMEOUT = 60.0
"""Seconds `dot` may run before the render is abandoned."""
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
MAX_SOURCE_BYTES = 8 * 1024 * 1024
_MEMORY_LIMIT = 2 * 1024 * 1024 * 1024


class RenderError(Exception):
    """A diagram or table could not be produced; the message says why and what to do."""


def text(value: object) -> str:
    """A piece of user text for an HTML-like DOT label: every markup character escaped.

    Graphviz expands `\\N`, `\\G`, `\\E`, `\\H`, `\\T`, `\\L` even inside HTML-like labels (after
    decoding entities, so `&#92;` does not help), and reads `\\\\` as one backslash: so every
    backslash is doubled, and each comes out as exactly one, with the next character literal.
    """
    return html.escape(str(value), quote=True).replace("\\", "\\\\")


def html_text(value: object) -> str:
    """User text for an HTML page or table (no Graphviz involved)."""
    return html.escape(str(value), quote=True)


MAX_LABEL_BYTES = 16_000
"""Graphviz cannot read an HTML-like label over 16,384 bytes (and says only "syntax error")."""


def label(html_body: str) -> str:
    """Wrap an already-escaped HTML-like body as a DOT label (the `graphviz` package passes `<...>` as is)."""
    size = len(html_body.encode("utf-8"))
    if size > MAX_LABEL_BYTES:
        shown = html.unescape(re.sub(r"<[^>]*>", " ", html_body)).replace("\\\\", "\\").split()
        start = " ".join(shown)[:40]
        raise RenderError(
            f"a box of the diagram is too large to draw ({size:,} bytes of text and markup, Graphviz reads at most "
            f"{MAX_LABEL_BYTES:,}), the one starting '{start}': shorten its titles, or draw less (--no-positions)"
        )
    return f"<{html_body}>"


def _limits() -> None:  # pragma: no cover - runs in the child process
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))


MAX_BITMAP_PX = 32767
"""Graphviz's cairo renderer draws no bitmap wider or taller than this: a larger PNG is scaled down."""
_SCALING = re.compile(r"Scaling by ([0-9.]+)")


@dataclass(frozen=True, slots=True)
class Drawing:
    """What `dot` drew, and what the reader should be told about it (e.g. that it was scaled down)."""

    data: bytes
    warnings: tuple[str, ...] = ()


def run_dot(source: str, fmt: str, *, timeout: float = DOT_TIMEOUT, max_bytes: int = MAX_OUTPUT_BYTES) -> bytes:
    """Lay out and draw `source` with Graphviz's `dot`; `fmt` is svg, png or pdf (dot returns the source)."""
    return draw_dot(source, fmt, timeout=timeout, max_bytes=max_bytes).data


def draw_dot(
    source: str,
    fmt: str,
    *,
    dpi: int | None = None,
    timeout: float = DOT_TIMEOUT,
    max_bytes: int = MAX_OUTPUT_BYTES,
) -> Drawing:
    """`run_dot` with Graphviz's warnings kept: a PNG that Graphviz shrinks to fit its size limit says so.

    `dpi` sets the resolution of a PNG (Graphviz's default is 96); it is passed on the command
    line, so the DOT source stays the same.
    """
    if fmt not in DOT_FORMATS:
        raise RenderError(f"unknown diagram format '{fmt}'; use one of {', '.join(DOT_FORMATS)}")
    data = source.encode("utf-8")
    if fmt == "dot":
        return Drawing(data)
    if len(data) > MAX_SOURCE_BYTES:
        raise RenderError("the diagram is too large to lay out; draw part of it (e.g. --root UNIT or --depth N)")
    executable = shutil.which("dot")
    if executable is None:
        raise RenderError("Graphviz is not installed: `dot` was not found (install the Debian package graphviz)")
    preexec: Callable[[], None] | None = _limits
    command = [executable, f"-T{fmt}"]
    if dpi is not None and fmt == "png":
        command.append(f"-Gdpi={int(dpi)}")
    try:
        result = subprocess.run(
            command,
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
            preexec_fn=preexec,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz did not finish within {timeout:g} seconds; "
            "draw part of the graph (e.g. --root UNIT or --depth N)"
        ) from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {result.returncode}"
        if "cairo surface" in reason:
            reason += f" (the {fmt.upper()} is too large to draw: lower --dpi, or draw part of it with --root/--depth)"
        raise RenderError(f"Graphviz failed: {reason}")
    if len(result.stdout) > max_bytes:
        raise RenderError(f"the drawing exceeds {max_bytes // (1024 * 1024)} MB; draw part of the graph")
    if fmt == "svg":
        check_svg(result.stdout)
    return Drawing(result.stdout, _warnings(result.stderr.decode("utf-8", "replace")))


def _warnings(stderr: str) -> tuple[str, ...]:
    """Graphviz's "Scaling by F" (the drawing was over its bitmap limit) in words a reader can act on."""
    found = _SCALING.search(stderr)
    if found is None:
        return ()
    return (
        f"the drawing is larger than Graphviz's limit of {MAX_BITMAP_PX:,} pixels a side and was scaled down by "
        f"{float(found.group(1)):.2f}: small text may be unreadable; lower --dpi, draw part of it (--root, --depth), "
        "or write SVG or PDF",
    )


_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def svg_problems(svg: bytes | str) -> list[str]:
    """Why an SVG is unsafe to embed: not well-formed, a script, an event handler, a non-http link."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    problems = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignobject", "iframe", "embed", "object"):
            problems.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                problems.append(f"event handler attribute {local}")
            if local in ("href", "src", "action", "formaction") and not _SAFE_URL.match(value.strip()):
                problems.append(f"{local} to a non-http URL")
    return problems


def check_svg(svg: bytes | str) -> None:
    problems = svg_problems(svg)
    if problems:
        raise RenderError("refusing to write an unsafe SVG: " + "; ".join(sorted(set(problems))))
