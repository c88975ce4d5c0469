"""A capacity term in words, as the agreement page and `agreements show` print it."""

from __future__ import annotations

import pytest

from accords.registry.describe import capacity_text
from accords.registry.models import Capacity

SOURCE = {"url": "https://example.org/capacity", "quote": "Synthetic term for the tests."}


@pytest.mark.parametrize(
    ("months", "words"),
    [(1, "at most 3,000 sent in each month"), (3, "at most 3,000 sent in each 3 months")],
)
def test_a_limit_per_period_reads_in_months(months: int, words: str) -> None:
    capacity = Capacity.model_validate(
        {
            "kind": "transfers_per_period",
            "people": 3000,
            "period_months": months,
            "label": "a monthly quota",
            "sources": [SOURCE],
        }
    )
    assert capacity_text(capacity).startswith(f"{words} — a monthly quota")
