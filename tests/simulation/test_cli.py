"""`accords simulate`: --init, a run that writes its folder, and errors that name the field."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import typer
from typer.testing import CliRunner

from accords.commands.simulate import simulate

app = typer.Typer()
app.command()(simulate)
runner = CliRunner()

SMALL = """\
name: cli
sender: USA
start: 2025-04
horizon_months: 4
population:
  synthetic: {size: 500, calibration: usa-fy2024}
agreements: [{id: usa-slv-2025, places: 300}]
ordinary_returns: {nationalities: [MEX]}
costs: {detention_per_day: {amount: 165, currency: USD, price_year: 2025}}
replicas: 3
seed: 1
"""


def test_init_writes_a_commented_example(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    result = runner.invoke(app, ["--init", str(path)])
    assert result.exit_code == 0, result.output
    assert "# accords scenario" in path.read_text(encoding="utf-8")
    again = runner.invoke(app, ["--init", str(path)])
    assert again.exit_code == 2


def test_a_run_writes_summary_monthly_and_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "run"
    result = runner.invoke(
        app, [str(scenario), "--out", str(out), "--replicas", "2", "--seed", "5", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "wrongful transfers" in " ".join(result.output.split())  # a row, or the note
    assert "transferred: return to Mexico" in result.output
    shares = [line for line in result.output.splitlines() if "share of places in use" in line]
    assert shares and all("%" in line for line in shares)  # percentages, never 0.99 beside 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["replicas"] == 2 and summary["seed"] == 5
    assert summary["population"]["synthetic"] is True
    monthly = pl.read_parquet(out / "monthly.parquet")
    assert monthly.columns == ["replica", "month", "date", "series", "key", "value"]
    assert monthly.select("replica", "month", "series", "key").is_duplicated().sum() == 0
    assert set(monthly["replica"].unique()) == {0, 1}
    assert "name: cli" in (out / "scenario.yaml").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_json_output_and_errors(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(app, [str(scenario), "--out", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["scenario"] == "cli"
    scenario.write_text(SMALL.replace("usa-slv-2025", "usa-slv-2052"), encoding="utf-8")
    bad = runner.invoke(app, [str(scenario), "--out", str(tmp_path / "r2")])
    assert bad.exit_code == 2
    assert "agreements[0].id" in bad.output and "usa-slv-2025" in bad.output
    bad_text = SMALL.replace("horizon_months: 4", "horizon_months: four")
    scenario.write_text(bad_text, encoding="utf-8")
    bad = runner.invoke(app, [str(scenario)])
    assert bad.exit_code == 2 and ":4:" in bad.output and "horizon_months" in bad.output
