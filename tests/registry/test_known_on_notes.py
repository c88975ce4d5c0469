"""A view "as known on" a day never tells, through a note, what happened after that day."""

from __future__ import annotations

from datetime import date

import pytest

from accords.registry.export import iter_facts
from accords.registry.loader import Registry
from accords.registry.models import Agreement
from accords.registry.prose_dates import mentions_after, written_dates
from accords.registry.views import LATER_NOTE, as_known_on


@pytest.mark.parametrize(
    ("text", "first_days"),
    [
        ("paused by the First Circuit on 11 Mar 2026", [date(2026, 3, 11)]),
        ("reported on 6–7 Jul 2024", [date(2024, 7, 6)]),
        ("The record stops in March 2019.", [date(2019, 3, 1)]),
        ("in force on 2025-01-01/2025-05-02", [date(2025, 1, 1), date(2025, 5, 2)]),
        ("Decree-Law 158/2024 of 23 Oct 2024", [date(2024, 10, 23), date(2024, 1, 1)]),
        ("in April 2024, 2025 and 2026", [date(2024, 4, 1), date(2025, 1, 1), date(2026, 1, 1)]),
        ("No date: up to 300 people, $6m, in mid-March", []),
    ],
)
def test_dates_written_in_a_note_are_read_by_their_first_day(
    text: str, first_days: list[date]
) -> None:
    assert sorted(written_dates(text)) == sorted(first_days)


def test_a_month_is_later_than_a_day_only_once_it_has_begun_after_it() -> None:
    assert not mentions_after("in March 2019", date(2019, 3, 15))
    assert mentions_after("in March 2019", date(2019, 2, 28))


def _days(agreement: Agreement) -> set[date]:
    """Each day a fact of the agreement became known, and the day before."""
    days = set()
    for _, fact in iter_facts(agreement):
        known = fact.known_from()
        if known is not None:
            days |= {known, date.fromordinal(known.toordinal() - 1)}
    return days


def test_no_note_in_a_view_as_known_on_a_day_mentions_a_later_date(registry: Registry) -> None:
    withheld = 0
    for agreement in registry:
        for day in sorted(_days(agreement)):
            for path, fact in iter_facts(as_known_on(agreement, day)):
                note = fact.note or ""
                assert not mentions_after(note, day), f"{agreement.id} on {day}: {path}: {note}"
                withheld += note == LATER_NOTE.format(day=day)
    assert withheld, "no note was ever withheld: this test no longer tests anything"


def test_the_el_salvador_price_as_known_in_april_2025_says_nothing_of_the_later_payment(
    registry: Registry,
) -> None:
    # The $4.7 million actually paid was reported in September 2025.
    known = as_known_on(registry.get("usa-slv-2025"), date(2025, 4, 1))
    texts = [fact.note or "" for _, fact in iter_facts(known)]
    assert not any("4.7" in text for text in texts)
    assert any("$6m / 300 people" in text for text in texts)
