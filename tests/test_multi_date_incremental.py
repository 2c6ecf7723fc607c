"""The incremental multi-date check reports exactly what re-running everything on every date does.

On a later change date the policies evaluate only the entities whose document or facts changed
(opsgov.policy.cel.Seen); `check(settings, incremental=False)` re-runs everything per date, the
reference. Random small organisations with dated posts, units and a dated Policy, whose spans
of control and references change from date to date.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from opsgov.config.settings import Settings
from opsgov.pipeline import check
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
