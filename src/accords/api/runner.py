"""Simulations started over HTTP: scenario preparation, limits, and background runs.

A run is recorded in the run store before anything else happens, then runs in a daemon thread
of the server (its replicas in `Settings.workers` processes when more than one), reporting
progress to the store after each replica. The HTTP request returns as soon as the run is
recorded, and every page or client follows the run through the store, exactly as
`accords runs show` does: the store, not this process, is the truth about a run.

The number of runs a server has in flight is bounded (`max_concurrent_runs`): one more is
refused with 429 instead of queued, so a burst of requests cannot pile up unbounded work.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from accords.api.problems import ApiError, ProblemItem, from_validation_error, input_problem
from accords.api.settings import Settings
from accords.registry.loader import Registry
from accords.simulation.plan import PlanError, build_plan
from accords.simulation.run import simulate
from accords.simulation.scenario import (
    OverrideError,
    Overrides,
    Scenario,
    default_scenario_path,
    load_scenario,
)
from accords.store import RunStore
from accords.validation import InputError

log = logging.getLogger("accords.api")


@dataclass(frozen=True)
class PreparedScenario:
    scenario: Scenario
    text: str | None
    """The YAML/JSON it was read from (its comments are kept in the run's record)."""


def _limit(field: str, value: int, limit: int, setting: str, what: str) -> ProblemItem | None:
    if value <= limit:
        return None
    return ProblemItem(
        field=field,
        message=f"{value:,} {what}; this server allows at most {limit:,} (setting {setting})",
        location="scenario",
    )


def read_scenario(text: str | None, *, json_body: bool = False) -> PreparedScenario:
    """The scenario `text` (YAML or JSON) holds, or the default one, before any override.

    Raises a 422 problem naming the field (and line) for an invalid scenario, or one that
    names a file on the server.
    """
    blank = text is None or not text.strip()
    source = (
        default_scenario_path()
        if blank
        else Path("scenario.json" if json_body else "scenario.yaml")
    )
    try:
        scenario = load_scenario(source, None if blank else text)
    except InputError as exc:
        raise input_problem(exc, "scenario") from None
    if scenario.population.file is not None:
        raise ApiError(
            422,
            "validation-error",
            "a scenario sent to the server cannot read a file on the server; use a synthetic "
            "population (or run it with `accords simulate` on your own machine)",
            [
                ProblemItem(
                    field="population.file",
                    message="not accepted over HTTP",
                    location="scenario",
                )
            ],
        )
    return PreparedScenario(scenario, source.read_text(encoding="utf-8") if blank else text)


def prepare_scenario(
    text: str | None,
    overrides: Overrides,
    settings: Settings,
    registry: Registry,
    *,
    json_body: bool = False,
) -> PreparedScenario:
    """The scenario to run: `text` (YAML or JSON) or the default one, with overrides applied.

    Raises a 422 problem naming the field (and line) for an invalid scenario, one that names a
    file on the server or an agreement the registry lacks, or one over this server's limits:
    every mistake the request can be blamed for is found before a run is recorded.
    """
    return check_scenario(read_scenario(text, json_body=json_body), overrides, settings, registry)


def check_scenario(
    read: PreparedScenario, overrides: Overrides, settings: Settings, registry: Registry
) -> PreparedScenario:
    """A scenario read by `read_scenario`, with the overrides, within this server's limits
    and resolvable against the registry (422 problems otherwise)."""
    scenario = apply_overrides(read.scenario, overrides)
    synthetic = scenario.population.synthetic
    problems = [
        p
        for p in (
            _limit(
                "replicas", scenario.replicas, settings.max_replicas, "max_replicas", "replicas"
            ),
            _limit(
                "population.synthetic.size",
                synthetic.size if synthetic else 0,
                settings.max_population_size,
                "max_population_size",
                "persons",
            ),
            _limit(
                "horizon_months",
                scenario.horizon_months,
                settings.max_horizon_months,
                "max_horizon_months",
                "months",
            ),
        )
        if p is not None
    ]
    if problems:
        raise ApiError(
            422, "limit-exceeded", "; ".join(f"{p.field}: {p.message}" for p in problems), problems
        )
    try:
        build_plan(scenario, registry)  # cheap: resolves the agreements, draws nothing
    except PlanError as exc:
        raise ApiError(
            422,
            "validation-error",
            f"{exc.field}: {exc}",
            [ProblemItem(field=exc.field, message=str(exc), location="scenario")],
        ) from None
    return PreparedScenario(scenario, read.text)


def apply_overrides(scenario: Scenario, overrides: Overrides) -> Scenario:
    """The scenario with the overrides, validated again (so a bad value is a 422, not a run)."""
    try:
        return overrides.apply(scenario)
    except OverrideError as exc:
        raise ApiError(
            422,
            "validation-error",
            f"{exc.field}: {exc}",
            [ProblemItem(field=exc.field, message=str(exc))],
        ) from None
    except ValidationError as exc:
        raise from_validation_error(exc, "scenario") from None


class RunManager:
    """Starts runs in background threads, at most `max_concurrent_runs` at a time."""

    def __init__(self, settings: Settings, registry: Registry) -> None:
        self.settings = settings
        self.registry = registry
        self._store: RunStore | None = None
        self._lock = threading.Lock()
        self._active: dict[str, threading.Thread] = {}

    @property
    def store(self) -> RunStore:
        """The run store, opened on first use (reading agreements never touches it)."""
        with self._lock:
            if self._store is None:
                self._store = RunStore(self.settings.db)
            return self._store

    def active(self) -> list[str]:
        with self._lock:
            return list(self._active)

    def start(self, prepared: PreparedScenario, *, source: str) -> str:
        """Record the run and start it; 429 when this server already runs its limit."""
        store = self.store
        with self._lock:
            if len(self._active) >= self.settings.max_concurrent_runs:
                raise ApiError(
                    429,
                    "too-many-runs",
                    f"this server already runs {len(self._active)} simulation(s), its limit "
                    f"(setting max_concurrent_runs); retry when one has finished",
                    headers={"Retry-After": "10"},
                )
            run_id = store.create(
                prepared.scenario,
                source=source,
                scenario_text=prepared.text,
                registry=self.registry,
            )
            thread = threading.Thread(
                target=self._run,
                args=(run_id, prepared.scenario),
                name=f"accords-run-{run_id}",
                daemon=True,
            )
            self._active[run_id] = thread
        thread.start()
        return run_id

    def _run(self, run_id: str, scenario: Scenario) -> None:
        try:
            with self.store.recording(run_id, scenario.replicas) as run:
                result = simulate(
                    scenario,
                    workers=max(1, min(self.settings.workers, scenario.replicas)),
                    registry=self.registry,
                    on_replica=run.advance,
                )
                run.complete(result)
        except Exception:  # recorded on the run itself; the server goes on
            log.exception("run %s failed", run_id)
        finally:
            with self._lock:
                self._active.pop(run_id, None)

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds in all for the runs in flight; whether all finished."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._active.values())
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not self.active()
