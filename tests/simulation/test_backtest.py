"""Backtests: built from what was known before, compared with figures that are never inputs."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from accords.cli import app
from accords.registry.loader import Registry
from accords.schemas import shipped
from accords.simulation.backtest import (
    Backtest,
    late_sources,
    load_backtests,
    observed_in_inputs,
    run_backtest,
    uncited,
)
from accords.simulation.result import PERCENTILES

BACKTESTS = load_backtests()
IDS = [b.id for b in BACKTESTS]


def test_at_least_six_agreements_are_backtested() -> None:
    measured = {b.agreement for b in BACKTESTS if any(o.measure for o in b.observed)}
    assert len(measured) >= 6


@pytest.mark.parametrize("backtest", BACKTESTS, ids=IDS)
def test_observed_values_are_not_among_the_scenarios_inputs(backtest: Backtest) -> None:
    assert observed_in_inputs(backtest) == []


def test_an_observed_value_copied_into_an_input_is_caught() -> None:
    slv = next(b for b in BACKTESTS if b.id == "usa-slv-2025")
    uses = [u.model_copy(update={"places": 278}) for u in slv.scenario.agreements or []]
    leaked = slv.model_copy(
        update={"scenario": slv.scenario.model_copy(update={"agreements": uses})}
    )
    assert observed_in_inputs(leaked) == ["agreements[0].places = 278"]


@pytest.mark.parametrize("backtest", BACKTESTS, ids=IDS)
def test_every_input_is_cited_or_marked_assumption(backtest: Backtest) -> None:
    assert uncited(backtest) == []


@pytest.mark.parametrize("backtest", BACKTESTS, ids=IDS)
def test_no_input_source_is_dated_after_the_forecast_day(backtest: Backtest) -> None:
    assert late_sources(backtest) == []


@pytest.mark.parametrize("backtest", BACKTESTS, ids=IDS)
def test_each_observed_figure_is_one_the_registry_records(
    backtest: Backtest, registry: Registry
) -> None:
    agreement = registry.get(backtest.agreement)
    recorded = {n.people for n in agreement.numbers} | {
        n.money.amount for n in agreement.numbers if n.money is not None
    }
    for obs in backtest.observed:
        # a zero ("not one detention confirmed") is read from the quote, not a recorded count
        assert {v for v in (obs.value, obs.value_high) if v} <= recorded, obs.label


@pytest.mark.slow
@pytest.mark.parametrize("backtest", BACKTESTS, ids=IDS)
def test_the_table_figures_equal_the_runs(backtest: Backtest, registry: Registry) -> None:
    result, rows = run_backtest(backtest, replicas=2, registry=registry)
    for row in rows:
        if row.observed.measure is None:
            assert row.band is None and row.inside is None
            continue
        m = row.observed.measure
        per_replica = (
            result.monthly.filter(
                (pl.col("series") == m.series)
                & (pl.col("key") == m.key)
                & pl.col("date").is_between(m.start, m.end)
            )
            .group_by("replica")
            .agg(pl.col("value").sum())
        )
        values = dict(zip(per_replica["replica"], per_replica["value"], strict=True))
        expected = [values.get(r, 0.0) for r in range(2)]
        assert list(row.values) == pytest.approx(expected)
        assert row.band == pytest.approx(tuple(np.percentile(expected, PERCENTILES)))


def test_cli_json_follows_its_schema_and_counts_the_band() -> None:
    out = CliRunner().invoke(
        app, ["backtest", "usa-cri-2025", "--replicas", "2", "--workers", "1", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    jsonschema.validate(data, shipped("backtest"))
    (row,) = data["rows"]
    assert row["observed"] == 200 and row["model"]["p50"] == 200
    assert data["inside"] == 1 and data["compared"] == 1


def test_cli_table_names_the_source_and_the_closing_count() -> None:
    out = CliRunner().invoke(
        app,
        ["backtest", "usa-cri-2025", "--replicas", "2", "--workers", "1"],
        env={"COLUMNS": "80"},
    )
    assert out.exit_code == 0, out.output
    assert "revistasalacons.poder-judicial.go.cr" in out.output
    assert "1 of 1 observed figures" in out.output
    assert max(len(line) for line in out.output.splitlines() if "http" not in line) <= 80


def test_cli_unknown_backtest_is_a_clear_error() -> None:
    out = CliRunner().invoke(app, ["backtest", "usa-slv-2052"])
    assert out.exit_code == 2
    assert "no backtest 'usa-slv-2052'" in out.output and "usa-slv-2025" in out.output
