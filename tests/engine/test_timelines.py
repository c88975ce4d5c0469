"""Timeline checks that read the registry itself; the rest are declared in tests/cases/*.yaml.

A declared case names a date from an agreement file; the test here finds its dates in the
files (every agreement excluding minors, on the first day it is in force with that exclusion),
so it keeps testing as agreements are added.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from accords.engine.check import AgreementResult, check
from accords.registry.loader import Registry
from accords.registry.models import Exclusion, Status
from accords.registry.views import status_change_on, valid_on


def result(registry: Registry, agreement_id: str, day: date, **person: Any) -> AgreementResult:
    case = {"id": "case", **person}
    (only,) = check(case, date=day, agreements=[agreement_id], registry=registry).results
    return only


def codes(r: AgreementResult) -> set[str]:
    return {reason.code for reason in r.reasons}


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
