"""The commands a person reads speak the run's language: summaries, `explain`, `who-approves`,
`diff` and the help pages, in Chinese and in English, with entities named by title and id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from opsgov import i18n
from opsgov.cli import main
from opsgov.cli_reference import help_texts
from opsgov.terminal import text_width
from tests.gitutil import needs_git
from tests.test_diff import history
from tests.util import BASE, doc, write_repo

EXAMPLE = Path(__file__).resolve().parents[1]
ZH = {"LANG": "zh_CN.UTF-8"}


@pytest.fixture(autouse=True)
def no_locale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False, prog_name="opsgov")


# --- summaries -----------------------------------------------------------------------------------

DANGLING = {"ops/posts.yaml": doc("Position", "clerk", "{unit: company, reportsTo: nobody}", title="文员")}


def test_the_text_summary_speaks_chinese_and_english(tmp_path: Path) -> None:
    root = write_repo(tmp_path, DANGLING)
    chinese = run("--lang", "zh-CN", "check", str(root)).stdout.splitlines()
    assert chinese[-1] == "2 个文件、4 个文档：1 个错误、0 个警告、0 条信息"
    english = run("check", str(root), "--lang", "en").stdout.splitlines()  # --lang after the command too
    assert english[-1] == "2 files, 4 documents: 1 error, 0 warnings, 0 info"


def test_a_chinese_hint_in_the_text_report(tmp_path: Path) -> None:
    root = write_repo(tmp_path, LOST)
    assert "    提示：添加 spec.parent，指明它所属的单位\n" in run("--lang", "zh-CN", "check", str(root)).stdout
    assert "    hint: add spec.parent naming the unit it belongs to\n" in run("--lang", "en", "check", str(root)).stdout


def test_the_markdown_summary_speaks_chinese_and_english(tmp_path: Path) -> None:
    root = write_repo(tmp_path, DANGLING)
    chinese = run("check", str(root), "--format", "markdown").stdout  # the Organization's locale is zh-CN
    assert "2 个文件、4 个文档 中 **1 个错误** · 0 个警告 · 0 条信息" in chinese
    assert "| 级别 | 规则 | 问题 | 位置 |" in chinese
    assert "| :x: 错误 | dangling-ref |" in chinese  # the rule id stays
    english = run("--lang", "en", "check", str(root), "--format", "markdown").stdout
    assert "**1 error** · 0 warnings · 0 info in 2 files, 4 documents" in english
    assert "| Level | Rule | Finding | Where |" in english
    assert "| :x: error | dangling-ref |" in english


LOST = {"ops/lost.yaml": doc("Unit", "lost", "{type: team}", title="游离组")}


@pytest.mark.parametrize(
    ("fmt", "chinese", "english"),
    [
        (
            "github",
            "%0A提示：添加 spec.parent，指明它所属的单位",
            "%0Ahint: add spec.parent naming the unit it belongs to",
        ),
        (
            "junit",
            "    提示：添加 spec.parent，指明它所属的单位",
            "    hint: add spec.parent naming the unit it belongs to",
        ),
        (
            "sarif",
            "\\n提示：添加 spec.parent，指明它所属的单位",
            "\\nHint: add spec.parent naming the unit it belongs to",
        ),
        (
            "gitlab",
            "（提示：添加 spec.parent，指明它所属的单位）",
            " (hint: add spec.parent naming the unit it belongs to)",
        ),
    ],
)
def test_ci_formats_word_their_hints_in_the_language(tmp_path: Path, fmt: str, chinese: str, english: str) -> None:
    root = write_repo(tmp_path, LOST)
    assert chinese in run("--lang", "zh-CN", "check", str(root), "--format", fmt).stdout
    assert english in run("--lang", "en", "check", str(root), "--format", fmt).stdout


def test_json_keeps_its_field_names_and_levels_in_chinese(tmp_path: Path) -> None:
    root = write_repo(tmp_path, DANGLING)
    output = run("--lang", "zh-CN", "check", str(root), "--format", "json").stdout
    assert '"level": "error"' in output and '"rule": "dangling-ref"' in output and '"error": 1' in output


# --- explain -------------------------------------------------------------------------------------


def section(output: str, heading: str) -> list[str]:
    lines = output.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return [line.strip() for line in lines[start:end]]


def test_explain_in_chinese_names_entities_by_title_and_id() -> None:
    result = run("--lang", "zh-CN", "explain", "marketing-director", str(EXAMPLE), "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[:3] == [
        "市场总监 (Position/marketing-director)",
        "  定义于 ops/units/marketing.yaml:15",
        "  职级 M1、编制 1",
    ]
    assert section(out, "至最高岗位的汇报链：") == [
        "1. 运营副总监 (Position/ops-deputy-director)",
        "2. 中心总监 (Position/center-director)",
        "3. 总经理 (Position/general-manager)",
    ]
    approvals = section(out, "审批：")
    assert approvals[:2] == [
        "审批 营销活动费用审批 (ApprovalMatrix/marketing-spend) 第 1 档：100,000 CNY（不含）以下；唯一审批人",
        "审批 营销活动费用审批 (ApprovalMatrix/marketing-spend) 第 2 档：100,000 CNY（含）至 500,000 CNY（含），"
        "与 财务总监 (Position/finance-director) 一起；会签（全部审批人同意）",
    ]
    assert (
        "在 总经理办公会 (Unit/gm-office-meeting) 中表决：由 总经理办公会 表决：5 人中法定人数 3，简单多数通过"
        in approvals
    )
    assert section(out, "检查结果：") == ["无"]


def test_explain_of_a_matrix_words_a_voting_body_in_the_run_language() -> None:
    """A band approved by a voting body says how the body decides, in Chinese as in English."""
    for lang, line in (
        ("zh-CN", "     由 总经理办公会 表决：5 人中法定人数 3，简单多数通过"),
        ("en", "     decided by a vote of 总经理办公会: quorum 3 of 5, simple majority"),
    ):
        result = run("--lang", lang, "explain", "department-head-appointment", str(EXAMPLE), "--as-of", "2026-11-27")
        assert result.exit_code == 0, result.output
        assert line in result.stdout.splitlines()


def test_explain_a_delegate_in_force_in_chinese_and_english() -> None:
    # LANG=en_US is below the Organization's locale (zh-CN): Chinese
    out = run("explain", "finance-manager", str(EXAMPLE), "--as-of", "2027-02-01", env={"LANG": "en_US.UTF-8"}).stdout
    assert section(out, "审批：") == [
        "代 财务总监 (Position/finance-director) 审批 营销活动费用审批 (ApprovalMatrix/marketing-spend) 第 2 档："
        "100,000 CNY（含）至 500,000 CNY（含），依据 财务总监年假期间授权 (finance-director-leave)"
        "（2027-02-01 至 2027-02-14），上限 200,000 CNY"
    ]
    english = run("--lang", "en", "explain", "finance-manager", str(EXAMPLE), "--as-of", "2027-02-01").stdout
    assert section(english, "Approvals:") == [
        "approves 营销活动费用审批 (ApprovalMatrix/marketing-spend), band 2: from 100,000 CNY up to 500,000 CNY "
        "inclusive in place of 财务总监 (Position/finance-director), through 财务总监年假期间授权 "
        "(finance-director-leave) (from 2027-02-01 to 2027-02-14), up to 200,000 CNY"
    ]


# --- who-approves --------------------------------------------------------------------------------


def test_who_approves_in_chinese_and_english() -> None:
    chinese = run("--lang", "zh-CN", "who-approves", "marketing-spend", "300000", str(EXAMPLE))
    assert chinese.exit_code == 0, chinese.output
    assert chinese.stdout == (
        "营销活动费用审批 (marketing-spend)，300,000 CNY\n"
        "第 2 档：100,000 CNY（含）至 500,000 CNY（含）\n"
        "方式：会签（全部审批人同意）\n"
        "审批人：市场总监 (marketing-director)、财务总监 (finance-director)\n"
        "升级：24h 后升级至 总经理 (general-manager)\n"
    )
    english = run("who-approves", "marketing-spend", "600000", str(EXAMPLE), "--lang", "en")
    assert english.stdout == (
        "营销活动费用审批 (marketing-spend), 600,000 CNY\n"
        "band 3: over 500,000 CNY\n"
        "mode: any (one approver suffices)\n"
        "approvers: 总经理办公会 (gm-office-meeting) (decided by a vote of 总经理办公会: quorum 3 of 5, "
        "simple majority)\n"
        "escalation: none\n"
    )


def test_who_approves_words_a_gap_and_a_usage_error_in_chinese(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"ops/spend.yaml": SPEND})
    gap = run("who-approves", "spend", "200000", str(root))  # the Organization's locale
    assert gap.exit_code == 1
    assert (
        gap.stdout
        == "费用审批 (spend)，200,000 CNY\n费用审批 (spend) 没有档位覆盖 200,000 CNY（审批空档）：无人可以审批\n"
    )
    missing = run("who-approves", "spend", str(root))
    assert missing.exit_code == 2
    assert "审批矩阵 'spend' 需要一个数额（money）；例如 opsgov who-approves spend 100000" in missing.stderr


SPEND = doc("ApprovalMatrix", "spend", "{subject: 费用, bands: [{upTo: 100000, approvers: [ceo]}]}", title="费用审批")
NO_LOCALE = BASE["ops/org.yaml"].replace(", locale: zh-CN", "")


@pytest.mark.parametrize(
    ("files", "args", "env", "chinese"),
    [
        ({}, ("--lang", "zh-CN"), {"LANG": "en_US.UTF-8"}, True),
        ({"opsgov.yaml": "lang: en\n"}, ("--lang", "zh-CN"), ZH, True),  # --lang beats opsgov.yaml
        ({"opsgov.yaml": "lang: en\n"}, (), ZH, False),  # opsgov.yaml beats the Organization's locale
        ({"opsgov.yaml": "lang: zh-CN\n", "ops/org.yaml": NO_LOCALE}, (), {"LANG": "en_US.UTF-8"}, True),
        ({}, (), {"LANG": "en_US.UTF-8"}, True),  # the Organization's locale (zh-CN) beats LANG
        ({"ops/org.yaml": NO_LOCALE}, (), ZH, True),  # LANG when nothing else asks
        ({"ops/org.yaml": NO_LOCALE}, (), {"LANG": "en_US.UTF-8"}, False),
        ({}, ("--lang", "en"), ZH, False),
    ],
)
def test_who_approves_takes_the_language_in_order(
    tmp_path: Path, files: dict[str, str], args: tuple[str, ...], env: dict[str, str], chinese: bool
) -> None:
    root = write_repo(tmp_path, {"ops/spend.yaml": SPEND, **files})
    result = run("who-approves", "spend", "100", str(root), *args, env=env)
    assert result.exit_code == 0, result.output
    first = "费用审批 (spend)，100 CNY" if chinese else "费用审批 (spend), 100 CNY"
    mode = "方式：任一（一人审批即可）" if chinese else "mode: any (one approver suffices)"
    assert result.stdout.splitlines()[0] == first
    assert mode in result.stdout.splitlines()


# --- diff ----------------------------------------------------------------------------------------


@needs_git
def test_diff_in_chinese_and_english(tmp_path: Path) -> None:
    first, root = history(tmp_path / "repo")
    chinese = run("--lang", "zh-CN", "diff", first, root).stdout
    assert chinese.startswith(f"### 治理变更：`{first}` → `working tree`")
    for line in (
        "#### 单位",
        "- 新增 审计部 (`audit`)，隶属 总公司 (`company`)",
        "- 调整 华东区 (`east`)：隶属 销售部 (`sales`) → 隶属 总公司 (`company`)",
        "- 新增 审计员 (`auditor`)，属于 审计部 (`audit`)，向 `nobody` 汇报",
        "- 财务经理 (`finance-director`) 现向 总经理 (`ceo`) 汇报，原为 财务总监 (`cfo`)",
        "- 定价 (`pricing`)：现由 财务部 (`Unit/finance`) 承担，原为 销售部 (`Unit/sales`)",
        "- **获得**（资本支出 (`capex`)）：财务经理 (finance-director)：现审批 不超过 1,000,000 CNY，原为 500,000",
        "#### 问题：新增 1 个，修复 0 个",
    ):
        assert line in chinese, line
    data = json.loads(run("--lang", "zh-CN", "diff", first, root, "--format", "json").stdout)
    assert data["lang"] == "zh_CN" and data["units"]["added"][0] == {
        "name": "audit",
        "title": "审计部",
        "parent": "company",
    }
    assert data["titles"]["Unit/company"] == "总公司" and data["titles"]["Position/cfo"] == "财务总监"
    assert "Position/auditor" not in data["titles"]  # only what rows refer to; `nobody` names nothing
    english = run("--lang", "en", "diff", first, root).stdout
    assert english.startswith(f"### Governance changes: `{first}` → `working tree`")
    gained = (
        "- **gained** in 资本支出 (`capex`): 财务经理 (finance-director): now approves up to 1,000,000 CNY, was 500,000"
    )
    assert gained in english


# --- the help pages ------------------------------------------------------------------------------


def test_help_in_chinese_by_lang_before_or_after_the_command_or_by_lang_variable() -> None:
    top = run("--lang", "zh-CN", "--help").stdout
    assert top.startswith("用法：opsgov [OPTIONS] COMMAND [ARGS]...")
    assert "opsgov：治理即代码。证明用 YAML 声明的组织是自洽的。" in top
    assert "选项：" in top and "命令：" in top and "显示此帮助并退出。" in top
    assert "  check         加载、校验、分析 PATH 中的治理仓库（及其 opsgov.yaml）并报告…\n" in top  # one line, cut
    assert max(text_width(line) for line in top.splitlines()) <= 80  # a wide character takes two columns
    for args, env in ((("check", "--help", "--lang", "zh-CN"), None), (("check", "--help"), ZH)):
        page = run(*args, env=env).stdout
        assert page.startswith("用法：opsgov check [OPTIONS] [PATH]")
        assert "加载、校验、分析 PATH 中的治理仓库（及其 opsgov.yaml）并报告结果。" in page
        assert "报告格式。  [默认：text]" in page
        assert max(text_width(line) for line in page.splitlines()) <= 80


def test_help_in_english() -> None:
    top = run("--help", env={"LANG": "en_US.UTF-8"}).stdout
    assert top.startswith("Usage: opsgov [OPTIONS] COMMAND [ARGS]...")
    assert "Options:" in top and "Commands:" in top
    page = run("--lang", "en", "who-approves", "--help", env=ZH).stdout
    assert page.startswith("Usage: opsgov who-approves [OPTIONS] MATRIX [AMOUNT] [PATH]")
    assert "Output format.  [default: text]" in page


def test_every_help_text_has_a_chinese_translation() -> None:
    texts = help_texts()
    assert len(texts) > 60 and "Report format." in texts and "Usage: " in texts
    catalogue = i18n.catalogue("zh_CN")
    missing = [text for text in texts if not catalogue.get(text)]
    assert missing == [], f"untranslated help in opsgov.po (run scripts/update-catalogue.sh): {missing}"


def test_an_unknown_lang_after_the_command_is_a_usage_error() -> None:
    result = run("check", str(EXAMPLE), "--lang", "fr")
    assert result.exit_code == 2
    assert "no messages in 'fr'; there are: en, zh-CN" in result.stderr


# --- usage and configuration errors --------------------------------------------------------------


def test_usage_and_configuration_errors_follow_lang_or_the_environment(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"opsgov.yaml": "rules:\n  bogus-rulee: error\n"})
    chinese = run("check", str(root), "--lang", "zh-CN")
    assert chinese.exit_code == 2
    assert chinese.stderr == "opsgov: opsgov.yaml:2:16: 未知的规则 'bogus-rulee'；`opsgov rules` 会列出所有规则\n"
    english = run("check", str(root), env={"LANG": "en_US.UTF-8"})  # before any document is read: not the locale
    assert english.stderr == "opsgov: opsgov.yaml:2:16: unknown rule 'bogus-rulee'; `opsgov rules` lists them\n"
    assert run("diff", env=ZH).stderr == "opsgov: diff 的参数是 BASE [HEAD] [PATH]\n"
    assert run("--lang", "en", "diff", env=ZH).stderr == "opsgov: diff takes BASE [HEAD] [PATH]\n"
    extra = run("who-approves", "spend", "1", str(root), "extra", env=ZH)
    assert extra.stderr == "opsgov: 参数过多：'extra'；用法是 MATRIX [AMOUNT] [PATH]\n"


def test_clicks_own_usage_errors_follow_lang_or_the_environment() -> None:
    """An unknown option, a bad choice, a missing argument: Click words them, in the command line's language."""
    unknown = run("check", "--bogus", env=ZH)
    assert unknown.exit_code == 2
    assert "错误：没有选项 '--bogus'。" in unknown.stderr
    assert "运行 'opsgov check --help' 查看帮助。" in unknown.stderr
    choice = run("--lang", "zh-CN", "check", "--format", "nope", str(EXAMPLE))
    assert "错误：'--format' 的取值无效：'nope' 不是以下之一：" in choice.stderr
    missing = run("who-approves", "--lang", "zh-CN")
    assert "错误：缺少参数 'MATRIX'" in missing.stderr
    english = run("--lang", "en", "check", "--bogus", env=ZH)
    assert "Error: No such option '--bogus'." in english.stderr
    assert "No such option" in run("check", "--bogus").stderr  # no language asked: English
