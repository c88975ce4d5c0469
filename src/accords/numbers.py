"""One way to print a figure for a person, in the terminal, the web pages and reports alike.

Whole numbers and anything of 10 or more are shown without decimals (with thousands
separators); smaller fractions, such as a capacity share or a median between two replicas,
to two places. A value that is not a finite number is shown as such, never as a made-up one.
"""

from __future__ import annotations

import math


def figure(value: float) -> str:
    """`1234.0` → "1,234"; `0.5` → "0.50"; `3.0` → "3"; NaN → "nan"."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) or abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:,.2f}"
