"""A population's files evaluated as partitions on a Dask cluster give the local rows exactly.

A `LocalCluster` of two worker processes stands in for a real cluster: the same scheduler
protocol, the parts read and written by the workers, the verdicts counted and the ids checked
by the client.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from distributed import LocalCluster
from test_stream import population
from typer.testing import CliRunner

import accords
from accords.cli import app
from accords.engine.cluster import evaluate_on_cluster
from accords.engine.stream import evaluate_files
from accords.registry.loader import Registry
from accords.validation import InputError

DAY = date(2025, 4, 1)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five Parquet parts of unequal sizes, one of them empty, with every kind of unknown."""
    folder = tmp_path_factory.mktemp("population")
    persons = population(3_000, seed=11)
    start = 0
    for i, length in enumerate([1_200, 0, 600, 900, 300]):
        persons.slice(start, length).write_parquet(folder / f"part-{i}.parquet")
        start += length
    return folder


def test_one_file_and_a_folder_of_parts_equal_the_local_run(
    cluster: LocalCluster, parts: Path, tmp_path: Path, shipped_registry: Registry
) -> None:
    agreements = list(shipped_registry)
    local = tmp_path / "local.parquet"
    evaluate_files(parts, agreements, DAY, local)
    one = tmp_path / "cluster.parquet"
    summary = evaluate_on_cluster(parts, agreements, DAY, one, cluster.scheduler_address)
    assert one.read_bytes() == local.read_bytes()
    assert summary.persons == 3_000

    folder = tmp_path / "dataset"
    evaluate_on_cluster(parts, agreements, DAY, folder, cluster.scheduler_address)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"part-{i:05d}.parquet" for i in range(5)]
    dataset = pl.concat([pl.read_parquet(folder / name) for name in names])
    assert dataset.equals(pl.read_parquet(local))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_cli_and_the_python_api_run_on_the_cluster(
    cluster: LocalCluster, parts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORDS_REGISTRY", raising=False)
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    for out, extra in ((local, []), (remote, ["--cluster", cluster.scheduler_address])):
        args = ["evaluate", str(parts), "--out", str(out), "--date", DAY.isoformat(), *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "3,000 persons" in result.output
    assert remote.read_bytes() == local.read_bytes()
    frame = accords.evaluate(parts, date=DAY, cluster=cluster.scheduler_address)
    assert frame.height == pl.read_csv(local).height


def test_an_id_in_two_parts_is_refused_and_nothing_is_written(
    cluster: LocalCluster, tmp_path: Path, shipped_registry: Registry
) -> None:
    persons = population(400, seed=5)
    persons.head(200).write_parquet(tmp_path / "a.parquet")
    persons.slice(200).with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("p1")).otherwise(pl.col("id")).alias("id")
    ).write_parquet(tmp_path / "b.parquet")
    out = tmp_path / "out" / "verdicts.parquet"
    with pytest.raises(InputError, match="ids must be unique"):
        evaluate_on_cluster(
            tmp_path / "*.parquet", list(shipped_registry), DAY, out, cluster.scheduler_address
        )
    assert list(out.parent.iterdir()) == []


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_clear_error(parts: Path, tmp_path: Path) -> None:
    out = tmp_path / "verdicts.parquet"
    result = CliRunner().invoke(
        app, ["evaluate", str(parts), "--out", str(out), "--cluster", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output
    assert list(tmp_path.iterdir()) == []
