"""Dates as precise as the sources allow, and no more.

Many pages give only a month ("Feb 2025") or a span ("3–4 Feb 2025"). Writing a made-up day
would invent a fact, so a `FuzzyDate` keeps the precision the source has: `2025`, `2025-02`,
`2025-02-04`, or an ISO 8601 interval `2025-02-03/2025-02-04`. Comparisons use its earliest or
latest possible day, and the caller chooses which one is the cautious reading.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PATTERN_TEXT = "YYYY, YYYY-MM, YYYY-MM-DD or an interval YYYY-MM-DD/YYYY-MM-DD"


def _bounds(text: str) -> tuple[date, date]:
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date; expected {PATTERN_TEXT}")
    year, month, day = match.groups()
    y = int(year)
    if month is None:
        return date(y, 1, 1), date(y, 12, 31)
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"{text!r} has month {m}; expected 01-12")
    if day is None:
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    try:
        exact = date(y, m, int(day))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date ({exc})") from None
    return exact, exact


@dataclass(frozen=True, order=False)
class FuzzyDate:
    """A day, month, year or interval; `earliest` and `latest` are the days it could be."""

    text: str
    earliest: date
    latest: date

    @classmethod
    def parse(cls, value: object) -> FuzzyDate:
        if isinstance(value, FuzzyDate):
            return value
        if isinstance(value, date):
            day = date(value.year, value.month, value.day)  # a datetime is reduced to its day
            return cls(day.isoformat(), day, day)
        if not isinstance(value, str | int):
            raise ValueError(f"expected a date ({PATTERN_TEXT}), got {type(value).__name__}")
        text = str(value).strip()
        if "/" in text:
            start_text, _, end_text = text.partition("/")
            start, _ = _bounds(start_text)
            _, end = _bounds(end_text)
            if end < start:
                raise ValueError(f"interval {text!r} ends before it starts")
            return cls(text, start, end)
        start, end = _bounds(text)
        return cls(text, start, end)

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest

    def __str__(self) -> str:
        return self.text

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.text),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$",
            "description": f"A date as precise as its source: {PATTERN_TEXT}",
        }
