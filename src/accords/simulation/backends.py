"""Where replicas run: a `Backend` takes a plan's jobs (replica index and seed each) and yields
their results as they finish, in any order.

`SerialBackend` runs them in this process, `ProcessBackend` in local worker processes, and
`accords.simulation.cluster.DaskBackend` on a Dask cluster; `accords.simulation.run` picks one
and puts the results back in replica order.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
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


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PR_SET_NAME = 15
WORKER_NAME = b"accords-worker"


def die_with_parent(parent: int) -> None:
    """Make this worker end when the process that started it ends, however it ends.

    A parent killed with SIGKILL cannot stop its workers, which would otherwise run on (each
    holding a plan in memory and the terminal's output open). On Linux the kernel sends the
    worker SIGKILL when its parent dies, and the worker takes the name `accords-worker` (what
    `ps` and `top` show) once it does; elsewhere a thread watches the parent. Either way a
    parent already gone by now means exit at once: a worker still starting (importing the
    engine) when its parent dies exits as soon as it gets here.
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        libc.prctl(PR_SET_NAME, WORKER_NAME)
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class ProcessBackend:
    """Local worker processes (concurrent.futures); the plan is pickled once per job.

    Workers are spawned, never forked: polars runs a thread pool, and a forked child can
    inherit one of its locks held and hang. Each worker dies with this process
    (`die_with_parent`), so a killed run leaves no worker behind.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, plan: Plan, jobs: Sequence[Job]) -> Iterator[ReplicaResult]:
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            futures = [pool.submit(run_replica, plan, replica, seed) for replica, seed in jobs]
            for future in as_completed(futures):
                yield future.result()
