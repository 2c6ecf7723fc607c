"""SCIM 2.0 (RFC 7643) Users and Groups JSON -> a roster, read as `opsgov import` reads a table.

Each active User is one row: its department (enterprise extension `department`, else the first
Group it is a member of) is the unit, `title` the post, `displayName` (else `name.formatted`, else
`userName`) the holder, `id` the employee id, and the enterprise `manager.value` (the manager's
User id) the reports-to. Users of one department with the same title and manager share one post.
A finding points at the line of the User in the JSON file.
"""

from __future__ import annotations

import json
from typing import Any

from opsgov.i18n import _
from opsgov.tables.columns import Columns
from opsgov.tables.read import Sheet, TableError
from opsgov.tables.roster import Roster, build_roster

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
FIELDS = ("unit", "position", "reports_to", "name", "person_code")


def _resources(data: Any, display: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if isinstance(data, dict) and isinstance(data.get("Resources"), list):
        items = data["Resources"]
    elif isinstance(data, dict) and ("Users" in data or "Groups" in data):
        items = [*(data.get("Users") or []), *(data.get("Groups") or [])]
    elif isinstance(data, list):
        items = data
    else:
        raise TableError(
            _("{file}: not SCIM JSON (a ListResponse with Resources, or a list of Users and Groups)").format(
                file=display
            )
        )
    users: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        schemas = item.get("schemas") or []
        if GROUP in schemas or ("members" in item and "userName" not in item):
            groups.append(item)
        elif USER in schemas or "userName" in item:
            users.append(item)
    if not users:
        raise TableError(_("{file}: no SCIM User in the file").format(file=display))
    return users, groups


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _display_name(user: dict[str, Any]) -> str:
    name = user.get("name") if isinstance(user.get("name"), dict) else {}
    assert isinstance(name, dict)
    formatted = _text(name.get("formatted")) or (_text(name.get("familyName")) + _text(name.get("givenName")))
    return _text(user.get("displayName")) or formatted or _text(user.get("userName"))


def scim_roster(display: str, text: str) -> Roster:
    """The roster of a SCIM export; rows are the Users, numbered by the line each starts on in the file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TableError(
            _("{file}: line {line}, column {column}: not valid JSON ({error})").format(
                file=display, line=error.lineno, column=error.colno, error=error.msg
            )
        ) from None
    users, groups = _resources(data, display)
    group_of: dict[str, str] = {}
    for group in groups:
        for member in group.get("members") or []:
            if isinstance(member, dict) and isinstance(member.get("value"), str):
                group_of.setdefault(member["value"], _text(group.get("displayName")))
    rows: list[tuple[int, list[str]]] = []
    position = 0
    for user in users:
        if user.get("active") is False:
            continue
        user_id = _text(user.get("id")) or _text(user.get("userName"))
        found = text.find(json.dumps(user_id, ensure_ascii=False), position)
        if found < 0:
            found = text.find(json.dumps(user_id), position)
        position = max(found, position)
        line = text.count("\n", 0, position) + 1
        extension = user.get(ENTERPRISE) if isinstance(user.get(ENTERPRISE), dict) else {}
        assert isinstance(extension, dict)
        manager = extension.get("manager") if isinstance(extension.get("manager"), dict) else {}
        assert isinstance(manager, dict)
        department = _text(extension.get("department")) or group_of.get(user_id, "")
        rows.append(
            (line, [department, _text(user.get("title")), _text(manager.get("value")), _display_name(user), user_id])
        )
    sheet = Sheet(display, "", rows, lines=True)  # findings say `line N` of the JSON file, not a cell
    return build_roster(sheet, Columns("roster", 0, {name: i for i, name in enumerate(FIELDS, start=1)}))
