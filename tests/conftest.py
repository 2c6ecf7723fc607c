from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.util import write_repo

# Property tests take their example budget from one profile instead of a number each. No deadline
# anywhere: many examples run the whole CLI, and a shared 2-core machine makes any per-example
# limit flaky. `dev` is the default; CI (CI=true) runs fewer examples so `.ci/run` stays within its
# 5 minutes and prints the blob that replays a failure; HYPOTHESIS_PROFILE=thorough (10x dev) hunts.
_NO_DEADLINE = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("dev", max_examples=150, **_NO_DEADLINE)
settings.register_profile("ci", max_examples=60, print_blob=True, **_NO_DEADLINE)
settings.register_profile("thorough", max_examples=1500, **_NO_DEADLINE)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)


def pytest_report_header() -> str:
    return f"hypothesis profile: {PROFILE} (max_examples={settings.default.max_examples})"


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """`repo({"ops/units.yaml": "..."})` writes a tiny repository (on top of util.BASE) and returns its root."""

    def make(files: dict[str, str], *, base: bool = True) -> Path:
        return write_repo(tmp_path, files, base=base)

    return make
