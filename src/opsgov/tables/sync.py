"""`opsgov sync`: where an HR export and the repository disagree (`hr-drift`), and applying HR to the YAML.

The HR table is read exactly as `opsgov import` reads a roster. Its posts are matched to the
repository's: by id (a position code becomes the id an import would give it), else by the title of
the post and of its department. Differences are findings at the YAML file and line of the entity;
a post only in HR is reported at its row of the table.

`--write` edits the YAML with ruamel.yaml's round-trip mode, so comments, key order and flow
lists stay as they were: the unit, reporting line and headcount of matched posts, the holders
(Persons) of each post, and posts new in HR (added to their department's file; a department new
in HR goes with them into ops/synced.yaml). Posts that HR no longer has are reported and left for
a person to delete: a post may carry duties and approvals that a roster knows nothing of. Every
file is replaced atomically and only files inside the repository are written.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsgov.atomic import write_atomic
from opsgov.config.settings import Settings
from opsgov.i18n import _, speaking
from opsgov.load.documents import Path as NodePath
from opsgov.model.dates import holding_window
from opsgov.model.entities import Entity, Model, entity_words, titled
from opsgov.outputs import inside_target
from opsgov.pipeline import finalize, language_of, load_model
from opsgov.report.finding import Finding
from opsgov.report.report import Report
from opsgov.tables.export import holdings
from opsgov.tables.ids import Namer, slug
from opsgov.tables.imports import read_roster
from opsgov.tables.read import TableError, table_finding
from opsgov.tables.roster import Post, Roster
from opsgov.tables.write import API_VERSION

RULE = "hr-drift"


@dataclass(slots=True)
class Change:
    """One edit `--write` makes: set a spec field of a position, or a holder change."""

    entity: Entity
    field: str
    value: Any


@dataclass(slots=True)
class Drift:
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    holders: dict[str, list[str]] = field(default_factory=dict)
    """Position name -> the titles (names) of its holders in HR, for every matched post whose holders differ."""
    new_posts: list[Post] = field(default_factory=list)
    matched: dict[tuple[str, ...], str] = field(default_factory=dict)
    """HR post key -> repository position name."""
    roster: Roster | None = None
    day: datetime.date = datetime.date.min
    """The day whose holdings are compared (the run's --today)."""


def _holders(model: Model, day: datetime.date) -> dict[str, list[Entity]]:
    """Position name -> the Persons holding it on `day`."""
    found: dict[str, list[Entity]] = {}
    for person in model.entities("Person"):
        for name in holdings(person, day):
            found.setdefault(name, []).append(person)
    return found


def _drift(entity: Entity, path: NodePath, message: str, *, what: tuple[str, ...], hint: str = "") -> Finding:
    """An hr-drift finding at the entity's YAML; `what` (fixed English words and ids) identifies it whatever the
    language (report/fingerprint.py)."""
    return entity.finding(
        path, message, hint=hint or _("opsgov sync --write applies HR's value"), identity=what
    ).replace(rule=RULE, level="error")


def compare(roster: Roster, model: Model, day: datetime.date) -> Drift:
    """Every difference between the HR roster and the repository's posts."""
    drift = Drift(roster=roster, day=day)
    by_title: dict[tuple[str, str], list[str]] = {}
    for position in model.positions.values():
        unit = model.units.get(str(position.spec.get("unit", "")))
        by_title.setdefault((unit.title if unit else "", position.title), []).append(position.name)
    units_by_title: dict[str, list[str]] = {}
    for unit in model.units.values():
        units_by_title.setdefault(unit.title, []).append(unit.name)
    for post in roster.posts.values():
        hr_unit = roster.units[post.unit]
        if post.code and post.name in model.positions:  # a code is an id; an id made from a title proves nothing
            drift.matched[post.key] = post.name
            continue
        candidates = by_title.get((hr_unit.title, post.title), [])
        if len(candidates) == 1:
            drift.matched[post.key] = candidates[0]

    def unit_name(key: tuple[str, ...]) -> str:
        unit = roster.units[key]
        if unit.code and unit.name in model.units:
            return unit.name
        titled = units_by_title.get(unit.title, [])
        return titled[0] if len(titled) == 1 else unit.name

    def post_words(name: str | None) -> str:
        """A post by title and id: the repository's, else HR's (a post new in HR); nobody for None."""
        if name is None:
            return _("nobody")
        if name in model.positions:
            return entity_words(model.positions[name])
        hr = next((p for p in roster.posts.values() if p.name == name), None)
        return titled(hr.title, name) if hr is not None else name

    def unit_words(name: str, key: tuple[str, ...] | None = None) -> str:
        if name in model.units:
            return entity_words(model.units[name])
        return titled(roster.units[key].title, name) if key is not None else name

    holders = _holders(model, day)
    for post in roster.posts.values():
        name = drift.matched.get(post.key)
        if name is None:
            drift.new_posts.append(post)
            drift.findings.append(
                table_finding(
                    roster.file,
                    post.row,
                    0,
                    _("post '{post}' ({unit}) is in HR but not in the repository").format(
                        post=post.title, unit=roster.units[post.unit].title
                    ),
                    hint=_("opsgov sync --write adds it to its department's file"),
                    what=("only in HR", roster.units[post.unit].title, post.title),
                    sheet=roster.sheet,
                    lines=roster.lines,
                ).replace(rule=RULE)
            )
            continue
        position = model.positions[name]
        spec = position.spec
        unit_id = unit_name(post.unit)
        if spec.get("unit") != unit_id:
            drift.findings.append(
                _drift(
                    position,
                    ("spec", "unit"),
                    _("unit differs: {hr} in HR, {repository} in the repository").format(
                        hr=unit_words(unit_id, post.unit), repository=unit_words(str(spec.get("unit")))
                    ),
                    what=("unit", unit_id, str(spec.get("unit"))),
                )
            )
            drift.changes.append(Change(position, "unit", unit_id))
        manager: str | None = None
        if post.reports_to is not None:
            manager = drift.matched.get(post.reports_to) or roster.posts[post.reports_to].name
        if manager != spec.get("reportsTo"):
            path: NodePath = ("spec", "reportsTo") if "reportsTo" in spec else ("metadata", "name")
            drift.findings.append(
                _drift(
                    position,
                    path,
                    _("manager differs: reports to {hr} in HR, {repository} in the repository").format(
                        hr=post_words(manager), repository=post_words(spec.get("reportsTo") or None)
                    ),
                    what=("manager", manager or "", str(spec.get("reportsTo") or "")),
                )
            )
            drift.changes.append(Change(position, "reportsTo", manager))
        if post.headcount is not None and post.headcount != spec.get("headcount", 1):
            path = ("spec", "headcount") if "headcount" in spec else ("metadata", "name")
            drift.findings.append(
                _drift(
                    position,
                    path,
                    _("编制 (headcount) differs: {hr} in HR, {repository} in the repository").format(
                        hr=post.headcount, repository=spec.get("headcount", 1)
                    ),
                    what=("headcount", str(post.headcount), str(spec.get("headcount", 1))),
                )
            )
            drift.changes.append(Change(position, "headcount", post.headcount))
        hr_names = sorted(roster.persons[key].title for key in post.holders)
        repo_names = sorted(person.title for person in holders.get(name, []))
        if hr_names != repo_names:
            drift.findings.append(
                _drift(
                    position,
                    ("metadata", "name"),
                    _("holder changed: {hr} in HR, {repository} in the repository").format(
                        hr="、".join(hr_names) or _("vacant"), repository="、".join(repo_names) or _("vacant")
                    ),
                    what=("holders", "、".join(hr_names), "、".join(repo_names)),
                )
            )
            drift.holders[name] = hr_names
    matched = set(drift.matched.values())
    for position in model.positions.values():
        if position.name not in matched:
            drift.findings.append(
                _drift(
                    position,
                    ("metadata", "name"),
                    _("post {post} is in the repository but not in HR").format(post=entity_words(position)),
                    hint=_(
                        "delete it if the post was abolished (sync --write leaves it: it may carry duties and "
                        "approvals), or add it to the HR system"
                    ),
                    what=("only in the repository",),
                )
            )
    return drift


def check_sync(
    tables: Sequence[Path], settings: Settings, *, sheet: str | None, mapping: Sequence[str]
) -> tuple[Report, Drift, Model]:
    """The HR table against the repository, in the run's language (pipeline.language_of: --lang, opsgov.yaml
    `lang`, the repository's Organization locale, the environment); a TableError is worded in it too."""
    model = load_model(settings)
    language = language_of(settings, model)
    with speaking(language):
        roster, _sources = read_roster(tables, sheet=sheet, mapping=mapping, base=settings.root)
        drift = compare(roster, model, settings.as_of)
    findings = finalize([*roster.findings, *drift.findings], settings)  # levels from opsgov.yaml apply
    report = Report(files=len(tables), documents=roster.rows, findings=findings, model=model, lang=language)
    return report, drift, model


# --- write --------------------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class _Files:
    """The repository's YAML files, loaded round-trip on first touch, written back atomically at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.documents: dict[str, list[Any]] = {}
        self.yaml = _yaml()

    def path(self, rel: str) -> Path:
        """The file in the repository; one that a symbolic link or `..` puts outside it is refused (OutputRefused)."""
        return inside_target(self.root, rel)

    def docs(self, rel: str) -> list[Any]:
        if rel not in self.documents:
            path = self.path(rel)
            self.documents[rel] = list(self.yaml.load_all(path.read_text(encoding="utf-8"))) if path.exists() else []
        return self.documents[rel]

    def find(self, rel: str, kind: str, name: str) -> Any:
        for document in self.docs(rel):
            if isinstance(document, dict) and document.get("kind") == kind:
                metadata = document.get("metadata") or {}
                if metadata.get("name") == name:
                    return document
        raise TableError(
            _("{file}: {kind}/{name} not found when writing; run opsgov sync again").format(
                file=rel, kind=kind, name=name
            )
        )

    def save(self) -> list[str]:
        for rel, documents in self.documents.items():
            buffer = io.StringIO()
            self.yaml.dump_all(documents, buffer)
            write_atomic(self.path(rel), buffer.getvalue())
        return sorted(self.documents)


def _set(spec: Any, key: str, value: Any, after: str = "unit") -> None:
    if value is None:
        spec.pop(key, None)
    elif key in spec:
        spec[key] = value
    else:
        keys = list(spec)
        spec.insert(keys.index(after) + 1 if after in keys else len(keys), key, value)


def apply(drift: Drift, model: Model, root: Path) -> list[str]:
    """Write HR's values into the YAML; the files written, relative to the repository."""
    assert drift.roster is not None
    roster = drift.roster
    files = _Files(root)
    for change in drift.changes:
        entity = change.entity
        _set(files.find(entity.doc.file, "Position", entity.name)["spec"], change.field, change.value)
    new_units: set[str] = set()
    for post in drift.new_posts:
        unit_name = roster.units[post.unit].name
        unit = model.units.get(unit_name)
        rel = unit.doc.file if unit is not None else "ops/synced.yaml"
        if unit is None and unit_name not in new_units:  # a department new in HR comes with its first new post
            new_units.add(unit_name)
            hr_unit = roster.units[post.unit]
            unit_spec: dict[str, Any] = {"type": hr_unit.type}
            if hr_unit.parent is not None:
                unit_spec["parent"] = roster.units[hr_unit.parent].name
            if hr_unit.head is not None:  # every post of a new department is new, so its head is written too
                unit_spec["head"] = roster.posts[hr_unit.head].name
            files.docs(rel).append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "Unit",
                    "metadata": {"name": unit_name, "title": hr_unit.title},
                    "spec": unit_spec,
                }
            )
        spec: dict[str, Any] = {"unit": unit_name}
        if post.reports_to is not None:
            spec["reportsTo"] = drift.matched.get(post.reports_to) or roster.posts[post.reports_to].name
        if post.headcount not in (None, 1):
            spec["headcount"] = post.headcount
        if post.level:
            spec["level"] = post.level
        files.docs(rel).append(
            {
                "apiVersion": API_VERSION,
                "kind": "Position",
                "metadata": {"name": post.name, "title": post.title},
                "spec": spec,
            }
        )
        drift.matched[post.key] = post.name
        drift.holders[post.name] = sorted(roster.persons[key].title for key in post.holders)
    _apply_holders(drift, model, files)
    return files.save()


def _in_force(item: Any, day: datetime.date) -> bool:
    """A round-trip `holds` item (ruamel's map, a date possibly read as a date) in force on `day`."""
    if not isinstance(item, Mapping):
        return True
    plain = {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in item.items()}
    return holding_window(plain).contains(day)


def _apply_holders(drift: Drift, model: Model, files: _Files) -> None:
    """Each post's holders become HR's: a holding is removed from people who left, added to people who came.

    A Person left holding nothing has left the organisation: the document is removed (a Person must
    hold a post).
    """
    people = {person.title: person for person in model.entities("Person")}
    holders = _holders(model, drift.day)
    namer = Namer()
    namer.taken.update(model.by_kind["Person"])
    people_file = next((p.doc.file for p in model.entities("Person")), "ops/people.yaml")
    added: dict[str, Any] = {}
    touched: list[tuple[str, Any]] = []
    for position, names in sorted(drift.holders.items()):
        for person in holders.get(position, []):
            if person.title not in names:
                document = files.find(person.doc.file, "Person", person.name)
                holds = document["spec"]["holds"]
                for index in reversed(range(len(holds))):
                    item = holds[index]
                    held = item == position or (isinstance(item, dict) and item.get("position") == position)
                    if held and _in_force(item, drift.day):  # history stays
                        del holds[index]
                touched.append((person.doc.file, document))
        current = {person.title for person in holders.get(position, [])}
        for title in names:
            if title in current:
                continue
            existing = people.get(title)
            if existing is not None:
                files.find(existing.doc.file, "Person", existing.name)["spec"].setdefault("holds", []).append(position)
            elif title in added:
                added[title]["spec"]["holds"].append(position)
            else:
                document = {
                    "apiVersion": API_VERSION,
                    "kind": "Person",
                    "metadata": {"name": namer.claim(slug(title, "person")), "title": title},
                    "spec": {"holds": [position]},
                }
                added[title] = document
                files.docs(people_file).append(document)
    for rel, document in touched:
        if not document["spec"]["holds"] and any(d is document for d in files.docs(rel)):
            files.docs(rel).remove(document)
