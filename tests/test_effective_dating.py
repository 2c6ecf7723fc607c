"""Effective dating (docs/format.md, Effective dating): the organisation as of a date, versions, holdings over time.

Every test passes a fixed as-of date; none reads the clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from opsgov.cli import main
from opsgov.model.structure import structure_of
from opsgov.report.finding import Finding
from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]

BEFORE = datetime.date(2026, 11, 23)
AFTER = datetime.date(2027, 1, 1)

FINANCE = docs(
    doc("Unit", "finance", "{parent: company}"),
    doc("Position", "finance-director", "{unit: finance, reportsTo: ceo}"),
    doc("Position", "finance-manager", "{unit: finance, reportsTo: finance-director}"),
)


def dated(kind: str, name: str, window: str, spec: str) -> str:
    """A document with a window in its metadata, e.g. `validFrom: 2027-01-01`."""
    return f"apiVersion: opsgov/v1\nkind: {kind}\nmetadata: {{name: {name}, title: {name}, {window}}}\nspec: {spec}\n"


def line_of(root: Path, rel: str, text: str, nth: int = 0) -> int:
    lines = [n for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1) if text in line]
    return lines[nth]


def where(finding: Finding) -> tuple[str, int, str]:
    return finding.file, finding.line, finding.entity


REORG = {
    "ops/units.yaml": docs(
        dated("Unit", "sales", "validUntil: 2026-12-31", "{parent: company}"),
        dated("Unit", "sales", "validFrom: 2027-01-01", "{parent: company, head: sales-director}"),
        dated("Unit", "new-dept", "validFrom: 2027-01-01", "{parent: company}"),
    ),
    "ops/posts.yaml": docs(
        dated("Position", "sales-director", "validFrom: 2027-01-01", "{unit: sales, reportsTo: ceo}"),
        dated("Position", "new-head", "validFrom: 2027-01-01", "{unit: new-dept, reportsTo: ceo}"),
    ),
}


def test_a_planned_reorganisation_is_clean_before_and_after_it_takes_effect(repo: Repo) -> None:
    root = repo(REORG)
    for day in (BEFORE, AFTER, datetime.date(2026, 12, 31)):
        report = check_repo(root, as_of=day)
        assert [f"{f.rule} {f.message}" for f in report.findings] == [], day
    before, after = check_repo(root, as_of=BEFORE).model, check_repo(root, as_of=AFTER).model
    assert before is not None and after is not None
    assert sorted(before.units) == ["company", "sales"] and sorted(after.units) == ["company", "new-dept", "sales"]
    assert "head" not in before.units["sales"].spec and after.units["sales"].spec["head"] == "sales-director"
    # What is not in force stays reachable: the later versions before, the earlier one after.
    assert sorted(e.key for e in before.out_of_force) == [
        "Position/new-head",
        "Position/sales-director",
        "Unit/new-dept",
        "Unit/sales",
    ]
    assert [e.window.describe() for e in after.versions("Unit", "sales")] == ["until 2026-12-31", "from 2027-01-01"]


def test_a_reference_to_an_entity_in_force_later_says_when(repo: Repo) -> None:
    root = repo({**REORG, "ops/extra.yaml": doc("Position", "analyst", "{unit: new-dept, reportsTo: ceo}")})
    [finding] = only(check_repo(root, as_of=BEFORE), "dangling-ref")
    assert where(finding) == ("ops/extra.yaml", 4, "Position/analyst")
    assert finding.column == 14
    assert finding.message == "unit 'new-dept' names Unit/new-dept, which is in force from 2027-01-01"
    assert "resolved on 2026-11-23" in finding.hint
    assert only(check_repo(root, as_of=AFTER), "dangling-ref") == []


def test_a_window_on_a_document_whose_reference_exists_only_outside_it(repo: Repo) -> None:
    post = dated("Position", "analyst", "validFrom: 2026-06-01", "{unit: new-dept, reportsTo: ceo}")
    root = repo({**REORG, "ops/extra.yaml": post})
    [finding] = only(check_repo(root, as_of=BEFORE), "dangling-ref")
    assert finding.message == "unit 'new-dept' names Unit/new-dept, which is in force from 2027-01-01"
    assert finding.hint.startswith("this document is in force from 2026-06-01, and on 2026-11-23 Unit/new-dept is not")


def test_a_reference_to_an_ended_entity_says_until_when(repo: Repo) -> None:
    root = repo(
        {
            "ops/units.yaml": dated("Unit", "old-dept", "validUntil: 2026-06-30", "{parent: company}"),
            "ops/posts.yaml": doc("Position", "clerk", "{unit: old-dept, reportsTo: ceo}"),
        }
    )
    [finding] = only(check_repo(root, as_of=BEFORE), "dangling-ref")
    assert finding.message == "unit 'old-dept' names Unit/old-dept, which is in force until 2026-06-30"


def test_overlapping_versions_are_a_duplicate_name_naming_the_shared_days(repo: Repo) -> None:
    root = repo(
        {
            "ops/units.yaml": docs(
                dated("Unit", "sales", "validUntil: 2027-01-31", "{parent: company}"),
                dated("Unit", "sales", "validFrom: 2027-01-01", "{parent: company}"),
            )
        }
    )
    report = check_repo(root, as_of=BEFORE)
    [finding] = only(report, "duplicate-name")
    assert where(finding) == ("ops/units.yaml", line_of(root, "ops/units.yaml", "validFrom"), "Unit/sales")
    assert finding.message == (
        "unit sales is defined twice for the same days: both versions are in force "
        "from 2027-01-01 to 2027-01-31 (first in ops/units.yaml:3)"
    )
    assert [r.line for r in finding.related] == [3]
    # On a day only the later version covers, the later version is the unit (nothing else breaks).
    later = check_repo(root, as_of=datetime.date(2027, 2, 1))
    assert [f.rule for f in later.findings] == ["duplicate-name"]
    assert later.model is not None and later.model.units["sales"].window.describe() == "from 2027-01-01"


def test_an_undated_duplicate_keeps_its_v1_message(repo: Repo) -> None:
    root = repo(
        {"ops/units.yaml": docs(doc("Unit", "sales", "{parent: company}"), doc("Unit", "sales", "{parent: company}"))}
    )
    [finding] = only(check_repo(root), "duplicate-name")
    assert finding.message == "unit sales is defined twice (first in ops/units.yaml:3)"
    assert finding.hint == "rename one of them; names are unique per kind"


def test_impossible_dates_and_numbers_are_schema_findings_at_their_position(repo: Repo) -> None:
    root = repo(
        {
            "ops/units.yaml": dated("Unit", "sales", "validFrom: 2026-02-30", "{parent: company}"),
            "ops/people.yaml": doc("Person", "li", "holds:\n  - {position: ceo, from: 20260101}"),
        }
    )
    report = check_repo(root)
    found = sorted((f.file, f.line, f.column, f.message, f.hint) for f in only(report, "schema"))
    assert found == [
        (
            "ops/people.yaml",
            6,
            29,
            "spec.holds[0].from must be text, not 20260101",
            "write the date as YYYY-MM-DD, e.g. 2027-01-01 (quoted or not)",
        ),
        (
            "ops/units.yaml",
            3,
            50,
            "metadata.validFrom: '2026-02-30' is not a day of the calendar",
            "2026-02 has 28 days",
        ),
    ]


def test_quoted_and_unquoted_dates_read_alike(repo: Repo) -> None:
    root = repo({"ops/units.yaml": dated("Unit", "sales", "validFrom: '2027-01-01'", "{parent: company}")})
    model = check_repo(root).model
    assert model is not None and "sales" not in model.units
    assert [e.window.describe() for e in model.out_of_force] == ["from 2027-01-01"]


def test_effective_window_stands_at_the_later_field(repo: Repo) -> None:
    root = repo(
        {
            "ops/units.yaml": dated(
                "Unit", "sales", "validFrom: 2026-12-31, validUntil: 2026-01-01", "{parent: company}"
            ),
            "ops/people.yaml": doc("Person", "li", "holds:\n  - {position: ceo, from: 2026-06-01, until: 2026-05-31}"),
        }
    )
    report = check_repo(root)
    found = sorted((f.file, f.line, f.column, f.entity, f.message) for f in only(report, "effective-window"))
    assert found == [
        (
            "ops/people.yaml",
            6,
            48,
            "Person/li",
            "the holding of 总经理 (ceo) is in force on no day: until 2026-05-31 is before from 2026-06-01",
        ),
        (
            "ops/units.yaml",
            3,
            74,
            "Unit/sales",
            "the document is in force on no day: validUntil 2026-01-01 is before validFrom 2026-12-31",
        ),
    ]


PEOPLE = "ops/people.yaml"


def test_only_holdings_in_force_fill_a_post(repo: Repo) -> None:
    people = docs(
        doc("Person", "wang", "holds:\n  - ceo\n  - {position: finance-director, until: 2026-10-31}"),
        doc("Person", "zhao", "holds:\n  - {position: finance-director, from: 2027-01-01}"),
        doc("Person", "qian", "holds: [finance-manager]"),
    )
    root = repo({"ops/finance.yaml": FINANCE, PEOPLE: people})
    # finance-director heads nothing, so make it key through an owned duty
    root.joinpath("ops/duty.yaml").write_text(doc("Responsibility", "budgeting", "{}"), encoding="utf-8")
    text = (root / "ops/finance.yaml").read_text(encoding="utf-8")
    (root / "ops/finance.yaml").write_text(
        text.replace("{unit: finance, reportsTo: ceo}", "{unit: finance, reportsTo: ceo, owns: [budgeting]}"),
        encoding="utf-8",
    )
    vacant = only(check_repo(root, as_of=BEFORE), "vacant-key-post")
    assert [f.entity for f in vacant] == ["Position/finance-director"]
    assert only(check_repo(root, as_of=AFTER), "vacant-key-post") == []
    model = check_repo(root, as_of=BEFORE).model
    assert model is not None
    assert [(h.person, h.position, model.in_force(h)) for h in model.holdings if h.position.endswith("director")] == [
        ("Person/wang", "Position/finance-director", False),
        ("Person/zhao", "Position/finance-director", False),
    ]


def test_an_acting_holder_fills_a_post_without_using_its_headcount(repo: Repo) -> None:
    acting = "{position: finance-director, acting: true, from: 2026-11-01, until: 2026-12-31}"
    people = docs(
        doc("Person", "wang", "holds: [ceo]"),
        doc("Person", "zhao", "holds: [finance-director]"),
        doc("Person", "qian", f"holds:\n  - finance-manager\n  - {acting}"),
    )
    root = repo({"ops/finance.yaml": FINANCE, PEOPLE: people})
    report = check_repo(root, as_of=BEFORE)
    assert only(report, "headcount-exceeded") == []
    assert report.model is not None and structure_of(report.model).acting == {
        "Position/finance-director": ["Person/qian"]
    }
    # The same holding, not acting, exceeds the headcount of 1.
    root.joinpath(PEOPLE).write_text(people.replace("acting: true", "acting: false"), encoding="utf-8")
    [finding] = only(check_repo(root, as_of=BEFORE), "headcount-exceeded")
    assert finding.message == "position finance-director has a headcount of 1 but 2 persons hold it: zhao and qian"


def test_an_acting_holder_fills_a_vacant_post(repo: Repo) -> None:
    acting = "{position: finance-director, acting: true, from: 2026-11-01, until: 2026-12-31}"
    people = docs(
        doc("Person", "wang", "holds: [ceo]"), doc("Person", "qian", f"holds:\n  - finance-manager\n  - {acting}")
    )
    root = repo(
        {
            "ops/finance.yaml": FINANCE.replace("{parent: company}", "{parent: company, head: finance-director}"),
            PEOPLE: people,
        }
    )
    # checked before it happens: on BEFORE the post is filled, and falls vacant when the acting ends
    [later] = only(check_repo(root, as_of=BEFORE), "vacant-key-post")
    assert (later.entity, later.as_of) == ("Position/finance-director", "2027-01-01")
    [finding] = only(check_repo(root, as_of=AFTER), "vacant-key-post")
    assert (finding.entity, finding.as_of) == ("Position/finance-director", None)


MATRIX = doc(
    "ApprovalMatrix",
    "finance-spend",
    """
    subject: spend
    requesters: [finance-manager]
    bands:
      - {approvers: [finance-director]}
    """,
)


def test_self_approval_names_the_acting_holding_that_creates_it(repo: Repo) -> None:
    acting = "{position: finance-director, acting: true, from: 2026-11-01, until: 2026-12-31}"
    people = docs(
        doc("Person", "wang", "holds: [ceo]"), doc("Person", "qian", f"holds:\n  - finance-manager\n  - {acting}")
    )
    root = repo({"ops/finance.yaml": FINANCE, "ops/matrix.yaml": MATRIX, PEOPLE: people})
    [finding] = only(check_repo(root, as_of=BEFORE), "self-approval")
    assert where(finding) == ("ops/matrix.yaml", 8, "ApprovalMatrix/finance-spend")
    assert finding.message == (
        "qian can approve their own requests in finance-spend: they hold finance-manager (a requester) and "
        "finance-director (acting from 2026-11-01 to 2026-12-31; an approver of band 1)"
    )
    assert [(r.file, r.line, r.message) for r in finding.related] == [
        ("ops/matrix.yaml", 6, "requester here"),
        (PEOPLE, 12, "holds the requesting post here"),
        (PEOPLE, 13, "acting appointment here"),
    ]
    assert only(check_repo(root, as_of=AFTER), "self-approval") == []  # the acting appointment has ended


def test_step_approval_sod_names_the_acting_holding(repo: Repo) -> None:
    acting = "{position: finance-director, acting: true, from: 2026-11-01, until: 2026-12-31}"
    people = docs(
        doc("Person", "wang", "holds: [ceo]"), doc("Person", "qian", f"holds:\n  - finance-manager\n  - {acting}")
    )
    process = doc(
        "Process",
        "spend",
        """
        owner: finance
        steps:
          - {id: draft, title: draft, responsible: finance-manager, next: [approve]}
          - {id: approve, title: approve, responsible: finance-director, approval: finance-spend}
        """,
    )
    matrix = doc("ApprovalMatrix", "finance-spend", "{subject: spend, bands: [{approvers: [finance-director]}]}")
    root = repo({"ops/finance.yaml": FINANCE, "ops/matrix.yaml": matrix, "ops/process.yaml": process, PEOPLE: people})
    [finding] = only(check_repo(root, as_of=BEFORE), "step-approval-sod")
    assert finding.message == (
        "qian prepares a request they can approve: step 'draft' leads into approval step 'approve'; they hold "
        "finance-manager and finance-director (acting from 2026-11-01 to 2026-12-31), which approves band 1 of "
        "finance-spend"
    )
    assert only(check_repo(root, as_of=AFTER), "step-approval-sod") == []


def test_acting_too_long(repo: Repo) -> None:
    people = docs(
        doc("Person", "wang", "holds: [ceo]"),
        doc("Person", "open", "holds:\n  - {position: finance-director, acting: true, from: 2026-11-01}"),
        doc("Person", "always", "holds:\n  - {position: finance-manager, acting: true}"),
        doc(
            "Person",
            "long",
            "holds:\n  - {position: finance-manager, acting: true, from: 2026-11-01, until: 2027-06-30}",
        ),
        doc(
            "Person",
            "past",
            "holds:\n  - {position: finance-manager, acting: true, from: 2025-01-01, until: 2025-12-31}",
        ),
    )
    root = repo({"ops/finance.yaml": FINANCE, PEOPLE: people})
    found = [(f.line, f.column, f.entity, f.message) for f in only(check_repo(root, as_of=BEFORE), "acting-too-long")]
    assert found == [
        (
            line_of(root, PEOPLE, "from: 2026-11-01}"),
            7,
            "Person/open",
            "person open is acting finance-director with no end (from 2026-11-01): "
            "an acting appointment should not last more than 180 days",
        ),
        (
            line_of(root, PEOPLE, "{position: finance-manager, acting: true}"),
            7,
            "Person/always",
            "person always is acting finance-manager with neither a start nor an end (no `from`, no `until`): "
            "an acting appointment should not last more than 180 days",
        ),
        (
            line_of(root, PEOPLE, "until: 2027-06-30"),
            74,
            "Person/long",
            "person long is acting finance-manager for 242 days (from 2026-11-01 to 2027-06-30), more than 180",
        ),
    ]
    relaxed = check_repo(root, as_of=BEFORE, options={"acting-too-long": {"maxDays": 365}})
    assert [f.entity for f in only(relaxed, "acting-too-long")] == ["Person/open", "Person/always"]


def test_a_former_holding_of_a_dissolved_post_is_history_not_a_dangling_ref(repo: Repo) -> None:
    root = repo(
        {
            "ops/posts.yaml": dated("Position", "chair", "validUntil: 2020-12-31", "{unit: company, reportsTo: ceo}"),
            PEOPLE: doc("Person", "emeritus", "holds:\n  - ceo\n  - {position: chair, until: 2020-12-31}"),
        }
    )
    report = check_repo(root, as_of=BEFORE)
    assert [f"{f.rule} {f.message}" for f in report.findings] == []
    # A holding in force of the dissolved post is an error, and says when the post was in force.
    (root / PEOPLE).write_text(doc("Person", "emeritus", "holds:\n  - ceo\n  - chair"), encoding="utf-8")
    [finding] = only(check_repo(root, as_of=BEFORE), "dangling-ref")
    assert finding.message == "holds 'chair' names Position/chair, which is in force until 2020-12-31"
    # A holding of a post that never existed is dangling whatever its window.
    (root / PEOPLE).write_text(
        doc("Person", "emeritus", "holds:\n  - ceo\n  - {position: chiar, until: 2020-12-31}"), encoding="utf-8"
    )
    [finding] = only(check_repo(root, as_of=BEFORE), "dangling-ref")
    assert finding.message.startswith("holds 'chiar' names no Position")


def test_reviewed_by_is_a_reference(repo: Repo) -> None:
    root = repo({"ops/units.yaml": dated("Unit", "sales", "reviewed: {on: 2026-01-15, by: ceo}", "{parent: company}")})
    model = check_repo(root).model
    assert model is not None and model.units["sales"].target(("metadata", "reviewed", "by")) == "Position/ceo"
    root = repo({"ops/units.yaml": dated("Unit", "sales", "reviewed: {on: 2026-01-15, by: cfo}", "{parent: company}")})
    [finding] = only(check_repo(root), "dangling-ref")
    assert (finding.line, finding.message) == (3, "reviewed.by 'cfo' names no Position; did you mean 'ceo'?")


def test_check_takes_as_of_and_today_as_its_alias(repo: Repo) -> None:
    root = repo({**REORG, "ops/extra.yaml": doc("Position", "analyst", "{unit: new-dept, reportsTo: ceo}")})
    runner = CliRunner()
    before = runner.invoke(main, ["--lang", "en", "check", str(root), "--as-of", "2026-11-23"], catch_exceptions=False)
    alias = runner.invoke(main, ["--lang", "en", "check", str(root), "--today", "2026-11-23"], catch_exceptions=False)
    after = runner.invoke(main, ["check", str(root), "--as-of", "2027-01-01"], catch_exceptions=False)
    assert before.exit_code == 1 and "which is in force from 2027-01-01" in before.output
    assert alias.output == before.output
    assert after.exit_code == 0


def test_policies_read_the_dating_facts(repo: Repo) -> None:
    acting = "{position: finance-director, acting: true, from: 2026-11-01, until: 2026-12-31}"
    people = docs(
        doc("Person", "wang", "holds: [ceo]"), doc("Person", "qian", f"holds:\n  - finance-manager\n  - {acting}")
    )
    matrix = dated(
        "ApprovalMatrix",
        "finance-spend",
        "validUntil: 2027-06-30, reviewed: {on: 2026-01-15, by: ceo}",
        "{subject: spend, bands: [{approvers: [finance-director]}]}",
    )
    policies = doc(
        "Policy",
        "dating",
        """
        severity: info
        match: {kinds: [Position, ApprovalMatrix, Organization]}
        validations:
          - expression: "false"
            messageExpression: >-
              (facts.validFrom == null ? 'null' : facts.validFrom) + ' '
              + (facts.validUntil == null ? 'null' : facts.validUntil) + ' '
              + (!has(facts.acting) ? '-' : facts.acting ? 'true' : 'false') + ' '
              + (!has(facts.lastReviewed) ? '-' : facts.lastReviewed == null ? 'null' : facts.lastReviewed)
        """,
    )
    root = repo({"ops/finance.yaml": FINANCE, "ops/matrix.yaml": matrix, PEOPLE: people, "policies/p.yaml": policies})
    found = {f.entity: f.message for f in only(check_repo(root, as_of=BEFORE), "policy/dating")}
    assert found == {
        "Organization/acme": "null null - -",
        "Position/ceo": "null null false -",
        "Position/finance-director": "null null true -",
        "Position/finance-manager": "null null false -",
        "ApprovalMatrix/finance-spend": "null 2027-06-30 - 2026-01-15",
    }
    after = {f.entity: f.message for f in only(check_repo(root, as_of=AFTER), "policy/dating")}
    assert after["Position/finance-director"] == "null null false -"  # the acting appointment has ended


def test_explain_shows_acting_holders_as_acting_and_former_holders_as_history(repo: Repo) -> None:
    from opsgov.commands.explain import Explainer

    people = docs(
        doc("Person", "wang", "holds:\n  - ceo\n  - {position: finance-director, until: 2026-10-31}"),
        doc(
            "Person",
            "qian",
            "holds:\n  - finance-manager\n"
            "  - {position: finance-director, acting: true, from: 2026-11-01, until: 2026-12-31}",
        ),
    )
    root = repo({"ops/finance.yaml": FINANCE, PEOPLE: people})
    explainer = Explainer(check_repo(root, as_of=BEFORE))
    director = explainer.page("Position/finance-director").text()
    assert "Holders:\n  qian (Person/qian), acting until 2026-12-31\n" in director
    assert "Former holders:\n  wang (Person/wang), until 2026-10-31\n" in director
    wang = explainer.page("Person/wang").text()
    assert "Former posts:\n  finance-director (Position/finance-director), until 2026-10-31\n" in wang
    qian = explainer.page("Person/qian").text()
    assert "finance-director (Position/finance-director), acting until 2026-12-31" in qian
    # After the acting appointment ends, it is history too.
    later = Explainer(check_repo(root, as_of=AFTER)).page("Position/finance-director").text()
    assert "Holders:\n  vacant\n" in later
    assert "  qian (Person/qian), acting from 2026-11-01 to 2026-12-31\n" in later


def test_the_example_organisation_plans_a_reorganisation_and_an_acting_appointment() -> None:
    root = Path(__file__).resolve().parents[1]
    for day in ("2026-09-30", "2026-11-23", "2026-12-31", "2027-01-01", "2027-01-31", "2027-02-01", "2027-12-31"):
        report = check_repo(root, as_of=datetime.date.fromisoformat(day))
        findings = [f"{f.file}:{f.line} {f.rule} {f.message}" for f in report.findings]
        if day == "2026-09-30":  # before the acting appointment, the manager's post was vacant
            # and the store fund's review, recorded on 2026-10-15, had not taken place yet
            assert [f.split(" ", 2)[1] for f in findings] == ["review-overdue", "vacant-key-post"], findings
            assert "reviewed on 2026-10-15, after the as-of date 2026-09-30" in findings[0]
        elif day == "2027-12-31":  # a year on, the matrices' annual reviews are due again
            assert [f.split(" ", 2)[1] for f in findings] == ["review-overdue"] * 3, findings
        else:
            assert findings == [], day
    before = check_repo(root, as_of=BEFORE).model
    after = check_repo(root, as_of=AFTER).model
    assert before is not None and after is not None
    assert "data-governance" not in before.units and before.units["data-platform"].title == "数据中台部"
    assert after.units["data-governance"].spec["head"] == "data-governance-lead"
    assert after.units["data-platform"].title == "数据与治理部"
    assert structure_of(before).acting == {"Position/data-platform-manager": ["Person/huang-lei"]}


def test_the_model_lists_every_window_for_the_change_dates() -> None:
    from opsgov.model.dates import change_dates

    model = check_repo(Path(__file__).resolve().parents[1], as_of=BEFORE).model
    assert model is not None
    assert [day.isoformat() for day in change_dates(model.windows(), BEFORE)] == [
        "2026-11-23",
        "2027-01-01",
        "2027-02-01",
        "2027-02-15",  # the day after ops/delegations/finance-director-leave.yaml ends
    ]
