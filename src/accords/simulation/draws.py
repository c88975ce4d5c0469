"""The pipeline's random draws, in one place, so a model can be fed fixed draws instead.

Every random number the monthly model uses after the population is drawn comes through a
`Draws`: entries per month, months to a final order, stays, court challenges and their
outcomes. Persons are named by their index (entry order), so a source of fixed per-person
draws (tests/simulation's equivalence test with the event-by-event model) answers the same
question the same way whichever model asks, in whatever order. `RandomDraws` is the seeded
generator every run uses; the order of its calls is part of what makes a seed reproducible.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from accords.simulation.plan import Destination, Plan
from accords.simulation.scenario import Distribution

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Draws(Protocol):
    def entries(self, persons: int) -> IntArray:
        """Entrants per month (at most `persons` in all)."""
        ...

    def months_to_final_order(self, ids: IntArray) -> IntArray:
        """Months from entry to the final order (at least 1), per person."""
        ...

    def stay_months(self, destination: int, ids: IntArray) -> IntArray:
        """How long each person is held by the destination (at least 1)."""
        ...

    def challenged(self, ids: IntArray) -> BoolArray:
        """Whether each routed case is challenged in court."""
        ...

    def court(self, ids: IntArray) -> tuple[IntArray, BoolArray]:
        """Each challenge's delay in months (at least 1), and whether it blocks the transfer."""
        ...


def _months(rng: np.random.Generator, mean: float, size: int, geometric: bool) -> IntArray:
    if not geometric:
        return np.full(size, max(1, round(mean)), dtype=np.int64)
    return rng.geometric(1.0 / mean, size).astype(np.int64, copy=False)


class RandomDraws:
    """Draws from one seeded generator, in the order the model asks for them."""

    def __init__(self, plan: Plan, rng: np.random.Generator) -> None:
        self.rng = rng
        self.horizon = plan.horizon
        self.pipeline = plan.scenario.pipeline
        self.destinations: tuple[Destination, ...] = plan.destinations

    def entries(self, persons: int) -> IntArray:
        h, mean = self.horizon, self.pipeline.entries_per_month
        if mean is None:
            return self.rng.multinomial(persons, np.full(h, 1.0 / h)).astype(np.int64)
        counts = self.rng.poisson(mean, h).astype(np.int64)
        cum = np.minimum(np.cumsum(counts), persons)
        return np.diff(np.concatenate([[0], cum]))

    def months_to_final_order(self, ids: IntArray) -> IntArray:
        geometric = self.pipeline.final_order_distribution is Distribution.GEOMETRIC
        return _months(self.rng, self.pipeline.months_to_final_order, ids.size, geometric)

    def stay_months(self, destination: int, ids: IntArray) -> IntArray:
        dest = self.destinations[destination]
        assert dest.stay_months is not None
        return _months(self.rng, dest.stay_months, ids.size, dest.stay_geometric)

    def challenged(self, ids: IntArray) -> BoolArray:
        return self.rng.random(ids.size) < self.pipeline.share_challenged

    def court(self, ids: IntArray) -> tuple[IntArray, BoolArray]:
        delay = self.rng.geometric(1.0 / self.pipeline.court_delay_months, ids.size)
        blocked = self.rng.random(ids.size) < self.pipeline.court_block_probability
        return delay.astype(np.int64), blocked


def _geometric_from(uniform: npt.NDArray[np.float64], mean: float) -> IntArray:
    """A geometric count (at least 1, mean `mean`) from a uniform draw, by its inverse CDF."""
    if mean <= 1.0:
        return np.ones(uniform.size, dtype=np.int64)
    months = np.ceil(np.log1p(-uniform) / np.log1p(-1.0 / mean))
    out: IntArray = np.maximum(months, 1).astype(np.int64)
    return out


class CommonDraws:
    """Per-person draws made once, so two plans on one population meet the same numbers.

    This is what "common random numbers" means for a with/without comparison: each person gets
    one entry month, one final-order delay, one challenge draw, one court delay and outcome, and
    one stay draw, whatever the plan does with them, so a difference between the two runs comes
    from the agreements compared and not from the luck of the draw. A person routed twice
    (re-queued after court) meets the same court draws again. `for_plan` gives the same draws to
    another plan (stays take each destination's own mean from the same uniform draw).
    """

    def __init__(self, plan: Plan, rng: np.random.Generator, persons: int) -> None:
        pipeline = plan.scenario.pipeline
        self.plan = plan
        self._entries = RandomDraws(plan, rng).entries(persons)
        geometric = pipeline.final_order_distribution is Distribution.GEOMETRIC
        self._final = _months(rng, pipeline.months_to_final_order, persons, geometric)
        self._challenge = rng.random(persons)
        self._court_delay = rng.geometric(1.0 / pipeline.court_delay_months, persons).astype(
            np.int64
        )
        self._court_block = rng.random(persons)
        self._stay = rng.random(persons)

    def for_plan(self, plan: Plan) -> CommonDraws:
        """The same per-person draws, read for another plan (e.g. one without an agreement)."""
        other = object.__new__(CommonDraws)
        other.__dict__.update(self.__dict__)
        other.plan = plan
        return other

    def entries(self, persons: int) -> IntArray:
        return self._entries

    def months_to_final_order(self, ids: IntArray) -> IntArray:
        return self._final[ids]

    def stay_months(self, destination: int, ids: IntArray) -> IntArray:
        dest = self.plan.destinations[destination]
        assert dest.stay_months is not None
        if not dest.stay_geometric:
            return np.full(ids.size, max(1, round(dest.stay_months)), dtype=np.int64)
        return _geometric_from(self._stay[ids], dest.stay_months)

    def challenged(self, ids: IntArray) -> BoolArray:
        return self._challenge[ids] < self.plan.scenario.pipeline.share_challenged

    def court(self, ids: IntArray) -> tuple[IntArray, BoolArray]:
        blocked = self._court_block[ids] < self.plan.scenario.pipeline.court_block_probability
        return self._court_delay[ids], blocked
