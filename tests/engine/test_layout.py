"""The pair rows `accords evaluate` writes: laid out from the wide result a slice at a time, with
reason codes decoded from the masks by look-up, and written by a thread of their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from accords.engine import layout
from accords.engine.evaluate import evaluate_frame
from accords.engine.layout import ReasonLists, decode, pair_tables
from accords.engine.person import SCHEMA
from accords.engine.reasons import REASONS
from accords.engine.writers import ROW_GROUP_ROWS, verdict_writer
from accords.registry.loader import Registry

DAY = date(2025, 4, 1)
BITS = np.array([s.bit for s in REASONS.values()], dtype=np.uint32)


def _masks(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random (fail, unknown) masks over the declared bits, a bit never both."""
    rng = np.random.default_rng(seed)
    state = rng.integers(0, 3, size=(n, BITS.size)) * (rng.random((n, BITS.size)) < 0.3)
    fail = ((state == 1) * BITS).sum(axis=1).astype(np.uint32)
    unknown = ((state == 2) * BITS).sum(axis=1).astype(np.uint32)
    return fail, unknown


@pytest.mark.parametrize("cells", [layout.MAX_PAIR_CELLS, 0])
def test_every_row_gets_the_codes_of_its_masks(
    monkeypatch: pytest.MonkeyPatch, cells: int
) -> None:
    """By the table of pairs, and by sorting when the pairs would not fit one (cells = 0);
    over several calls, so pairs seen before and new ones mix."""
    monkeypatch.setattr(layout, "MAX_PAIR_CELLS", cells)
    reasons = ReasonLists()
    for seed in range(3):
        fail, unknown = _masks(5_000, seed)
        got = reasons(fail, unknown).to_pylist()
        assert got == [decode(int(f), int(u)) for f, u in zip(fail, unknown, strict=True)]


def _persons(n: int) -> pl.DataFrame:
    """A SYNTHETIC population over the senders of the registry, a state that sends under no
    agreement included, with unknown citizenships and facts."""
    rng = np.random.default_rng(5)
    states = np.array(["USA", "GBR", "ITA", "AUS", "CAN", "DEU"])
    codes = np.array(["USA", "MEX", "SLV", "VEN", "GBR", "RWA", "AFG", None], dtype=object)
    present = states[rng.integers(0, states.size, n)]
    first = codes[rng.integers(0, codes.size, n)]
    return pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "present_in": present,
            "citizenships": [None if c is None else [c] for c in first],
            "age": rng.integers(5, 70, n),
            "final_removal_order": rng.random(n) < 0.5,
            "criminal_conviction": [None if r < 0.2 else bool(r < 0.6) for r in rng.random(n)],
        },
        schema_overrides={k: v for k, v in SCHEMA.items() if k != "citizenships"},
    ).with_columns(
        [pl.lit(None, dtype=t).alias(c) for c, t in SCHEMA.items() if c not in
         ("id", "present_in", "citizenships", "age", "final_removal_order", "criminal_conviction")]
    ).select(list(SCHEMA))


def test_slices_of_any_size_make_the_same_rows(shipped_registry: Registry) -> None:
    """Laid out 7 persons at a time or all at once, the rows are the same, and they are the
    rows of `Evaluation.verdicts` with each row's reason codes."""
    frame = _persons(2_000)
    evaluation = evaluate_frame(frame, list(shipped_registry), DAY)
    whole = pa.concat_tables(pair_tables(evaluation, ReasonLists(), persons=frame.height))
    sliced = list(pair_tables(evaluation, ReasonLists(), persons=7))
    assert len(sliced) > 100
    assert pa.concat_tables(sliced).equals(whole)
    rows = pl.DataFrame(pl.from_arrow(whole))
    assert rows.drop("reasons").equals(evaluation.verdicts)
    assert rows["reasons"].to_list() == [
        decode(f, u) for f, u in rows.select("fail_mask", "unknown_mask").iter_rows()
    ]
    assert set(rows["person_id"]) == set(frame.filter(pl.col("present_in") != "DEU")["id"])


def test_a_failure_while_writing_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writing thread's error (here the disk filling up on the second row group) reaches
    the caller, whichever write or the close it comes back at, and the partial file is gone."""
    written: list[int] = []

    def fill_up(self: pq.ParquetWriter, table: pa.Table, row_group_size: int) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(table.num_rows)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", fill_up)
    out = tmp_path / "verdicts.parquet"
    rows = _rows(layout.pair_schema(("a",)), ROW_GROUP_ROWS // 4)
    with pytest.raises(OSError, match="No space left"), verdict_writer(out) as write:
        for _ in range(40):
            write(rows)
    assert written == [ROW_GROUP_ROWS]
    assert list(tmp_path.iterdir()) == []


def _rows(schema: pa.Schema, n: int) -> pa.Table:
    frame = pl.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(n)],
            "agreement": ["a"] * n,
            "fail_mask": np.zeros(n, dtype=np.uint32),
            "unknown_mask": np.zeros(n, dtype=np.uint32),
            "verdict": ["permitted"] * n,
            "reasons": [[]] * n,
        },
        schema_overrides={"reasons": pl.List(pl.String)},
    )
    return frame.to_arrow().cast(schema)
