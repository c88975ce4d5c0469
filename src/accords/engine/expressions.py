"""Polars building blocks the rules compile to: per-person helper columns and list matching.

Every expression is a nullable boolean over the population frame: true, false, or null when
the person's facts cannot decide it (polars' boolean operators follow Kleene logic, so unknowns
propagate exactly as they should).
"""

from __future__ import annotations

import functools
from datetime import date

import polars as pl

from accords.engine.person import SCHEMA
from accords.registry.countries import all_state_codes
from accords.registry.models import (
    ArrivalMode,
    Category,
    Nationalities,
    NationalityMode,
    RemovalBasis,
)

col = pl.col
IRREGULAR = [ArrivalMode.LAND_IRREGULAR, ArrivalMode.SEA_IRREGULAR, ArrivalMode.INTERCEPTED_AT_SEA]
# Person fields an empty value is read as (not unknown): no recorded basis is ordinary removal.
READ_AS = {"removal_basis": RemovalBasis.ORDINARY}


def helper_columns(day: date) -> list[pl.Expr]:
    """Per-person values several checks share, computed once per evaluation date."""
    birth = col("birth_date")
    before_birthday = (pl.lit(day.month * 100 + day.day)) < (
        birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    )
    age_from_birth = (
        pl.lit(day.year) - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    )
    mode = col("arrival_mode")
    known_mode = (
        pl.when(mode == ArrivalMode.UNKNOWN.value)
        .then(pl.lit(None, dtype=SCHEMA["arrival_mode"]))
        .otherwise(mode)
    )
    basis = pl.lit(READ_AS["removal_basis"].value, dtype=SCHEMA["removal_basis"])
    # Enum columns stay enums (integer comparisons): a cast to text made each check ~4x slower.
    return [
        pl.coalesce(col("age").cast(pl.Int32), age_from_birth).alias("_age"),
        known_mode.alias("_mode"),
        col("removal_basis").fill_null(basis).alias("_basis"),
        col("asylum_claim").alias("_claim"),
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
STATE_CODES = frozenset(all_state_codes())
STATE_ENUM = pl.Enum(["", *sorted(STATE_CODES)])


def _code_slots(name: str) -> list[pl.Expr]:
    codes = col(name)
    length = codes.list.len()
    slots = []
    for i in range(SLOTS):
        item = codes.list.get(i, null_on_oob=True)
        slots.append(
            pl.when(length <= i)
            .then(typed("", "state"))
            .when(item.is_null())
            .then(typed(None, "state"))  # typed: an untyped null made the slot text
            .otherwise(item.cast(STATE_ENUM, strict=False).fill_null(typed("", "state")))
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


# The enum columns the checks compare, by the name `one_of` takes (hashing a polars Enum type
# walks its categories, so the caches below are keyed by these names instead).
ENUMS: dict[str, pl.DataType] = {
    "state": STATE_ENUM,
    "arrival_mode": SCHEMA["arrival_mode"],
    "removal_basis": SCHEMA["removal_basis"],
}


def one_of(expr: pl.Expr, values: list[str], kind: str) -> pl.Expr:
    """Whether an enum column's value is one of `values`, compared as the same enum (`kind`,
    in ENUMS): an `is_in` against a list of text compares text, ~10x slower; one value is an
    equality."""
    if len(values) == 1:
        return expr == typed(values[0], kind)
    return expr.is_in(_listed(tuple(values), kind))


# Literals are built once per value (building them once per compiled check, each a cast
# through a 251-code enum, was most of the time compiling the registry took).
@functools.lru_cache(maxsize=4096)
def typed(value: str | None, kind: str) -> pl.Expr:
    """A literal of an enum (or None of it)."""
    return pl.lit(value, dtype=ENUMS[kind])


@functools.lru_cache(maxsize=4096)
def _listed(values: tuple[str, ...], kind: str) -> pl.Series:
    """A code list as a one-item list of its enum, for `is_in`."""
    return pl.Series(values, dtype=ENUMS[kind]).implode()


@functools.lru_cache(maxsize=4096)
def _text_list(values: tuple[str, ...]) -> pl.Expr:
    return pl.lit(list(values), dtype=pl.List(pl.String))


def mode_in(modes: list[ArrivalMode]) -> pl.Expr:
    """Whether the person's known arrival mode is one of `modes`."""
    return one_of(col("_mode"), [m.value for m in modes], "arrival_mode")


def basis_in(bases: list[str]) -> pl.Expr:
    """Whether the person's removal basis (ordinary when none is recorded) is one of `bases`."""
    return one_of(col("_basis"), bases, "removal_basis")


def member(name: str, codes: list[str]) -> pl.Expr:
    """Whether the list holds any of `codes` (null when the list is unknown)."""
    listed = _text_list(tuple(codes))
    known = [c for c in codes if c in STATE_CODES]
    return pl.any_horizontal(
        *[one_of(col(f"_{name}{i}"), known, "state") for i in range(SLOTS)],
        col(f"_{name}_rest").list.set_intersection(listed).list.len() > 0,
    )


def _outside(name: str, excluded: list[str]) -> pl.Expr:
    """Whether the list holds a code not in `excluded` (null when the list is unknown)."""
    listed = _text_list(tuple(excluded))
    known = [c for c in excluded if c in STATE_CODES]
    return pl.any_horizontal(
        *[
            (col(f"_{name}{i}") != "") & ~one_of(col(f"_{name}{i}"), known, "state")
            for i in range(SLOTS)
        ],
        col(f"_{name}_rest").list.set_difference(listed).list.len() > 0,
    )


def holds_any(codes: list[str]) -> pl.Expr:
    """Whether the person holds any of these citizenships (null when citizenship is unknown)."""
    return member("citizenships", codes)


def nationality_covered(term: Nationalities, receiver: str) -> pl.Expr:
    if term.mode is NationalityMode.UNKNOWN:
        return pl.lit(None, dtype=pl.Boolean)
    if term.mode is NationalityMode.OWN_NATIONALS:
        return holds_any([receiver])
    if term.mode is NationalityMode.LISTED:
        codes = list(term.codes) + ([receiver] if term.include_own_nationals else [])
        return holds_any(codes)
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
            return mode_in(IRREGULAR)
        case Category.INTERCEPTED_AT_SEA:
            return col("_mode") == ArrivalMode.INTERCEPTED_AT_SEA.value
        case Category.LAND_PORT_ARRIVAL:
            return col("_mode") == ArrivalMode.LAND_PORT.value


# The person fields a category reads (for the trace's facts).
CATEGORY_READS: dict[Category, tuple[str, ...]] = {
    Category.ANY: (),
    Category.CONVICTED: ("criminal_conviction",),
    Category.SERVING_SENTENCE: ("serving_sentence",),
    Category.GANG_DESIGNATED: ("gang_designation",),
    Category.FINAL_ORDER: ("final_removal_order",),
    Category.ASYLUM_SEEKER: ("asylum_claim",),
    Category.IRREGULAR_ARRIVAL: ("arrival_mode",),
    Category.INTERCEPTED_AT_SEA: ("arrival_mode",),
    Category.LAND_PORT_ARRIVAL: ("arrival_mode",),
}


def any_of(exprs: list[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal(exprs) if exprs else pl.lit(False)


def all_of(exprs: list[pl.Expr]) -> pl.Expr:
    return pl.all_horizontal(exprs) if exprs else pl.lit(True)
