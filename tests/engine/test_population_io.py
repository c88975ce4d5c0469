"""`accords evaluate` on population files and `accords check` on one case, through the CLI.

Population CSVs write list columns as `USA;MEX`, `-` for the empty list and an empty cell for
unknown. A bad file fails before anything is evaluated: a non-zero exit, an error naming the
column and the first offending line, and no output file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from engine_oracle import KNOWN_QUIRKS, oracle
from typer.testing import CliRunner, Result

from accords.cli import app
from accords.engine.evaluate import REASON_CODE_TYPE
from accords.engine.person import Person
from accords.engine.population import read_population
from accords.registry.loader import Registry
from accords.schemas import shipped

DAY = date(2025, 4, 1)

HEADER = (
    "id,present_in,citizenships,age,sex,asylum_claim,protection_against,"
    "final_removal_order,criminal_conviction,gang_designation,arrival_mode,removal_basis"
)
ROWS = [
    "s1,USA,USA;MEX,34,male,none,-,false,true,false,,",
    "s2,USA,VEN,27,male,none,-,true,true,false,,ordinary",
    "s3,USA,SLV,29,male,denied,SLV; MEX,yes,0,no,,",
    "s4,USA,,41,female,,,,,,,",
    "s5,GBR,IRQ,31,male,pending,-,FALSE,False,,sea_irregular,",
    "s6,ITA,BGD,16,male,pending,-,0,0,,intercepted_at_sea,",
    "s7,USA,VEN,24,male,none,-,false,false,true,,alien_enemies_act",
]


def write_csv(folder: Path, rows: list[str], header: str = HEADER, name: str = "pop.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`accords ARGS...` in-process, with the shipped registry whatever the environment says."""
    monkeypatch.delenv("ACCORDS_REGISTRY", raising=False)
    runner = CliRunner()

    def invoke(*args: str | Path, stdin: str | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=stdin, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def small_registry(tmp_path_factory: pytest.TempPathFactory, shipped_registry: Registry) -> Path:
    """A registry folder with two shipped agreements: bad-input tests need no more, and the
    CLI reads it in a fraction of the time the whole registry takes."""
    folder = tmp_path_factory.mktemp("small-registry")
    for agreement_id in ("usa-slv-2025", "gbr-rwa-2022"):
        source = shipped_registry.files[agreement_id]
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def persons_of(path: Path) -> list[Person]:
    """The file's rows as Person models (the single-case path), for the oracle."""
    frame = read_population(path)
    return [
        Person.model_validate({k: v for k, v in row.items() if v is not None})
        for row in frame.to_dicts()
    ]


# --- Reading a CSV --------------------------------------------------------------------------


def test_list_columns_are_split_on_semicolons_with_dash_for_empty_and_blank_for_unknown(
    tmp_path: Path,
) -> None:
    frame = read_population(write_csv(tmp_path, ROWS))
    lists = dict(zip(frame["id"], frame["citizenships"].to_list(), strict=True))
    assert lists["s1"] == ["USA", "MEX"]
    assert lists["s4"] is None
    protection = dict(zip(frame["id"], frame["protection_against"].to_list(), strict=True))
    assert protection["s1"] == []
    assert protection["s3"] == ["SLV", "MEX"]  # spaces around codes are stripped
    assert protection["s4"] is None
    booleans = dict(zip(frame["id"], frame["final_removal_order"].to_list(), strict=True))
    assert booleans == {
        "s1": False,
        "s2": True,
        "s3": True,
        "s4": None,
        "s5": False,
        "s6": False,
        "s7": False,
    }


# --- accords evaluate -----------------------------------------------------------------------


def test_evaluate_writes_one_row_per_person_and_agreement_of_their_state(
    tmp_path: Path, run: Callable[..., Result], shipped_registry: Registry
) -> None:
    population = write_csv(tmp_path, ROWS)
    out = tmp_path / "verdicts.parquet"
    result = run("evaluate", population, "--out", out, "--date", DAY.isoformat())
    assert result.exit_code == 0, result.stderr
    verdicts = pl.read_parquet(out)
    assert {"person_id", "agreement", "verdict", "reasons"} <= set(verdicts.columns)
    assert verdicts.schema["reasons"] == pl.List(REASON_CODE_TYPE)  # codes stored as an enum
    persons = persons_of(population)
    expected_pairs = {
        (p.id, a.id) for p in persons for a in shipped_registry if a.sending_state == p.present_in
    }
    pairs = list(zip(verdicts["person_id"], verdicts["agreement"].cast(pl.String), strict=True))
    assert len(pairs) == len(set(pairs)), "a (person, agreement) pair is written twice"
    assert set(pairs) == expected_pairs
    by_id = {p.id: p for p in persons}
    for row in verdicts.iter_rows(named=True):
        person, agreement = by_id[row["person_id"]], shipped_registry.get(row["agreement"])
        got = (row["verdict"], set(row["reasons"]))
        assert got in (
            oracle(person, agreement, DAY),
            oracle(person, agreement, DAY, quirks=KNOWN_QUIRKS),
        ), (person.id, agreement.id, got)
    rows = {(r["person_id"], r["agreement"]): r for r in verdicts.iter_rows(named=True)}
    assert rows[("s1", "usa-slv-2025")]["verdict"] == "barred"
    assert "citizen_of_sender" in rows[("s1", "usa-slv-2025")]["reasons"]
    assert (rows[("s2", "usa-slv-2025")]["verdict"], rows[("s2", "usa-slv-2025")]["reasons"]) == (
        "permitted",
        [],
    )
    assert rows[("s3", "usa-slv-2025")]["verdict"] == "barred"
    assert "non_refoulement" in rows[("s3", "usa-slv-2025")]["reasons"]
    assert rows[("s5", "gbr-rwa-2022")]["verdict"] == "not_in_force"
    assert rows[("s6", "ita-alb-2023")]["verdict"] == "not_covered"
    assert "excluded_minor" in rows[("s6", "ita-alb-2023")]["reasons"]


def test_evaluate_restricted_to_one_agreement_writes_only_its_rows(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    out = tmp_path / "slv.parquet"
    result = run(
        "evaluate",
        write_csv(tmp_path, ROWS),
        "--out",
        out,
        "--date",
        "2025-04-01",
        "-a",
        "usa-slv-2025",
    )
    assert result.exit_code == 0, result.stderr
    verdicts = pl.read_parquet(out)
    assert set(verdicts["agreement"].cast(pl.String)) == {"usa-slv-2025"}
    assert sorted(verdicts["person_id"]) == ["s1", "s2", "s3", "s4", "s7"]


def test_a_parquet_population_gives_the_same_verdicts_as_its_csv(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    csv = write_csv(tmp_path, ROWS)
    parquet = tmp_path / "pop.parquet"
    read_population(csv).write_parquet(parquet)
    out_csv, out_parquet = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert run("evaluate", csv, "--out", out_csv, "--date", "2025-04-01").exit_code == 0
    assert run("evaluate", parquet, "--out", out_parquet, "--date", "2025-04-01").exit_code == 0
    columns = ["person_id", "agreement", "verdict", "reasons"]
    a = pl.read_parquet(out_csv).select(columns).sort("person_id", "agreement")
    b = pl.read_parquet(out_parquet).select(columns).sort("person_id", "agreement")
    assert a.equals(b)


BUG_CSV_DATES = (
    "BUG src/accords/engine/population.py _cast: a date column read from CSV (birth_date, "
    "arrival_date) is a String column and is converted with `Series.cast(pl.Date, "
    "strict=False)`, which polars 2.x (installed: see `pip show polars`) no longer supports: "
    "`accords evaluate` on any CSV with a date column crashes with InvalidOperationError "
    "('casting from string to date is not supported') and a traceback, exit 1 — including "
    "examples/population.csv."
)


def test_a_csv_with_dates_is_evaluated(tmp_path: Path, run: Callable[..., Result]) -> None:
    population = write_csv(
        tmp_path,
        [
            "d1,GBR,IRQ,,1992-05-01,male,pending,-,sea_irregular,2023-09-10",
            "d2,ITA,BGD,,2008-03-01,male,pending,-,intercepted_at_sea,2025-01-20",
        ],
        header="id,present_in,citizenships,age,birth_date,sex,asylum_claim,protection_against,"
        "arrival_mode,arrival_date",
    )
    out = tmp_path / "verdicts.parquet"
    result = run("evaluate", population, "--out", out, "--date", "2024-05-15")
    assert result.exit_code == 0, result.stderr
    rows = {(r["person_id"], r["agreement"]): r for r in pl.read_parquet(out).iter_rows(named=True)}
    assert rows[("d1", "gbr-rwa-2022")]["verdict"] == "permitted"


# --- Bad population files -------------------------------------------------------------------


def _fails_cleanly(result: Result, out: Path, population: Path, column: str, line: int) -> None:
    assert result.exit_code != 0
    errors = result.stderr
    assert column in errors, errors
    assert f"{population}:{line}:" in errors, errors
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*")), "a partial output file was left behind"


BAD_INPUTS = {
    # name: (header, rows, column, first offending line, words the message must hold)
    "missing id column": (
        "present_in,citizenships",
        ["USA,VEN"],
        "id",
        1,
        "missing",
    ),
    "unknown column, with a suggestion": (
        "id,present_in,citizenship",
        ["a,USA,VEN"],
        "citizenship",
        1,
        "'citizenships'",
    ),
    "bad country code in a list": (
        "id,present_in,citizenships",
        ["a,USA,VEN", "b,USA,USA;XXZ", "c,USA,XXZ"],
        "citizenships",
        3,
        "XXZ",
    ),
    "bad present_in code": (
        "id,present_in",
        ["a,USA", "b,GBR", "c,Mexico"],
        "present_in",
        4,
        "alpha-3",
    ),
    "bad boolean": (
        "id,present_in,final_removal_order",
        ["a,USA,true", "b,USA,", "c,USA,no", "d,USA,maybe"],
        "final_removal_order",
        5,
        "true/false",
    ),
    "bad enum value": (
        "id,present_in,sex",
        ["a,USA,male", "b,USA,m"],
        "sex",
        3,
        "female",
    ),
    "bad whole number": (
        "id,present_in,age",
        ["a,USA,12", "b,USA,twelve"],
        "age",
        3,
        "whole number",
    ),
    "lower-case code in a list": (
        "id,present_in,citizenships",
        ["a,USA,VEN", "b,USA,usa"],
        "citizenships",
        3,
        "upper case",
    ),
    "empty item in a list": (
        "id,present_in,citizenships",
        ["a,USA,VEN", "b,USA,VEN;;USA"],
        "citizenships",
        3,
        "empty",
    ),
    "duplicate id": (
        "id,present_in",
        ["a,USA", "b,USA", "a,GBR"],
        "id",
        2,
        "unique",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_a_bad_population_fails_naming_column_and_line_and_writes_nothing(
    tmp_path: Path, run: Callable[..., Result], small_registry: Path, case: str
) -> None:
    header, rows, column, line, words = BAD_INPUTS[case]
    population = write_csv(tmp_path, rows, header=header)
    out = tmp_path / "out" / "verdicts.parquet"
    result = run(
        "evaluate", population, "--out", out, "--date", "2025-04-01", "--registry", small_registry
    )
    _fails_cleanly(result, out, population, column, line)
    assert words in result.stderr


def test_a_bad_date_fails_naming_column_and_line_and_writes_nothing(
    tmp_path: Path, run: Callable[..., Result], small_registry: Path
) -> None:
    population = write_csv(
        tmp_path,
        ["a,USA,2024-01-31", "b,USA,", "c,USA,2024-02-30"],
        header="id,present_in,arrival_date",
    )
    out = tmp_path / "verdicts.parquet"
    result = run(
        "evaluate", population, "--out", out, "--date", "2025-04-01", "--registry", small_registry
    )
    _fails_cleanly(result, out, population, "arrival_date", 4)
    assert "YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize(
    ("rows", "line", "words"),
    [
        (["a,USA,VEN", "b,USA,MEX,extra,more"], 3, "5 field(s), expected 3 as in the header"),
        (['a,USA,"VEN', "b,USA,MEX"], 2, "a quote opened here is never closed"),
    ],
    ids=["a row with more fields than the header", "a quote never closed"],
)
def test_a_broken_csv_names_the_line_that_breaks_it(
    tmp_path: Path,
    run: Callable[..., Result],
    small_registry: Path,
    rows: list[str],
    line: int,
    words: str,
) -> None:
    population = write_csv(tmp_path, rows, header="id,present_in,citizenships")
    out = tmp_path / "verdicts.parquet"
    result = run(
        "evaluate", population, "--out", out, "--date", "2025-04-01", "--registry", small_registry
    )
    assert result.exit_code != 0
    assert f"{population}:{line}: {words}" in result.stderr, result.stderr
    assert "infer_schema_length" not in result.stderr and "\\x0a" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("age", ["-1", "131"])
def test_an_age_outside_the_person_schema_fails(
    tmp_path: Path, run: Callable[..., Result], small_registry: Path, age: str
) -> None:
    population = write_csv(tmp_path, ["a,USA,30", f"b,USA,{age}"], header="id,present_in,age")
    out = tmp_path / "verdicts.parquet"
    result = run(
        "evaluate", population, "--out", out, "--date", "2025-04-01", "--registry", small_registry
    )
    _fails_cleanly(result, out, population, "age", 3)


def test_a_missing_population_file_fails_and_writes_nothing(
    tmp_path: Path, run: Callable[..., Result], small_registry: Path
) -> None:
    out = tmp_path / "verdicts.parquet"
    result = run(
        "evaluate",
        tmp_path / "nope.csv",
        "--out",
        out,
        "--date",
        "2025-04-01",
        "--registry",
        small_registry,
    )
    assert result.exit_code != 0
    assert "nope.csv" in result.stderr
    assert not out.exists()


# --- accords check --------------------------------------------------------------------------

PERSON_YAML = """\
id: venezuelan-final-order
present_in: USA
citizenships: [VEN]
age: 27
sex: male
asylum_claim: none
protection_against: []
final_removal_order: true
criminal_conviction: true
"""


def _assert_check_shape(payload: dict[str, object]) -> None:
    jsonschema.validate(payload, shipped("check"))  # the shipped schema of `check --json`
    assert set(payload) == {"person", "date", "results", "data_version"}
    results = payload["results"]
    assert isinstance(results, list) and results
    for result in results:
        assert set(result) == {
            "agreement",
            "title",
            "kind",
            "sender",
            "receiver",
            "verdict",
            "decisive",
            "reasons",
            "trace",
            "assumptions",
        }
        assert {s["outcome"] for s in result["trace"]} <= {"passes", "fails", "unknown"}
        failing = [s["check"] for s in result["trace"] if s["outcome"] != "passes"]
        assert [r["code"].removesuffix("_unknown") for r in result["reasons"]] == failing
        assert result["verdict"] in {
            "permitted",
            "undetermined",
            "not_covered",
            "barred",
            "not_in_force",
        }
        for reason in result["reasons"]:
            assert set(reason) == {"code", "message", "citation"}
            assert isinstance(reason["message"], str) and reason["message"]
            citation = reason["citation"]
            assert citation is None or (isinstance(citation, dict) and citation["label"])


def test_check_json_has_exactly_the_documented_keys(
    tmp_path: Path, run: Callable[..., Result], shipped_registry: Registry
) -> None:
    person = tmp_path / "person.yaml"
    person.write_text(PERSON_YAML, encoding="utf-8")
    result = run("check", person, "--json", "--date", "2025-04-01")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    _assert_check_shape(payload)
    assert payload["person"] == "venezuelan-final-order"
    assert payload["date"] == "2025-04-01"
    by_agreement = {r["agreement"]: r for r in payload["results"]}
    assert set(by_agreement) == {a.id for a in shipped_registry.for_sender("USA")}
    slv = by_agreement["usa-slv-2025"]
    assert (slv["sender"], slv["receiver"], slv["verdict"], slv["reasons"]) == (
        "USA",
        "SLV",
        "permitted",
        [],
    )


def test_check_json_reasons_carry_message_and_citation(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    person = tmp_path / "citizen.yaml"
    person.write_text(PERSON_YAML.replace("[VEN]", "[USA]"), encoding="utf-8")
    result = run("check", person, "--json", "--date", "2025-04-01", "-a", "usa-slv-2025")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    _assert_check_shape(payload)
    (slv,) = payload["results"]
    assert slv["verdict"] == "barred"
    (reason,) = [r for r in slv["reasons"] if r["code"] == "citizen_of_sender"]
    assert "United States" in reason["message"]
    assert "Afroyim" in reason["citation"]["label"]
    assert slv["decisive"] == "citizen_of_sender"


def test_check_reads_the_person_from_stdin_with_a_dash(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    person = tmp_path / "person.yaml"
    person.write_text(PERSON_YAML, encoding="utf-8")
    from_file = run("check", person, "--json", "--date", "2025-04-01")
    from_stdin = run("check", "-", "--json", "--date", "2025-04-01", stdin=PERSON_YAML)
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


def test_check_of_a_bad_person_names_the_field(tmp_path: Path, run: Callable[..., Result]) -> None:
    person = tmp_path / "bad.yaml"
    person.write_text(PERSON_YAML.replace("[VEN]", "[VEN, XXZ]"), encoding="utf-8")
    result = run("check", person, "--json", "--date", "2025-04-01")
    assert result.exit_code != 0
    assert "citizenships" in result.stderr
    assert f"{person}:3" in result.stderr
    assert result.stdout == ""


def test_the_python_api_evaluates_a_file_as_the_cli_does(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    import accords

    population = write_csv(tmp_path, ROWS)
    out = tmp_path / "verdicts.parquet"
    assert run("evaluate", population, "--out", out, "--date", DAY.isoformat()).exit_code == 0
    columns = ["person_id", "agreement", "verdict", "reasons"]
    from_cli = pl.read_parquet(out).select(columns).sort("person_id", "agreement")
    from_api = accords.evaluate(population, date=DAY).select(columns).sort("person_id", "agreement")
    assert from_api.equals(from_cli)
