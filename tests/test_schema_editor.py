"""The editor bundle: a field's own description on hover, Chinese descriptions, a snippet per kind."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.load.schema import (
    CATALOGUE_DOMAIN,
    KINDS,
    bundle_schemas,
    load_schemas,
    schema_dir,
    schema_texts,
    translations,
)
from opsgov.pofile import PoError, read_po, write_po

GENERIC = load_schemas()["envelope.json"]["$defs"]["ref"]["description"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def nodes(node: Any, where: str = "#") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((where, node))
        for key, value in node.items():
            if key != "defaultSnippets":
                found.extend(nodes(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(nodes(item, f"{where}/{index}"))
    return found


def test_reference_fields_keep_their_own_description_for_hover() -> None:
    """yaml-language-server shows the referred schema's words through `allOf: [$ref]`: no field may have one."""
    bundle = bundle_schemas()
    spec = bundle["definitions"]["unit"]["properties"]["spec"]["properties"]
    assert spec["parent"]["description"] == "Unit: the solid-line parent; required for every unit but the root."
    assert "allOf" not in spec["parent"] and "$ref" not in spec["parent"]
    assert spec["parent"]["pattern"].endswith("[a-z0-9])?$")  # the reference's rule is still there
    position = bundle["definitions"]["position"]["properties"]["spec"]["properties"]
    assert position["reportsTo"]["description"].startswith("Position: the solid-line manager")
    matrix = bundle["definitions"]["approvalmatrix"]["properties"]["spec"]["properties"]
    assert matrix["requesters"]["description"].startswith("Units or Positions that may raise a request")
    for where, node in nodes(bundle):
        if not isinstance(node.get("description"), str):
            continue
        assert "$ref" not in node, where
        for key in ("allOf", "oneOf", "anyOf"):
            for branch in node.get(key, []):
                assert "description" not in branch and set(branch) != {"$ref"}, (where, key)
    generic = [where for where, node in nodes(bundle) if node.get("description") == GENERIC]
    assert generic == ["#/definitions/envelope/definitions/ref"]


def test_the_zh_cn_catalogue_translates_every_description_and_nothing_else() -> None:
    """A description added to a schema without a translation fails here (scripts/update-schema-catalogue.py)."""
    catalogue = translations("zh-CN")
    texts = {text for _, text in schema_texts()}
    assert sorted(texts - set(catalogue)) == []
    assert sorted(set(catalogue) - texts) == []  # stale entries: the catalogue is regenerated, not hand-edited
    assert all(CJK.search(translated) for translated in catalogue.values())
    assert translations("zh_CN") == translations("zh") == catalogue
    assert translations("en") == {}
    with pytest.raises(LookupError, match="there are: en, zh-CN"):
        translations("fr")


def test_the_chinese_bundle_says_everything_in_chinese_and_judges_the_same() -> None:
    english, chinese = bundle_schemas(), bundle_schemas("zh-CN")
    described = [(where, node["description"]) for where, node in nodes(chinese) if "description" in node]
    assert described and all(CJK.search(text) for _, text in described if isinstance(text, str))
    parent = chinese["definitions"]["unit"]["properties"]["spec"]["properties"]["parent"]
    assert parent["description"] == "Unit：实线上级单位；除根单位外必填。"
    assert all(CJK.search(snippet["description"]) for snippet in chinese["defaultSnippets"])

    def without_words(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: without_words(v) for k, v in node.items() if k != "description" or not isinstance(v, str)}
        if isinstance(node, list):
            return [without_words(item) for item in node]
        return node

    assert without_words(chinese) == without_words(english)  # only words change, never a rule


def filled(body: Any) -> Any:
    """A snippet's body as the editor leaves it when every placeholder keeps its default."""
    if isinstance(body, dict):
        return {key: filled(value) for key, value in body.items()}
    if isinstance(body, list):
        return [filled(item) for item in body]
    if isinstance(body, str):
        whole = re.fullmatch(r"\$\{\d+:([^}]*)\}", body)
        if whole:  # the editor writes the default unquoted: a number stays a number
            default = whole.group(1)
            return int(default) if default.isdigit() else default
        return re.sub(r"\$\{\d+:([^}]*)\}", r"\1", body)
    return body


def test_a_snippet_for_a_new_document_of_each_kind_that_is_valid_as_written() -> None:
    bundle = bundle_schemas()
    snippets = bundle["defaultSnippets"]
    assert [snippet["body"]["kind"] for snippet in snippets] == list(KINDS)
    assert [snippet["label"] for snippet in snippets] == [f"opsgov {kind}" for kind in KINDS]
    validator = jsonschema.Draft7Validator(bundle)
    for snippet in snippets:
        document = filled(snippet["body"])
        assert list(validator.iter_errors(document)) == [], snippet["label"]
        placeholders = re.findall(r"\$\{(\d+):", json.dumps(snippet["body"]))
        assert placeholders[:2] == ["1", "2"], snippet["label"]  # name first, then title
    broken = filled(snippets[1]["body"])
    broken["spec"]["parnet"] = "company"
    assert list(validator.iter_errors(broken))  # the check above can fail


def test_cli_writes_the_chinese_bundle_and_refuses_what_it_cannot(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["schema", "--bundle", "--lang", "zh-CN", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "out" / "opsgov.bundle.json").read_text(encoding="utf-8"))
    assert written == bundle_schemas("zh-CN")
    unknown = runner.invoke(main, ["schema", "--bundle", "--lang", "fr"])
    assert unknown.exit_code == 2 and "no schema descriptions in 'fr'; there are: en, zh-CN" in unknown.stderr
    alone = runner.invoke(main, ["schema", "--lang", "en"])
    assert alone.exit_code == 2 and "--lang translates the editor bundle: add --bundle" in alone.stderr
    alone = runner.invoke(main, ["schema", "--lang", "zh-CN"])  # --lang is the command line's language too
    assert alone.exit_code == 2 and "--lang 用于翻译编辑器 bundle：请加上 --bundle" in alone.stderr


def test_po_files_round_trip_escapes_and_continued_lines() -> None:
    entries = [("a.json#/description", 'say "hi"\\ now', "说“你好”\\ 现在"), ("", "two\nlines", "两\n行")]
    text = write_po("Language: zh_CN", entries)
    assert read_po(text) == {'say "hi"\\ now': "说“你好”\\ 现在", "two\nlines": "两\n行"}
    continued = (
        'msgid ""\nmsgstr ""\n"Language: x\\n"\n\n'
        'msgid "a"\n"b"\nmsgstr ""\n"甲"\n"乙"\n\n'
        'msgid "untranslated"\nmsgstr ""\n'
    )
    assert read_po(continued) == {"ab": "甲乙"}
    with pytest.raises(PoError, match="line 1"):
        read_po("msgid unquoted")
    shipped = schema_dir() / "locale" / "zh_CN" / "LC_MESSAGES" / f"{CATALOGUE_DOMAIN}.po"
    assert shipped.read_text(encoding="utf-8").startswith('msgid ""\nmsgstr ""\n"Language: zh_CN\\n"')
