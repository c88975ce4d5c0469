"""Peak memory of the largest `POST /api/evaluate` the default limits allow.

One server process (the real app, in process through Starlette's TestClient) answers one
request for N synthetic persons, as JSON or Parquet; the script prints the process's peak
resident memory (ru_maxrss), so docs/web.md can state the budget a server needs. The
population is made in a child process, so that its making does not count in the peak.

    .venv/bin/python benchmarks/api_evaluate.py --rows 1000000
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from accords.api import Settings, create_app
from evaluate import synthetic_population  # benchmarks/evaluate.py: run as a script


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write(rows: int, path: Path) -> None:
    synthetic_population(rows).write_parquet(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["json", "parquet"], default="json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "population.parquet"
        child = multiprocessing.get_context("spawn").Process(target=_write, args=(args.rows, path))
        child.start()
        child.join()
        body = path.read_bytes()
    print(
        f"population: {args.rows:,} rows, {len(body) / 1e6:.1f} MB Parquet; "
        f"peak before the request {peak_mb():,.0f} MB"
    )
    store = Path(tempfile.mkdtemp(prefix="accords-bench-")) / "runs.duckdb"
    with TestClient(create_app(Settings(db=store))) as client:
        started = time.perf_counter()
        size = 0
        with client.stream(
            "POST",
            f"/api/evaluate?date=2025-06-01&format={args.format}",
            files={"population": ("population.parquet", body, "application/vnd.apache.parquet")},
        ) as response:
            for chunk in response.iter_bytes():
                size += len(chunk)
        print(
            f"{args.format}: status {response.status_code}, {size / 1e6:,.0f} MB answer in "
            f"{time.perf_counter() - started:.1f} s; peak resident memory {peak_mb():,.0f} MB"
        )


if __name__ == "__main__":
    main()
