"""The table of one row per evaluated (person, agreement) pair, laid out from the wide result.

The engine computes, per group of persons (those in one sending state), one packed outcome and
one verdict column per agreement (`evaluate.Group`). `accords evaluate` writes one row per
pair instead, person-major (each person's agreements together, in the given order), with the
outcome's two masks and the reason codes they stand for. This module builds those rows as Arrow
arrays straight from the wide columns, a slice of persons at a time, so a batch of persons
never exists as one long table: memory holds one slice of rows (about a row group) however
large the batch.

Reason codes are decoded from the masks, each distinct (fail, unknown) pair once: a population
has hundreds of distinct masks among tens of millions of rows, so a row's list is found by
table look-ups (mask to a small id, pair of ids to a decoded list) rather than by hashing or
joining every row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from accords.engine.evaluate import REASON_CODE_TYPE, VERDICT_SUFFIX, VERDICT_TYPE, Evaluation
from accords.engine.reasons import REASONS, VERDICTS

PAIR_COLUMNS = ("person_id", "agreement", "fail_mask", "unknown_mask", "verdict", "reasons")
SLICE_PERSONS = 1 << 15
MASK_WIDTH = max(s.bit for s in REASONS.values()).bit_length()
# Past this many cells the (fail id, unknown id) table would cost more memory than it saves.
MAX_PAIR_CELLS = 1 << 24


@cache
def pair_schema(agreements: tuple[str, ...]) -> pa.Schema:
    """The Arrow schema of the pair rows, as polars gives it for these columns (enum types kept
    in the field metadata, so a polars reader gets its enums back)."""
    frame = pl.DataFrame(
        schema={
            "person_id": pl.String,
            "agreement": pl.Enum(list(agreements)),
            "fail_mask": pl.UInt32,
            "unknown_mask": pl.UInt32,
            "verdict": VERDICT_TYPE,
            "reasons": pl.List(REASON_CODE_TYPE),
        }
    )
    return frame.to_arrow().schema


def _dictionary(
    type_: pa.DataType, values: Sequence[str], indices: npt.NDArray[np.integer]
) -> pa.Array:
    assert isinstance(type_, pa.DictionaryType)
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(type_.index_type.to_pandas_dtype(), copy=False)),
        pa.array(values, type_.value_type),
        ordered=type_.ordered,
    )


class _Ids:
    """Small dense ids for the values of a mask, in the order first seen (a table lookup)."""

    def __init__(self) -> None:
        self.table = np.full(1 << MASK_WIDTH, -1, dtype=np.int32)
        self.values: list[int] = []

    def __call__(self, masks: npt.NDArray[np.uint32]) -> npt.NDArray[np.int32]:
        ids = self.table[masks]
        missing = ids < 0
        if missing.any():
            new = np.unique(masks[missing])
            self.table[new] = np.arange(len(self.values), len(self.values) + new.size)
            self.values.extend(int(v) for v in new)
            ids = self.table[masks]
        return ids


def decode(fail: int, unknown: int) -> list[str]:
    """The reason codes of one mask pair, in the table's order (an unknown check as
    `<code>_unknown`)."""
    return [
        s.code if fail & s.bit else s.unknown_code
        for s in REASONS.values()
        if (fail | unknown) & s.bit
    ]


class ReasonLists:
    """The reason-code lists of mask pairs, each distinct pair decoded once for the whole run.

    Each mask gets a small id by table look-up, and each pair of ids an index into the lists
    decoded so far (a table of fail ids by unknown ids, grown as pairs appear); a row's list is
    then gathered from those. Should the pairs ever be too many for that table, the pairs of a
    slice are found by sorting instead (same lists, slower)."""

    def __init__(self) -> None:
        self.fails = _Ids()
        self.unknowns = _Ids()
        self.cells: npt.NDArray[np.int32] = np.full((0, 0), -1, dtype=np.int32)
        self.lists = pa.array([], self._list_type())

    @staticmethod
    def _list_type() -> pa.DataType:
        return pair_schema(()).field("reasons").type

    def _extend(self, pairs: Sequence[tuple[int, int]]) -> None:
        new = [decode(self.fails.values[f], self.unknowns.values[u]) for f, u in pairs]
        lists = pl.Series("reasons", new, dtype=pl.List(REASON_CODE_TYPE)).to_arrow()
        self.lists = pa.concat_arrays([self.lists, lists.cast(self._list_type())])

    def _grow(self) -> bool:
        shape = (len(self.fails.values), len(self.unknowns.values))
        if shape[0] <= self.cells.shape[0] and shape[1] <= self.cells.shape[1]:
            return True
        wanted = tuple(max(64, 1 << (n - 1).bit_length()) for n in shape)
        if wanted[0] * wanted[1] > MAX_PAIR_CELLS:
            return False
        cells = np.full(wanted, -1, dtype=np.int32)
        cells[: self.cells.shape[0], : self.cells.shape[1]] = self.cells
        self.cells = cells
        return True

    def __call__(
        self, fail: npt.NDArray[np.uint32], unknown: npt.NDArray[np.uint32]
    ) -> pa.Array:
        """The reasons column of rows with these masks."""
        f, u = self.fails(fail), self.unknowns(unknown)
        if not self._grow():
            return self._sorted(f, u)
        index = self.cells[f, u]
        missing = index < 0
        if missing.any():
            width = self.cells.shape[1]
            keys = np.unique(f[missing].astype(np.int64) * width + u[missing])
            new = [(int(k // width), int(k % width)) for k in keys]
            rows, cols = zip(*new, strict=True)
            self.cells[list(rows), list(cols)] = np.arange(
                len(self.lists), len(self.lists) + len(new)
            )
            self._extend(new)
            index = self.cells[f, u]
        return self.lists.take(pa.array(index))

    def _sorted(self, f: npt.NDArray[np.int32], u: npt.NDArray[np.int32]) -> pa.Array:
        keys, inverse = np.unique(
            f.astype(np.int64) << 32 | u.astype(np.int64), return_inverse=True
        )
        lists = pl.Series(
            "reasons",
            [
                decode(self.fails.values[int(k >> 32)], self.unknowns.values[int(k & 0xFFFFFFFF)])
                for k in keys
            ],
            dtype=pl.List(REASON_CODE_TYPE),
        ).to_arrow()
        return lists.cast(self._list_type()).take(pa.array(inverse))


def pair_tables(
    evaluation: Evaluation,
    reasons: ReasonLists | None = None,
    persons: int = SLICE_PERSONS,
) -> Iterator[pa.Table]:
    """The evaluation's pair rows (PAIR_COLUMNS; `reasons` only when a decoder is given), in
    order, as Arrow tables of the rows of `persons` consecutive persons each (none for a slice
    of persons evaluated under no agreement)."""
    names = tuple(evaluation.compiled)
    schema = pair_schema(names)
    if reasons is None:
        schema = schema.remove(schema.get_field_index("reasons"))
    column = {a: i for i, a in enumerate(names)}
    ids = evaluation.ids.to_arrow()
    count = evaluation.ids.len()
    per = np.zeros(count, dtype=np.int64)
    for group in evaluation.groups:
        per[group.rows] += len(group.agreements)
    # each group's outcome and verdict columns as numpy, once (zero-copy where polars allows)
    columns = [
        (
            group.rows,
            [column[a] for a in group.agreements],
            [group.outcomes[a].to_numpy() for a in group.agreements],
            [group.outcomes[a + VERDICT_SUFFIX].to_physical().to_numpy() for a in group.agreements],
        )
        for group in evaluation.groups
    ]
    for start in range(0, count, persons):
        stop = min(start + persons, count)
        width = per[start:stop]
        total = int(width.sum())
        if total == 0:
            continue
        first = np.cumsum(width) - width  # each person's first row in this slice
        agreement = np.empty(total, dtype=np.uint16)
        outcome = np.empty(total, dtype=np.uint64)
        verdict = np.empty(total, dtype=np.uint8)
        for rows, slots, outcomes, verdicts in columns:
            lo, hi = np.searchsorted(rows, (start, stop))
            if lo == hi:
                continue
            at = first[rows[lo:hi] - start]
            for slot, out, ver in zip(slots, outcomes, verdicts, strict=True):
                agreement[at] = slot
                outcome[at] = out[lo:hi]
                verdict[at] = ver[lo:hi]
                at += 1  # the person's next row
        halves = outcome.view(np.uint32).reshape(-1, 2)
        low, high = (0, 1) if np.little_endian else (1, 0)
        fail = np.ascontiguousarray(halves[:, low])
        unknown = np.ascontiguousarray(halves[:, high])
        person = np.repeat(np.arange(start, stop, dtype=np.int64), width)
        arrays = [
            ids.take(pa.array(person)),
            _dictionary(schema.field("agreement").type, names, agreement),
            pa.array(fail),
            pa.array(unknown),
            _dictionary(schema.field("verdict").type, VERDICTS, verdict),
        ]
        if reasons is not None:
            arrays.append(reasons(fail, unknown))
        yield pa.Table.from_arrays(arrays, schema=schema)


def verdict_counts(evaluation: Evaluation) -> npt.NDArray[np.int64]:
    """Persons per [agreement, verdict], both in their orders, from the wide result."""
    column = {a: i for i, a in enumerate(evaluation.compiled)}
    counts = np.zeros((len(column), len(VERDICTS)), dtype=np.int64)
    for group in evaluation.groups:
        for a in group.agreements:
            verdicts = group.outcomes[a + VERDICT_SUFFIX].to_physical().to_numpy()
            counts[column[a]] += np.bincount(verdicts, minlength=len(VERDICTS))
    return counts


def counts_frame(agreements: Sequence[str], counts: npt.NDArray[np.int64]) -> pl.DataFrame:
    """`verdict_counts` as the table `Evaluation.counts` gives (agreement, verdict, len), the
    pairs that occur only."""
    a, v = np.nonzero(counts)
    return pl.DataFrame(
        {
            "agreement": pl.Series(list(agreements), dtype=pl.Enum(list(agreements))).gather(a),
            "verdict": pl.Series(VERDICTS, dtype=VERDICT_TYPE).gather(v),
            "len": pl.Series(counts[a, v], dtype=pl.UInt32),
        }
    )


def pair_frame(evaluation: Evaluation) -> pl.DataFrame:
    """All the evaluation's pair rows as one polars frame (`Evaluation.verdicts`)."""
    reasons = ReasonLists() if evaluation.with_reasons else None
    tables = list(pair_tables(evaluation, reasons))
    names = tuple(evaluation.compiled)
    if not tables:
        schema = pair_schema(names)
        if reasons is None:
            schema = schema.remove(schema.get_field_index("reasons"))
        return pl.from_arrow(schema.empty_table())  # type: ignore[return-value]
    return pl.from_arrow(pa.concat_tables(tables))  # type: ignore[return-value]
