"""The one did-you-mean helper and the one collector pause."""

from __future__ import annotations

import gc

import pytest

from opsgov import collector
from opsgov.rules import REGISTRY
from opsgov.suggest import RULE_IDS, close_matches, closest


def test_names_take_a_typo() -> None:
    assert closest("finanse", ["finance", "ops"]) == "finance"


def test_rule_ids_take_only_a_typo_not_a_sibling_of_the_family() -> None:
    ids = list(REGISTRY)
    assert closest("duty-overlapp", ids, cutoff=RULE_IDS) == "duty-overlap"
    assert closest("duty-gap", ids) == "duty-overlap"  # at NAMES a sibling passes for a typo
    assert closest("duty-gap", ids, cutoff=RULE_IDS) is None


def test_similar_length_skips_names_far_longer_or_shorter() -> None:
    assert closest("ops", ["ops-center-of-excellence"], cutoff=0.1) == "ops-center-of-excellence"
    assert closest("ops", ["ops-center-of-excellence"], cutoff=0.1, similar_length=True) is None
    assert close_matches("financ", ["finance", "financial", "f"], n=3, similar_length=True) == ["finance", "financial"]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_pause_restores_what_it_found(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with collector.paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError), collector.paused():
            raise ValueError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
