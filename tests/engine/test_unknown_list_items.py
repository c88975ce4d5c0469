"""A list of codes with a null item is an unknown list, never a shorter known one.

Read as "known, empty", `citizenships: [null]` made a person with a final order `permitted` to
El Salvador: an unknown citizenship became "no US citizenship". Two layers hold now, and both
are tested here: every reader refuses such a list, naming row and column; and the engine, fed a
frame built by hand, treats the unknown item as unknown (Kleene logic), so it never passes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from engine_strategies import AGREEMENTS, days, populations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accords
from accords.engine.evaluate import evaluate_frame
from accords.engine.person import SCHEMA, Person, persons_frame
from accords.engine.population import read_population
from accords.validation import InputError

DAY = date(2025, 7, 1)

# Everything known and covered by the US–El Salvador arrangement but the list under test.
KNOWN: dict[str, Any] = {
    "present_in": "USA",
    "age": 30,
    "sex": "male",
    "immigration_status": "undocumented",
    "asylum_claim": "none",
    "final_removal_order": True,
    "criminal_conviction": True,
    "serving_sentence": False,
    "gang_designation": True,
    "arrival_date": date(2020, 1, 1),
    "arrival_mode": "land_irregular",
    "vulnerable": False,
    "family_unit": False,
    "removal_basis": "ordinary",
}


def frame_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{**dict.fromkeys(SCHEMA), **row} for row in rows], schema=SCHEMA, orient="row"
    )


def verdicts(frame: pl.DataFrame) -> dict[str, tuple[str, list[str]]]:
    result = evaluate_frame(frame, [accords.load_registry().get("usa-slv-2025")], DAY,
                            with_reasons=True)
    return {r["person_id"]: (r["verdict"], r["reasons"]) for r in result.verdicts.to_dicts()}


def test_the_engine_treats_a_null_item_as_an_unknown_code() -> None:
    frame = frame_of(
        [
            {**KNOWN, "id": "known", "citizenships": ["VEN"], "protection_against": []},
            {**KNOWN, "id": "unknown-cit", "citizenships": [None], "protection_against": []},
            {**KNOWN, "id": "unknown-second", "citizenships": ["VEN", None],
             "protection_against": []},
            {**KNOWN, "id": "unknown-third", "citizenships": ["VEN", "COL", None],
             "protection_against": []},
            {**KNOWN, "id": "unknown-prot", "citizenships": ["VEN"], "protection_against": [None]},
            {**KNOWN, "id": "citizen-too", "citizenships": [None, "USA"],
             "protection_against": []},
        ]
    )
    got = verdicts(frame)
    assert got["known"] == ("permitted", [])
    for pid in ("unknown-cit", "unknown-second", "unknown-third"):
        assert got[pid] == ("undetermined", ["citizen_of_sender_unknown"]), pid
    assert got["unknown-prot"] == ("undetermined", ["non_refoulement_unknown"])
    # A known US citizenship decides the bar whatever the unknown item is.
    assert got["citizen-too"] == ("barred", ["citizen_of_sender"])


@pytest.mark.parametrize("column", ["citizenships", "protection_against"])
def test_a_parquet_list_with_a_null_item_is_refused_naming_row_and_column(
    tmp_path: Path, column: str
) -> None:
    rows = [
        {**KNOWN, "id": "a", "citizenships": ["VEN"], "protection_against": []},
        {**KNOWN, "id": "b", "citizenships": ["VEN"], "protection_against": []},
    ]
    rows[1][column] = [None] if column == "citizenships" else ["SLV", None]
    path = tmp_path / "persons.parquet"
    frame_of(rows).write_parquet(path)
    with pytest.raises(InputError) as caught:
        read_population(path)
    problem = caught.value.problems[0]
    assert (problem.field, problem.line) == (column, 2)
    assert "null" in problem.message


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("age", [True, False], "whole number"),
        ("age", [31.0, 30.5], "whole number"),
        ("birth_date", [0, 1], "date"),
        ("citizenships", [[1], [2]], "list of text codes"),
        ("final_removal_order", [1, 0], "true/false"),
    ],
)
def test_a_parquet_column_of_the_wrong_type_is_refused(
    tmp_path: Path, column: str, values: list[Any], expected: str
) -> None:
    """`age: false` was read as 0 and `birth_date: 0` as 1970: a type is never coerced."""
    path = tmp_path / "persons.parquet"
    pl.DataFrame({"id": ["a", "b"], "present_in": ["USA", "USA"], column: values}).write_parquet(
        path
    )
    with pytest.raises(InputError) as caught:
        read_population(path)
    assert caught.value.problems[0].field == column
    assert expected in caught.value.problems[0].message


@st.composite
def holed(draw: st.DrawFn) -> tuple[list[Person], pl.DataFrame, set[str]]:
    """A population, and its frame with null items put into some of its lists."""
    persons = draw(populations(min_size=20, max_size=60))
    frame = persons_frame(persons)
    holes: set[str] = set()
    columns = {c: frame[c].to_list() for c in ("citizenships", "protection_against")}
    for i in range(frame.height):
        for values in columns.values():
            if draw(st.integers(0, 3)) == 0:
                items = list(values[i] or [])
                items.insert(draw(st.integers(0, len(items))), None)
                values[i] = items
                holes.add(persons[i].id)
    frame = frame.with_columns(
        [pl.Series(name, values, dtype=pl.List(pl.String)) for name, values in columns.items()]
    )
    return persons, frame, holes


@given(holed(), days())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_person_with_an_unknown_list_item_is_never_permitted(
    case: tuple[list[Person], pl.DataFrame, set[str]], day: date
) -> None:
    """Whatever else is known, under any agreement on any day: an unknown item never passes."""
    _, frame, holes = case
    result = evaluate_frame(frame, AGREEMENTS, day, applicable_only=False)
    permitted = set(
        result.verdicts.filter(pl.col("verdict") == "permitted")["person_id"].to_list()
    )
    assert not permitted & holes
