"""A scenario's population file is read exactly as `accords evaluate` reads it.

It once skipped validation: 300 persons with citizenship `usa` (lower case) were not seen as US
citizens, 192 were transferred to El Salvador and none was counted wrongful. Now the file goes
through the engine's validated reader once, when the plan is built, before any replica runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simhelpers import scenario
from typer.testing import CliRunner

from accords.commands.simulate import simulate as simulate_command
from accords.engine.person import SCHEMA
from accords.simulation.run import simulate
from accords.simulation.scenario import PopulationSpec
from accords.validation import InputError

app = typer.Typer()
app.command()(simulate_command)

SCENARIO = """\
name: from a file
sender: USA
start: 2025-04
horizon_months: 6
population:
  file: persons.csv
agreements: [{id: usa-slv-2025}]
pipeline: {entries_per_month: 1000000, share_challenged: 0.0}
replicas: 1
seed: 3
"""


def write_csv(folder: Path, rows: list[str], header: str) -> Path:
    path = folder / "persons.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_lower_case_citizenship_in_a_scenario_file_is_refused_before_any_run(
    tmp_path: Path,
) -> None:
    rows = [f"p{i},USA,usa,true,true" for i in range(300)]
    write_csv(tmp_path, rows, "id,present_in,citizenships,criminal_conviction,gang_designation")
    (tmp_path / "s.yaml").write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(app, [str(tmp_path / "s.yaml"), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'persons.csv'}:2: citizenships" in result.output
    assert "upper case" in result.output
    assert not out.exists()


def in_file(tmp_path: Path, rows: list[dict[str, Any]], suffix: str = ".parquet") -> Any:
    columns = dict.fromkeys(k for row in rows for k in row)
    frame = pl.DataFrame(rows, schema={k: SCHEMA.get(k, pl.String) for k in columns}, orient="row")
    path = tmp_path / f"persons{suffix}"
    frame.write_parquet(path)
    return scenario(replicas=1, pipeline={"entries_per_month": 1e9}).model_copy(
        update={"population": PopulationSpec(file=path)}
    )


@pytest.mark.parametrize(
    ("rows", "field", "words"),
    [
        (
            [{"id": "a", "present_in": "USA", "citizenships": [None]}],
            "citizenships",
            "null",
        ),
        (
            [{"id": "a", "present_in": "USA"}, {"id": "a", "present_in": "USA"}],
            "id",
            "unique",
        ),
        ([{"id": "a", "present_in": "USA", "nationality": "VEN"}], "nationality", "unknown"),
        ([{"id": "a", "present_in": "GBR"}], "present_in", "sender is USA"),
    ],
    ids=["null list item", "duplicate id", "unknown column", "present elsewhere"],
)
def test_a_bad_population_file_is_refused_when_the_plan_is_built(
    tmp_path: Path, rows: list[dict[str, Any]], field: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        simulate(in_file(tmp_path, rows))
    problem = caught.value.problems[0]
    assert problem.field == field
    assert words in problem.message


CODES = ["USA", "SLV", "VEN", "MEX", "GTM", "HND", "COL"]


@st.composite
def file_persons(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Persons in the USA with citizenships unknown, stateless or any of a few codes."""
    n = draw(st.integers(5, 40))
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": f"p{i}",
                "present_in": "USA",
                "citizenships": draw(
                    st.none() | st.lists(st.sampled_from(CODES), max_size=3, unique=True)
                ),
                "protection_against": draw(
                    st.none() | st.lists(st.sampled_from(CODES[1:]), max_size=2, unique=True)
                ),
                "criminal_conviction": draw(st.none() | st.booleans()),
                "gang_designation": draw(st.none() | st.booleans()),
                "asylum_claim": draw(st.sampled_from([None, "none", "denied", "granted"])),
            }
        )
    return rows


def transfers_by_agreement(result: Any) -> float:
    m = result.monthly.filter(pl.col("series") == "transfers")
    return float(m["value"].sum())


@given(file_persons(), st.sampled_from([".parquet", ".csv"]))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_without_record_errors_no_file_person_is_wrongfully_transferred(
    tmp_path: Path, rows: list[dict[str, Any]], suffix: str
) -> None:
    """Read from Parquet or CSV, no citizen or protected person is ever sent anywhere."""
    frame = pl.DataFrame(rows, schema={k: SCHEMA[k] for k in rows[0]}, orient="row")
    path = tmp_path / f"persons{suffix}"
    if suffix == ".csv":
        frame.with_columns(
            [
                pl.when(pl.col(c).is_null())
                .then(pl.lit(""))
                .when(pl.col(c).list.len() == 0)
                .then(pl.lit("-"))
                .otherwise(pl.col(c).list.join(";"))
                .alias(c)
                for c in ("citizenships", "protection_against")
            ]
        ).write_csv(path)
    else:
        frame.write_parquet(path)
    s = scenario(replicas=1, pipeline={"entries_per_month": 1e9, "share_challenged": 0.0})
    result = simulate(s.model_copy(update={"population": PopulationSpec(file=path)}))
    assert result.total("wrongful")["p95"] == 0
    unknown_or_citizen = [
        r for r in rows if r["citizenships"] is None or "USA" in r["citizenships"]
    ]
    if len(unknown_or_citizen) == len(rows):
        assert transfers_by_agreement(result) == 0, "an unknown or a citizen was transferred"
