"""FuzzyDate: a day, month, year or interval, with its earliest and latest possible day."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from accords.registry.dates import FuzzyDate


class Holder(BaseModel):
    when: FuzzyDate


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("2025-04", date(2025, 4, 1), date(2025, 4, 30)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("2025-02-03", date(2025, 2, 3), date(2025, 2, 3)),
        ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
        ("2025-02-03/2025-02-04", date(2025, 2, 3), date(2025, 2, 4)),
        ("2025-03-30/2025-03-31", date(2025, 3, 30), date(2025, 3, 31)),
        # an interval's ends keep their own precision: start of the first, end of the second
        ("2025-02/2025-03", date(2025, 2, 1), date(2025, 3, 31)),
        ("2024/2025-06-15", date(2024, 1, 1), date(2025, 6, 15)),
        ("2025-02-03/2025-02-03", date(2025, 2, 3), date(2025, 2, 3)),
    ],
)
def test_bounds(text: str, earliest: date, latest: date) -> None:
    parsed = FuzzyDate.parse(text)
    assert (parsed.earliest, parsed.latest) == (earliest, latest)
    assert parsed.text == text
    assert str(parsed) == text
    assert parsed.exact is (earliest == latest)


def test_non_string_inputs() -> None:
    # YAML gives `2025` as an int and `2025-02-03` as a date
    assert FuzzyDate.parse(2025) == FuzzyDate.parse("2025")
    assert FuzzyDate.parse(date(2025, 2, 3)) == FuzzyDate.parse("2025-02-03")
    already = FuzzyDate.parse("2025-02")
    assert FuzzyDate.parse(already) is already
    assert FuzzyDate.parse("  2025-02 ").text == "2025-02"


def test_pydantic_round_trip_keeps_the_text() -> None:
    held = Holder.model_validate({"when": "2025-02-03/2025-02-04"})
    assert held.when.latest == date(2025, 2, 4)
    assert held.model_dump(mode="json") == {"when": "2025-02-03/2025-02-04"}
    assert Holder.model_validate_json(held.model_dump_json()) == held


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-13", "'2025-13' has month 13; expected 01-12"),
        ("2025-00", "'2025-00' has month 0; expected 01-12"),
        ("2025-02-30", "'2025-02-30' is not a calendar date"),
        ("2023-02-29", "'2023-02-29' is not a calendar date"),
        ("2025-04-31", "'2025-04-31' is not a calendar date"),
        ("2025-2-3", "'2025-2-3' is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD"),
        ("03/02/2025", "'03' is not a date"),
        ("March 2025", "'March 2025' is not a date"),
        ("25", "'25' is not a date"),
        ("", "'' is not a date"),
        ("2025-02-03T10:00", "'2025-02-03T10:00' is not a date"),
        ("2025-02-04/2025-02-03", "interval '2025-02-04/2025-02-03' ends before it starts"),
        ("2025-03/2025-02", "interval '2025-03/2025-02' ends before it starts"),
        ("2025-02-03/", "'' is not a date"),
        ("2025-02-03/2025-02-31", "'2025-02-31' is not a calendar date"),
        (None, "expected a date (YYYY, YYYY-MM, YYYY-MM-DD or an interval"),
        (3.5, "got float"),
        ([2025], "got list"),
    ],
)
def test_bad_dates_are_rejected_with_a_clear_message(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        FuzzyDate.parse(value)
    # through a model the same message is kept, without pydantic's "Value error, " noise
    with pytest.raises(ValidationError) as info:
        Holder.model_validate({"when": value})
    (error,) = info.value.errors()
    assert error["loc"] == ("when",)
    assert message in str(error["msg"])


def test_json_schema_pattern_accepts_every_valid_form() -> None:
    schema = TypeAdapter(FuzzyDate).json_schema()
    assert schema["type"] == "string"
    pattern = re.compile(schema["pattern"])
    for text in ("2025", "2025-02", "2025-02-03", "2025-02-03/2025-02-04", "2025-02/2025-03"):
        assert pattern.search(text), text
    for text in ("Feb 2025", "2025-2-3", "2025-02-03T10:00"):
        assert not pattern.search(text), text


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(DAYS)
def test_any_day_is_exact(day: date) -> None:
    parsed = FuzzyDate.parse(day.isoformat())
    assert parsed.exact
    assert parsed.earliest == parsed.latest == day


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_any_month_spans_exactly_that_month(year: int, month: int) -> None:
    parsed = FuzzyDate.parse(f"{year:04d}-{month:02d}")
    assert parsed.earliest == date(year, month, 1)
    assert parsed.latest.day == calendar.monthrange(year, month)[1]
    assert (parsed.latest + timedelta(days=1)).day == 1
    assert parsed.latest.month == month


@given(DAYS, DAYS)
def test_any_interval_is_ordered_or_rejected(a: date, b: date) -> None:
    text = f"{a.isoformat()}/{b.isoformat()}"
    if b < a:
        with pytest.raises(ValueError, match="ends before it starts"):
            FuzzyDate.parse(text)
    else:
        parsed = FuzzyDate.parse(text)
        assert (parsed.earliest, parsed.latest) == (a, b)


def test_a_datetime_is_rejected_or_reduced_to_a_day() -> None:
    try:
        parsed = FuzzyDate.parse(datetime(2025, 2, 3, 10, 30))
    except ValueError:
        return
    assert type(parsed.earliest) is date
    assert type(parsed.latest) is date
