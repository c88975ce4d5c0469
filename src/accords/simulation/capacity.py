"""What limits a destination, each with its semantics in one line (the SimPy habit).

- `Limit` / `Counter`: at most `people` transfers (departures to the receiver) within each
  period; the count starts again at zero when a new period starts. A total is one period that
  never ends (`final`): once reached, nobody more is ever sent. A cap counts people sent, not
  people routed: a case in court uses no room until it leaves.
- `Places`: places held at once; a place is reserved when a case is routed, kept through its
  court challenge and its stay, and freed when the case is blocked, re-queued or released.
  `None` places means no limit.
- `whole_batches`: with a batch size, a group of departures leaves in whole batches only.
- `Holding`: the persons a receiver holds; each leaves at the end of a drawn stay, or all at
  once when the agreement is no longer in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

NOT_APPLIED = -1  # the period of a month in which a limit does not apply (outside its dates)


@dataclass(frozen=True)
class Limit:
    """At most `people` transfers within each period: `period[m]` is month m's period.

    A month whose period is `NOT_APPLIED` is not limited. `final`: the period never ends (a
    total, or the end of an agreement's term, which is a limit of 0 from that month on).
    `what` says in words what the limit is and where it comes from, for the run's provenance.
    """

    people: int
    period: tuple[int, ...]
    final: bool
    what: str


@dataclass
class Counter:
    """Transfers counted against one `Limit` in its current period."""

    limit: Limit
    sent: int = 0
    current: int = NOT_APPLIED

    def start(self, month: int) -> None:
        """At a month's start: a new period starts counting again from zero."""
        period = self.limit.period[month]
        if period != NOT_APPLIED and period != self.current:
            self.current, self.sent = period, 0

    def room(self, month: int, wanted: int) -> int:
        """How many of `wanted` transfers fit in what is left of the period."""
        if self.limit.period[month] == NOT_APPLIED:
            return wanted
        return min(wanted, max(0, self.limit.people - self.sent))

    def take(self, k: int) -> None:
        self.sent += k

    def exhausted(self, month: int) -> bool:
        """No transfer can ever fit again: a final limit reached, or a limit of 0 in force."""
        applies = self.limit.period[month] != NOT_APPLIED
        reached = self.sent >= self.limit.people
        return applies and reached and (self.limit.final or self.limit.people == 0)


def room(counters: list[Counter], month: int, wanted: int) -> int:
    """How many of `wanted` transfers fit under every limit at once."""
    for counter in counters:
        wanted = counter.room(month, wanted)
    return wanted


def whole_batches(k: int, batch: int | None) -> int:
    """How many of `k` departures leave when only whole batches go (all of them without one)."""
    return k if batch is None else k - k % batch


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
