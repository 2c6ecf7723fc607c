"""The command line: options parse into Settings, the library runs, the result is written.

Nothing here analyses anything. No command prints a traceback: an unexpected error is one line
on stderr and exit status 2.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from opsgov import __version__
from opsgov.atomic import write_atomic
from opsgov.config import ConfigError, Settings
from opsgov.engine import check as run_check
from opsgov.reporters import REPORTERS
from opsgov.rules import REGISTRY, canonical
from opsgov.schema import schema_dir

PATH_ARGUMENT = click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except ConfigError as error:
            fail(str(error))
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as error:  # the promise is: never a traceback
            fail(f"internal error: {type(error).__name__}: {error}")


def fail(message: str) -> NoReturn:
    click.echo(f"opsgov: {message}", err=True)
    sys.exit(2)


def emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="opsgov")
def main() -> None:
    """opsgov: governance as code. Proves an organisation declared in YAML is coherent."""


@main.command()
@PATH_ARGUMENT
@click.option(
    "--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True, help="Report format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Lowest level that makes the exit status 1.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULE",
    help="Only these rules (id or family prefix such as approval-); repeatable.",
)
@click.option("--ignore", multiple=True, metavar="RULE", help="Not these rules (id or prefix); repeatable.")
def check(
    path: Path, fmt: str, output: Path | None, fail_on: str, select: tuple[str, ...], ignore: tuple[str, ...]
) -> None:
    """Load, validate, analyse and report on the governance repository at PATH."""
    settings = Settings(root=path, fail_on=fail_on, select=select, ignore=ignore)
    report = run_check(settings)
    emit(REPORTERS[fmt]().render(report), output)
    sys.exit(report.exit_code(settings.fail_on))


@main.command()
@click.argument("rule_id", required=False)
def rules(rule_id: str | None) -> None:
    """List every rule with its level and description; with RULE_ID, print that rule's docs."""
    if rule_id is None:
        width = max(len(r) for r in REGISTRY)
        for rule in REGISTRY.values():
            click.echo(f"{rule.id:<{width}}  {rule.level:<7}  {rule.description}")
        return
    found = REGISTRY.get(canonical(rule_id))
    if found is None:
        fail(f"unknown rule '{rule_id}'; `opsgov rules` lists them")
    rule = found
    click.echo(f"{rule.id} ({rule.level}, {rule.family})\n\n{rule.description}\n")
    if rule.docs:
        click.echo(inspect.cleandoc(rule.docs))
    if rule.options:
        click.echo("\nOptions (opsgov.yaml rules.<id>.options):")
        for name, default in rule.options.items():
            click.echo(f"  {name}: {default!r}")


@main.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the schemas to (created if missing).",
)
def schema(out_dir: Path | None) -> None:
    """The JSON Schemas of every kind, for editors (yaml-language-server) and other tools."""
    source = schema_dir()
    files = sorted(source.glob("*.json"))
    if out_dir is None:
        click.echo(f"# the schemas are in {source}; write them elsewhere with -o DIR")
        for file in files:
            click.echo(file.name)
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for file in files:
            write_atomic(out_dir / file.name, file.read_bytes())
    except OSError as error:
        fail(f"cannot write schemas to {out_dir}: {error.strerror or error}")
    click.echo(f"wrote {len(files)} schemas to {out_dir}; point your editor at {out_dir / 'opsgov.json'}")
