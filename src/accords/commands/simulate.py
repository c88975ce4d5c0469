"""`accords simulate [SCENARIO]`: run a scenario's replicas, print a summary, write the run.

"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accords.atomic import write_text_atomic
from accords.commands.common import (
    RegistryOption,
    console,
    data_dir,
    emit_json,
    fail,
    fail_input,
    open_registry,
)
from accords.simulation.plan import PlanError
from accords.simulation.result import RunResult
from accords.simulation.run import simulate as run_simulation
from accords.simulation.scenario import default_scenario_path, example_text, load_scenario
from accords.validation import InputError


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}"


def summary_table(result: RunResult) -> Table:
    s = result.summary
    table = Table(
        title=f"{s['scenario']} — {s['replicas']} replicas, seed {s['seed']}, "
        f"{s['horizon_months']} months from {s['start']} ({s['population']['label']})",
        title_justify="left",
    )
    table.add_column("total over the horizon (or at its end)")
    for name in ("p5", "p50", "p95"):
        table.add_column(name, justify="right")
    wanted = [
        "entries",
        "decided",
        "transfers[all]",
        *[k for k in s["totals"] if k.startswith("transfers[") and k != "transfers[all]"],
        "blocked",
        "court_blocked",
        "wrongful",
        "wrongful_citizen",
        "wrongful_protected",
        *[k for k in s["totals"] if k.startswith(("stock_peak[", "capacity_use_peak["))],
        "queue_end",
        "custody_end",
        "person_months",
        *[k for k in s["totals"] if k.startswith("cost_total[")],
    ]
    for key in wanted:
        stats = s["totals"].get(key)
        if stats is None:
            continue
        table.add_row(escape(key), *(_fmt(stats[p]) for p in ("p5", "p50", "p95")))
    return table


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
    total = replicas or loaded.replicas
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
        try:
            result = run_simulation(
                loaded,
                replicas=replicas,
                seed=seed,
                workers=workers,
                cluster=cluster,
                registry=reg,
                on_replica=lambda _: progress.advance(task),
            )
        except PlanError as exc:
            fail(f"{scenario or default_scenario_path()}: {exc.field}: {exc}")
        except (OSError, TimeoutError) as exc:
            if cluster is None:
                raise
            fail(f"--cluster {cluster}: cannot reach the Dask scheduler ({exc})")
    folder = out or data_dir() / "runs" / (
        f"{datetime.now():%Y%m%d-%H%M%S}-{result.summary['scenario_hash'][:8]}"
    )
    result.write(folder)
    if as_json:
        emit_json(result.summary)
        return
    console.print(summary_table(result))
    for note in result.summary["notes"]:
        console.print(f"note: {note}", highlight=False)
    console.print(f"wrote {folder}/summary.json, monthly.parquet, scenario.yaml", highlight=False)
