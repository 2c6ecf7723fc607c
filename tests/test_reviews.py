"""Reviews and waiver length against the as-of date: review-overdue, review-not-independent, waiver-too-long.

Every check passes a fixed date (never the real today).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from opsgov.config.project import load_settings
from opsgov.config.settings import ConfigError
from opsgov.report.finding import Finding
from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]

AS_OF = datetime.date(2026, 11, 23)

FINANCE = docs(
    doc("Unit", "finance", "{parent: company}"),
    doc("Position", "finance-director", "{unit: finance, reportsTo: ceo}"),
    doc("Position", "chief-auditor", "{unit: company, reportsTo: ceo}"),
)


def matrix(name: str, reviewed: str | None) -> str:
    """An approval matrix with two bands (finance-director, then ceo), reviewed as told."""
    meta = f"{{name: {name}, title: {name}" + (f", reviewed: {reviewed}}}" if reviewed else "}")
    return (
        f"apiVersion: opsgov/v1\nkind: ApprovalMatrix\nmetadata: {meta}\nspec:\n  subject: 付款\n  bands:\n"
        "    - {below: 100000, approvers: [finance-director]}\n"
        "    - {from: 100000, approvers: [ceo]}\n"
    )


def facts(finding: Finding) -> tuple[str, int, str, str]:
    return finding.file, finding.line, finding.entity, finding.message


def test_review_overdue_counts_days_before_the_as_of_date(repo: Repo) -> None:
    root = repo(
        {
            "ops/finance.yaml": FINANCE,
            "ops/matrices.yaml": docs(
                matrix("payments", "{on: 2025-11-23, by: chief-auditor}"),  # exactly 365 days: in time
                matrix("refunds", "{on: 2025-11-22, by: chief-auditor}"),  # 366 days: overdue
                matrix("travel", None),  # never reviewed: only with required
            ),
        }
    )
    findings = only(check_repo(root, as_of=AS_OF), "review-overdue")
    assert [facts(f) for f in findings] == [
        (
            "ops/matrices.yaml",
            12,
            "ApprovalMatrix/refunds",
            "approval matrix refunds was last reviewed on 2025-11-22, 366 days before 2026-11-23: more than 365",
        )
    ]
    assert findings[0].level == "warning"
    # A day earlier, refunds is still in time.
    assert only(check_repo(root, as_of=datetime.date(2026, 11, 22)), "review-overdue") == []


def test_review_overdue_options_every_kinds_required(repo: Repo) -> None:
    root = repo(
        {
            "ops/finance.yaml": FINANCE,
            "ops/matrices.yaml": docs(
                matrix("payments", "{on: 2026-06-30, by: chief-auditor}"), matrix("travel", None)
            ),
            "ops/process.yaml": doc(
                "Process",
                "closing",
                "{owner: finance-director, steps: [{id: close, title: 结账, responsible: finance-director}]}",
            ),
            "opsgov.yaml": "rules:\n  review-overdue:\n"
            "    options: {every: 90, required: true, kinds: [ApprovalMatrix, Process]}\n",
        }
    )
    findings = only(check_repo(root, as_of=AS_OF, options=load_settings(root, as_of=AS_OF).options), "review-overdue")
    assert [facts(f) for f in findings] == [
        (
            "ops/matrices.yaml",
            3,
            "ApprovalMatrix/payments",
            "approval matrix payments was last reviewed on 2026-06-30, 146 days before 2026-11-23: more than 90",
        ),
        (
            "ops/matrices.yaml",
            12,
            "ApprovalMatrix/travel",
            "approval matrix travel has never been reviewed: it must be reviewed every 90 days",
        ),
        (
            "ops/process.yaml",
            3,
            "Process/closing",
            "process closing has never been reviewed: it must be reviewed every 90 days",
        ),
    ]
    assert findings[1].hint == "review it and record `metadata.reviewed: {on: YYYY-MM-DD, by: POST}`"


def test_review_overdue_kinds_takes_only_kinds(repo: Repo) -> None:
    root = repo({"opsgov.yaml": "rules:\n  review-overdue: {options: {kinds: [Proces]}}\n"})
    try:
        load_settings(root, as_of=AS_OF)
    except ConfigError as error:
        assert "option kinds of review-overdue has no choice \"Proces\"; did you mean 'Process'?" in str(error)
    else:
        raise AssertionError("a misspelt kind was accepted")


def test_review_not_independent_names_the_band_the_reviewer_approves_in(repo: Repo) -> None:
    root = repo(
        {
            "ops/finance.yaml": FINANCE,
            "ops/matrices.yaml": docs(
                matrix("payments", "{on: 2026-06-30, by: chief-auditor}"),
                matrix("refunds", "{on: 2026-06-30, by: ceo}"),
            ),
        }
    )
    [finding] = only(check_repo(root, as_of=AS_OF), "review-not-independent")
    assert facts(finding) == (
        "ops/matrices.yaml",
        12,
        "ApprovalMatrix/refunds",
        "approval matrix refunds was reviewed by 总经理 (ceo), who approves in it (band 2)",
    )
    assert finding.path == "$.metadata.reviewed.by"
    assert [(r.line, r.message) for r in finding.related] == [(17, "总经理 (ceo) approves here")]


def waiver(name: str, expires: str) -> str:
    return doc(
        "Waiver",
        name,
        "{rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期, approvedBy: ceo, "
        f"expires: {expires}}}",
    )


def test_waiver_too_long_against_the_as_of_date(repo: Repo) -> None:
    root = repo(
        {
            "ops/duties.yaml": docs(
                doc("Responsibility", "pricing"),
                doc("Unit", "sales", "{parent: company, owns: [pricing]}"),
                doc("Unit", "marketing", "{parent: company, owns: [pricing]}"),
            ),
            "ops/waivers.yaml": docs(waiver("in-time", "2027-11-23"), waiver("too-long", "2027-11-24")),
        }
    )
    [finding] = only(check_repo(root, as_of=AS_OF), "waiver-too-long")
    assert facts(finding) == (
        "ops/waivers.yaml",
        9,
        "Waiver/too-long",
        "waiver too-long for duty-overlap expires on 2027-11-24, 366 days after 2026-11-23: more than 365",
    )
    assert finding.path == "$.spec.expires"
    # The same waiver, a day later, is within the limit.
    assert only(check_repo(root, as_of=datetime.date(2026, 11, 24)), "waiver-too-long") == []


def delegation(name: str, to: str, window: str, matrices: str = "") -> str:
    extra = f", matrices: [{matrices}]" if matrices else ""
    return doc(
        "Delegation",
        name,
        f"{{from: finance-director, to: {to}, {window}, reason: 年假, approvedBy: ceo{extra}}}",
    )


def test_review_not_independent_when_the_reviewer_held_a_delegation_on_the_review_date(repo: Repo) -> None:
    """The reviewer was, on the day of the review, the delegate of an approver of the matrix: it reviewed
    authority it exercised. The delegation ended before the as-of date and still counts; one that starts
    after the review does not (the review was independent when it was made)."""
    root = repo(
        {
            "ops/finance.yaml": FINANCE,
            "ops/matrices.yaml": docs(
                matrix("payments", "{on: 2026-06-30, by: chief-auditor}"),
                matrix("refunds", "{on: 2026-06-30, by: chief-auditor}"),
            ),
            "ops/delegations.yaml": docs(
                delegation("june-leave", "chief-auditor", "validFrom: 2026-06-20, validUntil: 2026-07-05", "payments"),
                delegation("dec-leave", "chief-auditor", "validFrom: 2026-11-16, validUntil: 2026-12-04", "refunds"),
            ),
        }
    )
    [finding] = only(check_repo(root, as_of=AS_OF), "review-not-independent")
    assert facts(finding) == (
        "ops/matrices.yaml",
        3,
        "ApprovalMatrix/payments",
        "approval matrix payments was reviewed by chief-auditor on 2026-06-30, when it approved in it (band 1) "
        "through Delegation/june-leave (from 2026-06-20 to 2026-07-05)",
    )
    assert finding.path == "$.metadata.reviewed.by"
    assert [(r.file, r.line, r.message) for r in finding.related] == [
        ("ops/delegations.yaml", 4, "chief-auditor is the delegate here")
    ]
    # Every later date of the multi-date check sees the same review: one finding, without asOf.
    assert finding.as_of is None


def test_review_not_independent_through_a_delegation_for_every_matrix(repo: Repo) -> None:
    """A delegation without `matrices` covers every matrix in which `from` approves; a cap below a band
    leaves that band out."""
    capped = doc(
        "Delegation",
        "capped",
        "{from: ceo, to: chief-auditor, upTo: 50000, validFrom: 2026-06-01, validUntil: 2026-06-30, "
        "reason: 出差, approvedBy: ceo}",
    )
    root = repo(
        {
            "ops/finance.yaml": FINANCE,
            "ops/matrices.yaml": matrix("payments", "{on: 2026-06-30, by: chief-auditor}"),
            "ops/delegations.yaml": capped,
        }
    )
    assert only(check_repo(root, as_of=AS_OF), "review-not-independent") == []  # ceo's band starts at 100,000
    uncapped = capped.replace("upTo: 50000, ", "")
    root = repo({"ops/delegations.yaml": uncapped})
    [finding] = only(check_repo(root, as_of=AS_OF), "review-not-independent")
    assert finding.message == (
        "approval matrix payments was reviewed by chief-auditor on 2026-06-30, when it approved in it (band 2) "
        "through Delegation/capped (from 2026-06-01 to 2026-06-30)"
    )


def test_review_not_independent_speaks_chinese_with_the_window_in_chinese(repo: Repo) -> None:
    root = repo(
        {
            "ops/finance.yaml": FINANCE,
            "ops/matrices.yaml": matrix("payments", "{on: 2026-06-30, by: chief-auditor}"),
            "ops/delegations.yaml": delegation(
                "june-leave", "chief-auditor", "validFrom: 2026-06-20, validUntil: 2026-07-05", "payments"
            ),
        }
    )
    [finding] = only(check_repo(root, as_of=AS_OF, lang="zh_CN"), "review-not-independent")
    assert finding.message == (
        "审批矩阵 payments 于 2026-06-30 由 chief-auditor 复核，而当时 chief-auditor 经由 "
        "Delegation/june-leave（2026-06-20 至 2026-07-05） 在其中审批（第 1 档）"
    )
    assert finding.related[0].message == "chief-auditor 在此为受托岗位"


def test_review_overdue_a_review_dated_after_the_as_of_date(repo: Repo) -> None:
    """A review cannot be dated in the future: it does not count as fresh, it is reported at its date."""
    root = repo({"ops/finance.yaml": FINANCE, "ops/matrices.yaml": matrix("payments", "{on: 2027-06-01, by: ceo}")})
    [finding] = only(check_repo(root, as_of=datetime.date(2026, 11, 27), horizon=0), "review-overdue")
    assert (*facts(finding), finding.column) == (
        "ops/matrices.yaml",
        3,
        "ApprovalMatrix/payments",
        "approval matrix payments was reviewed on 2027-06-01, after the as-of date 2026-11-27: "
        "a review cannot be dated in the future",
        60,
    )
    assert only(check_repo(root, as_of=datetime.date(2027, 6, 1)), "review-overdue") == []
