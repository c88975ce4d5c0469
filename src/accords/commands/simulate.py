"""`accords simulate [SCENARIO]`: run a scenario's replicas, print a summary, record the run.

Every run is recorded in exactly one run store (`--db`, else $ACCORDS_DB, else the default):
created before the first replica, its progress updated as replicas finish, then completed with
its results, or marked failed with the error (Ctrl-C included), so `accords runs list` never
shows a run that silently vanished (`RunStore.recording`). `--out DIR` also writes the run's
files to a folder of your choosing; nothing else is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from accords.atomic import write_text_atomic
from accords.commands.common import (
    RegistryOption,
    console,
    emit_json,
    errors,
    fail,
    fail_input,
    open_registry,
    progress_bar,
    require_writable,
    shown,
)
from accords.commands.run_summary import ZERO_ROWS_HELP, print_headlines, print_tables
from accords.commands.runs import DbOption, open_store
from accords.simulation.plan import PlanError, check_compare_without
from accords.simulation.run import simulate as run_simulation
from accords.simulation.scenario import (
    Overrides,
    default_scenario_path,
    example_text,
    load_scenario,
)
from accords.simulation.series import agreement_names
from accords.store import StoreError
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
    compare_without: Annotated[
        list[str] | None,
        typer.Option(
            "--compare-without",
            metavar="ID",
            help="Also run without this agreement (repeatable), on the same random draws, and "
            "report the difference.",
        ),
    ] = None,
    registry: RegistryOption = None,
    db: DbOption = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the run's HTML report (one offline page) here."),
    ] = None,
    zero_rows: Annotated[bool, typer.Option("--zero-rows", help=ZERO_ROWS_HELP)] = False,
) -> None:
    """Simulate a scenario: flows, capacity, court blocks, record errors and costs, per month."""
    if init is not None:
        if init.exists():
            fail(f"{init} exists; choose another path")
        require_writable(init, "--init")
        write_text_atomic(init, example_text())
        console.print(f"wrote an example scenario to {init}")
        return
    require_writable(out, "--out", folder=True)
    require_writable(report, "--report")
    try:
        loaded = load_scenario(scenario)
    except InputError as exc:
        fail_input(exc)
    reg = open_registry(registry)
    # Overrides are applied before the run is recorded, so the store holds what actually runs.
    try:
        loaded = Overrides(
            replicas=replicas, seed=seed, compare_without=tuple(compare_without or ())
        ).apply(loaded)
    except ValidationError as exc:
        fail(f"--replicas/--seed: {exc.errors()[0]['msg']}")
    origin = scenario or default_scenario_path()
    try:  # before anything is recorded: a mistyped id is not a failed run
        check_compare_without(loaded, reg)
    except PlanError as exc:
        fail(f"{'--compare-without' if compare_without else f'{origin}: {exc.field}'}: {exc}")
    store = open_store(db, create=True)
    try:
        run_id = store.create(loaded, source="cli", scenario_path=origin, registry=reg)
        with (
            store.recording(run_id, loaded.replicas, on_store_error=_store_error) as run,
            progress_bar("simulating", "replicas", disable=as_json) as progress,
        ):
            task = progress.add_task("", total=loaded.replicas)

            def on_replica(result: object) -> None:
                progress.advance(task)
                run.advance(result)

            try:
                result = run_simulation(
                    loaded, workers=workers, cluster=cluster, registry=reg, on_replica=on_replica
                )
            except PlanError as exc:
                run.fail(f"{origin}: {exc.field}: {exc}")
                fail(f"{origin}: {exc.field}: {exc}")
            except InputError as exc:  # the scenario's population file
                run.fail(str(exc))
                fail_input(exc)
            except (OSError, TimeoutError) as exc:
                run.fail(f"{type(exc).__name__}: {exc}")
                if cluster is None:
                    raise
                fail(f"--cluster {cluster}: cannot reach the Dask scheduler ({exc})")
            run.complete(result)
    except StoreError as exc:
        fail(str(exc))
    if out is not None:
        try:
            result.write(out)
        except (InputError, OSError) as exc:  # checked before the run: something changed since
            fail(f"{out}: cannot write the run's files ({exc}); the run is recorded as {run_id}")
    if report is not None:
        from accords.report import render_report, write_report

        try:
            write_report(report, render_report(store.get(run_id), result.monthly, registry=reg))
        except OSError as exc:
            fail(f"{report}: cannot write the report ({exc}); the run is recorded as {run_id}")
    if as_json:
        emit_json({**result.summary, "run_id": run_id})
        return
    names = agreement_names(result.summary["destinations"], reg)
    print_headlines(console, result.summary, names)
    print_tables(console, result.summary, names, zero_rows=zero_rows)
    console.print(f"recorded run {run_id} in {store.path}", highlight=False)
    if out is not None:
        console.print(f"wrote {out}/summary.json, monthly.parquet, scenario.yaml", highlight=False)
    if report is not None:
        console.print(f"wrote the report to {report}", highlight=False)


def _store_error(message: str) -> None:
    errors.print(f"[red]error:[/red] {shown(message)}")
