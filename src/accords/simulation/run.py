"""Running replicas: seeding, backends, and putting the results back in replica order.

Replica i is seeded with `SeedSequence(seed).spawn(replicas)[i]`, whatever backend or number
of workers runs it, and results are ordered by replica index before anything is summarised:
so the same seed gives the same results with 1 worker, 16, or a Dask cluster. Where replicas
run is a `Backend` (`accords.simulation.backends`; the cluster's in `accords.simulation.cluster`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from accords.registry.loader import Registry, load_registry
from accords.simulation.backends import Backend, ProcessBackend, SerialBackend
from accords.simulation.model import ReplicaResult
from accords.simulation.plan import build_plan
from accords.simulation.result import RunResult, summarise
from accords.simulation.scenario import Overrides, Scenario, load_scenario


def replica_seeds(seed: int, replicas: int) -> list[np.random.SeedSequence]:
    return list(np.random.SeedSequence(seed).spawn(replicas))


def backend_for(workers: int, cluster: str | None = None) -> Backend:
    """Local processes by default; a Dask cluster when an address is given."""
    if cluster is not None:
        from accords.simulation.cluster import DaskBackend

        return DaskBackend(cluster)
    return SerialBackend() if workers <= 1 else ProcessBackend(workers)


def simulate(
    scenario: Scenario | str | Path | None = None,
    *,
    replicas: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    cluster: str | None = None,
    registry: Registry | None = None,
    backend: Backend | None = None,
    on_replica: Callable[[ReplicaResult], None] | None = None,
) -> RunResult:
    """Run a scenario (the default one when none is given) and summarise its replicas."""
    if scenario is None or isinstance(scenario, str | Path):
        scenario = load_scenario(Path(scenario) if scenario is not None else None)
    scenario = Overrides(replicas=replicas, seed=seed).apply(scenario)
    plan = build_plan(scenario, registry or load_registry())
    seeds = replica_seeds(scenario.seed, scenario.replicas)
    jobs = list(enumerate(seeds))
    runner = backend or backend_for(min(workers, len(jobs)), cluster)
    results: list[ReplicaResult] = []
    for result in runner.run(plan, jobs):
        results.append(result)
        if on_replica is not None:
            on_replica(result)
    results.sort(key=lambda r: r.replica)
    return summarise(plan, results)
