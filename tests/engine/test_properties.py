"""Properties of the engine over any person, any agreement of the registry and any date.

No oracle here: each property follows from the law or the logic alone (a state never removes
its own citizens; a bar added never lifts a bar; an unknown is never taken for a pass; one case
is answered the same alone or inside a population).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine_strategies import (
    AGREEMENTS,
    CODES,
    REGISTRY,
    ages,
    agreements,
    days,
    persons,
    populations,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from accords.engine.check import check
from accords.engine.evaluate import evaluate_frame
from accords.engine.person import AsylumClaim, Person, Sex, persons_frame
from accords.engine.reasons import CODES as REASON_CODES
from accords.engine.reasons import COVERAGE_BITS, LAW_BITS, STATUS_BITS
from accords.registry.models import Agreement, ArrivalMode, NationalityMode
from accords.registry.views import valid_on

BLOCKED = {"barred", "not_in_force"}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def results(
    persons: list[Person], agreements: list[Agreement], day: date
) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(person id, agreement id) → (verdict, reason codes), every person against every agreement."""
    frame = persons_frame(persons)
    verdicts = evaluate_frame(frame, agreements, day, applicable_only=False, with_reasons=True)
    return {
        (r["person_id"], r["agreement"]): (r["verdict"], r["reasons"])
        for r in verdicts.verdicts.to_dicts()
    }


def verdict_of(fail_mask: int, unknown_mask: int) -> str:
    """The verdict a pair of masks means, by the design's precedence."""
    if fail_mask & STATUS_BITS:
        return "not_in_force"
    if fail_mask & LAW_BITS:
        return "barred"
    if fail_mask & COVERAGE_BITS:
        return "not_covered"
    return "undetermined" if unknown_mask else "permitted"


def one(person: Person, agreement: Agreement, day: date) -> tuple[str, list[str]]:
    return results([person], [agreement], day)[(person.id, agreement.id)]


@FAST
@given(person=persons(), day=days())
def test_a_citizen_of_the_sending_state_is_never_permitted(person: Person, day: date) -> None:
    """Whatever else is true of them, a state's own citizen is barred (or nothing is in force)."""
    for agreement in AGREEMENTS:
        citizen = person.model_copy(
            update={"citizenships": [*(person.citizenships or []), agreement.sending_state]}
        )
        verdict, reasons = one(citizen, agreement, day)
        assert verdict in BLOCKED, (agreement.id, verdict, reasons)
        assert "citizen_of_sender" in reasons


@FAST
@given(person=persons(), agreement=agreements(), day=days())
def test_protection_against_the_receiver_is_never_permitted(
    person: Person, agreement: Agreement, day: date
) -> None:
    protected = person.model_copy(
        update={"protection_against": [*(person.protection_against or []), agreement.receiver]}
    )
    verdict, reasons = one(protected, agreement, day)
    assert verdict in BLOCKED
    assert "non_refoulement" in reasons


def _add_bar(person: Person, agreement: Agreement, bar: str) -> Person:
    if bar == "citizen_of_sender":
        update: dict[str, Any] = {
            "citizenships": [*(person.citizenships or []), agreement.sending_state]
        }
    elif bar == "non_refoulement":
        update = {"protection_against": [*(person.protection_against or []), agreement.receiver]}
    else:
        update = {"asylum_claim": AsylumClaim.GRANTED}
    return person.model_copy(update=update)


@FAST
@given(
    person=persons(),
    day=days(),
    bar=st.sampled_from(["citizen_of_sender", "non_refoulement", "protected_status"]),
)
def test_adding_a_bar_never_lifts_one(person: Person, day: date, bar: str) -> None:
    """A bar added never makes a case permitted, and a barred case stays barred."""
    for agreement in AGREEMENTS:
        before, _ = one(person, agreement, day)
        after, reasons = one(_add_bar(person, agreement, bar), agreement, day)
        assert after in BLOCKED, (agreement.id, before, after, reasons)
        assert bar in reasons
        if before in BLOCKED:
            assert after == before, (agreement.id, before, after)
        # The status of an agreement on a day does not depend on who is asked about.
        assert (before == "not_in_force") == (after == "not_in_force")


@FAST
@given(person=persons(), day=days())
def test_an_unknown_citizenship_is_never_permitted(person: Person, day: date) -> None:
    """Unknown citizenship leaves `citizen_of_sender` unknown: never permitted, always said."""
    unknown = person.model_copy(update={"citizenships": None})
    for (_, agreement_id), (verdict, reasons) in results([unknown], AGREEMENTS, day).items():
        assert verdict != "permitted", agreement_id
        assert "citizen_of_sender_unknown" in reasons, (agreement_id, reasons)
        assert "citizen_of_sender" not in reasons


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persons=populations(2, 25), day=days(), data=st.data())
def test_one_case_alone_is_answered_as_inside_a_population(
    persons: list[Person], day: date, data: st.DataObject
) -> None:
    """`check` on one person gives the verdicts and reasons the population evaluation gives."""
    ids = [a.id for a in AGREEMENTS]
    shuffled = data.draw(st.permutations(persons), label="order")
    evaluation = evaluate_frame(
        persons_frame(shuffled), AGREEMENTS, day, applicable_only=False, with_reasons=True
    )
    rows = {(r["person_id"], r["agreement"]): r for r in evaluation.verdicts.to_dicts()}
    for row in rows.values():
        assert row["verdict"] == verdict_of(row["fail_mask"], row["unknown_mask"])
    for person in data.draw(st.lists(st.sampled_from(persons), min_size=1, max_size=3)):
        alone = check(person, date=day, agreements=ids, registry=REGISTRY)
        assert alone.person == person.id
        assert alone.date == day
        assert [r.agreement for r in alone.results] == ids
        for result in alone.results:
            row = rows[(person.id, result.agreement)]
            assert result.verdict.value == row["verdict"], result.agreement
            assert [r.code for r in result.reasons] == row["reasons"], result.agreement
        # Without a list of agreements, a case is checked against its own state's agreements.
        own = check(person, date=day, registry=REGISTRY)
        assert [r.agreement for r in own.results] == [
            a.id for a in AGREEMENTS if a.sending_state == person.present_in
        ]
        for result in own.results:
            row = rows[(person.id, result.agreement)]
            assert result.verdict.value == row["verdict"]


# --- Learning more never contradicts what was decided ---------------------------------------


def _takes_any_nationality(agreement: Agreement, day: date) -> bool:
    """Whether a known engine bug (see test_oracle_agreement) affects unknown citizenship here."""
    return any(
        t.mode is NationalityMode.ANY and not t.excluded and t.include_own_nationals
        for t in valid_on(agreement.terms.nationalities, day)
    )


@st.composite
def refinements(draw: st.DrawFn, person: Person, keep_citizenship: bool) -> Person:
    """The person with some unknown facts made known (removal_basis: None already means
    an ordinary removal, so it is not an unknown and is left alone)."""
    maybe = st.booleans()
    update: dict[str, Any] = {}
    if person.citizenships is None and not keep_citizenship and draw(maybe):
        update["citizenships"] = draw(st.lists(st.sampled_from(CODES), max_size=2, unique=True))
    if person.protection_against is None and draw(maybe):
        update["protection_against"] = draw(
            st.lists(st.sampled_from(CODES), max_size=2, unique=True)
        )
    if person.age is None and person.birth_date is None and draw(maybe):
        update["age"] = draw(ages())
    if person.sex is None and draw(maybe):
        update["sex"] = draw(st.sampled_from(list(Sex)))
    if person.asylum_claim is None and draw(maybe):
        update["asylum_claim"] = draw(st.sampled_from(list(AsylumClaim)))
    for name in (
        "final_removal_order",
        "criminal_conviction",
        "serving_sentence",
        "gang_designation",
        "vulnerable",
        "family_unit",
    ):
        if getattr(person, name) is None and draw(maybe):
            update[name] = draw(st.booleans())
    if person.arrival_date is None and draw(maybe):
        update["arrival_date"] = draw(st.dates(date(2010, 1, 1), date(2027, 12, 31)))
    if person.arrival_mode in (None, ArrivalMode.UNKNOWN) and draw(maybe):
        known = [m for m in ArrivalMode if m is not ArrivalMode.UNKNOWN]
        update["arrival_mode"] = draw(st.sampled_from(known))
    return person.model_copy(update=update)


def _split(reasons: list[str]) -> tuple[set[str], set[str], set[str]]:
    unknown = {r.removesuffix("_unknown") for r in reasons if r.endswith("_unknown")}
    failing = {r for r in reasons if not r.endswith("_unknown")}
    passing = set(REASON_CODES) - failing - unknown
    return failing, unknown, passing


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=persons(), agreement=agreements(), day=days(), data=st.data())
def test_making_an_unknown_known_never_changes_a_decided_check(
    person: Person, agreement: Agreement, day: date, data: st.DataObject
) -> None:
    """Kleene logic: a check that fails or passes on what is known keeps its answer when more
    becomes known; so a decided verdict stays, and not_covered can only become barred."""
    keep = _takes_any_nationality(agreement, day)
    known = data.draw(refinements(person, keep_citizenship=keep), label="refined")
    assume(known != person)
    before, before_reasons = one(person, agreement, day)
    after, after_reasons = one(known, agreement, day)
    failing, _, passing = _split(before_reasons)
    failing_after, _, passing_after = _split(after_reasons)
    assert failing <= failing_after, (before_reasons, after_reasons)
    assert passing <= passing_after, (before_reasons, after_reasons)
    if before in {"permitted", "barred", "not_in_force"}:
        assert after == before
    if before == "not_covered":
        assert after in {"not_covered", "barred"}
