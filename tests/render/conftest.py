from __future__ import annotations

from collections.abc import Iterator

import pytest

from opsgov.i18n import speaking


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """Renders here speak Chinese, as `opsgov render` does for the fixtures' zh-CN organisation (its
    `spec.locale`); a test of another language speaks it inside its own `speaking` block."""
    with speaking("zh_CN"):
        yield
