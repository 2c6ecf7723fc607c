"""Reporters turn a Report into text: a registry of name -> class, joined by later formats."""

from __future__ import annotations

from opsgov.reporters.base import Reporter
from opsgov.reporters.json import JsonReporter
from opsgov.reporters.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
}

__all__ = ["REPORTERS", "Reporter"]
