"""Every finding speaks the run's language: examples/broken checked in Chinese, one rule per family.

The language changes the words (entities by title, with the id), never what identifies a finding:
rule id, entity, file, line and column stay, and so does the fingerprint (tests/test_i18n.py).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from opsgov import i18n
from opsgov.config.settings import Settings
from opsgov.load.parallel import _load_chunk
from opsgov.pipeline import check
from opsgov.report.fingerprint import fingerprint
from opsgov.report.report import Report
from opsgov.rules import REGISTRY
from tests.util import write_repo

BROKEN = Path(__file__).parent.parent / "examples" / "broken"
DAY = datetime.date(2026, 11, 27)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def no_locale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="module")
def chinese() -> Report:
    return check(Settings(root=BROKEN, as_of=DAY, lang="zh-CN"))


# (family, rule, file, line, column, entity, message): the first finding of the rule in that file.
CASES = [
    (
        "authority",
        "approval-overlap",
        "ops/authority-bands.yaml",
        16,
        13,
        "ApprovalMatrix/auth-purchase",
        "金额 恰好 100,000 CNY 同时落在 采购审批 (auth-purchase) 的两个档位中：第 1 档（100,000 CNY（含）以下） 和 "
        "第 2 档（100,000 CNY（含）至 500,000 CNY（不含））",
    ),
    (
        "authority",
        "body-quorum",
        "ops/authority-decisions.yaml",
        65,
        63,
        "Unit/auth-review-board",
        "表决机构 采购评审会 (auth-review-board) 的法定人数为 3，但只有 2 个成员：永远无法决策",
    ),
    (
        "processes",
        "process-orphaned",
        "ops/processes-duty-owner.yaml",
        26,
        10,
        "Process/proc-campaign",
        "流程 营销活动流程 (proc-campaign) 无人负责：其负责人 财务经理 (proc-finance-manager) 空缺（无人担任）",
    ),
    (
        "processes",
        "step-unreachable",
        "ops/processes-steps.yaml",
        13,
        12,
        "Process/proc-broken-steps",
        "流程 步骤错误的流程 (proc-broken-steps) 的步骤 'approve' 无法从开始步骤 'draft' 到达",
    ),
    (
        "kpis",
        "kpi-unlinked",
        "ops/kpis-unlinked.yaml",
        4,
        18,
        "KPI/kpi-lonely",
        "指标 孤立指标 (kpi-lonely) 没有衡量任何对象，也没有流程引用它",
    ),
    (
        "reviews",
        "review-not-independent",
        "ops/reviews.yaml",
        8,
        34,
        "ApprovalMatrix/auth-capex",
        "审批矩阵 资本性支出审批 (auth-capex) 由 采购总监 (auth-director) 复核，"
        "而 采购总监 (auth-director) 在其中审批（第 2 档）",
    ),
    (
        "policies",
        "waiver-self-approved",
        "ops/authority-decisions.yaml",
        45,
        15,
        "Waiver/auth-discount-gap",
        "豁免 折扣档位缺口豁免 (auth-discount-gap) 由 采购总监 (auth-director) 审批，而 采购总监 (auth-director) "
        "是所豁免事项（审批矩阵 采购折扣审批 (auth-discount)）的当事方：采购总监 (auth-director) 是其中的审批人",
    ),
    (
        "policies",
        "policy-invalid",
        "policies/invalid.yaml",
        10,
        19,
        "Policy/broken-cel",
        "策略 写错的规则 (broken-cel)：未知变量 'max'；可用的变量为 object、facts 和 params",
    ),
    (
        "waivers",
        "waiver-unused",
        "ops/waivers-unused.yaml",
        6,
        18,
        "Waiver/finance-head-interim",
        "豁免 财务部负责人豁免 (finance-head-interim) 没有覆盖 单位 财务部 (proc-finance) 的任何 "
        "policy/department-head 问题",
    ),
    (
        "waivers",
        "waiver-expired",
        "ops/waivers-expired.yaml",
        11,
        12,
        "Waiver/headless-dept-interim",
        "policy/department-head 的豁免 部门负责人空缺过渡期 (headless-dept-interim) 已于 2025-06-30 到期；"
        "它豁免的问题重新计入",
    ),
    (
        "model",
        "duplicate-name",
        "ops/reading-duplicate-name.yaml",
        9,
        18,
        "Position/reading-assistant",
        "岗位 助理（重复） (reading-assistant) 定义了两次（首次在 ops/reading-duplicate-name.yaml:4）",
    ),
    (
        "model",
        "ambiguous-ref",
        "ops/reading-ambiguous-ref.yaml",
        17,
        10,
        "KPI/reading-close-days",
        "owner 'reading-finance' 可能是 单位 财务部 (reading-finance) 或 岗位 财务 (reading-finance)",
    ),
    (
        "reading",
        "effective-window",
        "ops/reading-effective-window.yaml",
        9,
        15,
        "Unit/reading-project-office",
        "文档在任何一天都无效：validUntil 2026-01-01 早于 validFrom 2026-12-31",
    ),
    (
        "load",
        "yaml-strict",
        "ops/reading-yaml-strict.yaml",
        8,
        3,
        "",
        "重复的键 'reportsTo'（首次出现在第 7 行）",
    ),
    (
        "schema",
        "schema",
        "ops/reading-schema.yaml",
        14,
        23,
        "Position/reading-schema-clerk",
        "spec 中有未知字段 'reportTo'",
    ),
    (
        "structure",
        "acting-too-long",
        "ops/structure-acting-too-long.yaml",
        17,
        7,
        "Person/struct-sun",
        "人员 孙丽 (struct-sun) 代理 副总经理 (struct-deputy) 没有结束日期（自 2026-06-01 起）：代理不应超过 180 天",
    ),
]


@pytest.mark.parametrize(
    ("family", "rule", "file", "line", "column", "entity", "message"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_a_finding_of_each_family_speaks_chinese_with_titles(
    chinese: Report, family: str, rule: str, file: str, line: int, column: int, entity: str, message: str
) -> None:
    found = [f for f in chinese.findings if (f.rule, f.file, f.line) == (rule, file, line)]
    assert found, f"no {rule} at {file}:{line}"
    first = found[0]
    assert (first.column, first.entity, first.message) == (column, entity, message)
    assert rule in REGISTRY  # the id is the English one whatever the language


# Text opsgov cannot translate: messages the organisation writes itself (a Policy's own `message`) and
# libyaml's own words for a syntax error.
ENGLISH_WORDS = re.compile(r"\b[a-z]+(?: [a-z]+){2,}\b")
"""Three lowercase English words in a row, outside `code`: English prose (no translation has them)."""


def untranslatable(rule: str) -> bool:
    return rule.startswith("policy/") or rule == "yaml-syntax"


def english_only(report: Report) -> list[str]:
    """Texts of the report that are English: no Chinese at all, or English prose beside the Chinese titles."""
    found: list[str] = []
    for finding in report.findings:
        if untranslatable(finding.rule):
            continue
        for text in (finding.message, finding.hint, *(r.message for r in finding.related)):
            prose = re.sub(r"`[^`]*`", "", text)
            if text and (not CJK.search(text) or ENGLISH_WORDS.search(prose)):
                found.append(f"{finding.rule}: {text}")
    return found


def test_no_finding_of_the_chinese_run_is_english(chinese: Report) -> None:
    """Every message, hint and related location is Chinese: an English text is one that bypassed the
    catalogue (an f-string, a literal outside `_`) or a catalogue entry that is missing."""
    assert english_only(chinese) == []
    assert {f.rule for f in chinese.findings if not untranslatable(f.rule)} >= {case[1] for case in CASES}


def test_the_english_scan_finds_a_message_missing_from_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan above can fail: without one entry of the catalogue, its message is found, titles and all."""
    catalogue = dict(i18n.catalogue("zh_CN"))
    del catalogue["{kind} {name} is defined twice (first in {where})"]
    monkeypatch.setattr(i18n, "catalogue", lambda language: catalogue)
    report = check(Settings(root=BROKEN, as_of=DAY, lang="zh-CN"))
    assert english_only(report) == [
        "duplicate-name: 岗位 助理（重复） (reading-assistant) is defined twice (first in "
        "ops/reading-duplicate-name.yaml:4)"
    ]


def test_the_organizations_locale_words_the_loader_and_schema_findings(tmp_path: Path) -> None:
    """Reading starts in the environment's language; the Organization's zh-CN is known only after it,
    and the findings of reading, the schema and the model are worded in it all the same."""
    root = write_repo(
        tmp_path,
        {
            "ops/dup.yaml": "apiVersion: opsgov/v1\nkind: Unit\nkind: Unit\n",
            "ops/typo.yaml": "apiVersion: opsgov/v1\nkind: Position\nmetadata: {name: clerk, title: 文员}\n"
            "spec: {unit: company, reportTo: ceo}\n",
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANG", "en_US.UTF-8")
        report = check(Settings(root=root, as_of=DAY))
    assert report.lang == "zh_CN"
    by_rule = {f.rule: f for f in report.findings}
    assert (by_rule["yaml-strict"].file, by_rule["yaml-strict"].line) == ("ops/dup.yaml", 3)
    assert by_rule["yaml-strict"].message == "重复的键 'kind'（首次出现在第 2 行）"
    assert by_rule["schema"].message == "spec 中有未知字段 'reportTo'"
    english = check(Settings(root=root, as_of=DAY, lang="en"))
    assert {f.message for f in english.findings} >= {"duplicate key 'kind' (first at line 2)"}
    assert sorted(map(fingerprint, english.findings)) == sorted(map(fingerprint, report.findings))


def test_a_forked_loader_speaks_the_language_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    from opsgov.load.limits import DEFAULT_LIMITS

    [(_index, (_documents, [finding]))] = _load_chunk([(0, path, "ops/dup.yaml")], DEFAULT_LIMITS, "zh_CN")
    assert finding.message == "重复的键 'a'（首次出现在第 1 行）"
    assert i18n.current() == "en"  # only the chunk spoke Chinese
