"""Rich rendering of an agreement: terms, timeline, numbers, rulings and claim threads.

Every line that states a fact ends with footnote numbers ([1], [2]) into the sources list
printed last, so a reader can trace each statement to the page and the exact quote.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from accords.commands.common import TextTable, shown
from accords.commands.tables import fit
from accords.labels import plain
from accords.registry.citations import SourceIndex
from accords.registry.describe import claim_threads, money, numbers_by_date, party, term_rows
from accords.registry.models import (
    Agreement,
    Fact,
)
from accords.visible import visible


class Footnotes(SourceIndex):
    """Sources numbered for the terminal: `mark` gives " [1][2]" after a line of text."""

    def mark(self, fact: Fact | None) -> str:
        numbers = self.cite(fact)
        return " " + "".join(f"[{n}]" for n in numbers) if numbers else ""

    def print_listing(self, console: Console) -> None:
        """The numbered sources, each address on a line of its own that is never wrapped or
        cut, so that it can be clicked or copied whole; the quote below it, indented."""
        if not self.sources:
            console.print("[dim]No sources in this view.[/dim]")
            return
        console.print("[bold]Sources[/bold]")
        for i, s in enumerate(self.sources, 1):
            who = s.publisher or ""
            if s.original:
                who += f" (orig. {s.original})"
            date = s.date.text if s.date else "no date"
            console.print(Text(visible(f"[{i}] {who}, {date}")))
            url = visible(s.url)
            console.print(Text(url, style=f"link {url}"), soft_wrap=True)
            if s.quote:
                console.print(Padding(Text(visible(s.quote), style="italic"), (0, 0, 0, 4)))


def _terms(agreement: Agreement, notes: Footnotes, console: Console) -> RenderableType:
    table = TextTable(title="Terms", show_header=False, expand=True)
    table.add_column("term", style="bold")
    table.add_column("value")
    for term, text, facts in term_rows(agreement):
        marks = "".join(f"[{n}]" for n in notes.cite_all(facts))
        table.add_row(term.lower(), text + (f" {marks}" if marks else ""))
    if not table.row_count:
        return Text("No terms were public yet in this view.", style="dim")
    return fit(table, console)


def timeline_table(agreement: Agreement, notes: Footnotes) -> Table:
    table = TextTable(title="Status timeline", expand=True)
    table.add_column("date")
    table.add_column("status", style="bold")
    table.add_column("by / note")
    for change in agreement.status:
        detail = " — ".join(x for x in (change.by, change.note) if x)
        table.add_row(change.date.text, plain(change.status), detail + notes.mark(change))
    return table


def _numbers(agreement: Agreement, notes: Footnotes) -> Table:
    """One row per reported number: the metric in bold over what it counts, so the long
    description has the width of the table rather than a fourth narrow column."""
    table = TextTable(title="Numbers reported", expand=True)
    table.add_column("refers to")
    table.add_column("what")
    table.add_column("value", justify="right")
    for n in numbers_by_date(agreement):
        # An amount's price year and a period's end on a line of their own keep both columns
        # narrow (neither is ever split), leaving the width to the description.
        value = f"{n.people:,.0f} people" if n.people is not None else money(n.money)
        what = Text(plain(n.metric), style="bold")
        what.append("\n" + visible(n.label + (f" — {n.note}" if n.note else ""), lines=True))
        what.append(notes.mark(n))
        period = n.refers_to.text.replace("/", " to\n")
        table.add_row(period, what, value.replace(" (", "\n("))
    return table


def _rulings(agreement: Agreement, notes: Footnotes) -> Table:
    table = TextTable(title="Court rulings", expand=True)
    table.add_column("decided")
    table.add_column("court / case")
    table.add_column("holding and effect")
    for r in agreement.rulings:
        effect = plain(r.effect)
        if r.class_filter:
            effect += f": {r.class_filter.description}"
        if r.valid_to:
            effect += f" (until {r.valid_to})"
        ruling = Text(visible(r.holding, lines=True) + notes.mark(r) + "\n")
        ruling.append("effect: ", style="bold")
        ruling.append(visible(effect, lines=True))
        table.add_row(r.decided.text, f"{r.court}\n{r.case}", ruling)
    return table


def _claims(agreement: Agreement, notes: Footnotes) -> RenderableType:
    lines: list[RenderableType] = []
    for depth, claim in claim_threads(agreement.claims):
        who = claim.speaker.name + (f", {claim.speaker.role}" if claim.speaker.role else "")
        head = Text(f"{'    ' * depth}{'└ ' if depth else ''}")
        head.append(f"{claim.said_on} ", style="cyan")
        head.append(f"{plain(claim.kind).upper()} ", style="bold magenta")
        head.append(visible(who), style="bold")
        lines.append(head)
        words = claim.words.strip()
        quoted = words if words[:1] in "“\"'" else f"“{words}”"
        body = Text(f"{'    ' * depth}  {visible(quoted, lines=True)}{notes.mark(claim)}")
        lines.append(body)
        if claim.note:
            note = visible(claim.note, lines=True)
            lines.append(Text(f"{'    ' * depth}  note: {note}", style="dim"))
    return Panel(Group(*lines), title="Claims, with what was said about them later")


def _head(agreement: Agreement, notes: Footnotes, header: str, summary: bool) -> Panel:
    legal = agreement.legal_form
    lines = [
        f"[bold]{shown(agreement.title)}[/bold]  ([cyan]{shown(agreement.id)}[/cyan])",
        f"{party(agreement.sender)} → {party(agreement.receiver)}"
        + (f"; sends: {party(agreement.acting_sender)}" if agreement.acting_sender else ""),
        f"kind: {plain(agreement.kind)}; legal form: "
        + (legal.value + notes.mark(legal) if legal else "not yet known"),
        f"record as of {agreement.as_of}" + (f" — {header}" if header else ""),
        "",
        escape(visible(agreement.summary.strip(), lines=True))
        if summary
        else f"[dim](summary written as of {agreement.as_of}: hidden in this view)[/dim]",
    ]
    return Panel("\n".join(lines))


SECTIONS = ("terms", "timeline", "numbers", "rulings", "claims", "sources")


def render_agreement(
    agreement: Agreement,
    console: Console,
    header: str = "",
    *,
    summary: bool = True,
    section: str | None = None,
) -> None:
    """The whole record, or one `section` of it (its sources listed after it).

    Footnote numbers follow the order printed, so the sources of one section are numbered
    from 1 in that section alone; `sources` alone numbers them as the whole record does.
    """
    notes = Footnotes()
    head = _head(agreement, notes, header, summary) if section in (None, "sources") else None
    builders: dict[str, Callable[[], RenderableType | None]] = {
        "timeline": lambda: fit(timeline_table(agreement, notes), console),
        "terms": lambda: _terms(agreement, notes, console),
        "numbers": lambda: fit(_numbers(agreement, notes), console) if agreement.numbers else None,
        "rulings": lambda: fit(_rulings(agreement, notes), console) if agreement.rulings else None,
        "claims": lambda: _claims(agreement, notes) if agreement.claims else None,
    }
    chosen = [section] if section and section != "sources" else list(builders)
    if section is None:
        console.print(head)
    for name in builders if section == "sources" else chosen:
        part = builders[name]()
        if name in chosen and section != "sources":
            console.print(part if part is not None else f"[dim]No {name} in this view.[/dim]")
    notes.print_listing(console)
