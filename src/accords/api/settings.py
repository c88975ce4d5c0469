"""What a server may be asked to do, and where it keeps its runs.

Every limit is here so that one place decides how much work a request can cause: a public
server and a laptop need different numbers, and the tests need tiny ones. Each limit, when
exceeded, is answered with a problem document (413, 422 or 429) that names it, never with a
slow or failed request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "ACCORDS_API_"


@dataclass(frozen=True)
class Settings:
    db: Path | None = None
    """The run store's file; None: the store's own default (ACCORDS_DB or the user data dir)."""
    registry: Path | None = None
    """Agreements folder or file instead of the shipped registry (like --registry)."""
    max_body_bytes: int = 50 * 1024 * 1024
    """Largest request body (an uploaded population or scenario): 413 beyond it."""
    max_population_rows: int = 1_000_000
    """Most rows in a population sent to /api/evaluate: 413 beyond it."""
    max_replicas: int = 200
    """Most replicas one simulation may ask for: 422 beyond it."""
    max_population_size: int = 1_000_000
    """Largest synthetic population one simulation may ask for: 422 beyond it."""
    max_horizon_months: int = 240
    """Longest horizon one simulation may ask for: 422 beyond it."""
    max_concurrent_runs: int = 2
    """Simulations this server runs at once; one more is refused with 429."""
    workers: int = 1
    """Worker processes per simulation (1: in the run's own thread)."""
    allowed_hosts: tuple[str, ...] | None = None
    """Host names this server answers for (400 for others); None: any (`accords serve` sets
    them from the address it binds, so a rebinding DNS name cannot reach it)."""
    parse_seconds: int = 10
    """Longest a scenario or person document may take to read and check: 422 beyond it."""

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ACCORDS_API_<FIELD> variables (e.g. ACCORDS_API_MAX_REPLICAS=50)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is None or f.name in ("db", "registry"):
                continue
            name = ENV_PREFIX + f.name.upper()
            if f.name == "allowed_hosts":
                values[f.name] = tuple(h.strip() for h in raw.split(",") if h.strip())
                continue
            try:
                number = int(raw)
            except ValueError:
                raise ValueError(f"{name}={raw!r}: expected a whole number") from None
            if number < 1:
                raise ValueError(f"{name}={raw!r}: expected at least 1")
            values[f.name] = number
        registry = os.environ.get("ACCORDS_REGISTRY")
        if registry:
            values["registry"] = Path(registry)
        return replace(cls(), **{**values, **overrides})
