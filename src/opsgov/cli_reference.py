"""The generated parts of docs/cli.md: each command's usage, help and options, read from click.

docs/cli.md is written by hand around blocks that this module fills in from the commands
themselves, so an option cannot be added, renamed or reworded without the reference following:

    <!-- BEGIN generated: opsgov check -->
    ...
    <!-- END generated -->

`python -m opsgov.cli_reference docs/cli.md` rewrites every block (and appends one for a
command that has none); a test fails when the file is not what this would write.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from opsgov.atomic import write_atomic

BLOCK = re.compile(r"<!-- BEGIN generated: (?P<command>[a-z -]+) -->\n.*?<!-- END generated -->\n", re.DOTALL)


def commands(group: click.Group | None = None) -> Iterator[tuple[str, click.Command, click.Context]]:
    """(`opsgov render raci`, the command, its context) for the group and everything below it, in order."""
    if group is None:
        from opsgov.cli import main

        group = main

    def walk(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, click.Command, click.Context]]:
        yield ctx.command_path, command, ctx
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    yield from walk(sub, click.Context(sub, info_name=name, parent=ctx))

    yield from walk(group, click.Context(group, info_name="opsgov", **group.context_settings))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def command_block(command: click.Command, ctx: click.Context) -> str:
    """A command's reference: its usage line, its help as `--help` prints it, its options and subcommands."""
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = ["```text", usage, "```", ""]
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(command.help or "")):
        if paragraph.strip():
            lines += [" ".join(paragraph.split()), ""]
    rows = [p.get_help_record(ctx) for p in command.get_params(ctx) if isinstance(p, click.Option)]
    if rows:
        lines += ["| option | meaning |", "|---|---|"]
        lines += [f"| `{_cell(opts)}` | {_cell(meaning)} |" for opts, meaning in filter(None, rows)]
        lines.append("")
    if isinstance(command, click.Group):
        lines += ["| command | does |", "|---|---|"]
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                lines.append(f"| `{ctx.command_path} {name}` | {_cell(sub.get_short_help_str(limit=200))} |")
        lines.append("")
    return "\n".join(lines)


def render(text: str, group: click.Group | None = None) -> str:
    """`text` (docs/cli.md) with every generated block filled in from the commands."""
    blocks = {path: command_block(command, ctx) for path, command, ctx in commands(group)}

    def fill(match: re.Match[str]) -> str:
        path = match["command"]
        body = blocks.get(path, f"(no such command: {path}; remove this block)\n")
        return f"<!-- BEGIN generated: {path} -->\n{body}<!-- END generated -->\n"

    text = BLOCK.sub(fill, text)
    present = {m["command"] for m in BLOCK.finditer(text)}
    for path, body in blocks.items():
        if path not in present:
            text += f"\n## `{path}`\n\n<!-- BEGIN generated: {path} -->\n{body}<!-- END generated -->\n"
    return text


def help_texts(group: click.Group | None = None) -> list[str]:
    """Every text of the help pages, as the help formatter looks it up in the catalogue (cli._Formatter):
    each command's help and each option's, and Click's own words and usage errors. Docstrings and `help=` are read
    by Click where the commands are defined, so they are extracted from the commands, not the source."""
    from opsgov.cli import CLICK_MESSAGES, CLICK_WORDS

    found: dict[str, None] = dict.fromkeys((*CLICK_WORDS, *CLICK_MESSAGES))
    for _path, command, ctx in commands(group):
        if command.help:
            found[inspect.cleandoc(command.help)] = None
        for param in command.get_params(ctx):
            text = getattr(param, "help", None)
            if isinstance(param, click.Option) and text:
                found[text] = None
    return list(found)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m opsgov.cli_reference docs/cli.md\n")
        return 2
    path = Path(args[0])
    text = path.read_text(encoding="utf-8")
    updated = render(text)
    if updated != text:
        write_atomic(path, updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
