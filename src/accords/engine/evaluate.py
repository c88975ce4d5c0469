"""One engine for one case or ten million: a population frame in, verdicts and reason masks out.

A single case is a one-row frame through exactly this path, and its explanation is decoded from
the same masks (`explain`), so the answer for one person can never disagree with the answer for
the same person inside a population.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, reduce
from operator import or_

import numpy as np
import numpy.typing as npt
import polars as pl

from accords.engine.compile import (
    UNKNOWN_SHIFT,
    Check,
    CompiledAgreement,
    bits,
    compile_agreement,
)
from accords.engine.expressions import helper_columns
from accords.engine.reasons import REASONS, VERDICTS, verdict_of
from accords.registry.models import Agreement

VERDICT_TYPE = pl.Enum(VERDICTS)
LOW_BITS = (1 << UNKNOWN_SHIFT) - 1
VERDICT_SUFFIX = "\0verdict"


def _verdict_table() -> pl.Series:
    """The verdict of a packed outcome by the position of its lowest set bit (64: none set).

    The precedence table looks at the status bits, then the law bits, then the coverage bits,
    then at any unknown bit; the bits are declared in that order and the unknown bits sit above
    every fail bit, so the lowest set bit decides, and a verdict is one `trailing_zeros` and one
    look-up. Refused at import if a declaration ever breaks that order (checked on every pair
    of bits, which is enough: the decisive row is then monotone in the bit's position).
    """
    spots = [s.bit.bit_length() - 1 for s in REASONS.values()]
    packed = sorted([*spots, *(t + UNKNOWN_SHIFT for t in spots)])

    def verdict(outcome: int) -> str:
        return verdict_of(outcome & LOW_BITS, outcome >> UNKNOWN_SHIFT).value

    for i, low in enumerate(packed):
        for high in packed[i + 1 :]:
            if verdict((1 << low) | (1 << high)) != verdict(1 << low):
                raise ValueError(f"reason bits {low} and {high}: the lower one does not decide")
    table = [verdict(1 << t if t < 64 else 0) for t in range(65)]
    return pl.Series("verdicts", table, dtype=VERDICT_TYPE)


VERDICT_TABLE = _verdict_table()


def verdict_of_outcome(outcome: pl.Expr) -> pl.Expr:
    """The verdict column of a packed outcome column (see `_verdict_table`)."""
    return pl.lit(VERDICT_TABLE).gather(outcome.bitwise_trailing_zeros())


def outcome_exprs(compiled: Sequence[CompiledAgreement]) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The shared words of checks (columns `_w0`, `_w1`, …) and each agreement's packed outcome
    (named by its id), for agreements evaluated on the same persons.

    A check that several agreements apply identically (same code, same expression: the sending
    state's law, the exclusions, a category list) is computed once, into a word of checks, and
    each agreement takes its bits from the word with one AND; the others (the receiver's
    non-refoulement, a nationality list, arrival terms) are OR-ed in per agreement.
    """
    # Variants by code and printed form (cheap to compare), confirmed equal by `meta.eq` (the
    # printed form does not show a list literal's items).
    variants: defaultdict[tuple[str, str], list[tuple[Check, pl.Expr, list[int]]]]
    variants = defaultdict(list)
    for index, c in enumerate(compiled):
        for check in c.checks:
            fails = check.constant
            if not isinstance(fails, pl.Expr):
                continue
            alike = variants[check.code, str(fails)]
            for _, expr, users in alike:
                if fails.meta.eq(expr):
                    users.append(index)
                    break
            else:
                alike.append((check, fails, [index]))
    words: list[list[tuple[Check, list[int]]]] = []
    own: defaultdict[int, list[Check]] = defaultdict(list)
    for check, _, users in (v for alike in variants.values() for v in alike):
        if len(users) == 1:
            own[users[0]].append(check)
            continue
        word = next((w for w in words if all(c.spec.bit != check.spec.bit for c, _ in w)), None)
        if word is None:
            word = []
            words.append(word)
        word.append((check, users))
    shared = [
        reduce(or_, [c.outcome() for c, _ in word]).alias(f"_w{i}") for i, word in enumerate(words)
    ]
    outcomes = []
    for index, c in enumerate(compiled):
        terms = []
        for i, word in enumerate(words):
            picked = sum(ch.spec.bit << UNKNOWN_SHIFT | ch.spec.bit for ch, u in word if index in u)
            if picked:
                terms.append(pl.col(f"_w{i}") & bits(picked))
        terms += [check.outcome() for check in own[index]]
        if c.constant_bits():
            terms.append(bits(c.constant_bits()))
        outcome = reduce(or_, terms) if terms else bits(0)
        outcomes.append(outcome.alias(c.id))
    return shared, outcomes


@dataclass
class Group:
    """Persons evaluated together (those in one sending state, or everyone) and the agreements
    they are evaluated for: per agreement, its packed outcome column (named by its id) and its
    verdict column (the id and VERDICT_SUFFIX)."""

    rows: npt.NDArray[np.int64]  # positions in the frame, ascending
    agreements: list[str]
    outcomes: pl.DataFrame


@dataclass
class Evaluation:
    """Verdicts per (person, agreement), and the compiled checks that explain them.

    The engine's result is wide, as the checks compute it: per group of persons, one packed
    outcome and one verdict column per agreement. `verdicts` is the same as one row per
    evaluated pair (person-major), built when first asked for.
    """

    day: date
    compiled: dict[str, CompiledAgreement]
    ids: pl.Series
    groups: list[Group]
    with_reasons: bool = False

    @cached_property
    def verdicts(self) -> pl.DataFrame:
        """One row per evaluated (person, agreement): person-major, agreements in the given
        order; person_id, agreement, fail_mask, unknown_mask, verdict (and reasons if asked),
        laid out by `layout.pair_frame`."""
        from accords.engine.layout import pair_frame  # layout reads this module's types

        return pair_frame(self)

    def counts(self) -> pl.DataFrame:
        """Persons per agreement and verdict (agreement, verdict, len), from the wide result."""
        agreement_type = pl.Enum(list(self.compiled))
        parts = [
            group.outcomes.group_by(pl.col(a + VERDICT_SUFFIX).alias("verdict"))
            .len()
            .select(pl.lit(a, dtype=agreement_type).alias("agreement"), "verdict", "len")
            for group in self.groups
            for a in group.agreements
        ]
        empty = pl.DataFrame(
            schema={"agreement": agreement_type, "verdict": VERDICT_TYPE, "len": pl.UInt32}
        )
        return pl.concat([empty, *parts]).sort("agreement", "verdict")

    def masks(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """[person, agreement] arrays in the given orders: permitted, fail_mask, unknown_mask
        (False, 0, 0 for a pair not evaluated)."""
        column = {a: i for i, a in enumerate(self.compiled)}
        shape = (self.ids.len(), len(self.compiled))
        outcome = np.zeros(shape, dtype=np.uint64)
        evaluated = np.zeros(shape, dtype=bool)
        for group in self.groups:
            cols = np.array([column[a] for a in group.agreements], dtype=np.int64)
            block = group.outcomes.select(group.agreements).to_numpy().astype(np.uint64)
            outcome[np.ix_(group.rows, cols)] = block
            evaluated[np.ix_(group.rows, cols)] = True
        fail = (outcome & np.uint64(LOW_BITS)).astype(np.int64)
        unknown = (outcome >> np.uint64(UNKNOWN_SHIFT)).astype(np.int64)
        return evaluated & (outcome == 0), fail, unknown


REASON_CODE_TYPE = pl.Enum([c for s in REASONS.values() for c in (s.code, s.unknown_code)])


def with_reason_codes(verdicts: pl.DataFrame) -> pl.DataFrame:
    """Add the masks as a list of reason codes (unknown checks get the suffix `_unknown`).

    A population has few distinct mask pairs, so they are decoded once each and joined back on
    one 64-bit key; the codes are an enum, so a Parquet file stores them as small integers.
    """
    key = (pl.col("fail_mask").cast(pl.UInt64) * (1 << 32) + pl.col("unknown_mask")).alias("_key")
    keyed = verdicts.with_columns(key)
    pairs = keyed.select("_key", "fail_mask", "unknown_mask").unique("_key")
    decoded = pl.DataFrame(
        {
            "_key": pairs["_key"],
            "reasons": pl.Series(
                [
                    [
                        s.code if f & s.bit else s.unknown_code
                        for s in REASONS.values()
                        if (f | u) & s.bit
                    ]
                    for f, u in pairs.select("fail_mask", "unknown_mask").iter_rows()
                ],
                dtype=pl.List(REASON_CODE_TYPE),
            ),
        }
    )
    return keyed.join(decoded, on="_key", how="left", maintain_order="left").drop("_key")


def evaluate_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    agreements: Sequence[Agreement],
    day: date,
    *,
    applicable_only: bool = True,
    with_reasons: bool = False,
) -> Evaluation:
    """Per person, in the frame's order, and per agreement, in the given order: masks, verdict.

    With `applicable_only`, a person is evaluated only for the agreements of the state they are
    in (a person in no sending state of them is not evaluated at all); the agreements of one
    sending state are evaluated together, in one query over its persons, sharing the checks
    they apply alike. The rows of `verdicts` are person-major whatever the size of the frame,
    so evaluating a population in consecutive batches and concatenating gives exactly the rows
    of evaluating it whole.
    """
    compiled = {a.id: compile_agreement(a, day) for a in agreements}
    eager = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    together: dict[str | None, list[CompiledAgreement]] = defaultdict(list)
    for c in compiled.values():
        together[c.agreement.sending_state if applicable_only else None].append(c)
    # The helper columns first, on everyone: a sending state's persons are then picked from
    # small columns (enums, integers) rather than from the lists and text they come from.
    indexed = eager.lazy().with_row_index("_row").with_columns(helper_columns(day)).collect().lazy()
    queries = []
    for sender, group in together.items():
        persons = indexed if sender is None else indexed.filter(pl.col("present_in") == sender)
        shared, outcomes = outcome_exprs(group)
        queries.append(
            persons.with_columns(shared)
            .select("_row", *outcomes)
            .with_columns(
                verdict_of_outcome(pl.col(c.id)).alias(c.id + VERDICT_SUFFIX) for c in group
            )
        )
    groups = [
        Group(result["_row"].to_numpy().astype(np.int64), [c.id for c in ags], result.drop("_row"))
        for ags, result in zip(together.values(), pl.collect_all(queries), strict=True)
    ]
    return Evaluation(day, compiled, eager["id"], groups, with_reasons)
