"""Strict values in every document: a value is the type it claims, finite and in range.

Lax validation once read `age: false` as 0, `birth_date: 0` as 1970-01-01, `horizon_months:
true` as 1 and a `.nan` share as a share; each such value is now an error naming its line and
field, in person files, scenarios and (in tests/registry) agreement files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from accords.engine.check import load_person
from accords.simulation.scenario import load_scenario
from accords.validation import InputError

PERSON = """\
id: p1
present_in: USA
citizenships: [VEN]
age: 27
final_removal_order: true
"""

SCENARIO = """\
name: small
sender: USA
start: 2025-03
horizon_months: 6
population:
  synthetic:
    size: 100
    calibration: usa-fy2024
    minor_share: 0.1
agreements:
  - id: usa-slv-2025
    places: 50
    price_per_transfer: {amount: 1000, currency: USD, price_year: 2025}
replicas: 2
seed: 7
"""


def _problem(load: Callable[[Path], object], path: Path, text: str) -> tuple[int | None, str, str]:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    first = caught.value.problems[0]
    return first.line, first.field, first.message


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("age: 27", "age: false", 4, "age", "valid integer"),
        ("age: 27", "age: '27'", 4, "age", "valid integer"),
        ("age: 27", "age: 27.5", 4, "age", "valid integer"),
        ("age: 27", "birth_date: 0", 4, "birth_date", "valid date"),
        ("final_removal_order: true", "final_removal_order: 'yes'", 5, "final_removal_order", ""),
        ("final_removal_order: true", "final_removal_order: 1", 5, "final_removal_order", ""),
    ],
)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_person_value_of_the_wrong_type_is_refused(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str, suffix: str
) -> None:
    text = PERSON.replace(old, new)
    if suffix == ".json":
        text = json.dumps(YAML(typ="safe").load(text), indent=0)
        line = next(i for i, t in enumerate(text.splitlines(), 1) if f'"{field}"' in t)
    found = _problem(load_person, tmp_path / f"person{suffix}", text)
    assert found[:2] == (line, field)
    assert message in found[2]


def test_a_whole_number_float_is_the_integer_it_is(tmp_path: Path) -> None:
    path = tmp_path / "person.yaml"
    path.write_text(PERSON.replace("age: 27", "age: 27.0"), encoding="utf-8")
    assert load_person(path).age == 27


def test_an_anchored_boolean_stays_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "person.yaml"
    text = PERSON.replace("final_removal_order: true", "final_removal_order: &yes true")
    path.write_text(text + "criminal_conviction: *yes\n", encoding="utf-8")
    person = load_person(path)
    assert person.final_removal_order is True and person.criminal_conviction is True


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("horizon_months: 6", "horizon_months: true", 4, "horizon_months", "valid integer"),
        ("horizon_months: 6", "horizon_months: .inf", 4, "horizon_months", "valid integer"),
        ("seed: 7", "seed: 9223372036854775808", 15, "seed", "less than or equal to"),
        ("seed: 7", "seed: '7'", 15, "seed", "valid integer"),
        ("replicas: 2", "replicas: 2.5", 14, "replicas", "valid integer"),
        (
            "minor_share: 0.1",
            "minor_share: .nan",
            9,
            "population.synthetic.minor_share",
            "finite number",
        ),
        (
            "minor_share: 0.1",
            "minor_share: 1.5",
            9,
            "population.synthetic.minor_share",
            "less than or equal to 1",
        ),
        (
            "amount: 1000,",
            "amount: 1e308,",
            13,
            "agreements[0].price_per_transfer.amount",
            "less than or equal to",
        ),
        (
            "amount: 1000,",
            "amount: -5,",
            13,
            "agreements[0].price_per_transfer.amount",
            "greater than or equal to 0",
        ),
        ("start: 2025-03", "start: 0", 3, "start", "valid date"),
        (
            "seed: 7",
            "seed: 7\nordinary_returns: {nationalities: [MEX], source_url: 'https://a.org', "
            "source_quote: ''}",
            16,
            "ordinary_returns.source_quote",
            "at least 1 character",
        ),
        ("start: 2025-03", "start: 9999-12", 3, "start", "from 1900-01 to 2199-12, not 9999-12"),
        ("start: 2025-03", "start: 0225-03", 3, "start", "not 0225-03"),
    ],
)
def test_a_scenario_value_out_of_type_or_range_is_refused(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in SCENARIO
    found = _problem(load_scenario, tmp_path / "s.yaml", SCENARIO.replace(old, new))
    assert found[:2] == (line, field)
    assert message in found[2]


def test_the_good_scenario_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    scenario = load_scenario(path)
    assert (scenario.seed, scenario.replicas, scenario.horizon_months) == (7, 2, 6)


def test_a_person_born_after_the_evaluation_date_is_refused(tmp_path: Path, invoke) -> None:
    person = tmp_path / "person.yaml"
    person.write_text(PERSON.replace("age: 27", "birth_date: 2030-01-01"), encoding="utf-8")
    result = invoke("check", str(person), "--date", "2025-06-01", "-a", "usa-slv-2025")
    assert result.exit_code == 2
    assert "birth_date: 2030-01-01 is after the evaluation date 2025-06-01" in result.stderr


def test_a_population_row_born_after_the_evaluation_date_is_refused(
    tmp_path: Path,
    invoke,
) -> None:
    source = tmp_path / "persons.csv"
    source.write_text(
        "id,present_in,citizenships,birth_date\na,USA,VEN,1990-01-01\nb,USA,VEN,2030-01-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "verdicts.parquet"
    result = invoke("evaluate", str(source), "--out", str(out), "--date", "2025-06-01")
    assert result.exit_code == 2
    assert "persons.csv:3: birth_date: after the evaluation date 2025-06-01" in result.stderr
    assert not out.exists()


def test_dates_deep_in_a_scenario_are_read_as_dates(tmp_path: Path) -> None:
    """Strict validation reads ISO text as a date at any depth; a number is still no date."""
    text = SCENARIO.replace("    places: 50\n", "    places: 50\n    in_force_from: 2025-03-15\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    (use,) = load_scenario(path).agreements or []
    assert use.in_force_from == date(2025, 3, 15)
    found = _problem(load_scenario, path, text.replace("2025-03-15", "20250315"))
    assert found[1] == "agreements[0].in_force_from"
