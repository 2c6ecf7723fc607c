"""Rules reported by the loading, schema and model stages rather than by a check of the model."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import _
from opsgov.load.documents import Path
from opsgov.model.dates import Window, holding_window
from opsgov.model.entities import Entity, Model
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule

FAMILY = "reading"


@rule(
    "effective-window",
    "error",
    "validFrom after validUntil (document, holding or delegation)",
    family=FAMILY,
)
def effective_window(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """
    A window runs from its first day to its last, both inclusive; one that ends before it
    starts is in force on no day, which is always a typing mistake (a swapped pair, a wrong
    year). Reported at the later field: a document's `metadata.validUntil` (a Delegation's
    `spec.validUntil`), a holding's `until`, with the start as related location. Such a
    document is never part of the organisation, and such a holding never counts.

    Passes:
        kind: Unit
        metadata: {name: project-office, title: 项目办, validFrom: 2026-01-01, validUntil: 2026-12-31}
        spec: {parent: company}
    Fails:
        kind: Unit
        metadata: {name: project-office, title: 项目办, validFrom: 2026-12-31, validUntil: 2026-01-01}
        spec: {parent: company}
    """
    documents = [entity for entity in model.out_of_force if entity.window.inverted]
    for entity in documents:
        part = "spec" if entity.kind == "Delegation" else "metadata"
        yield _inverted(entity, (part, "validFrom"), (part, "validUntil"), entity.window, _("the document"))
    persons = [*model.entities("Person"), *(e for e in model.out_of_force if e.kind == "Person")]
    for person in persons:
        for index, item in enumerate(person.spec.get("holds") or ()):
            window = holding_window(item)
            if window.inverted:
                position = item.get("position", "?")
                yield _inverted(
                    person,
                    ("spec", "holds", index, "from"),
                    ("spec", "holds", index, "until"),
                    window,
                    _("the holding of {post}").format(post=model.words(f"Position/{position}")),
                    (str(position),),
                )


def _inverted(
    entity: Entity, start: Path, end: Path, window: Window, what: str, identity: tuple[str, ...] = ()
) -> Finding:
    assert window.start is not None and window.end is not None
    first, last = start[-1], end[-1]
    return entity.finding(
        end,
        _("{what} is in force on no day: {last} {end} is before {first} {start}").format(
            what=what, last=last, end=window.end.isoformat(), first=first, start=window.start.isoformat()
        ),
        hint=_("{first} is the first day, {last} the last (both inclusive): swap them or correct the year").format(
            first=first, last=last
        ),
        related=(entity.doc.related(start, _("{field} here").format(field=first)),),
        identity=(*identity, window.start.isoformat(), window.end.isoformat()),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "yaml-syntax",
        "error",
        "YAML that does not parse",
        FAMILY,
        docs="""
        The file is not valid YAML: the parser's message and position are reported, and the
        rest of the file is not read. A tab used for indentation gets a hint: YAML indents with
        spaces only.

        Passes:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
        Fails:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company      # the flow mapping is never closed
        """,
    ),
    Rule(
        "yaml-strict",
        "error",
        "duplicate keys, merge keys, tags, alias/nesting budget, non-string keys, bad "
        "encoding, control/bidi characters, oversize file",
        FAMILY,
        docs="""
        Governance data is read strictly, as YAML 1.2 with JSON-like scalars. Refused with a
        position: duplicate keys (both lines are shown), merge keys (<<), explicit tags
        (!!python/..., !include), more than a small budget of anchors/aliases or nesting depth,
        keys that are not text, files that are not UTF-8, control or bidirectional characters
        in names and titles, titles not in Unicode NFC, files over the size cap, symbolic links
        that point outside the repository (nothing behind them is read), `%YAML` and `%TAG`
        directives, and NEL, U+2028 or U+2029 in a key or value: YAML 1.2 does not break a line
        there but older parsers do, so `level: M1<U+2028>  headcount: 0` could hide a key (in a
        comment they are harmless). Positions count LF, CRLF and a bare CR as one line break
        each and never lie past the end of the file. A document with such a problem is left out
        of the analysis.

        Passes:
            kind: Position
            metadata: {name: cfo, title: 财务总监}
            spec: {unit: company, reportsTo: ceo, headcount: 2}
        Fails:
            kind: Position
            metadata: {name: cfo, title: 财务总监}
            spec:
              unit: company
              reportsTo: ceo
              reportsTo: cfo                # duplicate key
        """,
    ),
    Rule(
        "file-unreadable",
        "error",
        "a file or folder that could not be read (permissions, I/O error)",
        FAMILY,
        docs="""
        A file the tool could not read makes the run fail, whatever --fail-on says: a check
        that silently skipped a file would prove nothing about it.
        """,
    ),
    Rule(
        "schema",
        "error",
        "the document breaks its kind's JSON Schema (unknown kind/apiVersion, missing or "
        "unknown field, wrong type, bad name pattern)",
        FAMILY,
        docs="""
        Every document is checked against the JSON Schema of its kind (`opsgov schema` writes
        them). Every error is reported at the node at fault, with a hint where the usual
        mistake is known: `no` where a boolean is wanted, `1_000` or `10万` where a number is.
        A name or reference in the wrong case or with spaces gets its fixed spelling as a hint
        (`Finance` -> `finance`, `unit/finance` -> `Unit/finance`). A YAML document with neither
        apiVersion nor kind (a stray CI file in ops/) is one finding, not one per field. A file
        with no document at all (empty, or only comments) and an empty or `null` document (a
        stray `---`) are findings too. A unit type outside the vocabulary (the default one, or
        the Organization's unitTypes) is reported here too, and so are a `locale` that is not a
        BCP 47 language tag (zh-CN, en, zh-Hans-CN) and a `currency` that is not an ISO 4217
        code in use. A document with schema errors is left out of the analysis.

        Passes:
            kind: Position
            metadata: {name: cfo, title: 财务总监}
            spec: {unit: company, reportsTo: ceo, headcount: 2}
        Fails:
            kind: Position
            metadata: {name: cfo, title: 财务总监}
            spec: {unit: company, headcount: two, reportTo: ceo}
        """,
    ),
    Rule(
        "duplicate-name",
        "error",
        "two documents of the same kind with the same name",
        FAMILY,
        docs="""
        Names are unique per kind. The second definition is reported, with the first as a
        related location; the first one is the one the analysis uses.

        Passes:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
            ---
            kind: Unit
            metadata: {name: finance-shared, title: 财务共享中心}
            spec: {parent: company}
        Fails:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
            ---
            kind: Unit
            metadata: {name: finance, title: 财务共享中心}   # a second Unit called finance
            spec: {parent: company}
        """,
    ),
    Rule(
        "dangling-ref",
        "error",
        "a reference names no entity of an allowed kind",
        FAMILY,
        docs="""
        A reference must name an entity of a kind that the field allows. The message suggests
        the closest existing name, and says so when the name belongs to another kind
        (`reportsTo: finance` where finance is a Unit: the hint names the unit's head).

        Given:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
        Passes:
            kind: Unit
            metadata: {name: payroll, title: 薪酬组}
            spec: {type: team, parent: finance}
        Fails:
            kind: Unit
            metadata: {name: payroll, title: 薪酬组}
            spec: {type: team, parent: finanse}   # names no Unit; did you mean 'finance'?
        """,
    ),
    Rule(
        "ambiguous-ref",
        "error",
        "a bare name that exists in two allowed kinds",
        FAMILY,
        docs="""
        Where a field accepts several kinds (Unit or Position), a name that exists as both must
        be written Kind/name.

        Given:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
            ---
            kind: Position
            metadata: {name: finance, title: 财务岗}
            spec: {unit: finance, reportsTo: ceo}
        Passes:
            kind: KPI
            metadata: {name: closing-days, title: 月结天数}
            spec: {owner: Unit/finance, measures: [finance]}
        Fails:
            kind: KPI
            metadata: {name: closing-days, title: 月结天数}
            spec: {owner: finance, measures: [Unit/finance]}   # a Unit and a Position are called finance
        """,
    ),
    effective_window,
)
