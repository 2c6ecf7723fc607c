"""Reporters turn a Report into text: a registry of name -> class, joined by later formats."""

from __future__ import annotations

from opsgov.reporters.base import Reporter
from opsgov.reporters.github import GithubReporter
from opsgov.reporters.gitlab import GitlabReporter
from opsgov.reporters.json import JsonReporter
from opsgov.reporters.junit import JunitReporter
from opsgov.reporters.markdown import MarkdownReporter
from opsgov.reporters.sarif import SarifReporter
from opsgov.reporters.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
    "github": GithubReporter,
    "markdown": MarkdownReporter,
    "gitlab": GitlabReporter,
}

__all__ = ["REPORTERS", "Reporter"]
