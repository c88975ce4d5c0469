"""Replicas on a Dask distributed cluster give exactly the local results for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from distributed import LocalCluster
from polars.testing import assert_frame_equal
from simhelpers import scenario
from typer.testing import CliRunner

from accords.cli import app
from accords.registry.loader import Registry
from accords.simulation.run import simulate


def test_a_cluster_run_equals_a_local_run(cluster: LocalCluster, registry: Registry) -> None:
    chosen = scenario(replicas=4, seed=11)
    local = simulate(chosen, registry=registry, workers=1)
    remote = simulate(chosen, registry=registry, cluster=cluster.scheduler_address)
    assert_frame_equal(local.monthly, remote.monthly)
    assert local.summary["totals"] == remote.summary["totals"]
    assert [r.replica for r in remote.replicas] == [0, 1, 2, 3]


def test_the_cli_runs_the_default_scenario_on_the_cluster(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        ["simulate", "--replicas", "2", "--cluster", cluster.scheduler_address, "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").exists() and (out / "monthly.parquet").exists()


@pytest.mark.slow
def test_an_unreachable_cluster_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["simulate", "--replicas", "1", "--cluster", "tcp://127.0.0.1:9", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output
    assert not out.exists()
