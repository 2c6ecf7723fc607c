"""The incremental multi-date check reports exactly what re-running everything on every date does.

On a later change date the model is patched from the previous date's (build_model(previous=)),
the rules that read none of the kinds the date changed are not run (Rule.reads), and the policies
evaluate only the entities whose document or facts changed (opsgov.policy.cel.Seen);
`check(settings, incremental=False)` re-runs everything per date, the reference. Random small
organisations with dated posts, units, holdings, matrices, processes, delegations and Policies,
and one example per kind of change.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from opsgov.config.settings import Settings
from opsgov.load.schema import KINDS
from opsgov.model.dates import change_dates
from opsgov.model.entities import Model, build_model
from opsgov.pipeline import _read, _Stopwatch, check, windows
from opsgov.policy import cel
from opsgov.progress import ignore
from opsgov.report.fingerprint import fingerprint
from opsgov.report.formats import REPORTERS
from tests.util import write_repo

AS_OF = datetime.date(2026, 11, 27)
DAYS = ["2026-10-01", "2026-12-31", "2027-01-01", "2027-03-01", "2027-06-30", "2028-06-01"]
"""Change days before, within and after the horizon (365 days)."""

SPAN = """\
apiVersion: opsgov/v1
kind: Policy
metadata: {{name: span, title: 幅度{window}}}
spec:
  severity: warning
  match: {{kinds: [Position]}}
  validations:
    - expression: "facts.directReports <= 1"
      messageExpression: "object.metadata.title + ' has ' + string(facts.directReports) + ' reports'"
"""

window = st.fixed_dictionaries(
    {},
    optional={"validFrom": st.sampled_from(DAYS), "validUntil": st.sampled_from(DAYS)},
)


def _window(dates: dict[str, str]) -> str:
    return "".join(f", {key}: {value}" for key, value in sorted(dates.items()))


@st.composite
def organisations(draw: st.DrawFn) -> dict[str, str]:
    posts = draw(st.integers(1, 6))
    documents = []
    units = ["company"]
    for u in range(draw(st.integers(0, 2))):
        units.append(f"unit{u}")
        dates = _window(draw(window))
        documents.append(
            f"apiVersion: opsgov/v1\nkind: Unit\nmetadata: {{name: unit{u}, title: 部{u}{dates}}}\n"
            f"spec: {{type: department, parent: company}}\n"
        )
    for p in range(posts):
        boss = draw(st.sampled_from(["ceo", "missing", *(f"p{q}" for q in range(posts) if q != p)]))
        unit = draw(st.sampled_from(units))
        dates = _window(draw(window))
        title = draw(st.sampled_from(["岗", "职位"]))
        documents.append(
            f"apiVersion: opsgov/v1\nkind: Position\nmetadata: {{name: p{p}, title: {title}{p}{dates}}}\n"
            f"spec: {{unit: {unit}, reportsTo: {boss}}}\n"
        )
    files = {"ops/posts.yaml": "---\n".join(documents)}
    if draw(st.booleans()):
        files["policies/span.yaml"] = SPAN.format(window=_window(draw(window)))
    return files


BUDGET = settings.default.max_examples if settings.default is not None else 100

FACTS_ONLY = {
    "ops/posts.yaml": "---\n".join(
        f"apiVersion: opsgov/v1\nkind: Position\nmetadata: {{name: {name}, title: {name}{dates}}}\n"
        f"spec: {{unit: company, reportsTo: {boss}}}\n"
        for name, boss, dates in (("p0", "ceo", ""), ("p1", "p0", ""), ("p2", "p0", ", validFrom: 2027-01-01"))
    ),
    "policies/span.yaml": SPAN.format(window=""),
}
"""p0's document never changes, its facts do: from 2027-01-01 it has two direct reports."""


@settings(
    max_examples=max(5, BUDGET // 10),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(organisations())
@example(FACTS_ONLY)
def test_incremental_equals_a_full_run_per_date(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_repo(Path(folder), files)
        incremental = check(Settings(root=root, as_of=AS_OF))
        full = check(Settings(root=root, as_of=AS_OF), incremental=False)
        assert incremental.dates == full.dates
        if files is FACTS_ONLY:
            assert [(f.entity, f.as_of) for f in full.findings] == [("Position/p0", "2027-01-01")]
        for name in ("json", "text"):
            assert REPORTERS[name]().render(incremental) == REPORTERS[name]().render(full)


def test_later_dates_in_parallel_report_what_one_process_does(tmp_path: Path) -> None:
    """--jobs 2 shares the later dates among forked processes; the report is the same byte for byte."""
    files = dict(FACTS_ONLY)
    files["ops/more.yaml"] = "---\n".join(
        f"apiVersion: opsgov/v1\nkind: Position\nmetadata: {{name: q{i}, title: q{i}, validFrom: {day}}}\n"
        f"spec: {{unit: company, reportsTo: {boss}}}\n"
        for i, (day, boss) in enumerate((("2027-02-01", "nobody"), ("2027-03-01", "p1"), ("2027-04-01", "p1")))
    )
    root = write_repo(tmp_path, files)
    serial = check(Settings(root=root, as_of=AS_OF, jobs=1))
    parallel = check(Settings(root=root, as_of=AS_OF, jobs=2))
    assert len(serial.dates) == 5
    assert [(f.entity, f.as_of) for f in serial.findings] == [
        ("Position/q0", "2027-02-01"),
        ("Position/p0", "2027-01-01"),
        ("Position/p1", "2027-04-01"),
    ]
    assert "later dates" in parallel.timings
    for name in ("json", "sarif"):
        assert REPORTERS[name]().render(parallel) == REPORTERS[name]().render(serial)


def test_the_policies_of_every_later_date_run_in_one_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy finding that first holds on each of several later dates is stamped with its own
    date, though one forked worker evaluates the policies of all of them (policy.cel.run_prepared)."""
    files = dict(FACTS_ONLY)
    files["ops/more.yaml"] = "---\n".join(
        f"apiVersion: opsgov/v1\nkind: Position\nmetadata: {{name: q{i}, title: q{i}, validFrom: {day}}}\n"
        f"spec: {{unit: company, reportsTo: {boss}}}\n"
        for i, (day, boss) in enumerate((("2027-02-01", "q9"), ("2027-03-01", "q9"), ("2027-04-01", "p1")))
    )
    files["ops/more.yaml"] += "---\n" + _doc("Position", "q9", "{unit: company}", ", validFrom: 2027-02-01")
    root = write_repo(tmp_path, files)
    forks: list[int] = []
    real = cel.run_isolated

    def counted(items: Sequence[Any], *args: Any) -> Any:
        forks.append(len(items))
        return real(items, *args)

    monkeypatch.setattr(cel, "run_isolated", counted)
    incremental = check(Settings(root=root, as_of=AS_OF, jobs=1))
    assert len(incremental.dates) == 5
    assert forks == [1, 4]  # the as-of date, then the span policy on each of the four later dates, at once
    assert [(f.rule, f.entity, f.as_of) for f in incremental.findings if f.rule == "policy/span"] == [
        ("policy/span", "Position/q9", "2027-03-01"),
        ("policy/span", "Position/p0", "2027-01-01"),
    ]
    full = check(Settings(root=root, as_of=AS_OF, jobs=1), incremental=False)
    assert REPORTERS["json"]().render(incremental) == REPORTERS["json"]().render(full)


# --- The model of a later date is patched from the one before (build_model(previous=)) -------------------------


def _doc(kind: str, name: str, spec: str, dates: str = "") -> str:
    return f"apiVersion: opsgov/v1\nkind: {kind}\nmetadata: {{name: {name}, title: {name}{dates}}}\nspec: {spec}\n"


def _files(*documents: str, policy: str = "") -> dict[str, str]:
    files = {"ops/more.yaml": "---\n".join(documents)}
    if policy:
        files["policies/policy.yaml"] = policy
    return files


MATRIX = "{{subject: spend, bands: [{{below: {low}, approvers: [p0]}}, {{from: 1000, approvers: [ceo]}}]}}"
PROCESS = (
    "{{owner: p0, steps: [{{id: a, title: A, responsible: p1, next: [{to}]}}, {{id: b, title: B, responsible: p0}},"
    " {{id: c, title: C, responsible: p0}}]}}"
)
POSTS = (
    _doc("Position", "p0", "{unit: company, reportsTo: ceo}"),
    _doc("Position", "p1", "{unit: company, reportsTo: p0}"),
)
DELEGATES = """\
apiVersion: opsgov/v1
kind: Policy
metadata: {name: delegates, title: 不授权}
spec:
  severity: warning
  match: {kinds: [Position]}
  validations:
    - expression: "facts.delegatesTo.size() == 0"
      message: "delegates its authority"
"""

HOLDINGS_ONLY = _files(
    *POSTS,
    _doc("ApprovalMatrix", "m", MATRIX.format(low=1000)),
    _doc("Person", "alice", "{holds: [ceo, {position: p0, until: 2026-12-31}]}"),
    _doc("Person", "bob", "{holds: [p1, {position: p0, acting: true, from: 2027-02-01, until: 2027-02-28}]}"),
)
"""Only holdings change: from 2027-01-01 nobody holds p0, an approver (vacant-key-post); bob acts in
it in February, and from 2027-03-01 it is vacant again (the same finding, already known)."""
MATRIX_ONLY = _files(
    *POSTS,
    _doc("ApprovalMatrix", "m", MATRIX.format(low=1000), ", validUntil: 2026-12-31"),
    _doc("ApprovalMatrix", "m", MATRIX.format(low=500), ", validFrom: 2027-01-01"),
)
"""Only a matrix changes: its version from 2027-01-01 covers nothing from 500 to 1000 (approval-gap)."""
PROCESS_ONLY = _files(
    *POSTS,
    _doc("Process", "flow", PROCESS.format(to="b, c"), ", validUntil: 2026-12-31"),
    _doc("Process", "flow", PROCESS.format(to="b"), ", validFrom: 2027-01-01"),
)
"""Only a process changes: from 2027-01-01 nothing leads to step c (step-unreachable)."""
DELEGATION_ONLY = _files(
    *POSTS,
    _doc("ApprovalMatrix", "m", MATRIX.format(low=1000)),
    _doc(
        "Delegation",
        "leave",
        "{from: p0, to: p1, validFrom: 2027-01-01, validUntil: 2027-01-31, reason: 年假, approvedBy: ceo}",
    ),
    policy=DELEGATES,
)
"""Only a delegation changes: in January p0 delegates to p1, which its facts show (a policy)."""
REFERENCES = _files(
    *POSTS,
    _doc("Position", "p2", "{unit: company, reportsTo: p9}"),
    _doc("Position", "p9", "{unit: company, reportsTo: ceo}", ", validUntil: 2026-12-31"),
    _doc("Position", "p3", "{unit: company, reportsTo: p8}"),
    _doc("Position", "p8", "{unit: company, reportsTo: p3}", ", validFrom: 2027-02-01"),
)
"""Unchanged documents whose references change: p2's reportsTo dangles from 2027-01-01, when p9
ends; p3's resolves from 2027-02-01, when p8 begins, and closes a reporting cycle."""
SUGGESTIONS = _files(
    *(_doc("Position", f"x{i}", "{unit: company, reportsTo: cxo}") for i in range(52)),
    _doc("Position", "late", "{unit: company, reportsTo: cxo}", ", validFrom: 2027-01-01"),
    _doc("Position", "later", "{unit: company, reportsTo: cgo}", ", validFrom: 2027-02-01"),
)
"""More references name nothing than get a "did you mean": the patch must not give `later` one."""
DUTIES = _files(
    _doc("Responsibility", "pay", "{}"),
    _doc("Position", "p0", "{unit: company, reportsTo: ceo, owns: [pay]}"),
    _doc("Position", "p1", "{unit: company, reportsTo: p0}", ", validUntil: 2026-12-31"),
    _doc("Position", "p1", "{unit: company, reportsTo: p0, owns: [pay]}", ", validFrom: 2027-01-01"),
)
"""Who owns a duty changes: from 2027-01-01 p1 owns pay too (duty-overlap; the rules share one
index of owners per date's structure, rules.duties.duty_owners; what the structure reads from one
post is kept across dates, structure._links: REFERENCES guards it too)."""
OWNERS = _files(
    _doc("Responsibility", "pay", "{}"),
    _doc("Position", "p0", "{unit: company, reportsTo: ceo}", ", validUntil: 2026-12-31"),
    _doc("Position", "p0", "{unit: company, reportsTo: ceo, owns: [pay]}", ", validFrom: 2027-01-01"),
    _doc("Position", "p1", "{unit: company, reportsTo: p0, owns: [pay]}", ", validUntil: 2026-12-31"),
    _doc("Position", "p1", "{unit: company, reportsTo: p0, owns: [pay]}", ", validFrom: 2027-01-01"),
)
"""A post's `owns` item is the same in its next version, at another line: from 2027-01-01 p0 owns pay
too, and duty-overlap reports p1 at its new version's item (each Ownership of the structure names the
Entity object it was made from, kept across dates with it, structure._links: a kept Ownership reused
by owner, duty and path would point at the old version's line)."""
SOD_FLOW = (
    "{{owner: p0, steps: [{{id: a, title: A, responsible: {by}, next: [b]}},"
    " {{id: b, title: B, responsible: p0, approval: {m}}}]}}"
)
SOD_MATRIX = "{{subject: spend, bands: [{{approvers: [{by}]}}]}}"
PREPARERS = _files(
    *POSTS,
    _doc("Position", "p2", "{unit: company, reportsTo: p0}"),
    _doc("ApprovalMatrix", "m", SOD_MATRIX.format(by="p0")),
    _doc("Process", "flow", SOD_FLOW.format(by="p1", m="m"), ", validUntil: 2026-12-31"),
    _doc("Process", "flow", SOD_FLOW.format(by="p0", m="m"), ", validFrom: 2027-01-01"),
    _doc("ApprovalMatrix", "n", SOD_MATRIX.format(by="p0"), ", validUntil: 2027-01-31"),
    _doc("ApprovalMatrix", "n", SOD_MATRIX.format(by="p2"), ", validFrom: 2027-02-01"),
    _doc("Process", "other", SOD_FLOW.format(by="p2", m="n")),
)
"""Who prepares, or who approves, changes: from 2027-01-01 p0 prepares flow's request for m, which
it approves; from 2027-02-01 p2, which prepares other's request for n, approves n (step-approval-sod;
what the rule reads from one process or matrix is kept across dates, Model.derived_from)."""
SELF_MATRIX = "{{subject: spend, requesters: [{by}], bands: [{{approvers: [{approver}]}}]}}"
APPROVERS = _files(
    *POSTS,
    _doc("Position", "p2", "{unit: company, reportsTo: p0}"),
    _doc(
        "Delegation",
        "leave",
        "{from: p0, to: p2, validFrom: 2026-12-20, validUntil: 2027-03-15, reason: 年假, approvedBy: ceo}",
    ),
    _doc("ApprovalMatrix", "m", SELF_MATRIX.format(by="p1", approver="p0"), ", validUntil: 2026-12-31"),
    _doc("ApprovalMatrix", "m", SELF_MATRIX.format(by="p1", approver="p1"), ", validFrom: 2027-01-01"),
    _doc("ApprovalMatrix", "n", SELF_MATRIX.format(by="p2", approver="p1"), ", validUntil: 2027-01-31"),
    _doc("ApprovalMatrix", "n", SELF_MATRIX.format(by="p2", approver="p0"), ", validFrom: 2027-02-01"),
)
"""Who approves a matrix changes: from 2027-01-01 its requester p1 approves m, and p0 approves
nothing it could delegate (delegation-exceeds); from 2027-02-01 p0 approves n, and so p2, n's
requester, through the delegation (self-approval; a matrix's approvers per band and per post are
kept across dates, Model.derived_from)."""

EXPECTED = {
    "holdings": (HOLDINGS_ONLY, [("vacant-key-post", "Position/p0", "2027-01-01")]),
    "matrix": (MATRIX_ONLY, [("approval-gap", "ApprovalMatrix/m", "2027-01-01")]),
    "process": (PROCESS_ONLY, [("step-unreachable", "Process/flow", "2027-01-01")]),
    "delegation": (DELEGATION_ONLY, [("policy/delegates", "Position/p0", "2027-01-01")]),
    "preparers": (
        PREPARERS,
        [("step-approval-sod", "Process/flow", "2027-01-01"), ("step-approval-sod", "Process/other", "2027-02-01")],
    ),
    "approvers": (
        APPROVERS,
        [
            ("delegation-exceeds", "Delegation/leave", "2027-01-01"),
            ("self-approval", "ApprovalMatrix/m", "2027-01-01"),
            ("self-approval", "ApprovalMatrix/n", "2027-02-01"),
        ],
    ),
    "duties": (DUTIES, [("duty-overlap", "Responsibility/pay", "2027-01-01")]),
    "owners": (OWNERS, [("duty-overlap", "Responsibility/pay", "2027-01-01")]),
    "references": (
        REFERENCES,
        [
            ("dangling-ref", "Position/p2", "2027-01-01"),
            ("reporting-cycle", "Position/p3", "2027-02-01"),
        ],
    ),
    "suggestions": (
        SUGGESTIONS,
        [("dangling-ref", "Position/late", "2027-01-01"), ("dangling-ref", "Position/later", "2027-02-01")],
    ),
}
"""Each example and the findings that first hold on a later date (rule, entity, asOf), beyond the as-of date's."""


def _shape(model: Model) -> tuple[object, ...]:
    """Everything rules read from a model; findings by place and fingerprint (the wording of one
    already reported on an earlier date may differ: a "did you mean" depends on every name)."""
    return (
        [[(e.key, e.doc.file, e.doc.line, e.window, sorted(e.refs.items())) for e in model.entities(k)] for k in KINDS],
        model.known,
        [(e.key, e.doc.file, e.doc.line) for e in model.out_of_force],
        model.holdings,
        [e.key for e in model.organizations],
        [(f.file, f.line, f.column, f.rule, fingerprint(f)) for f in model.findings],
    )


def _assert_patches_equal_whole_builds(root: Path) -> None:
    settings = Settings(root=root, as_of=AS_OF)
    read = _read(settings, _Stopwatch(), ignore)
    days = change_dates(windows(read.valid), AS_OF, settings.horizon)
    previous = read.model
    for day in days[1:]:
        whole = build_model(read.valid, read.invalid, as_of=day)
        patched = build_model(read.valid, read.invalid, as_of=day, previous=previous)
        assert _shape(patched) == _shape(whole), day
        from_as_of = build_model(read.valid, read.invalid, as_of=day, previous=read.model)  # as --jobs 2 deals dates
        assert _shape(from_as_of) == _shape(whole), day
        previous = patched


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_date_that_changes_one_thing(name: str, tmp_path: Path) -> None:
    """A date changing only holdings, a matrix, a process, a delegation or what a reference names:
    the incremental report is the full one, with the finding that the change makes."""
    files, expected = EXPECTED[name]
    root = write_repo(tmp_path, files)
    _assert_patches_equal_whole_builds(root)
    incremental = check(Settings(root=root, as_of=AS_OF))
    full = check(Settings(root=root, as_of=AS_OF), incremental=False)
    assert [(f.rule, f.entity, f.as_of) for f in full.findings if f.as_of] == expected
    for reporter in ("json", "text"):
        assert REPORTERS[reporter]().render(incremental) == REPORTERS[reporter]().render(full)


@st.composite
def dated_organisations(draw: st.DrawFn) -> dict[str, str]:
    """Posts, a person's holdings, a matrix, a process and a delegation, each perhaps dated or in two versions."""
    names = [f"p{i}" for i in range(draw(st.integers(2, 5)))]
    documents = []

    def dates() -> str:
        return _window(draw(window))

    for name in names:
        boss = draw(st.sampled_from(["ceo", "missing", *(n for n in names if n != name)]))
        for _ in range(draw(st.integers(1, 2))):
            documents.append(_doc("Position", name, f"{{unit: company, reportsTo: {boss}}}", dates()))
    holds = []
    for name in draw(st.lists(st.sampled_from([*names, "ghost"]), max_size=3)):
        when = draw(window)
        acting = ", acting: true" if draw(st.booleans()) else ""
        span = "".join(f", {'from' if k == 'validFrom' else 'until'}: {v}" for k, v in sorted(when.items()))
        holds.append(f"{{position: {name}{acting}{span}}}")
    if holds:
        documents.append(_doc("Person", "alice", f"{{holds: [{', '.join(holds)}]}}", dates()))
    approver = draw(st.sampled_from(names))
    for low in draw(st.lists(st.sampled_from([500, 1000]), min_size=0, max_size=2)):
        documents.append(_doc("ApprovalMatrix", "m", MATRIX.format(low=low).replace("[p0]", f"[{approver}]"), dates()))
    for to in draw(st.lists(st.sampled_from(["b", "b, c"]), max_size=2)):
        documents.append(_doc("Process", "flow", PROCESS.format(to=to), dates()))
    if draw(st.booleans()):
        source, target = draw(st.permutations(names))[:2]
        documents.append(
            _doc(
                "Delegation",
                "leave",
                f"{{from: {source}, to: {target}, reason: 年假, approvedBy: ceo"
                + "".join(f", {k}: {v}" for k, v in sorted(draw(window).items()))
                + "}",
            )
        )
    return _files(*documents, policy=draw(st.sampled_from(["", DELEGATES, SPAN.format(window="")])))


@settings(max_examples=max(5, BUDGET // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_organisations())
def test_patched_models_and_reports_equal_whole_ones(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_repo(Path(folder), files)
        _assert_patches_equal_whole_builds(root)
        incremental = check(Settings(root=root, as_of=AS_OF))
        full = check(Settings(root=root, as_of=AS_OF), incremental=False)
        assert REPORTERS["json"]().render(incremental) == REPORTERS["json"]().render(full)
