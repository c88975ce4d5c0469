"""Backtests: does the model, given only what was known before, reproduce what then happened?

A backtest (one YAML file in `data/backtests/`) is an ordinary scenario plus two lists:

- `inputs`: every value the scenario sets, each with the source it was read from (dated on or
  before `known_on`, the day the forecast is made) or marked as an ASSUMPTION with the reason;
- `observed`: figures reported after the fact, each with its source and the model series it is
  compared with. They are never read by the scenario (a test holds every backtest to that).

The comparison is the model's p5/p50/p95 across replicas against the observed figure: inside the
band or not, and the relative error of the median. A backtest that misses is kept, with the
reason in its `explanation`: inputs are never tuned to an observed output. A figure the model
has no way to express (a prisoner swap, asylum decisions abroad) is listed with `not_modelled`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from accords.registry.loader import Registry
from accords.registry.models import Source, Strict
from accords.simulation.result import PERCENTILES, RunResult
from accords.simulation.run import simulate
from accords.simulation.scenario import Month, Scenario
from accords.validation import InputError, Problem, load_model


class Input(Strict):
    """One value the scenario sets: where it comes from, or why it is an assumption."""

    field: str = Field(min_length=1, description="Dotted path in the scenario, e.g. pipeline.x")
    source: Source | None = None
    assumption: str | None = Field(default=None, description="Why no source gives it.")
    note: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Input:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("give exactly one of 'source' or 'assumption'")
        return self


class Measure(Strict):
    """The model figure compared: a series (and key) summed over whole months."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        populate_by_name=True,
        serialize_by_alias=True,
    )

    series: str
    key: str = ""
    start: Month = Field(alias="from", description="First month counted (YYYY-MM).")
    end: Month = Field(alias="to", description="Last month counted (YYYY-MM).")


class Observed(Strict):
    """A figure reported after the forecast day; never an input."""

    label: str
    value: float = Field(ge=0)
    value_high: float | None = Field(
        default=None, description="Upper end when sources give a range (e.g. 939–945)."
    )
    unit: str = "people"
    source: Source
    measure: Measure | None = None
    not_modelled: str | None = Field(default=None, description="Why the model cannot say.")
    note: str | None = None

    @model_validator(mode="after")
    def _measured(self) -> Observed:
        if (self.measure is None) == (self.not_modelled is None):
            raise ValueError("give exactly one of 'measure' or 'not_modelled'")
        if self.value_high is not None and self.value_high < self.value:
            raise ValueError("'value_high' must not be below 'value'")
        return self


class Backtest(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    agreement: str
    title: str
    known_on: date = Field(description="Every input's source is dated on or before this day.")
    scenario: Scenario
    inputs: list[Input] = Field(min_length=1)
    observed: list[Observed] = Field(min_length=1)
    explanation: str = Field(min_length=1, description="What the model leaves out; why it misses.")

    def assumptions(self) -> list[Input]:
        return [i for i in self.inputs if i.assumption is not None]


def backtest_dir() -> Path:
    return Path(str(resources.files("accords") / "data" / "backtests"))


def load_backtest(path: Path) -> Backtest:
    backtest, _ = load_model(path, Backtest)
    return backtest


def load_backtests(ids: Sequence[str] = ()) -> list[Backtest]:
    """The shipped backtests (all, or those named), in file order; unknown ids are an error."""
    found = [load_backtest(p) for p in sorted(backtest_dir().glob("*.yaml"))]
    if not ids:
        return found
    by_id = {b.id: b for b in found}
    missing = [i for i in ids if i not in by_id]
    if missing:
        known = ", ".join(sorted(by_id))
        raise InputError(
            [
                Problem(backtest_dir(), None, None, "id", f"no backtest {i!r} (known: {known})")
                for i in missing
            ]
        )
    return [by_id[i] for i in dict.fromkeys(ids)]


def scenario_values(scenario: Scenario) -> Iterator[tuple[str, Any]]:
    """Every value the scenario file sets, as (dotted path, value), lists and maps flattened."""

    def walk(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                yield from walk(f"{prefix}[{i}]", inner)
        else:
            yield prefix, value

    yield from walk("", scenario.model_dump(mode="json", exclude_unset=True))


# What names the run rather than feeding the model (the sender is the agreement's own party).
NOT_INPUTS = ("name", "description", "sender", "replicas", "seed")


def uncited(backtest: Backtest) -> list[str]:
    """Scenario values with neither a source nor an ASSUMPTION entry in `inputs`."""
    fields = [i.field for i in backtest.inputs]

    def covered(path: str) -> bool:
        return any(path == f or path.startswith((f"{f}.", f"{f}[")) for f in fields)

    def needs_source(path: str) -> bool:
        if path.split(".")[0] in NOT_INPUTS:
            return False
        return not (path.startswith("agreements[") and path.endswith(".id"))

    return [
        path
        for path, _ in scenario_values(backtest.scenario)
        if needs_source(path) and not covered(path)
    ]


def observed_in_inputs(backtest: Backtest) -> list[str]:
    """Scenario values equal to an observed figure (`path = value`): each would be a leak.

    A zero is not checked: it is every unset count's value, while what this guards against is a
    reported figure copied into an input.
    """
    observed = {v for o in backtest.observed for v in (o.value, o.value_high) if v}
    return [
        f"{path} = {value}"
        for path, value in scenario_values(backtest.scenario)
        if isinstance(value, int | float) and not isinstance(value, bool) and value in observed
    ]


def late_sources(backtest: Backtest) -> list[str]:
    """Inputs whose source is dated after the forecast day (a date range counts from its start)."""
    return [
        i.field
        for i in backtest.inputs
        if i.source is not None
        and i.source.date is not None
        and i.source.date.earliest > backtest.known_on
    ]


@dataclass(frozen=True)
class Row:
    """One observed figure against the model's band."""

    backtest: Backtest
    observed: Observed
    values: tuple[float, ...]  # the measure per replica, in replica order; empty if not modelled

    @property
    def band(self) -> tuple[float, float, float] | None:
        if not self.values:
            return None
        p5, p50, p95 = np.percentile(np.asarray(self.values), PERCENTILES)
        return float(p5), float(p50), float(p95)

    @property
    def inside(self) -> bool | None:
        """Whether the observed figure (or range) meets the model's 5–95% band."""
        band = self.band
        if band is None:
            return None
        high = self.observed.value_high or self.observed.value
        return band[0] <= high and self.observed.value <= band[2]

    @property
    def relative_error(self) -> float | None:
        """(model median − observed) / observed; 0 inside a range; None when observed is 0."""
        band = self.band
        if band is None:
            return None
        low, high = self.observed.value, self.observed.value_high or self.observed.value
        if low <= band[1] <= high:
            return 0.0
        target = low if band[1] < low else high
        return None if target == 0 else (band[1] - target) / target

    def output(self) -> RowOutput:
        band = self.band
        obs = self.observed
        return RowOutput(
            backtest=self.backtest.id,
            agreement=self.backtest.agreement,
            label=obs.label,
            observed=obs.value,
            observed_high=obs.value_high,
            unit=obs.unit,
            source=obs.source,
            measure=obs.measure,
            model=None if band is None else Band(p5=band[0], p50=band[1], p95=band[2]),
            per_replica=list(self.values),
            inside_band=self.inside,
            relative_error=self.relative_error,
            not_modelled=obs.not_modelled,
            note=obs.note,
        )


class Band(Strict):
    p5: float
    p50: float
    p95: float


class RowOutput(Strict):
    """One observed figure against the model, as `accords backtest --json` prints it."""

    backtest: str
    agreement: str
    label: str
    observed: float
    observed_high: float | None
    unit: str
    source: Source
    measure: Measure | None
    model: Band | None = Field(description="p5/p50/p95 across replicas; null if not modelled.")
    per_replica: list[float]
    inside_band: bool | None
    relative_error: float | None = Field(
        description="(median − observed) / observed; null when observed is 0 or not modelled."
    )
    not_modelled: str | None
    note: str | None


class BacktestSummary(Strict):
    id: str
    agreement: str
    title: str
    known_on: date
    replicas: int
    seed: int
    assumptions: list[str] = Field(description="Scenario fields marked ASSUMPTION.")
    explanation: str


class BacktestOutput(Strict):
    """`accords backtest --json`: every backtest run, every observed figure against the model."""

    backtests: list[BacktestSummary]
    rows: list[RowOutput]
    inside: int = Field(description="Observed figures inside the model's 5–95% band.")
    compared: int = Field(description="Observed figures the model expresses.")


def output(runs: Sequence[tuple[Backtest, RunResult, list[Row]]]) -> BacktestOutput:
    rows = [row for _, _, rs in runs for row in rs]
    compared = [r for r in rows if r.inside is not None]
    return BacktestOutput(
        backtests=[
            BacktestSummary(
                id=b.id,
                agreement=b.agreement,
                title=b.title,
                known_on=b.known_on,
                replicas=result.plan.scenario.replicas,
                seed=result.plan.scenario.seed,
                assumptions=[i.field for i in b.assumptions()],
                explanation=b.explanation,
            )
            for b, result, _ in runs
        ],
        rows=[r.output() for r in rows],
        inside=sum(1 for r in compared if r.inside),
        compared=len(compared),
    )


def measure_values(result: RunResult, measure: Measure) -> list[float]:
    """The measure in each replica: the series summed over the months of the window."""
    months = [i for i, day in enumerate(result.plan.days) if measure.start <= day <= _last(measure)]
    out = []
    for replica in result.replicas:
        series = replica.series.get(measure.series, {}).get(measure.key)
        out.append(0.0 if series is None else float(np.asarray(series)[months].sum()))
    return out


def _last(measure: Measure) -> date:
    return date(measure.end.year, measure.end.month, 28)


def check_window(backtest: Backtest) -> None:
    """A measure's months must lie within the scenario's horizon."""
    scenario = backtest.scenario
    year, month = divmod(scenario.start.month - 1 + scenario.horizon_months - 1, 12)
    last = date(scenario.start.year + year, month + 1, 1)
    for i, obs in enumerate(backtest.observed):
        m = obs.measure
        if m is not None and (m.start < scenario.start or m.end > last or m.end < m.start):
            raise InputError(
                [
                    Problem(
                        backtest_dir() / f"{backtest.id}.yaml",
                        None,
                        None,
                        f"observed[{i}].measure",
                        f"months {m.start:%Y-%m}..{m.end:%Y-%m} are outside the scenario's "
                        f"{scenario.start:%Y-%m}..{last:%Y-%m}",
                    )
                ]
            )


def run_backtest(
    backtest: Backtest,
    *,
    replicas: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    registry: Registry | None = None,
) -> tuple[RunResult, list[Row]]:
    """Run the backtest's scenario and set each observed figure against the model's band."""
    check_window(backtest)
    result = simulate(
        backtest.scenario, replicas=replicas, seed=seed, workers=workers, registry=registry
    )
    rows = [
        Row(
            backtest,
            obs,
            () if obs.measure is None else tuple(measure_values(result, obs.measure)),
        )
        for obs in backtest.observed
    ]
    return result, rows
