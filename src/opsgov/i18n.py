"""The language a person reads: gettext catalogues, chosen once per run.

Messages are written in English in the code as `_("... {duty} ...").format(duty=...)`; `_` looks
the English text up in the catalogue of the run's language,
`src/opsgov/locale/<ll_CC>/LC_MESSAGES/opsgov.po`. The catalogue is read from its `.po` at runtime
(opsgov.pofile, the reader the schema descriptions use too), so the repository, the wheel and an
editable install all hold the one file translators edit and nothing has to be compiled.
`scripts/update-catalogue.sh` extracts the messages with Babel (`pybabel extract`) and merges them
into the catalogue; tests/test_i18n.py fails when a message has no translation or a translation's
placeholders differ from the English ones.

The language of a run: `--lang`, else opsgov.yaml `lang`, else the Organization's `spec.locale`,
else the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them); English by
default. The pipeline sets it for the run in a context variable (`speaking`), so every format
(text, JSON, SARIF, ...) carries the same translated text and nothing outlives the run.

Findings made before the language is known. The Organization's locale is only known once the
files are read, so the pipeline (pipeline._read) words each stage in the best language it knows:
- reading (discover, load; the forked loaders get the language passed in) speaks the language
  known before reading: --lang, opsgov.yaml, else the environment;
- the Organization's locale is then taken from the loaded documents (the first valid Organization
  in force, the one `model.organizations[0]` will be), before the schema and model stages, which
  speak the run's language from the start;
- when that locale changes the language, the loader findings are made again in it: only the
  files that had findings are read again, so a clean repository pays nothing.
Wording is never deferred: a Finding holds finished text, as every format expects.

Fingerprints never depend on the language (report/fingerprint.py). Most findings name their
identity explicitly; those identified by their message (schema, loader, policy-invalid, the
waiver stage's own) take the identity of the same finding worded in English (`in_english`: the
schema re-words the failing document, the loader re-reads the files with findings, a policy or
waiver finding words its message twice). Identities that name a reason keep its English words.

What stays English: a Policy's own messages (the organisation's words), libraries' words
(libyaml's syntax problems, CEL compile errors, a jsonschema message for a keyword opsgov does not
word itself; opsgov words type, required, additionalProperties, enum, const, pattern, minItems,
minLength, minimum, uniqueItems and propertyNames), Unicode character names, YAML field names and
ids. docs/cli.md, "Language", says the same for users.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TypeVar

from opsgov.pofile import read_po

ENGLISH = "en"
LANGUAGES = (ENGLISH, "zh_CN")
"""The languages there are catalogues for (English is the code's own)."""

DOMAIN = "opsgov"
LOCALE_DIR = Path(__file__).parent / "locale"

_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN", "zh_sg": "zh_CN"}
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

T = TypeVar("T")

_language: ContextVar[str] = ContextVar("opsgov_language", default=ENGLISH)


def normalize(tag: str) -> str | None:
    """`zh-CN`, `zh_CN.UTF-8`, `zh`, `zh-Hans` -> `zh_CN`; `en*`, `C`, `POSIX` -> `en`; None for any other."""
    plain = tag.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if not plain:
        return None
    if plain in ("c", "posix") or plain == ENGLISH or plain.startswith("en_"):
        return ENGLISH
    return _ALIASES.get(plain)


def spoken(tag: str) -> str:
    """A language asked for by name (--lang, opsgov.yaml): its catalogue, or ValueError naming those there are."""
    language = normalize(tag)
    if language is None:
        there = ", ".join(name.replace("_", "-") for name in LANGUAGES)
        raise ValueError(f"no messages in '{tag}'; there are: {there}")
    return language


def from_environment(environ: Mapping[str, str]) -> str | None:
    """The language the environment asks for, as gettext reads it; None when it names none we have."""
    for variable in _ENVIRONMENT:
        value = environ.get(variable, "")
        if not value:
            continue
        for tag in value.split(":") if variable == "LANGUAGE" else (value,):
            language = normalize(tag)
            if language is not None:
                return language
        if variable != "LANGUAGE":
            return None  # the first set variable of LC_ALL, LC_MESSAGES, LANG decides, as in gettext
    return None


def choose(asked: str, locale: str, environ: Mapping[str, str] | None = None) -> str:
    """The run's language: `asked` (--lang or opsgov.yaml), else the Organization's locale, else the environment."""
    if asked:
        return spoken(asked)
    if locale:
        return normalize(locale) or ENGLISH
    return from_environment(os.environ if environ is None else environ) or ENGLISH


@cache
def catalogue(language: str) -> dict[str, str]:
    """English message -> its translation (read once per process; the files do not change)."""
    if language == ENGLISH:
        return {}
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return read_po(path.read_text(encoding="utf-8"))


def current() -> str:
    return _language.get()


def _(message: str) -> str:
    """`message` in the run's language (itself when the catalogue lacks it, which a test forbids)."""
    language = _language.get()
    if language == ENGLISH:
        return message
    return catalogue(language).get(message, message)


def counted(count: int, one: str, many: str) -> str:
    """`one` or `many` (both marked with N_, each with a `{count}`) for `count`, translated: English
    needs two forms where Chinese needs one, and each language's catalogue holds both."""
    return (_(one) if count == 1 else _(many)).format(count=count)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; `_` translates it where it is used."""
    return message


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` inside the block (the pipeline's run, a command's output); restored after it."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def in_english(words: Callable[[], T]) -> T:
    """What `words()` says in English: the text a finding's identity is made of (report/fingerprint.py), so
    that a finding keeps its fingerprint whatever language the run speaks."""
    if _language.get() == ENGLISH:
        return words()
    with speaking(ENGLISH):
        return words()
