"""The engine's Python API for notebooks: `accords.check` and `accords.evaluate`."""

from __future__ import annotations

import tempfile
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
    cluster: str | None = None,
) -> pl.DataFrame:
    """Verdicts and reason codes per (person, agreement) for a frame or a CSV/Parquet path.

    With `cluster` (a Dask scheduler address, `tcp://HOST:PORT`), the path's files (a folder or
    glob of parts) are evaluated as partitions on the cluster's workers, and the rows are the
    ones a local evaluation gives, in the same order.
    """
    from datetime import date as _date

    reg = registry or load_registry()
    if cluster is not None:
        from accords.engine.cluster import evaluate_on_cluster  # distributed: imported if used

        if not isinstance(population, str | Path):
            raise TypeError("evaluate(cluster=...) reads a path the workers can see, not a frame")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "verdicts.parquet"
            chosen = reg.select(agreements)
            evaluate_on_cluster(Path(population), chosen, date or _date.today(), out, cluster)
            return pl.read_parquet(out)
    day = date or _date.today()
    if isinstance(population, str | Path):
        frame = read_population(Path(population), on=day)
    else:
        frame = validate_population(Path("<frame>"), population, on=day)
    result = evaluate_frame(frame, reg.select(agreements), day, with_reasons=True)
    return result.verdicts


__all__ = ["check", "evaluate"]
