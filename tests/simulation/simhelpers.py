"""Small scenarios built in code, so each test states exactly what it runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from accords.simulation.result import RunResult
from accords.simulation.scenario import Scenario

# Adult men, all asylum seekers intercepted at sea, from the two nationalities Italy–Albania
# took most (a population without calibration: every share stated here).
AT_SEA_TO_ITALY: dict[str, Any] = {
    "calibration": None,
    "nationalities": {"EGY": 0.5, "BGD": 0.5},
    "arrival_modes": {"intercepted_at_sea": 1.0},
    "asylum_pending_share": 1.0,
    "minor_share": 0.0,
    "female_share": 0.0,
    "vulnerable_share": 0.0,
    "protection_against": {},
}


def series(result: RunResult, name: str, key: str = "") -> np.ndarray:
    """[replica, month] values of one series."""
    m = result.monthly.filter((pl.col("series") == name) & (pl.col("key") == key))
    wide = m.sort("replica", "month")["value"].to_numpy()
    return wide.reshape(len(result.replicas), -1)


def scenario(**overrides: Any) -> Scenario:
    """A small US scenario (synthetic, 2,000 persons, 12 months); override any field."""
    base: dict[str, Any] = {
        "name": "test",
        "sender": "USA",
        "start": "2025-04",
        "horizon_months": 12,
        "population": {
            "size": 2000,
            "calibration": "usa-fy2024",
            "true_citizen_share": 0.01,
            "protected_status_share": 0.02,
            "protection_against_nationality_share": 0.05,
            "protection_against": {"SLV": 0.05},
        },
        "agreements": [{"id": "usa-slv-2025"}, {"id": "usa-gtm-2025"}, {"id": "usa-col-2025"}],
        "ordinary_returns": {"nationalities": ["MEX", "GTM", "HND", "SLV"]},
        "pipeline": {
            "months_to_final_order": 2,
            "share_challenged": 0.2,
            "court_block_probability": 0.3,
            "court_delay_months": 2,
        },
        "costs": {
            "detention_per_day": {"amount": 165, "currency": "USD", "price_year": 2025},
            "transport_per_person": {"amount": 1978, "currency": "USD", "price_year": 2016},
        },
        "replicas": 2,
        "seed": 7,
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    base["population"] = {"synthetic": base["population"]}
    return Scenario.model_validate(base)
