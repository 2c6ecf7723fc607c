"""Schema validation: every document against its kind's JSON Schema (Draft 2020-12).

Documents are checked with the compiled `jsonschema_rs` validator first; only a document that
fails is checked again with Python `jsonschema`, whose errors carry the structure needed for
messages a governance officer can act on (the field, what was expected, what to write instead).
Schemas are resolved from a registry of the shipped files under a base URI that is never
fetched: `$ref` resolution touches neither the network nor the file system.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from opsgov.i18n import ENGLISH, N_, _, current, in_english
from opsgov.load.documents import Document, Path
from opsgov.model.dates import calendar_hint, parse_date
from opsgov.pofile import read_po
from opsgov.report.finding import Finding
from opsgov.suggest import closest, did_you_mean

if TYPE_CHECKING:  # imported where used: `opsgov --version` and `opsgov rules` never load a validator
    import jsonschema
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

BASE_URI = "https://opsgov.invalid/schemas/v1/"
KINDS = (
    "Organization",
    "Unit",
    "Position",
    "Person",
    "Responsibility",
    "Process",
    "ApprovalMatrix",
    "KPI",
    "Policy",
    "Waiver",
    "Delegation",
)
KIND_FILES = {kind: f"{kind.lower()}.json" for kind in KINDS}
ENVELOPE = "envelope.json"
API_VERSION = "opsgov/v1"

_TYPE_WORDS = {
    "string": N_("text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "array": N_("a list"),
    "object": N_("a mapping"),
    "null": N_("empty"),
}
_BOOLEAN_LOOKALIKES = frozenset(("yes", "no", "on", "off", "y", "n", "true", "false"))
_NUMBER_LOOKALIKE = re.compile(
    r"^[-+]?[0-9][0-9_,.]*([eE][-+]?[0-9]+)?\s*(万|亿|k|K|m|M)?$|^[-+]?\.?(nan|inf)$", re.IGNORECASE
)
_NAME = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
_KIND_PREFIX = (
    "(?:Organization|Unit|Position|Person|Responsibility|Process|ApprovalMatrix|KPI|Policy|Waiver|Delegation)/"
)
_LOCALE = (
    "^[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    "(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    "(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?$"
)
"""The locale pattern of envelope.json (RFC 5646 well-formed tags; a test keeps the two equal)."""
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""The date pattern of envelope.json (`$defs/date`) and waiver.json (`expires`)."""
_DATE_HINT = N_("write the date as YYYY-MM-DD, e.g. 2027-01-01 (quoted or not)")
_PATTERN_WORDS = {
    f"^{_NAME}": N_(
        "is not a valid name: use lower-case ASCII letters, digits and '-', 1 to 63 characters, "
        "not starting or ending with '-'"
    ),
    f"^(?:{_KIND_PREFIX})?{_NAME}": N_(
        "is not a valid reference: write a name (ops-manager) or Kind/name (Unit/finance)"
    ),
    f"^{_KIND_PREFIX}{_NAME}": N_("is not a Kind/name reference (e.g. Position/ops-manager)"),
    "^[1-9][0-9]*(m|h|d|w)$": N_("is not a duration: write a whole number and m, h, d or w (30m, 24h, 2d, 1w)"),
    "^[A-Z]{3}$": N_("is not an ISO 4217 currency code (three capital letters, e.g. CNY)"),
    _LOCALE: N_("is not a BCP 47 language tag (e.g. zh-CN, en, zh-Hans-CN)"),
    _DATE: N_("is not a date: write YYYY-MM-DD"),
    "^(policy/)?[a-z0-9]+(-[a-z0-9]+)*$": N_("is not a rule id (e.g. duty-overlap or policy/max-span-of-control)"),
}
"""opsgov's own words for the schemas' patterns; any other pattern is named as the regular expression."""


def schema_dir() -> FsPath:
    """The JSON Schemas: inside the installed package, else the repository's `schemas/`."""
    packaged = resources.files("opsgov").joinpath("schemas")
    if packaged.is_dir():
        return FsPath(str(packaged))
    return FsPath(__file__).resolve().parents[3] / "schemas"


@cache
def load_schemas() -> dict[str, dict[str, Any]]:
    """File name -> parsed schema, read once per process."""
    folder = schema_dir()
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


DRAFT_07 = "http://json-schema.org/draft-07/schema#"
BUNDLE_NAME = "opsgov.bundle.json"
"""What `opsgov schema --bundle -o DIR` writes."""
CATALOGUE_DOMAIN = "schema"
"""The schemas' texts in other languages: `schemas/locale/<ll_CC>/LC_MESSAGES/schema.po`, gettext
catalogues whose msgid is the English description (so one translation serves every field that
says the same thing, and the gettext tools of the messages' catalogues read them too)."""


def bundle_schemas(lang: str | None = None) -> dict[str, Any]:
    """Every document schema in one self-contained Draft-07 file, for editors, its texts in `lang`.

    yaml-language-server (the VS Code YAML extension) validates with Draft 7 and warns that
    2020-12 "is not yet fully supported"; one file also leaves no relative `$ref` for an editor to
    resolve. The translation is exact for the keywords our schemas use: `$defs` becomes
    `definitions`, `dependentSchemas` becomes `dependencies`, and a `$ref` with siblings (which
    Draft 7 ignores beside `$ref`) is replaced by the schema it points to, so that the field's own
    description is the one an editor shows on hover (an `allOf: [{$ref}]` wrapper would show the
    generic "a reference to another entity"). `opsgov.json`, the dispatcher on `kind`, is the root
    and offers a snippet (`defaultSnippets`) for a new document of each kind; config.json
    (opsgov.yaml) is left out. With `lang` (`zh-CN`), descriptions come from that language's
    catalogue (`translations`), English where it has none.
    """
    schemas = load_schemas()
    root = {"$schema": DRAFT_07, **_draft7(schemas["opsgov.json"], "opsgov", schemas)}
    root["definitions"] = {
        name.removesuffix(".json"): _draft7(schema, name.removesuffix(".json"), schemas)
        for name, schema in schemas.items()
        if name not in ("opsgov.json", "config.json")
    }
    root["defaultSnippets"] = [snippet for kind in KINDS for snippet in schemas[KIND_FILES[kind]]["defaultSnippets"]]
    if lang is not None:
        _translate(root, translations(lang))
    return root


def _pointer(schemas: dict[str, dict[str, Any]], ref: str, home: str) -> tuple[Any, str]:
    """The schema a `$ref` of file `home` points to, and the file it is in."""
    target, _, pointer = ref.partition("#")
    owner = target.removesuffix(".json") if target else home
    node: Any = schemas[f"{owner}.json"]
    for step in filter(None, pointer.split("/")):
        node = node[step]
    return node, owner


_OWN = ("description", "title")
"""What a field says about itself, which the schema it refers to must not say instead."""


def _draft7(node: Any, home: str, schemas: dict[str, dict[str, Any]]) -> Any:
    """`node` of schema file `home` in Draft 7, with every `$ref` pointing into the bundle."""
    if isinstance(node, list):
        return [_draft7(item, home, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    renamed = {"$defs": "definitions", "dependentSchemas": "dependencies"}
    out = {
        renamed.get(key, key): _draft7(value, home, schemas)
        for key, value in node.items()
        if key not in ("$schema", "$id", "defaultSnippets")
    }
    if isinstance(node.get("description"), str):
        # a field that is one of several references: each alternative without its generic words
        for key in ("oneOf", "anyOf"):
            for index, branch in enumerate(node.get(key, [])):
                if isinstance(branch, dict) and set(branch) == {"$ref"}:
                    out[key][index] = _inline(branch["$ref"], home, schemas)
    ref = out.pop("$ref", None)
    if not isinstance(ref, str):
        return out
    if not out:
        target, _, pointer = ref.partition("#")
        owner = target.removesuffix(".json") if target else home
        return {"$ref": f"#/definitions/{owner}" + pointer.replace("/$defs/", "/definitions/")}
    # A field that describes itself beside its $ref: the referred schema, inlined without its own words.
    inlined = _inline(ref, home, schemas)
    if set(inlined) & set(out):
        out["allOf"] = [inlined, *out.get("allOf", [])]
        return out
    return {**inlined, **out}


def _inline(ref: str, home: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The Draft-7 schema `ref` (of file `home`) points to, without its description and title."""
    target, owner = _pointer(schemas, ref, home)
    while isinstance(target, dict) and set(target) <= {"$ref", *_OWN} and "$ref" in target:  # a ref to a ref
        target, owner = _pointer(schemas, target["$ref"], owner)
    inlined = _draft7(target, owner, schemas)
    return {key: value for key, value in inlined.items() if key not in _OWN}


def translations(lang: str) -> dict[str, str]:
    """English description -> its translation into `lang` (BCP 47 as in `zh-CN`, or `zh_CN`); {} for English.

    Raises LookupError, naming the languages there are, for a language without a catalogue.
    """
    if lang.lower() in ("en", "en-us", "en_us", "en-gb", "en_gb"):
        return {}
    folder = schema_dir() / "locale"
    available = sorted(path.name for path in folder.iterdir() if path.is_dir()) if folder.is_dir() else []
    wanted = lang.replace("-", "_")
    match = next((name for name in available if name.lower() == wanted.lower()), None)
    match = match or next((name for name in available if name.split("_")[0].lower() == wanted.lower()), None)
    if match is None:
        raise LookupError(
            f"no schema descriptions in '{lang}'; there are: en, {', '.join(a.replace('_', '-') for a in available)}"
        )
    return read_po((folder / match / "LC_MESSAGES" / f"{CATALOGUE_DOMAIN}.po").read_text(encoding="utf-8"))


def _translate(node: Any, catalogue: dict[str, str]) -> None:
    """Descriptions (of fields and snippets) in place, the ones the catalogue has."""
    if isinstance(node, list):
        for item in node:
            _translate(item, catalogue)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = catalogue.get(value, value)
            elif key != "body":  # a snippet's body is the document it writes, not text about it
                _translate(value, catalogue)


def schema_texts() -> Iterator[tuple[str, str]]:
    """(where, text) of every description a person reads in the schemas, for the catalogues."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{where}/{index}")
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    yield f"{where}/description", value
                elif key != "body":
                    yield from walk(value, f"{where}/{key}")

    for name, schema in load_schemas().items():
        yield from walk(schema, f"{name}#")


def _describe(value: Any) -> str:
    if value is None:
        return _("empty")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return _("a list")
    return _("a mapping")


def _where(path: Iterable[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or _("the document")


def _suggest(word: str, options: Iterable[str]) -> str:
    return did_you_mean(closest(word, options))


def _type_hint(expected: str | list[str], value: Any) -> str:
    wanted = [expected] if isinstance(expected, str) else expected
    if "boolean" in wanted and isinstance(value, str) and value.lower() in _BOOLEAN_LOOKALIKES:
        return _("write true or false (YAML words like yes/no/on/off are text here)")
    numeric = "number" in wanted or "integer" in wanted
    if numeric and isinstance(value, str) and _NUMBER_LOOKALIKE.match(value.strip()):
        return _("write a plain number such as 100000: no quotes, underscores, separators, exponents or units")
    if "integer" in wanted and isinstance(value, float):
        return _("write a whole number")
    if "string" in wanted and isinstance(value, (bool, int, float)):
        return _("quote it to make it text")
    return ""


def _respelled(pattern: str, value: Any) -> str:
    """`Finance` -> `finance`, `unit/finance` -> `Unit/finance`, `ops manager` -> `ops-manager`, if that fits."""
    if not isinstance(value, str):
        return ""
    kind, slash, name = value.strip().rpartition("/")
    name = re.sub(r"[\s_.]+", "-", name.lower())
    if slash:
        kind = {k.lower(): k for k in KINDS}.get(kind.lower(), kind)
    candidate = f"{kind}{slash}{name}"
    if candidate != value and re.search(pattern, candidate):
        return did_you_mean(candidate)
    return ""


@dataclass(frozen=True, slots=True)
class _Problem:
    path: Path
    message: str
    hint: str = ""
    at_key: bool = False
    """Locate the finding at the mapping key (an unknown field) rather than its value."""


def _explain(error: ValidationError) -> Iterator[_Problem]:
    """Turn one jsonschema error into problems phrased for people, located at the node at fault."""
    path: Path = tuple(error.absolute_path)
    where = _where(path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    if keyword in ("oneOf", "anyOf") and error.context:
        # The best match is the alternative whose type fits the value: explain all of its errors.
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        depth = len(error.absolute_path)
        fitting = [
            errors
            for errors in branches.values()
            if not any(e.validator == "type" and len(e.absolute_path) == depth for e in errors)
        ]
        if len(fitting) == 1:
            for sub in fitting[0]:
                yield from _explain(sub)
            return
        alternatives = [e for e in error.context if len(e.absolute_path) == len(error.absolute_path)]
        if alternatives and all(e.validator == "type" for e in alternatives):
            kinds = [
                w
                for e in alternatives
                for w in ([e.validator_value] if isinstance(e.validator_value, str) else e.validator_value)
            ]
            if set(kinds) <= {"string", "array"}:
                yield _Problem(
                    path,
                    _("{where} must be a name or a list of names, not {value}").format(
                        where=where, value=_describe(instance)
                    ),
                )
                return
        from jsonschema.exceptions import best_match

        yield from _explain(best_match(error.context))
        return
    if keyword == "type":
        wanted = [_(_TYPE_WORDS[v]) if v in _TYPE_WORDS else v for v in ([value] if isinstance(value, str) else value)]
        words = (
            wanted[0]
            if len(wanted) == 1
            else _("{kinds} or {last}").format(kinds=_(", ").join(wanted[:-1]), last=wanted[-1])
        )
        hint = _(_DATE_HINT) if error.schema.get("pattern") == _DATE else _type_hint(value, instance)
        yield _Problem(
            path,
            _("{where} must be {type}, not {value}").format(where=where, type=words, value=_describe(instance)),
            hint,
        )
    elif keyword == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        match = re.match(r"^'(.+)' is a required property$", error.message)
        name = match.group(1) if match else (missing[0] if missing else "?")
        yield _Problem(path, _("{where} is missing the required field '{name}'").format(where=where, name=name))
    elif keyword == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        for key in instance:
            if key in allowed or any(p.search(key) for p in patterns):
                continue
            hint = _suggest(key, allowed) or (
                _("allowed here: {fields}").format(fields=", ".join(allowed)) if allowed else ""
            )
            yield _Problem(
                (*path, key), _("unknown field '{field}' in {where}").format(field=key, where=where), hint, at_key=True
            )
    elif keyword == "enum" and isinstance(instance, (dict, list)) and "type" in error.schema:
        return  # `kind: {a: 1}`: "must be text, not a mapping" says it; the list of kinds would be noise
    elif keyword == "enum" and "ISO 4217" in error.schema.get("description", ""):
        # 178 codes: name the standard, not the list
        respelled = instance.strip().upper() if isinstance(instance, str) else ""
        hint = did_you_mean(respelled) if respelled in value and respelled != instance else ""
        yield _Problem(
            path,
            _("{where}: {value} is not an ISO 4217 currency code in use (e.g. CNY, USD, EUR)").format(
                where=where, value=_describe(instance)
            ),
            hint,
        )
    elif keyword == "enum":
        options = [str(v) for v in value]
        hint = _suggest(str(instance), options) if isinstance(instance, str) else ""
        yield _Problem(
            path,
            _("{where} must be one of {options}; not {value}").format(
                where=where, options=", ".join(options), value=_describe(instance)
            ),
            hint,
        )
    elif keyword == "const":
        yield _Problem(
            path,
            _("{where} must be '{const}', not {value}").format(where=where, const=value, value=_describe(instance)),
        )
    elif keyword == "pattern":
        words = (
            _(_PATTERN_WORDS[value])
            if value in _PATTERN_WORDS
            else _("does not match the pattern {pattern}").format(pattern=value)
        )
        yield _Problem(path, f"{where}: {_describe(instance)} {words}", _respelled(value, instance))
    elif keyword == "minItems":
        message = (
            _("{where} must list at least {count} item")
            if value == 1
            else _("{where} must list at least {count} items")
        )
        yield _Problem(path, message.format(where=where, count=value))
    elif keyword == "minLength":
        yield _Problem(path, _("{where} must not be empty").format(where=where))
    elif keyword in ("minimum", "exclusiveMinimum"):
        yield _Problem(
            path,
            _("{where} must be at least {minimum}, not {value}").format(
                where=where, minimum=value, value=_describe(instance)
            ),
        )
    elif keyword == "uniqueItems":
        yield _Problem(path, _("{where} lists the same entry more than once").format(where=where))
    elif keyword == "not" and "dependentSchemas" in error.relative_schema_path:
        steps = list(error.relative_schema_path)
        present = steps[steps.index("dependentSchemas") + 1]
        others = value.get("required", []) if isinstance(value, dict) else []
        other = others[0] if others else "?"
        yield _Problem(
            path,
            _("{where} has both '{present}' and '{other}'; use one of them").format(
                where=where, present=present, other=other
            ),
            _("from/over are the lower bound (inclusive/exclusive), upTo/below the upper bound"),
        )
    elif keyword == "not" and "propertyNames" in error.relative_schema_path and isinstance(instance, str):
        # A key the kind forbids (a Delegation's metadata.validFrom): at the key, the schema's description as hint.
        hint = str(error.schema.get("description", "")) if isinstance(error.schema, dict) else ""
        hint = _description(hint)
        yield _Problem(
            (*path, instance),
            _("field '{field}' is not allowed in {where}").format(field=instance, where=where),
            hint,
            at_key=True,
        )
    elif keyword == "propertyNames":
        yield _Problem(path, _("{where}: key {key} is not allowed here").format(where=where, key=_describe(instance)))
    else:
        # Any other validator: the library's own (English) words; docs/cli.md, "Language", lists those opsgov words.
        yield _Problem(path, f"{where}: {error.message}")


def _description(text: str) -> str:
    """A schema description in the run's language (the schema catalogue, as `opsgov schema --lang` writes)."""
    language = current()
    if not text or language == ENGLISH:
        return text
    return translations(language).get(text, text)


_BOUNDS = ("from", "over", "upTo", "below")


def _quantity_problems(data: dict[str, Any]) -> Iterator[_Problem]:
    """What the schema cannot word well about `spec.quantity` (docs/format.md, ApprovalMatrix), each at its node.

    `none` is a decision right without an amount: exactly one band, without bounds. A percent
    runs from 0 to 100. A currency belongs to money only: on a matrix of days it would be read
    as nothing, so it is refused rather than silently ignored.
    """
    spec = data.get("spec")
    if type(spec) is not dict:
        return
    quantity = spec.get("quantity", "money")
    bands = spec.get("bands")
    bands = bands if type(bands) is list else []
    if quantity != "money" and "currency" in spec and isinstance(quantity, str):
        yield _Problem(
            ("spec", "currency"),
            _("spec.currency applies to quantity money only; this matrix measures {quantity}").format(
                quantity=quantity
            ),
            _("remove currency, or make the quantity money"),
            at_key=True,
        )
    if quantity == "none":
        if len(bands) > 1:
            yield _Problem(
                ("spec", "bands", 1),
                _(
                    "a matrix with quantity none (a decision right without an amount) has exactly one band; "
                    "this one has {count}"
                ).format(count=len(bands)),
                _("keep one band and its approvers; a decision that depends on an amount needs another quantity"),
            )
        for index, band in enumerate(bands):
            for key in _BOUNDS:
                if type(band) is dict and key in band:
                    yield _Problem(
                        ("spec", "bands", index, key),
                        _("{where}: a matrix with quantity none has no amounts, so its band has no bounds").format(
                            where=f"spec.bands[{index}].{key}"
                        ),
                        _("remove {field}, or give the matrix a quantity (money, percent, count, days)").format(
                            field=key
                        ),
                        at_key=True,
                    )
    elif quantity == "percent":
        for index, band in enumerate(bands):
            for key in _BOUNDS:
                value = band.get(key) if type(band) is dict else None
                if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 100:
                    yield _Problem(
                        ("spec", "bands", index, key),
                        _("{where}: {value} is above 100, but the matrix measures a percentage (0 to 100)").format(
                            where=f"spec.bands[{index}].{key}", value=_describe(value)
                        ),
                        _("write the percentage itself (5 for 5%), or change the quantity"),
                    )


def _date_fields(data: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """Every dated field of a document (docs/format.md, Effective dating): the window and review in metadata, a
    holding's from/until, a Delegation's window, a Waiver's expiry."""
    metadata = data.get("metadata")
    if type(metadata) is dict:
        for key in ("validFrom", "validUntil"):
            if key in metadata:
                yield ("metadata", key), metadata[key]
        reviewed = metadata.get("reviewed")
        if type(reviewed) is dict and "on" in reviewed:
            yield ("metadata", "reviewed", "on"), reviewed["on"]
    spec = data.get("spec")
    if type(spec) is not dict:
        return
    if data.get("kind") == "Delegation":
        for key in ("validFrom", "validUntil"):
            if key in spec:
                yield ("spec", key), spec[key]
    elif data.get("kind") == "Waiver" and "expires" in spec:
        yield ("spec", "expires"), spec["expires"]
    elif data.get("kind") == "Person" and type(spec.get("holds")) is list:
        for index, item in enumerate(spec["holds"]):
            if type(item) is dict:
                for key in ("from", "until"):
                    if key in item:
                        yield ("spec", "holds", index, key), item[key]


def _calendar_problems(data: dict[str, Any]) -> list[_Problem]:
    """Dates of the right form that no calendar has (2026-02-30): the pattern cannot tell."""
    metadata, kind = data.get("metadata"), data.get("kind")
    dated = type(metadata) is dict and ("validFrom" in metadata or "validUntil" in metadata or "reviewed" in metadata)
    if not dated and kind not in ("Person", "Delegation", "Waiver"):  # the common case: nothing dated
        return []
    problems = []
    for path, value in _date_fields(data):
        if type(value) is str and re.fullmatch(_DATE, value) and parse_date(value) is None:
            hint = calendar_hint(value)
            problems.append(
                _Problem(
                    path,
                    _("{where}: '{date}' is not a day of the calendar").format(where=_where(path), date=value),
                    hint,
                )
            )
    return problems


class Validator:
    """The compiled validators of one run: one per kind plus the bare envelope."""

    def __init__(self, schemas: dict[str, dict[str, Any]] | None = None, *, fast: bool = True) -> None:
        self.schemas = schemas if schemas is not None else load_schemas()
        self.fast = fast
        import jsonschema_rs

        rs_registry = jsonschema_rs.Registry(
            [(BASE_URI + name, schema) for name, schema in self.schemas.items()], draft=jsonschema_rs.Draft202012
        )
        self._fast: dict[str, Any] = {
            kind: jsonschema_rs.validator_for(self.schemas[file], registry=rs_registry, base_uri=BASE_URI + file)
            for kind, file in KIND_FILES.items()
        }
        self._fast_envelope = jsonschema_rs.validator_for(
            {"$ref": BASE_URI + ENVELOPE + "#/$defs/envelope"}, registry=rs_registry, base_uri=BASE_URI
        )
        self._registry: Registry[Any] | None = None
        self._slow: dict[str, jsonschema.Draft202012Validator] = {}

    def _slow_validator(self, kind: str | None) -> jsonschema.Draft202012Validator:
        key = kind or ""
        validator = self._slow.get(key)
        if validator is None:
            import jsonschema  # only for a document that fails: the errors of a valid repository need none
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            if self._registry is None:
                self._registry = Registry().with_resources(
                    (BASE_URI + name, Resource.from_contents(schema, default_specification=DRAFT202012))
                    for name, schema in self.schemas.items()
                )
            target = BASE_URI + (KIND_FILES[kind] if kind else ENVELOPE + "#/$defs/envelope")
            validator = jsonschema.Draft202012Validator({"$ref": target}, registry=self._registry)
            self._slow[key] = validator
        return validator

    def validate(self, document: Document) -> list[Finding]:
        """The schema findings of a document, worded in the run's language.

        A schema finding is identified by its message (fingerprint.py): in another language than
        English the document's problems are worded once more in English, for the identities, so a
        finding keeps its fingerprint whatever the language (only failing documents pay for it).
        """
        findings = self._validate(document)
        if not findings or current() == ENGLISH:
            return findings
        english = in_english(lambda: self._validate(document))
        if [(f.line, f.column, f.path) for f in english] != [(f.line, f.column, f.path) for f in findings]:
            return findings  # never seen: the two wordings found different problems
        return [f.replace(identity=e.identity) for f, e in zip(findings, english, strict=True)]

    def _validate(self, document: Document) -> list[Finding]:
        data = document.data
        if data is None:  # `null`, `~`, or nothing between two `---`
            return [
                document.finding(
                    "schema",
                    (),
                    _("the document is empty (null): a document is a mapping with apiVersion, kind, metadata and spec"),
                    hint=_("remove the empty document (a stray `---`) or write its content"),
                )
            ]
        if type(data) is not dict:
            return [
                document.finding(
                    "schema",
                    (),
                    _("a document must be a mapping with apiVersion, kind, metadata and spec, not {value}").format(
                        value=_describe(data)
                    ),
                )
            ]
        if "kind" not in data and "apiVersion" not in data:
            # Some other YAML in ops/ (a CI file, notes): one finding, not one per missing field.
            return [
                document.finding(
                    "schema",
                    (),
                    _("the document has neither apiVersion nor kind: it is not an opsgov document"),
                    hint=_(
                        "start it with apiVersion: opsgov/v1 and a kind (Unit, Position, ...), or move the file "
                        "out of the governance folders"
                    ),
                )
            ]
        kind = data.get("kind")
        if type(kind) is not str or kind not in self._fast:  # a mapping or list as kind is not hashable
            kind = None
        fast = self._fast[kind] if kind else self._fast_envelope
        entity = entity_key(data)
        problems: dict[tuple[Path, str], _Problem] = {(p.path, p.message): p for p in _calendar_problems(data)}
        if kind == "ApprovalMatrix":
            for problem in _quantity_problems(data):
                problems.setdefault((problem.path, problem.message), problem)
        if self.fast and not problems and fast.is_valid(data):
            return []
        for error in self._slow_validator(kind).iter_errors(data):
            for problem in _explain(error):
                problems.setdefault((problem.path, problem.message), problem)
        if not problems:  # the two validators disagree on an edge (e.g. a trailing newline in a name)
            for rs_error in fast.iter_errors(data):
                path = tuple(rs_error.instance_path)
                problems.setdefault((path, rs_error.message), _Problem(path, f"{_where(path)}: {rs_error.message}"))
        return [
            document.finding("schema", p.path, p.message, entity=entity, hint=p.hint, at_key=p.at_key)
            for p in problems.values()
        ]


def entity_key(data: Any) -> str:
    """`Kind/name` of a document, or "" when it does not say."""
    if type(data) is not dict:
        return ""
    kind, metadata = data.get("kind"), data.get("metadata")
    name = metadata.get("name") if type(metadata) is dict else None
    if type(kind) is str and type(name) is str:
        return f"{kind}/{name}"
    return ""
