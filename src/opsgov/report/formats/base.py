"""The reporter interface."""

from __future__ import annotations

from typing import ClassVar

from opsgov.report.report import Report


class Reporter:
    """Renders a whole report at once; the result is written atomically by the caller."""

    name: ClassVar[str] = ""

    def render(self, report: Report) -> str:
        raise NotImplementedError
