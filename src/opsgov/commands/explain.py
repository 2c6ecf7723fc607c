"""`opsgov explain REF`: one entity on one page, the way a governance officer asks about it.

"Where does this post sit, what does it own and not own, where does it act in our processes,
what may it approve, how is it measured, and is anything wrong with it?" The answers are read
from the model, its structure and its graph, never re-derived: the page shows exactly what the
rules see. The page is data (sections of lines) so the same content renders as text or JSON.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from opsgov import escape
from opsgov.commands.wording import (
    band_words,
    grant_words,
    mode_words,
    stand_words,
    through_words,
    vote_words,
)
from opsgov.i18n import ENGLISH, N_, _, speaking
from opsgov.model.approvals import BandRow, bands_table, grant_measure, matrix_category, matrix_measure
from opsgov.model.dates import DEFAULT_HORIZON
from opsgov.model.delegation import Authority, Grant, Stand, Upcoming, band_stands
from opsgov.model.entities import Entity, Holding, Model, next_items
from opsgov.model.find import find
from opsgov.model.graph import build_graph
from opsgov.model.raci import LETTERS, owner_is_accountable, step_roles
from opsgov.model.structure import Structure, structure_of
from opsgov.render.words import kpi_summary, org_currency
from opsgov.report.finding import Finding
from opsgov.report.formats.text import waived_words
from opsgov.report.report import Report

RACI_EDGES = ("responsible", "accountable", "consulted", "informed")
"""The graph edges by which an entity takes part in a process step."""
RACI_LEGEND = N_("R responsible, A accountable, C consulted, I informed")
RACI_HEADING = N_("Processes")


class ExplainError(Exception):
    """REF names nothing, or more than one thing: a usage error (exit status 2)."""


@dataclass(slots=True)
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Page:
    key: str
    title: str
    facts: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    delegations: list[dict[str, Any]] = field(default_factory=list)
    """A post's (or a person's posts') Delegations in force and scheduled, either way: JSON `delegations`."""
    lang: str = ENGLISH
    """The run's language: the page's words are in it, and `text` words its own in it too."""

    def section(self, heading: str, lines: Iterable[str]) -> None:
        self.sections.append(Section(heading, list(lines)))

    def text(self) -> str:
        """Plain text for the terminal; every line goes through `clean`, titles are user data."""
        with speaking(self.lang):
            none = _("none")
            out = [escape.text(f"{self.title} ({self.key})")]
            out.extend(f"  {escape.text(fact)}" for fact in self.facts)
            for section in self.sections:
                out.append("")
                out.append(_("{heading}:").format(heading=section.heading))
                out.extend(f"  {escape.text(line)}" for line in section.lines or [none])
            out.append("")
            out.append(_("{heading}:").format(heading=_("Findings")))
            if not self.findings:
                out.append(f"  {none}")
            for finding in self.findings:
                out.append(
                    escape.text(
                        f"  {finding.file}:{finding.line}:{finding.column}: {finding.level} {finding.rule} "
                        f"{finding.message}{waived_words(finding)}"
                    )
                )
            return "\n".join(out) + "\n"

    def to_json(self) -> str:
        kind, _, name = self.key.partition("/")
        data = {
            "entity": self.key,
            "kind": kind,
            "name": name,
            "title": self.title,
            "facts": self.facts,
            "sections": [{"heading": s.heading, "lines": s.lines} for s in self.sections],
            "findings": [f.to_dict() for f in self.findings],
            "delegations": self.delegations,
        }
        return escape.json_dumps(data)


# --- small words -------------------------------------------------------------------------------


def _day(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _mode_words(row: BandRow, approvers: int) -> str:
    """The mode as written; a countersign with one approver says so rather than hiding as "sole approver"."""
    if approvers > 1:
        return mode_words(row.mode)
    if row.mode == "any":
        return _("sole approver")
    return _("{mode}, with one approver only").format(mode=mode_words(row.mode))


# --- the explainer -----------------------------------------------------------------------------


class Explainer:
    """Builds pages for one report's model; each method reads only what its kind needs."""

    def __init__(self, report: Report, horizon: int = DEFAULT_HORIZON) -> None:
        """`horizon`: how many days ahead scheduled delegations are shown (opsgov.yaml `horizon`)."""
        if report.model is None:
            raise ExplainError(_("the repository could not be loaded"))
        self.report = report
        self.horizon = horizon
        self._upcoming: Upcoming | None = None
        self.model: Model = report.model
        self.structure: Structure = structure_of(self.model)
        self.graph = build_graph(self.model)
        self._authority: Authority | None = None

    # names

    def label(self, key: str | None) -> str:
        if key is None:
            return "?"
        entity = self.model.get(key)
        return f"{entity.title} ({key})" if entity is not None else key

    def labels(self, keys: Iterable[str]) -> list[str]:
        return [self.label(key) for key in keys]

    def label_on(self, key: str, day: datetime.date) -> str:
        """`title (Kind/name)` as of `day` (a scheduled Delegation's first day), when that is later than
        the model's date: the version in force then, which may not be in force yet."""
        entity = self.model.version_on(key, day) if day > self.model.as_of else None
        return f"{entity.title} ({key})" if entity is not None else self.label(key)

    # references

    def outgoing(self, entity: Entity, edge: str) -> list[str]:
        """Targets of `entity`'s references of one type, in document order."""
        return [ref.target for ref in entity.refs.values() if ref.edge == edge]

    def incoming(self, key: str, *edges: str) -> list[str]:
        """Sources (entities or step nodes) that refer to `key` with one of `edges`, sorted."""
        if key not in self.graph:
            return []
        return sorted({source for source, _, edge in self.graph.in_edges(key, data="type") if edge in edges})

    # the page

    def page(self, key: str) -> Page:
        entity = self.model.get(key)
        if entity is None:
            raise ExplainError(_("{key} is not in the model").format(key=key))
        page = Page(key, entity.title, lang=self.report.lang)
        page.facts.append(_("defined in {file}:{line}").format(file=entity.doc.file, line=entity.doc.line))
        metadata = entity.doc.data.get("metadata", {}) if isinstance(entity.doc.data, dict) else {}
        if isinstance(metadata.get("description"), str):
            page.facts.append(metadata["description"])
        build = getattr(self, f"_{entity.kind.lower()}", self._generic)
        build(entity, page)
        page.findings = self.findings(entity)
        return page

    def findings(self, entity: Entity) -> list[Finding]:
        """Findings about the entity, or located inside its own document.

        The end of the document is where the next entity of the same file starts; a schema finding
        of an invalid document in between names that document, which is no entity, and is left out.
        """
        doc = entity.doc
        following = [
            other.doc.line
            for other in self.model
            if other.doc.file == doc.file and other.doc.line > doc.line and other.doc is not doc
        ]
        end = min(following, default=None)
        return [
            f
            for f in self.report.findings
            if f.entity == entity.key
            or (
                f.file == doc.file
                and doc.line <= f.line
                and (end is None or f.line < end)
                and (not f.entity or self.model.get(f.entity) is not None)
            )
        ]

    # shared sections

    def _boundary(self, entity: Entity, page: Page) -> None:
        page.section(_("Owns"), self.labels(self.outgoing(entity, "owns")))
        lines = []
        for index, item in enumerate(entity.spec.get("excludes") or ()):
            duty = entity.target(("spec", "excludes", index, "responsibility")) or f"{item.get('responsibility')} (?)"
            line = self.label(duty)
            if "ownedBy" in item:
                owner = entity.target(("spec", "excludes", index, "ownedBy"))
                line += _(" — owned by {owner}").format(
                    owner=self.label(owner) if owner else str(item["ownedBy"]) + " (?)"
                )
            if item.get("note"):
                line += _(": {note}").format(note=item["note"])
            lines.append(line)
        page.section(_("Excludes"), lines)

    def _dotted_lines(self, key: str) -> list[str]:
        entity = self.model.get(key)
        lines = (
            [_("to {entity}").format(entity=e) for e in self.labels(self.outgoing(entity, "dottedLine"))]
            if entity
            else []
        )
        return lines + [_("from {entity}").format(entity=e) for e in self.labels(self.incoming(key, "dottedLine"))]

    def raci(self, key: str) -> Iterator[tuple[Entity, list[tuple[dict[str, Any], str]]]]:
        """Each process the entity takes part in, with its steps and the entity's letters there.

        The process owner takes part as the accountable of the steps that name none (model.raci).
        """
        processes = {source.partition("#")[0] for source in self.incoming(key, *RACI_EDGES)}
        processes.update(s for s in self.incoming(key, "owner") if s.startswith("Process/"))
        for process_key in sorted(processes):
            process = self.model.get(process_key)
            if process is None:
                continue
            steps = process.spec.get("steps") or []
            letters: dict[int, set[str]] = {}
            for index, step in enumerate(steps):
                for letter, party in step_roles(process, index, step):
                    if party == key:
                        letters.setdefault(index, set()).add(letter)
            taking_part = [
                (steps[index], ", ".join(letter for letter in LETTERS if letter in letters[index]))
                for index in sorted(letters)
            ]
            yield process, taking_part

    def _process_lines(self, key: str) -> list[str]:
        lines = []
        for process, steps in self.raci(key):
            owner = _(" — process owner") if process.target(("spec", "owner")) == key else ""
            lines.append(f"{self.label(process.key)}{owner}")
            lines.extend(f"  {step.get('title', '')} ({step['id']}): {letters}" for step, letters in steps)
        return lines

    def _band(self, matrix_key: str, row: BandRow) -> str:
        """`营销活动费用审批 (ApprovalMatrix/marketing-spend), band 1: below 100,000 CNY`."""
        return _("{matrix}, band {number}: {amounts}").format(
            matrix=self.label(matrix_key), number=row.number, amounts=band_words(row)
        )

    def _approval_lines(self, key: str, approving_only: bool = False) -> list[str]:
        """What `key` approves, receives by escalation, may request, votes on and approves by delegation;
        `approving_only`: only the bands it approves (what a voting body's member approves through it)."""
        lines = []
        for matrix_key in self.incoming(key, "approver", "requester", "escalation"):
            matrix = self.model.get(matrix_key)
            if matrix is None:
                continue
            for row in bands_table(self.model, matrix):
                words = self._band(matrix_key, row)
                approvers = [party.key for party in row.approvers]
                if key in approvers:
                    others = [a for a in approvers if a and a != key]
                    with_whom = _(" with {others}").format(others=_(", ").join(self.labels(others))) if others else ""
                    lines.append(
                        _("approves {band}{with_others}; {mode}").format(
                            band=words, with_others=with_whom, mode=_mode_words(row, len(others) + 1)
                        )
                    )
                if row.escalation is not None and row.escalation.to.key == key and not approving_only:
                    lines.append(
                        _("receives escalations of {band} after {after}").format(band=words, after=row.escalation.after)
                    )
            if key in self.outgoing(matrix, "requester") and not approving_only:
                lines.append(_("may request under {matrix}").format(matrix=self.label(matrix_key)))
        if approving_only:
            return lines
        for body_key in self.incoming(key, "votingMember"):
            body = self.model.get(body_key)
            if body is None:
                continue
            lines.append(_("votes in {body}: {vote}").format(body=self.label(body_key), vote=vote_words(body)))
            body_lines = self._approval_lines(body_key, approving_only=True)
            lines.extend("  " + _("as a member: the body {line}").format(line=line) for line in body_lines)
        lines.extend(self._delegated_lines(key))
        lines.extend(self._delegating_lines(key))
        return lines

    def authority(self) -> Authority:
        """Who approves what, through the Delegations in force (docs/format.md, Delegation), read once."""
        if self._authority is None:
            self._authority = Authority(self.model)
        return self._authority

    def _stands(self, matrix: Entity) -> dict[int, list[Stand]]:
        """Delegates in force per band of the matrix (docs/format.md, Delegation)."""
        if not self.model.known["Delegation"]:
            return {}
        return band_stands(self.authority(), matrix)

    def _grants(self, keys: Iterable[str]) -> Iterator[tuple[Grant, bool]]:
        """The Delegations in force (by first day), then those scheduled within the horizon (by first day),
        that hand authority from or to one of `keys`, each with whether it is scheduled."""
        chosen = set(keys)
        current = self.authority().grants if self.model.known["Delegation"] else []
        for g in sorted(current, key=lambda g: (g.window.start or datetime.date.min, g.key)):
            if g.source in chosen or g.delegate in chosen:
                yield g, False
        for g in self.upcoming().grants:
            if g.source in chosen or g.delegate in chosen:
                yield g, True

    def _delegating_lines(self, key: str) -> list[str]:
        """What a post hands on: `delegates to <delegate> through Delegation/x (window), up to <cap>, in <matrices>`,
        for each Delegation in force, then each scheduled within the horizon (from its first day)."""
        if not key.startswith("Position/"):
            return []
        lines = []
        for g, scheduled in self._grants([key]):
            if g.source != key:
                continue
            day = g.window.start if scheduled and g.window.start is not None else self.model.as_of
            delegate = self.label_on(g.delegate, day) if g.delegate else str(g.delegation.spec.get("to"))
            if g.matrices is None:
                matrices = _("every matrix in which it approves")
            else:
                matrices = _(", ").join(self.label_on(m, day) for m in g.matrices)
            if g.cap is None:
                line = _("delegates to {delegate} through {delegation}, in {matrices}")
                line = line.format(delegate=delegate, delegation=grant_words(g), matrices=matrices)
            else:
                cap = grant_measure(self.model, g).amount(g.cap)
                line = _("delegates to {delegate} through {delegation}, up to {cap}, in {matrices}")
                line = line.format(delegate=delegate, delegation=grant_words(g), cap=cap, matrices=matrices)
            if scheduled:
                line = _("from {day} (scheduled): {line}").format(day=day.isoformat(), line=line)
            lines.append(line)
        return lines

    def delegations(self, keys: list[str]) -> list[dict[str, Any]]:
        """JSON `delegations`: each Delegation in force or scheduled from or to one of `keys`."""
        return [
            {
                "delegation": g.key,
                "title": g.delegation.title,
                "status": "scheduled" if scheduled else "in force",
                "delegator": g.source or None,
                "delegate": g.delegate or None,
                "matrices": None if g.matrices is None else list(g.matrices),
                "upTo": None if g.cap is None else str(g.cap),
                "validFrom": _day(g.window.start),
                "validUntil": _day(g.window.end),
            }
            for g, scheduled in self._grants(keys)
        ]

    def upcoming(self) -> Upcoming:
        """The Delegations scheduled within the horizon (docs/format.md, Delegation), read once."""
        if self._upcoming is None:
            self._upcoming = Upcoming(self.model, self.horizon)
        return self._upcoming

    def _delegated_lines(self, key: str) -> list[str]:
        """What a post approves through delegations in force, with the Delegation and its window; then
        what it will approve through delegations scheduled within the horizon, from their first day."""
        if not key.startswith("Position/"):
            return []
        upcoming = self.upcoming()
        if not self.model.known["Delegation"] and not upcoming.grants:
            return []
        lines: list[str] = []
        later: list[tuple[datetime.date, str]] = []
        for matrix in self.model.entities("ApprovalMatrix"):
            for band, stands in sorted(self._stands(matrix).items()):
                lines.extend(self._stand_line(matrix, band, stand) for stand in stands if stand.delegate == key)
            if upcoming.grants:
                for band, dated in sorted(upcoming.band_stands(matrix).items()):
                    later.extend(
                        (day, self._stand_line(matrix, band, stand, day))
                        for day, stand in dated
                        if stand.delegate == key
                    )
        scheduled = _("from {day} (scheduled): {line}")
        return lines + [scheduled.format(day=day.isoformat(), line=line) for day, line in sorted(later)]

    def _stand_line(self, matrix: Entity, band: int, stand: Stand, day: datetime.date | None = None) -> str:
        """`approves <matrix>, band 2: <words> in place of <delegator>, through <Delegation (window)>, up to <cap>`;
        the delegator named as of `day` (a scheduled stand's first day)."""
        line = _("approves {band} in place of {delegator}, through {delegations}").format(
            band=self._band(matrix.key, bands_table(self.model, matrix)[band]),
            delegator=self.label_on(stand.delegator, day or self.model.as_of),
            delegations=through_words(self.model, stand),
        )
        if stand.cap is not None:
            line += _(", up to {amount}").format(amount=matrix_measure(self.model, matrix).amount(stand.cap))
        return line

    def kpi_words(self, spec: dict[str, Any]) -> str:
        """The KPI line of the handbook's vocabulary (render/words.py), in the language spoken around it."""
        return kpi_summary(spec, org_currency(self.model))

    def _kpi_lines(self, key: str) -> list[str]:
        lines = [
            _("owns {kpi}: {target}").format(kpi=self.label(k), target=self.kpi_words(self._spec(k)))
            for k in self.incoming(key, "owner")
            if k.startswith("KPI/")
        ]
        return lines + [_("measured by {kpi}").format(kpi=self.label(k)) for k in self.incoming(key, "measures")]

    def _chain_to_top(self, key: str) -> list[str]:
        chain = self._chain_lines(list(self.structure.chain(key)), self.structure.reports_to, key)
        return chain or [_("none: this is the top position")]

    def _grouped(self, page: Page, heading: str, keys: list[str], lines_of: Callable[[str], list[str]]) -> None:
        """One section over several posts (a Person's): each post's lines under "as <post>:"."""
        lines: list[str] = []
        for key in keys:
            own = lines_of(key)
            if len(keys) > 1 and own:
                lines.append(_("as {post}:").format(post=self.label(key)))
                own = [f"  {line}" for line in own]
            lines.extend(own)
        if heading == RACI_HEADING and lines:
            lines.insert(0, f"({_(RACI_LEGEND)})")
        page.section(_(heading), lines)

    def _work(self, page: Page, keys: list[str]) -> None:
        """Processes, approvals and KPIs: what a unit, a post or a person's posts do."""
        self._grouped(page, RACI_HEADING, keys, self._process_lines)
        self._grouped(page, N_("Approvals"), keys, self._approval_lines)
        self._grouped(page, N_("KPIs"), keys, self._kpi_lines)

    def _spec(self, key: str) -> dict[str, Any]:
        entity = self.model.get(key)
        return entity.spec if entity is not None else {}

    def _chain_lines(self, walk: list[str], follow: dict[str, str | None], start: str) -> list[str]:
        lines = [f"{number}. {self.label(k)}" for number, k in enumerate(walk, 1)]
        last = walk[-1] if walk else start
        loop = follow.get(last)
        if loop is not None and (loop == start or loop in walk):
            lines.append(_("… loops back to {entity} (a cycle)").format(entity=self.label(loop)))
        return lines

    # kinds

    def _position(self, entity: Entity, page: Page) -> None:
        spec, key, structure = entity.spec, entity.key, self.structure
        facts = [_("level {level}").format(level=spec["level"])] if "level" in spec else []
        facts.append(_("headcount {count}").format(count=spec.get("headcount", 1)))
        page.facts.append(_(", ").join(facts))
        unit = structure.unit_of.get(key)
        lines = []
        if unit is not None:
            above = [self.label(u) for u in structure.unit_ancestors(unit)]
            lines.append(self.label(unit) + (_(", under {units}").format(units=" › ".join(above)) if above else ""))
        lines += [_("head of {unit}").format(unit=label) for label in self.labels(self.incoming(key, "head"))]
        page.section(_("Unit"), lines)
        page.section(_("Chain to the top"), self._chain_to_top(key))
        page.section(_("Dotted lines"), self._dotted_lines(key))
        page.section(_("Direct reports"), self.labels(sorted(structure.reports.get(key, ()))))
        if self.model.persons_declared:
            holders = structure.holders.get(key, [])
            acting = structure.acting.get(key, [])
            lines = [
                self.label(person) + (self._acting(key, person) if person in acting else "")
                for person in sorted(holders)
            ]
            page.section(_("Holders"), lines or [_("vacant")])
            page.section(_("Former holders"), self._former(lambda h: h.position == key, lambda h: h.person))
        self._boundary(entity, page)
        self._work(page, [key])
        page.delegations = self.delegations([key])

    def _unit(self, entity: Entity, page: Page) -> None:
        key, structure = entity.key, self.structure
        if "type" in entity.spec:
            page.facts.append(_("type {type}").format(type=entity.spec["type"]))
        ancestors = list(structure.unit_ancestors(key))
        lines = self._chain_lines(ancestors, structure.parent, key)
        page.section(_("Parent chain"), lines or [_("none: this is the root unit")])
        page.section(_("Children"), self.labels(sorted(structure.children.get(key, ()))))
        page.section(_("Head"), self.labels(self.outgoing(entity, "head")))
        posts = sorted(structure.posts_in.get(key, ()))
        page.section(
            _("Posts"),
            [
                _("{post}, headcount {count}").format(post=self.label(p), count=self._spec(p).get("headcount", 1))
                for p in posts
            ],
        )
        page.section(_("Dotted lines"), self._dotted_lines(key))
        if vote_words(entity):
            members = self.labels(self.outgoing(entity, "votingMember"))
            page.section(
                _("Decides by vote"), [vote_words(entity), *(_("member: {member}").format(member=m) for m in members)]
            )
        self._boundary(entity, page)
        self._work(page, [key])

    def _person(self, entity: Entity, page: Page) -> None:
        lines = []
        posts = list(dict.fromkeys(self.outgoing(entity, "holds")))
        for post in posts:
            lines.append(self.label(post) + self._acting(post, entity.key))
            unit = self.structure.unit_of.get(post)
            if unit is not None:
                lines.append("  " + _("unit: {unit}").format(unit=self.label(unit)))
            manager = self.structure.reports_to.get(post)
            manager_words = self.label(manager) if manager else _("nobody (top position)")
            lines.append("  " + _("reports to: {manager}").format(manager=manager_words))
            position = self.model.get(post)
            owns = self.outgoing(position, "owns") if position is not None else []
            if owns:
                lines.append("  " + _("owns: {duties}").format(duties=_(", ").join(self.labels(owns))))
        page.section(_("Posts held"), lines)
        page.section(_("Former posts"), self._former(lambda h: h.person == entity.key, lambda h: h.position))
        self._grouped(page, N_("Chain to the top"), posts, self._chain_to_top)
        self._grouped(page, N_("Dotted lines"), posts, self._dotted_lines)
        self._work(page, posts)
        page.delegations = self.delegations(posts)

    def _acting(self, post: str, person: str) -> str:
        """`, acting until 2026-12-31` for a holding in force that is an acting appointment."""
        holding = self.structure.held.get((post, person))
        if holding is None or not holding.acting:
            return ""
        end = holding.window.end
        return _(", acting until {day}").format(day=end.isoformat()) if end else _(", acting")

    def _former(self, chosen: Callable[[Holding], bool], shown: Callable[[Holding], str]) -> list[str]:
        """History: holdings that ended before the as-of date (former holders, emeritus roles)."""
        ended = [
            h for h in self.model.holdings if chosen(h) and h.window.end is not None and h.window.end < self.model.as_of
        ]
        return [
            (_("{entity}, acting {window}") if h.acting else _("{entity}, {window}")).format(
                entity=self.label(shown(h)), window=h.window.said()
            )
            for h in sorted(ended, key=lambda h: (h.window.end, shown(h)))
        ]

    def _process(self, entity: Entity, page: Page) -> None:
        spec = entity.spec
        owner = entity.target(("spec", "owner"))
        page.section(_("Owner"), [self.label(owner)] if owner else [])
        carries = entity.target(("spec", "responsibility"))
        page.section(_("Carries out"), [self.label(carries)] if carries else [])
        steps = spec.get("steps") or []
        start = spec.get("start") or (steps[0]["id"] if steps else None)
        lines = []
        for index, step in enumerate(steps):
            at = ("spec", "steps", index)
            marks = [
                _(" (start)") if step["id"] == start else "",
                _(", SLA {sla}").format(sla=step["sla"]) if "sla" in step else "",
            ]
            lines.append(f"{index + 1}. {step.get('title', '')} ({step['id']}){''.join(marks)}")
            roles = step_roles(entity, index, step)
            for letter in LETTERS:
                who = self.labels(party for role, party in roles if role == letter)
                if letter == "A" and owner_is_accountable(step) and owner:
                    who = [_("{owner} (process owner)").format(owner=self.label(owner))]
                if who:
                    lines.append(f"   {letter}: {_(', ').join(who)}")
            matrix = entity.target((*at, "approval"))
            if matrix:
                lines.append("   " + _("approval: {matrix}").format(matrix=self.label(matrix)))
            if step.get("next"):
                shown = (
                    item.step + (_(" (when {condition})").format(condition=item.when) if item.when else "")
                    for item in next_items(step)
                )
                lines.append("   " + _("next: {steps}").format(steps=_(", ").join(shown)))
        page.section(_("Steps"), lines)
        matrices = sorted({ref.target for ref in entity.refs.values() if ref.edge == "approval"})
        page.section(_("Approvals"), self.labels(matrices))
        kpis = self.outgoing(entity, "kpi")
        kpis += [k for k in self.incoming(entity.key, "measures") if k not in kpis]
        page.section(_("KPIs"), [f"{self.label(k)}: {self.kpi_words(self._spec(k))}" for k in kpis])

    def _responsibility(self, entity: Entity, page: Page) -> None:
        key = entity.key
        if "category" in entity.spec:
            page.facts.append(_("category {category}").format(category=entity.spec["category"]))
        page.section(_("Owners"), self.labels(self.incoming(key, "owns")))
        lines = []
        for source in self.incoming(key, "excludes"):
            other = self.model.get(source)
            if other is None:
                continue
            for index in range(len(other.spec.get("excludes") or ())):
                if other.target(("spec", "excludes", index, "responsibility")) == key:
                    owner = other.target(("spec", "excludes", index, "ownedBy"))
                    says = _(" — says it is owned by {owner}").format(owner=self.label(owner)) if owner else ""
                    lines.append(self.label(source) + says)
        page.section(_("Excluded by"), lines)
        lead = entity.target(("spec", "shared", "lead"))
        shared = []
        if lead:
            shared.append(_("lead: {unit}").format(unit=self.label(lead)))
        partners = self.outgoing(entity, "sharedWith")
        if partners:
            shared.append(_("with: {units}").format(units=_(", ").join(self.labels(partners))))
        page.section(_("Shared"), shared or [_("no: one owner expected")])
        page.section(_("Processes"), self.labels(self.incoming(key, "carries")))
        measured = self.labels(self.incoming(key, "measures"))
        page.section(_("KPIs"), [_("measured by {kpi}").format(kpi=label) for label in measured])

    def _approvalmatrix(self, entity: Entity, page: Page) -> None:
        spec = entity.spec
        measure = matrix_measure(self.model, entity)
        if "subject" in spec:
            page.facts.append(_("subject: {subject}").format(subject=spec["subject"]))
        if matrix_category(entity):
            page.facts.append(_("category: {category}").format(category=matrix_category(entity)))
        if measure.quantity == "none":
            facts = [_("a decision right without an amount")]
        elif measure.quantity == "money":
            facts = [_("currency {currency}").format(currency=measure.currency)] if measure.currency else []
        else:
            facts = [_("quantity {quantity}").format(quantity=measure.quantity)]
        facts.append(_("self-approval allowed") if spec.get("allowSelfApproval") else _("no self-approval"))
        page.facts.append(_(", ").join(facts))
        page.section(_("Requesters"), self.labels(self.outgoing(entity, "requester")))
        lines = []
        stands = self._stands(entity)
        later = self.upcoming().band_stands(entity) if self.upcoming().grants else {}
        for row in bands_table(self.model, entity):
            approvers = [self.label(p.key) if p.key else f"{p.name} (?)" for p in row.approvers]
            lines.append(f"{row.number}. {band_words(row)}: {_(', ').join(approvers)}")
            lines.append(f"   {_mode_words(row, len(approvers))}")
            bodies = (self.model.get(party.key) for party in row.approvers if party.vote)
            lines.extend(f"   {vote_words(body)}" for body in bodies if body is not None)
            if row.escalation is not None:
                to = row.escalation.to
                lines.append(
                    "   "
                    + _("escalates after {after} to {target}").format(
                        after=row.escalation.after, target=self.label(to.key) if to.key else to.name
                    )
                )
            for stand in stands.get(row.number - 1, ()):
                lines.append(
                    "   " + _("delegate in force: {delegate}").format(delegate=stand_words(self.model, stand, measure))
                )
            for day, stand in sorted(later.get(row.number - 1, ()), key=lambda item: (item[0], item[1].delegate)):
                words = _("delegate scheduled from {day}: {stand}")
                lines.append(
                    "   " + words.format(day=day.isoformat(), stand=stand_words(self.model, stand, measure, day))
                )
        page.section(_("Bands"), lines)
        page.section(_("Used in steps"), [self._step_label(s) for s in self.incoming(entity.key, "approval")])

    def _kpi(self, entity: Entity, page: Page) -> None:
        spec = entity.spec
        if spec.get("method"):
            page.facts.append(_("method: {method}").format(method=spec["method"]))
        owner = entity.target(("spec", "owner"))
        page.section(_("Owner"), [self.label(owner)] if owner else [])
        target = self.kpi_words(spec)
        page.section(_("Target"), [target] if target else [])
        page.section(_("Measures"), self.labels(self.outgoing(entity, "measures")))
        page.section(_("Processes"), self.labels(self.incoming(entity.key, "kpi")))

    def _generic(self, entity: Entity, page: Page) -> None:
        page.section(_("Refers to"), [f"{ref.edge}: {self.label(ref.target)}" for ref in entity.refs.values()])
        referred = sorted(
            (edge, source) for source, _, edge in self.graph.in_edges(entity.key, data="type") if source != entity.key
        )
        page.section(_("Referred to by"), [f"{edge}: {self._step_label(source)}" for edge, source in referred])

    def _step_label(self, node: str) -> str:
        process_key, hash_, step_id = node.partition("#")
        if not hash_:
            return self.label(node)
        title = self.graph.nodes[node].get("title", "") if node in self.graph else ""
        return _("{process}, step {step} ({id})").format(process=self.label(process_key), step=title, id=step_id)


def explain(report: Report, ref: str, horizon: int = DEFAULT_HORIZON) -> Page:
    """The page about REF in the checked repository; ResolveError (model.find) when REF names not exactly one entity.

    Delegations scheduled within `horizon` days are shown beside those in force.
    """
    with speaking(report.lang):
        if report.model is None:
            raise ExplainError(_("the repository could not be loaded"))
        explainer = Explainer(report, horizon)
        return explainer.page(find(report.model, ref).key)
