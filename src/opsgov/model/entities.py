"""The model: typed entities indexed by kind and name, with every reference resolved once.

Only documents that passed the schema become entities, so rules can trust their shape. The
names of documents that failed are still known: a reference to one of them is not reported as
dangling (the real problem was already reported), it simply does not resolve.

The model is the organisation as of one date (docs/format.md, "Effective dating"): only documents
in force that day become entities, and references are resolved among them. Documents in force on
other days are kept in `out_of_force` (for messages, history and scheduled changes), and every
holding of a Person is kept in `holdings`, whether in force that day or not.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from opsgov.i18n import N_, _
from opsgov.load.documents import Document, Path
from opsgov.load.schema import KINDS
from opsgov.model.dates import ALWAYS, Window, document_window, holding_window
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import item_path
from opsgov.suggest import closest, did_you_mean

if TYPE_CHECKING:
    from opsgov.model.structure import Structure

_T = TypeVar("_T")

DEFAULT_UNIT_TYPES = ("company", "center", "division", "department", "team", "region", "store", "office", "committee")
_SUGGESTIONS = 50
"""Dangling references that get a "did you mean" (each costs a scan of the names of its kinds)."""


class Ref(NamedTuple):
    edge: str
    target: str


@dataclass(slots=True, eq=False)
class Entity:
    kind: str
    name: str
    title: str
    labels: dict[str, str]
    spec: dict[str, Any]
    doc: Document
    key: str = ""
    refs: dict[Path, Ref] = field(default_factory=dict)
    window: Window = ALWAYS
    """The days the document is in force (metadata.validFrom/validUntil)."""
    resolved: Resolved | None = None
    """What resolving its references gave on its model's date (None: not resolved, not in force)."""

    def __post_init__(self) -> None:
        self.key = f"{self.kind}/{self.name}"

    def target(self, path: Path) -> str | None:
        """The `Kind/name` that the reference at `path` resolves to, if it resolves."""
        ref = self.refs.get(path)
        return ref.target if ref is not None else None

    def finding(self, path: Path, message: str, *, identity: tuple[str, ...] | None = None, **kwargs: Any) -> Finding:
        """A finding at `path` of this entity's document, about this entity unless told otherwise.

        `identity` names what else the finding is about (fingerprint.py); the finding's entity is
        put in front of it.
        """
        kwargs.setdefault("entity", self.key)
        if identity is not None:
            identity = (kwargs["entity"], *identity)
        return self.doc.finding("", path, message, identity=identity, **kwargs)


def entity_words(entity: Entity) -> str:
    """How every message names an entity: its title with the id that disambiguates it,
    "库存管理 (inventory-management)"; the id alone when the title is the id (or empty)."""
    return titled(entity.title, entity.name)


def titled(title: str, name: str) -> str:
    """A title and id as `entity_words` says them, for what is not an entity of the model (a post of an HR table)."""
    title = title.strip()
    if not title or title == name:
        return name
    return f"{title} ({name})"


@dataclass(frozen=True, slots=True)
class Holding:
    """One item of a Person's `spec.holds`: a post held over a window, perhaps acting (docs/format.md, Person)."""

    person: str
    """The Person's key."""
    position: str
    """The post's key, `Position/name` (the post may be in force on other days only)."""
    index: int
    """The item's index in `spec.holds`."""
    path: Path
    """Where the post is named: the item itself, or its `position` field."""
    window: Window
    acting: bool

    def describe(self) -> str:
        """`acting holder of cfo from 2026-12-01 to 2026-12-20`, `holder of cfo`."""
        name = self.position.partition("/")[2]
        role = "acting holder" if self.acting else "holder"
        return f"{role} of {name}" + (f" {self.window.describe()}" if self.window.dated else "")


@dataclass(frozen=True, slots=True)
class RefField:
    """Where references stand in a document: `*` is every list item, `?` a name or a list of names,
    `~key` a name or a mapping's `key` (a holding: `cfo` or `{position: cfo, from: ...}`). `root` is
    the part of the document the path starts in."""

    path: tuple[str, ...]
    kinds: tuple[str, ...]
    edge: str
    root: str = "spec"

    @property
    def label(self) -> str:
        """The field as messages name it: `reportsTo`, `approvers`, `escalation.to`, `shared.lead`."""
        words = list(self.path)
        while words[-1] in ("*", "?") or words[-1].startswith("~"):
            words.pop()
        tail = words[len(words) - words[::-1].index("*") :] if "*" in words else words
        return ".".join(tail)


_UNIT_OR_POST = ("Unit", "Position")
_BOUNDARY = (
    RefField(("excludes", "*", "responsibility"), ("Responsibility",), "excludes"),
    RefField(("excludes", "*", "ownedBy"), _UNIT_OR_POST, "excludedOwner"),
)
REFERENCES: dict[str, tuple[RefField, ...]] = {
    "Organization": (RefField(("root",), ("Unit",), "root"),),
    "Unit": (
        RefField(("parent",), ("Unit",), "parent"),
        RefField(("dottedLines", "*"), ("Unit",), "dottedLine"),
        RefField(("head",), ("Position",), "head"),
        RefField(("owns", "*"), ("Responsibility",), "owns"),
        *_BOUNDARY,
        RefField(("voting", "members", "*"), ("Position",), "votingMember"),
    ),
    "Position": (
        RefField(("unit",), ("Unit",), "unit"),
        RefField(("reportsTo",), ("Position",), "reportsTo"),
        RefField(("dottedLines", "*"), ("Position",), "dottedLine"),
        RefField(("owns", "*"), ("Responsibility",), "owns"),
        *_BOUNDARY,
    ),
    "Person": (RefField(("holds", "*", "~position"), ("Position",), "holds"),),
    "Responsibility": (
        RefField(("shared", "lead"), _UNIT_OR_POST, "sharedLead"),
        RefField(("shared", "with", "*"), _UNIT_OR_POST, "sharedWith"),
    ),
    "Process": (
        RefField(("owner",), _UNIT_OR_POST, "owner"),
        RefField(("responsibility",), ("Responsibility",), "carries"),
        RefField(("kpis", "*"), ("KPI",), "kpi"),
        RefField(("steps", "*", "responsible", "?"), ("Position",), "responsible"),
        RefField(("steps", "*", "accountable"), ("Position",), "accountable"),
        RefField(("steps", "*", "consulted", "*"), _UNIT_OR_POST, "consulted"),
        RefField(("steps", "*", "informed", "*"), _UNIT_OR_POST, "informed"),
        RefField(("steps", "*", "approval"), ("ApprovalMatrix",), "approval"),
    ),
    "ApprovalMatrix": (
        RefField(("requesters", "*"), _UNIT_OR_POST, "requester"),
        RefField(("bands", "*", "approvers", "*"), _UNIT_OR_POST, "approver"),
        RefField(("bands", "*", "escalation", "to"), ("Position", "Unit"), "escalation"),
    ),
    "KPI": (
        RefField(("owner",), _UNIT_OR_POST, "owner"),
        RefField(("measures", "*"), ("Process", "Responsibility", "Unit"), "measures"),
    ),
    "Policy": (),
    "Waiver": (
        RefField(("approvedBy",), ("Position",), "approvedBy"),
        RefField(("targets", "*"), KINDS, "waives"),
    ),
    "Delegation": (
        RefField(("from",), ("Position",), "delegatesFrom"),
        RefField(("to",), ("Position",), "delegatesTo"),
        RefField(("matrices", "*"), ("ApprovalMatrix",), "delegates"),
        RefField(("approvedBy",), ("Position",), "approvedBy"),
    ),
}


class NextItem(NamedTuple):
    """One item of a process step's `next`: the step it leads to, its condition, and where the id stands."""

    step: str
    when: str | None
    path: Path
    """From the step: ("next", i) for a plain id, ("next", i, "step") for a branch {step, when}."""


def next_items(step: dict[str, Any]) -> list[NextItem]:
    """A step's `next` items, plain ids (v1) and conditional branches {step, when} (1.1) alike.

    Every reader of `next` goes through here, so a branch is never mistaken for an id.
    """
    items = []
    for position, item in enumerate(step.get("next") or ()):
        if isinstance(item, dict):
            items.append(NextItem(str(item["step"]), str(item["when"]), ("next", position, "step")))
        else:
            items.append(NextItem(str(item), None, ("next", position)))
    return items


METADATA_REFERENCES = (RefField(("reviewed", "by"), ("Position",), "reviewedBy", root="metadata"),)
"""References in `metadata`, which every kind has (docs/format.md: who reviewed the document)."""


def reference_fields(kind: str) -> tuple[RefField, ...]:
    """Every reference field of a kind: its spec's, then metadata's."""
    return (*REFERENCES[kind], *METADATA_REFERENCES)


def _walk(spec: dict[str, Any], pattern: tuple[str, ...], root: str = "spec") -> list[tuple[Path, Any]]:
    """Every (path, value) that `pattern` selects in a spec (or the part `root` names), breadth first.

    A loop, not a recursive generator: it runs for every reference field of every entity, and
    most entities lack most fields, so the common case is one failed dict lookup.
    """
    if pattern[0] not in spec:
        return []
    selected: list[tuple[Path, Any]] = [((root,), spec)]
    for step in pattern:
        following: list[tuple[Path, Any]] = []
        if step[0] == "~":
            for path, value in selected:
                if type(value) is dict and step[1:] in value:
                    following.append(((*path, step[1:]), value[step[1:]]))
                elif type(value) is not dict:
                    following.append((path, value))
        elif step == "*" or step == "?":
            for path, value in selected:
                if type(value) is list:
                    following.extend(((*path, index), item) for index, item in enumerate(value))
                elif step == "?":
                    following.append((path, value))
        else:
            for path, value in selected:
                if type(value) is dict and step in value:
                    following.append(((*path, step), value[step]))
        if not following:
            return following
        selected = following
    return selected


KIND_WORDS = {
    "Organization": N_("Organization"),
    "Unit": N_("Unit"),
    "Position": N_("Position"),
    "Person": N_("Person"),
    "Responsibility": N_("Responsibility"),
    "Process": N_("Process"),
    "ApprovalMatrix": N_("ApprovalMatrix"),
    "KPI": N_("KPI"),
    "Policy": N_("Policy"),
    "Waiver": N_("Waiver"),
    "Delegation": N_("Delegation"),
}
"""The kinds as messages name them: the YAML's own word in English, the domain's word in Chinese (岗位, 单位...)."""


def kind_words(kind: str) -> str:
    """A kind as a message names the kind itself ("names no Position"): the YAML's word in English, the
    domain's in Chinese; an unknown kind as written."""
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


PROSE_WORDS = {
    "Organization": N_("organization"),
    "Unit": N_("unit"),
    "Position": N_("position"),
    "Person": N_("person"),
    "Responsibility": N_("responsibility"),
    "Process": N_("process"),
    "ApprovalMatrix": N_("approval matrix"),
    "KPI": N_("KPI"),
    "Policy": N_("policy"),
    "Waiver": N_("waiver"),
    "Delegation": N_("delegation"),
}
"""The kinds as a sentence names an entity of them ("unit 财务部 (finance)", as every rule words it)."""


def prose_kind(kind: str) -> str:
    return _(PROSE_WORDS[kind]) if kind in PROSE_WORDS else kind


def key_words(model: Model, key: str) -> str:
    """`Kind/name` as a sentence names it when the kind matters: `unit 财务部 (finance)`, `单位 财务部 (finance)`."""
    return _("{kind} {entity}").format(kind=prose_kind(key.partition("/")[0]), entity=model.words(key))


def _kinds_words(kinds: Sequence[str]) -> str:
    if len(kinds) == len(KINDS):
        return _("entity")
    words = [kind_words(kind) for kind in kinds]
    if len(words) == 1:
        return words[0]
    return _("{kinds} or {last}").format(kinds=_(", ").join(words[:-1]), last=words[-1])


@dataclass(slots=True)
class Model:
    by_kind: dict[str, dict[str, Entity]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    known: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    organizations: list[Entity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    as_of: datetime.date = datetime.date.min
    """The day the model is the organisation of."""
    out_of_force: list[Entity] = field(default_factory=list)
    """Valid documents not in force on `as_of` (earlier or later versions, planned entities, and
    documents in force on no day at all), in document order; their references are not resolved."""
    holdings: list[Holding] = field(default_factory=list)
    """Every holding of the Persons in force, whether in force on `as_of` or not, in document order."""
    changed: frozenset[str] | None = None
    """The kinds whose entities differ from those of the model this one was patched from
    (`build_model(previous=)`: a document in or out of force, or references resolved anew); None
    when it was built whole. A rule that reads none of them gives that model's findings again."""
    _structure: Structure | None = None
    """The cache of `opsgov.model.structure.structure_of`; the model never builds it."""
    _history: _History | None = None
    """What `build_model(previous=)` needs to patch this model into another date's."""
    across: dict[str, dict[str, tuple[object, object]]] = field(default_factory=dict)
    """What the rules derive from one entity alone, shared by the models patched from one another
    (`build_model(previous=)` hands it on): cache name -> entity key -> (the Entity object it was
    derived from, the result). A reader must check that the entity is that very object (`derived_from`):
    a patched model reuses an unchanged entity as it is, and makes a new one for one that changed."""

    def derived_from(self, cache: str, entity: Entity, derive: Callable[[Entity], _T]) -> _T:
        """derive(entity), computed once per Entity object across the dates patched from one another
        (`across`): `derive` must read nothing but the entity itself (its spec and resolved references)."""
        known = self.across.setdefault(cache, {})
        found = known.get(entity.key)
        if found is not None and found[0] is entity:
            return cast(_T, found[1])
        result = derive(entity)
        known[entity.key] = (entity, result)
        return result

    def derived_from_each(self, cache: str, entities: Iterable[Entity], derive: Callable[[Entity], _T]) -> list[_T]:
        """[derived_from(cache, entity, derive) for entity in entities], in one loop: what a whole
        kind's pass (build_structure over 10k posts) pays per entity is a lookup, not a call."""
        known = cast(dict[str, tuple[Entity, _T]], self.across.setdefault(cache, {}))  # cast once, not per entity
        results: list[_T] = []
        append, get = results.append, known.get
        for entity in entities:
            found = get(entity.key)
            if found is not None and found[0] is entity:
                append(found[1])
                continue
            result = derive(entity)
            known[entity.key] = (entity, result)
            append(result)
        return results

    def get(self, key: str | None) -> Entity | None:
        if not key:
            return None
        kind, _, name = key.partition("/")
        entities = self.by_kind.get(kind)
        return entities.get(name) if entities is not None else None

    def words(self, key: str) -> str:
        """How a message names the entity `key` (entity_words); its bare name when it is not declared."""
        entity = self.get(key)
        return entity_words(entity) if entity is not None else key.partition("/")[2] or key

    def entities(self, kind: str) -> Iterator[Entity]:
        return iter(self.by_kind[kind].values())

    def __iter__(self) -> Iterator[Entity]:
        for kind in KINDS:
            yield from self.by_kind[kind].values()

    @property
    def units(self) -> dict[str, Entity]:
        return self.by_kind["Unit"]

    @property
    def positions(self) -> dict[str, Entity]:
        return self.by_kind["Position"]

    @property
    def persons_declared(self) -> bool:
        """Vacancy is known only when at least one Person document exists (docs/format.md, Person), on any day."""
        return bool(self.known["Person"]) or any(e.kind == "Person" for e in self.out_of_force)

    def in_force(self, holding: Holding) -> bool:
        """Whether a holding counts on the model's date (vacancy, headcount, segregation of duties)."""
        return holding.window.contains(self.as_of)

    def windows(self) -> Iterator[Window]:
        """Every dated window of the documents and holdings read (for the change dates of a multi-date check)."""
        for entity in (*self, *self.out_of_force):
            if entity.window.dated:
                yield entity.window
        for holding in self.holdings:
            if holding.window.dated:
                yield holding.window

    def title(self, key: str) -> str:
        """The title of `Kind/name` in force, else of a version in force on other days, else the bare name."""
        kind, _, name = key.partition("/")
        entity = self.get(key)
        if entity is None and kind in self.by_kind:
            entity = next(iter(self.versions(kind, name)), None)
        return entity.title if entity is not None else name or key

    def named(self, kind: str, raw: object, day: datetime.date | None = None) -> str:
        """`Kind/name` of the entity in force on `day` (default: the model's date) that a written name
        (`cfo` or `Position/cfo`) names, or ''.

        For documents not in force on the date, whose references the model does not resolve (a
        scheduled Delegation): the name read as the schema allows it, looked up on the day it speaks of.
        """
        if type(raw) is not str:
            return ""
        key = f"{kind}/{raw.removeprefix(kind + '/')}"
        found = self.get(key) if day is None else self.version_on(key, day)
        return key if found is not None else ""

    def version_on(self, key: str, day: datetime.date) -> Entity | None:
        """The version of `Kind/name` in force on `day`: the one in force on the model's date if it
        still is, else a version in force on other days (whose references the model does not resolve)."""
        current = self.get(key)
        if current is not None and current.window.contains(day):
            return current
        kind, _, name = key.partition("/")
        if kind not in self.by_kind:
            return None
        return next((e for e in self.versions(kind, name) if e.window.contains(day)), None)

    def title_on(self, key: str, day: datetime.date) -> str:
        """The title of `Kind/name` as of `day` (the version in force then), else as `title` finds it."""
        entity = self.version_on(key, day)
        return entity.title if entity is not None else self.title(key)

    def versions(self, kind: str, name: str) -> list[Entity]:
        """Every valid document of one entity, in force today or not, in document order."""
        current = self.by_kind[kind].get(name)
        others = [e for e in self.out_of_force if e.kind == kind and e.name == name]
        found = [*others, current] if current is not None else others
        return sorted(found, key=lambda e: (e.doc.file, e.doc.line))


_IN, _OUT, _DROPPED = 0, 1, 2
"""The standing of a valid document on a date: its entity is in force, out of force (kept in
`out_of_force`), or dropped (a version overlapping one that stands: duplicate-name)."""


@dataclass(slots=True)
class Resolved:
    """What resolving one entity's references gave on its model's date (build_model).

    Kept with the entity, so that a later date's model reuses the entity as it is when nothing it
    names changed (`build_model(previous=)`)."""

    findings: list[Finding]
    """The findings of resolving its references (dangling-ref, ambiguous-ref), in resolution order."""
    unmatched: int = 0
    """How many of its references name nothing at all (each asks for a "did you mean")."""
    holding_findings: list[Finding] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    """A Person's holdings (Model.holdings) and the findings of resolving them."""


_CLEAN = Resolved([])
"""What most entities' references give: no finding (shared, never changed: a Person gets its own)."""


@dataclass(slots=True)
class _Series:
    """What the models of every date of one run's documents share."""

    valid: Sequence[Document]
    bases: list[Entity]
    """Per valid document, its entity as first built (resolved only if in force on the first date)."""
    versions: dict[str, list[int]]
    """Kind/name -> its documents' indexes, for the entities whose standing can differ between
    dates: a dated document, or several versions."""
    volatile: list[int]
    """The indexes of those documents, in document order (every other document is always in force)."""
    of_kind: dict[str, list[int]]
    """Kind -> the indexes of its documents, in document order."""
    invalid_known: dict[str, set[str]]
    """Kind -> names of the documents that failed the schema (`Model.known` on every date)."""
    held: dict[int, list[Window]]
    """Person document index -> the windows of its dated holdings."""
    referrers: dict[str, set[int]] | None = None
    """Bare name -> indexes of the documents whose references name it (built on the first patch)."""


@dataclass(slots=True)
class _History:
    """Where a model stands in its series: what `build_model(previous=)` patches."""

    series: _Series
    standing: bytearray
    """Per valid document: _IN, _OUT or _DROPPED on the model's date."""
    entities: list[Entity]
    """Per valid document, its entity in this model (in force: resolved; otherwise unresolved)."""
    unmatched: int
    """Resolved.unmatched summed over the entities in force."""


def build_model(
    valid: Sequence[Document], invalid: Sequence[Document], *, as_of: datetime.date, previous: Model | None = None
) -> Model:
    """The organisation as of `as_of`: index the entities in force, report duplicate names
    (versions whose windows overlap), resolve every reference among the entities in force.

    With `previous`, a model built from the same documents on another date, the model is made by
    patching it: the entities whose document, standing and referenced names did not change are
    reused as they are (docs/design.md, "Dates"). The result equals a whole build, except the
    wording of findings already on `previous` (a "did you mean" can name another close name): a
    multi-date check reports such a finding from the first date it holds.
    """
    if previous is not None and previous._history is not None and previous._history.series.valid is valid:
        patched = _patch(previous, previous._history, as_of)
        if patched is not None:
            if (
                previous._structure is not None
                and patched.changed is not None
                and patched.changed.isdisjoint(_STRUCTURE)
            ):
                patched._structure = previous._structure
            patched.across = previous.across
            return patched
    return _build(valid, invalid, as_of)


def _build(valid: Sequence[Document], invalid: Sequence[Document], as_of: datetime.date) -> Model:
    model = Model(documents=len(valid) + len(invalid), as_of=as_of)
    for document in invalid:
        data = document.data
        if type(data) is not dict or type(data.get("metadata")) is not dict:
            continue
        kind, name = data.get("kind"), data["metadata"].get("name")
        if type(kind) is str and kind in model.known and type(name) is str:  # a mapping as kind is unhashable
            model.known[kind].add(name)
    invalid_known = {kind: set(names) for kind, names in model.known.items()}
    bases: list[Entity] = []
    keys: dict[str, list[int]] = {}
    of_kind: dict[str, list[int]] = {kind: [] for kind in KINDS}
    held: dict[int, list[Window]] = {}
    for index, document in enumerate(valid):
        data = document.data
        kind = data["kind"]
        metadata = data["metadata"]
        entity = Entity(kind, metadata["name"], metadata["title"], metadata.get("labels") or {}, data["spec"], document)
        entity.window = document_window(data)
        bases.append(entity)
        keys.setdefault(entity.key, []).append(index)
        of_kind[kind].append(index)
        if kind == "Person":
            dated = [w for w in map(holding_window, entity.spec["holds"]) if w.dated]
            if dated:
                held[index] = dated
    versions = {key: found for key, found in keys.items() if len(found) > 1 or bases[found[0]].window.dated}
    series = _Series(
        valid, bases, versions, sorted(i for found in versions.values() for i in found), of_kind, invalid_known, held
    )
    standing = bytearray(len(valid))
    duplicates = _standings(series, as_of, standing)
    _index(model, series, standing, bases)
    model.findings.extend(duplicates)
    _check_unit_types(model)
    resolver = _Resolver(model, _elsewhere(model))
    for kind in KINDS:
        for entity in model.by_kind[kind].values():
            _resolve(resolver, entity)
    for person in model.entities("Person"):
        _resolve_holdings(resolver, person)
    unmatched = sum(entity.resolved.unmatched for entity in model if entity.resolved is not None)
    model._history = _History(series, standing, bases, unmatched)
    return model


def references_never_checked(model: Model, days: Sequence[datetime.date]) -> list[Finding]:
    """The references of the documents in force on none of `days` (the dates a check evaluates:
    wholly past, beyond the horizon, or in force on no day), which no date's model resolves.

    Each must name an entity of an allowed kind that exists in some version (any window); else
    dangling-ref (or ambiguous-ref), worded as on a date, with its "did you mean". A document in
    force on one of `days` is resolved by that day's model and is not looked at here.
    """
    history = model._history
    if history is None:
        return []
    series = history.series
    ordered = sorted(days)
    unchecked = [series.bases[i] for i in series.volatile if not _in_force_on_any(series.bases[i].window, ordered)]
    if not unchecked:
        return []
    every = Model(documents=model.documents, as_of=model.as_of)  # one index of all names by kind, any window
    for kind, indexes in series.of_kind.items():
        every.by_kind[kind] = {series.bases[i].name: series.bases[i] for i in indexes}
        every.known[kind] = series.invalid_known[kind] | every.by_kind[kind].keys()
    resolver = _Resolver(every, {})
    for entity in unchecked:
        for ref_field, path, raw in _references(entity):
            resolver.resolve(entity, path, raw, ref_field, record=False)
    return every.findings


def _in_force_on_any(window: Window, days: Sequence[datetime.date]) -> bool:
    """Whether `window` contains one of `days` (ascending)."""
    if window.inverted:
        return False
    first = bisect.bisect_left(days, window.start) if window.start is not None else 0
    return first < len(days) and window.contains(days[first])


def _standings(series: _Series, as_of: datetime.date, standing: bytearray) -> list[Finding]:
    """Set the standing of every volatile document on `as_of`; the duplicate-name findings, in document order.

    Versions of one entity are taken in document order: one that overlaps an earlier one is
    reported; the first one stands, except on a day only the later one covers."""
    found: list[tuple[int, Finding]] = []
    bases = series.bases
    for indexes in series.versions.values():
        earlier: list[Entity] = []
        for index in indexes:
            entity = bases[index]
            overlapping = next((e for e in earlier if _overlap(e.window, entity.window) is not None), None)
            if overlapping is not None:
                found.append((index, _duplicate(overlapping, entity)))
                if not entity.window.contains(as_of) or any(e.window.contains(as_of) for e in earlier):
                    standing[index] = _DROPPED
                    continue
            earlier.append(entity)
            standing[index] = _IN if entity.window.contains(as_of) and not entity.window.inverted else _OUT
    found.sort(key=lambda pair: pair[0])
    return [finding for _place, finding in found]


def _index(
    model: Model,
    series: _Series,
    standing: bytearray,
    entities: list[Entity],
    previous: Model | None = None,
    moved: Collection[str] = (),
) -> None:
    """Fill the model's indexes from the standing of each document: the entities in force by kind
    and name, the names known, the Organizations, and the entities out of force. With `previous`,
    the kinds none of whose documents `moved` in or out of force are copied from it."""
    for kind, indexes in series.of_kind.items():
        if previous is not None and kind not in moved:
            model.by_kind[kind] = dict(previous.by_kind[kind])
            model.known[kind] = set(previous.known[kind])
            continue
        in_force = [entities[i] for i in indexes if standing[i] == _IN]
        entities_of = model.by_kind[kind] = {entity.name: entity for entity in in_force}
        model.known[kind] = series.invalid_known[kind] | entities_of.keys()
    model.organizations = list(model.by_kind["Organization"].values())
    model.out_of_force = [entities[i] for i in series.volatile if standing[i] == _OUT]


def _elsewhere(model: Model) -> dict[str, list[Window]]:
    elsewhere: dict[str, list[Window]] = {}
    for entity in model.out_of_force:
        if entity.name not in model.known[entity.kind]:
            elsewhere.setdefault(entity.key, []).append(entity.window)
    return elsewhere


def _references(entity: Entity) -> Iterator[tuple[RefField, Path, str]]:
    """Every reference of an entity: its field, where it stands, and the name as written."""
    for ref_field in reference_fields(entity.kind):
        part = entity.spec if ref_field.root == "spec" else entity.doc.data[ref_field.root]
        for path, raw in _walk(part, ref_field.path, ref_field.root):
            if type(raw) is str:
                yield ref_field, path, raw


def _resolve(resolver: _Resolver, entity: Entity) -> None:
    """Resolve an entity's references (a Person's holdings apart: _resolve_holdings), recording what it gave."""
    findings = resolver.model.findings
    start, unmatched = len(findings), resolver.unmatched
    for ref_field, path, raw in _references(entity):
        if ref_field is not _HOLDS:
            resolver.resolve(entity, path, raw, ref_field)
    if len(findings) > start or resolver.unmatched > unmatched or entity.kind == "Person":
        entity.resolved = Resolved(findings[start:], resolver.unmatched - unmatched)
    else:
        entity.resolved = _CLEAN


def _names(entity: Entity) -> set[str]:
    """The bare names an entity's references name (`reportsTo: Position/cfo` names cfo), holdings included."""
    names = set()
    for *_where, raw in _references(entity):
        _kind, slash, name = raw.partition("/")
        names.add(name if slash else raw)
    return names


def _resolve_holdings(resolver: _Resolver, person: Entity) -> None:
    model = resolver.model
    start, held, unmatched = len(model.findings), len(model.holdings), resolver.unmatched
    for index, item in enumerate(person.spec["holds"]):
        _add_holding(model, resolver, person, index, item)
    resolved = person.resolved
    assert resolved is not None
    resolved.holding_findings = model.findings[start:]
    resolved.holdings = model.holdings[held:]
    resolved.unmatched += resolver.unmatched - unmatched


def _unresolved(base: Entity) -> Entity:
    """A new entity of the same document, its references not resolved."""
    return Entity(base.kind, base.name, base.title, base.labels, base.spec, base.doc, window=base.window)


def _patch(previous: Model, history: _History, as_of: datetime.date) -> Model | None:
    """The model of `as_of` made from `previous` (its `history`); None when only a whole build
    gives the same findings (more references naming nothing than get a "did you mean")."""
    series = history.series
    before = previous.as_of
    bases = series.bases
    old = history.standing
    standing = bytearray(old)
    duplicates = _standings(series, as_of, standing)
    entities = list(history.entities)
    moved = [i for i in series.volatile if standing[i] != old[i]]
    changed = {bases[i].kind for i in moved}
    names = {bases[i].name for i in moved}
    unmatched = history.unmatched
    arrived: set[int] = set()
    """Documents in force on `as_of` and not on `before`."""
    for index in moved:
        if old[index] == _IN:
            unmatched -= _unmatched(history.entities[index])
        if standing[index] != _DROPPED:
            entities[index] = _unresolved(bases[index])
            if standing[index] == _IN:
                arrived.add(index)
    dirty = set(arrived)
    referrers = series.referrers if series.referrers is not None else _referrers(series, history)
    for name in names:
        dirty.update(i for i in referrers.get(name, ()) if standing[i] == _IN)
    flipped = {
        index
        for index, windows in series.held.items()
        if standing[index] == _IN and any(w.contains(before) != w.contains(as_of) for w in windows)
    }
    dirty |= flipped
    model = Model(documents=previous.documents, as_of=as_of)
    _index(model, series, standing, entities, previous, changed)
    _check_unit_types(model)
    unit_types, model.findings = model.findings, []
    resolver = _Resolver(model, _elsewhere(model))
    order = sorted(dirty, key=lambda i: (_KIND_ORDER[bases[i].kind], i))
    for index in order:
        if index not in arrived:  # in force on both dates: resolved anew, kept below if nothing changed
            entities[index] = _unresolved(bases[index])
            model.by_kind[bases[index].kind][bases[index].name] = entities[index]
        _resolve(resolver, entities[index])
    for index in order:
        if bases[index].kind == "Person":
            _resolve_holdings(resolver, entities[index])
    for index in order:
        entity = entities[index]
        if index not in arrived:
            was = history.entities[index]
            unmatched -= _unmatched(was)
            if index not in flipped and _same(was, entity):
                entity = entities[index] = model.by_kind[entity.kind][entity.name] = was
            else:
                changed.add(entity.kind)
        unmatched += _unmatched(entity)
        if index in arrived:  # a document's names never change: known already if it was in force before
            for name in _names(entity):
                referrers.setdefault(name, set()).add(index)
    if unmatched > _SUGGESTIONS:
        return None
    model.findings, model.holdings = [*duplicates, *unit_types], []  # each entity's own, in order, below
    for kind in KINDS:
        for entity in model.by_kind[kind].values():
            resolved = entity.resolved
            if resolved is not None and resolved.findings:
                model.findings.extend(resolved.findings)
    for person in model.entities("Person"):
        resolved = person.resolved
        if resolved is not None:
            model.findings.extend(resolved.holding_findings)
            model.holdings.extend(resolved.holdings)
    model.changed = frozenset(changed)
    model._history = _History(series, standing, entities, unmatched)
    return model


_STRUCTURE = ("Organization", "Unit", "Position", "Person")
"""The kinds `opsgov.model.structure.build_structure` reads (a Person: its holdings in force)."""
_KIND_ORDER = {kind: order for order, kind in enumerate(KINDS)}


def _unmatched(entity: Entity) -> int:
    return entity.resolved.unmatched if entity.resolved is not None else 0


def _same(first: Entity, second: Entity) -> bool:
    """Whether two resolutions of one document gave the same references, holdings and findings."""
    one, two = first.resolved, second.resolved
    return (
        one is not None
        and two is not None
        and first.refs == second.refs
        and one.findings == two.findings
        and one.holding_findings == two.holding_findings
        and one.holdings == two.holdings
    )


def _referrers(series: _Series, history: _History) -> dict[str, set[int]]:
    """Bare name -> the documents in force whose references name it (kept up to date by _patch)."""
    referrers: dict[str, set[int]] = {}
    for index, entity in enumerate(history.entities):
        if history.standing[index] == _IN:
            for name in _names(entity):
                referrers.setdefault(name, set()).add(index)
    series.referrers = referrers
    return referrers


_HOLDS = REFERENCES["Person"][0]


def _add_holding(model: Model, resolver: _Resolver, person: Entity, index: int, item: Any) -> None:
    """A holding in force on the date is a reference like any other; one on other days (a former or
    future post) needs its post to exist on some day, not that one."""
    path: Path = ("spec", "holds", index)
    if type(item) is dict:
        path, raw, acting = (*path, "position"), item["position"], item.get("acting") is True
    else:
        raw, acting = item, False
    if type(raw) is not str:
        return
    key = "Position/" + raw.removeprefix("Position/")
    holding = Holding(person.key, key, index, path, holding_window(item), acting)
    if model.in_force(holding):
        found = resolver.resolve(person, path, raw, _HOLDS)
    else:
        found = resolver.exists(raw, _HOLDS) or resolver.resolve(person, path, raw, _HOLDS, record=False)
    if found:
        model.holdings.append(holding)


def _overlap(first: Window, second: Window) -> Window | None:
    """The days two versions are both in force, or None; a version in force on no day overlaps nothing."""
    if first.inverted or second.inverted:
        return None
    day = first.first_shared_day(second)
    if day is None:
        return None
    end = min(first.end or datetime.date.max, second.end or datetime.date.max)
    return Window(day if day > datetime.date.min else None, end if end < datetime.date.max else None)


def _duplicate(first: Entity, entity: Entity) -> Finding:
    """Two versions of one entity in force on the same days: the later document is reported."""
    shared = _overlap(first.window, entity.window)
    assert shared is not None
    where = f"{first.doc.file}:{first.doc.where(('metadata', 'name'))[0]}"
    kind, name = prose_kind(entity.kind), entity_words(entity)
    if not (first.window.dated or entity.window.dated):
        message = _("{kind} {name} is defined twice (first in {where})").format(kind=kind, name=name, where=where)
        hint = _("rename one of them; names are unique per kind")
    else:
        days = _("on every day") if not shared.dated else shared.said()
        message = _(
            "{kind} {name} is defined twice for the same days: both versions are in force {days} (first in {where})"
        ).format(kind=kind, name=name, days=days, where=where)
        hint = _("end the earlier version (validUntil) the day before the later one starts (validFrom), or rename one")
    return entity.doc.finding(
        "duplicate-name",
        ("metadata", "name"),
        message,
        entity=entity.key,
        hint=hint,
        related=(first.doc.related(("metadata", "name"), _("first defined here")),),
        identity=(entity.key,),  # not where the first one is: that depends on file order
    )


def _check_unit_types(model: Model) -> None:
    vocabulary: Sequence[str] = DEFAULT_UNIT_TYPES
    if not model.organizations and model.known["Organization"]:
        return  # the Organization is broken (already reported): its vocabulary is unknown
    if len(model.organizations) == 1:
        vocabulary = model.organizations[0].spec.get("unitTypes") or DEFAULT_UNIT_TYPES
    for unit in model.units.values():
        unit_type = unit.spec.get("type")
        if unit_type is not None and unit_type not in vocabulary:
            close = closest(unit_type, vocabulary)
            hint = did_you_mean(close) or _("add it to the Organization's spec.unitTypes")
            model.findings.append(
                unit.doc.finding(
                    "schema",
                    ("spec", "type"),
                    _("unit type '{type}' is not in the vocabulary: {vocabulary}").format(
                        type=unit_type, vocabulary=", ".join(vocabulary)
                    ),
                    entity=unit.key,
                    hint=hint,
                    identity=(unit.key, "unit type", str(unit_type)),
                )
            )


class _Resolver:
    """Resolves references among the entities in force; "did you mean" for the first few dangling ones."""

    def __init__(self, model: Model, elsewhere: dict[str, list[Window]]) -> None:
        self.model = model
        self.elsewhere = elsewhere
        """Kind/name -> windows of an entity that exists, but not on the model's date."""
        self.budget = _SUGGESTIONS
        self.unmatched = 0
        """References that named nothing at all: each asks for a "did you mean" while the budget lasts."""

    def exists(self, raw: str, ref_field: RefField) -> bool:
        """Whether `raw` names an entity of an allowed kind on some day (the model's or another)."""
        kind, slash, name = raw.partition("/")
        kinds = [kind] if slash else ref_field.kinds
        name = name if slash else raw
        return any(name in self.model.known[k] or f"{k}/{name}" in self.elsewhere for k in kinds if k in KINDS)

    def resolve(self, entity: Entity, path: Path, raw: str, ref_field: RefField, *, record: bool = True) -> bool:
        """Record the reference (with `record`), or report it; True when it names an entity."""
        model = self.model
        kinds = ref_field.kinds
        kind, slash, name = raw.partition("/")
        if slash:
            if kind not in kinds:
                label = ref_field.label
                model.findings.append(
                    entity.doc.finding(
                        "dangling-ref",
                        path,
                        _("{field} '{raw}' names {a_kind}, but only {kinds} is allowed here").format(
                            field=label, raw=raw, a_kind=_a(kind), kinds=_a_kinds(kinds)
                        ),
                        entity=entity.key,
                        identity=(entity.key, item_path(entity.doc.data, path), raw, "kind not allowed"),
                        hint=_other_kind_hint(model, kinds, kind, name),
                    )
                )
                return False
            candidates = [kind] if name in model.known[kind] else []
        else:
            name = raw
            candidates = [k for k in kinds if name in model.known[k]]
        if len(candidates) == 1:
            target = model.by_kind[candidates[0]].get(name)
            if target is not None and record:
                entity.refs[path] = Ref(ref_field.edge, target.key)
            return True
        label = ref_field.label
        if candidates:
            spelled = [f"{k}/{name}" for k in candidates]
            options = _("{kinds} or {last}").format(kinds=_(", ").join(spelled[:-1]), last=spelled[-1])
            model.findings.append(
                entity.doc.finding(
                    "ambiguous-ref",
                    path,
                    _("{field} '{raw}' could be {options}").format(
                        field=label,
                        raw=raw,
                        options=_("{kinds} or {last}").format(
                            kinds=_(", ").join(key_words(model, key) for key in spelled[:-1]),
                            last=key_words(model, spelled[-1]),
                        ),
                    ),
                    entity=entity.key,
                    identity=(entity.key, item_path(entity.doc.data, path), raw, *candidates),
                    hint=_("write {options} to say which").format(options=options),
                )
            )
            return False
        searched = [kind] if slash else list(kinds)
        dated = [(k, self.elsewhere[f"{k}/{name}"]) for k in searched if f"{k}/{name}" in self.elsewhere]
        if dated:
            model.findings.append(self._not_in_force(entity, path, raw, label, *dated[0]))
            return False
        message = _("{field} '{raw}' names no {kinds}").format(field=label, raw=raw, kinds=_kinds_words(searched))
        hint = ""  # the "did you mean" says what to write; a generic hint would only repeat the message
        elsewhere = [other for other in KINDS if other not in searched and name in model.known[other]]
        if elsewhere:
            # The name exists, but as the wrong kind: `reportsTo: finance` where finance is a Unit.
            message += _("; {name} is {a_kind}, which {field} cannot name").format(
                name=name, a_kind=_a(elsewhere[0]), field=label
            )
            hint = _other_kind_hint(model, searched, elsewhere[0], name)
        self.unmatched += 1
        if self.budget > 0:
            self.budget -= 1
            close = closest(name, [n for k in searched for n in model.known[k]], similar_length=True)
            if close:
                message += _("; {suggestion}").format(suggestion=did_you_mean(close))
        identity = (entity.key, item_path(entity.doc.data, path), raw)  # not the "did you mean": other names change it
        model.findings.append(
            entity.doc.finding("dangling-ref", path, message, entity=entity.key, hint=hint, identity=identity)
        )
        return False

    def _not_in_force(
        self, entity: Entity, path: Path, raw: str, label: str, kind: str, windows: list[Window]
    ) -> Finding:
        """A reference to an entity that exists, but not on the model's date: say when it is in force."""
        name = raw.rpartition("/")[2]
        usable = [w for w in windows if not w.inverted]
        when = _(" and ").join(w.said() for w in usable) if usable else _("on no day (validFrom after validUntil)")
        day = self.model.as_of.isoformat()
        if entity.window.dated:
            hint = _(
                "this document is in force {window}, and on {day} {target} is not: "
                "align the two windows (validFrom/validUntil), or name an entity in force then"
            ).format(window=entity.window.said(), day=day, target=f"{kind}/{name}")
        else:
            hint = _(
                "references are resolved on {day}: give this document the same window, or name one in force then"
            ).format(day=day)
        return entity.doc.finding(
            "dangling-ref",
            path,
            _("{field} '{raw}' names {target}, which is in force {when}").format(
                field=label, raw=raw, target=f"{kind}/{name}", when=when
            ),
            entity=entity.key,
            hint=hint,
            identity=(entity.key, item_path(entity.doc.data, path), raw, "not in force"),
        )


def _other_kind_hint(model: Model, allowed: Sequence[str], kind: str, name: str) -> str:
    """For a Unit where a post is wanted, its head is the usual fix: say so."""
    unit = model.units.get(name) if kind == "Unit" and "Position" in allowed else None
    head = unit.spec.get("head") if unit is not None else None
    if type(head) is str:
        return _("name {kinds} here, such as {head}, the head of {unit}").format(
            kinds=_a_kinds(allowed), head=head, unit=key_words(model, f"Unit/{name}")
        )
    return _("name {kinds} here").format(kinds=_a_kinds(allowed))


def _a(kind: str) -> str:
    """`a Position`, `an ApprovalMatrix` (in Chinese the kind alone)."""
    return (_("an {kind}") if kind[0] in "AEIO" else _("a {kind}")).format(kind=kind_words(kind))


def _a_kinds(kinds: Sequence[str]) -> str:
    """`a Unit or Position`, `a ApprovalMatrix`: "a" whatever the kind, as the English messages always said."""
    return _("a {kind}").format(kind=_kinds_words(kinds))
