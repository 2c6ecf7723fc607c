"""The reference in docs/ says what the code does: generated parts are current, every name is there."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from opsgov import cli_reference
from opsgov.config.project import load_settings
from opsgov.model.facts import FACTS, compute_facts
from opsgov.rules import REGISTRY
from opsgov.rules.docs import generated
from tests.util import TODAY, check_repo, write_repo

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


def _sections(text: str) -> dict[str, str]:
    """`## Heading` -> the text up to the next `## ` heading."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _properties(node: Any, schema: dict[str, Any], envelope: dict[str, Any]) -> Iterator[str]:
    """Every property name a schema allows below `node`, following $refs (but not into metadata)."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            yield from _properties(schema["$defs"][ref.rpartition("/")[2]], schema, envelope)
        elif ref.startswith("envelope.json#/$defs/") and not ref.endswith("/metadata"):
            yield from _properties(envelope["$defs"][ref.rpartition("/")[2]], envelope, envelope)
        for name, sub in (node.get("properties") or {}).items():
            yield name
            yield from _properties(sub, schema, envelope)
        for key in ("items", "additionalProperties"):
            yield from _properties(node.get(key), schema, envelope)
        for key in ("oneOf", "anyOf", "allOf"):
            for sub in node.get(key) or ():
                yield from _properties(sub, schema, envelope)


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    return loaded


def _names(name: str, text: str) -> bool:
    """`name`, `spec.name` or `{name: ...}`: the field is named in code style."""
    return re.search(rf"`[^`\n]*(?<![\w-]){re.escape(name)}(?![\w-])[^`\n]*`", text) is not None


def test_docs_format_md_describes_every_field_of_every_kind() -> None:
    """Each kind's section names every field its JSON Schema allows; opsgov.yaml's section every key."""
    sections = _sections((DOCS / "format.md").read_text(encoding="utf-8"))
    envelope = _schema("envelope.json")
    for kind in envelope["$defs"]["kind"]["enum"]:
        schema = _schema(f"{kind.lower()}.json")
        assert kind in sections, f"docs/format.md has no '## {kind}' section"
        for name in set(_properties(schema["properties"]["spec"], schema, envelope)):
            assert _names(name, sections[kind]), f"docs/format.md does not describe {kind} field {name}"
    document = sections["A document"]
    for name, sub in envelope["$defs"]["metadata"]["properties"].items():
        fields = [name, *(f"{name}.{inner}" for inner in sub.get("properties", ()))]  # reviewed.on, reviewed.by
        for field in fields:
            assert f"metadata.{field}`" in document, f"docs/format.md does not describe metadata.{field}"
    config = _schema("config.json")
    configuration = sections["opsgov.yaml: the project configuration"]
    for name in set(_properties(config, config, envelope)):
        assert _names(name, configuration), f"docs/format.md does not describe opsgov.yaml key {name}"


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("index", range(len(_yaml_blocks((DOCS / "format.md").read_text(encoding="utf-8")))))
def test_every_example_in_docs_format_md_is_valid(index: int, tmp_path: Path) -> None:
    """A reader copies the examples: each reads strictly and meets its schema (opsgov.yaml: its config)."""
    block = _yaml_blocks((DOCS / "format.md").read_text(encoding="utf-8"))[index]
    if "apiVersion:" not in block:  # the opsgov.yaml example
        (tmp_path / "opsgov.yaml").write_text(block, encoding="utf-8")
        for folder in ("ops", "policies"):
            (tmp_path / folder).mkdir()
        load_settings(tmp_path, as_of=TODAY)  # raises ConfigError when it is not valid
        return
    report = check_repo(write_repo(tmp_path, {"ops/example.yaml": block}, base=False))
    broken = [f for f in report.findings if f.rule in ("yaml-syntax", "yaml-strict", "schema")]
    assert not broken, f"example {index} of docs/format.md is not valid: {broken}"
    assert report.documents == block.count("apiVersion:")


SHARED_SPECS = re.compile(r"\b(?:FORMAT|CHECKS|CLI|MEASURED)\.md\b")
"""The specs opsgov was first written from, which live outside the repository."""


def test_the_code_and_docs_cite_the_repositorys_own_reference() -> None:
    """A citation must be readable by whoever has the repository: docs/format.md, rules.md, cli.md, design.md."""
    files = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for folder in ("src", "docs", "benchmarks"):
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix not in (".png", ".pyc")]
    cited = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if SHARED_SPECS.search(line)
    ]
    assert not cited, f"cite docs/format.md, docs/rules.md, docs/cli.md or docs/design.md instead: {cited}"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_between_the_docs_lead_somewhere() -> None:
    """Every relative link of README.md and docs/*.md names a file that exists and, after #, a heading of it."""
    broken = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            linked = (page.parent / file).resolve() if file else page
            if not linked.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.MULTILINE)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken
