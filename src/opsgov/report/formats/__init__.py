"""Reporters turn a Report into text: a registry of name -> class, joined by later formats."""

from __future__ import annotations

from opsgov.report.formats.base import Reporter
from opsgov.report.formats.github import GithubReporter
from opsgov.report.formats.gitlab import GitlabReporter
from opsgov.report.formats.json import JsonReporter
from opsgov.report.formats.junit import JunitReporter, JunitStrictReporter
from opsgov.report.formats.markdown import MarkdownReporter
from opsgov.report.formats.sarif import SarifReporter
from opsgov.report.formats.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
    "junit-strict": JunitStrictReporter,
    "github": GithubReporter,
    "markdown": MarkdownReporter,
    "gitlab": GitlabReporter,
}

__all__ = ["REPORTERS", "Reporter"]
