"""Compiling an agreement, its sending state's law and a date into polars expressions.

Each check becomes one nullable boolean expression over the population frame: true when the
check fails, false when it passes, null when the person's facts cannot decide it (polars'
boolean operators follow Kleene logic, so unknowns propagate exactly as they should). Nothing
read from a file is evaluated as code: terms are data, mapped here to expressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from accords.engine.reasons import REASONS
from accords.law import requires_decided_claim, requires_final_order, rules_for
from accords.law.rules import Citation
from accords.registry.countries import all_state_codes
from accords.registry.models import (
    Agreement,
    ArrivalMode,
    Category,
    Exclusion,
    Fact,
    Nationalities,
    NationalityMode,
    RulingEffect,
    Status,
)
from accords.registry.views import Dated, holds_on, ruling_binds_on, status_change_on, valid_on

col = pl.col
IRREGULAR = [ArrivalMode.LAND_IRREGULAR, ArrivalMode.SEA_IRREGULAR, ArrivalMode.INTERCEPTED_AT_SEA]


@dataclass
class Check:
    code: str
    fails: pl.Expr
    citations: list[Citation] = field(default_factory=list)


@dataclass
class CompiledAgreement:
    agreement: Agreement
    day: date
    checks: list[Check]
    status_text: str

    @property
    def id(self) -> str:
        return self.agreement.id

    def citations(self, code: str) -> list[Citation]:
        for check in self.checks:
            if check.code == code:
                return check.citations
        return []

    def fail_mask(self) -> pl.Expr:
        return pl.sum_horizontal(
            [c.fails.fill_null(False).cast(pl.UInt32) * REASONS[c.code].bit for c in self.checks]
        ).cast(pl.UInt32)

    def unknown_mask(self) -> pl.Expr:
        return pl.sum_horizontal(
            [c.fails.is_null().cast(pl.UInt32) * REASONS[c.code].bit for c in self.checks]
        ).cast(pl.UInt32)


def fact_citation(fact: Fact, label: str) -> Citation:
    source = fact.sources[0]
    return Citation(
        label=label,
        url=source.url,
        publisher=source.publisher,
        date=source.date.text if source.date else None,
        quote=source.quote,
    )


def helper_columns(day: date) -> list[pl.Expr]:
    """Per-person values several checks share, computed once per evaluation date."""
    birth = col("birth_date")
    before_birthday = (pl.lit(day.month * 100 + day.day)) < (
        birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    )
    age_from_birth = (
        pl.lit(day.year) - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    )
    mode = col("arrival_mode").cast(pl.String)
    known_mode = pl.when(mode == ArrivalMode.UNKNOWN.value).then(None).otherwise(mode)
    return [
        pl.coalesce(col("age").cast(pl.Int32), age_from_birth).alias("_age"),
        known_mode.alias("_mode"),
        col("removal_basis").cast(pl.String).fill_null("ordinary").alias("_basis"),
        col("asylum_claim").cast(pl.String).alias("_claim"),
        *_code_slots("citizenships"),
        *_code_slots("protection_against"),
    ]


# Lists of state codes are matched through their first SLOTS codes as enum columns (integer
# comparisons, ~10x faster than list operations) plus the rare rest as a list. The empty code
# "" fills unused slots of a known list, so an unknown list (null) stays null and a known one
# never matches by accident; codes outside the enum (e.g. a simulator's "other") become "".
# A null *item* is an unknown code, never an absent one: its slot (or the whole rest) is null,
# so a check it could decide is unknown. Readers reject such lists; this keeps a frame built
# by hand from ever turning "some unknown citizenship" into "no citizenship".
SLOTS = 2
CODES = pl.Enum(["", *sorted(all_state_codes())])


def _code_slots(name: str) -> list[pl.Expr]:
    codes = col(name)
    length = codes.list.len()
    slots = []
    for i in range(SLOTS):
        item = codes.list.get(i, null_on_oob=True)
        slots.append(
            pl.when(length <= i)
            .then(pl.lit("", dtype=CODES))
            .when(item.is_null())
            .then(None)
            .otherwise(item.cast(CODES, strict=False).fill_null(""))
            .alias(f"_{name}{i}")
        )
    rest = (
        pl.when(length > SLOTS)
        .then(codes.list.slice(SLOTS))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )
    # `join` without ignoring nulls is null exactly when an item is null (cheap on the empty
    # lists almost every row has, unlike a per-element `list.eval`).
    rest_known = rest.list.join(";", ignore_nulls=False).is_not_null()
    return [*slots, pl.when(rest_known).then(rest).alias(f"_{name}_rest")]


def _member(name: str, codes: list[str]) -> pl.Expr:
    """Whether the list holds any of `codes` (null when the list is unknown)."""
    listed = pl.lit(codes, dtype=pl.List(pl.String))
    return pl.any_horizontal(
        *[col(f"_{name}{i}").is_in(codes) for i in range(SLOTS)],
        col(f"_{name}_rest").list.set_intersection(listed).list.len() > 0,
    )


def _outside(name: str, excluded: list[str]) -> pl.Expr:
    """Whether the list holds a code not in `excluded` (null when the list is unknown)."""
    listed = pl.lit(excluded, dtype=pl.List(pl.String))
    return pl.any_horizontal(
        *[(col(f"_{name}{i}") != "") & ~col(f"_{name}{i}").is_in(excluded) for i in range(SLOTS)],
        col(f"_{name}_rest").list.set_difference(listed).list.len() > 0,
    )


def _holds_any(codes: list[str]) -> pl.Expr:
    """Whether the person holds any of these citizenships (null when citizenship is unknown)."""
    return _member("citizenships", codes)


def _nationality_covered(term: Nationalities, receiver: str) -> pl.Expr:
    if term.mode is NationalityMode.UNKNOWN:
        return pl.lit(None, dtype=pl.Boolean)
    if term.mode is NationalityMode.OWN_NATIONALS:
        return _holds_any([receiver])
    if term.mode is NationalityMode.LISTED:
        codes = list(term.codes) + ([receiver] if term.include_own_nationals else [])
        return _holds_any(codes)
    excluded = list(term.excluded) + ([] if term.include_own_nationals else [receiver])
    if not excluded:
        return pl.lit(True)
    stateless = col("_citizenships0") == ""
    return stateless | _outside("citizenships", excluded)


def category_matches(category: Category) -> pl.Expr:
    match category:
        case Category.ANY:
            return pl.lit(True)
        case Category.CONVICTED:
            return col("criminal_conviction")
        case Category.SERVING_SENTENCE:
            return col("serving_sentence")
        case Category.GANG_DESIGNATED:
            return col("gang_designation")
        case Category.FINAL_ORDER:
            return col("final_removal_order")
        case Category.ASYLUM_SEEKER:
            return col("_claim") == "pending"
        case Category.IRREGULAR_ARRIVAL:
            return col("_mode").is_in([m.value for m in IRREGULAR])
        case Category.INTERCEPTED_AT_SEA:
            return col("_mode") == ArrivalMode.INTERCEPTED_AT_SEA.value
        case Category.LAND_PORT_ARRIVAL:
            return col("_mode") == ArrivalMode.LAND_PORT.value


def _any(exprs: list[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal(exprs) if exprs else pl.lit(False)


def _all(exprs: list[pl.Expr]) -> pl.Expr:
    return pl.all_horizontal(exprs) if exprs else pl.lit(True)


EXCLUSIONS: dict[Exclusion, tuple[str, pl.Expr]] = {
    Exclusion.MINORS: ("excluded_minor", col("_age") < 18),
    Exclusion.UNACCOMPANIED_MINORS: (
        "excluded_unaccompanied_minor",
        (col("_age") < 18) & ~col("family_unit"),
    ),
    Exclusion.WOMEN: ("excluded_sex", col("sex").cast(pl.String) != "male"),
    Exclusion.VULNERABLE: ("excluded_vulnerable", col("vulnerable")),
    Exclusion.FAMILIES: ("excluded_family", col("family_unit")),
    Exclusion.CONVICTED: ("excluded_convicted", col("criminal_conviction")),
}


def _status_check(agreement: Agreement, day: date) -> tuple[Check | None, str]:
    change = status_change_on(agreement, day)
    if change is None:
        return Check("not_yet_in_force", pl.lit(True)), "not yet announced"
    text = f"{change.status.value} since {change.date}"
    cite = [fact_citation(change, f"{agreement.id}: {change.status.value} ({change.date})")]
    suspending = [
        r
        for r in agreement.rulings
        if r.effect is RulingEffect.SUSPENDS_AGREEMENT and ruling_binds_on(r, day)
    ]
    if suspending:
        ruling = suspending[0]
        return Check(
            "suspended", pl.lit(True), [fact_citation(ruling, f"{ruling.case} ({ruling.court})")]
        ), "suspended by a court"
    if change.status is Status.IN_FORCE:
        return None, text
    code = {Status.SUSPENDED: "suspended", Status.ENDED: "ended"}.get(
        change.status, "not_yet_in_force"
    )
    return Check(code, pl.lit(True), cite), text


def _law_checks(agreement: Agreement, day: date) -> list[Check]:
    rules = rules_for(agreement.sending_state, day)
    receiver = agreement.receiver

    def cites(code: str) -> list[Citation]:
        return [r.citation for r in rules.get(code, [])]

    checks = [
        # Structural: applied whatever rules are in force; cited by those that are.
        Check(
            "citizen_of_sender", _holds_any([agreement.sending_state]), cites("citizen_of_sender")
        ),
        Check(
            "non_refoulement",
            _member("protection_against", [receiver]),
            cites("non_refoulement"),
        ),
        Check("protected_status", col("_claim") == "granted", cites("protected_status")),
    ]
    if requires_decided_claim(agreement.kind):
        checks.append(
            Check(
                "pending_protection_claim",
                col("_claim") == "pending",
                cites("pending_protection_claim"),
            )
        )
    if requires_final_order(agreement.kind) and "no_final_order" in rules:
        exempt = sorted({b for r in rules["no_final_order"] for b in r.exempt_removal_basis})
        needs_order = ~col("_basis").is_in(exempt) if exempt else pl.lit(True)
        checks.append(
            Check(
                "no_final_order", needs_order & ~col("final_removal_order"), cites("no_final_order")
            )
        )
    binding = [r for r in agreement.rulings if ruling_binds_on(r, day)]
    unsafe = [r for r in binding if r.effect is RulingEffect.RECEIVING_STATE_UNSAFE]
    if unsafe:
        checks.append(
            Check(
                "receiving_state_unsafe",
                pl.lit(True),
                [fact_citation(r, f"{r.case} ({r.court}, {r.decided})") for r in unsafe],
            )
        )
    classes = [r for r in binding if r.effect is RulingEffect.BARS_CLASS and r.class_filter]
    if classes:
        members = []
        for ruling in classes:
            f = ruling.class_filter
            assert f is not None
            parts = []
            if f.nationalities:
                parts.append(_holds_any(list(f.nationalities)))
            if f.categories:
                parts.append(_any([category_matches(c) for c in f.categories]))
            if f.removal_basis:
                parts.append(col("_basis").is_in([b.value for b in f.removal_basis]))
            members.append(_all(parts))
        checks.append(
            Check(
                "court_order",
                _any(members),
                [fact_citation(r, f"{r.case} ({r.court}, {r.decided})") for r in classes],
            )
        )
    return checks


def _coverage_checks(agreement: Agreement, day: date) -> list[Check]:
    terms = agreement.terms
    checks = [
        Check(
            "not_in_sending_state",
            col("present_in") != agreement.sending_state,
            [Citation(label=f"{agreement.id}: sending state {agreement.sending_state}")],
        )
    ]
    nationalities = valid_on(terms.nationalities, day)
    covered = (
        _any([_nationality_covered(t, agreement.receiver) for t in nationalities])
        if nationalities
        else pl.lit(None, dtype=pl.Boolean)
    )
    checks.append(
        Check(
            "nationality_not_covered",
            ~covered,
            [
                fact_citation(t, f"{agreement.id}: nationalities ({t.mode.value})")
                for t in nationalities
            ],
        )
    )
    categories = valid_on(terms.categories, day)
    if categories:
        wanted = sorted({c for t in categories for c in t.any_of}, key=lambda c: c.value)
        checks.append(
            Check(
                "category_not_covered",
                ~_any([category_matches(c) for c in wanted]),
                [
                    fact_citation(
                        t, f"{agreement.id}: categories ({', '.join(c.value for c in t.any_of)})"
                    )
                    for t in categories
                ],
            )
        )
    for term in valid_on(terms.exclusions, day):
        code, expr = EXCLUSIONS[term.excludes]
        checks.append(
            Check(
                code, expr, [fact_citation(term, f"{agreement.id}: excludes {term.excludes.value}")]
            )
        )
    arrivals = valid_on(terms.arrival, day)
    if arrivals:
        matches = []
        for arrival in arrivals:
            parts = []
            if arrival.modes:
                parts.append(col("_mode").is_in([m.value for m in arrival.modes]))
            if arrival.on_or_after is not None:
                parts.append(col("arrival_date") >= pl.lit(arrival.on_or_after.latest))
            if arrival.within_days_of_arrival is not None:
                parts.append(
                    (pl.lit(day) - col("arrival_date")).dt.total_days()
                    <= arrival.within_days_of_arrival
                )
            matches.append(_all(parts))
        checks.append(
            Check(
                "arrival_not_covered",
                ~_any(matches),
                [fact_citation(t, f"{agreement.id}: arrival terms") for t in arrivals],
            )
        )
    return checks


def _merge(checks: list[Check]) -> list[Check]:
    """One check per code: two terms with the same code fail if either does (one bit each)."""
    merged: dict[str, Check] = {}
    for check in checks:
        if check.code in merged:
            first = merged[check.code]
            merged[check.code] = Check(
                check.code,
                pl.any_horizontal(first.fails, check.fails),
                first.citations + check.citations,
            )
        else:
            merged[check.code] = check
    return list(merged.values())


def day_signature(agreement: Agreement, day: date) -> tuple[object, ...]:
    """What the compiled checks take from `day`: two days with equal signatures compile to the
    same masks for any person whose age does not come from a birth date.

    A caller evaluating many days (the simulator, month by month) evaluates once per signature.
    """
    terms = agreement.terms

    def held(items: Sequence[Dated]) -> tuple[int, ...]:
        return tuple(i for i, t in enumerate(items) if holds_on(t.valid_from, t.valid_to, day))

    change = status_change_on(agreement, day)
    arrivals = held(terms.arrival)
    counts_days = any(terms.arrival[i].within_days_of_arrival is not None for i in arrivals)
    rules = rules_for(agreement.sending_state, day)
    return (
        agreement.status.index(change) if change is not None else None,
        tuple(i for i, r in enumerate(agreement.rulings) if ruling_binds_on(r, day)),
        held(terms.nationalities),
        held(terms.categories),
        held(terms.exclusions),
        arrivals,
        tuple((code, tuple(r.citation.label for r in found)) for code, found in rules.items()),
        day if counts_days else None,
    )


def compile_agreement(agreement: Agreement, day: date) -> CompiledAgreement:
    status, status_text = _status_check(agreement, day)
    checks = (
        ([status] if status else [])
        + _law_checks(agreement, day)
        + _coverage_checks(agreement, day)
    )
    return CompiledAgreement(agreement, day, _merge(checks), status_text)
