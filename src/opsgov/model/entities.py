"""The model: typed entities indexed by kind and name, with every reference resolved once.

Only documents that passed the schema become entities, so rules can trust their shape. The
names of documents that failed are still known: a reference to one of them is not reported as
dangling (the real problem was already reported), it simply does not resolve.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from opsgov.load.documents import Document, Path
from opsgov.load.schema import KINDS
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import item_path
from opsgov.suggest import closest

if TYPE_CHECKING:
    from opsgov.model.structure import Structure

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


@dataclass(frozen=True, slots=True)
class RefField:
    """Where references stand in a kind's spec: `*` is every list item, `?` a name or a list of names."""

    path: tuple[str, ...]
    kinds: tuple[str, ...]
    edge: str

    @property
    def label(self) -> str:
        """The field as messages name it: `reportsTo`, `approvers`, `escalation.to`, `shared.lead`."""
        words = list(self.path)
        while words[-1] in ("*", "?"):
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
    "Person": (RefField(("holds", "*"), ("Position",), "holds"),),
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


def _walk(spec: dict[str, Any], pattern: tuple[str, ...]) -> list[tuple[Path, Any]]:
    """Every (path, value) that `pattern` selects in a spec, breadth first.

    A loop, not a recursive generator: it runs for every reference field of every entity, and
    most entities lack most fields, so the common case is one failed dict lookup.
    """
    if pattern[0] not in spec:
        return []
    selected: list[tuple[Path, Any]] = [(("spec",), spec)]
    for step in pattern:
        following: list[tuple[Path, Any]] = []
        if step == "*" or step == "?":
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


def _kinds_words(kinds: Sequence[str]) -> str:
    if len(kinds) == len(KINDS):
        return "entity"
    return " or ".join(kinds) if len(kinds) < 3 else ", ".join(kinds[:-1]) + " or " + kinds[-1]


@dataclass(slots=True)
class Model:
    by_kind: dict[str, dict[str, Entity]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    known: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    organizations: list[Entity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    _structure: Structure | None = None
    """The cache of `opsgov.model.structure.structure_of`; the model never builds it."""

    def get(self, key: str | None) -> Entity | None:
        if not key:
            return None
        kind, _, name = key.partition("/")
        entities = self.by_kind.get(kind)
        return entities.get(name) if entities is not None else None

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
        """Vacancy is known only when at least one Person document exists (docs/format.md, Person)."""
        return bool(self.known["Person"])


def build_model(valid: Sequence[Document], invalid: Sequence[Document]) -> Model:
    """Index entities, report duplicate names, resolve every reference."""
    model = Model(documents=len(valid) + len(invalid))
    for document in invalid:
        data = document.data
        if type(data) is not dict or type(data.get("metadata")) is not dict:
            continue
        kind, name = data.get("kind"), data["metadata"].get("name")
        if type(kind) is str and kind in model.known and type(name) is str:  # a mapping as kind is unhashable
            model.known[kind].add(name)
    for document in valid:
        data = document.data
        kind = data["kind"]
        metadata = data["metadata"]
        entity = Entity(kind, metadata["name"], metadata["title"], metadata.get("labels") or {}, data["spec"], document)
        same_kind = model.by_kind[kind]
        first = same_kind.get(entity.name)
        if first is not None:
            model.findings.append(
                document.finding(
                    "duplicate-name",
                    ("metadata", "name"),
                    f"{kind} '{entity.name}' is defined twice "
                    f"(first in {first.doc.file}:{first.doc.where(('metadata', 'name'))[0]})",
                    entity=entity.key,
                    hint="rename one of them; names are unique per kind",
                    related=(first.doc.related(("metadata", "name"), "first defined here"),),
                    identity=(entity.key,),  # not where the first one is: that depends on file order
                )
            )
            continue
        same_kind[entity.name] = entity
        model.known[kind].add(entity.name)
        if kind == "Organization":
            model.organizations.append(entity)
    _check_unit_types(model)
    suggestions = [_SUGGESTIONS]
    for kind in KINDS:
        fields = REFERENCES[kind]
        for entity in model.by_kind[kind].values():
            for ref_field in fields:
                for path, raw in _walk(entity.spec, ref_field.path):
                    if type(raw) is str:
                        _resolve(model, entity, path, raw, ref_field, suggestions)
    return model


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
            hint = f"did you mean '{close}'?" if close else "add it to the Organization's spec.unitTypes"
            model.findings.append(
                unit.doc.finding(
                    "schema",
                    ("spec", "type"),
                    f"unit type '{unit_type}' is not in the vocabulary: {', '.join(vocabulary)}",
                    entity=unit.key,
                    hint=hint,
                    identity=(unit.key, "unit type", str(unit_type)),
                )
            )


def _resolve(model: Model, entity: Entity, path: Path, raw: str, ref_field: RefField, budget: list[int]) -> None:
    kinds = ref_field.kinds
    kind, slash, name = raw.partition("/")
    if slash:
        if kind not in kinds:
            label = ref_field.label
            model.findings.append(
                entity.doc.finding(
                    "dangling-ref",
                    path,
                    f"{label} '{raw}' names a {kind}, but only a {_kinds_words(kinds)} is allowed here",
                    entity=entity.key,
                    identity=(entity.key, item_path(entity.doc.data, path), raw, "kind not allowed"),
                    hint=_other_kind_hint(model, kinds, kind, name),
                )
            )
            return
        candidates = [kind] if name in model.known[kind] else []
    else:
        name = raw
        candidates = [k for k in kinds if name in model.known[k]]
    if len(candidates) == 1:
        target = model.by_kind[candidates[0]].get(name)
        if target is not None:
            entity.refs[path] = Ref(ref_field.edge, target.key)
        return
    label = ref_field.label
    if candidates:
        options = " or ".join(f"{k}/{name}" for k in candidates)
        model.findings.append(
            entity.doc.finding(
                "ambiguous-ref",
                path,
                f"{label} '{raw}' could be {options}",
                entity=entity.key,
                identity=(entity.key, item_path(entity.doc.data, path), raw, *candidates),
                hint=f"write {options} to say which",
            )
        )
        return
    searched = [kind] if slash else list(kinds)
    message = f"{label} '{raw}' names no {_kinds_words(searched)}"
    hint = ""  # the "did you mean" says what to write; a generic hint would only repeat the message
    elsewhere = [other for other in KINDS if other not in searched and name in model.known[other]]
    if elsewhere:
        # The name exists, but as the wrong kind: `reportsTo: finance` where finance is a Unit.
        message += f"; {name} is {_a(elsewhere[0])}, which {label} cannot name"
        hint = _other_kind_hint(model, searched, elsewhere[0], name)
    if budget[0] > 0:
        budget[0] -= 1
        close = closest(name, [n for k in searched for n in model.known[k]], similar_length=True)
        if close:
            message += f"; did you mean '{close}'?"
    identity = (entity.key, item_path(entity.doc.data, path), raw)  # not the "did you mean": other names change it
    model.findings.append(
        entity.doc.finding("dangling-ref", path, message, entity=entity.key, hint=hint, identity=identity)
    )


def _other_kind_hint(model: Model, allowed: Sequence[str], kind: str, name: str) -> str:
    """For a Unit where a post is wanted, its head is the usual fix: say so."""
    unit = model.units.get(name) if kind == "Unit" and "Position" in allowed else None
    head = unit.spec.get("head") if unit is not None else None
    if type(head) is str:
        return f"name a {_kinds_words(allowed)} here, such as {head}, the head of Unit/{name}"
    return f"name a {_kinds_words(allowed)} here"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIO" else f"a {kind}"
