"""The engine's answers kept across replicas, and the lean state before month 0, change nothing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simhelpers import scenario

from accords.engine.evaluate import evaluate_frame
from accords.registry.loader import load_registry
from accords.simulation.model import by_month, run_replica
from accords.simulation.plan import build_plan
from accords.simulation.population import (
    CHUNK,
    Population,
    _bernoulli,
    _categorical,
    synthesize,
)
from accords.simulation.run import replica_seeds, simulate
from accords.simulation.scenario import Scenario
from accords.simulation.verdicts import ANSWERS, engine_masks, month_verdicts

REGISTRY = load_registry()


def population_of(s: Scenario, seed: int = 3) -> Population:
    spec = s.population.synthetic
    assert spec is not None
    return synthesize(spec, s.sender, s.record_errors, np.random.default_rng(seed))


shares = st.one_of(st.just(0.0), st.floats(0.001, 0.999), st.just(1.0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    citizens=shares, convicted=shares, gang=shares, granted=shares, pending=shares, home=shares,
    slv=shares, hnd=shares, minor=st.one_of(st.none(), shares), female=st.one_of(st.none(), shares),
    modes=st.sampled_from([None, {"air": 1.0}, {"air": 0.5, "land_irregular": 0.5}]),
    seed=st.integers(0, 2**32),
)
def test_every_drawn_profile_is_in_the_space_of_possible_profiles(
    citizens: float, convicted: float, gang: float, granted: float, pending: float, home: float,
    slv: float, hnd: float, minor: float | None, female: float | None,
    modes: dict[str, float] | None, seed: int,
) -> None:
    s = scenario(
        population={
            "size": 3000, "true_citizen_share": citizens, "criminal_conviction_share": convicted,
            "gang_designated_share": gang, "protected_status_share": granted,
            "asylum_pending_share": pending, "protection_against_nationality_share": home,
            "protection_against": {"SLV": slv, "HND": hnd}, "minor_share": minor,
            "female_share": female, "arrival_modes": modes,
        },
        record_errors={"citizen_recorded_as_noncitizen": 0.3, "protection_dropped": 0.3},
    )
    population = population_of(s, seed)
    assert population.space is not None and population.profile_keys is not None
    possible = population.space.possible()
    assert possible.size == population.space.size
    assert np.isin(population.profile_keys, possible).all()
    # a key is its profile: the space rebuilds the population's own profile rows from it
    assert population.space.frame(population.profile_keys).equals(population.profiles)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"population": {"minor_share": 0.2, "female_share": 0.5, "asylum_pending_share": 0.3}},
        {"start": "2024-10", "horizon_months": 18},
    ],
)
def test_kept_answers_are_the_engine_s_answers_on_every_day(overrides: dict[str, object]) -> None:
    s = scenario(**overrides)
    plan = build_plan(s, REGISTRY)
    agreements = [d.agreement for d in plan.destinations]
    ANSWERS.clear()
    for seed in (1, 2):  # the second population meets answers kept for the first
        population = population_of(s, seed)
        uncached = replace(population, space=None, profile_keys=None)
        for m, day in enumerate(plan.days):
            expected = evaluate_frame(population.profiles, agreements, day).masks()
            for kept, fresh in zip(engine_masks(plan, population, day), expected, strict=True):
                np.testing.assert_array_equal(kept, fresh)
            kept_month = month_verdicts(plan, population, m)
            fresh_month = month_verdicts(plan, uncached, m)
            for name in ("permitted", "eligible", "routable", "fail_union", "unknown_union",
                         "in_force"):
                np.testing.assert_array_equal(
                    getattr(kept_month, name), getattr(fresh_month, name), err_msg=name
                )


def test_a_second_replica_asks_the_engine_nothing_and_gives_what_a_cold_one_gives() -> None:
    s = scenario()
    plan = build_plan(s, REGISTRY)
    seeds = replica_seeds(11, 2)
    ANSWERS.clear()
    run_replica(plan, 0, seeds[0])
    calls = ANSWERS.engine_calls
    warm = run_replica(plan, 1, seeds[1])
    assert ANSWERS.engine_calls == calls
    ANSWERS.clear()
    cold = run_replica(plan, 1, seeds[1])
    assert ANSWERS.engine_calls > calls
    for name, by_key in cold.series.items():
        for key, values in by_key.items():
            np.testing.assert_array_equal(warm.series[name][key], values, err_msg=name)


def test_answers_kept_for_other_agreements_are_not_used() -> None:
    """The same population under agreements with other dates: kept answers for the first plan
    must not stand in for the second's (the key holds a digest of the agreements)."""
    base = scenario(replicas=2)
    moved = scenario(
        replicas=2, agreements=[{"id": "usa-slv-2025", "ends": "2025-07-01"},
                                {"id": "usa-gtm-2025"}, {"id": "usa-col-2025"}],
    )
    ANSWERS.clear()
    cold = simulate(moved)
    ANSWERS.clear()
    simulate(base)
    warm = simulate(moved)
    assert warm.monthly.equals(cold.monthly)
    assert not simulate(base).monthly.equals(warm.monthly)


@given(
    months=st.lists(st.integers(0, 40), min_size=0, max_size=400).map(
        lambda v: np.asarray(v, dtype=np.int16)
    ),
    chunk=st.integers(1, 500),
)
@settings(max_examples=60, deadline=None)
def test_grouping_by_month_is_a_stable_argsort(months: np.ndarray, chunk: int) -> None:
    order, bounds = by_month(months, 41, chunk)
    np.testing.assert_array_equal(order, np.argsort(months, kind="stable"))
    np.testing.assert_array_equal(bounds, np.searchsorted(months[order], np.arange(41)))


def test_draws_made_in_parts_are_the_draws_made_at_once() -> None:
    n = 2 * CHUNK + 123
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(_bernoulli(a, n, 0.3), b.random(n) < 0.3)
    cum = np.cumsum([0.5, 0.3, 0.2])
    cum[-1] = 1.0
    np.testing.assert_array_equal(
        _categorical(a, n, [0.5, 0.3, 0.2]), np.searchsorted(cum, b.random(n), side="right")
    )
    assert a.random() == b.random()
