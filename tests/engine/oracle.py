"""A reference evaluator for one person, written straight from the law and the registry terms.

It shares no code with `accords.engine.compile`, `accords.engine.rules` or `evaluate` (only the
list of codes per group, from the declarations): every check is
plain Python over a `Person`, in three-valued logic (True / False / None for unknown) with
Kleene's and/or/not written out by hand below. It reads the registry only through its views
(`valid_on`, `ruling_binds_on`) and the status record's dates and the law only through `accords.law`
(`rules_for`, `requires_final_order`, `requires_decided_claim`).

Per (person, agreement, day) each check *fails* (True), *passes* (False) or is *unknown*
(None). The verdict: any status check failing → not_in_force; else any law check failing →
barred; else any coverage check failing → not_covered; else any check unknown → undetermined;
else permitted. The reasons: every failing code, and `<code>_unknown` for every unknown check.

`quirks` lets a test name an engine bug it knows about and get the answer the buggy engine
gives, so a random comparison can tell a known bug from a new one (see KNOWN_QUIRKS).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from accords.engine.person import AsylumClaim, Person
from accords.engine.reasons import REASONS, Group
from accords.law import requires_decided_claim, requires_final_order, rules_for
from accords.registry.models import (
    Agreement,
    ArrivalMode,
    ArrivalTerm,
    Category,
    Exclusion,
    Nationalities,
    NationalityMode,
    RemovalBasis,
    RulingEffect,
    Status,
    StatusChange,
)
from accords.registry.views import ruling_binds_on, valid_on

Tri = bool | None

# Known engine bugs the oracle can reproduce on request (see the module docstring).
ANY_NATIONALITY_UNKNOWN_IS_NOT_COVERED = "any_nationality_unknown_is_not_covered"
KNOWN_QUIRKS = frozenset({ANY_NATIONALITY_UNKNOWN_IS_NOT_COVERED})

# The code lists come from the declarations (one place per code); the checks below do not.
STATUS_CODES = tuple(c for c, s in REASONS.items() if s.group is Group.STATUS)
LAW_CODES = tuple(c for c, s in REASONS.items() if s.group is Group.LAW)
COVERAGE_CODES = tuple(c for c, s in REASONS.items() if s.group is Group.COVERAGE)

IRREGULAR_MODES = frozenset(
    {ArrivalMode.LAND_IRREGULAR, ArrivalMode.SEA_IRREGULAR, ArrivalMode.INTERCEPTED_AT_SEA}
)


# --- Kleene three-valued logic ------------------------------------------------------------


def k_not(a: Tri) -> Tri:
    return None if a is None else not a


def k_and(values: Iterable[Tri]) -> Tri:
    seen_unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            seen_unknown = True
    return None if seen_unknown else True


def k_or(values: Iterable[Tri]) -> Tri:
    seen_unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            seen_unknown = True
    return None if seen_unknown else False


def k_eq(value: object | None, wanted: object) -> Tri:
    return None if value is None else value == wanted


def k_in(value: object | None, wanted: Iterable[object]) -> Tri:
    return None if value is None else value in set(wanted)


# --- Facts about a person on a day --------------------------------------------------------


def age_on(person: Person, day: date) -> int | None:
    if person.age is not None:
        return person.age
    if person.birth_date is None:
        return None
    born = person.birth_date
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def arrival_mode(person: Person) -> ArrivalMode | None:
    """How the person arrived; `unknown` is as unknown as a missing value."""
    mode = person.arrival_mode
    return None if mode is None or mode is ArrivalMode.UNKNOWN else ArrivalMode(mode)


def removal_basis(person: Person) -> RemovalBasis:
    """The legal basis of the removal; none given means an ordinary removal."""
    return RemovalBasis(person.removal_basis) if person.removal_basis else RemovalBasis.ORDINARY


def claim(person: Person) -> AsylumClaim | None:
    return None if person.asylum_claim is None else AsylumClaim(person.asylum_claim)


def holds_any(person: Person, codes: Iterable[str]) -> Tri:
    """Whether the person holds any of these citizenships (unknown if citizenship is)."""
    if person.citizenships is None:
        return None
    return bool(set(person.citizenships) & set(codes))


def in_category(person: Person, category: Category) -> Tri:
    mode = arrival_mode(person)
    match category:
        case Category.ANY:
            return True
        case Category.CONVICTED:
            return person.criminal_conviction
        case Category.SERVING_SENTENCE:
            return person.serving_sentence
        case Category.GANG_DESIGNATED:
            return person.gang_designation
        case Category.FINAL_ORDER:
            return person.final_removal_order
        case Category.ASYLUM_SEEKER:
            return k_eq(claim(person), AsylumClaim.PENDING)
        case Category.IRREGULAR_ARRIVAL:
            return k_in(mode, IRREGULAR_MODES)
        case Category.INTERCEPTED_AT_SEA:
            return k_eq(mode, ArrivalMode.INTERCEPTED_AT_SEA)
        case Category.LAND_PORT_ARRIVAL:
            return k_eq(mode, ArrivalMode.LAND_PORT)
    raise AssertionError(f"unhandled category {category}")


# --- The three groups of checks -----------------------------------------------------------


def status_checks(agreement: Agreement, day: date) -> dict[str, Tri]:
    """Each status change whose date range spans the day may or may not have happened by
    then; the checks are read under every such combination, and a check on which the
    combinations disagree is unknown."""
    if any(
        r.effect is RulingEffect.SUSPENDS_AGREEMENT and ruling_binds_on(r, day)
        for r in agreement.rulings
    ):
        return {"suspended": True}
    in_doubt = [i for i, c in enumerate(agreement.status) if c.date.earliest <= day < c.date.latest]
    readings = []
    for happened in itertools.product((False, True), repeat=len(in_doubt)):
        chosen = {i for i, yes in zip(in_doubt, happened, strict=True) if yes}
        done = [c for i, c in enumerate(agreement.status) if c.date.latest <= day or i in chosen]
        readings.append(_status_reading(done[-1] if done else None))
    codes = {code for reading in readings for code in reading}
    return {code: True if all(code in r for r in readings) else None for code in codes}


def _status_reading(change: StatusChange | None) -> dict[str, Tri]:
    """The failing status checks if `change` is the one in effect (no suspending ruling)."""
    if change is None:
        return {"not_yet_in_force": True}
    if change.status is Status.IN_FORCE:
        return {}
    if change.status is Status.SUSPENDED:
        return {"suspended": True}
    if change.status is Status.ENDED:
        return {"ended": True}
    return {"not_yet_in_force": True}  # announced or signed, not yet in force


def law_checks(person: Person, agreement: Agreement, day: date) -> dict[str, Tri]:
    rules = rules_for(agreement.sending_state, day)
    receiver = agreement.receiver
    out: dict[str, Tri] = {}
    if "citizen_of_sender" in rules:
        out["citizen_of_sender"] = holds_any(person, [agreement.sending_state])
    if "non_refoulement" in rules:
        protected = person.protection_against
        out["non_refoulement"] = None if protected is None else receiver in protected
    if "protected_status" in rules:
        out["protected_status"] = k_eq(claim(person), AsylumClaim.GRANTED)
    if requires_decided_claim(agreement.kind) and "pending_protection_claim" in rules:
        out["pending_protection_claim"] = k_eq(claim(person), AsylumClaim.PENDING)
    if requires_final_order(agreement.kind) and "no_final_order" in rules:
        exempt = {b for r in rules["no_final_order"] for b in r.exempt_removal_basis}
        needs_order = removal_basis(person).value not in exempt
        out["no_final_order"] = k_and([needs_order, k_not(person.final_removal_order)])
    binding = [r for r in agreement.rulings if ruling_binds_on(r, day)]
    if any(r.effect is RulingEffect.RECEIVING_STATE_UNSAFE for r in binding):
        out["receiving_state_unsafe"] = True
    members: list[Tri] = []
    for ruling in binding:
        if ruling.effect is not RulingEffect.BARS_CLASS or ruling.class_filter is None:
            continue
        f = ruling.class_filter
        parts: list[Tri] = []
        if f.nationalities:
            parts.append(holds_any(person, f.nationalities))
        if f.categories:
            parts.append(k_or(in_category(person, c) for c in f.categories))
        if f.removal_basis:
            parts.append(removal_basis(person) in f.removal_basis)
        members.append(k_and(parts))
    if members:
        out["court_order"] = k_or(members)
    return out


def nationality_covered(
    person: Person, term: Nationalities, receiver: str, quirks: frozenset[str]
) -> Tri:
    held = person.citizenships
    match term.mode:
        case NationalityMode.UNKNOWN:
            return None
        case NationalityMode.OWN_NATIONALS:
            return holds_any(person, [receiver])
        case NationalityMode.LISTED:
            codes = list(term.codes) + ([receiver] if term.include_own_nationals else [])
            return holds_any(person, codes)
        case NationalityMode.ANY:
            excluded = set(term.excluded) | (set() if term.include_own_nationals else {receiver})
            if held is None:
                if excluded:
                    return None
                # Every nationality is covered, so not knowing which one changes nothing
                # (the engine's known bug answers "not covered").
                return ANY_NATIONALITY_UNKNOWN_IS_NOT_COVERED not in quirks
            # Stateless people have no excluded nationality; others need one not excluded.
            return not held or bool(set(held) - excluded)
    raise AssertionError(f"unhandled nationality mode {term.mode}")


def arrival_matches(person: Person, term: ArrivalTerm, day: date) -> Tri:
    parts: list[Tri] = []
    arrived = person.arrival_date
    if term.modes:
        parts.append(k_in(arrival_mode(person), term.modes))
    if term.on_or_after is not None:
        # A fuzzy "on or after" is read cautiously: from its latest possible day.
        parts.append(None if arrived is None else arrived >= term.on_or_after.latest)
    if term.within_days_of_arrival is not None:
        days = None if arrived is None else (day - arrived).days
        parts.append(None if days is None else days <= term.within_days_of_arrival)
    return k_and(parts)


def exclusion_fails(person: Person, excludes: Exclusion, day: date) -> tuple[str, Tri]:
    age = age_on(person, day)
    minor = None if age is None else age < 18
    match excludes:
        case Exclusion.MINORS:
            return "excluded_minor", minor
        case Exclusion.UNACCOMPANIED_MINORS:
            return "excluded_unaccompanied_minor", k_and([minor, k_not(person.family_unit)])
        case Exclusion.WOMEN:
            sex = None if person.sex is None else str(person.sex)
            return "excluded_sex", None if sex is None else sex != "male"
        case Exclusion.VULNERABLE:
            return "excluded_vulnerable", person.vulnerable
        case Exclusion.FAMILIES:
            return "excluded_family", person.family_unit
        case Exclusion.CONVICTED:
            return "excluded_convicted", person.criminal_conviction
    raise AssertionError(f"unhandled exclusion {excludes}")


def coverage_checks(
    person: Person, agreement: Agreement, day: date, quirks: frozenset[str]
) -> dict[str, Tri]:
    terms = agreement.terms
    out: dict[str, Tri] = {"not_in_sending_state": person.present_in != agreement.sending_state}
    nationalities = valid_on(terms.nationalities, day)
    covered = (
        k_or(nationality_covered(person, t, agreement.receiver, quirks) for t in nationalities)
        if nationalities
        else None  # no nationality term holds on the day: coverage cannot be shown
    )
    out["nationality_not_covered"] = k_not(covered)
    categories = valid_on(terms.categories, day)
    if categories:
        wanted = {c for t in categories for c in t.any_of}
        out["category_not_covered"] = k_not(k_or(in_category(person, c) for c in wanted))
    for term in valid_on(terms.exclusions, day):
        code, fails = exclusion_fails(person, term.excludes, day)
        out[code] = k_or([out.get(code, False), fails])
    arrivals = valid_on(terms.arrival, day)
    if arrivals:
        out["arrival_not_covered"] = k_not(k_or(arrival_matches(person, t, day) for t in arrivals))
    return out


# --- Verdict -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OracleResult:
    verdict: str
    reasons: frozenset[str]
    checks: dict[str, Tri]


def evaluate_person(
    person: Person, agreement: Agreement, day: date, quirks: Iterable[str] = ()
) -> OracleResult:
    chosen = frozenset(quirks)
    assert chosen <= KNOWN_QUIRKS, f"unknown quirks: {sorted(chosen - KNOWN_QUIRKS)}"
    checks = {
        **status_checks(agreement, day),
        **law_checks(person, agreement, day),
        **coverage_checks(person, agreement, day, chosen),
    }
    failing = {code for code, fails in checks.items() if fails is True}
    unknown = {code for code, fails in checks.items() if fails is None}
    if failing & set(STATUS_CODES):
        verdict = "not_in_force"
    elif failing & set(LAW_CODES):
        verdict = "barred"
    elif failing & set(COVERAGE_CODES):
        verdict = "not_covered"
    elif unknown:
        verdict = "undetermined"
    else:
        verdict = "permitted"
    reasons = frozenset(failing | {f"{code}_unknown" for code in unknown})
    return OracleResult(verdict, reasons, checks)


def oracle(
    person: Person, agreement: Agreement, day: date, quirks: Iterable[str] = ()
) -> tuple[str, set[str]]:
    """(verdict, reason codes) for one person under one agreement on one day."""
    result = evaluate_person(person, agreement, day, quirks)
    return result.verdict, set(result.reasons)
