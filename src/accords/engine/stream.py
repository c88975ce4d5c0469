"""Evaluating a population too large for memory: read in batches, write verdicts as they come.

The input is one CSV or Parquet file, a folder of them, or a glob pattern; each file is read
lazily, a batch of rows at a time, and every batch goes through the same validated reader as a
whole file (`population.validate_population`, rows numbered in the whole file) and the same
engine. Memory holds one batch, its wide result and a few row groups of its verdict rows
(laid out a slice of persons at a time, `layout.pair_tables`, and written by a thread of their
own), plus eight bytes per person for the check that ids are unique across batches. The
verdicts are person-major, so the file is the same whatever the batch size (`evaluate_frame`);
it is written atomically, so a bad row in the last batch leaves no output at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from accords.atomic import refuse_overwriting
from accords.engine.evaluate import evaluate_frame
from accords.engine.layout import (
    ReasonLists,
    counts_frame,
    pair_schema,
    pair_tables,
    verdict_counts,
)
from accords.engine.population import unreadable, validate_population
from accords.engine.reasons import VERDICTS
from accords.engine.writers import check_output, verdict_writer
from accords.registry.models import Agreement
from accords.validation import InputError, Problem

BATCH_ROWS = 1 << 17
SUFFIXES = (".csv", ".parquet")
HASH_SEED = 0x5EED


@dataclass
class Summary:
    """What a streamed evaluation did: persons read, verdict counts per agreement, and a
    64-bit hash of every person's id (what checks ids unique across partitions)."""

    persons: int
    counts: pl.DataFrame  # agreement, verdict, len
    id_hashes: np.ndarray


def merge_counts(counts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Verdict counts of several batches or partitions (at least one) as one table."""
    total = pl.concat(counts).group_by("agreement", "verdict").agg(pl.col("len").sum())
    return total.sort("agreement", "verdict")


def population_files(source: Path) -> list[Path]:
    """The files a population argument names: a file, a folder's files, or a glob's matches."""
    text = str(source)
    if any(ch in text for ch in "*?["):
        anchor = Path(source.anchor or ".")
        found = sorted(anchor.glob(str(source.relative_to(anchor)) if source.anchor else text))
        files = [p for p in found if p.suffix in SUFFIXES]
        if not files:
            raise InputError([Problem(source, None, None, "", "no .csv or .parquet file matches")])
        return files
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        if not files:
            raise InputError([Problem(source, None, None, "", "no .csv or .parquet file inside")])
        return files
    if not source.exists():
        raise InputError([Problem(source, None, None, "", "no such file")])
    if source.suffix not in SUFFIXES:
        raise InputError([Problem(source, None, None, "", "expected a .csv or .parquet file")])
    return [source]


def count_rows(files: Sequence[Path]) -> int | None:
    """Rows in all files when their metadata says (Parquet), else None (CSV is not counted)."""
    if any(f.suffix != ".parquet" for f in files):
        return None
    try:
        return sum(int(pq.ParquetFile(f).metadata.num_rows) for f in files)
    except (OSError, ValueError):
        return None


def _batches(path: Path, rows: int) -> Iterator[pl.DataFrame]:
    """The file's rows, `rows` at a time, as the whole-file reader would see them."""
    lazy = pl.scan_csv(path, infer_schema=False) if path.suffix == ".csv" else pl.scan_parquet(path)
    try:
        yield from lazy.collect_batches(chunk_size=rows)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise unreadable(path, exc) from None


def validated_batches(
    files: Sequence[Path],
    hashes: list[np.ndarray],
    rows: int = BATCH_ROWS,
    on: date | None = None,
) -> Iterator[pl.DataFrame]:
    """Every file's rows in the person schema, a batch at a time, checked as strictly as a
    whole file (a batch with problems stops the stream with them); each batch's id hashes are
    appended to `hashes`, for `check_unique_ids` once the last batch is through."""
    for path in files:
        first = 0
        batches = _batches(path, rows)
        for raw in batches:
            try:
                frame = validate_population(path, raw, first_row=first, on=on)
            except InputError as exc:
                more = next(batches, None) is not None
                raise _scoped(exc, first, raw.height) if more else exc from None
            hashes.append(frame["id"].hash(HASH_SEED).to_numpy())
            first += raw.height
            del raw  # not held while the batch is evaluated
            yield frame


def _scoped(exc: InputError, first: int, height: int) -> InputError:
    """Problems found in one batch of a longer file say which rows were checked."""
    note = f"rows {first + 1:,}–{first + height:,} checked; later rows not yet"
    return InputError(
        [
            Problem(p.file, p.line, p.column, p.field, p.message, f"{p.hint}; {note}")
            if p.hint
            else Problem(p.file, p.line, p.column, p.field, p.message, note)
            for p in exc.problems
        ]
    )


def check_unique_ids(files: Sequence[Path], hashes: Sequence[np.ndarray]) -> None:
    """Ids unique across batches and files: equal 64-bit hashes are candidates, confirmed on
    the ids themselves (read again, the id column only). One array of hashes is sorted in
    place (at 10^8 persons a copy is 800 MB more)."""
    if not hashes:
        return
    ordered = hashes[0] if len(hashes) == 1 else np.concatenate(hashes)
    ordered.sort()
    candidates = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if candidates.size == 0:
        return
    wanted = pl.Series(candidates, dtype=pl.UInt64)
    seen: dict[str, tuple[Path, int]] = {}
    for path in files:
        lazy = (
            pl.scan_csv(path, infer_schema=False)
            if path.suffix == ".csv"
            else pl.scan_parquet(path)
        )
        rows = (
            lazy.select(pl.col("id").cast(pl.String))
            .with_row_index("_row")
            .filter(pl.col("id").str.strip_chars().hash(HASH_SEED).is_in(wanted.implode()))
            .collect()
        )
        for index, person in rows.iter_rows():
            line = index + 2 if path.suffix == ".csv" else index + 1
            person = person.strip()
            if person in seen:
                before, before_line = seen[person]
                raise InputError(
                    [
                        Problem(
                            path,
                            line,
                            None,
                            "id",
                            "ids must be unique",
                            f"{person!r} is also at {before}:{before_line}",
                        )
                    ]
                )
            seen[person] = (path, line)


def evaluate_files(
    source: Path,
    agreements: Sequence[Agreement],
    day: date,
    out: Path,
    *,
    rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
    check_ids: bool = True,
    metadata: Mapping[str, str] | None = None,
) -> Summary:
    """Evaluate every person of `source` against `agreements` on `day` into `out` (CSV,
    Parquet or JSON Lines by its suffix), one batch at a time; `progress` gets each batch's
    row count. Nothing is written unless every row of every file is valid. Without
    `check_ids`, uniqueness across batches is left to the caller (a partition of a larger
    population is checked with the others, from the returned hashes). A Parquet output
    carries `metadata` (`accords.version.provenance`) in its footer."""
    check_output(out)
    files = population_files(source)
    refuse_overwriting(out, files)
    names = tuple(a.id for a in agreements)
    counts = np.zeros((len(names), len(VERDICTS)), dtype=np.int64)
    reasons = ReasonLists()
    hashes: list[np.ndarray] = []
    persons = 0
    with verdict_writer(out, metadata) as write:
        write(pair_schema(names).empty_table())  # an empty population still gets its header
        for frame in validated_batches(files, hashes, rows, on=day):
            evaluation = evaluate_frame(frame, agreements, day)
            for table in pair_tables(evaluation, reasons):
                write(table)
            counts += verdict_counts(evaluation)
            persons += frame.height
            if progress is not None:
                progress(frame.height)
        ids = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)
        hashes.clear()
        if check_ids:
            check_unique_ids(files, [ids])
    return Summary(persons, counts_frame(names, counts), ids)
