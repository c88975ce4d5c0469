"""What limits a destination, each with its semantics in one line (the SimPy habit).

- `Slots`: transfers a destination takes in a month; refilled at each month's start, unused
  slots do not carry over. `None` per month means no limit.
- `Places`: places held at once; a place is reserved when a case is routed, kept through its
  court challenge and its stay, and freed when the case is blocked, re-queued or released.
  `None` places means no limit.
- `Holding`: the persons a receiver holds; each leaves at the end of a drawn stay, or all at
  once when the agreement is no longer in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass
class Slots:
    """Transfers per month: refilled at each month's start; unused slots do not carry over."""

    per_month: int | None
    left: int | None = None

    def refill(self) -> None:
        self.left = self.per_month

    def room(self, wanted: int) -> int:
        """How many of `wanted` transfers fit in what is left this month."""
        return wanted if self.left is None else min(wanted, max(0, self.left))

    def take(self, k: int) -> None:
        if self.left is not None:
            self.left -= k


@dataclass
class Places:
    """Places held at once: reserved at routing, kept through court and stay, freed on exit."""

    places: int | None
    reserved: int = 0

    def room(self, wanted: int) -> int:
        """How many of `wanted` cases can still reserve a place (may be 0)."""
        return wanted if self.places is None else min(wanted, self.places - self.reserved)

    def reserve(self, k: int) -> None:
        if self.places is not None:
            self.reserved += k

    def free(self, k: int) -> None:
        if self.places is not None:
            self.reserved -= k


@dataclass
class Holding:
    """Persons a receiver holds: each leaves when its stay ends, or all when the agreement ends."""

    horizon: int
    stock: int = 0
    # [month]: stays that end that month; index `horizon` collects those that end after it
    due: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.due = np.zeros(self.horizon + 1, dtype=np.int64)

    def admit(self, k: int, month: int, stays: IntArray | None) -> None:
        """`k` persons arrive in `month`; with `stays` (months each), they leave when it ends."""
        self.stock += k
        if stays is not None:
            self.due += np.bincount(
                np.minimum(month + stays, self.horizon), minlength=self.horizon + 1
            )

    def ending(self, month: int) -> int:
        """How many stays end in `month`."""
        return int(self.due[month])

    def clear_after(self, month: int) -> None:
        """Forget the stays scheduled after `month` (everyone is released now)."""
        self.due[month + 1 :] = 0

    def leave(self, k: int) -> None:
        self.stock -= k
