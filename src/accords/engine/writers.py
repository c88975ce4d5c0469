"""Verdict files by their names: CSV, Parquet or JSON Lines, written batch by batch, atomically.

The format follows the suffix of the path the user gave, and any other suffix is refused before
any work starts. Rows are appended as they are produced, so memory holds one batch, never the
whole output; everything goes to a temporary file beside the target, renamed onto it only when
the last batch is written (`accords.atomic`), so a failure leaves nothing behind. A Parquet file
is cut into row groups of a fixed size whatever the batches were, so the same rows always make
the same bytes.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from accords.atomic import atomic_path, refuse_bad_output
from accords.spreadsheet import spreadsheet_safe
from accords.validation import InputError, Problem

FORMATS = {".csv": "CSV", ".parquet": "Parquet", ".jsonl": "JSON Lines"}
OUTPUT_COLUMNS = ("person_id", "agreement", "verdict", "reasons", "fail_mask", "unknown_mask")
ROW_GROUP_ROWS = 1 << 20

Write = Callable[[pl.DataFrame | pa.Table], None]


def check_output(path: Path, *, parts: bool = False) -> None:
    """Refuse an output whose suffix names no format this writes, or that cannot be written;
    it needs no input, so it runs before any is read. With `parts` (an evaluation on a
    cluster), a name without a suffix is the folder the parts are written to."""
    if parts and not path.suffix:
        refuse_bad_output(path, folder=True)
        return
    if path.suffix.lower() not in FORMATS:
        known = ", ".join(f"{suffix} for {name}" for suffix, name in FORMATS.items())
        got = f"the suffix {path.suffix!r}" if path.suffix else "a name without a suffix"
        raise InputError(
            [Problem(path, None, None, "", f"cannot tell the output format from {got}", known)]
        )
    refuse_bad_output(path)


class _Parquet:
    """Row groups of exactly ROW_GROUP_ROWS rows (the last one shorter), written by a thread of
    their own while the next rows are computed (pyarrow releases the GIL while it encodes).

    No statistics: computing them for the list-of-enum reasons column is what made writing
    slow (54 s vs 1 s for 29M rows). Dictionary encoding only where the column is an enum
    (agreement, verdict, reasons): a person's id repeats on consecutive rows, which zstd
    compresses as well as a dictionary does, for less work. The enum types are kept for
    readers. Row groups are cut by row count, never by how the rows arrived, and Arrow's
    chunking does not change the bytes, so the same rows always make the same file."""

    QUEUED = 1

    def __init__(self, path: Path, metadata: Mapping[str, str]) -> None:
        self.path = path
        self.metadata = {key.encode(): value.encode() for key, value in metadata.items()}
        self.writer: pq.ParquetWriter | None = None
        self.pending: list[pa.Table] = []
        self.rows = 0
        self.queue: queue.Queue[pa.Table | None] = queue.Queue(self.QUEUED)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._drain, name="parquet-writer", daemon=True)
        self.thread.start()

    def write(self, given: pl.DataFrame | pa.Table) -> None:
        rows = given.to_arrow() if isinstance(given, pl.DataFrame) else given
        self.pending.append(rows)
        self.rows += rows.num_rows
        if self.rows >= ROW_GROUP_ROWS:
            buffered = pa.concat_tables(self.pending)
            whole = buffered.num_rows - buffered.num_rows % ROW_GROUP_ROWS
            for start in range(0, whole, ROW_GROUP_ROWS):
                self._put(buffered.slice(start, ROW_GROUP_ROWS))
            self.pending = [buffered.slice(whole)]
            self.rows = self.pending[0].num_rows

    def _put(self, table: pa.Table | None) -> None:
        while True:
            if self.failure is not None:
                raise self.failure
            try:
                self.queue.put(table, timeout=0.1)
                return
            except queue.Full:
                continue

    def _drain(self) -> None:
        while (table := self.queue.get()) is not None:
            if self.failure is not None:
                continue  # failed: keep taking what is queued until told to stop
            try:
                self._flush(table)
            except BaseException as exc:  # raised in the producing thread, at its next write
                self.failure = exc

    def _flush(self, table: pa.Table) -> None:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **self.metadata})
        if self.writer is None:
            self.writer = pq.ParquetWriter(
                self.path,
                table.schema,
                compression="zstd",
                write_statistics=False,
                use_dictionary=_enum_columns(table.schema),
            )
        self.writer.write_table(table, row_group_size=ROW_GROUP_ROWS)

    def close(self) -> None:
        if self.pending:
            self._put(pa.concat_tables(self.pending))
            self.pending = []
        self._stop()
        if self.failure is not None:
            raise self.failure
        if self.writer is not None:
            self.writer.close()

    def abort(self) -> None:
        self.pending = []
        self.failure = self.failure or RuntimeError("aborted")
        self._stop()
        if self.writer is not None:
            self.writer.close()

    def _stop(self) -> None:
        self.queue.put(None)
        self.thread.join()


def _enum_columns(schema: pa.Schema) -> list[str]:
    """The Parquet paths of the enum columns (dictionaries, or lists of them)."""
    paths = []
    for field in schema:
        if pa.types.is_dictionary(field.type):
            paths.append(field.name)
        elif pa.types.is_large_list(field.type) and pa.types.is_dictionary(field.type.value_type):
            paths.append(f"{field.name}.list.element")
    return paths


class _Text:
    """CSV (the reasons joined with `;`, one header, text a spreadsheet would run as a formula
    marked as text) or JSON Lines, appended batch by batch."""

    def __init__(self, path: Path, csv: bool) -> None:
        self.handle: BinaryIO = path.open("wb")
        self.csv = csv
        self.header = True

    def write(self, given: pl.DataFrame | pa.Table) -> None:
        rows = given if isinstance(given, pl.DataFrame) else pl.DataFrame(pl.from_arrow(given))
        if self.csv:
            reasons = pl.col("reasons").cast(pl.List(pl.String)).list.join(";")
            table = spreadsheet_safe(rows.with_columns(reasons))
            table.write_csv(self.handle, include_header=self.header)
            self.header = False
        else:
            rows.write_ndjson(self.handle)

    def close(self) -> None:
        self.handle.close()

    abort = close


@contextlib.contextmanager
def verdict_writer(path: Path, metadata: Mapping[str, str] | None = None) -> Iterator[Write]:
    """A function appending verdict rows to `path`, in the format its suffix names.

    A Parquet file carries `metadata` in its footer (which data and code produced it), so the
    file says where its verdicts come from wherever it is copied.

    The file appears only when the block ends without an error. Give every batch the same
    columns (at least one batch, even an empty one, so that an empty output has its header).
    """
    check_output(path)
    with atomic_path(path) as tmp:
        sink = (
            _Parquet(tmp, metadata or {})
            if path.suffix.lower() == ".parquet"
            else _Text(tmp, csv=path.suffix.lower() == ".csv")
        )
        try:
            yield lambda rows: sink.write(rows.select(OUTPUT_COLUMNS))
        except BaseException:
            sink.abort()
            raise
        sink.close()


def write_verdicts(
    verdicts: pl.DataFrame, path: Path, metadata: Mapping[str, str] | None = None
) -> None:
    """Write an evaluation's rows (with reason lists) in the format `path`'s suffix names."""
    with verdict_writer(path, metadata) as write:
        write(verdicts)
