from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.util import check_repo, doc, docs, only, rules_of

Repo = Callable[..., Path]


def kpi(spec: str, name: str = "kpi-fulfilment") -> str:
    return doc("KPI", name, "{owner: ceo, measures: [company], " + spec + "}", "订单履约率")


@pytest.mark.parametrize(
    "spec",
    [
        "unit: percent, direction: higher-is-better, target: 98, thresholds: {green: 98, yellow: 78.4}",
        "unit: hours, direction: lower-is-better, target: 48, thresholds: {green: 48, yellow: 57.6}",
        "unit: percent, direction: higher-is-better, target: 100, thresholds: {green: 95, yellow: 0}",
        "unit: count, target: 5",
        "unit: ratio, direction: higher-is-better",
    ],
)
def test_consistent_kpis_are_clean(repo: Repo, spec: str) -> None:
    assert rules_of(check_repo(repo({"ops/kpis.yaml": kpi(spec)}))) == []


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("direction: higher-is-better, thresholds: {green: 78, yellow: 98}", "green must be >= yellow"),
        ("direction: lower-is-better, thresholds: {green: 57.6, yellow: 48}", "green must be <= yellow"),
    ],
)
def test_thresholds_out_of_order(repo: Repo, spec: str, words: str) -> None:
    [finding] = only(check_repo(repo({"ops/kpis.yaml": kpi(spec)})), "kpi-thresholds")
    assert (finding.entity, finding.line, finding.path, finding.level) == (
        "KPI/kpi-fulfilment",
        4,
        "$.spec.thresholds",
        "error",
    )
    assert words in finding.message


def test_percent_outside_0_to_100_is_reported_at_each_value(repo: Repo) -> None:
    spec = "unit: percent, direction: higher-is-better, target: 0.98, thresholds: {green: 0.98, yellow: 120}"
    findings = only(check_repo(repo({"ops/kpis.yaml": kpi(spec)})), "kpi-thresholds")
    paths = sorted(f.path for f in findings)
    assert "$.spec.thresholds.yellow" in paths
    assert any(
        "yellow threshold of KPI 订单履约率 (kpi-fulfilment) is 120, outside 0..100" in f.message for f in findings
    )
    negative = "unit: percent, target: -5"
    [finding] = only(check_repo(repo({"ops/kpis.yaml": kpi(negative)})), "kpi-thresholds")
    assert finding.path == "$.spec.target"


@pytest.mark.parametrize(
    ("spec", "light"),
    [
        ("direction: higher-is-better, target: 90, thresholds: {green: 95, yellow: 85}", "yellow"),
        ("direction: higher-is-better, target: 80, thresholds: {green: 95, yellow: 85}", "red"),
        ("direction: lower-is-better, target: 50, thresholds: {green: 48, yellow: 57.6}", "yellow"),
        ("direction: lower-is-better, target: 60, thresholds: {green: 48, yellow: 57.6}", "red"),
    ],
)
def test_target_not_green(repo: Repo, spec: str, light: str) -> None:
    [finding] = only(check_repo(repo({"ops/kpis.yaml": kpi(spec)})), "kpi-target-not-green")
    assert (finding.entity, finding.path, finding.level) == ("KPI/kpi-fulfilment", "$.spec.target", "warning")
    assert f"would be rated {light}" in finding.message


def test_unlinked_kpi_is_info(repo: Repo) -> None:
    lonely = doc("KPI", "kpi-lonely", "{owner: ceo, unit: count}", "孤立指标")
    [finding] = only(check_repo(repo({"ops/kpis.yaml": lonely})), "kpi-unlinked")
    assert (finding.entity, finding.file, finding.line, finding.level) == (
        "KPI/kpi-lonely",
        "ops/kpis.yaml",
        3,
        "info",
    )
    assert "孤立指标" in finding.message


def test_kpi_listed_by_a_process_is_linked(repo: Repo) -> None:
    lonely = doc("KPI", "kpi-lonely", "{owner: ceo, unit: count}")
    review = doc(
        "Process",
        "review",
        "{owner: ceo, kpis: [kpi-lonely], steps: [{id: review, title: 复盘, responsible: ceo}]}",
    )
    assert rules_of(check_repo(repo({"ops/kpis.yaml": docs(lonely, review)}))) == []
