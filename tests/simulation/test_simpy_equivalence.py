"""The vectorized steps against the event-by-event SimPy model, on the same fixed draws.

Both models get the same plan, population and engine verdicts, and the same per-person draws
(entry months, months to a final order, stays, court challenges and outcomes; each answer about
person i is the same whichever model asks, in whatever order). Every monthly series must then
be identical, costs to rounding: the whole-array steps of `accords.simulation.model` implement
the rules one person at a time would. The scenarios take every path (court blocks and
re-queues, caps per month and per period, totals, batches and places that bind, an agreement
that ends while holding people and one whose term ends, lump sums, threshold payments and
departure fees), and a one-month change to one person's final order in
only one model must show.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from simhelpers import AT_SEA_TO_ITALY, scenario

from accords.registry.loader import Registry
from accords.simulation.draws import RandomDraws
from accords.simulation.model import build_population, run_steps
from accords.simulation.plan import Plan, build_plan
from accords.simulation.population import Population
from accords.simulation.scenario import Scenario

SIMPY_MODEL = Path(__file__).resolve().parents[2] / "benchmarks" / "simpy_model.py"


@functools.cache
def simpy_model() -> ModuleType:
    """benchmarks/simpy_model.py (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("simpy_model", SIMPY_MODEL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class FixedDraws:
    """Per-person draws made once, from the scenario's own distributions."""

    def __init__(self, plan: Plan, persons: int, seed: int, bump: int | None = None) -> None:
        random = RandomDraws(plan, np.random.default_rng(seed))
        self.counts = random.entries(persons)
        ids = np.arange(int(self.counts.sum()), dtype=np.int64)
        self.final = random.months_to_final_order(ids)
        if bump is not None:
            self.final[bump] += 1
        self.stays = [
            random.stay_months(d, ids) if dest.stay_months is not None else None
            for d, dest in enumerate(plan.destinations)
        ]
        self.challenge = random.challenged(ids)
        self.delay, self.blocked = random.court(ids)

    def entries(self, persons: int) -> np.ndarray:
        return self.counts.copy()

    def months_to_final_order(self, ids: np.ndarray) -> np.ndarray:
        return self.final[ids]

    def stay_months(self, destination: int, ids: np.ndarray) -> np.ndarray:
        stays = self.stays[destination]
        assert stays is not None
        return stays[ids]

    def challenged(self, ids: np.ndarray) -> np.ndarray:
        return self.challenge[ids]

    def court(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.delay[ids], self.blocked[ids]


def stressed() -> Scenario:
    """Small limits, many challenges, record errors, an agreement ending, one starting late."""
    return scenario(
        horizon_months=24,
        population={"true_citizen_share": 0.1},
        agreements=[
            {
                "id": "usa-slv-2025",
                "places": 50,
                "transfers_per_month": 20,
                "ends": "2025-12-01",
                "stay_months": 3,
                "stay_distribution": "geometric",
            },
            {"id": "usa-gtm-2025", "transfers_per_month": 10, "in_force_from": "2025-06-01"},
            {"id": "usa-ven-2025"},
            {"id": "usa-rwa-2025"},
            {"id": "usa-swz-2025"},
        ],
        pipeline={
            "share_challenged": 0.5,
            "court_block_probability": 0.4,
            "challenge_returns": True,
            "entries_per_month": 300,
            "final_order_distribution": "fixed",
        },
        record_errors={"citizen_recorded_as_noncitizen": 0.5, "protection_dropped": 0.3},
    )


def rwanda() -> Scenario:
    """UK–Rwanda: a lump sum, a threshold payment, processing and departure fees, stays."""
    return scenario(
        sender="GBR",
        start="2022-05",
        horizon_months=30,
        agreements=[{"id": "gbr-rwa-2022", "stay_months": 4, "stay_distribution": "geometric"}],
        ordinary_returns=None,
        population={
            "calibration": None,
            "nationalities": {"XXX": 1.0},
            "arrival_modes": {"sea_irregular": 1.0},
            "protection_against": {},
        },
        pipeline={"share_challenged": 0.3, "court_delay_months": 2, "challenge_returns": True},
    )


def capacity_kinds() -> Scenario:
    """A total, a cap per period, a batch size and places at once, with challenges."""
    return scenario(
        horizon_months=18,
        population={"criminal_conviction_share": 0.8},
        agreements=[
            {"id": "usa-slv-2025", "total_transfers": 90, "batch_size": 4, "stay_months": 2},
            {
                "id": "usa-gtm-2025",
                "transfers_per_period": {"people": 15, "months": 3},
                "places": 12,
                "stay_months": 2,
                "batch_size": 3,
            },
            {"id": "usa-ven-2025", "transfers_per_month": 7},
        ],
        pipeline={
            "share_challenged": 0.4,
            "court_block_probability": 0.3,
            "entries_per_month": 200,
        },
    )


def italy_term() -> Scenario:
    """Italy–Albania past the end of its five-year term (31 October 2029), places binding."""
    return scenario(
        sender="ITA",
        start="2029-06",
        horizon_months=8,
        population=AT_SEA_TO_ITALY,
        agreements=[{"id": "ita-alb-2023", "places": 60, "stay_months": 1}],
        ordinary_returns=None,
        pipeline={"share_challenged": 0.5, "court_delay_months": 2},
    )


SCENARIOS = {
    "the small US scenario": scenario,
    "a stressed one": stressed,
    "UK–Rwanda": rwanda,
    "every capacity kind": capacity_kinds,
    "an agreement's term ending": italy_term,
}


def both(
    s: Scenario, registry: Registry, bump: int | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    plan = build_plan(s, registry)
    population: Population = build_population(plan, np.random.default_rng(s.seed))
    vectorized = run_steps(plan, 0, population, FixedDraws(plan, population.size, s.seed, bump))
    events = simpy_model().run_simpy(plan, population, FixedDraws(plan, population.size, s.seed))
    return vectorized.series, events


def differences(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> list[str]:
    bad = [
        f"{name}: keys {sorted(a[name])} vs {sorted(b[name])}"
        for name in a
        if sorted(a[name]) != sorted(b.get(name, {}))
    ]
    bad += [f"series {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
    for name in a:
        for key in set(a[name]) & set(b.get(name, {})):
            x, y = np.asarray(a[name][key]), np.asarray(b[name][key])
            same = (
                np.allclose(x, y, rtol=1e-9, atol=1e-6)
                if name.startswith("cost")
                else np.array_equal(x, y)
            )
            if not same:
                bad.append(f"{name}[{key}]")
    return bad


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_steps_equal_the_event_by_event_model_on_fixed_draws(
    name: str, registry: Registry
) -> None:
    vectorized, events = both(SCENARIOS[name](), registry)
    assert differences(vectorized, events) == []


def test_every_path_is_taken(registry: Registry) -> None:
    """The equivalence means something only if the scenarios reach every rule."""
    totals: dict[str, float] = {}
    for make in SCENARIOS.values():
        vectorized, _ = both(make(), registry)
        for name, by_key in vectorized.items():
            for key, values in by_key.items():
                label = f"{name}:{key.split('|')[0]}"
                totals[label] = totals.get(label, 0.0) + float(np.sum(values))
    for label in (
        "blocked:",
        "court_blocked:",
        "requeued:",
        "wrongful_citizen:",
        "wrongful_protected:",
        "released_stay:usa-slv-2025",
        "released_agreement_end:usa-slv-2025",
        "transfers:usa-gtm-2025",
        "transfers:ita-alb-2023",
        "cost_item:gbr-rwa-2022:rwa-threshold-300",
        "cost_item:gbr-rwa-2022:rwa-per-person-departure",
        "cost_item:gbr-rwa-2022:rwa-etif-lump-sum",
    ):
        assert totals.get(label, 0.0) > 0, label


def test_a_one_month_change_for_one_person_in_one_model_shows(registry: Registry) -> None:
    vectorized, events = both(scenario(), registry, bump=0)
    assert differences(vectorized, events) != []
