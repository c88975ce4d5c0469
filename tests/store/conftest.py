"""Fixtures of the run store tests: a private database per test and a tiny scenario.

Every test gets its own database file under tmp_path, and ACCORDS_DB points at it, so neither
the store nor a subprocess started by a test can reach the user's real run store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.simulation.result import RunResult
from accords.simulation.run import simulate
from accords.simulation.scenario import Scenario, load_scenario

# Small enough to run in well under a second; the comments are part of what a run records.
TINY = """\
# A tiny scenario for the run store tests.
name: store-test
sender: USA
start: 2025-04
horizon_months: 4
population:
  synthetic:
    size: 400
    calibration: usa-fy2024
    true_citizen_share: 0.05    # ASSUMPTION: many true citizens, so some are wrongly sent
agreements: [{id: usa-slv-2025}]
ordinary_returns: {nationalities: [MEX]}
record_errors:
  citizen_recorded_as_noncitizen: 0.5  # ASSUMPTION: half their records are wrong
costs: {detention_per_day: {amount: 165, currency: USD, price_year: 2025}}
replicas: 2
seed: 3
"""


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tiny_path: Path) -> Scenario:
    return load_scenario(tiny_path)


@pytest.fixture(scope="session")
def tiny_result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    path = tmp_path_factory.mktemp("tiny") / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return simulate(load_scenario(path))
