"""One way to print a figure for a person, in the terminal, the web pages and reports alike.

Whole numbers and anything of 10 or more are shown without decimals (with thousands
separators); smaller fractions, such as a capacity share or a median between two replicas,
to two places. A value that is not a finite number is shown as such, never as a made-up one.
Counts of people are whole numbers (`people`: a percentile of a count is rounded), and sums of
money large enough to be hard to read are shown in millions or billions (`money`).

A negative figure has a real minus sign (U+2212, `−84`): a hyphen reads as a dash, and a
range of two negatives as a row of them (`-85–-84`). Every range is written by `span`, which
says "to" between bounds when either is negative: `−85 to −84`.

Tables that set two runs' medians side by side, with the change between them, show each median
as `median_cell` writes it and the change as `median_change` works it out from the figures
shown, so the change a reader sees is always the shown B minus the shown A.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

MINUS = "\u2212"


def _signed(text: str) -> str:
    """A formatted number with a real minus sign; one that rounds to zero has none ("0", not
    "−0")."""
    if not text.startswith("-"):
        return text
    if not any(c in "123456789" for c in text):
        return text[1:]
    return MINUS + text[1:]


def figure(value: float) -> str:
    """`1234.0` → "1,234"; `0.5` → "0.50"; `3.0` → "3"; `-84.0` → "−84"; NaN → "nan"."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) or abs(value) >= 10:
        return _signed(f"{value:,.0f}")
    return _signed(f"{value:,.2f}")


def people(value: float) -> str:
    """A count of people, rounded to a whole person: `8.9` → "9"; `1234.4` → "1,234"."""
    if not math.isfinite(value):
        return str(value)
    return _signed(f"{round(value):,}")


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
    text = _signed(text)
    return f"{text} {currency}" if currency else text


def span(low: str, high: str) -> str:
    """A range between two figures as written: "9–15"; "−85 to −84" when either bound is
    negative, where an en dash beside a minus sign would read as one more."""
    joint = " to " if low.startswith(MINUS) or high.startswith(MINUS) else "–"
    return f"{low}{joint}{high}"


def band(stats: Mapping[str, float], *, currency: str | None = None, labelled: bool = True) -> str:
    """A median with the range that holds 90% of replicas: `12 (5–95%: 9–15)`.

    People by default (rounded); money when `currency` is given ("" for an amount whose
    currency is said elsewhere). One figure alone when the range is a single value. Without
    `labelled`, the range is bare (`12 (9–15)`), for a table whose heading names it.
    """

    def one(value: float) -> str:
        return people(value) if currency is None else money(value, "")

    low, mid, high = one(stats["p5"]), one(stats["p50"]), one(stats["p95"])
    range_ = span(low, high) if not labelled else f"5–95%: {span(low, high)}"
    text = mid if low == high else f"{mid} ({range_})"
    return f"{text} {currency}" if currency else text


def _places(value: float, millions: bool) -> int:
    """The decimals a comparison table shows a median with. People: none for a whole number,
    one for a median between two replicas' counts (over an even number of replicas, 2.5),
    which rounded to a whole person would read 2 or 3 and leave the change beside it
    unexplained. Money, in millions: one place, two under a million."""
    if millions:
        return 2 if abs(value) < 1 else 1
    return 0 if round(value, 1).is_integer() else 1


def _fixed(value: float, places: int) -> str:
    if not math.isfinite(value):
        return str(value)
    return _signed(f"{value:,.{places}f}")


def median(value: float) -> str:
    """A median of counts of people, as comparison tables and chart hovers show it: whole, or
    to one place between two replicas' counts: `3.0` → "3"; `2.5` → "2.5"."""
    return _fixed(value, _places(value, False))


def median_cell(
    stats: Mapping[str, float], *, millions: bool = False, row: Sequence[float] = ()
) -> str:
    """A comparison table's cell: the median (`_places`) and the bare range that holds 90% of
    replicas, `2.5 (1–4)`; one figure alone when the range is a single value. People's bounds
    are whole persons. Money (`millions`: divided by a million, the row's label says so) has
    its bounds to the median's places, the finest among the medians of its `row` (in full
    units): 3.42 beside a change of 0.47, not 3.4, which would leave the change unexplained."""
    scale = 1e6 if millions else 1.0
    mid = stats["p50"] / scale
    places = (
        max(_places(v / scale, True) for v in (stats["p50"], *row))
        if millions
        else _places(mid, False)
    )

    def bound(value: float) -> str:
        return _fixed(value / scale, places) if millions else people(value)

    low, high = bound(stats["p5"]), bound(stats["p95"])
    text = _fixed(mid, places)
    return text if low == high else f"{text} ({span(low, high)})"


def median_change(a: float, b: float, *, millions: bool = False) -> str:
    """The change from median `a` to median `b` as their cells show them (`median_cell`, each
    with the other as its `row`): each rounded as shown, the difference to the finer of their
    places, signed ("+2.5", "0")."""
    scale = 1e6 if millions else 1.0
    a, b = a / scale, b / scale
    if not (math.isfinite(a) and math.isfinite(b)):
        return str(b - a)
    places_a, places_b = _places(a, millions), _places(b, millions)
    if millions:  # one row's money, to one number of places
        places_a = places_b = max(places_a, places_b)
    places = max(places_a, places_b)
    change = round(round(b, places_b) - round(a, places_a), places)
    if change == 0:
        return "0"
    text = _fixed(change, places)
    return text if change < 0 else f"+{text}"
