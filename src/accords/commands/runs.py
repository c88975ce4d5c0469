"""`accords runs list|show|delete|report|compare`: the runs recorded in the run store.

Every `accords simulate` (and every run started from the API or the web pages) is recorded in
the run store, so a result can be found, compared, reported on or removed later without keeping
track of output folders by hand.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.table import Table

from accords.commands.common import (
    RegistryOption,
    console,
    emit_json,
    fail,
    open_registry,
    paged,
    require_writable,
    shown,
)
from accords.commands.run_summary import ZERO_ROWS_HELP, print_headlines, print_tables
from accords.commands.tables import fit
from accords.simulation.series import Headline, agreement_names
from accords.store import RunRecord, RunStore, StoreError, StoreMissingError, assumptions

app = typer.Typer(
    help="Runs recorded in the run store: list, show, delete, and write their reports.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Run store database file (default: $ACCORDS_DB, else runs.duckdb in the user's "
        "data folder).",
        show_default=False,
    ),
]

STATUS_STYLE = {"running": "yellow", "done": "green", "failed": "red"}


def open_store(db: Path | None, *, create: bool = False) -> RunStore:
    """The run store at `db` (or the default), or a clean error naming the file.

    Only a command that records runs (`create`) makes a new store; the others, which only read
    or delete, say there is none, so a mistyped --db is not taken for an empty store."""
    try:
        return RunStore(db, create=create)
    except StoreMissingError as exc:
        given = db is not None or os.environ.get("ACCORDS_DB")
        hint = "" if given else "; `accords simulate` records runs there"
        fail(f"{exc}{hint}")
    except StoreError as exc:
        fail(str(exc))


def _missing(exc: KeyError) -> NoReturn:
    fail(str(exc.args[0]) if exc.args else "no such run")


def find(store: RunStore, run_id: str) -> RunRecord:
    try:
        return store.get(run_id)
    except KeyError as exc:
        _missing(exc)
    except StoreError as exc:
        fail(str(exc))


def _when(value: datetime | None, *, short: bool = False) -> str:
    """A UTC time shown in the local time zone."""
    if value is None:
        return "—"
    return value.astimezone().strftime("%Y-%m-%d %H:%M" if short else "%Y-%m-%d %H:%M:%S %Z")


def _took(record: RunRecord) -> str:
    seconds = record.seconds
    if seconds is None:
        return "—"
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _status(record: RunRecord) -> str:
    return f"[{STATUS_STYLE[record.status]}]{record.status}[/]"


@app.command("list")
def list_command(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the runs as JSON.")] = False,
) -> None:
    """List the runs, newest first (runs whose process died are marked failed first)."""
    store = open_store(db)
    try:
        records = store.list()
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        emit_json([r.to_json(full=False) for r in records])
        return
    if not records:
        console.print(f"no runs in {shown(str(store.path))}", highlight=False)
        return
    table = Table(
        title=f"runs in {shown(str(store.path))}, newest first",
        title_justify="left",
        caption="transferred, wrongly: people over the horizon, median (5–95% range) across "
        "replicas; cost: median total per currency",
        caption_justify="left",
    )
    table.add_column("run, scenario", min_width=22)
    table.add_column("status")
    table.add_column("transferred", justify="right")
    table.add_column("wrongly", justify="right")
    table.add_column("cost", justify="right")
    table.add_column("replicas", justify="right")
    table.add_column("started")
    table.add_column("took", justify="right")
    table.add_column("from")
    for r in records:
        replicas = (
            f"{r.progress_done}/{r.progress_total}" if r.status == "running" else str(r.replicas)
        )
        headline = Headline.of(r.summary) if r.summary is not None else None
        table.add_row(
            f"{r.id}\n[dim]{shown(r.scenario_name)}[/]",
            _status(r),
            headline.transferred if headline else "—",
            headline.wrongly if headline else "—",
            headline.cost if headline else "—",
            replicas,
            _when(r.started_at or r.created_at, short=True),
            _took(r),
            r.source,
        )
    with paged():
        dropped = ["from", "took", "replicas", "started", "cost"]
        console.print(fit(table, console, optional=dropped))


@app.command("show")
def show_command(
    run_id: Annotated[str, typer.Argument(metavar="ID", help="Run id (see `accords runs list`).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
    zero_rows: Annotated[bool, typer.Option("--zero-rows", help=ZERO_ROWS_HELP)] = False,
    registry: RegistryOption = None,
) -> None:
    """Show one run: provenance, status, and its summary once done (agreements named from the
    registry)."""
    store = open_store(db)
    record = find(store, run_id)
    if as_json:
        emit_json(record.to_json(full=True))
        return
    names = {}
    if record.summary is not None:
        names = agreement_names(record.summary["destinations"], open_registry(registry))
        print_headlines(console, record.summary, names)
    meta = Table(show_header=False, box=None, pad_edge=False)
    meta.add_column(style="dim")
    meta.add_column(overflow="fold")
    marked = assumptions(record.scenario_yaml)
    for key, value in (
        ("run", shown(record.id)),
        ("status", _status(record)),
        ("scenario", shown(record.scenario_name)),
        ("replicas, seed", f"{record.replicas}, {record.seed}"),
        ("progress", f"{record.progress_done}/{record.progress_total} replicas"),
        ("started", _when(record.started_at)),
        ("finished", _when(record.finished_at)),
        ("took", _took(record)),
        ("source", f"{shown(record.source)} (pid {record.pid})"),
        ("scenario hash", record.scenario_hash),
        ("registry version", record.registry_version),
        ("accords version", record.package_version),
        ("assumptions", f"{len(marked)} values marked ASSUMPTION in the scenario"),
    ):
        meta.add_row(key, value)
    if record.error:
        meta.add_row("error", f"[red]{shown(record.error)}[/]")
    console.print(meta)
    if record.summary is not None:
        print_tables(console, record.summary, names, zero_rows=zero_rows)


@app.command("delete")
def delete_command(
    run_id: Annotated[str, typer.Argument(metavar="ID", help="Run id (see `accords runs list`).")],
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a run: its row and its files."""
    store = open_store(db)
    record = find(store, run_id)
    if not yes and not typer.confirm(
        f"Delete run {record.id} ({record.scenario_name}, {record.status})?"
    ):
        raise typer.Exit(1)
    try:
        store.delete(record.id)
    except KeyError as exc:
        _missing(exc)
    except StoreError as exc:
        fail(str(exc))
    console.print(f"deleted run {shown(record.id)}", highlight=False)


@app.command("report")
def report_command(
    run_id: Annotated[str, typer.Argument(metavar="ID", help="Run id (see `accords runs list`).")],
    out: Annotated[
        Path, typer.Option("--out", help="HTML file to write (one self-contained page).")
    ],
    db: DbOption = None,
    registry: RegistryOption = None,
) -> None:
    """Write a finished run's report: charts, key figures, assumptions and sources, offline."""
    from accords.report import render_report, write_report

    require_writable(out)
    store = open_store(db)
    record = find(store, run_id)
    try:
        monthly = store.monthly(record.id)
    except StoreError as exc:
        fail(str(exc))
    reg = open_registry(registry) if registry is not None else None
    write_report(out, render_report(record, monthly, registry=reg))
    console.print(f"wrote {shown(str(out))}", highlight=False)


@app.command("compare")
def compare_command(
    run_a: Annotated[str, typer.Argument(metavar="RUN_A", help="The first run (A).")],
    run_b: Annotated[str, typer.Argument(metavar="RUN_B", help="The second run (B).")],
    db: DbOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write both runs on one HTML page, charts overlaid."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    registry: RegistryOption = None,
) -> None:
    """Put two finished runs side by side: headline figures and what differs in their scenarios
    (agreements named from the registry)."""
    from accords.report import write_report
    from accords.report.compare import (
        cell,
        change_text,
        comparison_json,
        headline_rows,
        render_compare,
        scenario_diff,
    )

    require_writable(out)
    store = open_store(db)
    a, b = find(store, run_a), find(store, run_b)
    reg = open_registry(registry)
    try:
        rows = headline_rows(a, b, reg)
    except ValueError as exc:
        fail(str(exc))
    diff = scenario_diff(a, b)
    if out is not None:
        try:
            monthly = store.monthly(a.id), store.monthly(b.id)
            write_report(out, render_compare(a, b, *monthly, registry=reg))
        except StoreError as exc:
            fail(str(exc))
    if as_json:
        emit_json(comparison_json(a, b, reg))
        return
    table = Table(
        title=f"A: {shown(a.id)} ({shown(a.scenario_name)}) against B: {shown(b.id)} "
        f"({shown(b.scenario_name)}) — medians (5–95%), people unless marked",
        title_justify="left",
    )
    table.add_column("figure", ratio=2)
    table.add_column("run A", justify="right")
    table.add_column("run B", justify="right")
    table.add_column("B − A", justify="right")
    for r in rows:
        table.add_row(shown(r.label), cell(r, r.a), cell(r, r.b), change_text(r))
    console.print(table)
    if diff:
        console.print("[bold]What differs in the scenarios[/] (− run A, + run B):")
        for line in diff[2:]:
            style = {"+": "green", "-": "red", "@": "dim"}.get(line[:1], "")
            console.print(f"[{style}]{shown(line)}[/]" if style else shown(line), highlight=False)
    else:
        console.print("The two scenarios are the same; only the random draws differ.")
    if out is not None:
        console.print(f"wrote {shown(str(out))}", highlight=False)
