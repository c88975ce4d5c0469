"""A run's key totals as a terminal table, shown by `accords simulate` and `accords runs show`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from accords.commands.common import shown
from accords.numbers import band, figure, people
from accords.simulation.series import TotalKey, Unit, unit_of


def summary_table(s: dict[str, Any]) -> Table:
    """The key totals of a run's summary, p5/p50/p95 across replicas."""
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
    for key in wanted:
        stats = s["totals"].get(key)
        if stats is None:
            continue
        # A space before the key lets "capacity_use_peak [usa-slv-2025]" wrap between its words.
        label = shown(key.replace("[", " ["))
        table.add_row(label, *(cell(TotalKey.parse(key), stats[p]) for p in PCTS))
    return table


PCTS = ("p5", "p50", "p95")


def cell(total: TotalKey, value: float) -> str:
    """People as whole numbers (a percentile of a count rounded), shares and money as figures."""
    return people(value) if unit_of(total) in (Unit.PERSONS, Unit.PERSON_MONTHS) else figure(value)


# The totals a with/without comparison shows, in words; transfers per destination and costs
# per currency are added from the comparison itself.
COMPARED = {
    "transfers[all]": "Transfers, all destinations",
    "blocked": "Cases no destination permitted",
    "court_blocked": "Transfers a court blocked",
    "wrongful": "Wrongful transfers",
    "custody_end": "In the sender's custody at the end",
    "person_months": "Person-months in the sender's custody",
}


def _compared_label(total: TotalKey) -> str:
    if total.label in COMPARED:
        return COMPARED[total.label]
    if total.name == "cost_total":
        return f"Total cost, millions of {total.key}"
    if total.key.startswith("return:"):
        return f"… returned to {total.key.removeprefix('return:')}"
    return f"… to {total.key}"


def comparison_table(s: dict[str, Any]) -> Table:
    """With / without / difference, each as median (5–95%), for the headline totals."""
    c = s["comparison"]
    table = Table(
        title=f"With and without {shown(', '.join(c['without']))}: medians (5–95% range) "
        "across replicas, on the same random draws",
        title_justify="left",
    )
    table.add_column("total", ratio=2)
    for name in ("with", "without", "difference"):
        table.add_column(name, justify="right")
    keyed = [TotalKey.parse(label) for label in c["totals"]]
    wanted = [
        TotalKey("transfers", "all"),
        *[t for t in keyed if t.name == "transfers" and t.key and t.key != "all"],
        *[TotalKey.parse(label) for label in list(COMPARED)[1:]],
        *[t for t in keyed if t.name == "cost_total"],
    ]
    for total in wanted:
        row = c["totals"].get(total.label)
        if row is None or not any(row[p]["p95"] or row[p]["p5"] for p in row):
            continue
        scale = 1e6 if total.name == "cost_total" else 1.0
        table.add_row(
            shown(_compared_label(total)),
            *(
                band({k: v / scale for k, v in row[p].items()}, labelled=False)
                for p in ("with", "without", "difference")
            ),
        )
    return table
