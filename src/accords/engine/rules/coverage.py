"""Coverage rules: is the person someone the agreement's terms, on the day, are for?

Each reads the agreement's terms that hold on the day (`valid_on`) and cites them; a person is
covered by a term list if any one term covers them, and excluded if any exclusion applies.
"""

from __future__ import annotations

import polars as pl

from accords.engine.expressions import (
    CATEGORY_READS,
    all_of,
    any_of,
    category_matches,
    col,
    mode_in,
    nationality_covered,
)
from accords.engine.spec import (
    Applied,
    CitedFrom,
    Condition,
    Context,
    Group,
    ReasonSpec,
    fact_citation,
)
from accords.labels import plain, plain_list
from accords.law.rules import Citation
from accords.registry.countries import country_in_text
from accords.registry.describe import how_known, nationality_text, period_text
from accords.registry.models import Category, Exclusion, ExclusionTerm
from accords.registry.views import valid_on


# not_in_sending_state: an agreement sends people from its sending state only.
def not_in_sending_state(ctx: Context) -> Applied:
    agreement = ctx.agreement
    sender = agreement.sending_state
    return Applied(
        col("present_in") != sender,
        f"the agreement sends people from {country_in_text(sender)} only",
        [Citation(label=f"{agreement.id}: sending state {sender}")],
        reads=("present_in",),
    )


# nationality_not_covered: the person holds none of the nationalities a term on the day covers;
# with no nationality term on the day, coverage is unknown.
def nationality_not_covered(ctx: Context) -> Applied:
    agreement = ctx.agreement
    terms = valid_on(agreement.terms.nationalities, ctx.day)
    covered = (
        any_of([nationality_covered(t, agreement.receiver) for t in terms])
        if terms
        else pl.lit(None, dtype=pl.Boolean)
    )
    return Applied(
        ~covered,
        "; ".join(
            f"covers {nationality_text(t, agreement.receiver)}{period_text(t)}{how_known(t)}"
            for t in terms
        )
        or "no nationality term holds on the day (the record does not say whom it covers)",
        [fact_citation(t, f"{agreement.id}: nationalities ({plain(t.mode)})") for t in terms],
        reads=("citizenships",),
    )


# category_not_covered: the person is in none of the categories the terms on the day cover.
def category_not_covered(ctx: Context) -> Applied | None:
    agreement = ctx.agreement
    terms = valid_on(agreement.terms.categories, ctx.day)
    if not terms:
        return None
    wanted = sorted({c for t in terms for c in t.any_of}, key=lambda c: c.value)
    return Applied(
        ~any_of([category_matches(c) for c in wanted]),
        ("covers anyone" if Category.ANY in wanted else "covers any of: " + plain_list(wanted))
        + "".join(dict.fromkeys(how_known(t) for t in terms)),
        [fact_citation(t, f"{agreement.id}: categories ({plain_list(t.any_of)})") for t in terms],
        reads=tuple(sorted({f for c in wanted for f in CATEGORY_READS[c]})),
    )


def _exclusion(excludes: Exclusion, fails: pl.Expr, reads: tuple[str, ...]) -> Condition:
    """The condition of one exclusion: fails for a person a term on the day excludes (two terms
    with the same exclusion are one check, citing both)."""

    def condition(ctx: Context) -> Applied | None:
        terms: list[ExclusionTerm] = [
            t for t in valid_on(ctx.agreement.terms.exclusions, ctx.day) if t.excludes is excludes
        ]
        if not terms:
            return None
        return Applied(
            fails,
            f"excludes {plain(excludes)}" + "".join(dict.fromkeys(how_known(t) for t in terms)),
            [fact_citation(t, f"{ctx.agreement.id}: excludes {plain(excludes)}") for t in terms],
            reads=reads,
        )

    return condition


# arrival_not_covered: the person's arrival matches no arrival term on the day (mode, arrival
# on or after a date, or within some days of arrival).
def arrival_not_covered(ctx: Context) -> Applied | None:
    agreement = ctx.agreement
    terms = valid_on(agreement.terms.arrival, ctx.day)
    if not terms:
        return None
    matches, words = [], []
    for arrival in terms:
        parts, said = [], []
        if arrival.modes:
            parts.append(mode_in(list(arrival.modes)))
            said.append(" or ".join(plain(m) for m in arrival.modes))
        if arrival.on_or_after is not None:
            parts.append(col("arrival_date") >= pl.lit(arrival.on_or_after.latest))
            said.append(f"on or after {arrival.on_or_after}")
        if arrival.within_days_of_arrival is not None:
            parts.append(
                (pl.lit(ctx.day) - col("arrival_date")).dt.total_days()
                <= arrival.within_days_of_arrival
            )
            said.append(f"within {arrival.within_days_of_arrival} days of arrival")
        matches.append(all_of(parts))
        words.append(" and ".join(said) or "any arrival")
    return Applied(
        ~any_of(matches),
        "covers arrivals " + "; or ".join(words),
        [fact_citation(t, f"{agreement.id}: arrival terms") for t in terms],
        reads=("arrival_mode", "arrival_date"),
    )


def _coverage(
    code: str, bit: int, condition: Condition, when: str, fails: str, unknown: str, passes: str
) -> ReasonSpec:
    return ReasonSpec(
        code=code,
        bit=bit,
        group=Group.COVERAGE,
        fails=fails,
        unknown=unknown,
        passes=passes,
        when=when,
        cited_from=CitedFrom.AGREEMENT if code == "not_in_sending_state" else CitedFrom.TERMS,
        condition=condition,
    )


AGE = ("age", "birth_date")
SPECS = [
    _coverage(
        "not_in_sending_state",
        1 << 10,
        not_in_sending_state,
        "the person is not in the agreement's sending state",
        fails="The person is in {present_in}, not in {sender}, which sends under this agreement.",
        unknown="",
        passes="The person is in {sender}, which sends under this agreement.",
    ),
    _coverage(
        "nationality_not_covered",
        1 << 11,
        nationality_not_covered,
        "no nationality term on the day covers the person's nationality",
        fails="The agreement does not cover the person's nationality.",
        unknown="The person's nationality, or the agreement's nationality term on {day}, is "
        "unknown.",
        passes="The agreement covers the person's nationality.",
    ),
    _coverage(
        "category_not_covered",
        1 << 12,
        category_not_covered,
        "the person is in no category the terms on the day cover",
        fails="The person is in none of the categories the agreement covers.",
        unknown="Facts needed to place the person in a covered category are unknown.",
        passes="The person is in a category the agreement covers.",
    ),
    _coverage(
        "excluded_minor",
        1 << 13,
        _exclusion(Exclusion.MINORS, col("_age") < 18, AGE),
        "the terms exclude minors and the person is under 18",
        fails="The agreement excludes minors, and the person is under 18.",
        unknown="The person's age is unknown; the agreement excludes minors.",
        passes="The agreement excludes minors; the person is 18 or older.",
    ),
    _coverage(
        "excluded_unaccompanied_minor",
        1 << 14,
        _exclusion(
            Exclusion.UNACCOMPANIED_MINORS,
            (col("_age") < 18) & ~col("family_unit"),
            (*AGE, "family_unit"),
        ),
        "the terms exclude unaccompanied minors and the person is one",
        fails="The agreement excludes unaccompanied minors, and the person is one.",
        unknown="It is unknown whether the person is an unaccompanied minor, whom the agreement "
        "excludes.",
        passes="The agreement excludes unaccompanied minors; the person is not one.",
    ),
    _coverage(
        "excluded_sex",
        1 << 15,
        _exclusion(Exclusion.WOMEN, col("sex") != "male", ("sex",)),
        "the terms cover men only and the person is not a man",
        fails="The agreement covers men only.",
        unknown="The person's sex is unknown; the agreement covers men only.",
        passes="The agreement covers men only; the person is a man.",
    ),
    _coverage(
        "excluded_vulnerable",
        1 << 16,
        _exclusion(Exclusion.VULNERABLE, col("vulnerable"), ("vulnerable",)),
        "the terms exclude vulnerable people and the person is one",
        fails="The agreement excludes vulnerable people.",
        unknown="It is unknown whether the person is vulnerable; the agreement excludes "
        "vulnerable people.",
        passes="The agreement excludes vulnerable people; the person is not recorded as one.",
    ),
    _coverage(
        "excluded_family",
        1 << 17,
        _exclusion(Exclusion.FAMILIES, col("family_unit"), ("family_unit",)),
        "the terms exclude families and the person is in a family unit",
        fails="The agreement excludes families.",
        unknown="It is unknown whether the person is part of a family unit, which the agreement "
        "excludes.",
        passes="The agreement excludes families; the person is not recorded as part of one.",
    ),
    _coverage(
        "excluded_convicted",
        1 << 18,
        _exclusion(Exclusion.CONVICTED, col("criminal_conviction"), ("criminal_conviction",)),
        "the terms exclude convicted people and the person has a conviction",
        fails="The agreement excludes people with criminal convictions.",
        unknown="It is unknown whether the person has a conviction; the agreement excludes them.",
        passes="The agreement excludes people with convictions; the record shows none.",
    ),
    _coverage(
        "arrival_not_covered",
        1 << 19,
        arrival_not_covered,
        "the person's arrival matches no arrival term on the day",
        fails="The person's arrival (how or when) is not one the agreement covers.",
        unknown="The person's arrival mode or date is unknown; the agreement covers only some "
        "arrivals.",
        passes="The person's arrival is one the agreement covers.",
    ),
]
