"""The schema stage: every error of every document, phrased for people, at the node at fault."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from opsgov.load import schema as schema_module
from opsgov.load.schema import DRAFT_07, KIND_FILES, Validator, bundle_schemas, load_schemas, schema_dir
from opsgov.report.finding import Finding
from tests.util import check_repo, doc, docs, only

READING = ("yaml-", "schema", "duplicate-name", "dangling-ref", "ambiguous-ref", "file-unreadable")


def schema_findings(repo: Callable[..., Path], text: str) -> list[Finding]:
    report = check_repo(repo({"ops/x.yaml": text}), select=READING)
    assert {f.rule for f in report.findings} <= {"schema"}, report.findings
    return report.findings


def test_valid_documents_of_every_kind_pass(repo: Callable[..., Path]) -> None:
    text = docs(
        doc("Unit", "ops", "{type: department, parent: company, head: ops-lead, owns: [stock]}", title="运营部"),
        doc("Position", "ops-lead", "{unit: ops, reportsTo: ceo, headcount: 2, level: M3}"),
        doc("Person", "li-lei", "{holds: [ops-lead]}"),
        doc("Responsibility", "stock", "{category: 运营}"),
        doc(
            "Process",
            "restock",
            """
            owner: ops
            steps:
              - {id: ask, title: 申请, responsible: ops-lead, next: [approve], sla: 24h}
              - {id: approve, title: 审批, responsible: [ceo], approval: spend}
            """,
        ),
        doc(
            "ApprovalMatrix",
            "spend",
            "{subject: 费用, allowSelfApproval: false, bands: [{upTo: 1000, approvers: [ceo]}]}",
        ),
        doc(
            "KPI",
            "fill-rate",
            "{owner: ops, unit: percent, direction: higher-is-better, target: 98.5, frequency: monthly}",
        ),
    )
    assert schema_findings(repo, text) == []


def test_unknown_field_suggests_the_closest(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, doc("Position", "a", "{unit: company, reportTo: ceo}"))
    # located at the unknown key itself, not at its value
    assert (finding.file, finding.line, finding.column, finding.entity) == ("ops/x.yaml", 4, 23, "Position/a")
    assert finding.message == "unknown field 'reportTo' in spec"
    assert finding.hint == "did you mean 'reportsTo'?"
    assert finding.path == "$.spec.reportTo"


def test_unknown_field_without_a_close_name_lists_the_allowed(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, doc("Unit", "a", "{type: team, parent: company, zzz: 1}"))
    assert finding.hint.startswith("allowed here: type, parent")


def test_missing_required_field_is_located_at_its_parent(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, doc("Position", "a", "{reportsTo: ceo}"))
    assert (finding.line, finding.column, finding.path) == (4, 1, "$.spec")
    assert finding.message == "spec is missing the required field 'unit'"


def test_boolean_written_no_gets_the_true_false_hint(repo: Callable[..., Path]) -> None:
    text = doc("ApprovalMatrix", "m", "subject: spend\nallowSelfApproval: no\nbands:\n  - approvers: [ceo]")
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.entity) == (6, "ApprovalMatrix/m")
    assert "must be true or false, not 'no'" in finding.message
    assert "write true or false" in finding.hint


@pytest.mark.parametrize("written", ["1_000", "1e6", "'12'", "10万", "1,000"])
def test_number_lookalikes_get_the_plain_number_hint(repo: Callable[..., Path], written: str) -> None:
    [finding] = schema_findings(repo, doc("Position", "a", f"unit: company\nreportsTo: ceo\nheadcount: {written}"))
    assert (finding.line, finding.path) == (7, "$.spec.headcount")
    assert "must be a whole number" in finding.message
    assert "write a plain number" in finding.hint


def test_number_where_text_is_wanted_gets_the_quote_hint(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, doc("Position", "a", "{unit: company, reportsTo: ceo, level: 3}"))
    assert finding.hint == "quote it to make it text"


@pytest.mark.parametrize(
    ("responsible", "column", "path", "message"),
    [
        ("Bad_Name", 20, "$.spec.steps[0].responsible", "'Bad_Name' is not a valid reference"),
        ("[ceo, Bad_Name]", 26, "$.spec.steps[0].responsible[1]", "'Bad_Name' is not a valid reference"),
        ("[]", 7, "$.spec.steps[0].responsible", "must list at least 1 item"),
        ("5", 20, "$.spec.steps[0].responsible", "must be a name or a list of names, not 5"),
        ("{who: ceo}", 7, "$.spec.steps[0].responsible", "must be a name or a list of names, not a mapping"),
    ],
)
def test_one_of_reports_the_best_match_only(
    repo: Callable[..., Path], responsible: str, column: int, path: str, message: str
) -> None:
    text = doc("Process", "p", f"owner: company\nsteps:\n  - id: a\n    title: A\n    responsible: {responsible}")
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.column, finding.path) == (9, column, path)
    assert message in finding.message
    assert "Draft" not in finding.message and "valid under" not in finding.message


def test_from_and_over_together(repo: Callable[..., Path]) -> None:
    text = doc("ApprovalMatrix", "m", "subject: spend\nbands:\n  - from: 0\n    over: 10\n    approvers: [ceo]")
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.path) == (7, "$.spec.bands[0]")
    assert "has both 'from' and 'over'" in finding.message


def test_unknown_kind_suggests_the_closest(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, doc("Positon", "a", "{unit: company}"))
    assert (finding.line, finding.column, finding.path) == (2, 7, "$.kind")
    assert "not 'Positon'" in finding.message
    assert finding.hint == "did you mean 'Position'?"


def test_bad_api_version(repo: Callable[..., Path]) -> None:
    text = doc("Position", "a", "{unit: company, reportsTo: ceo}").replace("opsgov/v1", "opsgov/v2")
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.column) == (1, 13)
    assert finding.message == "apiVersion must be 'opsgov/v1', not 'opsgov/v2'"


@pytest.mark.parametrize(("text", "shown"), [("- a\n- b\n", "a list"), ("hello\n", "'hello'")])
def test_document_that_is_not_a_mapping(repo: Callable[..., Path], text: str, shown: str) -> None:
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.column, finding.entity) == (1, 1, "")
    assert finding.message.endswith(f"not {shown}")


def test_every_error_of_a_document_is_reported(repo: Callable[..., Path]) -> None:
    text = doc("Position", "a", "unit: company\nreportsTo: ceo\nheadcount: two\nreportTo: x")
    findings = schema_findings(repo, text)
    assert [(f.line, f.path) for f in findings] == [(7, "$.spec.headcount"), (8, "$.spec.reportTo")]


def test_errors_of_every_document_are_reported(repo: Callable[..., Path]) -> None:
    text = docs(doc("Position", "a", "{unit: company, reportsTo: ceo, x: 1}"), doc("Unit", "b", "{type: team, y: 2}"))
    findings = schema_findings(repo, text)
    assert [(f.line, f.entity) for f in findings] == [(4, "Position/a"), (9, "Unit/b")]


def test_bad_name_pattern(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, doc("Position", "Bad_Name", "{unit: company, reportsTo: ceo}"))
    assert (finding.line, finding.path) == (3, "$.metadata.name")
    assert "is not a valid name" in finding.message


def test_bad_names_and_references_get_their_fixed_spelling_as_hint(repo: Callable[..., Path]) -> None:
    text = doc("Position", "Bad_Name", "{unit: Finance, reportsTo: position/ceo, dottedLines: [财务部]}")
    findings = schema_findings(repo, text)
    assert [(f.path, f.hint) for f in findings] == [
        ("$.metadata.name", "did you mean 'bad-name'?"),
        ("$.spec.unit", "did you mean 'finance'?"),
        ("$.spec.reportsTo", "did you mean 'Position/ceo'?"),
        ("$.spec.dottedLines[0]", ""),  # no ASCII spelling to offer
    ]


def test_yaml_that_is_no_opsgov_document_is_one_finding(repo: Callable[..., Path]) -> None:
    [finding] = schema_findings(repo, "name: build\non: [push]\njobs: {}\n")
    assert (finding.line, finding.column, finding.path) == (1, 1, "$")
    assert finding.message == "the document has neither apiVersion nor kind: it is not an opsgov document"
    assert "apiVersion: opsgov/v1" in finding.hint


def test_missing_name_has_no_entity(repo: Callable[..., Path]) -> None:
    text = "apiVersion: opsgov/v1\nkind: Position\nmetadata: {title: A}\nspec: {unit: company}\n"
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.entity) == (3, "")
    assert "missing the required field 'name'" in finding.message


def test_a_broken_document_does_not_become_an_entity(repo: Callable[..., Path]) -> None:
    report = check_repo(repo({"ops/x.yaml": doc("Position", "a", "{unit: company, reportsTo: ceo, x: 1}")}))
    assert report.model is not None and "a" not in report.model.positions
    assert "a" in report.model.known["Position"]


def test_schemas_are_valid_draft_2020_12_and_never_fetched() -> None:
    schemas = load_schemas()
    assert set(KIND_FILES.values()) <= set(schemas)
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        text = json.dumps(schema)
        refs = [part.split('"', 1)[0] for part in text.split('"$ref": "')[1:]]
        # Every $ref stays within the shipped files: relative, or under the never-fetched base URI.
        assert all(not ref.startswith(("http:", "https:", "file:", "/")) for ref in refs), (name, refs)
    assert schema_dir().is_dir()


def test_validator_works_without_network_or_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolution goes through the in-memory registry: opening any file or URL would fail here."""
    validator = Validator(load_schemas())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to fetch something")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    monkeypatch.setattr("builtins.open", refuse)
    from opsgov.load.compose import load_text

    [document], _ = load_text(doc("Process", "p", "{owner: x, steps: [{id: a, title: A, responsible: 5}]}"), "x.yaml")
    [finding] = validator.validate(document)
    assert finding.path == "$.spec.steps[0].responsible"


def test_wrong_types_of_references_report_once(repo: Callable[..., Path]) -> None:
    [finding] = only(check_repo(repo({"ops/x.yaml": doc("Unit", "a", "{type: team, parent: [company]}")})), "schema")
    assert (finding.line, finding.path) == (4, "$.spec.parent")


def test_the_editor_bundle_is_one_draft_07_file_that_judges_like_the_schemas() -> None:
    """yaml-language-server speaks Draft 7: the bundle must be valid Draft 7, self-contained, and agree."""
    bundle = bundle_schemas()
    assert bundle["$schema"] == DRAFT_07
    jsonschema.Draft7Validator.check_schema(bundle)
    text = json.dumps(bundle)
    assert "$defs" not in text and ".json" not in text and "dependentSchemas" not in text
    validator = jsonschema.Draft7Validator(bundle)
    example = check_repo(Path(__file__).resolve().parents[1])
    assert example.model is not None and example.model.documents > 100
    for entity in example.model:
        assert list(validator.iter_errors(entity.doc.data)) == [], entity.key
    unit = {"apiVersion": "opsgov/v1", "kind": "Unit", "metadata": {"name": "ops", "title": "运营部"}, "spec": {}}
    assert list(validator.iter_errors(unit)) == []
    wrong = {**unit, "spec": {"parnet": "company"}}
    assert [e.message for e in validator.iter_errors(wrong)] == [
        "Additional properties are not allowed ('parnet' was unexpected)"
    ]
    band = {"from": 1, "over": 1, "approvers": ["ceo"]}  # dependentSchemas, as Draft 7 dependencies
    matrix = {**unit, "kind": "ApprovalMatrix", "spec": {"subject": "费用", "bands": [band]}}
    assert [list(e.absolute_path) for e in validator.iter_errors(matrix)] == [["spec", "bands", 0]]


# --- locale (BCP 47) and currency (ISO 4217) ----------------------------------------------------


def organization(locale: str, currency: str) -> str:
    return doc("Organization", "other", f"root: company\ncurrency: {currency}\nlocale: '{locale}'", "Other")


@pytest.mark.parametrize("locale", ["zh-CN", "en", "zh-Hans-CN", "de-CH-1996", "es-419", "en-US-x-twain", "sr-Latn"])
@pytest.mark.parametrize("currency", ["CNY", "USD", "EUR", "XAU"])
def test_real_locales_and_currencies_pass(repo: Callable[..., Path], locale: str, currency: str) -> None:
    assert schema_findings(repo, organization(locale, currency)) == []


def test_a_made_up_locale_and_currency_are_schema_errors_at_their_place(repo: Callable[..., Path]) -> None:
    found = [
        (f.line, f.column, f.message, f.hint) for f in schema_findings(repo, organization("not a locale!!", "ABC"))
    ]
    assert found == [
        (6, 13, "spec.currency: 'ABC' is not an ISO 4217 currency code in use (e.g. CNY, USD, EUR)", ""),
        (7, 11, "spec.locale: 'not a locale!!' is not a BCP 47 language tag (e.g. zh-CN, en, zh-Hans-CN)", ""),
    ]


@pytest.mark.parametrize(
    ("currency", "hint"), [("cny", "did you mean 'CNY'?"), ("DEM", ""), ("RMB", ""), ("US", ""), ("'100'", "")]
)
def test_currencies_not_in_use_are_refused(repo: Callable[..., Path], currency: str, hint: str) -> None:
    [finding] = schema_findings(repo, organization("zh-CN", currency))
    assert (finding.line, finding.column, finding.hint) == (6, 13, hint)
    assert "is not an ISO 4217 currency code in use" in finding.message


@pytest.mark.parametrize("locale", ["zh_CN", "chinese", "c", "en-", "zh-CN-", "en--US", "中文", "en-US-x"])
def test_malformed_locales_are_refused(repo: Callable[..., Path], locale: str) -> None:
    [finding] = schema_findings(repo, organization(locale, "CNY"))
    assert (finding.line, finding.column) == (7, 11)
    assert finding.message == f"spec.locale: '{locale}' is not a BCP 47 language tag (e.g. zh-CN, en, zh-Hans-CN)"


def test_an_approval_matrix_currency_is_checked_too(repo: Callable[..., Path]) -> None:
    text = doc("ApprovalMatrix", "m", "subject: spend\ncurrency: ABC\nbands:\n  - approvers: [ceo]")
    [finding] = schema_findings(repo, text)
    assert (finding.line, finding.column, finding.entity) == (6, 13, "ApprovalMatrix/m")
    assert finding.message == "spec.currency: 'ABC' is not an ISO 4217 currency code in use (e.g. CNY, USD, EUR)"


def test_the_fast_and_the_reference_validator_agree_on_locales_and_currencies(repo: Callable[..., Path]) -> None:
    root = repo({"ops/x.yaml": organization("not a locale!!", "ABC"), "ops/y.yaml": organization("zh-Hant-TW", "TWD")})
    fast = check_repo(root, select=READING)
    assert fast.findings == check_repo(root, select=READING, reference=True).findings
    assert len(only(fast, "schema")) == 2


def test_the_message_table_knows_the_schema_s_locale_pattern() -> None:
    assert load_schemas()["envelope.json"]["$defs"]["locale"]["pattern"] in schema_module._PATTERN_WORDS
