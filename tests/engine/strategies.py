"""Hypothesis strategies for the engine: persons, populations and evaluation dates.

Persons are in one of the registry's sending states; citizenships are unknown (None),
stateless ([]) or one or two codes drawn from the registry's senders and receivers and a few
others; every optional field is sometimes None. Dates are anywhere in 2015–2027, or one of the
days the registry's timelines turn on (and the days either side of them), where off-by-one
mistakes live.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from accords.engine.person import AsylumClaim, Person, Sex
from accords.law import national
from accords.registry.loader import Registry, load_registry
from accords.registry.models import Agreement, ArrivalMode, RemovalBasis

REGISTRY: Registry = load_registry()
AGREEMENTS: list[Agreement] = list(REGISTRY)

SENDING_STATES = sorted({a.sending_state for a in AGREEMENTS})
RECEIVERS = sorted({a.receiver for a in AGREEMENTS})
OTHERS = ["VEN", "CUB", "IRQ", "AFG", "BGD", "EGY", "TUN", "SYR", "ERI", "HND"]
CODES = sorted(set(SENDING_STATES) | set(RECEIVERS) | set(OTHERS))

MIN_DAY = date(2015, 1, 1)
MAX_DAY = date(2027, 12, 31)


def timeline_days(agreements: list[Agreement]) -> list[date]:
    """Every day a status, term, ruling or law rule starts or stops, and the days either side."""
    days: set[date] = set()
    for a in agreements:
        for change in a.status:
            days.update({change.date.earliest, change.date.latest, change.effective()})
        terms = a.terms
        for term in [*terms.nationalities, *terms.categories, *terms.exclusions, *terms.arrival]:
            for fuzzy in (term.valid_from, term.valid_to):
                if fuzzy is not None:
                    days.update({fuzzy.earliest, fuzzy.latest})
        for arrival in terms.arrival:
            if arrival.on_or_after is not None:
                days.add(arrival.on_or_after.latest)
        for ruling in a.rulings:
            for fuzzy in (ruling.decided, ruling.valid_from, ruling.valid_to):
                if fuzzy is not None:
                    days.update({fuzzy.earliest, fuzzy.latest})
    for rules in national.RULES.values():
        for rule in rules:
            days.update(d for d in (rule.in_force_from, rule.in_force_to) if d is not None)
    around = {d + timedelta(days=k) for d in days for k in (-1, 0, 1)}
    return sorted(around)


TIMELINE_DAYS = timeline_days(AGREEMENTS)
# The last birth date a person may have: on or before every day `days()` draws (the timeline
# reaches back to the law's dates, e.g. the 1967 Protocol, well before MIN_DAY).
BORN_BY = min(MIN_DAY, *TIMELINE_DAYS)


def days(timeline: list[date] = TIMELINE_DAYS) -> st.SearchStrategy[date]:
    """A day in 2015–2027, or a day on or next to one of the timeline dates."""
    return st.one_of(st.dates(MIN_DAY, MAX_DAY), st.sampled_from(timeline))


def agreements() -> st.SearchStrategy[Agreement]:
    return st.sampled_from(AGREEMENTS)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _codes(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(CODES), min_size=min_size, max_size=max_size, unique=True)


def citizenships() -> st.SearchStrategy[list[str] | None]:
    return st.one_of(st.none(), st.just([]), _codes(1, 2))


def ages() -> st.SearchStrategy[int]:
    """Whole ages, with the years around 18 drawn often."""
    return st.one_of(st.integers(0, 130), st.integers(15, 20))


@st.composite
def person_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Every Person field but `id`."""
    age_or_birth = draw(st.sampled_from(["age", "birth_date", "neither"]))
    return {
        "present_in": draw(st.sampled_from(SENDING_STATES)),
        "citizenships": draw(citizenships()),
        "age": draw(ages()) if age_or_birth == "age" else None,
        "birth_date": (
            draw(st.dates(date(1900, 1, 1), BORN_BY))  # born by every day drawn
            if age_or_birth == "birth_date"
            else None
        ),
        "sex": draw(_maybe(st.sampled_from(list(Sex)))),
        "immigration_status": draw(_maybe(st.sampled_from(["undocumented", "parolee", "tps"]))),
        "asylum_claim": draw(_maybe(st.sampled_from(list(AsylumClaim)))),
        "protection_against": draw(st.one_of(st.none(), st.just([]), _codes(1, 2))),
        "final_removal_order": draw(_maybe(st.booleans())),
        "criminal_conviction": draw(_maybe(st.booleans())),
        "serving_sentence": draw(_maybe(st.booleans())),
        "gang_designation": draw(_maybe(st.booleans())),
        "arrival_date": draw(_maybe(st.dates(date(2010, 1, 1), MAX_DAY))),
        "arrival_mode": draw(_maybe(st.sampled_from(list(ArrivalMode)))),
        "vulnerable": draw(_maybe(st.booleans())),
        "family_unit": draw(_maybe(st.booleans())),
        "removal_basis": draw(_maybe(st.sampled_from(list(RemovalBasis)))),
    }


def persons(person_id: str = "p") -> st.SearchStrategy[Person]:
    return person_fields().map(lambda fields: Person(id=person_id, **fields))


def populations(min_size: int = 50, max_size: int = 200) -> st.SearchStrategy[list[Person]]:
    """Persons with unique ids `p0`, `p1`, ..."""
    return st.lists(person_fields(), min_size=min_size, max_size=max_size).map(
        lambda rows: [Person(id=f"p{i}", **fields) for i, fields in enumerate(rows)]
    )
