"""Fixtures of the report tests: a finished run of a tiny scenario, recorded in a private store."""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.simulation.run import simulate
from accords.simulation.scenario import load_scenario
from accords.store import RunRecord, RunStore

# Transport is priced in EUR on purpose: two currencies must give two cost panels, never a sum.
TINY = """\
# A tiny scenario for the report tests.
name: report-test
description: Two destinations, court challenges and record errors, in a few months.
sender: USA
start: 2025-04
horizon_months: 5
population:
  synthetic:
    size: 600
    calibration: usa-fy2024
    true_citizen_share: 0.05          # ASSUMPTION: many true citizens, so some are wrongly sent
    protection_against: {SLV: 0.05}   # ASSUMPTION: protected against El Salvador
agreements: [{id: usa-slv-2025, places: 40}, {id: usa-gtm-2025}]
ordinary_returns: {nationalities: [MEX, GTM]}
pipeline: {share_challenged: 0.3, court_block_probability: 0.5}  # ASSUMPTION: many challenges
record_errors:
  citizen_recorded_as_noncitizen: 0.5  # ASSUMPTION: half their records are wrong
costs:
  detention_per_day: {amount: 165, currency: USD, price_year: 2025}
  transport_per_person: {amount: 1500, currency: EUR, price_year: 2024}
replicas: 3
seed: 11
"""


@pytest.fixture(scope="session")
def tiny_text() -> str:
    return TINY


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunStore, RunRecord]:
    """A done run in its own store (shared by a module's tests, which only read it)."""
    folder = tmp_path_factory.mktemp("report-run")
    path = folder / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    scenario = load_scenario(path)
    store = RunStore(folder / "runs.duckdb")
    run_id = store.create(scenario, source="cli", scenario_path=path)
    store.complete(run_id, simulate(scenario))
    return store, store.get(run_id)
