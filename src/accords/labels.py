"""Plain words for every code a person reads: one table for the terminal, the web and reports.

Codes (`in_force`, `detention_outsourcing`, `citizen_of_sender`) stay what JSON, CSV and the
API carry, because scripts match on them; wherever a person reads, the words below are shown
instead, with the code in a tooltip (web) or in the machine-readable output. A code with no
entry falls back to its spelling with spaces, so a new value is never hidden, and a test keeps
every enum below complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from accords.engine.person import AsylumClaim, Sex
from accords.engine.spec import Verdict
from accords.registry.models import (
    ArrivalMode,
    Category,
    ClaimKind,
    Exclusion,
    Kind,
    Metric,
    NationalityMode,
    PriceKind,
    Reliability,
    RemovalBasis,
    RulingEffect,
    Status,
)

ENUM_LABELS: dict[type[StrEnum], dict[str, str]] = {
    Status: {
        "negotiating": "in negotiation",
        "announced": "announced",
        "signed": "signed",
        "in_force": "in force",
        "suspended": "suspended",
        "ended": "ended",
    },
    Kind: {
        "third_country_removal": "third-country removal",
        "safe_third_country": "safe third country",
        "offshore_processing": "offshore processing",
        "readmission": "readmission",
        "detention_outsourcing": "detention outsourcing",
        "transit": "transit",
    },
    NationalityMode: {
        "any": "any nationality",
        "listed": "listed nationalities",
        "own_nationals": "own nationals only",
        "unknown": "unknown",
    },
    Category: {
        "any": "anyone",
        "convicted": "convicted of a crime",
        "serving_sentence": "serving a sentence",
        "gang_designated": "designated a gang member",
        "final_order": "with a final removal order",
        "asylum_seeker": "asylum seeker",
        "irregular_arrival": "arrived irregularly",
        "intercepted_at_sea": "intercepted at sea",
        "land_port_arrival": "arrived at a land port of entry",
    },
    Exclusion: {
        "minors": "minors (under 18)",
        "unaccompanied_minors": "unaccompanied minors",
        "women": "women",
        "vulnerable": "vulnerable people",
        "families": "families",
        "convicted": "people with criminal convictions",
    },
    ArrivalMode: {
        "land_port": "at a land port of entry",
        "land_irregular": "irregularly over land",
        "air": "by air",
        "sea_irregular": "irregularly by sea",
        "intercepted_at_sea": "intercepted at sea",
        "unknown": "unknown",
    },
    PriceKind: {
        "lump_sum": "lump sum",
        "per_person_transferred": "per person transferred",
        "per_person_year": "per person per year",
        "per_person_month": "per person per month",
        "threshold_payment": "paid once a number of people is reached",
        "per_person_processing": "per person processed",
        "per_person_departure": "per person who leaves",
    },
    Metric: {
        "transferred": "transferred",
        "transferred_total": "transferred in total",
        "returned": "returned",
        "held": "held",
        "paid": "paid",
        "committed": "money committed",
        "cost_reported": "reported cost",
        "other": "other",
    },
    RulingEffect: {
        "none": "no effect on removals",
        "suspends_agreement": "suspends the agreement",
        "receiving_state_unsafe": "receiving state found unsafe",
        "bars_class": "bars removal of a class of people",
    },
    RemovalBasis: {
        "ordinary": "ordinary removal",
        "alien_enemies_act": "Alien Enemies Act",
    },
    ClaimKind: {
        "claim": "claim",
        "offer": "offer",
        "clarification": "clarification",
        "correction": "correction",
        "contradiction": "contradiction",
        "denial": "denial",
        "narration": "account of events",
        "legal_opinion": "legal opinion",
    },
    Reliability: {"high": "high", "medium": "medium", "low": "low"},
    Verdict: {
        "permitted": "permitted",
        "undetermined": "undetermined",
        "not_covered": "not covered",
        "barred": "barred",
        "not_in_force": "not in force",
    },
    Sex: {"male": "male", "female": "female", "other": "other"},
    AsylumClaim: {
        "none": "no claim",
        "pending": "pending",
        "granted": "granted",
        "denied": "denied",
    },
}

REASON_LABELS: dict[str, str] = {
    "not_yet_in_force": "not yet in force",
    "ended": "agreement ended",
    "suspended": "agreement suspended",
    "citizen_of_sender": "citizen of the sending state",
    "non_refoulement": "protected against return there (non-refoulement)",
    "protected_status": "has refugee or asylee status",
    "pending_protection_claim": "protection claim pending",
    "no_final_order": "no final removal order",
    "receiving_state_unsafe": "receiving state ruled unsafe",
    "court_order": "a court order bars removal",
    "not_in_sending_state": "not in the sending state",
    "nationality_not_covered": "nationality not covered",
    "category_not_covered": "in no covered category",
    "excluded_minor": "excluded: a minor",
    "excluded_unaccompanied_minor": "excluded: an unaccompanied minor",
    "excluded_sex": "excluded: covers men only",
    "excluded_vulnerable": "excluded: vulnerable",
    "excluded_family": "excluded: a family",
    "excluded_convicted": "excluded: convicted",
    "arrival_not_covered": "arrival not covered",
}

# Field names a person reads as row or column headings (compare, exports shown on pages).
FIELD_LABELS: dict[str, str] = {
    "id": "id",
    "title": "title",
    "sender": "sending state",
    "acting_sender": "state that sends",
    "receiver": "receiving state",
    "kind": "kind",
    "legal_form": "legal form",
    "status": "status",
    "status_since": "status since",
    "first_status": "first recorded status",
    "nationalities": "nationalities",
    "categories": "who is covered",
    "exclusions": "exclusions",
    "arrival": "arrival",
    "facilities": "facilities",
    "price_schedule": "prices",
    "capacity": "capacity",
    "term_length": "term",
    "transferred_people": "people transferred",
    "rulings": "court rulings",
    "claims": "claims",
    "as_of": "record up to",
    "summary": "summary",
}

DOMAINS: dict[str, type[StrEnum]] = {
    "status": Status,
    "kind": Kind,
    "nationality_mode": NationalityMode,
    "category": Category,
    "exclusion": Exclusion,
    "arrival_mode": ArrivalMode,
    "price_kind": PriceKind,
    "metric": Metric,
    "ruling_effect": RulingEffect,
    "removal_basis": RemovalBasis,
    "claim_kind": ClaimKind,
    "reliability": Reliability,
    "verdict": Verdict,
    "sex": Sex,
    "asylum_claim": AsylumClaim,
}


def _spelled(code: str) -> str:
    return code.replace("_", " ")


def plain(value: StrEnum | str | None, domain: str | None = None) -> str:
    """The plain words for an enum member, or for a code string of a named domain.

    `plain(Status.IN_FORCE)` and `plain("in_force", "status")` are both "in force";
    `domain="reason"` reads reason codes (see `reason_label`), `domain="field"` field names.
    """
    if value is None:
        return "—"
    if domain == "reason":
        return plain_reason(str(value))
    if domain == "field":
        return FIELD_LABELS.get(str(value), _spelled(str(value)))
    enum = type(value) if isinstance(value, StrEnum) else DOMAINS.get(domain or "")
    code = value.value if isinstance(value, StrEnum) else value
    table = ENUM_LABELS.get(enum, {}) if enum is not None else {}
    return table.get(code, _spelled(code))


def plain_reason(code: str) -> str:
    """A reason code in a few words; `X_unknown` reads "X (unknown)"."""
    # Imported here, not above: the rules (`accords.engine.rules`) word their enums with
    # `plain`, and REASONS is built from those rules.
    from accords.engine.reasons import REASONS

    if code in REASON_LABELS:
        return REASON_LABELS[code]
    base = code.removesuffix("_unknown")
    if base != code and base in REASONS:
        return f"{REASON_LABELS.get(base, _spelled(base))} (unknown)"
    return _spelled(code)


def plain_list(values: Sequence[StrEnum | str], domain: str | None = None) -> str:
    """Several codes as one comma-separated phrase."""
    return ", ".join(plain(v, domain) for v in values)
