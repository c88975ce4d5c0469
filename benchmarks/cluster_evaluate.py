"""Benchmark of `accords evaluate --cluster` on local Dask workers (run by hand, not a test).

    .venv/bin/python benchmarks/cluster_evaluate.py --persons 2e6 --parts 8 --workers 1,2 --json

Writes a synthetic population (labelled synthetic, fixed seed: `evaluate.synthetic_population`)
as PARTS Parquet files, evaluates it once streaming on this machine (`evaluate_files`, the path
`accords evaluate` takes without --cluster) and once per worker count on a `LocalCluster` of
that many single-threaded worker processes, each run into one Parquet file. It prints one line
per run: persons, pairs (persons x agreements), wall seconds, persons per second, and whether
the file equals the local one byte for byte. Starting the cluster is not timed; sending the
agreements to the workers and gathering their parts into one file is.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from accords.engine.cluster import evaluate_on_cluster
from accords.engine.stream import evaluate_files
from accords.registry.loader import load_registry
from evaluate import synthetic_population


def write_parts(folder: Path, persons: int, parts: int) -> None:
    """PARTS files of about equal size, each drawn on its own seed, ids unique across parts."""
    size = -(-persons // parts)
    for i in range(parts):
        n = min(size, persons - i * size)
        frame = synthetic_population(n, seed=7 + i)
        frame = frame.with_columns((pl.lit(f"p{i}-") + pl.col("id")).alias("id"))
        frame.write_parquet(folder / f"part-{i:03d}.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=float, default=2e6)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--workers", default="1,2", help="Worker counts, comma-separated.")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2025, 4, 1))
    parser.add_argument("--json", action="store_true", help="One JSON line per run.")
    args = parser.parse_args()
    from distributed import LocalCluster

    persons = int(args.persons)
    agreements = list(load_registry())
    pairs = persons * len(agreements)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "parts").mkdir()
        write_parts(root / "parts", persons, args.parts)
        runs = []
        started = time.perf_counter()
        local = root / "local.parquet"
        evaluate_files(root / "parts", agreements, args.date, local)
        runs.append(("local streaming", 0, time.perf_counter() - started, True))
        expected = pl.read_parquet(local)
        for workers in (int(w) for w in args.workers.split(",")):
            with LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
            ) as cluster:
                # a folder keeps the workers' parts as they are; one file is rewritten by the client
                for kind, out in (
                    ("a folder of parts", root / f"cluster-{workers}"),
                    ("one file", root / f"cluster-{workers}.parquet"),
                ):
                    started = time.perf_counter()
                    evaluate_on_cluster(
                        root / "parts", agreements, args.date, out, cluster.scheduler_address
                    )
                    wall = time.perf_counter() - started
                    same = (
                        out.read_bytes() == local.read_bytes()
                        if out.is_file()
                        else pl.read_parquet(sorted(out.glob("*.parquet"))).equals(expected)
                    )
                    runs.append((f"cluster, {workers} workers, {kind}", workers, wall, same))
        for name, workers, wall, same in runs:
            row = {
                "run": name,
                "workers": workers,
                "persons": persons,
                "parts": args.parts,
                "pairs": pairs,
                "wall_s": round(wall, 2),
                "persons_per_s": round(persons / wall),
                "same_as_local": same,
            }
            print(json.dumps(row) if args.json else "  ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
