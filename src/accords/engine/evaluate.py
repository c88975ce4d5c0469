"""One engine for one case or ten million: a population frame in, verdicts and reason masks out.

A single case is a one-row frame through exactly this path, and its explanation is decoded from
the same masks (`explain`), so the answer for one person can never disagree with the answer for
the same person inside a population.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from accords.engine.compile import CompiledAgreement, compile_agreement
from accords.engine.expressions import helper_columns
from accords.engine.reasons import PRECEDENCE, REASONS, VERDICTS, precedence_bits
from accords.engine.spec import OTHERWISE
from accords.registry.models import Agreement

VERDICT_TYPE = pl.Enum(VERDICTS)


def verdict_expr() -> pl.Expr:
    """The verdict column from the masks: the precedence table's first matching row wins."""
    expr = pl.lit(OTHERWISE.value)
    for row in reversed(PRECEDENCE):
        mask = pl.col("fail_mask") if row.group is not None else pl.col("unknown_mask")
        hit = (mask & pl.lit(precedence_bits(row), dtype=pl.UInt32)) != 0
        expr = pl.when(hit).then(pl.lit(row.verdict.value)).otherwise(expr)
    return expr.cast(VERDICT_TYPE).alias("verdict")


@dataclass
class Evaluation:
    """Verdicts per (person, agreement), and the compiled checks that explain them."""

    day: date
    compiled: dict[str, CompiledAgreement]
    verdicts: pl.DataFrame

    def counts(self) -> pl.DataFrame:
        return self.verdicts.group_by("agreement", "verdict").len().sort("agreement", "verdict")


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


def _starts(frame: pl.DataFrame, senders: list[str] | None, counts: dict[str, int]) -> pl.Series:
    """Where each person's rows start in the person-major output (their state's agreement
    count, or every agreement when `senders` is None, summed over the persons before them)."""
    if senders is None:
        per = pl.repeat(len(counts), frame.height, dtype=pl.UInt64, eager=True)
    else:
        per = frame["present_in"].replace_strict(counts, default=0, return_dtype=pl.UInt64)
    return (per.cum_sum() - per).alias("_start")


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
    in. The rows are person-major whatever the size of the frame, so evaluating a population
    in consecutive batches and concatenating gives exactly the rows of evaluating it whole.
    """
    compiled = {a.id: compile_agreement(a, day) for a in agreements}
    agreement_type = pl.Enum(list(compiled))
    eager = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    senders = [c.agreement.sending_state for c in compiled.values()]
    counts = (
        {s: senders.count(s) for s in senders} if applicable_only else dict.fromkeys(compiled, 1)
    )
    persons = (
        eager.with_columns(_starts(eager, senders if applicable_only else None, counts))
        .lazy()
        .with_columns(helper_columns(day))
    )
    queries = []
    for position, c in enumerate(compiled.values()):
        rows = persons
        rank = position
        if applicable_only:
            rows = persons.filter(pl.col("present_in") == c.agreement.sending_state)
            rank = senders[:position].count(c.agreement.sending_state)
        queries.append(
            rows.select(
                (pl.col("_start") + rank).alias("_position"),
                pl.col("id").cast(pl.String).alias("person_id"),
                pl.lit(c.id, dtype=agreement_type).alias("agreement"),
                c.fail_mask().alias("fail_mask"),
                c.unknown_mask().alias("unknown_mask"),
            )
        )
    parts = pl.concat(
        [
            pl.DataFrame(
                schema={
                    "_position": pl.UInt64,
                    "person_id": pl.String,
                    "agreement": agreement_type,
                    "fail_mask": pl.UInt32,
                    "unknown_mask": pl.UInt32,
                }
            ),
            *pl.collect_all(queries),
        ]
    )
    order = np.empty(parts.height, dtype=np.int64)
    order[parts["_position"].to_numpy()] = np.arange(parts.height)
    verdicts = parts.drop("_position")[order].with_columns(verdict_expr())
    if with_reasons:
        verdicts = with_reason_codes(verdicts)
    return Evaluation(day, compiled, verdicts)
