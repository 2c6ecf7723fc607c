from __future__ import annotations

import json

from opsgov.report.finding import Finding
from opsgov.report.formats import REPORTERS
from tests.reporters.conftest import POLICY, WAIVED, handmade


def test_code_quality_issues_with_unique_fingerprints() -> None:
    twin = POLICY.replace(line=30)
    error = Finding("ops/x.yaml", 4, 2, "dangling-ref", "gone", level="error", hint="fix the name")
    issues = json.loads(REPORTERS["gitlab"]().render(handmade(POLICY, twin, error, WAIVED)))
    assert [i["check_name"] for i in issues] == ["policy/max-span", "policy/max-span", "dangling-ref"]
    assert issues[0]["location"] == {"path": "ops/b.yaml", "lines": {"begin": 7}}
    assert issues[0]["severity"] == "major"
    assert issues[2]["severity"] == "critical"
    assert issues[2]["description"] == "gone (hint: fix the name)"
    assert len({i["fingerprint"] for i in issues}) == 3
