"""A run's key totals as a terminal table, shown by `accords simulate` and `accords runs show`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from accords.commands.common import shown
from accords.numbers import figure


def summary_table(s: dict[str, Any]) -> Table:
    """The key totals of a run's summary, p5/p50/p95 across replicas."""
    table = Table(
        title=f"{shown(s['scenario'])} — {s['replicas']} replicas, seed {s['seed']}, "
        f"{s['horizon_months']} months from {s['start']} ({shown(s['population']['label'])})",
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
        table.add_row(shown(key), *(figure(stats[p]) for p in ("p5", "p50", "p95")))
    return table
