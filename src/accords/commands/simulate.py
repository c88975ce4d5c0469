"""`accords simulate [SCENARIO]`: run a scenario's replicas, print a summary, write the run.

Every run is recorded in the run store (`--db`): created before the first replica, its progress
updated as replicas finish, then completed with its results, or marked failed with the error
(Ctrl-C included), so `accords runs list` never shows a run that silently vanished.
"""

from __future__ import annotations

import os
import signal
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from accords.atomic import write_text_atomic
from accords.commands.common import (
    RegistryOption,
    console,
    data_dir,
    emit_json,
    errors,
    fail,
    fail_input,
    open_registry,
    shown,
)
from accords.commands.run_summary import summary_table
from accords.commands.runs import DbOption, open_store
from accords.simulation.plan import PlanError
from accords.simulation.run import simulate as run_simulation
from accords.simulation.scenario import default_scenario_path, example_text, load_scenario
from accords.store import RunStore, StoreError
from accords.validation import InputError


def simulate(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario YAML; the default scenario (US–El Salvador 2025) if omitted."
        ),
    ] = None,
    replicas: Annotated[
        int | None, typer.Option(min=1, help="Replicas (overrides the scenario).")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (overrides the scenario).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for summary.json, monthly.parquet, scenario.yaml.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")] = min(
        2, os.cpu_count() or 1
    ),
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster", help="Run replicas on a Dask cluster at this address (tcp://HOST:PORT)."
        ),
    ] = None,
    init: Annotated[
        Path | None,
        typer.Option("--init", help="Write a commented example scenario here and stop."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    registry: RegistryOption = None,
    db: DbOption = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the run's HTML report (one offline page) here."),
    ] = None,
) -> None:
    """Simulate a scenario: flows, capacity, court blocks, record errors and costs, per month."""
    if init is not None:
        if init.exists():
            fail(f"{init} exists; choose another path")
        write_text_atomic(init, example_text())
        console.print(f"wrote an example scenario to {init}")
        return
    try:
        loaded = load_scenario(scenario)
    except InputError as exc:
        fail_input(exc)
    reg = open_registry(registry)
    # Overrides are applied before the run is recorded, so the store holds what actually runs.
    updates = {k: v for k, v in (("replicas", replicas), ("seed", seed)) if v is not None}
    if updates:
        loaded = loaded.model_copy(update=updates)
    total = loaded.replicas
    store = open_store(db)
    try:
        run_id = store.create(
            loaded, source="cli", scenario_path=scenario or default_scenario_path(), registry=reg
        )
    except StoreError as exc:
        fail(str(exc))
    with Progress(
        TextColumn("[bold]simulating[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("replicas", total=total)
        finished = 0

        def on_replica(_: object) -> None:
            nonlocal finished
            finished += 1
            progress.advance(task)
            store.progress(run_id, finished, total)

        try:
            result = run_simulation(
                loaded,
                workers=workers,
                cluster=cluster,
                registry=reg,
                on_replica=on_replica,
            )
        except PlanError as exc:
            message = f"{scenario or default_scenario_path()}: {exc.field}: {exc}"
            _record_failure(store, run_id, message)
            fail(message)
        except InputError as exc:  # the scenario's population file
            _record_failure(store, run_id, str(exc))
            fail_input(exc)
        except (OSError, TimeoutError) as exc:
            _record_failure(store, run_id, f"{type(exc).__name__}: {exc}")
            if cluster is None:
                raise
            fail(f"--cluster {cluster}: cannot reach the Dask scheduler ({exc})")
        except KeyboardInterrupt:
            # One Ctrl-C can surface twice: native code (polars) raises KeyboardInterrupt while
            # Python's own handler is still pending and fires at the next call. So the record
            # is made again if that second one cuts it short (no call may come before the try).
            try:
                _record_interrupted(store, run_id)
            except KeyboardInterrupt:
                _record_interrupted(store, run_id)
            raise
        except BaseException as exc:
            _record_failure(store, run_id, f"{type(exc).__name__}: {exc}")
            raise
    try:
        store.complete(run_id, result)
    except StoreError as exc:
        _record_failure(store, run_id, str(exc))
        fail(str(exc))
    except BaseException as exc:
        _record_failure(store, run_id, f"{type(exc).__name__}: {exc}")
        raise
    folder = out or data_dir() / "runs" / (
        f"{datetime.now():%Y%m%d-%H%M%S}-{result.summary['scenario_hash'][:8]}"
    )
    result.write(folder)
    if report is not None:
        from accords.report import render_report, write_report

        try:
            write_report(report, render_report(store.get(run_id), result.monthly, registry=reg))
        except OSError as exc:
            fail(f"{report}: cannot write the report ({exc}); the run is recorded as {run_id}")
    if as_json:
        emit_json({**result.summary, "run_id": run_id})
        return
    console.print(summary_table(result.summary))
    for note in result.summary["notes"]:
        console.print(f"note: {note}", highlight=False)
    console.print(f"wrote {folder}/summary.json, monthly.parquet, scenario.yaml", highlight=False)
    console.print(f"recorded run {run_id} in {store.path}", highlight=False)
    if report is not None:
        console.print(f"wrote the report to {report}", highlight=False)


def _record_interrupted(store: RunStore, run_id: str) -> None:
    """Record a Ctrl-C; further Ctrl-Cs are ignored for the moment the write takes."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _record_failure(store, run_id, "interrupted by the user (Ctrl-C)")
    finally:
        signal.signal(signal.SIGINT, previous)


def _record_failure(store: RunStore, run_id: str, error: str) -> None:
    """Mark the run failed, without letting a store problem hide the error that ended it."""
    try:
        store.fail(run_id, error)
    except (StoreError, KeyError) as store_exc:
        errors.print(f"[red]error:[/red] could not record the failure: {shown(store_exc)}")
