"""The simulator's scenario as a straightforward event-by-event SimPy model (benchmark only).

What a modeller would write with SimPy instead of `accords.simulation.model`: one process per
person, the month's steps as phases within [m, m+1), counters for slots and places. It uses
the same plan, the same population draw and the same monthly verdicts from the case engine
(the rules are not what is being compared), so the two models differ only in how the pipeline
is simulated. Persons are routed one at a time in entry order, each to the first destination
that permits them and has room (the vectorized model fills destinations in order over the
queue, which is the same whenever a person can go to only one constrained destination).

Agreements that end during the horizon release their holdings only in the vectorized model;
the benchmark scenario has none that hold people and end.

Phases within month m: 0.1 refill slots and releases, 0.2 court outcomes, 0.3 entries,
0.4 final orders, 0.5-0.9 routing in entry order, 0.95 record custody (person-months).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from accords.engine.compile import day_signature
from accords.simulation.model import MonthVerdicts, build_population, month_verdicts
from accords.simulation.plan import Plan


@dataclass
class Counts:
    transfers: int = 0
    blocked: int = 0
    court_blocked: int = 0
    wrongful: int = 0
    person_months: int = 0
    custody: int = 0
    queue: list[int] = field(default_factory=list)


def run_simpy(plan: Plan, seed: int) -> Counts:
    rng = np.random.default_rng(seed)
    pop = build_population(plan, rng)
    n, h = pop.size, plan.horizon
    dests = plan.destinations
    pipeline = plan.scenario.pipeline
    # The same engine calls as the vectorized model: one per distinct day signature.
    cache: dict[object, MonthVerdicts] = {}
    verdicts: list[MonthVerdicts] = []
    for m in range(h):
        key = tuple(day_signature(d.agreement, plan.days[m]) for d in dests)
        if key not in cache:
            cache[key] = month_verdicts(plan, pop, m)
        verdicts.append(cache[key])

    protected = [pop.truly_protected_against(d.receiver) for d in dests]
    env = simpy.Environment()
    counts = Counts()
    slots: list[int | None] = [d.per_month for d in dests]
    reserved = [0] * len(dests)
    waiting: list[int] = []  # persons whose final order came, in entry order
    entry = np.sort(rng.integers(0, h, n))
    delay = rng.geometric(1.0 / pipeline.months_to_final_order, n)

    def monthly() -> simpy.events.ProcessGenerator:
        for m in range(h):
            yield env.timeout(m + 0.1 - env.now)
            for d, dest in enumerate(dests):
                slots[d] = dest.per_month
            yield env.timeout(m + 0.5 - env.now)
            route(m)
            yield env.timeout(m + 0.95 - env.now)
            counts.person_months += counts.custody

    def stay(d: int, months: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(int(env.now) + months + 0.1 - env.now)
        if dests[d].places is not None:
            reserved[d] -= 1

    def transfer(i: int, d: int, m: int) -> None:
        counts.transfers += 1
        counts.custody -= 1
        if pop.true_citizen[i] or protected[d][i]:
            counts.wrongful += 1
        dest = dests[d]
        if dest.stay_months is not None:
            months = (
                int(rng.geometric(1.0 / dest.stay_months))
                if dest.stay_geometric
                else max(1, round(dest.stay_months))
            )
            env.process(stay(d, months))
        elif dest.places is not None:
            reserved[d] -= 1

    def court(i: int, d: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(int(rng.geometric(1.0 / pipeline.court_delay_months)) - 0.3)
        m = int(env.now)
        if rng.random() < pipeline.court_block_probability:
            counts.court_blocked += 1
            counts.custody -= 1
            if dests[d].places is not None:
                reserved[d] -= 1
            return
        if verdicts[m].eligible[pop.profile[i], d] and (slots[d] is None or slots[d] > 0):
            if slots[d] is not None:
                slots[d] -= 1
            transfer(i, d, m)
        else:
            if dests[d].places is not None:
                reserved[d] -= 1
            waiting.append(i)

    def route(m: int) -> None:
        verdict = verdicts[m]
        still: list[int] = []
        for i in sorted(waiting):
            p = pop.profile[i]
            if not verdict.routable[p]:
                counts.blocked += 1
                counts.custody -= 1
                continue
            for d, dest in enumerate(dests):
                if not verdict.eligible[p, d]:
                    continue
                if slots[d] is not None and slots[d] <= 0:
                    continue
                if dest.places is not None and reserved[d] >= dest.places:
                    continue
                if slots[d] is not None:
                    slots[d] -= 1
                if dest.places is not None:
                    reserved[d] += 1
                challenged = (pipeline.challenge_returns or not dest.is_return) and (
                    rng.random() < pipeline.share_challenged
                )
                if challenged:
                    env.process(court(i, d))
                else:
                    transfer(i, d, m)
                break
            else:
                still.append(i)
        waiting[:] = still
        counts.queue.append(len(still))

    def person(i: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(entry[i] + 0.3)
        counts.custody += 1
        decided = entry[i] + delay[i]
        if decided >= h:
            return
        yield env.timeout(decided + 0.4 - env.now)
        waiting.append(i)

    env.process(monthly())
    for i in range(n):
        env.process(person(i))
    env.run(until=h)
    return counts
