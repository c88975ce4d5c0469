"""`accords check` (one case) and `accords evaluate` (a population file)."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from accords.atomic import refuse_overwriting
from accords.commands.common import (
    RegistryOption,
    console,
    emit_json,
    fail,
    fail_input,
    open_registry,
    parse_day,
    progress_bar,
    shown,
)
from accords.commands.render_check import VERDICT_STYLE, render_check
from accords.engine.check import check, load_person
from accords.engine.reasons import Verdict
from accords.engine.stream import count_rows, evaluate_files, population_files
from accords.engine.writers import check_output
from accords.labels import plain
from accords.registry.loader import Registry
from accords.validation import InputError
from accords.version import provenance

DateOption = Annotated[
    str | None, typer.Option("--date", help="Day to evaluate (YYYY-MM-DD; default today).")
]
AgreementOption = Annotated[
    list[str] | None,
    typer.Option("--agreement", "-a", help="Only these agreement ids (repeatable)."),
]


def _select(reg: Registry, ids: list[str] | None) -> list[str] | None:
    if not ids:
        return None
    for agreement_id in ids:
        if agreement_id not in reg:
            try:
                reg.get(agreement_id)
            except KeyError as exc:
                fail(str(exc.args[0]))
    return ids


def check_command(
    person_file: Annotated[
        str, typer.Argument(metavar="PERSON_FILE", help="YAML or JSON person; '-' for stdin.")
    ],
    on: DateOption = None,
    agreement: AgreementOption = None,
    details: Annotated[
        bool, typer.Option("--details", help="Show every agreement's reasons below the table.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Show every check evaluated (passing ones too), what it read, the rule it "
            "applied and its citation, and what a permitted verdict rests on.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    registry: RegistryOption = None,
) -> None:
    """Could this person be sent under each agreement on that date, and why or why not?

    Prints one row per agreement first (permitted and undetermined first); details follow for
    the agreements named with --agreement, or for all with --details or --explain.
    """
    reg = open_registry(registry)
    day = parse_day(on, "--date") if on else date.today()
    try:
        if person_file == "-":
            person = load_person(Path("<stdin>.yaml"), sys.stdin.read())
        else:
            person = load_person(Path(person_file))
        result = check(person, date=day, agreements=_select(reg, agreement), registry=reg)
    except InputError as exc:
        fail_input(exc)
    if as_json:
        emit_json(result)
        return
    detailed = {r.agreement for r in result.results} if details or explain or agreement else set()
    render_check(console, result, detailed, explain=explain)


def evaluate_command(
    population: Annotated[
        Path,
        typer.Argument(
            metavar="POPULATION",
            help="CSV or Parquet in the person schema: a file, a folder, or a quoted glob.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Verdicts file: .csv, .parquet or .jsonl (with --cluster, a name without a "
            "suffix is a folder of Parquet parts).",
        ),
    ],
    on: DateOption = None,
    agreement: AgreementOption = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="tcp://HOST:PORT",
            help="Evaluate the population's files as partitions on this Dask scheduler.",
        ),
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Every person in a population against every agreement of the state they are in.

    The population is read and the verdicts written a batch at a time, so its size is not
    limited by memory; the output appears only once every row has been checked and evaluated.
    """
    try:
        check_output(out, parts=cluster is not None)
        files = population_files(population)
        refuse_overwriting(out, files)
    except InputError as exc:
        fail_input(exc)
    reg = open_registry(registry)
    day = parse_day(on, "--date") if on else date.today()
    chosen = reg.select(_select(reg, agreement))
    footer = provenance(reg, day)
    started = time.perf_counter()
    with progress_bar("evaluating", "persons") as progress:
        task = progress.add_task("", total=count_rows(files))

        def advance(rows: int) -> None:
            progress.advance(task, rows)

        try:
            if cluster is None:
                summary = evaluate_files(
                    population, chosen, day, out, progress=advance, metadata=footer
                )
            else:
                from accords.engine.cluster import evaluate_on_cluster  # imports distributed

                summary = evaluate_on_cluster(
                    population, chosen, day, out, cluster, progress=advance, metadata=footer
                )
        except InputError as exc:
            progress.stop()
            fail_input(exc)
        except (OSError, TimeoutError) as exc:
            if cluster is None:
                raise
            progress.stop()
            fail(f"--cluster {cluster}: cannot reach the Dask scheduler ({exc})")
    elapsed = time.perf_counter() - started
    _summary(summary.counts, summary.persons, elapsed, out)


def _summary(counts: pl.DataFrame, persons: int, seconds: float, out: Path) -> None:
    wide = counts.pivot(on="verdict", index="agreement", values="len").fill_null(0)
    table = Table(
        title=f"Verdicts: {persons:,} persons, {int(counts['len'].sum()):,} cases, {seconds:.1f} s"
    )
    table.add_column("agreement")
    verdicts = [v for v in Verdict if v.value in wide.columns]
    for v in verdicts:
        table.add_column(plain(v), justify="right", style=VERDICT_STYLE[v])
    for row in wide.sort("agreement").iter_rows(named=True):
        table.add_row(shown(row["agreement"]), *[f"{row[v.value]:,}" for v in verdicts])
    console.print(table)
    console.print(f"wrote {shown(out)}", highlight=False)
