"""What the web tests share: the small limits, a run small enough to be quick, polling."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from accords.api import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A run small enough to finish in a second or two; within the limits below.
SMALL_RUN = {"replicas": 2, "size": 2000, "horizon_months": 6, "seed": 7}
POLL_SECONDS = 60.0


def small_settings(db: Path, **changes: int) -> Settings:
    values: dict[str, int] = {
        "max_body_bytes": 1_000_000,
        "max_population_rows": 50,
        "max_replicas": 3,
        "max_population_size": 3000,
        "max_horizon_months": 12,
        "max_concurrent_runs": 1,
        "workers": 1,
    }
    values.update(changes)
    return Settings(db=db, **values)  # type: ignore[arg-type]


def wait_for_run(client: TestClient, run_id: str, timeout: float = POLL_SECONDS) -> dict[str, Any]:
    """Poll the run until it is no longer running (bounded by `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = client.get(f"/api/simulations/{run_id}").json()
        if record["status"] != "running":
            return record
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still running after {timeout} s")


def wait_until_idle(client: TestClient, timeout: float = POLL_SECONDS) -> None:
    """Wait until the app runs no simulation (so a test can start one under a limit of 1)."""
    runs = client.app.state.runs  # type: ignore[attr-defined]
    assert runs.wait(timeout), f"runs still in flight after {timeout} s: {runs.active()}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listed_ids(html: str) -> list[str]:
    """The agreement ids of the agreements page's table rows, in the order shown."""
    return re.findall(r'<td[^>]*><a href="/agreements/([a-z0-9-]+)">', html)


def planned_places(agreement_id: str) -> int | None:
    """The places the default scenario runs for an agreement (what the runner pre-fills)."""
    from accords import load_registry
    from accords.simulation.plan import build_plan
    from accords.simulation.scenario import load_scenario

    plan = build_plan(load_scenario(), load_registry())
    return {d.key: d.places for d in plan.destinations}[agreement_id]
