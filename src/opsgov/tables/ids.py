"""Valid, readable, unique ids (metadata.name) from codes and titles.

A code (`D-01`, `P0101`, `HR_02`) keeps its letters and digits: `d-01`, `p0101`, `hr-02`. A title
becomes pinyin (`运营管理中心` -> `yun-ying-guan-li-zhong-xin`), via pypinyin rather than a table of
our own: it knows 40,000 characters and the readings of polyphones in common words (重庆 chong-qing,
银行 yin-hang), which a hand-written table would get wrong. An id that is taken gets a suffix
(`-2`, `-3`) in the order rows appear, so the same table always gives the same ids.
"""

from __future__ import annotations

import re
import unicodedata

NAME_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
MAX_LENGTH = 63
_NON_ID = re.compile(r"[^a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _pinyin(text: str) -> str:
    if not _HAN.search(text):
        return text
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.NORMAL, errors="default"))


def slug(text: str, fallback: str = "x") -> str:
    """A valid id from a code or a title: lower case ASCII letters, digits and single hyphens, at most 63."""
    ascii_text = unicodedata.normalize("NFKD", _pinyin(unicodedata.normalize("NFKC", text)))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    value = _NON_ID.sub("-", ascii_text).strip("-")
    if len(value) > MAX_LENGTH:
        value = value[:MAX_LENGTH].rstrip("-")
    return value or fallback


class Namer:
    """Hands out unique ids: the first asker of a slug gets it, later ones a numbered suffix."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        name = wanted
        number = 2
        while name in self.taken:
            suffix = f"-{number}"
            name = wanted[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
            number += 1
        self.taken.add(name)
        return name
