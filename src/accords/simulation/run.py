"""Running replicas: seeding, backends, and putting the results back in replica order.

Replica i is seeded with `SeedSequence(seed).spawn(replicas)[i]`, whatever backend or number
of workers runs it, and results are ordered by replica index before anything is summarised:
so the same seed gives the same results with 1 worker or 16. A backend is anything that maps a
picklable function over replica indices (`Backend`); local processes are built in, and a Dask
backend only has to implement the same two-method protocol.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from accords.registry.loader import Registry, load_registry
from accords.simulation.model import ReplicaResult, run_replica
from accords.simulation.plan import Plan, build_plan
from accords.simulation.result import RunResult, summarise
from accords.simulation.scenario import Scenario, load_scenario


def replica_seeds(seed: int, replicas: int) -> list[np.random.SeedSequence]:
    return list(np.random.SeedSequence(seed).spawn(replicas))


@dataclass(frozen=True)
class ReplicaTask:
    """Everything one replica needs, picklable for any backend."""

    plan: Plan
    replica: int
    seed: np.random.SeedSequence


def run_task(task: ReplicaTask) -> ReplicaResult:
    return run_replica(task.plan, task.replica, task.seed)


class Backend(Protocol):
    """Runs tasks and yields results as they finish, in any order."""

    def run(
        self, fn: Callable[[ReplicaTask], ReplicaResult], tasks: Sequence[ReplicaTask]
    ) -> Iterator[ReplicaResult]: ...


class SerialBackend:
    def run(
        self, fn: Callable[[ReplicaTask], ReplicaResult], tasks: Sequence[ReplicaTask]
    ) -> Iterator[ReplicaResult]:
        for task in tasks:
            yield fn(task)


class ProcessBackend:
    """Local worker processes (concurrent.futures); the plan is pickled once per task.

    Workers are spawned, never forked: polars runs a thread pool, and a forked child can
    inherit one of its locks held and hang.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(
        self, fn: Callable[[ReplicaTask], ReplicaResult], tasks: Sequence[ReplicaTask]
    ) -> Iterator[ReplicaResult]:
        with ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            futures = [pool.submit(fn, task) for task in tasks]
            for future in as_completed(futures):
                yield future.result()


def backend_for(workers: int) -> Backend:
    return SerialBackend() if workers <= 1 else ProcessBackend(workers)


def simulate(
    scenario: Scenario | str | Path | None = None,
    *,
    replicas: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    registry: Registry | None = None,
    backend: Backend | None = None,
    on_replica: Callable[[ReplicaResult], None] | None = None,
) -> RunResult:
    """Run a scenario (the default one when none is given) and summarise its replicas."""
    if scenario is None or isinstance(scenario, str | Path):
        scenario = load_scenario(Path(scenario) if scenario is not None else None)
    updates: dict[str, int] = {}
    if replicas is not None:
        updates["replicas"] = replicas
    if seed is not None:
        updates["seed"] = seed
    if updates:
        scenario = scenario.model_copy(update=updates)
    plan = build_plan(scenario, registry or load_registry())
    seeds = replica_seeds(scenario.seed, scenario.replicas)
    tasks = [ReplicaTask(plan, i, s) for i, s in enumerate(seeds)]
    runner = backend or backend_for(min(workers, len(tasks)))
    results: list[ReplicaResult] = []
    for result in runner.run(run_task, tasks):
        results.append(result)
        if on_replica is not None:
            on_replica(result)
    results.sort(key=lambda r: r.replica)
    return summarise(plan, results)
