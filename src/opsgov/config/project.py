"""`opsgov.yaml`, the project configuration, read into Settings.

The file is optional. It is read with the same strict loader as the governance documents (so
every complaint has a line), checked against `schemas/config.json` (unknown keys are errors),
then against the rule registry: an unknown rule id or option is a configuration error with a
"did you mean", exit status 2, never a silently ignored setting. Command-line flags override it.
"""

from __future__ import annotations

import datetime
import json
import os
import stat
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opsgov.config.settings import ConfigError, Settings
from opsgov.i18n import _
from opsgov.load.compose import NO_DOCUMENT
from opsgov.load.discover import file_type, inside_repository, load_file
from opsgov.load.documents import Document
from opsgov.load.documents import Path as NodePath
from opsgov.load.schema import schema_dir
from opsgov.rules import REGISTRY, canonical
from opsgov.suggest import RULE_IDS, closest

if TYPE_CHECKING:
    import jsonschema

CONFIG_FILE = "opsgov.yaml"


@cache
def config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((schema_dir() / "config.json").read_text(encoding="utf-8"))
    return schema


def _error(document: Document, path: NodePath, message: str) -> ConfigError:
    line, column = document.where(path)
    return ConfigError(f"{document.file}:{line}:{column}: {message}")


def _suggest(word: str, options: Sequence[str]) -> str:
    """Only a real near-miss (a typo, a swapped pair): a weak match like 'bogus-rule' -> 'ambiguous-ref' misleads."""
    close = closest(word, options, cutoff=RULE_IDS)
    return _("; did you mean '{word}'?").format(word=close) if close else ""


def _schema_problem(document: Document, error: jsonschema.ValidationError) -> ConfigError:
    path: NodePath = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = sorted(key for key in error.instance if key not in allowed)
        key = extra[0] if extra else ""
        return _error(
            document,
            (*path, key),
            _("unknown key '{key}'{suggestion} (allowed: {allowed})").format(
                key=key, suggestion=_suggest(key, allowed), allowed=", ".join(allowed)
            ),
        )
    if error.validator == "oneOf" and path[:1] == ("rules",):
        return _error(
            document,
            path,
            _("a rule takes a level (error, warning, info, off) or {{level: ..., options: {{...}}}}").format(),
        )
    where = ".".join(str(step) for step in path) or _("the file")
    if error.validator == "pattern" and path[:1] == ("paths",):
        message = _("'{path}' is not inside the repository: write a path relative to it, without '..'").format(
            path=error.instance
        )
    elif error.validator == "pattern" and path[:1] == ("sourceUrl",):
        message = _(
            "'{value}' is not a URL template: write an http(s) URL with {{path}} (and {{line}}), "
            "e.g. https://github.com/o/r/blob/main/{{path}}#L{{line}}"
        ).format(value=error.instance)
    elif error.validator == "type" and not path:
        message = _("opsgov.yaml holds a mapping of settings (extends, paths, failOn, sourceUrl, horizon, rules)")
    else:
        message = error.message
    return _error(document, path, _("{where}: {problem}").format(where=where, problem=message))


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def _rules(document: Document, rules: dict[str, Any], settings: Settings) -> None:
    for rule_id, value in rules.items():
        path: NodePath = ("rules", rule_id)
        current = canonical(rule_id)
        known = REGISTRY.get(current)
        if known is None and not current.startswith("policy/"):
            hint = _suggest(rule_id, list(REGISTRY)) or _("; `opsgov rules` lists them")
            raise _error(document, path, _("unknown rule '{rule}'{hint}").format(rule=rule_id, hint=hint))
        entry: dict[str, Any] = {"level": value} if isinstance(value, str) else value
        if "level" in entry:
            settings.levels[current] = entry["level"]
        options = entry.get("options") or {}
        if not options:
            continue
        defaults = known.options if known is not None else {}
        for name, option in options.items():
            if name not in defaults:
                offered = ", ".join(defaults) or _("none")
                raise _error(
                    document,
                    (*path, "options", name),
                    _("rule {rule} has no option '{option}'{suggestion} (options: {options})").format(
                        rule=current, option=name, suggestion=_suggest(name, list(defaults)), options=offered
                    ),
                )
            if not _same_type(defaults[name], option):
                raise _error(
                    document,
                    (*path, "options", name),
                    _("option {option} of {rule} takes a value like {example}").format(
                        option=name, rule=current, example=json.dumps(defaults[name], ensure_ascii=False)
                    ),
                )
            default = defaults[name]
            if type(default) is int and (type(option) is not int or option < 1):
                # Every whole-number option is a count of days (maxDays, every): 0, -3 or 1.5 is a typo, not a rule.
                raise _error(
                    document,
                    (*path, "options", name),
                    f"option {name} of {current} takes a whole number of days, at least 1, like {default}",
                )
            choices = known.choices.get(name, defaults[name]) if known is not None else defaults[name]
            if isinstance(choices, (list, tuple)) and choices and all(isinstance(c, str) for c in choices):
                # A list of words as default is a selection from those words (vacant-key-post's scope).
                for index, item in enumerate(option):
                    if item not in choices:
                        close = _suggest(item, choices) if isinstance(item, str) else ""
                        raise _error(
                            document,
                            (*path, "options", name, index),
                            _(
                                "option {option} of {rule} has no choice {choice}{suggestion} (choices: {choices})"
                            ).format(
                                option=name,
                                rule=current,
                                choice=json.dumps(item, ensure_ascii=False),
                                suggestion=close,
                                choices=", ".join(choices),
                            ),
                        )
        settings.options[current] = dict(options)


def _kind_of(path: Path) -> str:
    """'' for a regular file or a folder; else what the entry is, in words (never opened, so a FIFO cannot block)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return _("cannot be read ({error})").format(error=error.strerror or error)
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    return file_type(mode)


def _check_paths(root: Path, document: Document, paths: Sequence[str]) -> None:
    """Every `paths` entry names a folder or file inside the repository: a typo must not skip a folder silently."""
    real_root = root.resolve()
    for index, entry in enumerate(paths):
        path = root / entry
        where: NodePath = ("paths", index)
        if not os.path.lexists(path):
            present = sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []
            raise _error(
                document,
                where,
                _("paths entry '{entry}' does not exist{suggestion}").format(
                    entry=entry, suggestion=_suggest(entry, present)
                ),
            )
        if not inside_repository(real_root, path):
            raise _error(
                document,
                where,
                _("paths entry '{entry}' is a symbolic link to outside the repository; it is not read").format(
                    entry=entry
                ),
            )
        kind = _kind_of(path)
        if kind:
            raise _error(
                document,
                where,
                _("paths entry '{entry}' is {kind}, not a folder or a file").format(entry=entry, kind=kind),
            )


def read_config(root: Path, settings: Settings) -> bool:
    """Apply `root/opsgov.yaml` to `settings`; False when there is no such file.

    opsgov.yaml must be a regular file inside the repository: a folder, a FIFO or a link to
    outside is a configuration error, never silently skipped nor read (nor blocked on).
    """
    path = root / CONFIG_FILE
    if not os.path.lexists(path):
        return False
    if not inside_repository(root.resolve(), path):
        raise ConfigError(
            _("{file} is a symbolic link to outside the repository; it is not read").format(file=CONFIG_FILE)
        )
    kind = _kind_of(path)
    if kind or path.is_dir():
        raise ConfigError(_("{file} is {kind}, not a file").format(file=CONFIG_FILE, kind=kind or _("a folder")))
    documents, problems = load_file(path, CONFIG_FILE)
    problems = [p for p in problems if p.message != _(NO_DOCUMENT)]  # an empty or all-comment config: the defaults
    if problems:
        first = problems[0]
        raise ConfigError(f"{first.file}:{first.line}:{first.column}: {first.message}")
    if len(documents) > 1:
        raise _error(documents[1], (), _("opsgov.yaml holds one document, not several"))
    if not documents or documents[0].data is None:
        return True
    document = documents[0]
    data = document.data
    import jsonschema  # only when there is an opsgov.yaml to validate

    validator = jsonschema.Draft202012Validator(config_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: document.where(tuple(e.absolute_path)))
    if errors:
        raise _schema_problem(document, errors[0])
    if data.get("extends") == "none":
        for rule in REGISTRY.values():
            if rule.check is not None:
                settings.levels[rule.id] = "off"
    if "paths" in data:
        _check_paths(root, document, data["paths"])
        settings.paths = tuple(data["paths"])
    if "failOn" in data:
        settings.fail_on = data["failOn"]
    if "sourceUrl" in data:
        settings.source_url = data["sourceUrl"]
    if "horizon" in data:
        settings.horizon = data["horizon"]
    if "lang" in data:
        settings.lang = data["lang"]
    _rules(document, data.get("rules") or {}, settings)
    return True


def load_settings(
    root: Path,
    *,
    fail_on: str | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    as_of: datetime.date,
    baseline: Path | None = None,
) -> Settings:
    """Settings for the repository at `root`: defaults, then opsgov.yaml, then the command line."""
    settings = Settings(root=root, as_of=as_of, select=select, ignore=ignore, baseline=baseline)
    if root.is_dir():
        read_config(root, settings)
    if fail_on is not None:
        settings.fail_on = fail_on
    return settings
