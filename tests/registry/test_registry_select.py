"""Choosing agreements by id: order kept, repeats ignored, unknown ids named."""

from __future__ import annotations

import pytest

from accords.registry.loader import load_registry


def test_an_agreement_named_twice_is_selected_once_in_the_order_given() -> None:
    registry = load_registry()
    chosen = registry.select(["usa-slv-2025", "gbr-rwa-2022", "usa-slv-2025"])
    assert [a.id for a in chosen] == ["usa-slv-2025", "gbr-rwa-2022"]


def test_an_unknown_id_is_named_with_the_closest_known_ones() -> None:
    with pytest.raises(KeyError, match="usa-slv-2025"):
        load_registry().select(["usa-slv-2052"])
