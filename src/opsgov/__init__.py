"""opsgov: governance as code. An organisation declared in YAML, proved coherent.

The public API (docs/api.md) is what `__all__` names:

    import datetime, opsgov
    report = opsgov.check("path/to/repo", today=datetime.date(2026, 11, 27))
    model = opsgov.load("path/to/repo")

The implementation lives in the modules behind these names (opsgov.api, opsgov.pipeline,
opsgov.report, opsgov.model, opsgov.rules). They are imported on first use, so `import opsgov`
and `opsgov --version` stay as quick as importing Click.
"""

from __future__ import annotations

import importlib
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "REGISTRY",
    "ConfigError",
    "Entity",
    "Finding",
    "Model",
    "Related",
    "Report",
    "Rule",
    "__version__",
    "check",
    "load",
    "rule",
]

_LAZY = {
    "check": "opsgov.api",
    "ConfigError": "opsgov.config.settings",
    "Report": "opsgov.report.report",
    "Finding": "opsgov.report.finding",
    "Related": "opsgov.report.finding",
    "Model": "opsgov.model.entities",
    "Entity": "opsgov.model.entities",
    "Rule": "opsgov.rules.base",
    "rule": "opsgov.rules.base",
    "REGISTRY": "opsgov.rules",
}

if TYPE_CHECKING:
    from opsgov.api import check, load
    from opsgov.config.settings import ConfigError
    from opsgov.model.entities import Entity, Model
    from opsgov.report.finding import Finding, Related
    from opsgov.report.report import Report
    from opsgov.rules import REGISTRY
    from opsgov.rules.base import Rule, rule


class _LoadPackage(types.ModuleType):
    """`opsgov.load` is the package of the load stage (opsgov/load/) and, called, `opsgov.api.load`.

    Python binds a subpackage to its parent's attribute of the same name whenever it is
    imported, so a function `opsgov.load` would be replaced by the package as soon as anything
    loads a file. The package is therefore made callable instead: `opsgov.load(path)` returns
    the model, `opsgov.load.compose` is still the composer.
    """

    def __call__(self, path: Any, *, as_of: Any) -> Any:
        return importlib.import_module("opsgov.api").load(path, as_of=as_of)


from opsgov import load as _load_package  # noqa: E402  (the package's __init__ is a docstring: nothing to pay)

_load_package.__class__ = _LoadPackage


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'opsgov' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next access is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
