"""Each kind of capacity term does what it says: places, caps per period, totals, batches, terms.

The limits are read from the registry (`terms.capacity`, `terms.term_length`) or set by the
scenario; the invariants hold whatever the draws, so they are hypothesis properties over
scenarios with court challenges and blocks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simhelpers import AT_SEA_TO_ITALY, scenario, series

from accords.registry.loader import load_registry
from accords.simulation.capacity import NOT_APPLIED
from accords.simulation.plan import build_plan, describe
from accords.simulation.result import RunResult
from accords.simulation.run import simulate as run

# Read once for the module: hypothesis calls the properties many times, and reading the
# registry costs far more than one of these small runs.
REGISTRY = load_registry()
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def many_for_el_salvador(use: dict[str, Any], **overrides: Any) -> Any:
    """Far more people El Salvador may take than any cap: everyone convicted, no return home."""
    base: dict[str, Any] = {
        "horizon_months": 14,
        "population": {"size": 2000, "criminal_conviction_share": 1.0},
        "agreements": [{"id": "usa-slv-2025", **use}],
        "ordinary_returns": None,
        "replicas": 1,
    }
    return scenario(**{**base, **overrides})


def simulate(s: Any) -> RunResult:
    return run(s, registry=REGISTRY)


def slv_transfers(use: dict[str, Any], **overrides: Any) -> np.ndarray:
    return series(simulate(many_for_el_salvador(use, **overrides)), "transfers", "usa-slv-2025")[0]


# ---- what the registry's records give ----------------------------------------------------


def test_el_salvador_is_a_total_of_300_with_one_year_stays_and_no_places() -> None:
    plan = build_plan(many_for_el_salvador({}), REGISTRY)
    (slv,) = plan.destinations
    assert (slv.places, slv.stay_months, slv.batch) == (None, 12, None)
    (total,) = slv.limits
    assert (total.people, total.final) == (300, True)
    assert "at most 300 sent in all" in describe(plan)[0]["limits"][0]


def test_el_salvador_takes_300_in_all_however_many_wait() -> None:
    transfers = slv_transfers({}, horizon_months=24)
    assert transfers.sum() == 300  # far more are eligible: the total binds, and nothing more


def test_a_number_the_sources_do_not_give_is_no_limit_and_the_run_says_so() -> None:
    plan = build_plan(scenario(agreements=[{"id": "usa-hnd-2025"}]), REGISTRY)
    assert plan.destinations[-1].limits == ()
    assert any("usa-hnd-2025" in note and "no limit" in note for note in plan.notes)


def test_periods_count_from_the_month_the_agreement_came_into_force() -> None:
    s = many_for_el_salvador(
        {"transfers_per_period": {"people": 5, "months": 12}}, start="2025-01", horizon_months=16
    )
    plan = build_plan(s, REGISTRY)
    per_year = next(limit for limit in plan.destinations[0].limits if not limit.final)
    # in force from 15 March 2025: January and February 2025 belong to the first year's period
    # (nothing is in force then), March 2026 starts the second
    assert per_year.period[:14] == (0,) * 14
    assert per_year.period[14] == 1


# ---- each kind, as a property over draws --------------------------------------------------


@PROPERTY
@given(
    total=st.integers(0, 120),
    challenged=st.floats(0, 1),
    block=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)
def test_a_total_cap_is_never_exceeded(
    total: int, challenged: float, block: float, seed: int
) -> None:
    sent = slv_transfers(
        {"total_transfers": total, "stay_months": 2},
        pipeline={"share_challenged": challenged, "court_block_probability": block},
        seed=seed,
    )
    assert sent.sum() <= total
    if challenged == 0:
        assert sent.sum() == total  # far more are waiting: only the cap stops them


@PROPERTY
@given(
    people=st.integers(0, 60),
    months=st.integers(1, 5),
    challenged=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)
def test_a_cap_per_period_is_never_exceeded_within_a_period(
    people: int, months: int, challenged: float, seed: int
) -> None:
    s = many_for_el_salvador(
        {"transfers_per_period": {"people": people, "months": months}, "unlimited_places": True},
        pipeline={"share_challenged": challenged, "court_block_probability": 0.3},
        seed=seed,
    )
    (cap,) = [limit for limit in build_plan(s, REGISTRY).destinations[0].limits if not limit.final]
    sent = series(simulate(s), "transfers", "usa-slv-2025")[0]
    period = np.array(cap.period)
    for p in set(cap.period) - {NOT_APPLIED}:
        assert sent[period == p].sum() <= people


def test_a_cap_per_period_stops_transfers_for_the_rest_of_the_period_and_resumes_after() -> None:
    # In force from 15 March 2025; periods of three months from March: Mar–May, Jun–Aug, ...
    sent = slv_transfers(
        {"transfers_per_period": {"people": 40, "months": 3}},
        start="2025-03",
        horizon_months=12,
        pipeline={"share_challenged": 0.0},
    )
    # far more are waiting each month: exactly the cap goes in each period, never more
    assert sent.reshape(4, 3).sum(axis=1).tolist() == [40, 40, 40, 40]


@PROPERTY
@given(
    places=st.integers(0, 80),
    stay=st.integers(1, 6),
    challenged=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)
def test_places_bound_the_stock_held_at_once(
    places: int, stay: int, challenged: float, seed: int
) -> None:
    result = simulate(
        many_for_el_salvador(
            {"places": places, "stay_months": stay, "unlimited_transfers": True},
            pipeline={"share_challenged": challenged},
            seed=seed,
        )
    )
    stock = series(result, "stock", "usa-slv-2025")[0]
    assert (stock <= places).all()
    if places and challenged == 0:
        assert stock.max() == places  # far more are waiting: the places fill


@PROPERTY
@given(
    batch=st.integers(1, 30),
    total=st.one_of(st.none(), st.integers(0, 200)),
    challenged=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)
def test_a_batch_size_sends_only_whole_batches(
    batch: int, total: int | None, challenged: float, seed: int
) -> None:
    use: dict[str, Any] = {"batch_size": batch, "places": 97, "stay_months": 2}
    if total is not None:
        use["total_transfers"] = total
    else:
        use["unlimited_transfers"] = True
    sent = slv_transfers(
        use,
        pipeline={"share_challenged": challenged, "court_block_probability": 0.3},
        seed=seed,
    )
    assert (sent % batch == 0).all()
    if total is not None:
        assert sent.sum() <= total


@pytest.mark.parametrize(
    "use",
    [
        {"places": 0},
        {"total_transfers": 0},
        {"transfers_per_period": {"people": 0, "months": 12}},
        {"transfers_per_month": 0},
    ],
    ids=["places", "total", "per-period", "per-month"],
)
def test_a_capacity_of_zero_sends_no_one(use: dict[str, Any]) -> None:
    result = simulate(many_for_el_salvador(use, pipeline={"share_challenged": 0.2}))
    assert series(result, "transfers", "usa-slv-2025").sum() == 0
    # no option at all: nobody waits for it, they are released as having nowhere to go
    assert result.total("blocked")["p50"] == result.total("decided")["p50"]


# ---- the term of an agreement -------------------------------------------------------------


def italy(**overrides: Any) -> Any:
    """Italy–Albania around the end of its five-year term (in force from October 2024)."""
    base: dict[str, Any] = {
        "sender": "ITA",
        "start": "2029-05",
        "horizon_months": 12,
        "population": {"size": 3000, **AT_SEA_TO_ITALY},
        "agreements": [{"id": "ita-alb-2023", "places": 100, "stay_months": 1}],
        "ordinary_returns": None,
        "costs": {"detention_per_day": None, "transport_per_person": None},
        "pipeline": {"share_challenged": 0.0},
        "replicas": 1,
    }
    base.update(overrides)
    return scenario(**base)


def test_an_agreement_term_ends_transfers_unless_the_scenario_renews_it() -> None:
    plan = build_plan(italy(), REGISTRY)
    (term,) = [limit for limit in plan.destinations[0].limits if limit.people == 0]
    assert "2029-10-31" in term.what
    ended = series(simulate(italy()), "transfers", "ita-alb-2023")[0]
    # June to October 2029 send (May, the first month, has no final orders yet); none after
    assert (ended[1:6] > 0).all() and (ended[6:] == 0).all()
    renewed_here = [{"id": "ita-alb-2023", "places": 100, "stay_months": 1, "renewed": True}]
    for renewed in (italy(renew_agreements=True), italy(agreements=renewed_here)):
        assert (series(simulate(renewed), "transfers", "ita-alb-2023")[0][1:] > 0).all()
        limits = build_plan(renewed, REGISTRY).destinations[0].limits
        assert not [limit for limit in limits if limit.people == 0]


def test_an_agreement_renewed_by_default_is_overridden_by_its_own_setting() -> None:
    s = italy(
        renew_agreements=True,
        agreements=[{"id": "ita-alb-2023", "places": 100, "stay_months": 1, "renewed": False}],
    )
    assert any(limit.people == 0 for limit in build_plan(s, REGISTRY).destinations[0].limits)


# ---- the overrides, as a scenario file gives them -------------------------------------------


@pytest.mark.parametrize(
    ("use", "message"),
    [
        ({"batch_size": 0}, "greater than or equal to 1"),
        ({"transfers_per_period": {"people": 5, "months": 0}}, "greater than or equal to 1"),
    ],
    ids=["batch-0", "period-0"],
)
def test_impossible_overrides_are_refused(
    use: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        many_for_el_salvador(use)
