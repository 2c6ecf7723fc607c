from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from opsgov.report.finding import Related
from opsgov.report.fingerprint import fingerprint
from opsgov.report.formats import REPORTERS
from opsgov.report.report import Report
from opsgov.rules import REGISTRY
from tests.reporters.conftest import POLICY, WAIVED, handmade

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert not re.findall(r'"\$ref"\s*:\s*"(?!#)', text), "the schema must not reference anything remote"
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif(report: Report) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(REPORTERS["sarif"]().render(report))
    return result


def test_real_report_is_valid_sarif(findings_report: Report, validator: jsonschema.protocols.Validator) -> None:
    log = sarif(findings_report)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0].message
    run = log["runs"][0]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["dangling-ref", "duplicate-name"]
    dangling = results[0]
    assert dangling["level"] == "error"
    assert dangling["message"]["text"] == "reportsTo 'nobody' names no Position"
    location = dangling["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "ops/units.yaml"
    assert location["region"] == {"startLine": 9, "startColumn": 32}
    assert dangling["partialFingerprints"] == {"opsgov/v2": fingerprint(findings_report.findings[0])}
    duplicate = results[1]
    related = duplicate["relatedLocations"][0]
    assert related["physicalLocation"]["region"]["startLine"] == 8
    assert related["message"]["text"] == "first defined here"
    assert "Hint: rename one of them" in duplicate["message"]["text"]
    rules = run["tool"]["driver"]["rules"]
    assert rules[dangling["ruleIndex"]]["id"] == "dangling-ref"
    assert rules[dangling["ruleIndex"]]["shortDescription"]["text"] == REGISTRY["dangling-ref"].description
    assert rules[dangling["ruleIndex"]]["help"]["text"]


def test_every_rule_is_described_and_policies_get_a_generic_entry(validator: jsonschema.protocols.Validator) -> None:
    log = sarif(handmade(POLICY, WAIVED))
    assert not list(validator.iter_errors(log))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids[: len(REGISTRY)] == list(REGISTRY)
    assert ids[len(REGISTRY) :] == ["policy/max-span"]
    policy_result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "policy/max-span")
    assert rules[policy_result["ruleIndex"]]["id"] == "policy/max-span"
    assert policy_result["level"] == "warning"
    assert policy_result["relatedLocations"][0]["message"]["text"] == "the team"


def test_waived_finding_is_a_suppressed_result_and_info_is_a_note(validator: jsonschema.protocols.Validator) -> None:
    info = POLICY.replace(level="info")
    log = sarif(handmade(WAIVED, info))
    assert not list(validator.iter_errors(log))
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert by_rule["duty-overlap"]["suppressions"][0]["kind"] == "external"
    assert by_rule["policy/max-span"]["level"] == "note"
    assert "suppressions" not in by_rule["policy/max-span"]


def test_uri_is_a_percent_encoded_relative_reference(validator: jsonschema.protocols.Validator) -> None:
    file = "ops/财务 部.yaml"
    finding = POLICY.replace(file=file, related=(Related(file, 3, 1, "the team"),))
    log = sarif(handmade(finding))
    assert not list(validator.iter_errors(log))
    result = log["runs"][0]["results"][0]
    uris = [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
    ]
    assert uris == ["ops/%E8%B4%A2%E5%8A%A1%20%E9%83%A8.yaml"] * 2
    assert [unquote(uri) for uri in uris] == [file, file]


def test_fingerprint_survives_a_line_shift() -> None:
    moved = POLICY.replace(line=POLICY.line + 40)
    first = sarif(handmade(POLICY))["runs"][0]["results"][0]["partialFingerprints"]
    second = sarif(handmade(moved))["runs"][0]["results"][0]["partialFingerprints"]
    assert first == second


def test_validator_rejects_a_broken_log(validator: jsonschema.protocols.Validator) -> None:
    """The schema test can fail: a result without a message is not SARIF."""
    log = sarif(handmade(POLICY))
    del log["runs"][0]["results"][0]["message"]
    assert list(validator.iter_errors(log))


def test_output_is_deterministic_and_keeps_cjk(findings_report: Report) -> None:
    cjk = POLICY.replace(message="直接下属过多：12")
    first = REPORTERS["sarif"]().render(handmade(cjk))
    assert first == REPORTERS["sarif"]().render(handmade(cjk))
    assert "直接下属过多" in first


def test_tool_and_every_rule_link_to_their_documentation(validator: jsonschema.protocols.Validator) -> None:
    """informationUri and helpUri (the SARIF validator warns without them) point where the README says opsgov lives."""
    from opsgov.report.formats.sarif import REPOSITORY_URL, RULES_DOC_URL

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"repo: {REPOSITORY_URL}" in readme
    assert f"{REPOSITORY_URL}/blob/main/docs/rules.md" == RULES_DOC_URL
    log = sarif(handmade(POLICY))
    assert not list(validator.iter_errors(log))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == REPOSITORY_URL
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    for rule_id in REGISTRY:
        assert by_id[rule_id]["helpUri"] == f"{RULES_DOC_URL}#{rule_id}"
        assert by_id[rule_id]["fullDescription"]["text"].strip()
    assert by_id["dangling-ref"]["helpUri"].endswith("docs/rules.md#dangling-ref")
    assert "helpUri" not in by_id["policy/max-span"]  # an organisation's own policy is documented in its repository
