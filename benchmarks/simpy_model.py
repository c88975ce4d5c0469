"""The simulator's rules as a straightforward event-by-event SimPy model.

What a modeller would write with SimPy instead of `accords.simulation.model`: one process per
person, the month's steps as phases within [m, m+1), and per destination a count of people sent
in each cap's period and a place counter. It uses the same plan, the same population and the
same monthly verdicts from the case engine (the rules of law are not what is compared), and
its random numbers come from the same kind of `Draws`, asked person by person. Counts go into
the model's own `Tally` and `Ledger`, so both give their results in the same series.

Two uses:
- tests/simulation/test_simpy_equivalence.py feeds both models the same fixed per-person draws:
  every monthly series must then be identical (costs to rounding), which checks that the
  vectorized steps implement these rules, one person at a time.
- benchmarks/simulate.py --simpy times it against the vectorized model on random draws (the two
  agree in distribution there: they ask the generator in different orders).

Time runs in ticks, 100 per month, so that phases are exact. Phases within month m:
  0   caps whose period starts count from 0     10  stays end (the person leaves the receiver)
  15  agreements no longer in force release     20  court outcomes
  25  court-cleared cases leave, within caps    30  entries
  40  final orders join the queue               50  routing, person by person in entry order
  95  record the month
A destination leaves only whole batches where it has a batch size (the rest wait); one that can
take nobody ever again (a total reached, a cap of 0, its term over, no places) is no option.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from accords.engine.reasons import REASONS
from accords.simulation.capacity import NOT_APPLIED
from accords.simulation.costs import Ledger
from accords.simulation.draws import Draws
from accords.simulation.model import MonthVerdicts, Tally, holds, monthly_verdicts, series
from accords.simulation.plan import Plan
from accords.simulation.population import Population

TICKS = 100
REFILL, STAY_ENDS, AGREEMENT_ENDS, COURT, LEAVE, ENTRY, FINAL_ORDER, ROUTE, RECORD = (
    0,
    10,
    15,
    20,
    25,
    30,
    40,
    50,
    95,
)


@dataclass
class Destination:
    """One destination's counters: people sent in each cap's period, places reserved, who it
    holds, and the cases cleared to leave in the current phase."""

    sent: list[int] = field(default_factory=list)
    period: list[int] = field(default_factory=list)
    reserved: int = 0
    held: set[int] = field(default_factory=set)
    leaving: list[int] = field(default_factory=list)


def at(month: int, phase: int) -> int:
    return month * TICKS + phase


def run_simpy(plan: Plan, population: Population, draws: Draws) -> dict[str, dict[str, np.ndarray]]:
    """One replica, event by event; the monthly series as `accords.simulation.model` gives them."""
    h, dests = plan.horizon, plan.destinations
    pipeline = plan.scenario.pipeline
    verdicts: list[MonthVerdicts] = list(monthly_verdicts(plan, population))
    protected = [population.truly_protected_against(d.receiver) for d in dests]
    tally = Tally.empty(len(dests), len(population.nationality_codes), h)
    ledger = Ledger(plan.cost_lines(), len(dests), h, plan.scenario.costs.days_per_month)
    at_dest = [
        Destination(sent=[0] * len(d.limits), period=[NOT_APPLIED] * len(d.limits)) for d in dests
    ]
    month_verdicts: list[MonthVerdicts] = []  # [m]: the engine's, with closed destinations out
    env = simpy.Environment()
    waiting: list[int] = []  # persons whose final order came, or who were re-queued
    state = {"custody": 0, "in_court": 0}
    entries = draws.entries(population.size)
    tally.counts["entries"][:] = entries
    entry = np.repeat(np.arange(h), entries)
    final_order = entry + draws.months_to_final_order(np.arange(entry.size, dtype=np.int64))

    def this_month() -> int:
        return int(env.now) // TICKS

    def one(i: int) -> np.ndarray:
        return np.array([i], dtype=np.int64)

    def room(d: int, m: int) -> int | None:
        """People destination d may still send this month under all its caps (None: no cap)."""
        left = [
            limit.people - sent
            for limit, sent in zip(dests[d].limits, at_dest[d].sent, strict=True)
            if limit.period[m] != NOT_APPLIED
        ]
        return max(0, min(left)) if left else None

    def closed(d: int, m: int) -> bool:
        dest = dests[d]
        over = any(
            limit.period[m] != NOT_APPLIED
            and sent >= limit.people
            and (limit.final or limit.people == 0)
            for limit, sent in zip(dest.limits, at_dest[d].sent, strict=True)
        )
        return dest.places == 0 or dest.batch == 0 or over

    def send_off(d: int, m: int) -> None:
        """The cases cleared to leave for d: the first whole batches within its caps go."""
        leaving, at_dest[d].leaving = at_dest[d].leaving, []
        fit = room(d, m)
        go = len(leaving) if fit is None else min(len(leaving), fit)
        batch = dests[d].batch
        if batch is not None:
            go -= go % batch
        for i in leaving[:go]:
            transfer(i, d, m)
        for i in leaving[go:]:
            requeue(i, d, m)

    def monthly() -> simpy.events.ProcessGenerator:
        for m in range(h):
            yield env.timeout(at(m, REFILL) - env.now)
            for d, dest in enumerate(dests):
                for j, limit in enumerate(dest.limits):
                    p = limit.period[m]
                    if p != NOT_APPLIED and p != at_dest[d].period[j]:
                        at_dest[d].period[j], at_dest[d].sent[j] = p, 0
            shut = np.array([closed(d, m) for d in range(len(dests))], dtype=bool)
            month_verdicts.append(verdicts[m].opened(shut))
            yield env.timeout(at(m, AGREEMENT_ENDS) - env.now)
            for d in range(len(dests)):
                if not verdicts[m].in_force[d] and at_dest[d].held:
                    k = len(at_dest[d].held)
                    at_dest[d].held.clear()
                    leave(d, k, m, ended=True)
            yield env.timeout(at(m, LEAVE) - env.now)
            for d in range(len(dests)):
                send_off(d, m)
            yield env.timeout(at(m, ROUTE) - env.now)
            route(m)
            yield env.timeout(at(m, RECORD) - env.now)
            stock = np.array([len(x.held) for x in at_dest], dtype=np.int64)
            tally.stock[:, m] = stock
            tally.counts["in_court"][m] = state["in_court"]
            tally.counts["custody"][m] = state["custody"]
            ledger.on_month_end(m, state["custody"], stock, verdicts[m].in_force)

    def leave(d: int, k: int, m: int, *, ended: bool) -> None:
        if dests[d].places is not None:
            at_dest[d].reserved -= k
        (tally.released_end if ended else tally.released_stay)[d, m] += k
        ledger.on_release(d, k, m)

    def stay(i: int, d: int, months: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(at(this_month() + months, STAY_ENDS) - env.now)
        if i in at_dest[d].held:  # not already released by the agreement's end
            at_dest[d].held.discard(i)
            leave(d, 1, this_month(), ended=False)

    def transfer(i: int, d: int, m: int) -> None:
        state["custody"] -= 1
        at_dest[d].sent = [sent + 1 for sent in at_dest[d].sent]
        tally.transfers[d, m] += 1
        tally.by_nationality[population.nationality[i], m] += 1
        citizen = bool(population.true_citizen[i])
        wronged = not citizen and bool(protected[d][i])
        tally.counts["wrongful_citizen"][m] += citizen
        tally.counts["wrongful_protected"][m] += wronged
        tally.counts["wrongful"][m] += citizen or wronged
        dest = dests[d]
        if holds(dest):
            at_dest[d].held.add(i)
            if dest.stay_months is not None:
                env.process(stay(i, d, int(draws.stay_months(d, one(i))[0])))
        ledger.on_transfer(d, 1, m)

    def requeue(i: int, d: int, m: int) -> None:
        if dests[d].places is not None:
            at_dest[d].reserved -= 1
        tally.counts["requeued"][m] += 1
        waiting.append(i)

    def court(i: int, d: int) -> simpy.events.ProcessGenerator:
        delay, blocked = draws.court(one(i))
        outcome = this_month() + int(delay[0])
        if outcome >= h:
            return  # still in court (and in custody) at the horizon
        yield env.timeout(at(outcome, COURT) - env.now)
        m = this_month()
        state["in_court"] -= 1
        if blocked[0]:
            state["custody"] -= 1
            tally.counts["court_blocked"][m] += 1
            if dests[d].places is not None:
                at_dest[d].reserved -= 1
        elif not month_verdicts[m].eligible[population.profile[i], d]:
            requeue(i, d, m)
        else:
            at_dest[d].leaving.append(i)  # leaves at LEAVE, within the caps

    def block(i: int, m: int, verdict: MonthVerdicts) -> None:
        state["custody"] -= 1
        tally.counts["blocked"][m] += 1
        p = population.profile[i]
        for code, spec in REASONS.items():
            if verdict.fail_union[p] & spec.bit:
                tally.blocked_by_reason[code][m] += 1
            if verdict.unknown_union[p] & spec.bit:
                tally.blocked_by_reason[spec.unknown_code][m] += 1

    def route(m: int) -> None:
        verdict = month_verdicts[m]
        still: list[int] = []
        routed = [0] * len(dests)  # routed this month, against the room left in each cap
        rooms = [room(d, m) for d in range(len(dests))]
        for i in sorted(waiting):
            p = population.profile[i]
            if not verdict.routable[p]:
                block(i, m, verdict)
                continue
            for d, dest in enumerate(dests):
                counters = at_dest[d]
                if not verdict.eligible[p, d]:
                    continue
                left = rooms[d]
                if left is not None and routed[d] >= left:
                    continue
                if dest.places is not None and counters.reserved >= dest.places:
                    continue
                routed[d] += 1
                if dest.places is not None:
                    counters.reserved += 1
                challengeable = (
                    pipeline.challenge_returns or not dest.is_return
                ) and pipeline.share_challenged > 0
                if challengeable and draws.challenged(one(i))[0]:
                    tally.counts["court_challenged"][m] += 1
                    state["in_court"] += 1
                    env.process(court(i, d))
                else:
                    counters.leaving.append(i)
                break
            else:
                still.append(i)
        waiting[:] = still
        tally.counts["queue"][m] = len(still)
        for d in range(len(dests)):
            send_off(d, m)

    def person(i: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(at(int(entry[i]), ENTRY) - env.now)
        state["custody"] += 1
        decided = int(final_order[i])
        if decided >= h:
            return
        yield env.timeout(at(decided, FINAL_ORDER) - env.now)
        tally.counts["decided"][decided] += 1
        waiting.append(i)

    env.process(monthly())
    for i in range(entry.size):
        env.process(person(i))
    env.run(until=h * TICKS)
    return series(plan, population, tally, ledger)
