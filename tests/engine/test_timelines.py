"""Declarative cases along the real timelines of the shipped agreements.

Each test is one sentence a journalist or a lawyer could say, checked on the dates the
agreement files cite. Dates come from the files (see the comment by each), so a test that fails
after a data change points at the fact that moved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from accords.engine.check import AgreementResult, check
from accords.registry.loader import Registry
from accords.registry.models import Exclusion, Status
from accords.registry.views import status_change_on, valid_on

# A Venezuelan in the US with a final order and a conviction, no protection claim
# (examples/venezuelan-final-order.yaml).
VENEZUELAN_WITH_FINAL_ORDER: dict[str, Any] = {
    "present_in": "USA",
    "citizenships": ["VEN"],
    "age": 27,
    "sex": "male",
    "asylum_claim": "none",
    "protection_against": [],
    "final_removal_order": True,
    "criminal_conviction": True,
    "serving_sentence": False,
    "gang_designation": False,
    "removal_basis": "ordinary",
}

# A Venezuelan held for removal under the Alien Enemies Act, designated a gang member, with no
# removal order (the Act's removals need none).
VENEZUELAN_UNDER_THE_AEA: dict[str, Any] = {
    "present_in": "USA",
    "citizenships": ["VEN"],
    "age": 24,
    "sex": "male",
    "asylum_claim": "none",
    "protection_against": [],
    "final_removal_order": False,
    "criminal_conviction": False,
    "gang_designation": True,
    "removal_basis": "alien_enemies_act",
}

# An adult Iraqi man who crossed the Channel by small boat and claimed asylum in the UK.
SMALL_BOAT_ARRIVAL_IN_THE_UK: dict[str, Any] = {
    "present_in": "GBR",
    "citizenships": ["IRQ"],
    "age": 31,
    "sex": "male",
    "asylum_claim": "pending",
    "protection_against": [],
    "final_removal_order": False,
    "criminal_conviction": False,
    "arrival_mode": "sea_irregular",
    "arrival_date": "2023-09-10",
    "vulnerable": False,
    "family_unit": False,
}


def result(registry: Registry, agreement_id: str, day: date, **person: Any) -> AgreementResult:
    case = {"id": "case", **person}
    (only,) = check(case, date=day, agreements=[agreement_id], registry=registry).results
    return only


def codes(r: AgreementResult) -> set[str]:
    return {reason.code for reason in r.reasons}


def citation_of(r: AgreementResult, code: str) -> str:
    (reason,) = [x for x in r.reasons if x.code == code]
    assert reason.citation is not None, f"{code} has no citation"
    return reason.citation.label


# --- United States – El Salvador, 2025 ------------------------------------------------------


def test_a_us_citizen_serving_a_sentence_in_2025_cannot_be_sent_to_el_salvador(
    shipped_registry: Registry,
) -> None:
    r = result(
        shipped_registry,
        "usa-slv-2025",
        date(2025, 4, 1),
        present_in="USA",
        citizenships=["USA"],
        age=40,
        criminal_conviction=True,
        serving_sentence=True,
        protection_against=[],
        asylum_claim="none",
        final_removal_order=False,
    )
    assert r.verdict == "barred"
    assert "citizen_of_sender" in codes(r)
    assert "Afroyim" in citation_of(r, "citizen_of_sender")


@pytest.mark.parametrize(
    "day",
    [date(2025, 1, 31), date(2025, 2, 2), date(2025, 2, 3), date(2025, 3, 14)],
    ids=str,
)
def test_the_el_salvador_arrangement_was_not_in_force_before_the_first_transfers(
    shipped_registry: Registry, day: date
) -> None:
    """Announced on 3 Feb 2025; the file dates it in force from the first flights, 15 Mar."""
    r = result(shipped_registry, "usa-slv-2025", day, **VENEZUELAN_WITH_FINAL_ORDER)
    assert r.verdict == "not_in_force"
    assert "not_yet_in_force" in codes(r)


def test_the_el_salvador_arrangement_was_in_force_from_the_first_transfers(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "usa-slv-2025", date(2025, 3, 15), **VENEZUELAN_WITH_FINAL_ORDER)
    assert r.verdict != "not_in_force"
    assert not codes(r) & {"not_yet_in_force", "ended", "suspended"}


def test_a_venezuelan_with_a_final_order_and_a_conviction_could_be_sent_to_el_salvador(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "usa-slv-2025", date(2025, 4, 1), **VENEZUELAN_WITH_FINAL_ORDER)
    assert r.verdict == "permitted"
    assert r.reasons == []


def test_the_same_venezuelan_protected_against_el_salvador_cannot_be_sent_there(
    shipped_registry: Registry,
) -> None:
    person = {**VENEZUELAN_WITH_FINAL_ORDER, "protection_against": ["SLV"]}
    r = result(shipped_registry, "usa-slv-2025", date(2025, 4, 1), **person)
    assert r.verdict == "barred"
    assert codes(r) == {"non_refoulement"}
    # The sending state's own law is cited first: INA 241(b)(3) withholding of removal.
    assert "1231(b)(3)" in citation_of(r, "non_refoulement")


def test_a_venezuelan_without_a_final_order_cannot_be_sent_under_ordinary_removal(
    shipped_registry: Registry,
) -> None:
    person = {**VENEZUELAN_WITH_FINAL_ORDER, "final_removal_order": False}
    r = result(shipped_registry, "usa-slv-2025", date(2025, 4, 1), **person)
    assert r.verdict == "barred"
    assert codes(r) == {"no_final_order"}


def test_the_jgg_restraining_order_barred_alien_enemies_act_removals_on_20_march_2025(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "usa-slv-2025", date(2025, 3, 20), **VENEZUELAN_UNDER_THE_AEA)
    assert r.verdict == "barred"
    assert codes(r) == {"court_order"}
    assert "J.G.G." in citation_of(r, "court_order")


def test_no_court_order_barred_alien_enemies_act_removals_on_10_april_2025(
    shipped_registry: Registry,
) -> None:
    """The TROs stopped binding on 7 Apr 2025 (Trump v. J.G.G.); A.A.R.P. came on 16 May."""
    r = result(shipped_registry, "usa-slv-2025", date(2025, 4, 10), **VENEZUELAN_UNDER_THE_AEA)
    assert "court_order" not in codes(r)
    # A gang designation is a covered category, and the Act needs no final order.
    assert r.verdict == "permitted"


@pytest.mark.parametrize(
    ("day", "barred"),
    [
        (date(2025, 3, 14), False),  # the day before the TRO (and before the arrangement)
        (date(2025, 3, 15), True),  # TRO issued
        (date(2025, 4, 6), True),  # last day the TRO binds
        (date(2025, 4, 7), False),  # Supreme Court vacates: valid_to is exclusive
        (date(2025, 5, 15), False),
        (date(2025, 5, 16), True),  # A.A.R.P. injunction
        (date(2026, 1, 15), True),  # no end date in the facts: still binding
    ],
    ids=str,
)
def test_court_orders_on_alien_enemies_act_removals_follow_their_dates(
    shipped_registry: Registry, day: date, barred: bool
) -> None:
    r = result(shipped_registry, "usa-slv-2025", day, **VENEZUELAN_UNDER_THE_AEA)
    assert ("court_order" in codes(r)) is barred


def test_the_aarp_injunction_barred_alien_enemies_act_removals_on_1_june_2025(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "usa-slv-2025", date(2025, 6, 1), **VENEZUELAN_UNDER_THE_AEA)
    assert r.verdict == "barred"
    assert codes(r) == {"court_order"}
    assert "A.A.R.P." in citation_of(r, "court_order")


def test_the_alien_enemies_act_orders_do_not_protect_a_salvadoran(
    shipped_registry: Registry,
) -> None:
    person = {**VENEZUELAN_UNDER_THE_AEA, "citizenships": ["SLV"]}
    r = result(shipped_registry, "usa-slv-2025", date(2025, 6, 1), **person)
    assert "court_order" not in codes(r)


def test_the_aea_court_order_is_undetermined_when_citizenship_is_unknown(
    shipped_registry: Registry,
) -> None:
    person = {**VENEZUELAN_UNDER_THE_AEA, "citizenships": None}
    r = result(shipped_registry, "usa-slv-2025", date(2025, 6, 1), **person)
    assert r.verdict != "permitted"
    assert {"court_order_unknown", "citizen_of_sender_unknown"} <= codes(r)


# --- United Kingdom – Rwanda, 2022–2024 -----------------------------------------------------


def test_a_small_boat_arrival_could_not_be_sent_to_rwanda_after_the_supreme_court_ruling(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "gbr-rwa-2022", date(2023, 12, 1), **SMALL_BOAT_ARRIVAL_IN_THE_UK)
    assert r.verdict == "barred"
    assert codes(r) == {"receiving_state_unsafe"}
    assert "UKSC 42" in citation_of(r, "receiving_state_unsafe")


def test_a_small_boat_arrival_could_be_sent_to_rwanda_after_the_safety_of_rwanda_act(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "gbr-rwa-2022", date(2024, 5, 15), **SMALL_BOAT_ARRIVAL_IN_THE_UK)
    assert r.verdict == "permitted"
    assert r.reasons == []


def test_the_rwanda_scheme_was_not_in_force_after_it_was_scrapped(
    shipped_registry: Registry,
) -> None:
    r = result(shipped_registry, "gbr-rwa-2022", date(2024, 8, 1), **SMALL_BOAT_ARRIVAL_IN_THE_UK)
    assert r.verdict == "not_in_force"
    assert "ended" in codes(r)


@pytest.mark.parametrize(
    ("day", "verdict"),
    [
        (date(2022, 4, 12), "not_in_force"),  # the day before the MoU
        (date(2022, 4, 13), "permitted"),  # MoU recorded and in force the same day
        (date(2022, 6, 14), "permitted"),  # N.S.K. interim measure: one person, effect none
        (date(2023, 11, 14), "permitted"),
        (date(2023, 11, 15), "barred"),  # UK Supreme Court: Rwanda not safe
        (date(2024, 4, 24), "barred"),
        (date(2024, 4, 25), "permitted"),  # Safety of Rwanda Act, royal assent
        (date(2024, 6, 30), "permitted"),
        (date(2024, 7, 1), "not_in_force"),  # scrapped "July 2024": ended from its first day
    ],
    ids=str,
)
def test_the_rwanda_timeline_day_by_day(
    shipped_registry: Registry, day: date, verdict: str
) -> None:
    r = result(shipped_registry, "gbr-rwa-2022", day, **SMALL_BOAT_ARRIVAL_IN_THE_UK)
    assert r.verdict == verdict, [x.code for x in r.reasons]


def test_a_refugee_recognised_in_the_uk_cannot_be_sent_to_rwanda(
    shipped_registry: Registry,
) -> None:
    person = {**SMALL_BOAT_ARRIVAL_IN_THE_UK, "asylum_claim": "granted"}
    r = result(shipped_registry, "gbr-rwa-2022", date(2024, 5, 15), **person)
    assert r.verdict == "barred"
    assert "protected_status" in codes(r)


def test_a_pending_claim_does_not_stop_offshore_processing_in_rwanda(
    shipped_registry: Registry,
) -> None:
    """Offshore processing moves people before their claim is decided: no such bar applies."""
    r = result(shipped_registry, "gbr-rwa-2022", date(2024, 5, 15), **SMALL_BOAT_ARRIVAL_IN_THE_UK)
    assert not codes(r) & {"pending_protection_claim", "no_final_order"}


def test_a_british_citizen_cannot_be_sent_to_rwanda(shipped_registry: Registry) -> None:
    person = {**SMALL_BOAT_ARRIVAL_IN_THE_UK, "citizenships": ["GBR"]}
    r = result(shipped_registry, "gbr-rwa-2022", date(2024, 5, 15), **person)
    assert r.verdict == "barred"
    assert "Immigration Act 1971" in citation_of(r, "citizen_of_sender")


# --- Minors ---------------------------------------------------------------------------------


def _minors_cases(registry: Registry) -> list[tuple[str, date]]:
    """Each agreement with a minors exclusion, on the first day it is in force with it."""
    cases = []
    for a in registry:
        for change in a.status:
            day = change.effective()
            if status_change_on(a, day) is not change or change.status is not Status.IN_FORCE:
                continue
            if any(t.excludes is Exclusion.MINORS for t in valid_on(a.terms.exclusions, day)):
                cases.append((a.id, day))
                break
    return cases


def test_a_minor_is_not_covered_by_any_agreement_that_excludes_minors(
    shipped_registry: Registry,
) -> None:
    cases = _minors_cases(shipped_registry)
    assert cases, "no shipped agreement excludes minors: this test no longer tests anything"
    for agreement_id, day in cases:
        agreement = shipped_registry.get(agreement_id)
        r = result(
            shipped_registry,
            agreement_id,
            day,
            present_in=agreement.sending_state,
            citizenships=["BGD"],
            age=16,
            asylum_claim="none",
            protection_against=[],
            final_removal_order=True,
        )
        assert r.verdict == "not_covered", (agreement_id, day, codes(r))
        assert "excluded_minor" in codes(r), (agreement_id, day)


# A Bangladeshi man intercepted at sea and taken to Albania (examples/minor-italy.yaml).
INTERCEPTED_BANGLADESHI: dict[str, Any] = {
    "present_in": "ITA",
    "citizenships": ["BGD"],
    "sex": "male",
    "asylum_claim": "pending",
    "protection_against": [],
    "final_removal_order": False,
    "arrival_mode": "intercepted_at_sea",
    "arrival_date": "2025-01-20",
    "vulnerable": False,
}


def test_a_sixteen_year_old_intercepted_at_sea_cannot_be_taken_to_albania(
    shipped_registry: Registry,
) -> None:
    r = result(
        shipped_registry, "ita-alb-2023", date(2025, 1, 25), age=16, **INTERCEPTED_BANGLADESHI
    )
    assert r.verdict == "not_covered"
    assert codes(r) == {"excluded_minor"}


def test_a_man_of_nineteen_intercepted_at_sea_could_be_taken_to_albania(
    shipped_registry: Registry,
) -> None:
    r = result(
        shipped_registry, "ita-alb-2023", date(2025, 1, 25), age=19, **INTERCEPTED_BANGLADESHI
    )
    assert r.verdict == "permitted"


def test_a_minor_is_counted_from_the_birth_date_on_the_day_of_the_check(
    shipped_registry: Registry,
) -> None:
    """Born 25 Jan 2007: a minor on 24 Jan 2025, an adult from 25 Jan 2025."""
    born = {"birth_date": "2007-01-25", **INTERCEPTED_BANGLADESHI}
    before = result(shipped_registry, "ita-alb-2023", date(2025, 1, 24), **born)
    on = result(shipped_registry, "ita-alb-2023", date(2025, 1, 25), **born)
    assert "excluded_minor" in codes(before)
    assert "excluded_minor" not in codes(on)


def test_a_woman_intercepted_at_sea_cannot_be_taken_to_albania(
    shipped_registry: Registry,
) -> None:
    woman = {**INTERCEPTED_BANGLADESHI, "sex": "female"}
    r = result(shipped_registry, "ita-alb-2023", date(2025, 1, 25), age=30, **woman)
    assert r.verdict == "not_covered"
    assert codes(r) == {"excluded_sex"}


@pytest.mark.parametrize(
    ("day", "verdict"),
    [
        (date(2024, 10, 30), "not_in_force"),  # in force "Oct 2024": from its last day
        (date(2024, 10, 31), "permitted"),  # Bangladesh listed from 23 Oct 2024
    ],
    ids=str,
)
def test_italy_albania_counts_as_in_force_from_the_end_of_october_2024(
    shipped_registry: Registry, day: date, verdict: str
) -> None:
    r = result(shipped_registry, "ita-alb-2023", day, age=30, **INTERCEPTED_BANGLADESHI)
    assert r.verdict == verdict, [x.code for x in r.reasons]


# --- Other timelines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "verdict", "status_code"),
    [
        (date(2025, 3, 7), "permitted", None),
        (date(2025, 3, 8), "not_in_force", "suspended"),  # flights suspended
        (date(2025, 3, 23), "not_in_force", "suspended"),  # resumed "23–24 Mar": from the 24th
        (date(2025, 3, 24), "permitted", None),
        (date(2025, 11, 29), "not_in_force", "suspended"),
        (date(2025, 12, 2), "permitted", None),
    ],
    ids=str,
)
def test_returns_of_venezuelans_to_venezuela_stopped_and_resumed(
    shipped_registry: Registry, day: date, verdict: str, status_code: str | None
) -> None:
    r = result(shipped_registry, "usa-ven-2025", day, **VENEZUELAN_WITH_FINAL_ORDER)
    assert r.verdict == verdict, [x.code for x in r.reasons]
    if status_code:
        assert status_code in codes(r)


SYRIAN_ON_A_GREEK_ISLAND: dict[str, Any] = {
    "present_in": "GRC",
    "citizenships": ["SYR"],
    "age": 28,
    "asylum_claim": "denied",
    "protection_against": [],
    "arrival_mode": "sea_irregular",
}


def test_a_syrian_who_reached_a_greek_island_before_the_eu_turkey_statement_is_not_covered(
    shipped_registry: Registry,
) -> None:
    person = {**SYRIAN_ON_A_GREEK_ISLAND, "arrival_date": "2016-03-19"}
    r = result(shipped_registry, "eu-tur-2016", date(2016, 6, 1), **person)
    assert r.verdict == "not_covered"
    assert codes(r) == {"arrival_not_covered"}


def test_a_syrian_who_reached_a_greek_island_from_20_march_2016_could_be_returned_to_turkey(
    shipped_registry: Registry,
) -> None:
    person = {**SYRIAN_ON_A_GREEK_ISLAND, "arrival_date": "2016-03-20"}
    r = result(shipped_registry, "eu-tur-2016", date(2016, 6, 1), **person)
    assert r.verdict == "permitted"


def test_a_pending_claim_must_be_decided_before_a_return_to_turkey(
    shipped_registry: Registry,
) -> None:
    person = {**SYRIAN_ON_A_GREEK_ISLAND, "arrival_date": "2016-04-01", "asylum_claim": "pending"}
    r = result(shipped_registry, "eu-tur-2016", date(2016, 6, 1), **person)
    assert r.verdict == "barred"
    assert codes(r) == {"pending_protection_claim"}


def test_a_greek_citizen_cannot_be_sent_to_turkey_under_the_eu_statement(
    shipped_registry: Registry,
) -> None:
    """The EU is the party; Greece sends, and Greek law binds it."""
    person = {**SYRIAN_ON_A_GREEK_ISLAND, "citizenships": ["GRC"], "arrival_date": "2016-04-01"}
    r = result(shipped_registry, "eu-tur-2016", date(2016, 6, 1), **person)
    assert r.verdict == "barred"
    assert "Protocol No. 4" in citation_of(r, "citizen_of_sender")


HONDURAN_ASYLUM_SEEKER_AT_THE_US_BORDER: dict[str, Any] = {
    "present_in": "USA",
    "citizenships": ["HND"],
    "age": 35,
    "asylum_claim": "pending",
    "protection_against": [],
    "final_removal_order": False,
}


@pytest.mark.parametrize(
    ("day", "verdict"),
    [
        (date(2019, 11, 29), "not_in_force"),  # in force "Nov 2019": from the 30th
        (date(2019, 11, 30), "permitted"),
        (date(2020, 3, 15), "permitted"),
        (date(2020, 3, 16), "not_in_force"),  # suspended (COVID-19)
        (date(2022, 1, 1), "not_in_force"),
    ],
    ids=str,
)
def test_the_guatemala_asylum_cooperative_agreement_took_hondurans_until_march_2020(
    shipped_registry: Registry, day: date, verdict: str
) -> None:
    r = result(shipped_registry, "usa-gtm-2019", day, **HONDURAN_ASYLUM_SEEKER_AT_THE_US_BORDER)
    assert r.verdict == verdict, [x.code for x in r.reasons]


def test_a_guatemalan_cannot_be_sent_to_guatemala_as_a_safe_third_country(
    shipped_registry: Registry,
) -> None:
    person = {**HONDURAN_ASYLUM_SEEKER_AT_THE_US_BORDER, "citizenships": ["GTM"]}
    r = result(shipped_registry, "usa-gtm-2019", date(2020, 1, 15), **person)
    assert r.verdict == "not_covered"
    assert codes(r) == {"nationality_not_covered"}


def test_a_person_in_another_state_is_not_covered(shipped_registry: Registry) -> None:
    person = {**VENEZUELAN_WITH_FINAL_ORDER, "present_in": "MEX"}
    r = result(shipped_registry, "usa-slv-2025", date(2025, 4, 1), **person)
    assert r.verdict == "not_covered"
    assert codes(r) == {"not_in_sending_state"}
