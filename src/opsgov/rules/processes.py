"""Rules of the family "processes" (docs/rules.md): owners of processes and the graph of their steps."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import N_, _
from opsgov.load.documents import Path
from opsgov.model.entities import Entity, Model, entity_words, next_items
from opsgov.model.structure import Structure, structure_of
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule
from opsgov.rules.duties import SHOWN, duty_owners, listed
from opsgov.suggest import closest, did_you_mean

FAMILY = "processes"


_ORPHANED = {
    "no owner": N_("it names no owner"),
    "unresolved": N_("its owner '{owner}' does not resolve to a valid unit or post"),
    "detached unit": N_("its owner {owner} is a unit detached from the organisation"),
    "frozen": N_("its owner {owner} is a frozen post (headcount 0)"),
    "in detached unit": N_("its owner {owner} sits in {unit}, a unit detached from the organisation"),
    "vacant": N_("its owner {owner} is vacant (no Person holds it)"),
}
"""Why a process is orphaned, in the message's words; the identity keeps the English words it always had."""


def _orphaned_because(
    model: Model, process: Entity, structure: Structure, persons_declared: bool
) -> tuple[str, str] | None:
    """Why nobody can answer for the process, as (identity, words); None when its owner is a live unit or post."""
    raw = process.spec.get("owner")
    if raw is None:
        return "it names no owner", _(_ORPHANED["no owner"])
    owner_key = process.target(("spec", "owner"))
    if owner_key is None:
        return f"its owner '{raw}' does not resolve to a valid unit or post", _(_ORPHANED["unresolved"]).format(
            owner=raw
        )
    detached = structure.root is not None
    if owner_key.startswith("Unit/"):
        if detached and owner_key not in structure.reachable:
            return f"its owner {owner_key} is a unit detached from the organisation", _(
                _ORPHANED["detached unit"]
            ).format(owner=model.words(owner_key))
        return None
    entity = model.get(owner_key)
    if entity is not None and entity.spec.get("headcount", 1) == 0:
        return f"its owner {owner_key} is a frozen post (headcount 0)", _(_ORPHANED["frozen"]).format(
            owner=model.words(owner_key)
        )
    unit = structure.unit_of.get(owner_key)
    if detached and unit is not None and unit not in structure.reachable:
        return f"its owner {owner_key} sits in {unit}, a unit detached from the organisation", _(
            _ORPHANED["in detached unit"]
        ).format(owner=model.words(owner_key), unit=model.words(unit))
    if persons_declared and not structure.holders.get(owner_key):
        return f"its owner {owner_key} is vacant (no Person holds it)", _(_ORPHANED["vacant"]).format(
            owner=model.words(owner_key)
        )
    return None


@rule(
    "process-orphaned",
    "error",
    "a process whose owner is missing, dangling, a detached unit, a frozen post (headcount 0) or a vacant post",
    family=FAMILY,
)
def process_orphaned(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every process needs somebody accountable for the whole of it. An owner that does not
    resolve (the reference was reported already, but the process is still orphaned), a unit not
    reachable from the root (or a post in such a unit), a frozen post (headcount 0), or a post
    that no Person holds (checked only when Persons are declared) leaves the process with nobody
    to answer for it.

    Given:
        kind: Unit
        metadata: {name: operations, title: 运营部}
        spec: {parent: company}
        ---
        kind: Process
        metadata: {name: monthly-review, title: 月度复盘}
        spec:
          owner: ops-manager
          steps: [{id: review, title: 复盘会, responsible: ops-manager}]
    Passes:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec: {unit: operations, reportsTo: ceo}
    Fails:
        kind: Position
        metadata: {name: ops-manager, title: 运营经理}
        spec: {unit: operations, reportsTo: ceo, headcount: 0}   # frozen
    """
    structure, persons_declared = structure_of(model), model.persons_declared
    for process in model.entities("Process"):
        reason = _orphaned_because(model, process, structure, persons_declared)
        if reason is not None:
            yield process.finding(
                ("spec", "owner"),
                _("process {process} is orphaned: {reason}").format(process=entity_words(process), reason=reason[1]),
                hint=_("make a staffed post, or a unit of the organisation, the owner of the process"),
                identity=(reason[0],),
            )


class _Steps:
    """A process's steps as a graph of indexes: one pass to build, linear walks."""

    def __init__(self, process: Entity) -> None:
        self.steps: list[dict[str, Any]] = process.spec.get("steps") or []
        self.index: dict[str, int] = {}
        self.duplicates: list[int] = []
        for position, step in enumerate(self.steps):
            if step["id"] in self.index:
                self.duplicates.append(position)
            else:
                self.index[step["id"]] = position
        self.following: list[list[int]] = []
        self.leads_nowhere: list[bool] = []
        """A step with an unknown `next`: it was reported as step-unknown, and may lead to an end."""
        for step in self.steps:
            items = next_items(step)
            known = [self.index[item.step] for item in items if item.step in self.index]
            self.following.append(known)
            self.leads_nowhere.append(len(known) < len(items))
        start = process.spec.get("start")
        self.start = self.index.get(start, 0) if start is not None else 0

    def reachable(self) -> set[int]:
        seen = {self.start}
        queue = deque(seen)
        while queue:
            for following in self.following[queue.popleft()]:
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
        return seen

    def ending(self) -> set[int]:
        """Steps from which an end step (or an unknown `next`, already reported) can be reached."""
        preceding: list[list[int]] = [[] for _step in self.steps]
        for source, targets in enumerate(self.following):
            for target in targets:
                preceding[target].append(source)
        seen = {i for i, step in enumerate(self.steps) if not step.get("next") or self.leads_nowhere[i]}
        queue = deque(seen)
        while queue:
            for source in preceding[queue.popleft()]:
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        return seen


@rule(
    "step-unreachable", "error", "a step that cannot be reached from the start step", family=FAMILY, reads=("Process",)
)
def step_unreachable(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A step that no path from the start step leads to is never carried out: usually a `next`
    that was forgotten when the process was redrawn. The start step is `spec.start`, or the
    first step (also when `start` names no step: that is reported as step-unknown). A step with
    a duplicate id is reported as step-unknown only.

    Given:
        kind: Position
        metadata: {name: planner, title: 计划员}
        spec: {unit: company, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: manager, title: 经理}
        spec: {unit: company, reportsTo: ceo}
    Passes:
        kind: Process
        metadata: {name: budget-planning, title: 预算编制}
        spec:
          owner: ceo
          steps:
            - {id: draft, title: 编制方案, responsible: planner, next: [approve]}
            - {id: approve, title: 审批, responsible: manager}
    Fails:
        kind: Process
        metadata: {name: budget-planning, title: 预算编制}
        spec:
          owner: ceo
          steps:
            - {id: draft, title: 编制方案, responsible: planner}
            - {id: approve, title: 审批, responsible: manager}   # nothing leads here
    """
    for process in model.entities("Process"):
        graph = _Steps(process)
        reached = graph.reachable()
        if len(reached) == len(graph.steps):
            continue
        start_id = graph.steps[graph.start]["id"]
        duplicates = set(graph.duplicates)
        for position, step in enumerate(graph.steps):
            if position not in reached and position not in duplicates:
                yield process.finding(
                    ("spec", "steps", position, "id"),
                    _("step '{step}' of process {process} cannot be reached from the start step '{start}'").format(
                        step=step["id"], process=entity_words(process), start=start_id
                    ),
                    hint=_("add it to the next list of the step that comes before it, or remove it"),
                    identity=(step["id"], start_id),
                )


@rule(
    "step-no-end",
    "error",
    "a step from which no end step can be reached (a loop with no way out)",
    family=FAMILY,
    reads=("Process",),
)
def step_no_end(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A step from which every path loops back without ever reaching an end step (a step with
    no `next`) is a process that can never finish. The finding stands at the step's `next`. A
    step whose `next` names an unknown step is taken to reach an end (step-unknown reports it).

    Given:
        kind: Position
        metadata: {name: auditor, title: 审计员}
        spec: {unit: company, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: manager, title: 经理}
        spec: {unit: company, reportsTo: ceo}
    Passes:
        kind: Process
        metadata: {name: budget-planning, title: 预算编制}
        spec:
          owner: ceo
          steps:
            - {id: review, title: 复核, responsible: auditor, next: [fix, close]}
            - {id: fix, title: 整改, responsible: manager, next: [review]}
            - {id: close, title: 结案, responsible: auditor}
    Fails:
        kind: Process
        metadata: {name: budget-planning, title: 预算编制}
        spec:
          owner: ceo
          steps:
            - {id: review, title: 复核, responsible: auditor, next: [fix]}
            - {id: fix, title: 整改, responsible: manager, next: [review]}   # no way out
    """
    for process in model.entities("Process"):
        graph = _Steps(process)
        ending = graph.ending()
        if len(ending) == len(graph.steps):
            continue
        for position, step in enumerate(graph.steps):
            if position not in ending:
                yield process.finding(
                    ("spec", "steps", position, "next"),
                    _("from step '{step}' of process {process} no end step can be reached").format(
                        step=step["id"], process=entity_words(process)
                    ),
                    hint=_("give the loop a way out: a next step that leads to a step without next"),
                    identity=(step["id"],),
                )


def _did_you_mean(name: str, ids: Mapping[str, int]) -> str:
    close = did_you_mean(closest(name, ids, similar_length=True))
    return _("; {suggestion}").format(suggestion=close) if close else ""


@rule("step-unknown", "error", "start or next names no step of the process", family=FAMILY, reads=("Process",))
def step_unknown(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """`start` and every `next` item (a step id, or the `step` of a branch `{step, when}`) must
    name a step of the same process; the message suggests the closest step id. Two steps with
    the same id are reported here too (at the second), since a `next` naming that id could not
    say which step it means.

    Given:
        kind: Position
        metadata: {name: planner, title: 计划员}
        spec: {unit: company, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: manager, title: 经理}
        spec: {unit: company, reportsTo: ceo}
    Passes:
        kind: Process
        metadata: {name: budget-planning, title: 预算编制}
        spec:
          owner: ceo
          start: draft
          steps:
            - {id: draft, title: 编制方案, responsible: planner, next: [approve]}
            - {id: approve, title: 审批, responsible: manager}
    Fails:
        kind: Process
        metadata: {name: budget-planning, title: 预算编制}
        spec:
          owner: ceo
          start: draft
          steps:
            - {id: draft, title: 编制方案, responsible: planner, next: [aprove]}   # typo
            - {id: approve, title: 审批, responsible: manager}
    """
    for process in model.entities("Process"):
        graph = _Steps(process)
        ids = graph.index
        start = process.spec.get("start")
        if start is not None and start not in ids:
            yield process.finding(
                ("spec", "start"),
                _("start '{start}' names no step of process {process}").format(
                    start=start, process=entity_words(process)
                )
                + _did_you_mean(start, ids),
                hint=_("start must be the id of one of the process's steps"),
                identity=("start", str(start)),
            )
        for position in graph.duplicates:
            step_id = graph.steps[position]["id"]
            yield process.finding(
                ("spec", "steps", position, "id"),
                _("step id '{step}' is used twice in process {process}").format(
                    step=step_id, process=entity_words(process)
                ),
                hint=_("give every step of a process its own id"),
                related=(process.doc.related(("spec", "steps", ids[step_id], "id"), _("first used here")),),
                identity=("duplicate step", step_id),
            )
        for position, step in enumerate(graph.steps):
            if not graph.leads_nowhere[position]:
                continue
            for item in next_items(step):
                if item.step not in ids:
                    path: Path = ("spec", "steps", position, *item.path)
                    branch = _(" (branch when '{when}')").format(when=item.when) if item.when is not None else ""
                    yield process.finding(
                        path,
                        _("next '{next}'{branch} of step '{step}' names no step of process {process}").format(
                            next=item.step, branch=branch, step=step["id"], process=entity_words(process)
                        )
                        + _did_you_mean(item.step, ids),
                        hint=_("next lists ids of steps of the same process (or {step: id, when: condition})"),
                        identity=("next", step["id"], item.step),
                    )


@rule(
    "process-duty-owner",
    "warning",
    "a process's responsibility is owned by an entity that is not the process owner nor contains it",
    family=FAMILY,
)
def process_duty_owner(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A process carries out a duty; whoever owns the duty should own the process, or contain
    its owner (the unit that owns the duty may give the process to one of its posts). A process
    owned outside the duty's owners splits accountability: the duty's owner answers for a
    result that someone else's process produces. Duties that nobody owns are left to
    duty-unowned.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company, head: marketing-director, owns: [marketing-campaigns]}
        ---
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company, head: finance-director}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
        ---
        kind: Responsibility
        metadata: {name: marketing-campaigns, title: 营销活动}
        spec: {}
    Passes:
        kind: Process
        metadata: {name: campaign-launch, title: 活动上线}
        spec:
          owner: marketing-director       # a post of marketing, which owns the duty
          responsibility: marketing-campaigns
          steps: [{id: launch, title: 上线, responsible: marketing-director}]
    Fails:
        kind: Process
        metadata: {name: campaign-launch, title: 活动上线}
        spec:
          owner: finance-director         # outside marketing
          responsibility: marketing-campaigns
          steps: [{id: launch, title: 上线, responsible: marketing-director}]
    """
    owners = None
    owner_sets: dict[str, set[str]] = {}
    structure = structure_of(model)
    for process in model.entities("Process"):
        path: Path = ("spec", "responsibility")
        duty = process.target(path)
        owner = process.target(("spec", "owner"))
        if duty is None or owner is None:
            continue
        if owners is None:
            owners = duty_owners(model)
        owned = owners.get(duty)
        if not owned:
            continue
        keys = owner_sets.get(duty)
        if keys is None:
            keys = owner_sets[duty] = {item.owner.key for item in owned}
        if owner in keys or any(container in keys for container in structure.containers(owner)):
            continue
        shown = listed([model.words(item.owner.key) for item in owned[:SHOWN]], len(owned))
        message = (
            _(
                "process {process} carries responsibility {duty}, owned by {shown}, but its owner {owner} is "
                "neither that owner nor inside it"
            )
            if len(owned) == 1
            else _(
                "process {process} carries responsibility {duty}, owned by {shown}, but its owner {owner} is "
                "neither one of them nor inside one"
            )
        )
        yield process.finding(
            path,
            message.format(
                process=entity_words(process), duty=model.words(duty), shown=shown, owner=model.words(owner)
            ),
            hint=_("make the duty's owner (or a post inside it) own the process, or correct the responsibility"),
            related=tuple(item.owner.doc.related(item.path, _("the duty is owned here")) for item in owned[:SHOWN]),
            identity=(duty, owner, *sorted(keys)),
        )


RULES: tuple[Rule, ...] = (process_orphaned, step_unreachable, step_no_end, step_unknown, process_duty_owner)
