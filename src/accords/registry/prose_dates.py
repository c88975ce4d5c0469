"""The dates a registry note writes in words, so that a view "as known on" a day can tell a note
written with hindsight.

A note is the registry's own reading, written when the record was last brought up to date, and
it may mention what happened later ("paused by the First Circuit on 11 Mar 2026"). Sources and
facts carry their own dates; a note's only dates are in its words. This reads the forms the
notes use, "11 Mar 2026", "6–7 Jul 2024", "March 2019", "2025-05-02" and a year alone, each by
the first day it can mean, so that a mention is later than a day only when all of it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_WRITTEN = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:[–-]\d{1,2})?\s+)?" + _MONTH + r"\s+(?P<year>\d{4})\b"
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?\b")
_YEAR = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")


def _first_day(year: str, month: int, day: str | None) -> date | None:
    try:
        return date(int(year), month, int(day) if day else 1)
    except ValueError:
        return None


def written_dates(text: str) -> Iterator[date]:
    """The first day each date written in `text` can mean (a month: its first day; a year
    alone: 1 January)."""
    taken: list[tuple[int, int]] = []
    for match in _WRITTEN.finditer(text):
        taken.append(match.span())
        month = MONTHS.index(match["month"][:3].lower()) + 1
        if (found := _first_day(match["year"], month, match["day"])) is not None:
            yield found
    for match in _ISO.finditer(text):
        taken.append(match.span())
        if (found := _first_day(match["year"], int(match["month"]), match["day"])) is not None:
            yield found
    for match in _YEAR.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            yield date(int(match["year"]), 1, 1)


def mentions_after(text: str, day: date) -> bool:
    """Whether `text` writes a date wholly after `day`."""
    return any(found > day for found in written_dates(text))
