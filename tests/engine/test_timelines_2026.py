"""What the 2026 records change, checked on the dates the agreement files cite.

Each ruling of 2026 gets a test on its own dates: the day it starts binding and the day it stops
(valid_to is exclusive), and the engine's verdict across them. Some change the verdict; the
D.V.D. rulings and the J.G.G. order of 12 Feb 2026 do not, and the tests say why — so a later
edit that makes one of them bar removals fails here and points at the fact.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from accords.engine.check import check
from accords.registry.loader import Registry
from accords.registry.views import in_force_on

# A Nigerian in the US with a final order, protected against return to Nigeria: the kind of
# person sent to Ghana, which takes West Africans.
WEST_AFRICAN_PROTECTED_AT_HOME: dict[str, Any] = {
    "present_in": "USA",
    "citizenships": ["NGA"],
    "age": 30,
    "sex": "male",
    "asylum_claim": "denied",
    "protection_against": ["NGA"],
    "final_removal_order": True,
    "criminal_conviction": False,
    "removal_basis": "ordinary",
}

# A Venezuelan with a final order and a conviction, for the US–Venezuela returns.
VENEZUELAN_WITH_FINAL_ORDER: dict[str, Any] = {
    "present_in": "USA",
    "citizenships": ["VEN"],
    "age": 27,
    "sex": "male",
    "asylum_claim": "none",
    "protection_against": [],
    "final_removal_order": True,
    "criminal_conviction": True,
    "removal_basis": "ordinary",
}

# A Venezuelan held for removal under the Alien Enemies Act, designated a gang member.
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


def verdict(
    registry: Registry, agreement_id: str, day: date, person: dict[str, Any]
) -> tuple[str, set[str]]:
    (only,) = check(
        {"id": "case", **person}, date=day, agreements=[agreement_id], registry=registry
    ).results
    return only.verdict, {r.code for r in only.reasons}


def binding(registry: Registry, agreement_id: str, day: date) -> set[str]:
    return {r.id for r in in_force_on(registry.get(agreement_id), day).rulings}


DAY = timedelta(days=1)

# (ruling id, first day it binds, first day it no longer binds or None), from the files.
DVD_2026 = [
    ("dvd-dmass-set-aside-2026-02-25", date(2026, 2, 25), date(2026, 3, 11)),
    ("dvd-ca1-administrative-stay-2026-03-11", date(2026, 3, 11), date(2026, 3, 16)),
    ("dvd-ca1-stay-pending-appeal-2026-03-16", date(2026, 3, 16), None),
]
DVD_FILES = [
    "usa-gha-2025",
    "usa-rwa-2025",
    "usa-ssd-2025",
    "usa-swz-2025",
    "usa-xkx-2025",
    "usa-gnq-2025",
    "usa-cmr-2026",
]


@pytest.mark.parametrize("agreement_id", DVD_FILES)
@pytest.mark.parametrize(("ruling", "start", "end"), DVD_2026, ids=[r[0] for r in DVD_2026])
def test_each_dvd_ruling_of_2026_binds_from_its_date_to_the_next(
    shipped_registry: Registry, agreement_id: str, ruling: str, start: date, end: date | None
) -> None:
    assert ruling not in binding(shipped_registry, agreement_id, start - DAY)
    assert ruling in binding(shipped_registry, agreement_id, start)
    if end is not None:
        assert ruling in binding(shipped_registry, agreement_id, end - DAY)
        assert ruling not in binding(shipped_registry, agreement_id, end)


@pytest.mark.parametrize(("ruling", "start", "end"), DVD_2026, ids=[r[0] for r in DVD_2026])
def test_no_dvd_ruling_of_2026_changes_the_verdict_on_a_removal_to_ghana(
    shipped_registry: Registry, ruling: str, start: date, end: date | None
) -> None:
    """The set-aside never took effect (suspended 15 days, then stayed on 11 Mar 2026), and the
    stays let removals go on: a removal Ghana's terms cover stays permitted across every date."""
    person = WEST_AFRICAN_PROTECTED_AT_HOME
    before = verdict(shipped_registry, "usa-gha-2025", start - DAY, person)
    assert before == ("permitted", set())
    assert verdict(shipped_registry, "usa-gha-2025", start, person) == before
    if end is not None:
        assert verdict(shipped_registry, "usa-gha-2025", end, person) == before


def test_the_jgg_return_order_binds_from_12_february_2026(shipped_registry: Registry) -> None:
    ruling = "jgg-ddc-2026-02-12"
    assert ruling not in binding(shipped_registry, "usa-slv-2025", date(2026, 2, 11))
    assert ruling in binding(shipped_registry, "usa-slv-2025", date(2026, 2, 12))


def test_the_jgg_return_order_leaves_alien_enemies_act_removals_barred_as_before(
    shipped_registry: Registry,
) -> None:
    """The order is a remedy for people already removed; A.A.R.P. (16 May 2025) still bars."""
    for day in (date(2026, 2, 11), date(2026, 2, 12)):
        result, reasons = verdict(shipped_registry, "usa-slv-2025", day, VENEZUELAN_UNDER_THE_AEA)
        assert (result, reasons) == ("barred", {"court_order"}), day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 10), "permitted"),  # the last direct flight before the gap
        (date(2025, 12, 11), "not_in_force"),  # no flights: suspended (contested by the US)
        (date(2026, 1, 15), "not_in_force"),
        (date(2026, 1, 16), "permitted"),  # the first flight after Maduro's capture
        (date(2026, 2, 4), "permitted"),  # flight no. 107, the record's last source
    ],
    ids=str,
)
def test_venezuelan_returns_stop_after_10_december_2025_and_resume_on_16_january_2026(
    shipped_registry: Registry, day: date, expected: str
) -> None:
    result, reasons = verdict(shipped_registry, "usa-ven-2025", day, VENEZUELAN_WITH_FINAL_ORDER)
    assert result == expected
    assert ("suspended" in reasons) is (expected == "not_in_force")


def test_the_argentina_talks_never_put_a_case_in_force(shipped_registry: Registry) -> None:
    person = {**VENEZUELAN_WITH_FINAL_ORDER, "criminal_conviction": False}
    result, reasons = verdict(shipped_registry, "usa-arg-2026", date(2026, 2, 1), person)
    assert result == "not_in_force"
    assert "not_yet_in_force" in reasons
