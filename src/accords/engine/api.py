"""The engine's Python API for notebooks: `accords.check` and `accords.evaluate`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from accords.engine.check import check
from accords.engine.evaluate import evaluate_frame
from accords.engine.population import read_population, validate_population
from accords.registry.loader import Registry, load_registry


def evaluate(
    population: pl.DataFrame | str | Path,
    date: date | None = None,
    agreements: Sequence[str] | None = None,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """Verdicts and reason codes per (person, agreement) for a frame or a CSV/Parquet path."""
    from datetime import date as _date

    reg = registry or load_registry()
    if isinstance(population, str | Path):
        frame = read_population(Path(population))
    else:
        frame = validate_population(Path("<frame>"), population)
    result = evaluate_frame(frame, reg.select(agreements), date or _date.today(), with_reasons=True)
    return result.verdicts


__all__ = ["check", "evaluate"]
