"""The monthly microsimulation of one replica: whole-array steps, one engine call per month.

Time is discrete, in months m = 0..H-1; each month is evaluated on its 15th. A replica is a
`ReplicaState` (the persons as arrays, each destination's capacities) that each month passes
through one function per step, in this order (`run_steps` is the loop):

1. `refill`      each destination's caps on transfers: a cap whose period starts this month
                 counts from zero again. A destination that can take nobody this month or ever
                 after (a total reached, a cap of 0, its term over, no places at all) is no
                 option from this month on: its cases go elsewhere or are blocked, exactly as
                 if it were not in the scenario.
2. `release`     stays that end this month leave the receiver; if an agreement is no longer in
                 force, everyone it holds is released at once.
3. `court_outcomes`  challenges that end this month: blocked (reason "court"; a reserved place
                 is freed), or transferred if the destination still permits the case and its
                 caps have room (in whole batches where it has a batch size), else re-queued.
4. `enter`       this month's entrants join the sender's custody.
5. `decide`      cases whose final order falls this month join the queue. Every queued case is
                 checked on its RECORD against every destination, by the engine, on this
                 month's day; a case no destination permits is released from custody
                 ("blocked"), counted under each reason that failed for it under an agreement
                 in force.
6. `route`       the queue, in entry order (FIFO), is offered to each destination in order:
                 returns to the person's own country first, and only for those a return
                 permits; then third countries in the scenario's priority order. A destination
                 takes a case while its caps have room left in their period and it has a free
                 place (`Counter`, `Places` in `accords.simulation.capacity`); a place stays
                 reserved while its case is in court.
7. `court_draws` a share of routed cases is challenged: the transfer waits a delay and is then
                 blocked with a probability; unchallenged cases are transferred now, in whole
                 batches where the destination has a batch size (the rest wait in the queue).
8. `record`      end-of-month series; the month's charges (`accords.simulation.costs`).

Every random number after the population's comes from a `Draws` (`accords.simulation.draws`),
so the same steps can run on fixed draws. Outcomes are counted on the TRUE attributes: a
transfer of a true citizen of the sender, or of a person truly protected against the receiver,
is wrongful.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from accords.engine.reasons import REASONS
from accords.simulation.capacity import Counter, Holding, Places, room, whole_batches
from accords.simulation.costs import Ledger
from accords.simulation.draws import CommonDraws, Draws, RandomDraws
from accords.simulation.memory import return_large_blocks
from accords.simulation.plan import Destination, Plan
from accords.simulation.population import (
    CHUNK,
    Index,
    Population,
    from_frame,
    index_dtype,
    synthesize,
)
from accords.simulation.series import SERIES, KeyKind
from accords.simulation.verdicts import MonthVerdicts, monthly_verdicts

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

PROCESSING, WAITING, COURT, TRANSFERRED, BLOCKED = 0, 1, 2, 3, 4


@dataclass
class ReplicaResult:
    """One replica's monthly series: `series[name][key]` is an array over months."""

    replica: int
    series: dict[str, dict[str, npt.NDArray[np.float64]]]
    population_label: str
    synthetic: bool
    persons: int
    profiles: int
    notes: list[str] = field(default_factory=list)
    # The same replica without the agreements compared (`Plan.without`), on the same draws.
    without: ReplicaResult | None = None


def build_population(plan: Plan, rng: np.random.Generator) -> Population:
    scenario = plan.scenario
    spec = scenario.population
    if plan.population is not None and spec.file is not None:
        frame = plan.population
        return from_frame(
            frame,
            scenario.sender,
            scenario.record_errors,
            rng,
            f"population file {spec.file.name} ({frame.height:,} persons)",
        )
    assert spec.synthetic is not None
    return synthesize(spec.synthetic, scenario.sender, scenario.record_errors, rng)


# The series of one value per month that the steps count (see `accords.simulation.series`).
MONTH_COUNTS = tuple(s.name for s in SERIES.values() if s.key is KeyKind.NONE and s.same_as is None)


@dataclass
class Tally:
    """The monthly series as they are counted: `[destination, month]`, or `[month]`."""

    transfers: FloatArray
    stock: FloatArray
    released_stay: FloatArray
    released_end: FloatArray
    by_nationality: FloatArray  # [nationality, month]
    counts: dict[str, FloatArray]
    blocked_by_reason: defaultdict[str, FloatArray]

    @classmethod
    def empty(cls, destinations: int, nationalities: int, horizon: int) -> Tally:
        return cls(
            transfers=np.zeros((destinations, horizon)),
            stock=np.zeros((destinations, horizon)),
            released_stay=np.zeros((destinations, horizon)),
            released_end=np.zeros((destinations, horizon)),
            by_nationality=np.zeros((nationalities, horizon)),
            counts={k: np.zeros(horizon) for k in MONTH_COUNTS},
            blocked_by_reason=defaultdict(lambda: np.zeros(horizon)),
        )


@dataclass
class ReplicaState:
    """Everything one replica changes from month to month, person by person in arrays.

    Persons are indexed in entry order (only those who enter within the horizon); `status`
    holds each one's place in the pipeline (PROCESSING, WAITING, COURT, TRANSFERRED, BLOCKED).
    Per destination, `counters` (one per cap), `places` and `holdings` (None where the
    receiver holds nobody) are the capacities of `accords.simulation.capacity`.
    """

    plan: Plan
    population: Population
    draws: Draws
    entries: IntArray  # [month]: entrants
    entered_by: IntArray  # [month]: entrants up to and including the month
    by_final: Index  # persons in order of their final-order month (stable: entry order)
    final_bounds: IntArray  # [month + 1]: where each month's final orders start in `by_final`
    status: npt.NDArray[np.int8]
    profile: Index  # [person]: row in the population's profiles (what the engine sees)
    nationality: Index
    true_citizen: BoolArray
    challengeable: BoolArray  # [destination]: its routings can be challenged in court
    counters: list[list[Counter]]
    places: list[Places]
    holdings: list[Holding | None]
    # [month]: challenges that end that month (ids, destination, blocked)
    court_due: list[list[tuple[IntArray, int, BoolArray]]]
    tally: Tally
    ledger: Ledger
    custody: int = 0
    in_court: int = 0

    @classmethod
    def start(cls, plan: Plan, population: Population, draws: Draws) -> ReplicaState:
        """The state before month 0: entry and final-order months drawn, nobody in custody."""
        h, dests = plan.horizon, plan.destinations
        pipeline = plan.scenario.pipeline
        entries = draws.entries(population.size)
        entered_by = np.cumsum(entries)
        entered = int(entered_by[-1])
        by_final, final_bounds = by_month(final_months(draws, entries, h), h + 1)
        return cls(
            plan=plan,
            population=population,
            draws=draws,
            entries=entries,
            entered_by=entered_by,
            by_final=by_final,
            final_bounds=final_bounds,
            status=np.full(entered, PROCESSING, dtype=np.int8),
            profile=population.profile[:entered],
            nationality=population.nationality[:entered],
            true_citizen=population.true_citizen[:entered],
            challengeable=np.array(
                [
                    (pipeline.challenge_returns or not d.is_return)
                    and pipeline.share_challenged > 0
                    for d in dests
                ],
                dtype=bool,
            ),
            counters=[[Counter(limit) for limit in d.limits] for d in dests],
            places=[Places(d.places) for d in dests],
            holdings=[Holding(h) if holds(d) else None for d in dests],
            court_due=[[] for _ in range(h)],
            tally=Tally.empty(len(dests), len(population.nationality_codes), h),
            ledger=Ledger(plan.cost_lines(), len(dests), h, plan.scenario.costs.days_per_month),
        )

    @property
    def entered(self) -> int:
        return int(self.status.size)

    def closed(self, month: int) -> BoolArray:
        """[destination]: can take nobody this month or ever after (see step 1)."""
        return np.array(
            [
                d.places == 0 or d.batch == 0 or any(c.exhausted(month) for c in counters)
                for d, counters in zip(self.plan.destinations, self.counters, strict=True)
            ],
            dtype=bool,
        )

    def stock(self) -> IntArray:
        """[destination]: persons each receiver holds now."""
        return np.array([0 if h is None else h.stock for h in self.holdings], dtype=np.int64)


SORT_CHUNK = 1 << 18  # persons sorted at a time by `by_month` (2 MB of 64-bit positions)


def final_months(draws: Draws, entries: IntArray, horizon: int) -> npt.NDArray[np.int16]:
    """Each entrant's final-order month (`horizon`: beyond it), in 16 bits (a horizon is at
    most 600 months), drawn CHUNK persons at a time so that no array of 8 bytes per person is
    made (the draws are the same as in one call)."""
    entered = int(entries.sum())
    entry = np.repeat(np.arange(horizon, dtype=np.int16), entries)
    final = np.empty(entered, dtype=np.int16)
    for lo in range(0, entered, CHUNK):
        hi = min(entered, lo + CHUNK)
        months = draws.months_to_final_order(np.arange(lo, hi, dtype=np.int64))
        final[lo:hi] = np.minimum(entry[lo:hi] + months, horizon)
    return final


def by_month(
    months: npt.NDArray[np.int16], bins: int, chunk: int = SORT_CHUNK
) -> tuple[Index, IntArray]:
    """Persons grouped by month, in id order within a month (what a stable argsort gives), and
    where each month's group starts: a stable sort of `chunk` persons at a time, each
    chunk's run of a month copied after the same month's runs of the chunks before it, so the
    order is in the narrowest integer type that holds the ids, never 8 bytes per person."""
    n = int(months.size)
    bounds = np.zeros(bins + 1, dtype=np.int64)
    np.cumsum(np.bincount(months, minlength=bins), out=bounds[1:])
    order = np.empty(n, dtype=index_dtype(n))
    at = bounds[:-1].copy()  # the next free position of each month's group
    for lo in range(0, n, chunk):
        part = months[lo : lo + chunk]
        local = np.argsort(part, kind="stable")  # 16-bit keys: a radix sort
        local += lo
        here = np.bincount(part, minlength=bins)
        start = 0
        for v in np.flatnonzero(here):
            k = int(here[v])
            order[at[v] : at[v] + k] = local[start : start + k]
            start += k
            at[v] += k
    return order, bounds[:bins]


# ---- what happens to cases, used by several steps ------------------------------------------


def transfer(state: ReplicaState, ids: IntArray, d: int, m: int) -> None:
    """The cases leave the sender's custody for destination `d`, which may hold them."""
    k = int(ids.size)
    if k == 0:
        return
    tally = state.tally
    state.status[ids] = TRANSFERRED
    state.custody -= k
    for counter in state.counters[d]:
        counter.take(k)
    tally.transfers[d, m] += k
    tally.by_nationality[:, m] += np.bincount(
        state.nationality[ids], minlength=tally.by_nationality.shape[0]
    )
    citizen = state.true_citizen[ids]
    receiver = state.plan.destinations[d].receiver
    protected = state.population.truly_protected_against(receiver, ids) & ~citizen
    tally.counts["wrongful_citizen"][m] += np.count_nonzero(citizen)
    tally.counts["wrongful_protected"][m] += np.count_nonzero(protected)
    tally.counts["wrongful"][m] += np.count_nonzero(citizen | protected)
    holding = state.holdings[d]
    if holding is not None:
        held_for = (
            state.draws.stay_months(d, ids)
            if state.plan.destinations[d].stay_months is not None
            else None
        )
        holding.admit(k, m, held_for)
    state.ledger.on_transfer(d, k, m)


def requeue(state: ReplicaState, ids: IntArray, d: int, m: int) -> None:
    """Cases that cannot leave for `d` now wait in the queue again; their places are freed."""
    if not ids.size:
        return
    state.status[ids] = WAITING
    state.tally.counts["requeued"][m] += ids.size
    state.places[d].free(int(ids.size))


def leave(state: ReplicaState, d: int, k: int, m: int, *, ended: bool) -> None:
    """`k` persons leave receiver `d` (their stay ended, or the agreement did)."""
    holding = state.holdings[d]
    if k <= 0 or holding is None:
        return
    holding.leave(k)
    state.places[d].free(k)
    (state.tally.released_end if ended else state.tally.released_stay)[d, m] += k
    state.ledger.on_release(d, k, m)


def block(state: ReplicaState, ids: IntArray, m: int, verdicts: MonthVerdicts) -> None:
    """No destination permits these cases: released from custody, counted under each reason."""
    k = int(ids.size)
    if k == 0:
        return
    tally = state.tally
    state.status[ids] = BLOCKED
    state.custody -= k
    tally.counts["blocked"][m] += k
    per_profile = np.bincount(state.profile[ids], minlength=verdicts.fail_union.size)
    present = np.flatnonzero(per_profile)
    for code, spec in REASONS.items():
        failed = (verdicts.fail_union[present] & spec.bit) != 0
        if failed.any():
            tally.blocked_by_reason[code][m] += per_profile[present][failed].sum()
        unknown = (verdicts.unknown_union[present] & spec.bit) != 0
        if unknown.any():
            tally.blocked_by_reason[spec.unknown_code][m] += per_profile[present][unknown].sum()


# ---- the monthly steps, in the order of the module docstring --------------------------------


def depart(state: ReplicaState, ids: IntArray, d: int, m: int) -> None:
    """Cases cleared to leave for `d`: those that fit its caps leave, in whole batches where
    it has a batch size; the others wait in the queue again."""
    fit = room(state.counters[d], m, int(ids.size))
    go = whole_batches(fit, state.plan.destinations[d].batch)
    requeue(state, ids[go:], d, m)
    transfer(state, ids[:go], d, m)


def refill(state: ReplicaState, m: int) -> None:
    """1. Each cap whose period starts this month counts from zero again."""
    for counters in state.counters:
        for counter in counters:
            counter.start(m)


def release(state: ReplicaState, m: int, verdicts: MonthVerdicts) -> None:
    """2. Stays that end this month; everyone held under an agreement no longer in force."""
    for d, holding in enumerate(state.holdings):
        if holding is None:
            continue
        leave(state, d, holding.ending(m), m, ended=False)
        if not verdicts.in_force[d] and holding.stock > 0:
            holding.clear_after(m)
            leave(state, d, holding.stock, m, ended=True)


def court_outcomes(state: ReplicaState, m: int, verdicts: MonthVerdicts) -> None:
    """3. Challenges that end this month: blocked, transferred, or back in the queue.

    Court-cleared cases leave before this month's routing, in the order their challenges
    began, as far as the destination's caps allow (`depart`); over the caps, or if the
    destination no longer permits the case, they wait in the queue again.
    """
    cleared: defaultdict[int, list[IntArray]] = defaultdict(list)
    for ids, d, blocked in state.court_due[m]:
        state.in_court -= ids.size
        k = int(np.count_nonzero(blocked))
        state.places[d].free(k)
        state.status[ids[blocked]] = BLOCKED
        state.custody -= k
        state.tally.counts["court_blocked"][m] += k
        rest = ids[~blocked]
        still = verdicts.eligible[state.profile[rest], d]
        requeue(state, rest[~still], d, m)
        cleared[d].append(rest[still])
    for d, parts in cleared.items():
        depart(state, np.concatenate(parts), d, m)
    state.court_due[m] = []


def enter(state: ReplicaState, m: int) -> None:
    """4. This month's entrants join the sender's custody."""
    state.custody += int(state.entries[m])


def decide(state: ReplicaState, m: int, verdicts: MonthVerdicts) -> IntArray:
    """5. Final orders join the queue; cases no destination permits are blocked.

    Returns the queue (ids in entry order) of cases some destination permits.
    """
    new = state.by_final[state.final_bounds[m] : state.final_bounds[m + 1]]
    state.tally.counts["decided"][m] = new.size
    state.status[new] = WAITING
    queue = np.flatnonzero(state.status[: state.entered_by[m]] == WAITING)
    routable = verdicts.routable[state.profile[queue]]
    block(state, queue[~routable], m, verdicts)
    return queue[routable]


def route(
    state: ReplicaState, m: int, verdicts: MonthVerdicts, queue: IntArray
) -> list[tuple[IntArray, int]]:
    """6. The queue, first come first served, offered to each destination in order.

    Returns the cases routed to each destination (ids, destination index).
    """
    free = np.ones(queue.size, dtype=bool)
    profiles = state.profile[queue]
    routed: list[tuple[IntArray, int]] = []
    for d in range(len(state.plan.destinations)):
        if not queue.size:
            break
        limit = state.places[d].room(room(state.counters[d], m, int(queue.size)))
        if limit <= 0:
            continue
        pos = np.flatnonzero(verdicts.eligible[profiles, d] & free)[:limit]
        if not pos.size:
            continue
        free[pos] = False
        state.places[d].reserve(int(pos.size))
        routed.append((queue[pos], d))
    state.tally.counts["queue"][m] = np.count_nonzero(free)
    return routed


def court_draws(state: ReplicaState, m: int, routed: list[tuple[IntArray, int]]) -> None:
    """7. A share of routed cases is challenged and waits; the others are transferred now.

    Challenges still open at the horizon stay in court (and in custody).
    """
    h = state.plan.horizon
    for ids, d in routed:
        if state.challengeable[d]:
            challenged = state.draws.challenged(ids)
        else:
            challenged = np.zeros(ids.size, dtype=bool)
        c_ids = ids[challenged]
        if c_ids.size:
            state.tally.counts["court_challenged"][m] += c_ids.size
            delay, blocked = state.draws.court(c_ids)
            state.status[c_ids] = COURT
            state.in_court += int(c_ids.size)
            due = m + delay
            for mm in np.unique(due[due < h]):
                sel = due == mm
                state.court_due[int(mm)].append((c_ids[sel], d, blocked[sel]))
        depart(state, ids[~challenged], d, m)


def record(state: ReplicaState, m: int, verdicts: MonthVerdicts) -> None:
    """8. End-of-month series, and the month's charges on stocks."""
    stock = state.stock()
    state.tally.stock[:, m] = stock
    state.tally.counts["in_court"][m] = state.in_court
    state.tally.counts["custody"][m] = state.custody
    state.ledger.on_month_end(m, state.custody, stock, verdicts.in_force)


def run_replica(plan: Plan, replica: int, seed: np.random.SeedSequence) -> ReplicaResult:
    """Simulate one replica; the same plan and seed always give the same series."""
    return_large_blocks()
    rng = np.random.default_rng(seed)
    population = build_population(plan, rng)
    if plan.without is None:
        return run_steps(plan, replica, population, RandomDraws(plan, rng))
    # A comparison: both plans on one population and one set of per-person draws.
    draws = CommonDraws(plan, rng, population.size)
    result = run_steps(plan, replica, population, draws)
    result.without = run_steps(plan.without, replica, population, draws.for_plan(plan.without))
    return result


def run_steps(plan: Plan, replica: int, population: Population, draws: Draws) -> ReplicaResult:
    """The months of one replica, step by step, on a population drawn and a source of draws."""
    state = ReplicaState.start(plan, population, draws)
    state.tally.counts["entries"][:] = state.entries
    for m, engine in enumerate(monthly_verdicts(plan, population)):
        refill(state, m)
        verdicts = engine.opened(state.closed(m))
        release(state, m, verdicts)
        court_outcomes(state, m, verdicts)
        enter(state, m)
        queue = decide(state, m, verdicts)
        routed = route(state, m, verdicts, queue)
        court_draws(state, m, routed)
        record(state, m, verdicts)
    return replica_result(state, replica)


def holds(destination: Destination) -> bool:
    """Whether the receiver holds the persons it takes (it has places, or stays)."""
    return destination.places is not None or destination.stay_months is not None


def replica_result(state: ReplicaState, replica: int) -> ReplicaResult:
    """The replica's monthly series, by name and key."""
    population, entered = state.population, state.entered
    n = population.size
    return ReplicaResult(
        replica=replica,
        series=series(state.plan, population, state.tally, state.ledger),
        population_label=population.label,
        synthetic=population.synthetic,
        persons=n,
        profiles=population.profiles.height,
        notes=[] if entered == n else [f"{n - entered:,} persons had not entered by the horizon"],
    )


def series(
    plan: Plan, population: Population, tally: Tally, ledger: Ledger
) -> dict[str, dict[str, FloatArray]]:
    """The monthly series by name and key, from what was counted and charged."""
    dests, h = plan.destinations, plan.horizon
    lines, line_cost = ledger.lines, ledger.amounts
    out: dict[str, dict[str, FloatArray]] = {k: {"": v} for k, v in tally.counts.items()}
    out["transfers"] = {d.key: tally.transfers[i] for i, d in enumerate(dests)}
    out["transfers"]["all"] = tally.transfers.sum(axis=0)
    out["transfers_by_nationality"] = {
        code: tally.by_nationality[i]
        for i, code in enumerate(population.nationality_codes)
        if tally.by_nationality[i].any()
    }
    held = [i for i, d in enumerate(dests) if holds(d)]
    out["stock"] = {dests[i].key: tally.stock[i] for i in held}
    out["places"] = {
        dests[i].key: np.full(h, float(dests[i].places or 0))
        for i in held
        if dests[i].places is not None
    }
    out["capacity_use"] = {
        dests[i].key: tally.stock[i] / float(dests[i].places or 1) for i in held if dests[i].places
    }
    out["released_stay"] = {dests[i].key: tally.released_stay[i] for i in held}
    out["released_agreement_end"] = {dests[i].key: tally.released_end[i] for i in held}
    out["blocked_by_reason"] = dict(sorted(tally.blocked_by_reason.items()))
    out["cost_item"] = {
        f"{line.key}|{line.currency}": line_cost[i] for i, (_, line) in enumerate(lines)
    }
    currencies = sorted({line.currency for _, line in lines})
    out["cost_month"] = {
        c: sum(
            (line_cost[i] for i, (_, line) in enumerate(lines) if line.currency == c), np.zeros(h)
        )
        for c in currencies
    }
    out["cost_cum"] = {c: np.cumsum(v) for c, v in out["cost_month"].items()}
    for name, spec in SERIES.items():
        if spec.same_as is not None:
            out[name] = {k: v.copy() for k, v in out[spec.same_as].items()}
    return {name: out[name] for name in SERIES}  # every declared series, in declared order
