"""A run's key totals as a terminal table, shown by `accords simulate` and `accords runs show`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from accords.commands.common import shown
from accords.commands.tables import fit
from accords.simulation.series import (
    IN_BOTH_RUNS,
    PCTS,
    TotalKey,
    split_zero,
    total_text,
    total_words,
    zero_note,
)

ZERO_ROWS_HELP = "Also show the rows that are zero in every replica (folded away by default)."


def summary_table(
    s: dict[str, Any], names: Mapping[str, str], *, zero_rows: bool = False
) -> Table:
    """The key totals of a run's summary, p5/p50/p95 across replicas (agreements named by
    `names`, from `agreement_names`).

    Rows that are zero in every replica are folded into a note under the table, which names
    them (`zero_rows` shows them as rows instead)."""
    table = Table(
        title=f"{shown(s['scenario'])} — {s['replicas']} replicas, seed {s['seed']}, "
        f"{s['horizon_months']} months from {s['start']} ({shown(s['population']['label'])})",
        title_justify="left",
    )
    table.add_column("total over the horizon (or at its end); people rounded to whole persons")
    for name in ("p5", "p50", "p95"):
        table.add_column(name, justify="right")

    def keyed(*names: str) -> list[str]:
        """The summary's totals of these names that carry a key, in the summary's order."""
        return [
            label
            for label in s["totals"]
            if (t := TotalKey.parse(label)).name in names and t.key and t.key != "all"
        ]

    wanted = [
        "entries",
        "decided",
        TotalKey("transfers", "all").label,
        *keyed("transfers"),
        "blocked",
        "court_blocked",
        "wrongful",
        "wrongful_citizen",
        "wrongful_protected",
        *keyed("stock_peak", "capacity_use_peak"),
        "queue_end",
        "custody_end",
        "person_months",
        *keyed("cost_total"),
    ]
    present = [(TotalKey.parse(key), s["totals"][key]) for key in wanted if key in s["totals"]]
    rows, zero = split_zero(present, lambda row: row[1])
    for total, stats in present if zero_rows else rows:
        words = shown(total_words(total, names))
        table.add_row(words, *(total_text(total, stats[p]) for p in PCTS))
    if zero and not zero_rows:
        note = zero_note([total_words(total, names) for total, _ in zero], "left out")
        table.caption = f"{shown(note)} --zero-rows shows them."
        table.caption_justify = "left"
    return table


def comparison_table(s: dict[str, Any], names: Mapping[str, str]) -> Table:
    """With / without / difference, each as median (5–95%), for the headline totals
    (agreements named by `names`, from `agreement_names`)."""
    # the report package loads plotly
    from accords.report.headlines import comparison_rows, without_words

    table = Table(
        title=f"With and without {shown(without_words(s['comparison'], names))}: medians "
        "(5–95% range) across replicas, on the same random draws",
        title_justify="left",
    )
    table.add_column("total", ratio=2)
    for name in ("with", "without", "difference"):
        table.add_column(name, justify="right")
    rows, zero = comparison_rows(s, names)
    for label, *cells in rows:
        table.add_row(shown(label), *cells)
    if zero:
        table.caption = shown(zero_note(zero, "left out", IN_BOTH_RUNS))
        table.caption_justify = "left"
    return table


def print_headlines(console: Console, summary: dict[str, Any], names: Mapping[str, str]) -> None:
    """The run's answer in sentences, before any table."""
    from accords.report.headlines import headline_sentences

    for sentence in headline_sentences(summary, names):
        console.print(f"• {shown(sentence)}", highlight=False)


def print_tables(
    console: Console, summary: dict[str, Any], names: Mapping[str, str], *, zero_rows: bool
) -> None:
    """The run's totals, its with/without comparison if it has one, and its notes."""
    console.print(fit(summary_table(summary, names, zero_rows=zero_rows), console))
    if "comparison" in summary:
        console.print(fit(comparison_table(summary, names), console))
        console.print(
            "The difference is taken replica by replica on common random numbers, so its band "
            "is narrower than either run's.",
            highlight=False,
        )
    for note in summary.get("notes", []):
        console.print(f"note: {note}", highlight=False)
