"""`accords backtest [ID …]`: the model, given what was known before, against what happened.

Each shipped backtest (`data/backtests/*.yaml`) is run and every observed figure set against the
model's p5–p50–p95; the first line says how many fall inside the band. Misses are shown, not
hidden: the table says which, and `docs/backtests.md` says why.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from accords.commands.common import (
    RegistryOption,
    console,
    emit_json,
    fail_input,
    open_registry,
    progress_bar,
    shown,
)
from accords.numbers import figure, money, people
from accords.simulation.backtest import (
    Backtest,
    Row,
    load_backtests,
    output,
    run_backtest,
)
from accords.simulation.result import RunResult
from accords.validation import InputError


def _amount(value: float, unit: str) -> str:
    return people(value) if unit == "people" else money(value, unit)


def _observed(row: Row) -> str:
    obs = row.observed
    if obs.value_high is not None:
        return f"{_amount(obs.value, 'people')}–{_amount(obs.value_high, obs.unit)}"
    return _amount(obs.value, obs.unit)


def _band(row: Row) -> str:
    band = row.band
    if band is None:
        return "not modelled"
    if row.observed.unit == "people":
        return "–".join(people(v) for v in band)
    if min(band) >= 1e6:
        return "–".join(figure(v / 1e6) for v in band) + " million"
    return "–".join(money(v) for v in band)


def _error(row: Row) -> str:
    if row.band is None:
        return ""
    err = row.relative_error
    if err is None:
        return f"+{figure(row.band[1])}" if row.band[1] else "0"
    return f"{err:+.0%}"


def table(runs: list[tuple[Backtest, RunResult, list[Row]]]) -> tuple[Table, list[str]]:
    """The comparison table and its numbered sources."""
    out = Table(
        title="Backtests: the model's 5–95% band against what was observed", title_justify="left"
    )
    out.add_column("agreement: what was observed", ratio=3)
    out.add_column("observed", justify="right")
    out.add_column("model p5–p50–p95", justify="right")
    out.add_column("in band")
    out.add_column("error", justify="right")
    sources: list[str] = []
    for backtest, _, rows in runs:
        for row in rows:
            src = row.observed.source
            who = src.publisher or src.url
            sources.append(f"{who}, {src.date or 'undated'}: {src.url}")
            inside = {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[row.inside]
            out.add_row(
                f"[bold]{shown(backtest.agreement)}[/]: {shown(row.observed.label)} "
                f"[dim]\\[{len(sources)}][/]",
                _observed(row),
                _band(row),
                inside,
                _error(row),
            )
    return out, sources


def backtest_command(
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Backtest ids (default: every shipped backtest)."),
    ] = None,
    replicas: Annotated[
        int | None, typer.Option(min=1, help="Replicas (overrides each backtest's own).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Seed (overrides each backtest's own).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")] = min(
        2, os.cpu_count() or 1
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    registry: RegistryOption = None,
) -> None:
    """Run the backtests: the model's figures, from what was known before, against what happened."""
    try:
        backtests = load_backtests(ids or ())
    except InputError as exc:
        fail_input(exc)
    reg = open_registry(registry)
    runs: list[tuple[Backtest, RunResult, list[Row]]] = []
    with progress_bar("backtest", disable=as_json) as progress:
        task = progress.add_task("", total=len(backtests))
        for backtest in backtests:
            progress.update(task, description=backtest.id)
            try:
                result, rows = run_backtest(
                    backtest, replicas=replicas, seed=seed, workers=workers, registry=reg
                )
            except InputError as exc:
                fail_input(exc)
            runs.append((backtest, result, rows))
            progress.advance(task)
    summary = output(runs)
    if as_json:
        emit_json(summary)
        return
    console.print(
        f"[bold]{summary.inside} of {summary.compared}[/] observed figures the model expresses "
        "fall inside its 5–95% band"
        + (
            f"; {len(summary.rows) - summary.compared} more it does not model."
            if len(summary.rows) > summary.compared
            else "."
        )
        + " Below the table: what each backtest leaves out, and why it misses.",
        highlight=False,
    )
    rendered, sources = table(runs)
    console.print(rendered)
    for i, source in enumerate(sources, 1):
        console.print(f"[dim][{i}][/] {shown(source)}", highlight=False, soft_wrap=True)
    console.print()
    for backtest, result, _ in runs:
        marked = ", ".join(i.field for i in backtest.assumptions()) or "none"
        console.print(
            f"[bold]{shown(backtest.id)}[/] (known on {backtest.known_on}, "
            f"{result.plan.scenario.replicas} replicas, seed {result.plan.scenario.seed}): "
            f"{shown(backtest.explanation)} [dim]Assumptions: {shown(marked)}.[/]",
            highlight=False,
        )
