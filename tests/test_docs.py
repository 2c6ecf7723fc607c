"""The reference in docs/ says what the code does: generated parts are current, every name is there."""

from __future__ import annotations

import re
from pathlib import Path

import click

from opsgov import cli_reference
from opsgov.facts import FACTS, compute_facts
from opsgov.rules import REGISTRY
from opsgov.rules.docs import generated
from tests.util import check_repo

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    written = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert written == generated(), (
        "docs/rules.md is out of date with the rules' docs: regenerate it with "
        "`.venv/bin/python -m opsgov.rules.docs -o docs/rules.md`"
    )


def test_every_rule_has_its_own_anchor_in_docs_rules_md() -> None:
    """SARIF's helpUri and the README link `docs/rules.md#<id>`: one `### <id>` heading per rule."""
    headings = re.findall(r"^### (.+)$", (DOCS / "rules.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert headings == list(REGISTRY)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", h) for h in headings)  # GitHub anchors: the id itself


def test_every_fact_a_policy_sees_is_documented() -> None:
    """compute_facts gives each entity exactly the facts FACTS documents (docs/rules.md is made from it)."""
    model = check_repo(ROOT).model
    assert model is not None
    facts = compute_facts(model, FACTS)
    seen: dict[str, set[str]] = {}
    for key, named in facts.items():
        kind = key.partition("/")[0]
        assert set(named) == set(FACTS[kind]), f"{key}: facts {sorted(named)} but FACTS[{kind!r}] documents others"
        seen.setdefault(kind, set()).add(key)
    assert set(seen) == set(FACTS), "the example has an entity of every kind with facts"


def test_docs_cli_md_says_what_every_command_says_about_itself() -> None:
    """Usage, help and options of every command are copied from click into docs/cli.md."""
    written = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert written == cli_reference.render(written), (
        "docs/cli.md is out of date with the commands' options or help (or lacks a command): regenerate "
        "its generated blocks with `.venv/bin/python -m opsgov.cli_reference docs/cli.md`"
    )


def test_every_command_and_option_appears_in_docs_cli_md() -> None:
    """Belt and braces for the test above: every command has a section, every option its flags."""
    written = (DOCS / "cli.md").read_text(encoding="utf-8")
    for path, command, ctx in cli_reference.commands():
        assert f"## `{path}`" in written, f"docs/cli.md has no section for {path}"
        for param in command.get_params(ctx):
            for flag in (*param.opts, *param.secondary_opts) if isinstance(param, click.Option) else ():
                assert re.search(rf"`[^`]*{re.escape(flag)}\b", written), f"docs/cli.md does not name {path} {flag}"
