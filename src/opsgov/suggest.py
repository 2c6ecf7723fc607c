"""The one "did you mean" helper: the closest spellings of a word among the known ones.

Two cutoffs (difflib's similarity ratio, 0..1), chosen by what is being named:

- `NAMES` (0.6, difflib's own default): entity names, YAML fields, unit types, policy names.
  A typo, a missing or doubled letter, a transposition (`finanse` -> `finance`).
- `RULE_IDS` (0.75): rule ids, `opsgov.yaml` keys, option names and choices. Rule ids share long
  prefixes (`duty-`, `approval-`, `dangling-`), so at 0.6 an unrelated id of the same family would
  be suggested; at 0.75 only a typo of one id is.

`similar_length` first drops the candidates whose length differs by more than 3: a ratio above
0.6 is then still possible for every kept name, and the comparison stays cheap when the known
names are every entity of a 100,000-post organisation.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from opsgov.i18n import _

NAMES = 0.6
"""Cutoff for names of entities, fields, unit types and policies."""
RULE_IDS = 0.75
"""Cutoff for rule ids, opsgov.yaml keys and option names: typos only."""


def close_matches(
    word: str, known: Iterable[str], *, cutoff: float = NAMES, n: int = 1, similar_length: bool = False
) -> list[str]:
    """Up to `n` known spellings close to `word`, best first (difflib's order)."""
    candidates = [k for k in known if abs(len(k) - len(word)) <= 3] if similar_length else list(known)
    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)


def closest(word: str, known: Iterable[str], *, cutoff: float = NAMES, similar_length: bool = False) -> str | None:
    """The one closest known spelling, or None."""
    found = close_matches(word, known, cutoff=cutoff, similar_length=similar_length)
    return found[0] if found else None


def did_you_mean(close: str | None) -> str:
    """`did you mean 'ceo'?` in the run's language, or "" when nothing is close: how every message suggests."""
    return _("did you mean '{name}'?").format(name=close) if close else ""
