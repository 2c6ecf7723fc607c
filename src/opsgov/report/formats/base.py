"""The reporter interface."""

from __future__ import annotations

from typing import ClassVar

from opsgov.i18n import speaking
from opsgov.report.report import Report


class Reporter:
    """Renders a whole report at once; the result is written atomically by the caller.

    `render` speaks the report's language (Report.lang, the run's) while `write` words the
    summary, so every format says it in the language of its messages, whenever it is rendered.
    """

    name: ClassVar[str] = ""

    def render(self, report: Report) -> str:
        with speaking(report.lang):
            return self.write(report)

    def write(self, report: Report) -> str:
        raise NotImplementedError
