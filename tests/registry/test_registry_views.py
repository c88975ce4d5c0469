"""The two clocks on usa-slv-2025: what was known on day K, and what held on day D."""

from __future__ import annotations

from datetime import date

import pytest

from accords.registry.export import iter_facts
from accords.registry.models import Agreement, Claim, ClaimKind, Status
from accords.registry.views import as_known_on, in_force_on, status_on

FEB_3 = date(2025, 2, 3)
FEB_5 = date(2025, 2, 5)
TRO = "jgg-tro-2025-03-15"
AARP = "aarp-scotus-2025-05-16"
OFFICIAL_FIRST_DAY_KNOWN = date(2025, 2, 4)


def claims_by_id(agreement: Agreement) -> dict[str, Claim]:
    return {c.id: c for c in agreement.claims}


def test_on_feb_3_no_claim_shows_because_every_source_is_dated_feb_4(example: Agreement) -> None:
    # Rubio spoke on 3 Feb (public_from), but the page the record cites is dated 4 Feb: a view
    # as known on 3 Feb cannot show it, so the claim appears from 4 Feb.
    assert claims_by_id(as_known_on(example, FEB_3)) == {}
    known = claims_by_id(as_known_on(example, OFFICIAL_FIRST_DAY_KNOWN))
    assert "rubio-us-citizens" in known


def test_the_official_appears_on_the_first_day_the_record_shows_it(example: Agreement) -> None:
    assert "official-no-current-plans" not in claims_by_id(as_known_on(example, FEB_3))
    assert "official-no-current-plans" in claims_by_id(
        as_known_on(example, OFFICIAL_FIRST_DAY_KNOWN)
    )


@pytest.mark.parametrize(
    ("claim_id", "speaker", "said_on"),
    [
        ("rubio-us-citizens", "Marco Rubio", "2025-02-03"),
        ("official-no-current-plans", "unnamed US official", "2025-02-03"),
        ("rubio-we-have-a-constitution", "Marco Rubio", "2025-02-04"),
        ("bukele-only-convicted", "Nayib Bukele", "2025-02-03/2025-02-04"),
        (
            "ap-narration-cannot-deport",
            "Associated Press (Matthew Lee, Juan Zamorano)",
            "2025-02-04",
        ),
    ],
)
def test_on_feb_5_each_claim_is_held_with_speaker_date_and_source(
    example: Agreement, claim_id: str, speaker: str, said_on: str
) -> None:
    known = claims_by_id(as_known_on(example, FEB_5))
    assert claim_id in known
    claim = known[claim_id]
    assert claim.speaker.name == speaker
    assert claim.said_on.text == said_on
    assert claim.sources
    assert all(s.url.startswith("https://") and s.quote.strip() for s in claim.sources)
    # the view never rewrites a claim: it is the file's claim, less the sources published later
    whole = claims_by_id(example)[claim_id]
    assert claim.model_copy(update={"sources": whole.sources}) == whole
    assert all(s in whole.sources and s.date and s.date.latest <= FEB_5 for s in claim.sources)


def test_the_registry_keeps_who_said_what(example: Agreement) -> None:
    known = claims_by_id(as_known_on(example, FEB_5))
    narration = known["ap-narration-cannot-deport"]
    official = known["official-no-current-plans"]
    assert narration.kind is ClaimKind.NARRATION
    assert "Associated Press" in narration.speaker.name
    assert "official" not in narration.speaker.name.lower()
    assert "cannot deport American citizens" in narration.words
    # the official's words are only "no current plans"; AP's sentence is not put in their mouth
    assert official.speaker.name == "unnamed US official"
    assert "no current plans" in official.words
    assert "cannot deport" not in official.words
    assert "would be met with significant legal challenges" not in official.words
    assert narration.responds_to == ["rubio-us-citizens"]
    assert official.responds_to == ["rubio-us-citizens"]


@pytest.mark.parametrize("day", [date(2025, 1, 1), FEB_3, FEB_5, date(2025, 4, 1)])
def test_a_view_holds_nothing_published_after_its_day(example: Agreement, day: date) -> None:
    view = as_known_on(example, day)
    for path, fact in iter_facts(view):
        if path == "":
            continue
        known = fact.known_from()
        assert known is not None and known <= day, (path, known)
    # responses only point at claims the view still holds
    ids = {c.id for c in view.claims}
    for claim in view.claims:
        assert set(claim.responds_to) <= ids, claim.id


def test_before_anything_was_public_the_view_is_empty(example: Agreement) -> None:
    view = as_known_on(example, date(2025, 1, 1))
    assert view.claims == []
    assert view.status == []
    assert view.legal_form is None
    assert view.rulings == []
    assert view.terms.nationalities == []


def test_on_feb_4_the_status_is_announced_and_the_legal_form_unknown(example: Agreement) -> None:
    assert as_known_on(example, FEB_3).status == []  # its only source is dated 4 Feb
    view = as_known_on(example, OFFICIAL_FIRST_DAY_KNOWN)
    assert [c.status for c in view.status] == [Status.ANNOUNCED]
    assert view.legal_form is None  # described as non-binding only on 2025-04-30


def test_when_everything_is_public_the_view_is_the_agreement(example: Agreement) -> None:
    assert as_known_on(example, date(2100, 1, 1)) == example


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 1), None),
        (date(2025, 2, 2), None),
        (FEB_3, Status.ANNOUNCED),
        (date(2025, 2, 10), Status.ANNOUNCED),
        (date(2025, 3, 14), Status.ANNOUNCED),
        (date(2025, 3, 15), Status.IN_FORCE),
        (date(2025, 4, 1), Status.IN_FORCE),
    ],
)
def test_status_on(example: Agreement, day: date, expected: Status | None) -> None:
    assert status_on(example, day) is expected


@pytest.mark.parametrize(
    ("day", "tro", "aarp"),
    [
        (date(2025, 3, 14), False, False),
        (date(2025, 3, 15), True, False),
        (date(2025, 4, 1), True, False),
        (date(2025, 4, 6), True, False),
        (date(2025, 4, 7), False, False),  # valid_to is exclusive
        (date(2025, 5, 15), False, False),
        (date(2025, 5, 16), False, True),
        (date(2026, 2, 13), False, True),
    ],
)
def test_in_force_on_keeps_rulings_only_while_they_bind(
    example: Agreement, day: date, tro: bool, aarp: bool
) -> None:
    binding = {r.id for r in in_force_on(example, day).rulings}
    assert (TRO in binding) is tro
    assert (AARP in binding) is aarp
    assert binding <= {r.id for r in example.rulings}


def test_in_force_on_keeps_the_status_history_to_that_day(example: Agreement) -> None:
    assert [c.status for c in in_force_on(example, date(2025, 3, 1)).status] == [Status.ANNOUNCED]
    assert [c.status for c in in_force_on(example, date(2025, 4, 1)).status] == [
        Status.ANNOUNCED,
        Status.IN_FORCE,
    ]
    assert in_force_on(example, date(2025, 1, 1)).status == []


def test_the_clocks_compose(example: Agreement) -> None:
    # The only source for the TRO is dated 2025-05-06: on 2025-03-20 the TRO held, but the
    # registry's public record did not yet show it.
    assert TRO in {r.id for r in in_force_on(example, date(2025, 3, 20)).rulings}
    early = in_force_on(as_known_on(example, date(2025, 3, 20)), date(2025, 3, 20))
    assert TRO not in {r.id for r in early.rulings}
    later = in_force_on(as_known_on(example, date(2025, 5, 10)), date(2025, 3, 20))
    assert TRO in {r.id for r in later.rulings}


def test_nested_facts_published_later_are_left_out(
    example_text: str, write_agreement, edit_text
) -> None:
    from accords.registry.loader import load_agreement

    # make the facility itself public in 2024 and its capacity only from 2025-04-30
    text = edit_text(
        example_text,
        "          date: 2025\n          date_note: retrieved snapshot, 2025\n",
        "          date: 2024-06-01\n",
    )
    text = edit_text(text, "            date: 2023-02-02\n", "            date: 2025-04-30\n")
    agreement = load_agreement(write_agreement(text, name="usa-slv-2025").path)
    facility = as_known_on(agreement, FEB_5).terms.facilities[0]
    assert facility.name and facility.capacity is None
    later = as_known_on(agreement, date(2025, 5, 1)).terms.facilities[0]
    assert later.capacity is not None
