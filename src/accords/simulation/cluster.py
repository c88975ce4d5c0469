"""Running replicas on a Dask distributed cluster (`accords simulate --cluster tcp://HOST:PORT`).

The plan (agreements compiled, population drawn) is the large part of every replica and is the
same for all of them: it is scattered to the workers once, and each task then carries only its
replica index and seed. Results come back in any order; `simulate` sorts them by replica, so a
cluster run equals a local run with the same seed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from distributed import Client, as_completed

from accords.simulation.backends import Job
from accords.simulation.model import ReplicaResult, run_replica
from accords.simulation.plan import Plan


class DaskBackend:
    """A backend over an existing cluster; a client is opened and closed per run."""

    def __init__(self, address: str, timeout: float = 5.0) -> None:
        self.address = address
        self.timeout = timeout

    def run(self, plan: Plan, jobs: Sequence[Job]) -> Iterator[ReplicaResult]:
        if not jobs:
            return
        with Client(self.address, timeout=self.timeout, set_as_default=False) as client:
            shared = client.scatter(plan, broadcast=True)
            futures = client.map(
                run_replica,
                [shared] * len(jobs),
                [replica for replica, _ in jobs],
                [seed for _, seed in jobs],
                pure=False,
            )
            for future in as_completed(futures, loop=client.loop):
                yield future.result()
