"""The one resolver of what a person types on the command line to name an entity.

`opsgov explain REF`, `render process NAME`, `render orgchart --root UNIT` and `who-approves
MATRIX` all resolve through `find`, so they accept the same spellings and fail with the same
messages: `Kind/name` (the kind in any letter case: `approvalmatrix/marketing-spend`), a bare
name, or else an exact title (`营销活动费用审批`) when exactly one entity carries it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NoReturn

from opsgov.config.settings import ConfigError
from opsgov.load.schema import KINDS
from opsgov.model.entities import Entity, Model
from opsgov.suggest import close_matches

LISTED = 10
"""How many names a not-found message lists when nothing is close to what was typed."""


class ResolveError(ConfigError):
    """The reference names nothing, the wrong kind, or more than one entity: a usage error (exit 2)."""


def find(model: Model, ref: str, kinds: Sequence[str] = KINDS) -> Entity:
    """The one entity of `kinds` that `ref` names; ResolveError saying why when there is not exactly one."""
    ref = unicodedata.normalize("NFC", ref.strip())
    kind, slash, name = ref.partition("/")
    if slash:
        spelled = {k.lower(): k for k in KINDS}.get(kind.lower())
        if spelled is None:
            raise ResolveError(f"unknown kind '{kind}' in '{ref}'; kinds are {', '.join(kinds)}")
        if spelled not in kinds:
            raise ResolveError(f"'{ref}' names {_a(spelled)}; {_wanted(kinds)} is wanted here")
        entity = model.by_kind[spelled].get(name)
        if entity is None:
            _not_found(model, ref, name, [spelled])
        return entity
    found = [model.by_kind[k][ref] for k in kinds if ref in model.by_kind[k]]
    if len(found) == 1:
        return found[0]
    if found:
        options = ", ".join(entity.key for entity in found)
        raise ResolveError(f"'{ref}' is ambiguous: it could be {options}; write Kind/name")
    titled = [entity for k in kinds for entity in model.by_kind[k].values() if entity.title == ref]
    if len(titled) == 1:
        return titled[0]
    if titled:
        raise ResolveError(f"'{ref}' is the title of {', '.join(e.key for e in titled)}; name one of them")
    _not_found(model, ref, ref, kinds)


def _not_found(model: Model, ref: str, name: str, kinds: Sequence[str]) -> NoReturn:
    for kind in kinds:
        versions = model.versions(kind, name)
        if versions:
            when = ", ".join(v.window.describe() for v in versions)
            raise ResolveError(
                f"{kind}/{name} is not in force on {model.as_of.isoformat()}: it is in force {when}; "
                "give --as-of a day in it"
            )
    broken = [k for k in kinds if name in model.known[k]]
    if broken:
        raise ResolveError(f"{broken[0]}/{name} is declared but its document is invalid; `opsgov check` says why")
    names = sorted({n for k in kinds for n in model.by_kind[k]})
    close = close_matches(name, names, n=3, similar_length=True)
    if close:
        hint = f"; did you mean {' or '.join(repr(c) for c in sorted(close))}?"
    elif len(kinds) > 1:
        hint = ""
    elif names:
        hint = f"; the {kinds[0]} names are: {', '.join(names[:LISTED])}{' ...' if len(names) > LISTED else ''}"
    else:
        hint = f"; the repository declares no valid {kinds[0]}"
    what = f"no {kinds[0]}" if len(kinds) == 1 else "nothing"
    raise ResolveError(f"'{ref}' names {what} in this repository{hint}")


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIO" else f"a {kind}"


def _wanted(kinds: Sequence[str]) -> str:
    return " or ".join(_a(k) for k in kinds)
