"""A run as the store records it: provenance, status, progress, and the summary once done."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

Status = Literal["running", "done", "failed"]
STATUSES: tuple[Status, ...] = ("running", "done", "failed")


@dataclass(frozen=True)
class RunRecord:
    """One row of the run store.

    Times are timezone-aware UTC. `summary` is None until the run is done; `error` is set only
    when it failed. `pid` is the process that ran (or runs) it, which is how a run whose process
    was killed is recognised and marked failed.
    """

    id: str
    status: Status
    scenario_name: str
    scenario_yaml: str
    scenario_hash: str
    seed: int
    replicas: int
    registry_version: str
    package_version: str
    source: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_done: int
    progress_total: int
    error: str | None
    summary: dict[str, Any] | None
    pid: int | None

    @property
    def seconds(self) -> float | None:
        """Wall time from start to finish (None while running)."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def to_json(self, *, full: bool = True) -> dict[str, Any]:
        """Plain JSON data; `full=False` leaves out the scenario text and summary (for lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not full and f.name in ("scenario_yaml", "summary"):
                continue
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        out["seconds"] = self.seconds
        return out
