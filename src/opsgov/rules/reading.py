"""Rules reported by the loading, schema and model stages rather than by a check of the model."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "reading"

RULES = (
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
            spec: {parent: finance}
        Fails:
            spec: {parent: finance      # the flow mapping is never closed
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
        that point outside the repository. A document with such a problem is left out of the
        analysis.

        Passes:
            spec: {headcount: 2, reportsTo: ops-director}
        Fails:
            spec:
              reportsTo: ops-director
              reportsTo: center-director   # duplicate key
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
        apiVersion nor kind (a stray CI file in ops/) is one finding, not one per field. A unit
        type outside the vocabulary (the default one, or the Organization's unitTypes) is
        reported here too. A document with schema errors is left out of the analysis.

        Passes:
            kind: Position
            spec: {unit: ops, headcount: 2}
        Fails:
            kind: Position
            spec: {unit: ops, headcount: two, reportTo: ops-director}
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
            ---
            kind: Unit
            metadata: {name: finance-shared, title: 财务共享中心}
        Fails:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            ---
            kind: Unit
            metadata: {name: finance, title: 财务共享中心}   # a second Unit called finance
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

        Passes:
            spec: {parent: finance}     # a Unit called finance exists
        Fails:
            spec: {parent: finanse}     # names no Unit; did you mean 'finance'?
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

        Passes:
            owner: Unit/finance
        Fails:
            owner: finance              # both a Unit and a Position are called finance
        """,
    ),
)
