"""A run's results: monthly series per replica, a summary with percentiles, and provenance.

Files (written atomically into one folder): `summary.json`, `monthly.parquet` (long format:
one row per replica, month, series and key, e.g. series `transfers`, key `usa-slv-2025`) and
`scenario.yaml` (the resolved scenario, so the run can be repeated from the folder alone).
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from ruamel.yaml import YAML

from accords.atomic import refuse_bad_output
from accords.simulation import calibration
from accords.simulation.model import ReplicaResult
from accords.simulation.plan import Plan, describe
from accords.simulation.series import SERIES, Measure, TotalKey
from accords.version import PACKAGE_VERSION

PERCENTILES = (5, 50, 95)

# In `monthly.parquet`, the counterfactual's series of a comparison carry this prefix.
WITHOUT_PREFIX = "without:"


@dataclass
class RunResult:
    plan: Plan
    replicas: list[ReplicaResult]
    monthly: pl.DataFrame
    summary: dict[str, Any]

    def total(self, name: str, key: str = "") -> dict[str, float]:
        """The percentiles of one total (e.g. `total("transfers", "usa-slv-2025")`)."""
        label = TotalKey(name, key).label
        out: dict[str, float] = self.summary["totals"].get(
            label, {"p5": 0.0, "p50": 0.0, "p95": 0.0, "mean": 0.0}
        )
        return out

    def per_replica(self, name: str, key: str = "") -> list[float]:
        """A total per replica, in replica order."""
        measures = SERIES[name].measures or (Measure.END,)
        return [_measure(measures[0], r.series.get(name, {}).get(key)) for r in self.replicas]

    def write(self, folder: Path) -> Path:
        """Write the three files; a reader never sees a half-written folder or file.

        A folder that is a file, or a place that cannot be written, is an InputError before
        anything is written."""
        refuse_bad_output(folder, folder=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; a run folder is an ordinary folder
        try:
            (tmp / "summary.json").write_text(
                json.dumps(self.summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            self.monthly.write_parquet(tmp / "monthly.parquet")
            (tmp / "scenario.yaml").write_text(scenario_yaml(self.plan), encoding="utf-8")
            if not folder.exists():
                tmp.replace(folder)
            else:
                for file in sorted(tmp.iterdir()):
                    file.replace(folder / file.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return folder


def _measure(measure: Measure, values: np.ndarray | None) -> float:
    """One replica's total of one series (0 where the replica has no such key)."""
    if values is None:
        return 0.0
    if measure is Measure.SUM:
        return float(values.sum())
    if measure is Measure.PEAK:
        return float(values.max())
    return float(values[-1])


def scenario_yaml(plan: Plan) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    buffer = io.StringIO()
    buffer.write("# Resolved scenario of an accords run (all defaults written out).\n")
    yaml.dump(plan.scenario.model_dump(mode="json"), buffer)
    return buffer.getvalue()


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def monthly_frame(plan: Plan, results: list[ReplicaResult]) -> pl.DataFrame:
    h = plan.horizon
    months = np.arange(h, dtype=np.int32)
    dates = [month_start(d) for d in plan.days]
    parts = []
    for result in results:
        names, keys, values = [], [], []
        for name, by_key in result.series.items():
            for key, array in by_key.items():
                names.append(name)
                keys.append(key)
                values.append(np.asarray(array, dtype=np.float64))
        count = len(names)
        parts.append(
            pl.DataFrame(
                {
                    "replica": np.full(count * h, result.replica, dtype=np.int32),
                    "month": np.tile(months, count),
                    "date": dates * count,
                    "series": np.repeat(np.array(names, dtype=object), h).tolist(),
                    "key": np.repeat(np.array(keys, dtype=object), h).tolist(),
                    "value": np.concatenate(values) if values else np.zeros(0),
                },
                schema={
                    "replica": pl.Int32,
                    "month": pl.Int32,
                    "date": pl.Date,
                    "series": pl.String,
                    "key": pl.String,
                    "value": pl.Float64,
                },
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame()


def _stats(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    p5, p50, p95 = np.percentile(arr, PERCENTILES)
    return {"p5": float(p5), "p50": float(p50), "p95": float(p95), "mean": float(arr.mean())}


def replica_totals(results: list[ReplicaResult]) -> dict[str, list[float]]:
    """Per total: its value in each replica, in replica order (a missing key counts as 0)."""
    labels: dict[tuple[str, str], None] = {}
    for result in results:
        for name, by_key in result.series.items():
            for key in by_key:
                labels[(name, key)] = None
    out: dict[str, list[float]] = {}
    for name, key in labels:
        spec = SERIES[name]
        for measure in spec.measures:
            out[TotalKey(spec.total(measure), key).label] = [
                _measure(measure, r.series.get(name, {}).get(key)) for r in results
            ]
    return dict(sorted(out.items()))


def totals(results: list[ReplicaResult]) -> dict[str, dict[str, float]]:
    """Per total: p5/p50/p95/mean across replicas (a key missing in a replica counts as 0)."""
    return {label: _stats(values) for label, values in replica_totals(results).items()}


COMPARISON_METHOD = (
    "Each replica is run twice on one population and one set of per-person random draws "
    "(entry month, final-order delay, court challenge, court delay and outcome, stay): with the "
    "scenario's agreements, and without those compared. The difference is taken replica by "
    "replica, so the luck of the draw cancels out and its band is far narrower than either "
    "run's."
)


def comparison(plan: Plan, results: list[ReplicaResult]) -> dict[str, Any]:
    """With / without / difference (with − without) for every total, replica by replica."""
    without = [r.without for r in results if r.without is not None]
    assert len(without) == len(results), "a comparison needs every replica's counterfactual"
    with_values, without_values = replica_totals(results), replica_totals(without)
    zeros = [0.0] * len(results)
    out: dict[str, dict[str, dict[str, float]]] = {}
    differences: dict[str, list[float]] = {}
    for label in sorted(set(with_values) | set(without_values)):
        a, b = with_values.get(label, zeros), without_values.get(label, zeros)
        differences[label] = [x - y for x, y in zip(a, b, strict=True)]
        out[label] = {
            "with": _stats(a),
            "without": _stats(b),
            "difference": _stats(differences[label]),
        }
    return {
        "without": list(plan.scenario.compare_without),
        "method": COMPARISON_METHOD,
        "totals": out,
        "per_replica_difference": differences,
    }


def summarise(plan: Plan, results: list[ReplicaResult]) -> RunResult:
    scenario = plan.scenario
    first = results[0]
    pop = scenario.population
    calibration_rows: list[dict[str, object]] = []
    if pop.synthetic is not None and pop.synthetic.calibration:
        calibration_rows = calibration.sources(pop.synthetic.calibration)
    currencies = sorted({k for r in results for k in r.series.get("cost_month", {})})
    notes = list(plan.notes) + sorted({n for r in results for n in r.notes})
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "scenario_hash": scenario.digest(),
        "registry_version": plan.registry_version,
        "package_version": PACKAGE_VERSION,
        "seed": scenario.seed,
        "replicas": len(results),
        "start": month_start(plan.days[0]).isoformat(),
        "horizon_months": plan.horizon,
        "population": {
            "label": first.population_label,
            "synthetic": first.synthetic,
            "persons": first.persons,
        },
        "currencies": currencies,
        "destinations": describe(plan),
        "calibration": calibration_rows,
        "notes": notes,
        "totals": totals(results),
    }
    monthly = monthly_frame(plan, results)
    if plan.without is not None:
        summary["comparison"] = comparison(plan, results)
        counterfactual = monthly_frame(plan.without, [r.without for r in results if r.without])
        monthly = pl.concat(
            [
                monthly,
                counterfactual.with_columns((WITHOUT_PREFIX + pl.col("series")).alias("series")),
            ]
        )
    return RunResult(plan, results, monthly, summary)
