"""Evaluating a partitioned population on a Dask cluster (`accords evaluate --cluster`).

Each file of the population (a folder or glob of Parquet or CSV parts) is one task: a worker
reads it a batch at a time and writes its own Parquet part, exactly as a local run streams
(`stream.evaluate_files`). What crosses the network is small: the chosen agreements once
(scattered), then per part its path, the output path, and back its verdict counts and one
64-bit hash per person, with which the client checks ids unique across parts. The files
themselves are read and written by the workers, so the input and the output folder must be
on storage every worker sees (a shared file system) under the same paths.

The result is the parts concatenated in file order, so it is row for row the local run's: a
folder of Parquet parts when `--out` has no suffix, or one file (CSV, Parquet or JSON Lines
by its suffix) rewritten from the parts. Either way it appears only when every part is done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from distributed import Client, as_completed

from accords.atomic import refuse_overwriting, staging_folder
from accords.engine.stream import (
    Summary,
    check_unique_ids,
    evaluate_files,
    merge_counts,
    population_files,
)
from accords.engine.writers import check_output, verdict_writer
from accords.registry.models import Agreement
from accords.validation import InputError, Problem


def evaluate_part(
    source: Path,
    part: Path,
    agreements: Sequence[Agreement],
    day: date,
    metadata: Mapping[str, str] | None = None,
) -> Summary:
    """One partition, on a worker: streamed into its own Parquet part."""
    return evaluate_files(source, agreements, day, part, check_ids=False, metadata=metadata)


def evaluate_on_cluster(
    source: Path,
    agreements: Sequence[Agreement],
    day: date,
    out: Path,
    address: str,
    *,
    progress: Callable[[int], None] | None = None,
    timeout: float = 5.0,
    metadata: Mapping[str, str] | None = None,
) -> Summary:
    """Every partition of `source` on the cluster at `address`, into `out` (a folder of parts
    when it has no suffix, else one file, each Parquet file carrying `metadata`); raises
    OSError/TimeoutError when the scheduler cannot be reached, InputError for bad input
    (nothing written)."""
    dataset = out.suffix == ""
    check_output(out, parts=True)
    files = population_files(source)
    refuse_overwriting(out, files)
    if dataset and out.exists() and any(out.iterdir()):
        raise InputError([Problem(out, None, None, "", "the output folder is not empty")])
    with staging_folder(out) as staging:
        parts = [staging / f"part-{i:05d}.parquet" for i in range(len(files))]
        with Client(address, timeout=timeout, set_as_default=False) as client:
            shared = client.scatter(list(agreements), broadcast=True)
            futures = client.map(
                evaluate_part,
                files,
                parts,
                [shared] * len(files),
                [day] * len(files),
                [metadata] * len(files),
                pure=False,
            )
            index = {future.key: i for i, future in enumerate(futures)}
            summaries: dict[int, Summary] = {}
            for future in as_completed(futures, loop=client.loop):
                summary = future.result()
                summaries[index[future.key]] = summary
                if progress is not None:
                    progress(summary.persons)
        done = [summaries[i] for i in range(len(files))]
        check_unique_ids(files, [s.id_hashes for s in done])
        if dataset:
            if out.exists():
                out.rmdir()
            staging.replace(out)
        else:
            with verdict_writer(out, metadata) as write:
                for part in parts:
                    for batch in pl.scan_parquet(part).collect_batches():
                        write(batch)
    return Summary(
        sum(s.persons for s in done),
        merge_counts([s.counts for s in done]),
        np.concatenate([s.id_hashes for s in done]),
    )
