"""The engine's verdicts for a replica's profiles, month by month, shared across replicas.

A verdict depends on the recorded profile, the agreements and the day only, so the engine is
asked once per day and profile for everything a process runs, not once per replica: each
distinct day's answers are kept per profile key (`EngineAnswers`), keyed by what determines
them — a digest of the destinations' agreements as the engine reads them, the day, and the
synthetic population's `ProfileSpace`. Where that space is small, every profile the draws can
produce is evaluated the first time a day is asked for, so later replicas never call the
engine; where it is large, each replica's profiles not seen before are evaluated and added. A
population read from a file has no profile space and is evaluated per replica, as before.

The cache changes no result: a replica's rows are gathered from the kept answers and every
derived array (`MonthVerdicts`) is computed from them exactly as from a fresh engine call.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from accords.engine.compile import day_signature
from accords.engine.evaluate import evaluate_frame
from accords.engine.reasons import COVERAGE_BITS, LAW_BITS, STATUS_BITS
from accords.simulation.plan import Plan
from accords.simulation.population import Population, ProfileSpace

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# A space of at most this many possible profiles is evaluated whole on a day's first call
# (a few thousand rows cost the engine little more than one; building their frame, ~30 ms).
ENUMERATE_LIMIT = 4096
# What the kept answers may hold, in bytes, before the least recently used are dropped.
BUDGET = 64 << 20


@dataclass
class MonthVerdicts:
    """The engine's answer for every profile and destination on one day."""

    permitted: BoolArray  # [profile, destination]: the engine permits the case there
    returns: BoolArray  # [destination]: a return to the person's own country
    eligible: BoolArray  # [profile, destination]: the case may be routed there
    routable: BoolArray  # [profile]: at least one destination is eligible
    fail_union: IntArray  # [profile]: reasons failing under some destination in force
    unknown_union: IntArray
    in_force: BoolArray  # [destination]

    def opened(self, closed: BoolArray) -> MonthVerdicts:
        """The verdicts with the destinations in `closed` (no option this month) taken out."""
        if not closed.any():
            return self
        eligible, routable = options(self.permitted, self.returns, closed)
        return replace(self, eligible=eligible, routable=routable)


def options(
    permitted: BoolArray, returns: BoolArray, closed: BoolArray
) -> tuple[BoolArray, BoolArray]:
    """Where each profile may be routed: its own country's return where one permits it, else
    the third countries that permit it; a closed destination is no option."""
    open_permitted = permitted & ~closed[None, :]
    home = np.asarray((open_permitted & returns).any(axis=1), dtype=bool)
    eligible = open_permitted & np.where(home[:, None], returns[None, :], ~returns[None, :])
    return eligible, np.asarray(eligible.any(axis=1), dtype=bool)


@dataclass
class EngineAnswers:
    """What the engine said on one day, per profile key (ascending) and destination."""

    keys: IntArray
    permitted: BoolArray
    fail: IntArray
    unknown: IntArray

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.permitted.nbytes + self.fail.nbytes + self.unknown.nbytes

    def merged(self, other: EngineAnswers) -> EngineAnswers:
        keys = np.concatenate([self.keys, other.keys])
        order = np.argsort(keys, kind="stable")
        return EngineAnswers(
            keys[order],
            np.concatenate([self.permitted, other.permitted])[order],
            np.concatenate([self.fail, other.fail])[order],
            np.concatenate([self.unknown, other.unknown])[order],
        )

    def find(self, keys: IntArray) -> tuple[IntArray, BoolArray]:
        """Each key's row, and whether it is here at all."""
        at = np.searchsorted(self.keys, keys)
        found = at < self.keys.size
        found[found] = self.keys[at[found]] == keys[found]
        return np.minimum(at, max(self.keys.size - 1, 0)), found


def agreements_digest(plan: Plan) -> str:
    """What the engine reads of the plan: its destinations' agreements, in order."""
    digest = hashlib.sha256()
    for d in plan.destinations:
        digest.update(d.agreement.model_dump_json().encode())
        digest.update(b"\0")
    return digest.hexdigest()


class AnswerCache:
    """Engine answers per (agreements digest, day, profile space), least recently used first
    out once they hold more than `budget` bytes. Safe to share between threads (a worker may
    run replicas in several)."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self._answers: OrderedDict[tuple[str, date, ProfileSpace], EngineAnswers]
        self._answers = OrderedDict()
        self._lock = threading.Lock()
        self.engine_calls = 0

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def rows(
        self, plan: Plan, digest: str, day: date, space: ProfileSpace, keys: IntArray
    ) -> tuple[BoolArray, IntArray, IntArray]:
        """permitted, fail and unknown masks, [profile, destination], for the profiles `keys`."""
        slot = (digest, day, space)
        with self._lock:
            known = self._answers.get(slot)
            if known is not None:
                self._answers.move_to_end(slot)
        if known is None or not known.find(keys)[1].all():
            if known is not None:
                wanted = keys[~known.find(keys)[1]]
            elif space.size <= ENUMERATE_LIMIT:
                wanted = np.union1d(space.possible(), keys)
            else:
                wanted = keys
            fresh = self._evaluate(plan, day, space, wanted)
            known = fresh if known is None else known.merged(fresh)
            with self._lock:
                self._answers[slot] = known
                self._answers.move_to_end(slot)
                self._shrink()
        at, found = known.find(keys)
        assert found.all()
        return known.permitted[at], known.fail[at], known.unknown[at]

    def _evaluate(
        self, plan: Plan, day: date, space: ProfileSpace, keys: IntArray
    ) -> EngineAnswers:
        self.engine_calls += 1
        agreements = [d.agreement for d in plan.destinations]
        permitted, fail, unknown = evaluate_frame(space.frame(keys), agreements, day).masks()
        return EngineAnswers(keys.astype(np.int64), permitted, fail, unknown)

    def _shrink(self) -> None:
        total = sum(a.nbytes for a in self._answers.values())
        while total > self.budget and len(self._answers) > 1:
            _, dropped = self._answers.popitem(last=False)
            total -= dropped.nbytes


# One per process: every replica a process runs (serially, in a worker, on a Dask worker)
# shares the engine's answers.
ANSWERS = AnswerCache()


def engine_masks(
    plan: Plan, population: Population, day: date, digest: str | None = None
) -> tuple[BoolArray, IntArray, IntArray]:
    """permitted, fail and unknown masks, [profile, destination], for the population's
    profiles on `day`: from the kept answers where the population has a profile space."""
    if population.space is None or population.profile_keys is None:
        agreements = [d.agreement for d in plan.destinations]
        return evaluate_frame(population.profiles, agreements, day).masks()
    digest = digest or agreements_digest(plan)
    return ANSWERS.rows(plan, digest, day, population.space, population.profile_keys)


def month_verdicts(
    plan: Plan, population: Population, m: int, digest: str | None = None
) -> MonthVerdicts:
    k, n_dest = population.profiles.height, len(plan.destinations)
    permitted, fail, unknown = engine_masks(plan, population, plan.days[m], digest)
    in_force = ~((fail & STATUS_BITS) != 0).any(axis=0) if k else np.ones(n_dest, dtype=bool)
    returns = np.array([d.is_return for d in plan.destinations], dtype=bool)
    eligible, routable = options(permitted, returns, np.zeros(n_dest, dtype=bool))
    considered = in_force if in_force.any() else np.ones(n_dest, dtype=bool)
    bits = LAW_BITS | COVERAGE_BITS if in_force.any() else STATUS_BITS
    fail_union = np.bitwise_or.reduce(np.where(considered, fail & bits, 0), axis=1)
    unknown_union = np.bitwise_or.reduce(np.where(considered, unknown, 0), axis=1)
    return MonthVerdicts(
        permitted, returns, eligible, routable, fail_union, unknown_union, np.asarray(in_force)
    )


# [agreements digest, days]: each month's first month with the same day signatures.
_EVALUATED_MONTHS: dict[tuple[str, tuple[date, ...]], tuple[int, ...]] = {}


def evaluated_months(plan: Plan, digest: str) -> tuple[int, ...]:
    """For each month, the first month whose day has the same signature under every
    destination (`day_signature`): the month whose day the engine is asked about."""
    slot = (digest, plan.days)
    months = _EVALUATED_MONTHS.get(slot)
    if months is None:
        first: dict[object, int] = {}
        months = tuple(
            first.setdefault(tuple(day_signature(d.agreement, day) for d in plan.destinations), m)
            for m, day in enumerate(plan.days)
        )
        if len(_EVALUATED_MONTHS) >= 256:
            _EVALUATED_MONTHS.clear()
        _EVALUATED_MONTHS[slot] = months
    return months


def monthly_verdicts(plan: Plan, population: Population) -> Iterator[MonthVerdicts]:
    """Each month's verdicts, in month order.

    Verdicts change only on days a status, term, ruling or law changes (or, for ages from birth
    dates, every day): months with the same signature share one engine call.
    """
    ages_move = bool(population.profiles["birth_date"].is_not_null().any())
    digest = agreements_digest(plan)
    evaluated = range(plan.horizon) if ages_move else evaluated_months(plan, digest)
    by_month: dict[int, MonthVerdicts] = {}
    for m in range(plan.horizon):
        first = evaluated[m]
        if first not in by_month:
            by_month[first] = month_verdicts(plan, population, first, digest)
        yield by_month[first]
