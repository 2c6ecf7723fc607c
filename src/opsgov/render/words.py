"""The words diagrams, tables and the handbook print themselves, in the run's language.

They are messages of the gettext catalogue like every finding (opsgov.i18n): the English is
written here with `N_()`, the translations are in `src/opsgov/locale/<ll_CC>/LC_MESSAGES/opsgov.po`,
and `scripts/update-catalogue.sh` extracts them; tests/test_i18n.py fails when one has no
translation. The language is the run's (opsgov.i18n.choose: --lang, opsgov.yaml `lang`, the
Organization's `spec.locale`, the environment): the caller speaks it (`opsgov.i18n.speaking`)
around a render, as the CLI and the handbook do.

`words()` gives the fixed words as a typed record (`words().findings`), which the handbook's
templates read as `w.findings`; words chosen by a value of the data (a unit type, a KPI unit,
an approval mode) are looked up by that value (`unit_type("team")`, `MODES[mode]`).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from opsgov.i18n import N_, _, current, speaking
from opsgov.model.entities import Holding, Model


@dataclass(frozen=True, slots=True)
class Words:
    """Every fixed word of the handbook and the rendered pictures and tables (English in ENGLISH)."""

    # org chart and process diagrams
    vacant: str
    frozen: str
    headcount: str
    head: str
    start: str
    end: str
    approval: str
    sla: str
    unassigned: str
    more_below: str
    solid_line: str
    dotted_line: str
    dotted_edge: str
    overview: str
    # pages and their headings
    org_chart: str
    units: str
    unit: str
    posts: str
    post: str
    level: str
    holders: str
    duties: str
    boundaries: str
    owned_by: str
    processes: str
    kpis: str
    kpi: str
    approvals: str
    matrix: str
    category: str
    uncategorised: str
    subject: str
    band: str
    approvers: str
    mode: str
    escalation: str
    findings: str
    parent: str
    children: str
    dotted: str
    owner: str
    steps: str
    step: str
    responsible: str
    raci: str
    target: str
    green: str
    yellow: str
    direction: str
    frequency: str
    measures: str
    method: str
    none: str
    vote: str
    voting: str
    delegations: str
    delegation: str
    status: str
    in_force: str
    scheduled_from: str
    delegator: str
    delegate: str
    matrices: str
    cap: str
    window: str
    reason: str
    all_matrices: str
    title: str
    no_findings: str
    waived: str
    ticket: str
    party: str
    reports_to: str
    head_title: str
    headcount_title: str
    scheduled: str
    scheduled_intro: str
    no_scheduled: str
    date: str
    change: str
    takes_effect: str
    ends: str
    holds: str
    holds_acting: str
    reviewed: str
    reviewed_on_by: str
    never_reviewed: str
    as_of: str
    acting: str
    acting_holder: str
    acting_holder_until: str
    former_holders: str
    person: str
    held: str
    kind_col: str
    from_day: str
    # the handbook's navigation, search box, interactive chart and findings table
    search: str
    no_results: str
    source: str
    tree: str
    subtree: str
    fit: str
    expand_all: str
    collapse_all: str
    find_in_chart: str
    printable: str
    level_col: str
    rule: str
    where: str
    entity: str
    message: str
    hint: str
    filled: str
    vacancies: str
    direct: str
    total: str
    establishment: str
    counts: str
    chart_needs_js: str


ENGLISH = Words(
    vacant=N_("vacant"),
    frozen=N_("frozen"),
    headcount=N_("headcount"),
    head=N_("head"),
    start=N_("start"),
    end=N_("end"),
    approval=N_("approval"),
    sla=N_("SLA"),
    unassigned=N_("unassigned"),
    more_below=N_("{n} more units below"),
    solid_line=N_("reports to"),
    dotted_line=N_("dotted (matrix) line"),
    dotted_edge=N_("dotted"),
    overview=N_("Overview"),
    org_chart=N_("Organisation chart"),
    units=N_("Units"),
    unit=N_("Unit"),
    posts=N_("Posts"),
    post=N_("Post"),
    level=N_("Job level"),
    holders=N_("Holders"),
    duties=N_("Duties"),
    boundaries=N_("Boundaries (not owned here)"),
    owned_by=N_("owned by"),
    processes=N_("Processes"),
    kpis=N_("KPIs"),
    kpi=N_("KPI"),
    approvals=N_("Approval matrices"),
    matrix=N_("Matrix"),
    category=N_("Category"),
    uncategorised=N_("Other decisions"),
    subject=N_("Subject"),
    band=N_("Band"),
    approvers=N_("Approvers"),
    mode=N_("Mode"),
    escalation=N_("Escalation"),
    findings=N_("Findings"),
    parent=N_("Parent"),
    children=N_("Sub-units"),
    dotted=N_("Dotted lines"),
    owner=N_("Owner"),
    steps=N_("Steps"),
    step=N_("Step"),
    responsible=N_("Responsible"),
    raci=N_("RACI"),
    target=N_("Target"),
    green=N_("Green"),
    yellow=N_("Yellow"),
    direction=N_("Direction"),
    frequency=N_("Frequency"),
    measures=N_("Measures"),
    method=N_("Method"),
    none=N_("none"),
    vote=N_("{body} (vote: quorum {quorum} of {members}, {majority})"),
    voting=N_("Decides by vote"),
    delegations=N_("Delegations in force and scheduled"),
    delegation=N_("Delegation"),
    status=N_("Status"),
    in_force=N_("in force"),
    scheduled_from=N_("scheduled, from {day}"),
    delegator=N_("From"),
    delegate=N_("To"),
    matrices=N_("Matrices"),
    cap=N_("Up to"),
    window=N_("Window"),
    reason=N_("Reason"),
    all_matrices=N_("all its matrices"),
    title=N_("Title"),
    no_findings=N_("No findings."),
    waived=N_("waived"),
    ticket=N_("ticket {ticket}"),
    party=N_("Post or unit"),
    reports_to=N_("Reports to"),
    head_title=N_("Head"),
    headcount_title=N_("Headcount"),
    scheduled=N_("Scheduled changes"),
    scheduled_intro=N_("What takes effect or ends after {as_of}, up to {last}."),
    no_scheduled=N_("No scheduled changes."),
    date=N_("Date"),
    change=N_("Change"),
    takes_effect=N_("takes effect"),
    ends=N_("ends (last day {day})"),
    holds=N_("{person} holds {post}"),
    holds_acting=N_("{person} acts as {post}"),
    reviewed=N_("Last reviewed"),
    reviewed_on_by=N_("{on} by {by}"),
    never_reviewed=N_("never"),
    as_of=N_("As of {day}"),
    acting=N_("acting"),
    acting_holder=N_("{person} (acting)"),
    acting_holder_until=N_("{person} (acting until {day})"),
    former_holders=N_("Former holders"),
    person=N_("Person"),
    held=N_("Held"),
    kind_col=N_("Kind"),
    from_day=N_("from {day}"),
    search=N_("Search units, posts, people, duties …"),
    no_results=N_("nothing found"),
    source=N_("Source"),
    tree=N_("Unit tree"),
    subtree=N_("Place in the organisation"),
    fit=N_("Fit"),
    expand_all=N_("Expand all"),
    collapse_all=N_("Collapse all"),
    find_in_chart=N_("Find in chart"),
    printable=N_("printable chart (SVG)"),
    level_col=N_("Level"),
    rule=N_("Rule"),
    where=N_("Where"),
    entity=N_("About"),
    message=N_("Message"),
    hint=N_("Hint"),
    filled=N_("filled"),
    vacancies=N_("vacant"),
    direct=N_("direct"),
    total=N_("total"),
    establishment=N_("headcount"),
    counts=N_("errors: {error} · warnings: {warning} · info: {info}"),
    chart_needs_js=N_("The interactive chart needs JavaScript; the printable chart is linked above."),
)
"""The English of every fixed word: the catalogue's msgids."""

# Words chosen by a value of the data. A value without one (a custom unit type from
# Organization.unitTypes, a KPI unit not in the spec) is printed as written.
UNIT_TYPES = {
    "company": N_("company"),
    "center": N_("center"),
    "division": N_("division"),
    "department": N_("department"),
    "team": N_("team"),
    "region": N_("region"),
    "store": N_("store"),
    "office": N_("office"),
    "committee": N_("committee"),
}
DIRECTIONS = {"higher-is-better": N_("higher is better"), "lower-is-better": N_("lower is better")}
FREQUENCIES = {
    "daily": N_("daily"),
    "weekly": N_("weekly"),
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "yearly": N_("yearly"),
}
KPI_UNITS = {  # "{n}" is the number
    "percent": N_("{n} percent"),
    "count": N_("{n} count"),
    "ratio": N_("{n} ratio"),
    "hours": N_("{n} hours"),
    "days": N_("{n} days"),
    "minutes": N_("{n} minutes"),
    "score": N_("{n} score"),
    "currency": N_("{n} {currency}"),
}
DURATIONS = {"m": N_("{n}m"), "h": N_("{n}h"), "d": N_("{n}d"), "w": N_("{n}w")}
"""`30m`, `24h`, `2d`, `1w` as the spec writes them (English keeps the spec's form)."""
MODES = {"any": N_("any one"), "all": N_("all (countersign)"), "sequential": N_("all, in order")}
MAJORITIES = {
    "simple": N_("simple majority"),
    "two-thirds": N_("two-thirds majority"),
    "unanimous": N_("unanimous"),
}
RACI_LETTERS = {
    "R": N_("Responsible: does the work"),
    "A": N_("Accountable: answers for the result"),
    "C": N_("Consulted: asked before"),
    "I": N_("Informed: told after"),
}
LEVELS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
"""A finding's level as the handbook's findings tables print it."""
KINDS = {
    "Organization": N_("organisation"),
    "Unit": N_("unit"),
    "Position": N_("post"),
    "Person": N_("person"),
    "Responsibility": N_("duty"),
    "Process": N_("process"),
    "ApprovalMatrix": N_("approval matrix"),
    "KPI": N_("KPI"),
    "Policy": N_("policy"),
    "Waiver": N_("waiver"),
    "Delegation": N_("delegation"),
}
"""A kind as a reader calls it (search results, scheduled changes); the YAML `kind` stays as written."""
KPI_LINE = {
    "target": N_("target {amount}"),
    "thresholds": N_("green {sign} {green}, yellow {sign} {yellow}, else red"),
}
"""The parts of a KPI on one line (kpi_summary)."""
PHRASES = {"escalation": N_("after {after} to {to}")}
"""Words around values, filled in with `phrase`. A window (a Delegation's, a holding's) is worded by
`Window.said`, as the findings word it."""

VALUE_WORDS: tuple[dict[str, str], ...] = (
    UNIT_TYPES,
    DIRECTIONS,
    FREQUENCIES,
    KPI_UNITS,
    DURATIONS,
    MODES,
    MAJORITIES,
    RACI_LETTERS,
    LEVELS,
    KINDS,
    KPI_LINE,
    PHRASES,
)
"""Every table of words chosen by a value (tests/test_i18n.py holds each to the catalogue)."""


def words() -> Words:
    """The fixed words in the run's language (opsgov.i18n.current)."""
    return _translated(current())


@cache
def _translated(language: str) -> Words:
    with speaking(language):
        return Words(**{f.name: _(getattr(ENGLISH, f.name)) for f in fields(Words)})


def say(table: dict[str, str], value: object, default: str | None = None) -> str:
    """The word for `value` in one of the tables above, in the run's language; else `default` (the value as written)."""
    english = table.get(str(value))
    if english is None:
        return str(value) if default is None else default
    return _(english)


def chinese() -> bool:
    """Whether the run speaks Chinese (CJK punctuation and spacing, the interval algebra's 含/不含 wording)."""
    return current().startswith("zh")


def html_lang() -> str:
    """The run's language as an HTML `lang` attribute: `zh-CN`, `en`."""
    return current().replace("_", "-")


def listing() -> str:
    """What joins the items of a list: `、` in Chinese, `, ` in English (the catalogue's ", ")."""
    return _(", ")


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def join(*parts: str) -> str:
    """Words joined by spaces, except between two CJK characters: "升级至运营副总监", "after 24h to CFO"."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_is_cjk(out[-1]) and _is_cjk(part[0])):
            out += " "
        out += part
    return out


def phrase(message: str, **values: object) -> str:
    """`message` (an English msgid) translated and filled in, its pieces joined as `join` does.

    "after {after} to {to}" gives "after 24h to CFO" and, as "{after}后升级至{to}", "24 小时后升级至总经理"
    but "1 周后升级至 CFO": a space only where Latin letters or digits meet.
    """
    parts: list[str] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(_(message)):
        parts.append(literal.strip())
        if field is not None:
            parts.append(str(values[field]))
    return join(*parts)


def unit_type(value: object) -> str:
    """A unit's type in the run's language; a custom type from Organization.unitTypes stays as written."""
    return say(UNIT_TYPES, value) if value else ""


def direction(value: object) -> str:
    return say(DIRECTIONS, value, str(value).replace("-", " ")) if value else ""


def frequency(value: object) -> str:
    return say(FREQUENCIES, value) if value else ""


def kpi_amount(value: object, unit: object, currency: str | None = None) -> str:
    """A KPI target or threshold with its unit: `48 hours` / `48 小时`, `85 percent` / `85%`."""
    if value is None or value == "":
        return ""
    pattern = say(KPI_UNITS, unit, "{n} " + str(unit) if unit else "{n}")
    return pattern.format(n=value, currency=currency or "").strip()


def duration(value: object) -> str:
    """`1w` -> `1 周` in Chinese; anything not of the spec's form stays as written."""
    text = str(value)
    number, suffix = text[:-1], text[-1:]
    if not (number.isascii() and number.isdigit()) or suffix not in DURATIONS:
        return text
    return _(DURATIONS[suffix]).format(n=number)


def holder_words(person: str, holding: Holding | None, *, until: bool = True) -> str:
    """A holder as the handbook and charts name them: `黄磊（代理，至 2027-01-31）` for an acting holder."""
    if holding is None or not holding.acting:
        return person
    w = words()
    if until and holding.window.end is not None:
        return w.acting_holder_until.format(person=person, day=holding.window.end.isoformat())
    return w.acting_holder.format(person=person)


def org_currency(model: Model) -> str:
    """The (first) Organization's currency, for KPI amounts in `currency` units; '' when none."""
    return str(model.organizations[0].spec.get("currency") or "") if model.organizations else ""


def kpi_summary(spec: dict[str, Any], currency: str | None = None) -> str:
    """A KPI on one line: target, direction, thresholds (green/yellow, else red), frequency.

    The threshold sign follows the direction: `green ≤ 24 hours` when lower is better.
    """
    unit = spec.get("unit")
    parts = []
    if "target" in spec:
        parts.append(_(KPI_LINE["target"]).format(amount=kpi_amount(spec["target"], unit, currency)))
    if "direction" in spec:
        parts.append(direction(spec["direction"]))
    thresholds = spec.get("thresholds")
    if isinstance(thresholds, dict) and "green" in thresholds and "yellow" in thresholds:
        sign = "≤" if spec.get("direction") == "lower-is-better" else "≥"
        green = kpi_amount(thresholds["green"], unit, currency)
        yellow = kpi_amount(thresholds["yellow"], unit, currency)
        parts.append(_(KPI_LINE["thresholds"]).format(sign=sign, green=green, yellow=yellow))
    if "frequency" in spec:
        parts.append(frequency(spec["frequency"]))
    return ("；" if chinese() else ", ").join(parts)
