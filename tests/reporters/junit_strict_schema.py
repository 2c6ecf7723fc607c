"""Jenkins' strict JUnit schema as data, and a checker of a tree against it.

Transcribed from junit-4.xsd of Jenkins' dtkit (also shipped as
platform-tests/src/test/resources/jenkins-junit.xsd in junit-team/junit5, commit 58dd10f7): the
elements, their required and optional attributes, and the sequence of children each may hold.
`skipped`, `system-out` and `system-err` are plain `xs:string` elements (text, no attributes, no
children); `failure` and `error` are mixed content with optional `type` and `message`. An element
or attribute the XSD does not declare is an error, as in an XSD validator.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

UNBOUNDED = 1 << 30


@dataclass(frozen=True)
class Element:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    children: tuple[tuple[str, int, int], ...] = ()
    """The xs:sequence: (element, minOccurs, maxOccurs) in order."""
    text: bool = False


def _attrs(*names: str) -> frozenset[str]:
    return frozenset(names)


SCHEMA = {
    "testsuites": Element(
        optional=_attrs("name", "time", "tests", "failures", "disabled", "errors"),
        children=(("testsuite", 0, UNBOUNDED),),
    ),
    "testsuite": Element(
        required=_attrs("name", "tests"),
        optional=_attrs("failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname", "id", "package"),
        children=(("properties", 0, 1), ("testcase", 0, UNBOUNDED), ("system-out", 0, 1), ("system-err", 0, 1)),
    ),
    "properties": Element(children=(("property", 1, UNBOUNDED),)),
    "property": Element(required=_attrs("name", "value")),
    "testcase": Element(
        required=_attrs("name"),
        optional=_attrs("assertions", "time", "classname", "status"),
        children=(
            ("skipped", 0, 1),
            ("error", 0, UNBOUNDED),
            ("failure", 0, UNBOUNDED),
            ("system-out", 0, UNBOUNDED),
            ("system-err", 0, UNBOUNDED),
        ),
    ),
    "failure": Element(optional=_attrs("type", "message"), text=True),
    "error": Element(optional=_attrs("type", "message"), text=True),
    "skipped": Element(text=True),
    "system-out": Element(text=True),
    "system-err": Element(text=True),
}
ROOTS = ("testsuites", "testsuite")
"""Every global element of the XSD may be the document's root; a report is one of these two."""


def errors(root: ET.Element) -> list[str]:
    """Everything in the tree that the strict schema rejects, as `path: problem` lines."""
    if root.tag not in ROOTS:
        return [f"{root.tag}: not a JUnit report root"]
    found: list[str] = []
    _check(root, root.tag, found)
    return found


def _check(node: ET.Element, where: str, found: list[str]) -> None:
    rule = SCHEMA.get(node.tag)
    if rule is None:
        found.append(f"{where}: element {node.tag} is not in the schema")
        return
    attributes = set(node.attrib)
    found.extend(f"{where}: missing attribute {name}" for name in sorted(rule.required - attributes))
    found.extend(
        f"{where}: attribute {name} is not allowed" for name in sorted(attributes - rule.required - rule.optional)
    )
    if not rule.text and (node.text or "").strip():
        found.append(f"{where}: text is not allowed")
    children = list(node)
    if rule.text and not rule.children and children:
        found.append(f"{where}: child elements are not allowed")
        return
    position = 0
    for name, least, most in rule.children:
        count = 0
        while position < len(children) and children[position].tag == name:
            _check(children[position], f"{where}/{name}", found)
            count += 1
            position += 1
        if count < least:
            found.append(f"{where}: needs at least {least} {name}")
        if count > most:
            found.append(f"{where}: at most {most} {name}, found {count}")
    if position < len(children):
        found.append(f"{where}: {children[position].tag} is not allowed here (sequence order)")
