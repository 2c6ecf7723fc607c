"""Every rule documents itself: `opsgov rules ID` is the user manual, so it must be complete."""

from __future__ import annotations

import inspect
import re
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.rules import REGISTRY
from opsgov.rules.base import Rule

RULES = list(REGISTRY.values())
NO_EXAMPLE = {"file-unreadable", "internal-error"}
"""An unreadable file or a bug in opsgov has no YAML that shows it; every other rule, reading ones too, has one."""
EXAMPLED = [r for r in RULES if r.id not in NO_EXAMPLE]


def examples(docs: str) -> dict[str, str]:
    """The indented blocks under `Passes:` and `Fails:`, dedented."""
    found: dict[str, str] = {}
    for match in re.finditer(r"^(Passes|Fails):\n((?:[ \t]+.*\n?|\n)+)", docs, re.MULTILINE):
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
    assert set(found) == {"Passes", "Fails"}, f"{rule.id}: docs need indented 'Passes:' and 'Fails:' examples"
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
