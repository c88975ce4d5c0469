"""One way to print a figure for a person, in the terminal, the web pages and reports alike.

Whole numbers and anything of 10 or more are shown without decimals (with thousands
separators); smaller fractions, such as a capacity share or a median between two replicas,
to two places. A value that is not a finite number is shown as such, never as a made-up one.
Counts of people are whole numbers (`people`: a percentile of a count is rounded), and sums of
money large enough to be hard to read are shown in millions or billions (`money`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def figure(value: float) -> str:
    """`1234.0` → "1,234"; `0.5` → "0.50"; `3.0` → "3"; NaN → "nan"."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) or abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def people(value: float) -> str:
    """A count of people, rounded to a whole person: `8.9` → "9"; `1234.4` → "1,234"."""
    if not math.isfinite(value):
        return str(value)
    return f"{round(value):,}"


def share(value: float) -> str:
    """A share as a whole percentage, so a column of shares reads alike: `0.994` → "99%"."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:.0%}"


def money(value: float, currency: str = "") -> str:
    """`2.5e9` → "2.50 billion USD"; `4.2e6` → "4.2 million USD"; smaller sums in full."""
    if not math.isfinite(value):
        return str(value)
    size = abs(value)
    if size >= 1e9:
        text = f"{value / 1e9:,.2f} billion"
    elif size >= 1e6:
        text = f"{value / 1e6:,.1f} million"
    else:
        text = f"{value:,.0f}"
    return f"{text} {currency}" if currency else text


def band(stats: Mapping[str, float], *, currency: str | None = None, labelled: bool = True) -> str:
    """A median with the range that holds 90% of replicas: `12 (5–95%: 9–15)`.

    People by default (rounded); money when `currency` is given ("" for an amount whose
    currency is said elsewhere). One figure alone when the range is a single value. Without
    `labelled`, the range is bare (`12 (9–15)`), for a table whose heading names it.
    """

    def one(value: float) -> str:
        return people(value) if currency is None else money(value, "")

    low, mid, high = one(stats["p5"]), one(stats["p50"]), one(stats["p95"])
    range_ = f"{low}–{high}" if not labelled else f"5–95%: {low}–{high}"
    text = mid if low == high else f"{mid} ({range_})"
    return f"{text} {currency}" if currency else text
