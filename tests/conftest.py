from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.util import write_repo


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """`repo({"ops/units.yaml": "..."})` writes a tiny repository (on top of util.BASE) and returns its root."""

    def make(files: dict[str, str], *, base: bool = True) -> Path:
        return write_repo(tmp_path, files, base=base)

    return make
