"""Every rule documents itself: `opsgov rules ID` is the user manual, so it must be complete."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.rules import REGISTRY
from opsgov.rules.base import Rule
from tests.util import BASE, check_repo, only, rules_of, write_repo

RULES = list(REGISTRY.values())
NO_EXAMPLE = {"file-unreadable", "internal-error"}
"""An unreadable file or a bug in opsgov has no YAML that shows it; every other rule, reading ones too, has one."""
EXAMPLED = [r for r in RULES if r.id not in NO_EXAMPLE]


def examples(docs: str) -> dict[str, str]:
    """The indented blocks under `Given:`, `Passes:` and `Fails:`, dedented."""
    found: dict[str, str] = {}
    for match in re.finditer(r"^(Given|Passes|Fails):\n((?:[ \t]+.*\n?|\n)+)", docs, re.MULTILINE):
        found[match.group(1)] = textwrap.dedent(match.group(2))
    return found


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_has_a_description_and_docs(rule: Rule) -> None:
    assert rule.description.strip(), f"{rule.id} has no one-line description"
    assert "\n" not in rule.description.strip(), f"{rule.id}: the description is one line in `opsgov rules`"
    assert rule.docs.strip(), f"{rule.id} has no docs"
    assert rule.level in ("error", "warning", "info")


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_opsgov_rules_id_prints_the_docs(rule: Rule) -> None:
    result = CliRunner().invoke(main, ["rules", rule.id], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith(f"{rule.id} ({rule.level}, {rule.family})")
    assert rule.docs.strip().splitlines()[0].strip() in result.output


@pytest.mark.parametrize("rule", EXAMPLED, ids=[r.id for r in EXAMPLED])
def test_every_rule_shows_a_passing_and_a_failing_example_in_yaml(rule: Rule) -> None:
    found = examples(inspect.cleandoc(rule.docs))  # as `opsgov rules ID` prints it
    assert set(found) - {"Given"} == {"Passes", "Fails"}, f"{rule.id}: docs need 'Passes:' and 'Fails:' examples"
    for label, block in found.items():
        assert block.strip(), f"{rule.id}: the {label} example is empty"
        if rule.id == "yaml-syntax" and label == "Fails":
            with pytest.raises(yaml.YAMLError):  # the one example that must not parse
                list(yaml.safe_load_all(block))
            continue
        try:
            list(yaml.safe_load_all(block))
        except yaml.YAMLError as error:
            pytest.fail(f"{rule.id}: the {label} example is not YAML: {error}")


def _documents(text: str) -> list[str]:
    return [chunk for chunk in re.split(r"^---[ \t]*\n", text, flags=re.MULTILINE) if chunk.strip()]


def _identity(document: str) -> tuple[object, object] | None:
    """(kind, name) of a document, None when it does not parse (the yaml-syntax example)."""
    try:
        data = yaml.safe_load(document)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
        return None
    return data.get("kind"), data["metadata"].get("name")


def example_repository(found: dict[str, str], label: str) -> dict[str, str]:
    """The files an example is checked as (the convention in opsgov.rules.base): util.BASE, then
    `Given:`, then the example, each in its own file; a base or Given document that the example
    defines again (same kind and name) is left out; `apiVersion: opsgov/v1` is implied."""
    mine = _documents(found[label])
    redefined = {_identity(document) for document in mine} - {None}
    files: dict[str, str] = {}
    for rel, text in (*BASE.items(), ("ops/given.yaml", found.get("Given", "")), ("ops/example.yaml", found[label])):
        kept = [d for d in _documents(textwrap.dedent(text)) if d in mine or _identity(d) not in redefined]
        if not kept:  # an empty file is a finding of its own (schema: the file holds no document)
            continue
        files[rel] = "---\n".join(d if d.startswith("apiVersion:") else "apiVersion: opsgov/v1\n" + d for d in kept)
    return files


UNREADABLE = {"yaml-syntax", "yaml-strict", "schema", "duplicate-name", "dangling-ref", "ambiguous-ref"}
"""Findings that leave a document out of the analysis or point at a broken one: a Passes example
showing one would pass only because it was never really read."""

NOT_FROM_CHECK = {"table-row", "hr-drift"}
"""Reported by `opsgov import` and `opsgov sync`, never by a check: tests/tables/ run their examples."""

CASES = [
    pytest.param(r, label, id=f"{r.id}-{label.lower()}")
    for r in EXAMPLED
    if r.id not in NOT_FROM_CHECK
    for label in ("Passes", "Fails")
]


@pytest.mark.parametrize(("rule", "label"), CASES)
def test_every_example_does_what_the_docs_say(rule: Rule, label: str, tmp_path: Path) -> None:
    """The manual is behaviour: each Fails example raises its rule, each Passes example does not
    (and is read in full); sqlfluff runs its YAML rule cases the same way."""
    files = example_repository(examples(inspect.cleandoc(rule.docs)), label)
    report = check_repo(write_repo(tmp_path, files, base=False))
    raised = only(report, rule.id)
    if label == "Fails":
        assert raised, f"{rule.id}: the Fails example raises only {rules_of(report)}"
        assert all(f.file.startswith("ops/") for f in raised)
    else:
        assert not raised, f"{rule.id}: the Passes example raises it: {raised}"
        broken = [f for f in report.findings if f.rule in UNREADABLE]
        assert not broken, f"{rule.id}: the Passes example is not read in full: {broken}"
