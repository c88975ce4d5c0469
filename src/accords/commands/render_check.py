"""`accords check` in the terminal: the overview table first, details only when asked.

One row per agreement (permitted and undetermined first) with the decisive reason in words and
its citation number; then, for the agreements asked about, the reasons or (with `--explain`)
the whole trace; then the numbered citations. A typical case fits the first screen at 80
columns.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from accords.commands.common import shown
from accords.engine.check import (
    CheckOutput,
    CitationNumbers,
    CitationOut,
    answer_sentence,
    decisive_step,
    overview_order,
)
from accords.engine.explain import Outcome
from accords.engine.reasons import Verdict
from accords.labels import plain, plain_reason
from accords.registry.countries import country_in_text, country_name
from accords.visible import visible

VERDICT_STYLE = {
    Verdict.PERMITTED: "bold green",
    Verdict.UNDETERMINED: "bold yellow",
    Verdict.NOT_COVERED: "cyan",
    Verdict.BARRED: "bold red",
    Verdict.NOT_IN_FORCE: "dim",
}
OUTCOME_MARK = {Outcome.PASSES: "[green]✓[/]", Outcome.FAILS: "[red]✗[/]", Outcome.UNKNOWN: "?"}
WIDE = 110  # from this width the overview also shows each agreement's kind


def _refs(notes: CitationNumbers, citation: CitationOut | None, every: bool = False) -> str:
    """' [n]' for the citation (with `every`, also for those listed beside it)."""
    if citation is None:
        return ""
    numbers = notes.numbers(citation) if every else [notes.number(citation)]
    return " " + "".join(f"[{n}]" for n in numbers)


def _verdict(verdict: Verdict) -> str:
    return f"[{VERDICT_STYLE[verdict]}]{plain(verdict)}[/]"


def render_overview(console: Console, result: CheckOutput, notes: CitationNumbers) -> None:
    senders = sorted({r.sender for r in result.results})
    where = " and ".join(country_in_text(s) for s in senders) or "no sending state"
    _indented(
        console,
        f"[bold]Case {shown(result.person)}[/bold] on {result.date}: "
        f"{len(result.results)} agreement{'s' if len(result.results) != 1 else ''} of "
        f"{shown(where)}",
        2,
        first=False,
    )
    console.print(answer_sentence(result.results), highlight=False)
    if not result.results:
        return
    rows = []
    for r in overview_order(result.results):
        step = decisive_step(r)
        why = (
            "every check passes"
            if step is None
            else plain_reason(r.decisive or "") + _refs(notes, step.citation)
        )
        rows.append((r, why))
    wide = console.width >= WIDE
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column("agreement", no_wrap=True)
    if wide:
        table.add_column("kind")
    # The reason keeps its line (with its citation number) where it can: a long country name
    # wraps instead, so a row stays one line for the usual reasons.
    reason = min(max(len(why) for _, why in rows), console.width * 2 // 5)
    fixed = max(len(r.agreement) for r, _ in rows) + max(len(plain(r.verdict)) for r, _ in rows)
    table.add_column("to", max_width=None if wide else max(console.width - fixed - reason - 6, 8))
    table.add_column("verdict", no_wrap=True)
    table.add_column("decisive reason")
    for r, why in rows:
        kind = [plain(r.kind, "kind")] if wide else []
        table.add_row(shown(r.agreement), *kind, country_name(r.receiver), _verdict(r.verdict), why)
    console.print(table)


def _indented(console: Console, markup: str, indent: int, first: bool = True) -> None:
    """Markup wrapped with a hanging indent (the first line too, unless `first` is False)."""
    text = Text.from_markup(markup)
    width = max(console.width - indent, 20)
    lines = text.wrap(console, width)
    for i, line in enumerate(lines):
        console.print(" " * indent if (i or first) else "", line, sep="", highlight=False)


def render_details(
    console: Console, result: CheckOutput, ids: set[str], explain: bool, notes: CitationNumbers
) -> None:
    """The reasons (or, with `explain`, the whole trace) of the agreements in `ids`."""
    for r in overview_order([r for r in result.results if r.agreement in ids]):
        console.print()
        _indented(
            console,
            f"[bold]{shown(r.agreement)}[/bold] to {country_name(r.receiver)}: "
            f"{_verdict(r.verdict)} — {shown(r.title)}",
            2,
            first=False,
        )
        steps = r.trace if explain else [s for s in r.trace if s.outcome is not Outcome.PASSES]
        if not steps:
            console.print("  Every check passes: the agreement could be used on this date.")
        for s in steps:
            said = f"{shown(s.message)}{_refs(notes, s.citation, every=explain)}"
            console.print(f" {OUTCOME_MARK[s.outcome]}", end=" ")
            _indented(console, said, 3, first=False)
            if explain:
                _indented(console, f"[dim]read:[/] {shown(s.fact)}", 3)
                _indented(console, f"[dim]rule:[/] {shown(s.rule)}", 3)
        if explain and r.assumptions:
            console.print("  [bold]Holds only if the record is right:[/bold]")
            # One line per recorded fact, naming every check that rests on it.
            rests: dict[str, list[str]] = {}
            for a in r.assumptions:
                rests.setdefault(a.fact, []).append(plain_reason(a.check))
            for fact, checks in rests.items():
                said = f"{shown(fact)} — if wrong: {shown('; '.join(checks))}"
                console.print("  -", end=" ")
                _indented(console, said, 4, first=False)


def render_citations(console: Console, notes: CitationNumbers, quotes: bool) -> None:
    if not notes.cited:
        return
    console.print()
    console.print("[bold]Citations[/bold]")
    for n, c in enumerate(notes.cited, start=1):
        line = f"[{n}] {shown(c.label)}" + (f", {shown(c.date)}" if c.date else "")
        _indented(console, line, 4, first=False)
        if quotes and c.quote:
            quote = c.quote.strip()
            quote = quote if quote[:1] in "“\"'" else f"“{quote}”"
            _indented(console, f"[italic]{shown(quote)}[/]", 4)
        if c.url:  # whole on one line, however long: the terminal wraps it, never cuts it
            console.print(Text("    " + visible(c.url)), soft_wrap=True, highlight=False)


def render_check(
    console: Console, result: CheckOutput, details: set[str], explain: bool = False
) -> None:
    notes = CitationNumbers()
    render_overview(console, result, notes)
    if details:
        render_details(console, result, details, explain, notes)
    else:
        console.print()
        console.print(
            "[dim]Details: --agreement ID (one), --details (all), --explain (every check).[/]"
        )
    render_citations(console, notes, quotes=bool(details))
