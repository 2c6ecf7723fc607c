"""Languages: the catalogue is complete, the run's language is chosen as docs/cli.md says, and the
language changes the words of a finding but never what identifies it."""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov import i18n
from opsgov.cli import main
from opsgov.config.settings import Settings
from opsgov.model.entities import entity_words
from opsgov.pipeline import check
from opsgov.render import words
from opsgov.report.fingerprint import fingerprint
from tests.util import BASE, TODAY, write_repo

BROKEN = Path(__file__).parent.parent / "examples" / "broken"
SOURCE = Path(i18n.__file__).parent
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def no_locale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


def extracted() -> set[str]:
    """Every message the code marks with `_` or `N_`, as scripts/update-catalogue.sh extracts it."""
    extract = pytest.importorskip("babel.messages.extract")  # the dev extra; the lowest-versions job lacks it
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract.extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    ):
        assert isinstance(message, str), message
        found.add(message)
    return found


def placeholders(message: str) -> set[str]:
    return {field for _text, field, _spec, _conversion in string.Formatter().parse(message) if field is not None}


def untranslated(messages: set[str], catalogue: dict[str, str]) -> list[str]:
    return sorted(message for message in messages if not catalogue.get(message))


def test_every_message_of_the_code_has_a_chinese_translation() -> None:
    messages = extracted()
    assert len(messages) > 300  # the extraction found every stage's messages, not nothing
    missing = untranslated(messages, i18n.catalogue("zh_CN"))
    assert missing == [], f"untranslated in opsgov.po (run scripts/update-catalogue.sh): {missing}"


def test_a_message_missing_from_the_catalogue_is_found() -> None:
    messages = extracted()
    catalogue = dict(i18n.catalogue("zh_CN"))
    del catalogue["waiver {waiver} covers nothing: {what}"]
    assert untranslated(messages, catalogue) == ["waiver {waiver} covers nothing: {what}"]
    assert untranslated(messages | {"a message nobody translated"}, i18n.catalogue("zh_CN")) == [
        "a message nobody translated"
    ]


def handbook_words() -> list[str]:
    """The English of every word the handbook and the rendered pictures print themselves (render/words.py)."""
    fixed = [getattr(words.ENGLISH, field.name) for field in dataclasses.fields(words.Words)]
    return fixed + [message for table in words.VALUE_WORDS for message in table.values()]


def test_every_handbook_word_is_a_message_of_the_catalogue_with_a_translation() -> None:
    english = handbook_words()
    assert len(english) > 150
    catalogue = i18n.catalogue("zh_CN")
    assert [word for word in english if not catalogue.get(word)] == [], "untranslated in opsgov.po"
    # marked with N_ where it is written, so scripts/update-catalogue.sh extracts it
    messages = extracted()
    assert [word for word in english if word not in messages] == []


def test_the_catalogue_has_no_fuzzy_entry() -> None:
    pofile = pytest.importorskip("babel.messages.pofile")
    path = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "opsgov.po"
    with path.open("rb") as stream:
        catalogue = pofile.read_po(stream)
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    for message, translation in i18n.catalogue("zh_CN").items():
        assert placeholders(translation) == placeholders(message), (message, translation)


def test_placeholders_are_compared() -> None:
    assert placeholders("unit {unit} of {root}") != placeholders("单位 {unit}")


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh-CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-Hans", "zh_CN"),
        ("en_US.UTF-8", "en"),
        ("C", "en"),
        ("fr_FR", None),
    ],
)
def test_language_tags(tag: str, language: str | None) -> None:
    assert i18n.normalize(tag) == language


def test_the_order_of_choice() -> None:
    assert i18n.choose("en", "zh-CN", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.choose("", "zh-CN", {"LANG": "en_US.UTF-8"}) == "zh_CN"
    assert i18n.choose("", "", {"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert i18n.choose("", "", {"LANGUAGE": "fr:zh_CN", "LANG": "en_US"}) == "zh_CN"
    assert i18n.choose("", "", {}) == "en"
    with pytest.raises(ValueError, match="no messages in 'fr'; there are: en, zh-CN"):
        i18n.choose("fr", "", {})


def test_a_message_names_an_entity_by_its_title_and_id(tmp_path: Path) -> None:
    report = check(Settings(root=BROKEN, as_of=TODAY, lang="en"))
    assert report.model is not None
    unit = report.model.get("Unit/struct-lost")
    assert unit is not None
    assert entity_words(unit) == "游离小组 (struct-lost)"
    company = report.model.get("Organization/broken-example")
    assert company is not None and entity_words(company) == "反例公司 (broken-example)"
    [finding] = [f for f in report.findings if f.rule == "detached-unit"]
    assert finding.message == (
        "unit 游离小组 (struct-lost) has no parent and is not the root unit 总公司 (company): it is detached from "
        "the organisation"
    )


def test_the_same_repository_in_english_and_chinese_has_the_same_fingerprints() -> None:
    english = check(Settings(root=BROKEN, as_of=TODAY, lang="en"))
    chinese = check(Settings(root=BROKEN, as_of=TODAY, lang="zh-CN"))
    assert chinese.lang == "zh_CN" and english.lang == "en"
    assert [f.message for f in english.findings] != [f.message for f in chinese.findings]
    assert [fingerprint(f) for f in english.findings] == [fingerprint(f) for f in chinese.findings]


def cli(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, [*args], env=env, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


CHINESE = {
    "detached-unit": "单位 游离小组 (struct-lost) 没有上级，也不是根单位 总公司 (company)：它脱离了组织",
    "top-position": "岗位 第二个最高岗位 (struct-second-top) 没有 reportsTo，但 总经理 (ceo) 已是最高岗位；"
    "只能有一个岗位没有上级",
    "headcount-exceeded": "岗位 出纳 (struct-cashier) 的编制为 1，但有 2 人担任：张伟 (struct-zhang) 和 "
    "刘洋 (struct-liu)",
}


def test_lang_option_gives_chinese_messages() -> None:
    output = cli("--lang", "zh-CN", "check", str(BROKEN), "--format", "json", "--today", "2026-03-01")
    for rule, message in CHINESE.items():
        assert f'"message": "{message}"' in output, rule
    assert '"rule": "detached-unit"' in output  # rule ids and field names stay


def test_lang_environment_switches_without_the_option(tmp_path: Path) -> None:
    no_locale = BASE["ops/org.yaml"].replace(", locale: zh-CN", "")
    root = write_repo(tmp_path, {"ops/lost.yaml": LOST, "ops/org.yaml": no_locale})
    output = cli("check", str(root), "--format", "json", env={"LANG": "zh_CN.UTF-8"})
    assert "单位 游离组 (lost) 没有上级" in output
    assert "unit 游离组 (lost) has no parent" in cli("check", str(root), "--format", "json")  # English by default


def test_the_organizations_locale_switches_when_nothing_else_asks(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"ops/lost.yaml": LOST})
    assert "单位 游离组 (lost) 没有上级" in cli("check", str(root), "--format", "json", env={"LANG": "en_US.UTF-8"})
    assert "unit 游离组 (lost) has no parent" in cli("--lang", "en", "check", str(root), "--format", "json")


def test_opsgov_yaml_lang_is_below_the_option(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"ops/lost.yaml": LOST, "opsgov.yaml": "lang: en\n"})
    assert "unit 游离组 (lost) has no parent" in cli("check", str(root), "--format", "json")
    assert "单位 游离组 (lost) 没有上级" in cli("--lang", "zh", "check", str(root), "--format", "json")


def test_an_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--lang", "fr", "check", str(BROKEN)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "no messages in 'fr'; there are: en, zh-CN" in result.output


LOST = """\
apiVersion: opsgov/v1
kind: Unit
metadata: {name: lost, title: 游离组}
spec: {type: team}
"""
