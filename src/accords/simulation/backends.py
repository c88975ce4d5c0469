"""Where replicas run: a `Backend` takes a plan's jobs (replica index and seed each) and yields
their results as they finish, in any order.

`SerialBackend` runs them in this process, `ProcessBackend` in local worker processes, and
`accords.simulation.cluster.DaskBackend` on a Dask cluster; `accords.simulation.run` picks one
and puts the results back in replica order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Protocol

import numpy as np

from accords.simulation.model import ReplicaResult, run_replica
from accords.simulation.plan import Plan

Job = tuple[int, np.random.SeedSequence]


class Backend(Protocol):
    """Runs a plan's replicas (index and seed each) and yields results as they finish."""

    def run(self, plan: Plan, jobs: Sequence[Job]) -> Iterator[ReplicaResult]: ...


class SerialBackend:
    def run(self, plan: Plan, jobs: Sequence[Job]) -> Iterator[ReplicaResult]:
        for replica, seed in jobs:
            yield run_replica(plan, replica, seed)


class ProcessBackend:
    """Local worker processes (concurrent.futures); the plan is pickled once per job.

    Workers are spawned, never forked: polars runs a thread pool, and a forked child can
    inherit one of its locks held and hang.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, plan: Plan, jobs: Sequence[Job]) -> Iterator[ReplicaResult]:
        with ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            futures = [pool.submit(run_replica, plan, replica, seed) for replica, seed in jobs]
            for future in as_completed(futures):
                yield future.result()
