"""The monthly model: reproducible, worker-independent, and never breaking its invariants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simhelpers import scenario, series

from accords.engine.person import SCHEMA
from accords.simulation.run import simulate
from accords.simulation.scenario import PopulationSpec


def test_same_seed_same_results() -> None:
    a, b = simulate(scenario()), simulate(scenario())
    assert a.monthly.equals(b.monthly)
    assert a.summary == b.summary
    c = simulate(scenario(seed=8))
    assert not a.monthly.equals(c.monthly)


def test_one_worker_or_two_give_the_same_results() -> None:
    one = simulate(scenario(replicas=3), workers=1)
    two = simulate(scenario(replicas=3), workers=2)
    assert one.monthly.equals(two.monthly)
    assert one.summary["totals"] == two.summary["totals"]


def test_stock_and_flow_identities_hold() -> None:
    result = simulate(scenario())
    entries = series(result, "entries").cumsum(axis=1)
    left = (
        series(result, "transfers", "all") + series(result, "blocked")
        + series(result, "court_blocked")
    ).cumsum(axis=1)
    np.testing.assert_array_equal(series(result, "custody"), entries - left)
    assert (series(result, "stock", "usa-slv-2025") <= 300).all()
    assert result.summary["population"]["synthetic"] is True
    assert "SYNTHETIC" in result.summary["population"]["label"]


def test_record_errors_cause_wrongful_transfers_of_citizens() -> None:
    """With many true citizens and every one of their records wrong, some are transferred."""
    s = scenario(
        population={"true_citizen_share": 0.2},
        record_errors={"citizen_recorded_as_noncitizen": 1.0},
    )
    result = simulate(s)
    assert result.total("wrongful_citizen")["p50"] > 0
    clean = simulate(scenario(population={"true_citizen_share": 0.2}))
    assert clean.total("wrongful")["p95"] == 0
    assert clean.total("blocked_by_reason", "citizen_of_sender")["p50"] > 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(50, 1500),
    horizon=st.integers(2, 10),
    citizens=st.floats(0, 0.5),
    protected=st.floats(0, 0.5),
    home=st.floats(0, 0.5),
    slv=st.floats(0, 0.5),
    convicted=st.floats(0, 1),
    places=st.integers(0, 80),
    per_month=st.one_of(st.none(), st.integers(0, 40)),
    challenged=st.floats(0, 1),
    block=st.floats(0, 1),
    seed=st.integers(0, 2**32),
    start=st.sampled_from(["2025-01", "2025-03", "2025-06", "2025-11"]),
)
def test_without_record_errors_nobody_is_wrongfully_transferred_and_capacity_holds(
    size: int, horizon: int, citizens: float, protected: float, home: float, slv: float,
    convicted: float, places: int, per_month: int | None, challenged: float, block: float,
    seed: int, start: str,
) -> None:
    """No TRUE citizen or truly protected person is ever transferred unless a record error was
    simulated; no facility ever holds more than its places."""
    s = scenario(
        start=start,
        horizon_months=horizon,
        population={
            "size": size, "true_citizen_share": citizens, "protected_status_share": protected,
            "protection_against_nationality_share": home, "protection_against": {"SLV": slv},
            "criminal_conviction_share": convicted,
        },
        agreements=[
            {"id": "usa-slv-2025", "places": places, "transfers_per_month": per_month},
            {"id": "usa-gtm-2025"},
            {"id": "usa-ven-2025"},
        ],
        pipeline={"share_challenged": challenged, "court_block_probability": block},
        replicas=1,
        seed=seed,
    )
    result = simulate(s)
    assert result.total("wrongful")["p95"] == 0
    stock = series(result, "stock", "usa-slv-2025")
    assert (stock <= places).all()
    if per_month is not None:
        assert (series(result, "transfers", "usa-slv-2025") <= per_month).all()


def test_a_population_file_is_used_as_the_truth(tmp_path: Path) -> None:
    """Two persons from a file: the US citizen is blocked, the Mexican is returned home."""
    rows = [
        {"id": "a", "present_in": "USA", "citizenships": ["USA"], "criminal_conviction": True},
        {"id": "b", "present_in": "USA", "citizenships": ["MEX"], "criminal_conviction": False,
         "asylum_claim": "denied", "protection_against": []},
    ]
    frame = pl.DataFrame(rows, schema={k: SCHEMA[k] for k in rows[1]}).with_columns(
        pl.col("asylum_claim").cast(SCHEMA["asylum_claim"])
    )
    path = tmp_path / "persons.parquet"
    frame.write_parquet(path)
    s = scenario(replicas=1, pipeline={"entries_per_month": 1e9, "share_challenged": 0.0})
    s = s.model_copy(update={"population": PopulationSpec(file=path)})
    result = simulate(s)
    assert result.summary["population"]["synthetic"] is False
    assert result.total("transfers", "return:MEX")["p50"] == 1
    assert result.total("blocked_by_reason", "citizen_of_sender")["p50"] == 1
    assert result.total("wrongful")["p50"] == 0


@pytest.mark.slow
def test_the_default_scenario_runs_quickly() -> None:
    """The default (10^5 persons, 24 months) runs 4 replicas on 2 workers in seconds."""
    result = simulate(replicas=4, workers=2)
    assert result.total("entries")["p50"] == 100_000
    assert 0 < result.total("transfers", "usa-slv-2025")["p50"] <= 300  # its total cap


def test_pending_asylum_claims_are_drawn_on_the_record_and_never_on_the_granted() -> None:
    from accords.simulation.population import synthesize

    spec = scenario(
        population={"asylum_pending_share": 0.5, "protected_status_share": 0.2}
    ).population.synthetic
    assert spec is not None
    pop = synthesize(spec, "USA", scenario().record_errors, np.random.default_rng(1))
    claims = pop.profiles["asylum_claim"].cast(pl.String).gather(pop.profile)
    pending = (claims == "pending").to_numpy()
    assert 0.3 < pending.mean() < 0.5  # half of the 80% not granted
    assert not (pending & pop.true_granted).any()


def test_no_pending_share_keeps_every_claim_as_before() -> None:
    from accords.simulation.population import synthesize

    spec = scenario().population.synthetic
    assert spec is not None
    pop = synthesize(spec, "USA", scenario().record_errors, np.random.default_rng(1))
    assert "pending" not in pop.profiles["asylum_claim"].cast(pl.String).to_list()


def test_shares_near_the_largest_float_are_drawn_by_their_ratio() -> None:
    """Shares are normalised by their sum; two of 1e308 must not overflow it to infinity."""
    from accords.simulation.population import synthesize

    spec = scenario(
        population={"calibration": None, "nationalities": {"MEX": 1e308, "GTM": 1e308}}
    ).population.synthetic
    assert spec is not None
    pop = synthesize(spec, "USA", scenario().record_errors, np.random.default_rng(1))
    mexican = np.asarray(pop.nationality) == pop.nationality_codes.index("MEX")
    assert 0.4 < mexican.mean() < 0.6
