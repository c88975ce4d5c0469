"""`accords agreements ...`: read, compare, validate and export the registry."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from accords.commands.common import (
    RegistryOption,
    TextTable,
    console,
    emit_json,
    fail,
    fail_input,
    open_registry,
    paged,
    parse_day,
    parse_state,
    shown,
)
from accords.commands.render_agreement import (
    SECTIONS,
    Footnotes,
    render_agreement,
    timeline_table,
)
from accords.commands.tables import fit
from accords.labels import plain
from accords.registry.changes import changes_output
from accords.registry.describe import party
from accords.registry.export import ExportFormat, check_export, export
from accords.registry.loader import Registry, collect, default_agreements_dir
from accords.registry.models import Agreement, Kind
from accords.registry.outputs import (
    CompareOutput,
    ListOutput,
    ProblemOut,
    ShowOutput,
    ValidateOutput,
    View,
    compare_rows,
    filter_agreements,
    view_agreement,
)
from accords.registry.search import search as search_registry
from accords.registry.views import in_force_on
from accords.validation import InputError
from accords.visible import visible

app = typer.Typer(
    help="Read, compare, validate and export the registry of agreements.",
    rich_markup_mode="markdown",
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
OnOption = Annotated[
    str | None, typer.Option("--on", help="Only what held on this day (YYYY-MM-DD).")
]
Section = StrEnum("Section", {name: name for name in SECTIONS})  # type: ignore[misc]
KnownOption = Annotated[
    str | None,
    typer.Option("--as-known-on", help="Only what the public record held on this day."),
]


def _view(agreement: Agreement, known: str | None, on: str | None) -> tuple[Agreement, View]:
    known_day = parse_day(known, "--as-known-on") if known else None
    on_day = parse_day(on, "--on") if on else None
    return view_agreement(agreement, known_day, on_day)


def parse_kind(text: str) -> Kind:
    """A kind of agreement as a person types it: the words the tables print ("detention
    outsourcing") or its code, in any case."""
    wanted = " ".join(text.replace("_", " ").replace("-", " ").lower().split())
    for kind in Kind:
        if wanted in (plain(kind).lower().replace("-", " "), kind.value.replace("_", " ")):
            return kind
    kinds = "; ".join(plain(k) for k in Kind)
    fail(f"--kind: {text!r} is not a kind of agreement; expected one of: {kinds}")


@app.command("list")
def list_(
    on: OnOption = None,
    sender: Annotated[
        str | None, typer.Option(help="Only this sending state (code or name).")
    ] = None,
    receiver: Annotated[
        str | None, typer.Option(help="Only this receiving state (code or name).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            metavar="KIND",
            help="Only this kind of agreement, in words or as its code: "
            + "; ".join(plain(k) for k in Kind)
            + ".",
        ),
    ] = None,
    as_json: JsonFlag = False,
    registry: RegistryOption = None,
) -> None:
    """Every agreement: parties, kind, status on a day, people transferred where known."""
    reg = open_registry(registry)
    day = parse_day(on, "--on") if on else date.today()
    rows = filter_agreements(
        reg,
        day,
        parse_state(sender, "--sender") if sender else None,
        parse_state(receiver, "--receiver") if receiver else None,
        parse_kind(kind) if kind else None,
    )
    if as_json:
        emit_json(ListOutput(on=day, agreements=rows, data_version=str(reg.version)))
        return
    table = Table(title=f"Agreements ({len(rows)}), status on {day}")
    for column in ("agreement", "kind", "status", "people transferred"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            f"{shown(row.id)}\n[dim]{row.acting_sender or row.sender} → {row.receiver}[/dim]",
            plain(row.kind, "kind"),
            row.status_text
            + ("" if row.status_as_of < day else f"\n[dim](record to {row.as_of})[/dim]"),
            row.transferred_people or "[dim]unknown[/dim]",
        )
    with paged():
        console.print(fit(table, console))


@app.command()
def show(
    agreement_id: Annotated[str, typer.Argument(metavar="ID")],
    as_known_on: KnownOption = None,
    on: OnOption = None,
    section: Annotated[
        Section | None,
        typer.Option("--section", help="Only this part of the record (with its sources)."),
    ] = None,
    as_json: JsonFlag = False,
    registry: RegistryOption = None,
) -> None:
    """One agreement: terms, timeline, numbers, rulings, claims with corrections, sources."""
    reg = open_registry(registry)
    viewed, view = _view(_get(reg, agreement_id), as_known_on, on)
    if as_json:
        emit_json(ShowOutput(view=view, agreement=viewed, data_version=str(reg.version)))
        return
    header = [f"status: {view.status_text}"]
    if view.as_known_on:
        header.append(
            f"as known on {view.as_known_on}: {view.hidden_facts} fact(s) and "
            f"{view.hidden_sources} source(s) made public later are hidden"
        )
    if view.on:
        header.append(f"what held on {view.on}")
    with paged():
        render_agreement(
            viewed,
            console,
            "; ".join(header),
            summary=view.as_known_on is None,
            section=section.value if section else None,
        )


@app.command()
def timeline(
    agreement_id: Annotated[str, typer.Argument(metavar="ID")],
    as_known_on: KnownOption = None,
    as_json: JsonFlag = False,
    registry: RegistryOption = None,
) -> None:
    """The dated status changes of one agreement, each with its source."""
    reg = open_registry(registry)
    viewed, view = _view(_get(reg, agreement_id), as_known_on, None)
    if as_json:
        emit_json(
            ShowOutput(view=view, agreement=viewed, data_version=str(reg.version)).model_dump(
                mode="json",
                include={
                    "view": True,
                    "agreement": {"id": True, "status": True},
                    "data_version": True,
                },
            )
        )
        return
    notes = Footnotes()
    console.print(timeline_table(viewed, notes))
    notes.print_listing(console)


@app.command()
def compare(
    ids: Annotated[list[str], typer.Argument(metavar="ID ID...", help="Two or more ids.")],
    on: OnOption = None,
    as_json: JsonFlag = False,
    registry: RegistryOption = None,
) -> None:
    """Agreements side by side, term by term."""
    if len(ids) < 2:
        fail("compare needs at least two agreement ids")
    reg = open_registry(registry)
    day = parse_day(on, "--on") if on else date.today()
    agreements = [_get(reg, i) for i in ids]
    if on:
        agreements = [in_force_on(a, day) for a in agreements]
    if as_json:
        view = View(as_known_on=None, on=day if on else None, status=None, hidden_facts=0)
        rows = compare_rows(agreements, day)
        emit_json(CompareOutput(view=view, ids=ids, rows=rows, data_version=str(reg.version)))
        return
    rows = compare_rows(agreements, day, words=True)
    table = TextTable(title=f"Comparison (status on {day})", show_lines=True, expand=True)
    table.add_column("", style="bold")
    for a in agreements:
        table.add_column(f"{a.id}\n{party(a.acting_sender or a.sender)} → {party(a.receiver)}")
    for row in rows:
        table.add_row(
            plain(row.field, "field"), *["—" if v in (None, "") else str(v) for v in row.values]
        )
    with paged():
        console.print(fit(table, console))


@app.command()
def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Words to find (any order).")],
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many hits.")] = None,
    as_json: JsonFlag = False,
    registry: RegistryOption = None,
) -> None:
    """Find agreements by any word in them: titles, summaries, parties (codes or country
    names), terms, claims, rulings and sources; best first, each with where it matched."""
    found = search_registry(open_registry(registry), text, limit)
    if as_json:
        emit_json(found)
        return
    if not found.hits:
        console.print(f"No agreement mentions {shown(repr(text))}.", highlight=False)
        return
    table = Table(title=f"Agreements matching {shown(repr(text))} ({len(found.hits)}), best first")
    table.add_column("agreement")
    table.add_column("where it matched")
    for hit in found.hits:
        table.add_row(
            f"[bold]{shown(hit.title)}[/bold]\n[cyan]{shown(hit.id)}[/cyan]",
            "\n".join(f"[dim]{shown(m.where)}:[/dim] {shown(m.text)}" for m in hit.matches),
        )
    with paged():
        console.print(fit(table, console))


@app.command()
def changes(
    agreement_id: Annotated[str, typer.Argument(metavar="ID")],
    since: Annotated[
        str, typer.Option("--from", help="Changes after the record as known on this day.")
    ],
    until: Annotated[
        str | None, typer.Option("--to", help="Up to the record as known on this day (today).")
    ] = None,
    as_json: JsonFlag = False,
    registry: RegistryOption = None,
) -> None:
    """What became public about an agreement between two days: new facts (statuses, terms,
    figures, rulings, claims) and new sources for known ones, each with its source."""
    reg = open_registry(registry)
    agreement = _get(reg, agreement_id)
    start = parse_day(since, "--from")
    end = parse_day(until, "--to") if until else date.today()
    if end < start:
        fail(f"--to {end} is before --from {start}")
    found = changes_output(reg, agreement.id, start, end)
    if as_json:
        emit_json(found)
        return
    console.print(
        Text(
            f"{visible(agreement.title)}: what became public after {start}, by {end}: "
            f"{found.new_facts} new facts, {found.new_sources} new sources for known ones.",
            style="bold",
        )
    )
    if not found.changes:
        return
    notes = Footnotes()
    table = TextTable(expand=True)
    table.add_column("public on")
    table.add_column("part")
    table.add_column("what became public")
    for change in found.changes:
        marks = "".join(f"[{n}]" for n in notes.cite_sources(change.sources))
        what = change.what if change.new else f"(a new source) {change.what}"
        table.add_row(change.public_on.isoformat(), change.section, f"{what} {marks}")
    with paged():
        console.print(fit(table, console))
        notes.print_listing(console)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Agreement files or folders (default: shipped).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check agreement files; exit 0 when all are valid, 1 with every problem otherwise."""
    targets = paths or [default_agreements_dir()]
    try:
        agreements, files, problems = collect(targets)
    except InputError as exc:  # a missing path: reported like any other problem
        agreements, files, problems = [], {}, exc.problems
    result = ValidateOutput(
        valid=not problems,
        data_version=None if problems else str(Registry(agreements, files).version),
        files=sorted({str(p.file) for p in problems} | {str(f) for f in files.values()}),
        agreements=[a.id for a in agreements],
        problems=[ProblemOut.model_validate(p.as_dict()) for p in problems],
    )
    if as_json:
        emit_json(result)
    elif problems:
        for problem in problems:
            console.print(f"[red]✗[/red] {shown(problem)}", highlight=False, soft_wrap=True)
        console.print(f"[red]{len(problems)} problem(s)[/red] in {len(result.files)} file(s)")
    else:
        console.print(f"[green]✓[/green] {len(agreements)} agreement(s) valid")
    raise typer.Exit(0 if result.valid else 1)


@app.command("export")
def export_(
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .csv, .json or .parquet.")
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            help="csv, json or parquet (optional: --out's suffix names it, and must agree).",
        ),
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """The registry as data: one row per agreement and one per (fact, source), in the format
    --out's suffix names (for CSV and Parquet, the facts in FILE.facts.csv or .parquet)."""
    try:
        chosen = check_export(out, fmt)
    except InputError as exc:
        fail_input(exc)
    written = export(open_registry(registry), chosen, out)
    for path in written:
        console.print(f"wrote {path}")


def _get(reg: Registry, agreement_id: str) -> Agreement:
    try:
        return reg.get(agreement_id)
    except KeyError as exc:
        fail(str(exc.args[0]))
