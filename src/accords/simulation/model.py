"""The monthly microsimulation of one replica: whole-array steps, one engine call per month.

Time is discrete, in months m = 0..H-1; each month is evaluated on its 15th. Within a month the
steps run in this order:

1. refill    each destination's monthly transfer slots (unused slots do not carry over).
2. release   stays that end this month leave the receiver; if an agreement is no longer in
             force, everyone it holds is released at once.
3. court     challenges that end this month: blocked (reason "court"; a reserved place is
             freed), or transferred if the destination still permits the case, else re-queued.
4. entries   this month's entrants join the sender's custody.
5. decide    cases whose final order falls this month join the queue. Every queued case is
             checked on its RECORD against every destination, by the engine, on this month's
             day; a case no destination permits is released from custody ("blocked"), counted
             under each reason that failed for it under an agreement in force.
6. route     the queue, in entry order (FIFO), is offered to each destination in order: returns
             to the person's own country first, and only for those a return permits; then third
             countries in the scenario's priority order. A destination takes a case while it has
             a slot this month and (if it has places) fewer places reserved than it has;
             a place stays reserved while its case is in court.
7. court draws  a share of routed cases is challenged: the transfer waits a delay and is then
             blocked with a probability; unchallenged cases are transferred now.
8. record    end-of-month series; costs (see `accords.simulation.costs`).

Outcomes are counted on the TRUE attributes: a transfer of a true citizen of the sender, or of a
person truly protected against the receiver, is wrongful.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from accords.engine.compile import day_signature
from accords.engine.evaluate import evaluate_frame
from accords.engine.reasons import COVERAGE_BITS, LAW_BITS, REASONS, STATUS_BITS, Verdict
from accords.registry.models import PriceKind
from accords.simulation.plan import Plan
from accords.simulation.population import (
    Population,
    from_frame,
    read_population_file,
    synthesize,
)
from accords.simulation.scenario import Distribution

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PROCESSING, WAITING, COURT, TRANSFERRED, BLOCKED = 0, 1, 2, 3, 4


@dataclass
class MonthVerdicts:
    """The engine's answer for every profile and destination on one day."""

    eligible: BoolArray  # [profile, destination]: the case may be routed there
    routable: BoolArray  # [profile]: at least one destination is eligible
    fail_union: IntArray  # [profile]: reasons failing under some destination in force
    unknown_union: IntArray
    in_force: BoolArray  # [destination]


def month_verdicts(plan: Plan, population: Population, m: int) -> MonthVerdicts:
    agreements = [d.agreement for d in plan.destinations]
    k, n_dest = population.profiles.height, len(agreements)
    evaluation = evaluate_frame(population.profiles, agreements, plan.days[m])
    frame = evaluation.verdicts.with_columns(
        pl.col("person_id").cast(pl.Int64).alias("row"),
        pl.col("agreement").to_physical().cast(pl.Int64).alias("col"),
        (pl.col("verdict").cast(pl.String) == Verdict.PERMITTED.value).alias("ok"),
    )
    rows, cols = frame["row"].to_numpy(), frame["col"].to_numpy()
    permitted = np.zeros((k, n_dest), dtype=bool)
    fail = np.zeros((k, n_dest), dtype=np.int64)
    unknown = np.zeros((k, n_dest), dtype=np.int64)
    permitted[rows, cols] = frame["ok"].to_numpy()
    fail[rows, cols] = frame["fail_mask"].to_numpy().astype(np.int64)
    unknown[rows, cols] = frame["unknown_mask"].to_numpy().astype(np.int64)
    in_force = ~((fail & STATUS_BITS) != 0).any(axis=0) if k else np.ones(n_dest, dtype=bool)
    returns = np.array([d.is_return for d in plan.destinations], dtype=bool)
    home = (permitted & returns).any(axis=1)
    eligible = permitted & np.where(home[:, None], returns[None, :], ~returns[None, :])
    considered = in_force if in_force.any() else np.ones(n_dest, dtype=bool)
    bits = LAW_BITS | COVERAGE_BITS if in_force.any() else STATUS_BITS
    fail_union = np.bitwise_or.reduce(np.where(considered, fail & bits, 0), axis=1)
    unknown_union = np.bitwise_or.reduce(np.where(considered, unknown, 0), axis=1)
    routable = np.asarray(eligible.any(axis=1), dtype=bool)
    return MonthVerdicts(eligible, routable, fail_union, unknown_union, np.asarray(in_force))


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


def build_population(plan: Plan, rng: np.random.Generator) -> Population:
    scenario = plan.scenario
    spec = scenario.population
    if spec.file is not None:
        frame = read_population_file(spec.file)
        return from_frame(
            frame,
            scenario.sender,
            scenario.record_errors,
            rng,
            f"population file {spec.file.name} ({frame.height:,} persons)",
        )
    assert spec.synthetic is not None
    return synthesize(spec.synthetic, scenario.sender, scenario.record_errors, rng)


def _delays(rng: np.random.Generator, mean: float, size: int, dist: Distribution) -> IntArray:
    if dist is Distribution.FIXED:
        return np.full(size, max(1, round(mean)), dtype=np.int64)
    return rng.geometric(1.0 / mean, size).astype(np.int64)


def run_replica(plan: Plan, replica: int, seed: np.random.SeedSequence) -> ReplicaResult:
    """Simulate one replica; the same plan and seed always give the same series."""
    rng = np.random.default_rng(seed)
    scenario, pipeline = plan.scenario, plan.scenario.pipeline
    pop = build_population(plan, rng)
    n, h = pop.size, plan.horizon
    dests = plan.destinations
    nd = len(dests)

    # ---- entries and final-order months ---------------------------------------------------
    if pipeline.entries_per_month is None:
        counts = rng.multinomial(n, np.full(h, 1.0 / h)).astype(np.int64)
    else:
        counts = rng.poisson(pipeline.entries_per_month, h).astype(np.int64)
        cum = np.minimum(np.cumsum(counts), n)
        counts = np.diff(np.concatenate([[0], cum]))
    entered_by = np.cumsum(counts)
    entered = int(entered_by[-1])
    entry = np.repeat(np.arange(h, dtype=np.int64), counts)
    final = np.minimum(
        entry
        + _delays(rng, pipeline.months_to_final_order, entered, pipeline.final_order_distribution),
        h,
    )
    # months fit in 16 bits, where numpy's stable sort is a radix sort (linear time)
    by_final = np.argsort(final.astype(np.int16), kind="stable")
    final_bounds = np.searchsorted(final[by_final], np.arange(h + 1))
    profile = pop.profile[:entered]

    protected = [pop.truly_protected_against(d.receiver)[:entered] for d in dests]
    true_citizen = pop.true_citizen[:entered]
    nationality = pop.nationality[:entered]
    n_nat = len(pop.nationality_codes)

    status = np.zeros(entered, dtype=np.int8)
    # ---- series ---------------------------------------------------------------------------
    transfers = np.zeros((nd, h))
    stock_rec = np.zeros((nd, h))
    released_stay = np.zeros((nd, h))
    released_end = np.zeros((nd, h))
    by_nat = np.zeros((n_nat, h))
    blocked_reason: dict[str, npt.NDArray[np.float64]] = defaultdict(lambda: np.zeros(h))
    one = {
        k: np.zeros(h)
        for k in (
            "entries",
            "decided",
            "blocked",
            "court_blocked",
            "court_challenged",
            "queue",
            "in_court",
            "custody",
            "wrongful",
            "wrongful_citizen",
            "wrongful_protected",
            "requeued",
        )
    }
    one["entries"][:] = counts

    lines = plan.cost_lines()
    line_cost = np.zeros((len(lines), h))
    line_index = {line.key: i for i, (_, line) in enumerate(lines)}
    lump_paid: set[str] = set()
    threshold_paid: set[str] = set()
    cum_transfers = np.zeros(nd, dtype=np.int64)

    stock = np.zeros(nd, dtype=np.int64)
    reserved = np.zeros(nd, dtype=np.int64)
    release_due = np.zeros((nd, h + 1), dtype=np.int64)
    court_due: list[list[tuple[IntArray, int, BoolArray]]] = [[] for _ in range(h)]
    custody = in_court = 0
    challenge = np.array([pipeline.challenge_returns or not d.is_return for d in dests], dtype=bool)

    def transfer(ids: IntArray, d: int, m: int) -> None:
        nonlocal custody
        k = int(ids.size)
        if k == 0:
            return
        status[ids] = TRANSFERRED
        custody -= k
        transfers[d, m] += k
        by_nat[:, m] += np.bincount(nationality[ids], minlength=n_nat)
        cit = true_citizen[ids]
        prot = protected[d][ids] & ~cit
        one["wrongful_citizen"][m] += np.count_nonzero(cit)
        one["wrongful_protected"][m] += np.count_nonzero(prot)
        one["wrongful"][m] += np.count_nonzero(cit | prot)
        dest = dests[d]
        if dest.places is not None or dest.stay_months is not None:
            stock[d] += k
            if dest.stay_months is not None:
                stays = (
                    rng.geometric(1.0 / dest.stay_months, k)
                    if dest.stay_geometric
                    else np.full(k, max(1, round(dest.stay_months)))
                )
                release_due[d] += np.bincount(np.minimum(m + stays, h), minlength=h + 1)
        before = cum_transfers[d]
        cum_transfers[d] += k
        for line in dest.cost_lines:
            i = line_index[line.key]
            if line.kind in (PriceKind.PER_PERSON_TRANSFERRED, PriceKind.PER_PERSON_PROCESSING):
                line_cost[i, m] += line.amount * k
            elif (
                line.kind == PriceKind.THRESHOLD_PAYMENT
                and line.threshold_people is not None
                and before < line.threshold_people <= cum_transfers[d]
                and line.key not in threshold_paid
            ):
                threshold_paid.add(line.key)
                line_cost[i, m] += line.amount
        if "sender:transport" in line_index:
            i = line_index["sender:transport"]
            line_cost[i, m] += lines[i][1].amount * k

    def release(d: int, k: int, m: int, ended: bool) -> None:
        if k <= 0:
            return
        stock[d] -= k
        reserved[d] -= k if dests[d].places is not None else 0
        (released_end if ended else released_stay)[d, m] += k
        for line in dests[d].cost_lines:
            if line.kind == PriceKind.PER_PERSON_DEPARTURE:
                line_cost[line_index[line.key], m] += line.amount * k

    def block(ids: IntArray, m: int, verdicts: MonthVerdicts | None) -> None:
        nonlocal custody
        k = int(ids.size)
        if k == 0:
            return
        status[ids] = BLOCKED
        custody -= k
        if verdicts is None:
            return
        one["blocked"][m] += k
        per_profile = np.bincount(profile[ids], minlength=verdicts.fail_union.size)
        present = np.flatnonzero(per_profile)
        for code, spec in REASONS.items():
            failed = (verdicts.fail_union[present] & spec.bit) != 0
            if failed.any():
                blocked_reason[code][m] += per_profile[present][failed].sum()
            unknown = (verdicts.unknown_union[present] & spec.bit) != 0
            if unknown.any():
                blocked_reason[spec.unknown_code][m] += per_profile[present][unknown].sum()

    # Verdicts change only on days a status, term, ruling or law changes (or, for ages from
    # birth dates, every day): months with the same signature share one engine call.
    ages_move = bool(pop.profiles["birth_date"].is_not_null().any())
    by_signature: dict[object, MonthVerdicts] = {}
    for m in range(h):
        key: object = (
            m
            if ages_move
            else tuple(day_signature(d.agreement, plan.days[m]) for d in dests)
        )
        if key not in by_signature:
            by_signature[key] = month_verdicts(plan, pop, m)
        verdicts = by_signature[key]
        slots = [d.per_month for d in dests]

        # 2. releases: ends of stay, and everyone held under an agreement no longer in force
        for d in range(nd):
            release(d, int(release_due[d, m]), m, ended=False)
            if not verdicts.in_force[d] and stock[d] > 0:
                release_due[d, m + 1 :] = 0
                release(d, int(stock[d]), m, ended=True)

        # 3. court outcomes
        for ids, d, blk in court_due[m]:
            in_court -= ids.size
            if dests[d].places is not None:
                reserved[d] -= int(np.count_nonzero(blk))
            status[ids[blk]] = BLOCKED
            custody -= int(np.count_nonzero(blk))
            one["court_blocked"][m] += np.count_nonzero(blk)
            rest = ids[~blk]
            still = verdicts.eligible[profile[rest], d]
            back = rest[~still]
            if back.size:
                status[back] = WAITING
                one["requeued"][m] += back.size
                if dests[d].places is not None:
                    reserved[d] -= int(back.size)
            ok = rest[still]
            if ok.size and slots[d] is not None:
                # a court-cleared transfer uses the month's slot first; over the limit it waits
                take = min(int(ok.size), max(0, int(slots[d] or 0)))
                waiting = ok[take:]
                ok = ok[:take]
                slots[d] = int(slots[d] or 0) - take
                if waiting.size:
                    status[waiting] = WAITING
                    one["requeued"][m] += waiting.size
                    if dests[d].places is not None:
                        reserved[d] -= int(waiting.size)
            transfer(ok, d, m)
        court_due[m] = []

        # 4. entries
        custody += int(counts[m])

        # 5. decisions, and the queue's eligibility this month
        new = by_final[final_bounds[m] : final_bounds[m + 1]]
        one["decided"][m] = new.size
        status[new] = WAITING
        queue = np.flatnonzero(status[: entered_by[m]] == WAITING)
        routable = verdicts.routable[profile[queue]]
        block(queue[~routable], m, verdicts)
        queue = queue[routable]

        # 6. routing, FIFO by entry order, destinations in order
        free = np.ones(queue.size, dtype=bool)
        qp = profile[queue]
        routed: list[tuple[IntArray, int]] = []
        for d, dest in enumerate(dests):
            if not queue.size:
                break
            limit = queue.size if slots[d] is None else int(slots[d] or 0)
            if dest.places is not None:
                limit = min(limit, dest.places - int(reserved[d]))
            if limit <= 0:
                continue
            pos = np.flatnonzero(verdicts.eligible[qp, d] & free)[:limit]
            if not pos.size:
                continue
            free[pos] = False
            if dest.places is not None:
                reserved[d] += pos.size
            routed.append((queue[pos], d))
        one["queue"][m] = np.count_nonzero(free)

        # 7. court draws
        for ids, d in routed:
            if challenge[d] and pipeline.share_challenged > 0:
                challenged = rng.random(ids.size) < pipeline.share_challenged
            else:
                challenged = np.zeros(ids.size, dtype=bool)
            c_ids = ids[challenged]
            if c_ids.size:
                one["court_challenged"][m] += c_ids.size
                delay = rng.geometric(1.0 / pipeline.court_delay_months, c_ids.size)
                blk = rng.random(c_ids.size) < pipeline.court_block_probability
                status[c_ids] = COURT
                in_court += int(c_ids.size)
                due = m + delay
                for mm in np.unique(due[due < h]):
                    sel = due == mm
                    court_due[int(mm)].append((c_ids[sel], d, blk[sel]))
                # challenges still open at the horizon stay in court (and in custody)
            transfer(ids[~challenged], d, m)

        # 8. record and month costs
        stock_rec[:, m] = stock
        one["in_court"][m] = in_court
        one["custody"][m] = custody
        for i, (d_index, line) in enumerate(lines):
            if line.kind == "detention_per_day":
                line_cost[i, m] += line.amount * scenario.costs.days_per_month * custody
            if d_index is None:
                continue
            if line.kind == PriceKind.PER_PERSON_YEAR:
                line_cost[i, m] += line.amount / 12.0 * stock[d_index]
            elif line.kind == PriceKind.PER_PERSON_MONTH:
                line_cost[i, m] += line.amount * stock[d_index]
            elif (
                line.kind == PriceKind.LUMP_SUM
                and verdicts.in_force[d_index]
                and line.key not in lump_paid
            ):
                lump_paid.add(line.key)
                line_cost[i, m] += line.amount

    series: dict[str, dict[str, npt.NDArray[np.float64]]] = {k: {"": v} for k, v in one.items()}
    series["transfers"] = {d.key: transfers[i] for i, d in enumerate(dests)}
    series["transfers"]["all"] = transfers.sum(axis=0)
    series["transfers_by_nationality"] = {
        code: by_nat[i] for i, code in enumerate(pop.nationality_codes) if by_nat[i].any()
    }
    held = [i for i, d in enumerate(dests) if d.places is not None or d.stay_months is not None]
    series["stock"] = {dests[i].key: stock_rec[i] for i in held}
    series["places"] = {
        dests[i].key: np.full(h, float(dests[i].places or 0))
        for i in held
        if dests[i].places is not None
    }
    series["capacity_use"] = {
        dests[i].key: stock_rec[i] / float(dests[i].places or 1) for i in held if dests[i].places
    }
    series["released_stay"] = {dests[i].key: released_stay[i] for i in held}
    series["released_agreement_end"] = {dests[i].key: released_end[i] for i in held}
    series["blocked_by_reason"] = dict(sorted(blocked_reason.items()))
    series["cost_item"] = {
        f"{line.key}|{line.currency}": line_cost[i] for i, (_, line) in enumerate(lines)
    }
    currencies = sorted({line.currency for _, line in lines})
    series["cost_month"] = {
        c: sum(
            (line_cost[i] for i, (_, line) in enumerate(lines) if line.currency == c), np.zeros(h)
        )
        for c in currencies
    }
    series["cost_cum"] = {c: np.cumsum(v) for c, v in series["cost_month"].items()}
    series["person_months"] = {"": one["custody"].copy()}
    return ReplicaResult(
        replica=replica,
        series=series,
        population_label=pop.label,
        synthetic=pop.synthetic,
        persons=n,
        profiles=pop.profiles.height,
        notes=[] if entered == n else [f"{n - entered:,} persons had not entered by the horizon"],
    )
