"""Rules of the family "authority" (docs/rules.md): delegation of authority in approval matrices.

Conventions shared by these rules (documented in each rule's docs as well):

- A Unit among requesters stands for every post in it and in the units below it (docs/format.md, ApprovalMatrix).
- A Unit among approvers is a body that decides as one (a committee such as 总经理办公会). It is
  not expanded into its posts when the question is rank (authority-inversion, escalation): a
  committee has no place in the reporting line. It is expanded into its member posts (the posts
  in it and below) when the question is a conflict of interest (self-approval,
  step-approval-sod): whoever sits on the body that approves must not also request.
- References that do not resolve were reported by `dangling-ref`; they are left out here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import N_, _, current
from opsgov.load.documents import Path
from opsgov.model.approvals import matrix_measure
from opsgov.model.bands import Interval, Measure, band_interval, coverage, money
from opsgov.model.delegation import Approval, Authority, approver_items, band_stands
from opsgov.model.entities import Entity, Holding, Model, entity_words, key_words, next_items
from opsgov.model.structure import Structure, first_cycle, strong_components, structure_of
from opsgov.report.finding import Finding, Related
from opsgov.rules.base import Rule, rule
from opsgov.rules.duties import listed

FAMILY = "authority"

_BOUNDS_HINT = N_(
    "make neighbouring bands meet exactly once: `upTo: X` with `over: X` in the next band, or `below: X` with `from: X`"
)


def _label(model: Model, key: str) -> str:
    """A post by its title and id (entity_words); a unit (a body) says it is one (key_words)."""
    return key_words(model, key) if key.startswith("Unit/") else model.words(key)


def _interval(interval: Interval, measure: Measure) -> str:
    """The interval in the run's language (the Chinese wording says 含/不含, as the approval tables do)."""
    return interval.words(measure, chinese=current() == "zh_CN")


def _bands(matrix: Entity) -> list[dict[str, Any]]:
    bands: list[dict[str, Any]] = matrix.spec.get("bands") or []
    return bands


def _approvers(model: Model, matrix: Entity, index: int) -> list[tuple[int, str]]:
    """(approver index, resolved key) of band `index`; unresolved approvers are left out (shared:
    read from the matrix alone once across the dates patched from one another, Model.derived_from)."""
    per_band = model.derived_from("band-approvers", matrix, _band_approvers)
    return per_band[index] if index < len(per_band) else []


def _band_approvers(matrix: Entity) -> list[list[tuple[int, str]]]:
    per_band: list[list[tuple[int, str]]] = [[] for _band in _bands(matrix)]
    for band, j, key in approver_items(matrix):
        per_band[band].append((j, key))
    return per_band


def _band_id(interval: Interval) -> str:
    """A band as its findings' identity names it: by its interval, never by its place in the list."""
    return f"band {interval.notation()}"


def _band_words(number: int, interval: Interval, measure: Measure) -> str:
    return _("band {number} ({interval})").format(number=number + 1, interval=_interval(interval, measure))


def _bound_path(band: Mapping[str, Any], index: int, keys: tuple[str, str]) -> Path:
    """The band's `from`/`over` (or `upTo`/`below`) node, else the band itself."""
    for key in keys:
        if key in band:
            return ("spec", "bands", index, key)
    return ("spec", "bands", index)


_LOW = ("from", "over")
_HIGH = ("upTo", "below")


def _meet_hint(bands: list[dict[str, Any]], lower: int, upper: int, between: Interval) -> str:
    """What to write so that bands `lower` and `upper` meet exactly once, when they touch at one amount."""
    low_key = next((k for k in _HIGH if k in bands[lower]), "")
    high_key = next((k for k in _LOW if k in bands[upper]), "")
    if not (between.point and low_key and high_key):
        return _(_BOUNDS_HINT)
    value = bands[lower][low_key]
    swap = {"upTo": "below", "below": "upTo", "from": "over", "over": "from"}
    return _("write `{low}` in band {lower} or `{high}` in band {upper}, so that exactly one of them covers it").format(
        low=f"{swap[low_key]}: {value}", lower=lower + 1, high=f"{swap[high_key]}: {value}", upper=upper + 1
    )


_QUANTITY_WORDS = {
    "money": (N_("the amount {amount}"), N_("amounts {amount}")),
    "percent": (N_("the percentage {amount}"), N_("percentages {amount}")),
    "days": (N_("the duration {amount}"), N_("durations {amount}")),
    "count": (N_("the number {amount}"), N_("numbers {amount}")),
}
"""How a gap or an overlap names the values it spans, per quantity (one value, several): not "amounts" of days."""


def _amounts(interval: Interval, measure: Measure) -> str:
    words = _interval(interval, measure)
    if interval.low == 0 and interval.low_inclusive and interval.high is None:
        return words  # every amount: "any amount"
    one, several = _QUANTITY_WORDS.get(measure.quantity, _QUANTITY_WORDS["money"])
    return _(one if interval.point else several).format(amount=words)


@rule(
    "approval-gap",
    "error",
    "amounts that no band covers (message gives the interval, e.g. exactly 100000)",
    family=FAMILY,
    reads=("ApprovalMatrix", "Organization"),
)
def approval_gap(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every amount from 0 upward must have an approver: a request for an amount no band
    covers is either blocked or, worse, approved by whoever happens to be asked. The classic
    case is "under 100k" written `below: 100000` next to "100k to 500k" written `over: 100000`:
    exactly 100,000 belongs to neither. The lowest band must start at 0 inclusive (no lower
    bound means from 0), and unless a band is open-ended (no upper bound) everything above the
    highest bound is a gap too. Amounts are compared exactly (as decimals, never floats), so
    `upTo: 0.01` next to `over: 0.01` is sound.

    The finding stands at the bound of the band below the gap (at the first band for a gap
    below it) with the band above as related location, and gives the uncovered amounts in
    words ("exactly 100,000 CNY", "over 500,000 CNY and below 1,000,000 CNY", "over
    1,000,000 CNY": `opsgov.model.bands.interval_words`), in the matrix's unit: its currency (else
    the Organization's) for money, "over 5%" in a `quantity: percent` matrix, "30 days" in
    one of days, plain numbers for a count. The band algebra is the same for every quantity;
    a `none` matrix has one band without bounds and never a gap. A band whose bounds leave no
    amount between them (`from: 500000` with `upTo: 100000`) is reported here too: it covers
    nothing. The entity is the ApprovalMatrix.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
        ---
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {below: 100000, approvers: [marketing-director]}
            - {from: 100000, upTo: 500000, approvers: [finance-director]}
            - {over: 500000, approvers: [ceo]}
    Fails:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {below: 100000, approvers: [marketing-director]}
            - {over: 100000, approvers: [finance-director]}   # exactly 100,000 is uncovered
    """
    for matrix in model.entities("ApprovalMatrix"):
        bands = _bands(matrix)
        measure = matrix_measure(model, matrix)
        intervals = [band_interval(band) for band in bands]
        result = coverage(intervals)
        for index in result.empty:
            interval = intervals[index]
            high = money(interval.high, measure) if interval.high is not None else _("none")
            yield matrix.finding(
                ("spec", "bands", index),
                _(
                    "band {band} of {matrix} covers no amount: its lower bound {low} is not below "
                    "its upper bound {high}"
                ).format(band=index + 1, matrix=entity_words(matrix), low=money(interval.low, measure), high=high),
                hint=_("swap or correct the bounds"),
                identity=("empty", _band_id(interval)),
            )
        for gap in result.gaps:
            what = _amounts(gap.interval, measure)
            related: tuple[Related, ...] = ()
            if gap.after is not None:
                path = _bound_path(bands[gap.after], gap.after, _HIGH)
                below = _band_words(gap.after, intervals[gap.after], measure)
                if gap.before is not None:
                    above = _band_words(gap.before, intervals[gap.before], measure)
                    where = _(", between {below} and {above}").format(below=below, above=above)
                    related = (
                        matrix.doc.related(
                            _bound_path(bands[gap.before], gap.before, _LOW),
                            _("the next band, {band}").format(band=above),
                        ),
                    )
                else:
                    where = _(", above {band}, the highest band").format(band=below)
            else:
                first = gap.before if gap.before is not None else 0
                path = _bound_path(bands[first], first, _LOW) if bands else ("spec", "bands")
                where = _(", before {band}").format(band=_band_words(first, intervals[first], measure)) if bands else ""
            yield matrix.finding(
                path,
                _("no band of {matrix} covers {amounts}{where}: such a request has no approver").format(
                    matrix=entity_words(matrix), amounts=what, where=where
                ),
                hint=_meet_hint(bands, gap.after, gap.before, gap.interval)
                if gap.after is not None and gap.before is not None
                else (
                    _("let the lowest band start at 0 (leave out from/over)")
                    if gap.after is None
                    else _("leave out the upper bound of the highest band, or add a band above it")
                ),
                related=related,
                identity=("uncovered", gap.interval.notation()),
            )


@rule(
    "approval-overlap",
    "error",
    "amounts that two bands cover (e.g. exactly 100000: upTo: 100000 and from: 100000)",
    family=FAMILY,
    reads=("ApprovalMatrix", "Organization"),
)
def approval_overlap(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """An amount in two bands has two sets of approvers, and whoever is asked first decides:
    the lower band's approver can sign off what the higher band reserves for someone senior.
    The classic case is "under 100k" written `upTo: 100000` next to "100k to 500k" written
    `from: 100000`: exactly 100,000 is claimed twice (Chinese "以下/以上" both include the
    number itself, so the ambiguity is common). Amounts are compared exactly.

    The finding stands at the lower bound of the later band (in amount order) with the other
    band's upper bound as related location, and gives the doubly covered amounts in words. A
    band that overlaps several others is reported once, against the band reaching highest. The
    entity is the ApprovalMatrix.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
        ---
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {upTo: 100000, approvers: [marketing-director]}
            - {over: 100000, approvers: [finance-director]}
    Fails:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {upTo: 100000, approvers: [marketing-director]}
            - {from: 100000, approvers: [finance-director]}   # exactly 100,000 is in both
    """
    for matrix in model.entities("ApprovalMatrix"):
        bands = _bands(matrix)
        measure = matrix_measure(model, matrix)
        intervals = [band_interval(band) for band in bands]
        for overlap in coverage(intervals).overlaps:
            first, second = overlap.first, overlap.second
            point = overlap.interval.point
            named = listed([_band_words(i, intervals[i], measure) for i in sorted((first, second))])
            yield matrix.finding(
                _bound_path(bands[second], second, _LOW),
                (
                    _("{amounts} is in two bands of {matrix}: {bands}")
                    if point
                    else _("{amounts} are in two bands of {matrix}: {bands}")
                ).format(amounts=_amounts(overlap.interval, measure), matrix=entity_words(matrix), bands=named),
                hint=_meet_hint(bands, first, second, overlap.interval),
                identity=(
                    "covered twice",
                    overlap.interval.notation(),
                    *sorted(_band_id(intervals[i]) for i in (first, second)),
                ),
                related=(
                    matrix.doc.related(
                        _bound_path(bands[first], first, _HIGH),
                        (_("{band} also covers it") if point else _("{band} also covers them")).format(
                            band=_band_words(first, intervals[first], measure)
                        ),
                    ),
                ),
            )


class _Requesters:
    """Who may raise requests in one matrix, answering "is this post (or unit) a requester?" in O(depth)."""

    def __init__(self, matrix: Entity, structure: Structure) -> None:
        self.structure = structure
        self.posts: dict[str, int] = {}
        self.units: dict[str, int] = {}
        self.member_units: dict[str, int] = {}
        for index in range(len(matrix.spec.get("requesters") or ())):
            key = matrix.target(("spec", "requesters", index))
            if key is None:
                continue
            if key.startswith("Unit/"):
                self.units.setdefault(key, index)
            else:
                self.posts.setdefault(key, index)
        for post, index in self.posts.items():
            for unit in structure.containers(post):
                self.member_units.setdefault(unit, index)

    def of_post(self, post: str) -> int | None:
        """The requester item that makes `post` a requester: itself, or a Unit containing it."""
        if post in self.posts:
            return self.posts[post]
        for unit in self.structure.containers(post):
            if unit in self.units:
                return self.units[unit]
        return None

    def of_unit(self, unit: str) -> tuple[int, str] | None:
        """Why a Unit approver (a body) is on the requesting side too, if it is: the requester item, and
        the reason as the finding's identity names it (English, whatever the language; `_why` words it)."""
        if unit in self.units:
            return self.units[unit], "is itself a requester"
        for ancestor in self.structure.unit_ancestors(unit):
            if ancestor in self.units:
                return self.units[ancestor], f"lies in requester Unit/{ancestor.partition('/')[2]}"
        if unit in self.member_units:
            return self.member_units[unit], "has a requester post among its members"
        return None


def _why(model: Model, reason: str) -> str:
    """A reason of `_Requesters` (its identity words) in the run's language, the requester by its title."""
    if reason.startswith("lies in requester "):
        requester = reason.removeprefix("lies in requester ")  # as _key_label wrote it: a post by its bare name
        key = requester if "/" in requester else f"Position/{requester}"
        return _("lies in requester {requester}").format(requester=_label(model, key))
    return _(_REASONS[reason])


_REASONS = {
    "is itself a requester": N_("is itself a requester"),
    "has a requester post among its members": N_("has a requester post among its members"),
}


def _person_posts(model: Model) -> dict[str, list[Holding]]:
    """Person key -> the holdings in force on the as-of date whose post is in force too, in one pass."""
    held: dict[str, list[Holding]] = {}
    for holding in model.holdings:
        if model.in_force(holding) and model.get(holding.position) is not None:
            held.setdefault(holding.person, []).append(holding)
    return held


def _held(model: Model, holding: Holding, role: str = "") -> str:
    """A held post as a conflict names it: `财务总监 (cfo) (a requester)`, or, when an acting appointment
    creates the conflict, `财务总监 (cfo) (acting from 2026-12-01 to 2026-12-20; a requester)`."""
    acting = _("acting {window}").format(window=holding.window.said()) if holding.window.dated else _("acting")
    notes = [acting] if holding.acting else []
    notes += [role] if role else []
    post = _label(model, holding.position)
    return _("{post} ({notes})").format(post=post, notes=_("; ").join(notes)) if notes else post


@rule(
    "self-approval",
    "error",
    "a post (or, with Persons, a person through any of their posts) can both request and approve in the same matrix",
    family=FAMILY,
)
def self_approval(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Segregation of duties: nobody approves their own request. Auditors look for exactly
    this in a delegation of authority. A matrix is at fault when an approver of any band is
    also a requester:

    - a Position approver that is listed as a requester, or lies in a requester Unit (a Unit
      among requesters means every post in it and below);
    - a Unit approver (a committee, a body deciding as one) that is itself a requester, lies
      inside a requester Unit, or has a requester post among its members (the posts in it and
      below): a member would sit on the body that decides on their own request;
    - with Person documents, a person who holds a requester post and an approver post (or a
      post of an approving Unit), even when the two posts differ. Only holdings in force on
      the as-of date count; an acting appointment counts like any holding, and the message
      names it ("marketing-director (acting from 2026-12-01 to 2026-12-20; an approver of
      band 1)") with its `holds` item as a related location;
    - a requester that approves through a Delegation in force (docs/format.md, Delegation): the
      message names the Delegation and its window, e.g. "through Delegation/cfo-leave-dec"
      and "from 2026-12-01 to 2026-12-20", and its `to` is a related location; likewise a person
      who holds a requester post and a post that approves only through a Delegation in force.

    `allowSelfApproval: true` on the matrix accepts all of this (e.g. petty cash a post may
    spend on its own authority). The finding stands at the approver item with the requester
    item (and for persons, their `holds` item) as related locations. The entity is the
    ApprovalMatrix.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: campaign-specialist, title: 活动专员}
        spec: {unit: marketing, reportsTo: marketing-director}
    Passes:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          requesters: [campaign-specialist]
          bands:
            - {approvers: [marketing-director]}
    Fails:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          requesters: [marketing]           # a Unit: includes marketing-director
          bands:
            - {approvers: [marketing-director]}
    """
    structure = structure_of(model)
    authority = Authority(model)
    # Only a person with two or more posts can be on both sides through different posts.
    multi_post = [(person, held) for person, held in _person_posts(model).items() if len(held) > 1]
    for matrix in model.entities("ApprovalMatrix"):
        if matrix.spec.get("allowSelfApproval") is True or not matrix.spec.get("requesters"):
            continue
        requesters = _Requesters(matrix, structure)
        if not (requesters.posts or requesters.units):
            continue
        flagged: set[tuple[int, int]] = set()
        for index in range(len(_bands(matrix))):
            for j, key in _approvers(model, matrix, index):
                path: Path = ("spec", "bands", index, "approvers", j)
                reason: tuple[int, str] | None
                if key.startswith("Unit/"):
                    reason = requesters.of_unit(key)
                else:
                    found = requesters.of_post(key)
                    reason = None
                    if found is not None:
                        listed = matrix.target(("spec", "requesters", found))
                        why = "is itself a requester" if listed == key else f"lies in requester {_key_label(listed)}"
                        reason = (found, why)
                if reason is not None:
                    yield matrix.finding(
                        path,
                        _(
                            "{approver} can approve its own requests in {matrix}: it approves band {band} and {why}"
                        ).format(
                            approver=_label(model, key),
                            matrix=entity_words(matrix),
                            band=index + 1,
                            why=_why(model, reason[1]),
                        ),
                        hint=_(
                            "list only posts that do not approve as requesters, "
                            "or set allowSelfApproval: true if this is intended"
                        ),
                        related=(matrix.doc.related(("spec", "requesters", reason[0]), _("requester here")),),
                        identity=(key, _band_id(band_interval(_bands(matrix)[index])), reason[1]),
                    )
                    flagged.add((index, j))
        yield from _delegate_self_approval(model, matrix, requesters, authority)
        if not multi_post:
            continue
        approvers = _Approvers(matrix, structure)
        for person_key, held in multi_post:
            for holding in held:
                post = holding.position
                where, delegated = _approves_as(post, approvers, authority, matrix)
                if where is None or (delegated is None and where in flagged):
                    continue
                requesting = next(
                    (
                        (other, found)
                        for other in held
                        if other.position != post and (found := requesters.of_post(other.position)) is not None
                    ),
                    None,
                )
                if requesting is None:
                    continue
                other, found = requesting
                band, j = where
                key = str(matrix.target(("spec", "bands", band, "approvers", j)))
                person = model.get(person_key)
                assert person is not None
                role = (
                    _("an approver of band {band}")
                    if key == post or delegated
                    else _("a member of approver {approver} of band {band}").format(
                        approver=_label(model, key), band="{band}"
                    )
                ).format(band=band + 1)
                if delegated:
                    role = _("{role} through {delegation}").format(role=role, delegation=delegated.said())
                acting = [h for h in (other, holding) if h.acting]
                yield matrix.finding(
                    ("spec", "bands", band, "approvers", j),
                    _(
                        "{person} can approve their own requests in {matrix}: they hold {requesting} and {approving}"
                    ).format(
                        person=entity_words(person),
                        matrix=entity_words(matrix),
                        requesting=_held(model, other, _("a requester")),
                        approving=_held(model, holding, role),
                    ),
                    hint=_("give the two posts to different people, or set allowSelfApproval: true if this is intended")
                    if not acting
                    else _("let someone who holds no conflicting post act, or end the acting appointment"),
                    related=(
                        matrix.doc.related(("spec", "requesters", found), _("requester here")),
                        person.doc.related(("spec", "holds", other.index), _("holds the requesting post here")),
                        *(person.doc.related(("spec", "holds", h.index), _("acting appointment here")) for h in acting),
                        *(
                            (delegated.through[0].delegation.doc.related(("spec", "to"), _("delegated here")),)
                            if delegated
                            else ()
                        ),
                    ),
                    # Not the band or the requesting post: which are named first depends on list order.
                    identity=(person_key, post, key, *((delegated.through[0].key,) if delegated else ())),
                )


def _key_label(key: str | None) -> str:
    """A requester as a finding's identity names it (never translated): a post by its name, else Kind/name."""
    kind, _sep, name = str(key).partition("/")
    return name if kind == "Position" else str(key)


def _delegate_self_approval(
    model: Model, matrix: Entity, requesters: _Requesters, authority: Authority
) -> Iterator[Finding]:
    """A requester that approves through a delegation in force (the message names it and its window)."""
    for post, approvals in authority.delegates(matrix).items():
        found = requesters.of_post(post)
        if found is None:
            continue
        approval = approvals[0]
        listed_as = matrix.target(("spec", "requesters", found))
        why = "is itself a requester" if listed_as == post else f"lies in requester {_key_label(listed_as)}"
        grant = approval.through[0]
        yield matrix.finding(
            ("spec", "bands", approval.band, "approvers", approval.approver),
            _(
                "{approver} can approve its own requests in {matrix}: it approves band {band} through {delegation} "
                "and {why}"
            ).format(
                approver=_label(model, post),
                matrix=entity_words(matrix),
                band=approval.band + 1,
                delegation=approval.said(),
                why=_why(model, why),
            ),
            hint=_("delegate to a post that does not request in {matrix}, or set allowSelfApproval: true").format(
                matrix=entity_words(matrix)
            ),
            related=(
                matrix.doc.related(("spec", "requesters", found), _("requester here")),
                grant.delegation.doc.related(("spec", "to"), _("delegated here")),
            ),
            identity=(post, grant.key, why),
        )


def _approver_posts_units(matrix: Entity) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """A matrix's approver posts and approver units -> (band, approver index) of their first item."""
    posts: dict[str, tuple[int, int]] = {}
    units: dict[str, tuple[int, int]] = {}
    for index, j, key in approver_items(matrix):
        (units if key.startswith("Unit/") else posts).setdefault(key, (index, j))
    return posts, units


class _Approvers:
    """Who approves in one matrix, answering "does this post approve (itself or as a member of a Unit)?" in O(depth)."""

    def __init__(self, matrix: Entity, structure: Structure, model: Model | None = None) -> None:
        self.structure = structure
        items = (
            _approver_posts_units(matrix)
            if model is None
            else model.derived_from("approvers", matrix, _approver_posts_units)
        )
        self.posts, self.units = items

    def of_post(self, post: str) -> tuple[int, int] | None:
        """(band, approver index) of the first approver item the post acts for."""
        if post in self.posts:
            return self.posts[post]
        for unit in self.structure.containers(post):
            if unit in self.units:
                return self.units[unit]
        return None


def _approves_as(
    post: str, approvers: _Approvers, authority: Authority, matrix: Entity
) -> tuple[tuple[int, int] | None, Approval | None]:
    """(band, approver index) where `post` approves itself (or as a member of a Unit), else where it
    approves through a Delegation in force, with that approval; (None, None) when it approves nowhere."""
    found = approvers.of_post(post)
    if found is not None:
        return found, None
    delegated = next((a for a in authority.approvals(post, matrix) if a.through), None)
    return ((delegated.band, delegated.approver), delegated) if delegated else (None, None)


def _holder_approving(
    post: str,
    approvers: _Approvers,
    holders: Mapping[str, list[str]],
    person_posts: dict[str, list[Holding]],
    authority: Authority,
    matrix: Entity,
) -> tuple[Holding, Holding, tuple[int, int], Approval | None] | None:
    """A person's holdings of `post` and of another post that approves (itself or through a delegation):
    (the one, the other, (band, approver index), the delegated approval or None)."""
    for person_key in holders.get(post, ()):
        held = person_posts.get(person_key, [])
        preparing = next((h for h in held if h.position == post), None)
        if preparing is None:
            continue
        for holding in held:
            if holding.position == post:
                continue
            found, delegated = _approves_as(holding.position, approvers, authority, matrix)
            if found is not None:
                return preparing, holding, found, delegated
    return None


def _preparing(process: Entity) -> list[tuple[int, str, list[tuple[int, Path, str]]]]:
    """A process's approval steps that a step leads into: (step index, matrix key, [(preparing step
    index, path of its `responsible` item, post)]), in document order; what step-approval-sod
    judges, read from the process alone (kept across dates by `Model.derived_from`)."""
    steps = process.spec.get("steps") or []
    preparers: dict[str, list[int]] = {}
    for index, step in enumerate(steps):
        for following in dict.fromkeys(item.step for item in next_items(step)):
            preparers.setdefault(following, []).append(index)
    plan: list[tuple[int, str, list[tuple[int, Path, str]]]] = []
    for index, step in enumerate(steps):
        matrix_key = process.target(("spec", "steps", index, "approval"))
        if matrix_key is None or step["id"] not in preparers:
            continue
        preparing: list[tuple[int, Path, str]] = []
        for before in preparers[step["id"]]:
            responsible = steps[before].get("responsible")
            paths: list[Path] = (
                [("spec", "steps", before, "responsible", k) for k in range(len(responsible))]
                if isinstance(responsible, list)
                else [("spec", "steps", before, "responsible")]
            )
            preparing.extend((before, path, post) for path in paths if (post := process.target(path)) is not None)
        plan.append((index, matrix_key, preparing))
    return plan


@rule(
    "step-approval-sod",
    "error",
    "a post responsible for a step that leads directly into an approval step is also an approver of its matrix",
    family=FAMILY,
)
def step_approval_sod(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Whoever prepares a request must not approve it. In a process, the posts responsible for
    a step whose `next` leads directly into a step with `approval: MATRIX` prepare that
    request; none of them may be an approver of any band of MATRIX: a Position approver, or a
    post in an approving Unit (a member of the committee), or a post that approves it through a
    Delegation in force (the message names the Delegation and its window). With Person
    documents, a person who holds a preparing post and an approver post (itself, or through a
    Delegation in force) on the as-of date is at fault too; when an acting appointment creates
    the conflict, the message names it ("marketing-director (acting from 2026-12-01 to
    2026-12-20)").

    The finding stands at the preparing step's `responsible` item, with the approver item of
    the matrix as related location. The entity is the Process.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
        ---
        kind: Position
        metadata: {name: campaign-specialist, title: 活动专员}
        spec: {unit: marketing, reportsTo: marketing-director}
        ---
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {approvers: [marketing-director]}
    Passes:
        kind: Process
        metadata: {name: campaign-approval, title: 活动审批}
        spec:
          owner: marketing-director
          steps:
            - {id: draft, title: 起草, responsible: campaign-specialist, next: [approve]}
            - {id: approve, title: 审批, responsible: marketing-director, approval: marketing-spend}
    Fails:
        kind: Process
        metadata: {name: campaign-approval, title: 活动审批}
        spec:
          owner: marketing-director
          steps:
            - {id: draft, title: 起草, responsible: marketing-director, next: [approve]}   # approves marketing-spend
            - {id: approve, title: 审批, responsible: marketing-director, approval: marketing-spend}
    """
    structure = structure_of(model)
    authority = Authority(model)
    person_posts = _person_posts(model)
    cache: dict[str, _Approvers] = {}
    for process in model.entities("Process"):
        steps = process.spec.get("steps") or []
        for index, matrix_key, prepared_by in model.derived_from("step-preparers", process, _preparing):
            matrix = model.get(matrix_key)
            if matrix is None:
                continue
            if matrix.key not in cache:
                cache[matrix.key] = _Approvers(matrix, structure, model)
            approvers = cache[matrix.key]
            step = steps[index]
            for before, path, post in prepared_by:
                found = approvers.of_post(post)
                if found is not None:
                    message = _(
                        "{post} prepares a request it can approve: {where}, and it approves band {band} of {matrix}"
                    )
                    who = {"post": _label(model, post)}
                    hint = _("let a post that does not approve this matrix prepare the request")
                    how: tuple[str, ...] = ()
                elif delegated := [a for a in authority.approvals(post, matrix) if a.through]:
                    found = (delegated[0].band, delegated[0].approver)
                    message = _(
                        "{post} prepares a request it can approve: {where}, and it approves, through {delegation}, "
                        "band {band} of {matrix}"
                    )
                    who = {"post": _label(model, post), "delegation": delegated[0].said()}
                    hint = _("let a post that does not approve this matrix, nor holds a delegation for it, prepare it")
                    how = (delegated[0].through[0].key,)
                else:
                    holder = _holder_approving(post, approvers, structure.holders, person_posts, authority, matrix)
                    if holder is None:
                        continue
                    preparing, approving, found, through = holder
                    message = (
                        _(
                            "{person} prepares a request they can approve: {where}; they hold {preparing} and "
                            "{approving}, which approves band {band} of {matrix}"
                        )
                        if through is None
                        else _(
                            "{person} prepares a request they can approve: {where}; they hold {preparing} and "
                            "{approving}, which approves, through {delegation}, band {band} of {matrix}"
                        )
                    )
                    who = {
                        "person": model.words(preparing.person),
                        "preparing": _held(model, preparing),
                        "approving": _held(model, approving),
                        **({"delegation": through.said()} if through is not None else {}),
                    }
                    hint = _("give the preparing and the approving post to different people")
                    if preparing.acting or approving.acting:
                        hint = _("let someone who holds no conflicting post act, or end the acting appointment")
                    how = ("through a holder",)
                band, j = found
                where = _("step '{step}' leads into approval step '{approval}'").format(
                    step=steps[before]["id"], approval=step["id"]
                )
                # Not the band, nor which holder: the first found depends on list and file order.
                yield process.finding(
                    path,
                    message.format(where=where, band=band + 1, matrix=entity_words(matrix), **who),
                    hint=hint,
                    identity=(steps[before]["id"], step["id"], post, matrix.key, *how),
                    related=(matrix.doc.related(("spec", "bands", band, "approvers", j), _("approver here")),),
                )


@rule(
    "authority-inversion",
    "warning",
    "a higher band approved only by posts strictly below (in the reporting line) the approvers of a lower band",
    family=FAMILY,
)
def authority_inversion(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Authority should grow with the amount: when every post that approves a higher band
    reports (directly or further up the line) to a post that approves a lower band, the
    junior signs off more than the senior may, which usually means the bands or the approvers
    were swapped.

    Precisely: bands are taken in amount order (by lower bound). A band is inverted when it has
    at least one Position approver, no Unit approver, and each of its Position approvers has,
    somewhere above it in its reportsTo chain, an approver of a band that starts lower. A Unit
    approver (a committee deciding as one) has no place in the reporting line: a band it
    approves is never reported, and Unit approvers of lower bands are not compared. Bands that
    start at the same amount are not compared with each other (approval-overlap reports them).

    The finding stands at the higher band's `approvers`, with the outranking approver of the
    lower band as related location. The entity is the ApprovalMatrix.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {below: 100000, approvers: [marketing-director]}
            - {from: 100000, approvers: [ceo]}
    Fails:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {below: 100000, approvers: [ceo]}
            - {from: 100000, approvers: [marketing-director]}   # reports to ceo
    """
    structure = structure_of(model)
    for matrix in model.entities("ApprovalMatrix"):
        bands = _bands(matrix)
        if len(bands) < 2:
            continue
        measure = matrix_measure(model, matrix)
        intervals = [band_interval(band) for band in bands]
        order = sorted(range(len(bands)), key=lambda i: intervals[i].sort_key())
        lower: dict[str, tuple[int, int]] = {}
        pending: list[tuple[str, tuple[int, int]]] = []
        previous_key = None
        for index in order:
            key_now = intervals[index].sort_key()
            if key_now != previous_key:
                for post, where in pending:
                    lower.setdefault(post, where)
                pending = []
                previous_key = key_now
            approvers = _approvers(model, matrix, index)
            pending.extend((key, (index, j)) for j, key in approvers if key.startswith("Position/"))
            if not lower or not approvers or any(key.startswith("Unit/") for _j, key in approvers):
                continue
            outranked: list[tuple[str, str]] = []
            for _j, key in approvers:
                above = next((manager for manager in structure.chain(key) if manager in lower), None)
                if above is None:
                    break
                outranked.append((key, above))
            else:
                post, manager = outranked[0]
                band, j = lower[manager]
                yield matrix.finding(
                    ("spec", "bands", index, "approvers"),
                    _(
                        "{band} of {matrix} is approved only by posts below approvers of lower amounts: "
                        "{post} reports to {manager}, who approves {lower}"
                    ).format(
                        band=_band_words(index, intervals[index], measure),
                        matrix=entity_words(matrix),
                        post=_label(model, post),
                        manager=_label(model, manager),
                        lower=_band_words(band, intervals[band], measure),
                    ),
                    hint=_(
                        "let a post at or above the lower band's approvers approve the higher band, "
                        "or check whether the bands' approvers were swapped"
                    ),
                    related=(
                        matrix.doc.related(("spec", "bands", band, "approvers", j), _("approver of the lower band")),
                    ),
                    identity=(_band_id(intervals[index]), *sorted({key for key, _above in outranked})),
                )


@rule(
    "countersign-single",
    "warning",
    "mode: all or sequential with a single approver",
    family=FAMILY,
)
def countersign_single(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Countersigning (会签, `mode: all`) and sequential approval exist to need more than one
    signature; with a single approver they silently mean `any`, which usually means an
    approver was forgotten. A single Unit approver counts as one approver: the body decides
    as one. A delegate takes the delegator's place in a countersign, so a Delegation in force
    to a post that already signs the band leaves one post signing twice: that is at fault too
    (the message names the Delegation and its window). The finding stands at the band's
    `mode`; the entity is the ApprovalMatrix.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
        ---
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {approvers: [marketing-director, finance-director], mode: all}
    Fails:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {approvers: [finance-director], mode: all}
    """
    authority = Authority(model) if model.known["Delegation"] else None
    for matrix in model.entities("ApprovalMatrix"):
        stands = band_stands(authority, matrix) if authority is not None else {}
        for index, band in enumerate(_bands(matrix)):
            mode = band.get("mode", "any")
            approvers = band.get("approvers") or []
            if mode in ("all", "sequential") and len(approvers) > 1:
                signing = {key for _j, key in _approvers(model, matrix, index)}
                for stand in stands.get(index, ()):
                    if stand.delegate in signing and stand.delegator in signing:
                        yield matrix.finding(
                            ("spec", "bands", index, "mode"),
                            _(
                                "band {band} of {matrix} is countersigned (mode: {mode}), but {delegate} signs in "
                                "place of {delegator} through {delegation}: one post signs twice"
                            ).format(
                                band=index + 1,
                                matrix=entity_words(matrix),
                                mode=mode,
                                delegate=_label(model, stand.delegate),
                                delegator=_label(model, stand.delegator),
                                delegation=stand.approval.said(),
                            ),
                            hint=_("delegate to a post that does not already sign this band"),
                            identity=(_band_id(band_interval(band)), str(mode), stand.approval.through[0].key),
                        )
            if mode in ("all", "sequential") and len(approvers) == 1:
                yield matrix.finding(
                    ("spec", "bands", index, "mode"),
                    (
                        _(
                            "band {band} of {matrix} is countersigned (mode: {mode}) "
                            "but has a single approver, {approver}"
                        )
                        if mode == "all"
                        else _(
                            "band {band} of {matrix} is sequential (mode: {mode}) but has a single approver, {approver}"
                        )
                    ).format(
                        band=index + 1,
                        matrix=entity_words(matrix),
                        mode=mode,
                        approver=_label(model, matrix.target(("spec", "bands", index, "approvers", 0)) or "")
                        if matrix.target(("spec", "bands", index, "approvers", 0))
                        else str(approvers[0]),
                    ),
                    hint=_("add the other approvers, or write mode: any"),
                    identity=(_band_id(band_interval(band)), str(mode), str(approvers[0])),
                )


@rule(
    "escalation-invalid",
    "error",
    "escalation to a post that is not above every approver of the band, or escalation chains that loop",
    family=FAMILY,
)
def escalation_invalid(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A request that times out escalates to someone with more authority, never sideways,
    down, or back to who is already sitting on it.

    Above: a Position target must be strictly above (in the reportsTo chain of) every
    Position approver of the band; escalating to an approver of the band itself is reported
    too. Unit approvers (committees) have no place in the reporting line and are not compared
    with a Position target. A Unit target (a committee) is accepted, unless it is itself an
    approver of the band.

    Loops: within a matrix, an escalation leads from each approver of a band to the band's
    target. When these steps, followed from band to band (the target of one band approves
    another band, which escalates on), come back to where they started, the chain loops: a
    request can escalate forever. Only escalations that passed the "above" test are followed
    (the others are reported already), so a loop needs a committee in it, for example a band
    approved by a committee escalating to the general manager while a band approved by the
    general manager escalates to the committee. The loop is reported once, at the first
    band's `escalation.to`, with the other bands' targets as related locations.

    The entity is the ApprovalMatrix.

    Given:
        kind: Unit
        metadata: {name: marketing, title: 市场部}
        spec: {parent: company}
        ---
        kind: Position
        metadata: {name: marketing-director, title: 市场总监}
        spec: {unit: marketing, reportsTo: ceo}
    Passes:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {approvers: [marketing-director], escalation: {after: 24h, to: ceo}}
    Fails:
        kind: ApprovalMatrix
        metadata: {name: marketing-spend, title: 营销费用审批}
        spec:
          subject: marketing activity spend
          bands:
            - {approvers: [ceo], escalation: {after: 24h, to: marketing-director}}
    """
    structure = structure_of(model)
    for matrix in model.entities("ApprovalMatrix"):
        bands = _bands(matrix)
        edges: list[tuple[str, str, int]] = []
        for index, band in enumerate(bands):
            if "escalation" not in band:
                continue
            path: Path = ("spec", "bands", index, "escalation", "to")
            target = matrix.target(path)
            if target is None:
                continue
            approvers = _approvers(model, matrix, index)
            if target.startswith("Unit/"):
                bad = [(j, key) for j, key in approvers if key == target]
                reason = _("it is itself an approver of the band")
            else:
                bad = [
                    (j, key)
                    for j, key in approvers
                    if key.startswith("Position/") and target not in structure.chain(key)
                ]
                reason = (
                    _("it is not above {approvers}").format(approvers=listed([_label(model, key) for _j, key in bad]))
                    if bad
                    else ""
                )
                if any(key == target for _j, key in bad):
                    reason = _("it is itself an approver of the band")
            if bad:
                yield matrix.finding(
                    path,
                    _("band {band} of {matrix} escalates to {target}, but {reason}").format(
                        band=index + 1, matrix=entity_words(matrix), target=_label(model, target), reason=reason
                    ),
                    hint=_("escalate to a post above every approver of the band, e.g. their common manager"),
                    identity=(_band_id(band_interval(band)), target, *sorted({key for _j, key in bad})),
                    related=tuple(
                        matrix.doc.related(("spec", "bands", index, "approvers", j), _("approver not below the target"))
                        for j, _key in bad
                    ),
                )
                continue
            edges.extend((key, target, index) for _j, key in approvers)
        if len(edges) < 2:
            continue
        successors: dict[str, list[str]] = {}
        band_of: dict[tuple[str, str], int] = {}  # an escalation step -> the first band that takes it
        for source, target, index in edges:
            if (source, target) not in band_of:
                band_of[source, target] = index
                successors.setdefault(source, []).append(target)
        for component in strong_components(successors):
            if len(component) < 2:
                continue
            cycle_edges = first_cycle(successors, min(component), component)
            looped = sorted({band_of[step] for step in cycle_edges})
            first = looped[0]
            cycle = [_label(model, s) for s, _target in cycle_edges]
            yield matrix.finding(
                ("spec", "bands", first, "escalation", "to"),
                _("escalations of {matrix} loop: {cycle} (bands {bands})").format(
                    matrix=entity_words(matrix),
                    cycle=" -> ".join([*cycle, cycle[0]]),
                    bands=listed([str(b + 1) for b in looped]),
                ),
                hint=_("let every escalation end at a post above all of them"),
                identity=("loop", *sorted(component)),
                related=tuple(
                    matrix.doc.related(("spec", "bands", b, "escalation", "to"), _("part of the loop"))
                    for b in looped[1:]
                ),
            )


@rule(
    "body-quorum",
    "error",
    "a voting body whose quorum exceeds its members; with Persons declared, fewer filled member posts than its quorum",
    family=FAMILY,
)
def body_quorum(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A Unit with `spec.voting` (a committee, board or office meeting such as 总经理办公会)
    decides by a vote of its member posts, and only when `quorum` of them take part. A quorum
    above the number of members means the body can never decide: every request it is the
    approver of is stuck. With Person documents declared, a member post that nobody holds
    cannot vote either (the same vacancy as `vacant-key-post`): fewer filled member posts than
    the quorum is reported too, naming the vacant members. A post counts as filled on the date
    when a holding in force holds it, an acting one (`acting: true`) included; a former holder
    (whose `until` has passed) does not fill it. `opsgov check` evaluates every later change
    date as well, so a quorum lost when an appointment ends is reported now, with that date.
    Without Persons, vacancy is unknown and only the first check applies.

    The finding stands at `spec.voting.quorum`. Members are counted as written (a dangling
    member is reported by `dangling-ref` and counts as not filled). A voting body with no
    members is a `schema` error. The entity is the Unit.

    Given:
        kind: Unit
        metadata: {name: finance, title: 财务部}
        spec: {parent: company, head: finance-director}
        ---
        kind: Position
        metadata: {name: finance-director, title: 财务总监}
        spec: {unit: finance, reportsTo: ceo}
    Passes:
        kind: Unit
        metadata: {name: gm-office-meeting, title: 总经理办公会}
        spec:
          type: committee
          parent: company
          voting: {members: [ceo, finance-director], quorum: 2, majority: unanimous}
    Fails:
        kind: Unit
        metadata: {name: gm-office-meeting, title: 总经理办公会}
        spec:
          type: committee
          parent: company
          voting: {members: [ceo, finance-director], quorum: 3}   # only 2 can ever vote
    """
    holders = structure_of(model).holders
    persons = model.persons_declared
    for unit in model.entities("Unit"):
        voting = unit.spec.get("voting")
        if not isinstance(voting, dict):
            continue
        members = voting.get("members") or []
        quorum = voting.get("quorum")
        if not isinstance(quorum, int):
            continue
        path = ("spec", "voting", "quorum")
        if quorum > len(members):
            yield unit.finding(
                path,
                (
                    _("voting body {body} has a quorum of {quorum} but only {count} member: it can never decide")
                    if len(members) == 1
                    else _("voting body {body} has a quorum of {quorum} but only {count} members: it can never decide")
                ).format(body=entity_words(unit), quorum=quorum, count=len(members)),
                hint=_("lower the quorum to at most {count}, or add the missing members").format(count=len(members)),
                identity=("quorum above members",),
            )
            continue
        if not persons:
            continue
        vacant = []
        for index, raw in enumerate(members):
            key = unit.target(("spec", "voting", "members", index))
            if key is None or key not in holders:
                vacant.append(_label(model, key) if key else str(raw))
        filled = len(members) - len(vacant)
        if filled < quorum:
            yield unit.finding(
                path,
                (
                    _(
                        "voting body {body} cannot decide: only {filled} of its {count} member posts is filled, "
                        "below its quorum of {quorum} (vacant: {vacant})"
                    )
                    if filled == 1
                    else _(
                        "voting body {body} cannot decide: only {filled} of its {count} member posts are filled, "
                        "below its quorum of {quorum} (vacant: {vacant})"
                    )
                ).format(
                    body=entity_words(unit), filled=filled, count=len(members), quorum=quorum, vacant=listed(vacant)
                ),
                hint=_("fill the vacant member posts, or lower the quorum"),
                identity=("members filled below quorum",),
                related=tuple(
                    unit.doc.related(("spec", "voting", "members", index), _("vacant member post"))
                    for index in range(len(members))
                    if (unit.target(("spec", "voting", "members", index)) or "") not in holders
                ),
            )


RULES: tuple[Rule, ...] = (
    approval_gap,
    approval_overlap,
    authority_inversion,
    self_approval,
    countersign_single,
    escalation_invalid,
    step_approval_sod,
    body_quorum,
)
