"""Streaming evaluation: a population read and verdicts written a batch at a time.

The streamed file must be the file the in-memory path writes (whole population read, one
evaluation, one write), byte for byte, whatever the batch size and however the population is
split into files; a bad row in the last batch, or an id repeated across batches, must leave no
output at all; and the output's format follows its suffix, refused before any work otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import Result

import accords
from accords.engine.evaluate import evaluate_frame
from accords.engine.person import SCHEMA
from accords.engine.population import read_population
from accords.engine.stream import evaluate_files
from accords.engine.writers import FORMATS, write_verdicts
from accords.registry.loader import Registry
from accords.validation import InputError

DAY = date(2025, 4, 1)
CODES = ["USA", "MEX", "SLV", "VEN", "GTM", "HND", "GBR", "RWA", "ITA", "ALB", "AFG", "CUB"]
STATES = ["USA", "GBR", "ITA", "AUS", "CAN", "GRC", "DEU"]


def population(n: int, seed: int = 3) -> pl.DataFrame:
    """A SYNTHETIC population with every kind of unknown: a null in every nullable column,
    unknown lists, empty lists, lists longer than the engine's slot columns, `unknown` arrival
    mode, ages and birth dates, persons in states that send under no agreement."""
    rng = np.random.default_rng(seed)

    def pick(values: list[object], p_null: float = 0.1) -> list[object]:
        chosen = rng.choice(np.array(values, dtype=object), n)
        return [None if m else v for v, m in zip(chosen, rng.random(n) < p_null, strict=True)]

    def codes(p_null: float) -> list[list[str] | None]:
        lengths = rng.choice([0, 1, 1, 1, 2, 3], n)
        draws = rng.choice(CODES, (n, 3))
        return [
            None if m else draws[i, :k].tolist()
            for i, (k, m) in enumerate(zip(lengths, rng.random(n) < p_null, strict=True))
        ]

    ages = rng.integers(0, 90, n)
    by_birth = rng.random(n) < 0.3
    births = [date(1950, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 27000, n)]
    unknown_age = rng.random(n) < 0.1
    arrivals = [date(2015, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 3900, n)]
    bools = [True, False]
    data = {
        "id": [f"p{i}" for i in range(n)],
        "present_in": rng.choice(STATES, n, p=[0.5, 0.15, 0.1, 0.08, 0.07, 0.05, 0.05]),
        "citizenships": codes(0.1),
        "birth_date": [
            b if bb and not u else None
            for b, bb, u in zip(births, by_birth, unknown_age, strict=True)
        ],
        "age": [
            int(a) if not bb and not u else None
            for a, bb, u in zip(ages, by_birth, unknown_age, strict=True)
        ],
        "sex": pick(["male", "female", "other"]),
        "immigration_status": pick(["none", "parolee"], 0.5),
        "asylum_claim": pick(["none", "pending", "granted", "denied"]),
        "protection_against": codes(0.2),
        "final_removal_order": pick(bools),
        "criminal_conviction": pick(bools),
        "serving_sentence": pick(bools),
        "gang_designation": pick(bools),
        "arrival_date": [
            None if m else d for d, m in zip(arrivals, rng.random(n) < 0.1, strict=True)
        ],
        "arrival_mode": pick(
            ["land_port", "land_irregular", "air", "sea_irregular", "intercepted_at_sea", "unknown"]
        ),
        "vulnerable": pick(bools),
        "family_unit": pick(bools),
        "removal_basis": pick(["ordinary", "alien_enemies_act"]),
    }
    return pl.DataFrame(data, schema=SCHEMA)


@pytest.fixture(scope="module")
def persons() -> pl.DataFrame:
    return population(100_000)


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_streamed_file_is_the_in_memory_file(
    tmp_path: Path, persons: pl.DataFrame, shipped_registry: Registry, suffix: str
) -> None:
    """10^5 persons split over three Parquet files and read 7,001 rows at a time give the same
    bytes as the whole population read into memory and evaluated at once."""
    agreements = list(shipped_registry)
    whole = tmp_path / "population.parquet"
    persons.write_parquet(whole)
    parts = tmp_path / "parts"
    parts.mkdir()
    for i, (start, length) in enumerate([(0, 30_000), (30_000, 45_000), (75_000, 25_000)]):
        persons.slice(start, length).write_parquet(parts / f"part-{i}.parquet")

    in_memory = tmp_path / f"in-memory{suffix}"
    frame = read_population(whole)
    write_verdicts(evaluate_frame(frame, agreements, DAY, with_reasons=True).verdicts, in_memory)
    streamed = tmp_path / f"streamed{suffix}"
    summary = evaluate_files(parts, agreements, DAY, streamed, rows=7_001)

    assert summary.persons == 100_000
    assert streamed.read_bytes() == in_memory.read_bytes()
    if suffix == ".parquet":
        rows = pl.read_parquet(streamed)
        assert rows["verdict"].n_unique() == 5  # every verdict occurs
        assert int(summary.counts["len"].sum()) == rows.height


def test_a_bad_row_in_the_last_batch_leaves_no_output(
    tmp_path: Path, persons: pl.DataFrame, shipped_registry: Registry
) -> None:
    source = tmp_path / "population.csv"
    bad = persons.head(2_000).with_columns(
        pl.when(pl.int_range(pl.len()) == 1_950)
        .then(pl.lit("XXX"))
        .otherwise(pl.col("present_in"))
        .alias("present_in"),
        *[
            pl.col(c).cast(pl.List(pl.String)).list.join(";")
            for c in ("citizenships", "protection_against")
        ],
    )
    bad.write_csv(source)
    out = tmp_path / "verdicts.parquet"
    with pytest.raises(InputError) as caught:
        evaluate_files(source, list(shipped_registry), DAY, out, rows=500)
    problem = caught.value.problems[0]
    assert (problem.field, problem.line) == ("present_in", 1_952)  # header + 0-based row 1,950
    assert list(tmp_path.iterdir()) == [source]


def test_an_id_repeated_in_another_batch_is_refused(
    tmp_path: Path, persons: pl.DataFrame, shipped_registry: Registry
) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    persons.slice(0, 1_000).write_parquet(first)
    persons.slice(1_000, 1_000).with_columns(
        pl.when(pl.int_range(pl.len()) == 10).then(pl.lit("p7")).otherwise(pl.col("id")).alias("id")
    ).write_parquet(second)
    out = tmp_path / "out" / "verdicts.csv"
    with pytest.raises(InputError) as caught:
        evaluate_files(tmp_path / "*.parquet", list(shipped_registry), DAY, out, rows=300)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (second, 11, "id")
    assert problem.hint == f"'p7' is also at {first}:8"
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_an_output_without_a_known_suffix_is_refused_before_any_work(
    tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    """The population does not even exist: the suffix is checked first."""
    result = invoke("evaluate", tmp_path / "missing.csv", "--out", tmp_path / "verdicts.txt")
    assert result.exit_code != 0
    assert "cannot tell the output format from the suffix '.txt'" in result.output
    assert ".csv for CSV, .parquet for Parquet, .jsonl for JSON Lines" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_folder_and_a_glob_are_read_as_one_population(
    tmp_path: Path, persons: pl.DataFrame, invoke: Callable[..., Result]
) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    persons.slice(0, 300).write_parquet(folder / "a.parquet")
    persons.slice(300, 200).write_parquet(folder / "b.parquet")
    outs = []
    for i, source in enumerate([folder, folder / "*.parquet"]):
        out = tmp_path / f"v{i}.jsonl"
        result = invoke("evaluate", source, "--out", out, "--date", DAY.isoformat())
        assert result.exit_code == 0, result.output
        assert "500 persons" in result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_a_parquet_output_names_the_data_and_code_that_produced_it(
    tmp_path: Path, invoke: Callable[..., Result], shipped_registry: Registry
) -> None:
    source = tmp_path / "persons.csv"
    source.write_text("id,present_in,citizenships\na,USA,VEN\n", encoding="utf-8")
    out = tmp_path / "verdicts.parquet"
    result = invoke("evaluate", source, "--out", out, "--date", "2025-06-01")
    assert result.exit_code == 0, result.output
    footer = {k.decode(): v.decode() for k, v in pq.read_schema(out).metadata.items()}
    assert footer["data_version"] == str(shipped_registry.version)
    assert footer["data_digest"] == shipped_registry.version.digest
    assert footer["accords_version"] == accords.__version__
    assert footer["evaluated_on"] == "2025-06-01"


def test_a_csv_output_keeps_an_id_that_looks_like_a_formula_as_text(
    tmp_path: Path, persons: pl.DataFrame, shipped_registry: Registry
) -> None:
    source = tmp_path / "persons.parquet"
    formula = '=HYPERLINK("http://example.org")'
    first = pl.int_range(pl.len()) == 0
    persons.head(50).with_columns(
        pl.when(first).then(pl.lit(formula)).otherwise(pl.col("id")).alias("id")
    ).write_parquet(source)
    out = tmp_path / "verdicts.csv"
    evaluate_files(source, list(shipped_registry), DAY, out, rows=20)
    ids = pl.read_csv(out, infer_schema=False)["person_id"]
    assert "'" + formula in ids.to_list() and formula not in ids.to_list()
    assert set(ids.to_list()) - {"'" + formula} <= set(persons.head(50)["id"].to_list())
