"""The command line: options parse into Settings, the library runs, the result is written.

Nothing here analyses anything. No command prints a traceback unless asked: an unexpected error
is one line on stderr and exit status 2; `opsgov --traceback` (or OPSGOV_DEBUG=1) adds its whole
stack, and the stacks of any internal-error findings, for whoever debugs it.

Start-up: each command imports what it uses inside its function, so `opsgov --version`,
`opsgov rules` or `opsgov check` never load the renderers, networkx, Jinja or Graphviz
(tests/test_startup.py; benchmarks/startup.py measures it). Choices named in decorators are
written here as tuples, kept equal to their owners' by tests.
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
import io
import json
import os
import re
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from opsgov import __version__, escape

if TYPE_CHECKING:
    from opsgov.config.settings import Settings
    from opsgov.model.entities import Model
    from opsgov.progress import Progress
    from opsgov.render.safe import Drawing
    from opsgov.report.finding import Finding
    from opsgov.report.formats.text import TextOptions
    from opsgov.report.report import Report

REPORT_FORMATS = ("github", "gitlab", "json", "junit", "junit-strict", "markdown", "sarif", "text")
"""sorted(report.formats.REPORTERS), named here so that the option does not import every reporter."""
DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot")
"""render.safe.DOT_FORMATS."""
TABLE_FORMATS = ("md", "csv", "html")
"""render.table.TABLE_FORMATS."""
BUNDLE_NAME = "opsgov.bundle.json"
"""load.schema.BUNDLE_NAME."""
COLOR_MODES = ("auto", "always", "never")
"""terminal.COLOR_MODES."""

PATH_ARGUMENT = click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))


def format_option(*choices: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format` with these choices, the first being the default."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help=help)


OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically) instead of standard output.",
)


def today() -> datetime.date:
    """The as-of date when none is given: the one place that reads the clock (the library never does)."""
    return datetime.date.today()


class _Day(click.ParamType):
    """A day `YYYY-MM-DD` (opsgov.model.dates.parse_date), given to the command as a datetime at midnight;
    an impossible day is refused in the words of the YAML date check (`2026-02 has 28 days`)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value
        from opsgov.model.dates import date_error, parse_date

        day = parse_date(value)
        if day is None:
            self.fail(date_error(str(value)) or "", param, ctx)
        return datetime.datetime.combine(day, datetime.time())


DAY = _Day()


AS_OF_OPTION = click.option(
    "--as-of",
    "as_of",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="The organisation in force that day (default: today).",
)


def as_of_day(as_of: datetime.datetime | None) -> datetime.date:
    """The day `--as-of` names, or today when it is not given."""
    return as_of.date() if as_of is not None else today()


def echo(message: str, *, err: bool = False, nl: bool = True) -> None:
    """To the stream as the environment set it up (see `_lenient_streams`), not Click's UTF-8 guess.

    Click would strip colour codes when the stream is not a terminal; the text reporter has already
    decided (`--color`, NO_COLOR, FORCE_COLOR), and data never carries a raw ESC (escape.py).
    """
    click.echo(message, file=sys.stderr if err else sys.stdout, nl=nl, color=True)


def _lenient_streams() -> None:
    """Standard output and error keep their encoding; what it cannot encode is shown as `\\uXXXX`.

    With `PYTHONIOENCODING=ascii`, `LC_ALL=C` (and PYTHONUTF8=0) or a Latin-1 terminal, a Chinese
    title would otherwise end the run with a UnicodeEncodeError halfway through the report.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


DEBUG_VARIABLE = "OPSGOV_DEBUG"


def debugging() -> bool:
    """`opsgov --traceback ...`, or OPSGOV_DEBUG set to anything but empty or 0 (for runs whose
    command line is out of reach, such as a pre-commit hook or a CI action)."""
    context = click.get_current_context(silent=True)
    if context is not None and context.find_root().params.get("show_traceback"):
        return True
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


# --- the language of the command line: --lang before or after the command, else the environment -------

LANG_META = "opsgov.lang"
"""Where --lang is kept in the context's `meta`, which every nested context shares."""

CLICK_WORDS = (
    "Usage: ",
    "Options",
    "Commands",
    "Arguments",
    "default: ",
    "required",
    "Show this message and exit.",
    "Show the version and exit.",
)
"""Click's own words on a help page, translated like the commands' help (opsgov.cli_reference.help_texts)."""

CLICK_MESSAGES = (
    "Error: {message}",
    "Try '{command} {option}' for help.",
    "Aborted!",
    "Missing command.",
    "Got unexpected extra argument ({args})",
    "Got unexpected extra arguments ({args})",
    "Did you mean {possibility}?",
    "(Did you mean one of: {possibilities}?)",
    "Invalid value: {message}",
    "Invalid value for {param_hint}: {message}",
    "Missing argument",
    "Missing option",
    "Missing parameter",
    "Missing {param_type}",
    "Missing parameter: {param_name}",
    "No such option {name!r}.",
    "No such command {name!r}.",
    "Option {name!r} does not take a value.",
    "Option {name!r} requires an argument.",
    "Option {name!r} requires {nargs} arguments.",
    "{value!r} is not {choice}.",
    "{value!r} is not one of {choices}.",
    "{value!r} is not a valid {number_type}.",
    "{value} is not in the range {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}",
    "file",
    "directory",
    "path",
    "{name} {filename!r} does not exist.",
    "{name} {filename!r} is a file.",
    "{name} {filename!r} is a directory.",
    "{name} {filename!r} is not readable.",
    "{name} {filename!r} is not writable.",
)
"""Click's own usage errors (an unknown option, a bad choice, a missing argument). Click words them
through the standard library's gettext, which reads only compiled catalogues of the environment's
language; `_speak_click` hands them to opsgov's catalogue and the command line's language instead
(opsgov.cli_reference.help_texts puts them in the catalogue)."""

_ARGV_LANG: list[str] = []
"""The `--lang` of the command line being run (`_Group.main`), read before Click parses anything."""


def _click_says(message: str) -> str:
    """Click's `_`: `message` in the language being spoken, else in the command line's (--lang, else
    the environment): a usage error is shown before any command speaks."""
    from opsgov.i18n import ENGLISH, current, speaking

    if current() != ENGLISH:
        return _(message)
    with speaking(_language_asked(_ARGV_LANG[-1] if _ARGV_LANG else "")):
        return _(message)


def _click_says_counted(singular: str, plural: str, count: int) -> str:
    return _click_says(singular if count == 1 else plural)


def _speak_click() -> None:
    """Click's modules say their messages through `_click_says` (each bound gettext's at import)."""
    import click.core
    import click.exceptions
    import click.parser
    import click.types

    for module in (click.core, click.exceptions, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _click_says  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_says_counted  # type: ignore[attr-defined]


def _(message: str) -> str:
    """`message` in the language being spoken (opsgov.i18n._, imported only when something is said:
    `opsgov --version` imports nothing of the library). The command line speaks `command_language`
    (`_Group.invoke`, help pages), a run its own language."""
    from opsgov.i18n import _ as translate

    return translate(message)


def _asked_in(args: list[str]) -> str | None:
    """The value of `--lang X` or `--lang=X` among a command's own arguments, before Click parses them:
    `--help` may come first, and the help page must already speak the language."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _store_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    from opsgov.i18n import spoken

    try:
        spoken(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    ctx.meta[LANG_META] = value


def lang_option() -> click.Option:
    """--lang, accepted by the group and by every command (`opsgov --lang zh-CN check`, `opsgov check --lang zh-CN`)."""
    return click.Option(
        ["--lang"],
        metavar="LANG",
        expose_value=False,
        callback=_store_lang,
        help="Language of messages, reports and help: en or zh-CN (default: opsgov.yaml lang, else the "
        "Organization's locale, else LANGUAGE, LC_ALL, LC_MESSAGES or LANG).",
    )


def command_language(ctx: click.Context | None) -> str:
    """The language of what the command line itself says (help, usage errors): --lang, else the environment.

    Only a run knows opsgov.yaml and the Organization; before it, the command line speaks this.
    """
    return _language_asked(str(ctx.meta.get(LANG_META) or "") if ctx is not None else "")


def _language_asked(asked: str) -> str:
    """`asked` (a --lang) when there are messages in it, else the environment's language."""
    from opsgov.i18n import choose

    try:
        return choose(asked, "")
    except ValueError:  # an unknown --lang: the usage error says so, in the environment's language
        return choose("", "")


class _Formatter(click.HelpFormatter):
    """Click's help page with its words and the commands' texts in the language being spoken.

    The texts are written in English where the commands are defined (Click reads them then); they
    are looked up in the catalogue here, when the page is written, so `--lang` and LANG are known.
    """

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_(name))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_('{heading}:').format(heading=heading)}\n")

    def write_text(self, text: str) -> None:
        translated = _(text)
        if not _wide(translated):
            super().write_text(translated)
            return
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", translated.strip())]
        lines = ["\n".join(_wrapped(p, self.width, self.current_indent)) for p in paragraphs]
        self.write("\n\n".join(lines) + "\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        """Click's definition list; one whose texts hold Chinese is wrapped counting a wide character
        as two columns (Click counts one, and a Chinese page would overflow the terminal)."""
        rows = [(term, _option_help(text)) for term, text in rows]
        if not any(_wide(text) for _term, text in rows):
            super().write_dl(rows, col_max, col_spacing)
            return
        first_col = min(max(click.formatting.term_len(term) for term, _text in rows), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if click.formatting.term_len(term) <= first_col - col_spacing:
                self.write(" " * (first_col - click.formatting.term_len(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrapped(text, max(self.width - first_col - 2, 10), 0)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def _shortened(text: str, limit: int) -> str:
    """`text` in at most `limit` columns (a wide character counts two), cut with `…` as Click cuts with `...`."""
    from opsgov.terminal import char_width, text_width

    if text_width(text) <= limit:
        return text
    kept, used = [], 0
    for char in text:
        used += char_width(char)
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _wide(text: str) -> bool:
    from opsgov.terminal import char_width

    return any(char_width(char) == 2 for char in text)


def _wrapped(text: str, width: int, indent: int) -> list[str]:
    """One paragraph in lines of at most `width` columns, every line indented by `indent`; Chinese
    breaks between characters (opsgov.terminal.wrap, the text report's wrapping)."""
    from opsgov.terminal import render, wrap

    return [render(line, color=False).rstrip() for line in wrap([(" " * indent + text, "")], width, indent)]


def _option_help(text: str) -> str:
    """An option's help with Click's `  [default: x; required]` after it, each part translated."""
    words, bracket, extra = text.partition("  [")
    if not bracket and text.startswith("["):
        words, extra = "", text[1:]
    translated = _(words) if words else ""
    if not extra:
        return translated
    extra = extra.replace("default: ", _("default: ")).replace("required", _("required"))
    return f"{translated}  [{extra}" if translated else f"[{extra}"


class _Context(click.Context):
    formatter_class = _Formatter


class _Translated(click.Command):
    """Help and usage in the command line's language; --lang after the command as well as before it."""

    context_class = _Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(param.name == "lang" for param in self.params):  # `schema --lang` has its own meaning
            self.params.append(lang_option())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        asked = _asked_in(args)
        if asked is not None:
            ctx.meta.setdefault(LANG_META, asked)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """The command speaks the command line's language (its usage errors, notes and outputs outside
        a run); a run speaks its own (opsgov.yaml, the Organization: pipeline.language_of)."""
        from opsgov.i18n import speaking

        with speaking(command_language(ctx)):
            return super().invoke(ctx)

    def get_help(self, ctx: click.Context) -> str:
        from opsgov.i18n import speaking

        with speaking(command_language(ctx)):
            return super().get_help(ctx)

    def get_usage(self, ctx: click.Context) -> str:
        from opsgov.i18n import speaking

        with speaking(command_language(ctx)):
            return super().get_usage(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first sentence of the help, translated (Chinese ends it with 。)."""
        english = super().get_short_help_str(limit)
        if not self.help:
            return english
        whole = inspect.cleandoc(self.help)
        translated = _(whole)
        if translated == whole:
            return english
        sentence = translated.split("\n\n")[0].replace("\n", "").split("。")[0].rstrip("：:")
        return _shortened(sentence, limit)


class _SubGroup(_Translated, click.Group):
    command_class = _Translated


_SubGroup.group_class = _SubGroup


class _Group(_SubGroup):
    """The `opsgov` group: a run without a traceback (see the module's docstring)."""

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        """Click's own usage errors speak the command line's language too (`_speak_click`)."""
        asked = _asked_in(list(sys.argv[1:] if args is None else args))
        _ARGV_LANG[:] = [asked] if asked else []
        _speak_click()
        return super().main(args, *rest, **options)

    def invoke(self, ctx: click.Context) -> Any:
        _lenient_streams()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:  # `opsgov rules | head`: the reader left; nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as error:  # the promise is: no traceback unless asked for one
            from opsgov.config.settings import ConfigError  # a command that raises it has imported it

            if isinstance(error, ConfigError):
                fail(str(error))
            if debugging():
                echo("".join(traceback.format_exception(error)), err=True, nl=False)
                fail(_("internal error: {kind}: {error}").format(kind=type(error).__name__, error=error))
            fail(
                _("internal error: {kind}: {error} (`opsgov --traceback ...` or {variable}=1 shows where)").format(
                    kind=type(error).__name__, error=error, variable=DEBUG_VARIABLE
                )
            )


def show_traces(report: Report) -> None:
    """With --traceback, the stack of every internal-error finding goes to stderr too."""
    if not debugging():
        return
    for finding in report.findings:
        if finding.trace:
            echo(f"opsgov: {finding.message}\n{finding.trace}", err=True, nl=False)


def asked_language() -> str:
    """The global `--lang`, when given (the commands' settings carry it into the run)."""
    context = click.get_current_context(silent=True)
    return str(context.meta.get(LANG_META) or "") if context is not None else ""


def load_settings(root: Path, **options: Any) -> Settings:
    """Settings from opsgov.yaml and the command line, with the global --lang over opsgov.yaml's `lang`."""
    from opsgov.config.project import load_settings as project_settings

    settings = project_settings(root, **options)
    settings.lang = asked_language() or settings.lang
    return settings


def say(message: str) -> None:
    """A note on stderr, after `opsgov: ` (what was left out, what was written)."""
    echo(f"opsgov: {message}", err=True)


def fail(message: str) -> NoReturn:
    """One line on stderr (a control character in a name or argument is shown escaped), exit status 2."""
    echo(f"opsgov: {escape.text(message)}", err=True)
    sys.exit(2)


def guard(settings: Settings, output: Path | None) -> None:
    """Before any work: refuse an output file that is an input or lies among the documents (outputs.py)."""
    from opsgov.outputs import guard_output, repository_inputs

    if output is not None:
        guard_output(output, repository_inputs(settings))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # replaced by a test, or closed
        return False


def text_options(color_mode: str, output: Path | None, source_root: Path | None) -> TextOptions:
    """Colour and width for where the text report goes: the terminal's, or none for a file or a pipe.

    NO_COLOR and FORCE_COLOR speak about standard output; a file (-o) is coloured only with
    `--color always`. Wrapping is for a terminal only, so piped and saved reports keep one line
    per finding.
    """
    from opsgov.report.formats.text import TextOptions
    from opsgov.terminal import use_color

    if output is not None:
        return TextOptions(color=color_mode == "always", source_root=source_root)
    tty = _isatty(sys.stdout)
    width = shutil.get_terminal_size().columns if tty else None
    return TextOptions(color=use_color(color_mode, isatty=tty, env=os.environ), width=width, source_root=source_root)


@contextlib.contextmanager
def progress_on_stderr() -> Iterator[Progress | None]:
    """A progress callback for the library when standard error is a terminal (else None), cleared at the end."""
    if not _isatty(sys.stderr):
        yield None
        return
    from opsgov.terminal import ProgressLine

    line = ProgressLine(sys.stderr.write, sys.stderr.flush, width=shutil.get_terminal_size().columns)
    try:
        yield line.update
    finally:
        line.clear()


def emit(text: str, output: Path | None) -> None:
    if output is None:
        echo(text, nl=False)
        return
    from opsgov.atomic import write_atomic

    try:
        write_atomic(output, text)
    except OSError as error:
        fail(_("cannot write {file}: {error}").format(file=output, error=error.strerror or error))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="opsgov")
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help=f"On an internal error, print the whole Python stack on stderr (also: {DEBUG_VARIABLE}=1).",
)
def main(show_traceback: bool) -> None:
    """opsgov: governance as code. Proves an organisation declared in YAML is coherent."""


@main.command()
@PATH_ARGUMENT
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Report format."
)
@OUTPUT_OPTION
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default=None,
    help="Lowest level that makes the exit status 1 (default: opsgov.yaml's failOn, else error).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULE",
    help="Only these rules (id or family prefix such as approval-); repeatable.",
)
@click.option("--ignore", multiple=True, metavar="RULE", help="Not these rules (id or prefix); repeatable.")
@click.option("--base", metavar="REV", help="Report only findings not also found at git revision REV.")
@click.option(
    "--as-of",
    "--today",
    "as_of",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="Check the organisation in force that day, and expire waivers against it (default: today); "
    "--today is an alias.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that parse files in parallel (default: the number of cores; repositories under 2 MB of YAML "
    "use one).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record today's findings in FILE (then --baseline FILE reports only new ones); exit 0.",
)
@click.option(
    "--color",
    "color_mode",
    type=click.Choice(COLOR_MODES),
    default="auto",
    show_default=True,
    help="Colour the text report: auto follows NO_COLOR, FORCE_COLOR and whether standard output is a terminal.",
)
@click.option(
    "--show-source",
    is_flag=True,
    help="Under each finding of the text report, its YAML line with a caret at the column.",
)
def check(
    path: Path,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    base: str | None,
    as_of: datetime.datetime | None,
    baseline: Path | None,
    write_baseline: Path | None,
    jobs: int | None,
    color_mode: str,
    show_source: bool,
) -> None:
    """Load, validate, analyse and report on the governance repository at PATH (and its opsgov.yaml).

    On a terminal the text report is coloured and wrapped to its width, and a run that takes more
    than two seconds shows its progress on standard error.
    """
    if show_source and fmt != "text":
        fail(_("--show-source shows YAML lines in the text report, not in --format {format}").format(format=fmt))
    from opsgov.outputs import guard_output, repository_inputs
    from opsgov.pipeline import check as run_check
    from opsgov.report.formats import REPORTERS
    from opsgov.report.formats.text import TextReporter
    from opsgov.rules import REGISTRY

    settings = load_settings(
        path, as_of=as_of_day(as_of), fail_on=fail_on, select=select, ignore=ignore, baseline=baseline
    )
    settings.jobs = jobs or os.cpu_count() or 1
    if output is not None or write_baseline is not None:
        inputs = repository_inputs(settings)
        if output is not None:
            guard_output(output, inputs)
        if write_baseline is not None:
            guard_output(write_baseline, inputs if baseline is None else inputs.but(baseline))
    with progress_on_stderr() as progress:
        if base is not None:
            from opsgov.commands.base import check_since

            report, known = check_since(settings, base, progress=progress)
        else:
            report, known = run_check(settings, REGISTRY, progress=progress), 0
    reporter = REPORTERS[fmt]()
    if fmt == "text":
        reporter = TextReporter(text_options(color_mode, output, settings.root if show_source else None))
    emit(reporter.render(report), output)
    show_traces(report)
    if fmt == "github":
        append_step_summary(report)
    if report.baselined:
        say(_("{count} finding(s) recorded in {baseline} not shown").format(count=report.baselined, baseline=baseline))
    if known:
        say(_("{count} finding(s) also found at {base} not shown").format(count=known, base=base))
    if write_baseline is not None:
        from opsgov.report.baseline import write_baseline as save_baseline

        recorded = save_baseline(write_baseline, report.findings)
        say(_("recorded {count} finding(s) in {file}").format(count=recorded, file=write_baseline))
        sys.exit(2 if any(f.rule == "internal-error" for f in report.findings) else 0)
    sys.exit(report.exit_code(settings.fail_on))


@main.command()
@click.argument("rule_id", required=False)
def rules(rule_id: str | None) -> None:
    """List every rule with its level and description; with RULE_ID, print that rule's docs (docs/rules.md)."""
    from opsgov.rules import REGISTRY, canonical
    from opsgov.rules.docs import policy_rule_text, rule_listing, rule_text

    if rule_id is None:
        echo(rule_listing(REGISTRY.values()), nl=False)
    elif rule_id.startswith("policy/") and rule_id != "policy/":
        echo(policy_rule_text(rule_id), nl=False)
    elif (found := REGISTRY.get(canonical(rule_id))) is None:
        fail(_("unknown rule '{rule}'; `opsgov rules` lists them").format(rule=rule_id))
    else:
        echo(rule_text(found), nl=False)


@main.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the schemas to (created if missing).",
)
@click.option(
    "--bundle",
    is_flag=True,
    help=f"One self-contained Draft-07 schema ({BUNDLE_NAME}) for the VS Code YAML extension, instead of the files.",
)
@click.option(
    "--lang",
    metavar="LANG",
    help="Write the bundle's descriptions in this language (zh-CN; default English).",
)
def schema(out_dir: Path | None, bundle: bool, lang: str | None) -> None:
    """The JSON Schemas of every kind, for editors (yaml-language-server) and other tools."""
    from opsgov.atomic import write_atomic
    from opsgov.load.schema import bundle_schemas, schema_dir
    from opsgov.outputs import guard_output, inside_target, repository_inputs

    if lang is not None and not bundle:
        fail(_("--lang translates the editor bundle: add --bundle"))
    if out_dir is not None:
        guard_output(out_dir, repository_inputs(_here()), folder=True, what="the schemas")
    if bundle:
        try:
            bundled = bundle_schemas(lang)
        except LookupError as error:
            fail(str(error.args[0]))
        text = json.dumps(bundled, ensure_ascii=False, indent=2) + "\n"
        if out_dir is None:
            echo(text, nl=False)
            return
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(inside_target(out_dir, BUNDLE_NAME), text.encode("utf-8"))
        except OSError as error:
            fail(
                _("cannot write the schema to {folder}: {error}").format(folder=out_dir, error=error.strerror or error)
            )
        echo(f"wrote {out_dir / BUNDLE_NAME}; point your editor at it")
        return
    source = schema_dir()
    files = sorted(source.glob("*.json"))
    if out_dir is None:
        echo(f"# the schemas are in {source}; write them elsewhere with -o DIR")
        for file in files:
            echo(file.name)
        return
    for file in files:
        inside_target(out_dir, file.name)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for file in files:
            write_atomic(inside_target(out_dir, file.name), file.read_bytes())
    except OSError as error:
        fail(_("cannot write schemas to {folder}: {error}").format(folder=out_dir, error=error.strerror or error))
    echo(
        f"wrote {len(files)} schemas to {out_dir} (Draft 2020-12, for other tools); for VS Code's YAML extension "
        f"write the Draft-07 bundle: opsgov schema --bundle -o {out_dir}"
    )


def _here() -> Settings:
    """The repository in the current folder, whose documents `schema -o` must not land among."""
    from opsgov.config.settings import ConfigError, Settings

    try:
        return load_settings(Path("."), as_of=today())
    except ConfigError:  # a broken opsgov.yaml here: its default folders are still the documents
        return Settings(root=Path("."), as_of=today())


@main.command("who-approves")
@click.argument("matrix")
@click.argument("args", nargs=-1, metavar="[AMOUNT] [PATH]")
@format_option("text", "json", help="Output format.")
@AS_OF_OPTION
def who_approves(matrix: str, args: tuple[str, ...], fmt: str, as_of: datetime.datetime | None) -> None:
    """The band, approvers, mode and escalation of approval matrix MATRIX (name or title) for AMOUNT (a plain number).

    A decision right without an amount (quantity: none) takes no AMOUNT. PATH defaults to the
    current folder; a single argument is the AMOUNT when it is a number, else the PATH.
    Delegates in force that may approve in an approver's place are listed with the Delegation and
    its window, and those a Delegation scheduled within the horizon will add, from its first day.
    Exit status 1 when no band or more than one band covers the amount.
    """
    from opsgov.commands.who_approves import answer_who_approves, split_amount_path

    amount, path = split_amount_path(args)
    path = click.Path(file_okay=False, path_type=Path).convert(path, None, click.get_current_context())
    text, status = answer_who_approves(path, matrix, amount, fmt, as_of=as_of_day(as_of), lang=asked_language())
    echo(text, nl=False)
    sys.exit(status)


@main.group()
def graph() -> None:
    """The governance graph: every entity a node, every reference a typed edge."""


@graph.command("export")
@PATH_ARGUMENT
@format_option("graphml", "json", help="Graph format.")
@OUTPUT_OPTION
@AS_OF_OPTION
def graph_export(path: Path, fmt: str, output: Path | None, as_of: datetime.datetime | None) -> None:
    """The graph as GraphML or node-link JSON, for yEd, Gephi or networkx; byte-stable."""
    from opsgov.commands.export import export
    from opsgov.pipeline import check as run_check

    settings = load_settings(path, as_of=as_of_day(as_of))
    guard(settings, output)
    report = run_check(settings)
    show_traces(report)
    assert report.model is not None
    errors = report.counts()["error"]
    if errors:
        note = _(
            "{count} errors in {path} (see `opsgov check`); documents that failed validation are not in the graph"
        ).format(count=errors, path=path)
        say(_("note: {note}").format(note=note))
    emit(export(report.model, fmt), output)


@main.command()
@click.argument("ref")
@PATH_ARGUMENT
@format_option("text", "json", help="Output format.")
@AS_OF_OPTION
def explain(ref: str, path: Path, fmt: str, as_of: datetime.datetime | None) -> None:
    """Everything about one entity (REF: a name, Kind/name or title): place, duties, processes, approvals, KPIs."""
    from opsgov.commands.explain import ExplainError
    from opsgov.commands.explain import explain as explain_entity
    from opsgov.pipeline import check as run_check

    settings = load_settings(path, as_of=as_of_day(as_of))
    report = run_check(settings)
    show_traces(report)
    try:
        page = explain_entity(report, ref, settings.horizon)
    except ExplainError as error:
        fail(str(error))
    echo(page.to_json() if fmt == "json" else page.text(), nl=False)


def append_step_summary(report: Report) -> None:
    """In GitHub Actions, the Markdown summary also goes to the job's summary page."""
    from opsgov.report.formats.markdown import render_markdown

    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write(render_markdown(report, os.environ))
    except OSError as error:
        fail(
            _("cannot append to GITHUB_STEP_SUMMARY {file}: {error}").format(
                file=summary, error=error.strerror or error
            )
        )


@main.command()
@click.argument("revisions", nargs=-1, metavar="BASE [HEAD] [PATH]")
@format_option("markdown", "json", help="Report format.")
@OUTPUT_OPTION
def diff(revisions: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Governance changes between git revision BASE and HEAD (default: the working tree) of PATH.

    Units and posts added, removed or moved, reporting lines, duty owners, boundaries, approval
    authority per approver, KPI targets and thresholds, and findings introduced and fixed. With
    two arguments, the second is PATH when it is an existing folder, else HEAD.
    """
    from opsgov.commands.diff import diff_revisions, render_json
    from opsgov.report.formats.diff_markdown import render_markdown as render_diff_markdown

    if not revisions or len(revisions) > 3:
        fail(_("diff takes BASE [HEAD] [PATH]"))
    base, head, path = revisions[0], None, Path(".")
    if len(revisions) == 3:
        head, path = revisions[1], Path(revisions[2])
    elif len(revisions) == 2:
        if Path(revisions[1]).is_dir():
            path = Path(revisions[1])
        else:
            head = revisions[1]
    settings = load_settings(path, as_of=today())
    guard(settings, output)
    change = diff_revisions(settings, base, head)
    emit(render_json(change) if fmt == "json" else render_diff_markdown(change), output)


# --- render and handbook (diagrams, tables, the static handbook) ---------------------------------


def _render_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...], default: str) -> str:
    """`--format` wins; otherwise the output file's extension (none: the default).

    An extension that is none of the formats is a usage error rather than, say, SVG written into
    chart.jpg: the reader would find out only when the file does not open.
    """
    if fmt:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    suffix = {"markdown": "md", "htm": "html", "gv": "dot"}.get(suffix, suffix)
    if not suffix:
        return default
    if suffix not in allowed:
        fail(
            _("cannot tell the format from {file}: write {formats} as its extension, or give --format").format(
                file=output, formats=", ".join(allowed)
            )
        )
    return suffix


ORGCHART_LAYOUTS = ("tree", "compact", "left-right")
"""render.orgchart.LAYOUTS, named here: `opsgov --help` does not import the renderer (a test keeps them equal)."""
PAGE_SIZES = ("A4", "A3")


def _render(
    path: Path,
    output: Path | None,
    fmt: str | None,
    formats: tuple[str, ...],
    draw: Callable[[Model, str, Settings], str | bytes | Drawing],
    check: Callable[[str], None] | None = None,
    *,
    as_of: datetime.datetime | None = None,
) -> None:
    """Load PATH, draw in the chosen format (the first of `formats` by default) and write or print it.

    `check` refuses options that do not fit the chosen format before anything is loaded; a
    drawing's warnings (a PNG scaled down to fit) go to stderr.
    """
    from opsgov.i18n import speaking
    from opsgov.pipeline import language_of, load_model
    from opsgov.render.safe import Drawing, RenderError

    chosen = _render_format(fmt, output, formats, formats[0])
    if check is not None:
        check(chosen)
    settings = load_settings(path, as_of=as_of_day(as_of))
    guard(settings, output)
    # Drawn even when the check has findings: what cannot be drawn (an unresolved reference) is skipped.
    model = load_model(settings)
    try:
        with speaking(language_of(settings, model)):  # labels and headers in the run's language
            content = draw(model, chosen, settings)
    except RenderError as error:
        fail(str(error))
    if isinstance(content, Drawing):
        for warning in content.warnings:
            say(_("warning: {warning}").format(warning=escape.text(warning)))
        content = content.data
    _render_emit(content, output, chosen)


def _render_emit(content: str | bytes, output: Path | None, fmt: str) -> None:
    if output is None:
        if isinstance(content, bytes) and fmt in ("png", "pdf"):
            fail(_("{format} is binary: write it to a file with -o FILE").format(format=fmt))
        echo(content.decode("utf-8") if isinstance(content, bytes) else content, nl=False)
        return
    from opsgov.atomic import write_atomic

    try:
        write_atomic(output, content)
    except OSError as error:
        fail(_("cannot write {file}: {error}").format(file=output, error=error.strerror or error))


@main.group()
def render() -> None:
    """Diagrams and tables: org chart, process swimlanes, RACI matrix, approval tables."""


@render.command("orgchart")
@PATH_ARGUMENT
@OUTPUT_OPTION
@click.option("--format", "fmt", type=click.Choice(DIAGRAM_FORMATS), help="Default: from -o, else svg.")
@click.option("--root", metavar="UNIT", help="Draw only this unit and what is below it.")
@click.option("--depth", type=click.IntRange(min=0), metavar="N", help="Levels below the root to draw.")
@click.option("--positions/--no-positions", default=True, show_default=True, help="List the posts in each unit.")
@click.option("--people", is_flag=True, help="Name the holders of each post.")
@click.option(
    "--layout",
    type=click.Choice(ORGCHART_LAYOUTS),
    default="tree",
    show_default=True,
    help="tree: leaf units in columns, wide levels wrapped; compact: leaf units in a shaded panel; "
    "left-right: every level a column.",
)
@click.option("--dpi", type=click.IntRange(min=10, max=1200), metavar="N", help="Resolution of a PNG (default 96).")
@click.option(
    "--page",
    type=click.Choice(PAGE_SIZES),
    help="A PDF for printing: an overview page, then one page per subtree, each fitted to this paper size.",
)
@AS_OF_OPTION
def render_orgchart_command(
    path: Path,
    output: Path | None,
    fmt: str | None,
    root: str | None,
    depth: int | None,
    positions: bool,
    people: bool,
    layout: str,
    dpi: int | None,
    page: str | None,
    as_of: datetime.datetime | None,
) -> None:
    """The org chart of PATH: the unit tree top-down, dotted lines dashed, vacant and frozen posts marked.

    A chart that Graphviz has to scale down to fit its bitmap limit (32,767 pixels a side) is
    written with a warning on stderr.
    """
    from opsgov.render.orgchart import OrgChartOptions, draw_orgchart, orgchart_pages

    options = OrgChartOptions(root, depth, positions, people, layout=layout)

    def check(chosen: str) -> None:
        if page is not None and chosen != "pdf":
            fail(_("--page makes a PDF: write -o FILE.pdf or give --format pdf (not {format})").format(format=chosen))
        if dpi is not None and chosen != "png":
            fail(
                _("--dpi sets the resolution of a PNG: write -o FILE.png or give --format png (not {format})").format(
                    format=chosen
                )
            )

    def draw(model: Model, chosen: str, _settings: Settings) -> Drawing:
        if page is not None:
            return orgchart_pages(model, options, page)
        return draw_orgchart(model, chosen, options, dpi=dpi)

    _render(path, output, fmt, DIAGRAM_FORMATS, draw, check, as_of=as_of)


@render.command("process")
@click.argument("name")
@PATH_ARGUMENT
@OUTPUT_OPTION
@click.option("--format", "fmt", type=click.Choice(DIAGRAM_FORMATS), help="Default: from -o, else svg.")
@AS_OF_OPTION
def render_process_command(
    name: str, path: Path, output: Path | None, fmt: str | None, as_of: datetime.datetime | None
) -> None:
    """Process NAME as swimlanes by unit: steps, approvals with their matrix, SLAs, start and end."""
    from opsgov.render.process import find_process, render_process

    _render(
        path,
        output,
        fmt,
        DIAGRAM_FORMATS,
        lambda model, chosen, _settings: render_process(model, find_process(model, name), chosen),
        as_of=as_of,
    )


@render.command("raci")
@PATH_ARGUMENT
@OUTPUT_OPTION
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), help="Default: from -o, else md.")
@click.option("--by", type=click.Choice(["post", "unit"]), default="post", show_default=True, help="Rows.")
@click.option("--process", "process_name", metavar="NAME", help="Only this process.")
@AS_OF_OPTION
def render_raci_command(
    path: Path, output: Path | None, fmt: str | None, by: str, process_name: str | None, as_of: datetime.datetime | None
) -> None:
    """The RACI matrix: posts x steps, or with --by unit, units x processes.

    CSV starts with a UTF-8 byte order mark, so Excel (also on Chinese Windows) opens it as UTF-8.
    """
    from opsgov.render.raci import raci_table
    from opsgov.render.table import render_tables
    from opsgov.render.words import words

    def draw(model: Model, chosen: str, _settings: Settings) -> str:
        return render_tables([raci_table(model, by=by, process=process_name)], chosen, words().raci)

    _render(path, output, fmt, TABLE_FORMATS, draw, as_of=as_of)


@render.command("approvals")
@PATH_ARGUMENT
@OUTPUT_OPTION
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), help="Default: from -o, else md.")
@AS_OF_OPTION
def render_approvals_command(path: Path, output: Path | None, fmt: str | None, as_of: datetime.datetime | None) -> None:
    """The delegation-of-authority table: per matrix, bands in words, approvers, mode, escalation.

    Markdown and HTML give one table per matrix, grouped by category, then the Delegations in force
    and those scheduled within the horizon (opsgov.yaml `horizon`), each marked in force or
    scheduled from its first day; CSV gives one table of the matrices whose first columns name the
    matrix (id and title), then, after a blank line, the same table of Delegations, and starts with
    a UTF-8 byte order mark, so Excel (also on Chinese Windows) opens it as UTF-8.
    """
    from opsgov.render.approvals_table import approvals_sheets, approvals_tables
    from opsgov.render.table import render_tables
    from opsgov.render.words import words

    def draw(model: Model, chosen: str, settings: Settings) -> str:
        sheets = approvals_sheets if chosen == "csv" else approvals_tables
        tables = sheets(model, settings.horizon)
        return render_tables(tables, chosen, words().approvals)

    _render(path, output, fmt, TABLE_FORMATS, draw, as_of=as_of)


@main.command()
@PATH_ARGUMENT
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write; a previous handbook there is replaced as a whole. Required unless --serve.",
)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
@click.option("--serve", is_flag=True, help="Preview on 127.0.0.1: rebuild when a file changes, the page reloads.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port of --serve.")
@AS_OF_OPTION
def handbook(
    path: Path, out_dir: Path | None, fmt: str, serve: bool, port: int, as_of: datetime.datetime | None
) -> None:
    """A static handbook of PATH in DIR that works offline: org chart, units, processes, approvals, KPIs, findings.

    With --serve, a live preview on 127.0.0.1 that rebuilds when a file changes.
    """
    from opsgov.outputs import guard_output, repository_inputs
    from opsgov.pipeline import check as run_check
    from opsgov.render.handbook import build_site, write_site
    from opsgov.render.safe import RenderError

    if out_dir is None and not serve:
        fail(_("give the folder to write with -o DIR (or preview with --serve)"))
    if serve and fmt != "html":
        fail(_("--serve previews the HTML handbook; leave out --format md"))

    started = time.monotonic()

    def progress(message: str) -> None:
        echo(f"{message} ({time.monotonic() - started:.1f} s)", err=True)

    def build(target: Path, source_root: str | None = None) -> int:
        settings = load_settings(path, as_of=as_of_day(as_of))
        guard_output(target, repository_inputs(settings), folder=True, what="the handbook")
        report = run_check(settings)
        show_traces(report)
        if source_root is None:
            source_root = os.path.relpath(settings.root.absolute(), target.absolute()).replace(os.sep, "/") + "/"
        files = build_site(
            report,
            fmt,
            source_url=settings.source_url,
            source_root=source_root,
            progress=progress,
            horizon=settings.horizon,
        )
        write_site(files, target)
        return len(files)

    if serve:
        _serve_handbook(path, out_dir, port, build)
        return
    assert out_dir is not None
    try:
        count = build(out_dir)
    except RenderError as error:
        fail(str(error))
    except OSError as error:
        fail(_("cannot write the handbook to {folder}: {error}").format(folder=out_dir, error=error.strerror or error))
    echo(f"wrote {count} files to {out_dir}; open {out_dir / ('index.' + fmt)}")


def _serve_handbook(path: Path, out_dir: Path | None, port: int, build: Callable[[Path, str | None], int]) -> None:
    import shutil
    import signal
    import tempfile

    from opsgov.render.preview import SOURCE_ROOT, Preview, snapshot

    settings = load_settings(path, as_of=today())
    target = out_dir if out_dir is not None else Path(tempfile.mkdtemp(prefix="opsgov-handbook-")) / "site"

    def log(message: str) -> None:
        echo(message, err=True)

    def rebuild() -> None:
        build(target, SOURCE_ROOT)

    try:
        preview = Preview(
            rebuild,
            target,
            lambda: snapshot(settings.root, settings.paths),
            source_root=settings.root,
            port=port,
            log=log,
        )
    except OSError as error:
        fail(
            _("cannot serve on 127.0.0.1:{port}: {error} (choose another --port)").format(
                port=port, error=error.strerror or error
            )
        )

    def stop(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the preview as Ctrl-C does, removing its temporary folder

    signal.signal(signal.SIGTERM, stop)
    try:
        if not preview.rebuild():
            fail(_("the first build failed; nothing to serve"))
        log(f"serving {path} at {preview.url} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            preview.run()
    finally:
        preview.close()
        if out_dir is None:
            shutil.rmtree(target.parent, ignore_errors=True)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (overwrites the starter's files).")
def init(directory: Path, force: bool) -> None:
    """A small starter repository in DIRECTORY that checks clean: organisation, policy, waiver, opsgov.yaml, README."""
    from opsgov.commands.init import scaffold

    written = scaffold(directory, today=today(), force=force)
    echo(f"wrote {len(written)} files to {directory}; next: opsgov check {directory}")


# --- tables: import, export, sync (opsgov.tables) ------------------------------------------------

TODAY_OPTION = click.option(
    "--today",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="The day whose holdings count (default: today): former and future holders are not holders.",
)


def _table_report(
    findings: list[Finding], files: int, documents: int, fmt: str, output: Path | None, lang: str
) -> Report:
    from opsgov.report.formats import REPORTERS
    from opsgov.report.report import Report

    report = Report(files=files, documents=documents, findings=sorted(findings), lang=lang)
    if findings or fmt != "text":
        emit(REPORTERS[fmt]().render(report), output)
    return report


@main.command("import")
@click.argument("tables", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the repository to (created; must be new or empty unless --force).",
)
@click.option("--sheet", help="The sheet of an XLSX workbook to read (default: every sheet with a known header).")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="HEADER=field",
    help="Read column HEADER as field (unit_code, unit, position, reports_to, headcount, name, ...); repeatable.",
)
@click.option("--force", is_flag=True, help="Replace a folder that is not empty, as a whole.")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Findings format."
)
def import_command(
    tables: tuple[Path, ...], out_dir: Path, sheet: str | None, mapping: tuple[str, ...], force: bool, fmt: str
) -> None:
    """Import a roster (CSV, XLSX or SCIM JSON) and DoA sheets into a new repository in DIR.

    One row per person in a post, or per post; columns are recognised by header in Chinese or
    English (docs/import.md). Rows that cannot be imported are findings at their row and column;
    the rest is written. Exit status 1 when a row or cell was left out.
    """
    from opsgov.i18n import _, choose, speaking
    from opsgov.outputs import guard_output, repository_inputs
    from opsgov.tables.imports import COUNTED, run_import
    from opsgov.tables.read import TableError

    here = _here()
    lang = asked_language() or here.lang  # --lang, else ./opsgov.yaml's (the run's language: run_import)
    try:
        choose(lang, "")
    except ValueError as error:
        fail(str(error))
    guard_output(out_dir, repository_inputs(here, tables), folder=True, what="the import")
    try:
        result = run_import(list(tables), out_dir, sheet=sheet, mapping=mapping, force=force, lang=lang)
    except TableError as error:
        fail(str(error))
    except OSError as error:
        with speaking(choose(lang, "")):
            fail(_("cannot write {folder}: {error}").format(folder=out_dir, error=error.strerror or error))
    with speaking(result.lang):
        report = _table_report(result.findings, len(tables), result.rows, fmt, None, result.lang)
        counts = _(", ").join(_(COUNTED[what]).format(count=number) for what, number in result.counts.items() if number)
        echo(
            "opsgov: "
            + _("imported {rows} rows: {counts}; wrote {files} files to {folder}").format(
                rows=result.rows, counts=counts, files=len(result.files), folder=out_dir
            ),
            err=True,
        )
        echo("opsgov: " + _("next: opsgov check {folder}").format(folder=out_dir), err=True)
    sys.exit(report.exit_code("error"))


@main.command("export")
@PATH_ARGUMENT
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.xlsx (roster and one sheet per approval matrix) or FILE.csv (roster only); written atomically.",
)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), help="Default: from -o.")
@TODAY_OPTION
def export_command(path: Path, output: Path, fmt: str | None, today: datetime.datetime | None) -> None:
    """The roster of PATH in the columns `opsgov import` reads, and each approval matrix, for Excel.

    Importing the export gives back the same organisation (units, posts, people, reporting lines).
    """
    from opsgov.atomic import write_atomic
    from opsgov.outputs import guard_output, repository_inputs
    from opsgov.pipeline import load_model
    from opsgov.tables.export import export_workbook

    chosen = _render_format(fmt, output, ("xlsx", "csv"), "xlsx")
    settings = load_settings(path, as_of=as_of_day(today))
    guard_output(output, repository_inputs(settings), what="the workbook")
    model = load_model(settings)
    content = export_workbook(model, chosen, settings.as_of)
    try:
        write_atomic(output, content)
    except OSError as error:
        fail(_("cannot write {file}: {error}").format(file=output, error=error.strerror or error))
    matrices = len(model.by_kind["ApprovalMatrix"])
    extra = f" and {matrices} approval matrices" if matrices and chosen == "xlsx" else ""
    note = (
        f" (CSV holds the roster only: export .xlsx for the {matrices} approval matrices)"
        if matrices and chosen == "csv"
        else ""
    )
    echo(f"wrote the roster{extra} to {output}{note}", err=True)


@main.command("sync")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@PATH_ARGUMENT
@click.option("--check", "mode", flag_value="check", default=True, help="Report drift as hr-drift findings (default).")
@click.option("--write", "mode", flag_value="write", help="Apply HR's posts and holders to the YAML, keeping comments.")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Report format."
)
@OUTPUT_OPTION
@click.option("--sheet", help="The sheet of an XLSX workbook to read.")
@click.option("--map", "mapping", multiple=True, metavar="HEADER=field", help="Read column HEADER as field.")
@TODAY_OPTION
def sync_command(
    table: Path,
    path: Path,
    mode: str,
    fmt: str,
    output: Path | None,
    sheet: str | None,
    mapping: tuple[str, ...],
    today: datetime.datetime | None,
) -> None:
    """Compare an HR export (TABLE, read like `opsgov import` reads a roster) with the repository at PATH.

    --check reports every difference as an hr-drift finding at the YAML file and line of the post
    (exit status 1 on drift); --write applies HR's units, reporting lines, headcounts and holders
    to the YAML, keeping comments and layout, and adds posts new in HR.
    """
    from opsgov.i18n import _, speaking
    from opsgov.report.formats import REPORTERS
    from opsgov.tables.read import TableError
    from opsgov.tables.sync import apply, check_sync

    settings = load_settings(path, as_of=as_of_day(today))
    try:
        report, drift, model = check_sync([table], settings, sheet=sheet, mapping=mapping)  # in the run's language
        if mode == "write":
            with speaking(report.lang):
                written = apply(drift, model, settings.root)
                said = _("applied HR to {count} files: {files}").format(
                    count=len(written), files=", ".join(written) or _("nothing to change")
                )
            echo(f"opsgov: {said}", err=True)
            report = check_sync([table], settings, sheet=sheet, mapping=mapping)[0]
    except TableError as error:
        fail(str(error))
    with speaking(report.lang):
        emit(REPORTERS[fmt]().render(report), output)
    sys.exit(report.exit_code("error") if mode == "check" else 0)
