"""The headline findings of a run, in sentences a person reads, computed from its summary.

Three to five sentences open the terminal summary: what was transferred, what each agreement
that took people took and cost, what the law and the courts stopped, and who was transferred
wrongly. Counts of people are whole numbers: the median across replicas, then the range that
holds 90% of them ("5–95%"), both rounded. Nothing here is written by hand: change the scenario
and the sentences change with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accords.numbers import band, median_cell, money, people
from accords.registry.countries import country_name
from accords.simulation.series import TotalKey, agreement_names, zero_in_every_replica

Stats = dict[str, float]


def _zero(stats: Stats | None) -> bool:
    return stats is None or (stats["p95"] == 0 and stats["p5"] == 0)


def _names(summary: dict[str, Any], names: Mapping[str, str] | None) -> Mapping[str, str]:
    """The agreements' names in words (`agreement_names`); without a registry, by their
    receiving state and id."""
    return names if names is not None else agreement_names(summary["destinations"], None)


def headline_sentences(
    summary: dict[str, Any], names: Mapping[str, str] | None = None
) -> list[str]:
    """The run's headline findings, each a sentence of figures from `summary` (agreements
    named by `names`, from `agreement_names`)."""
    names = _names(summary, names)
    t: dict[str, Stats] = summary["totals"]
    months, start = summary["horizon_months"], summary["start"][:7]
    out = []
    returns = sum(
        t.get(TotalKey("transfers", d["key"]).label, {"p50": 0.0})["p50"]
        for d in summary["destinations"]
        if d["route"] == "return"
    )
    total = t.get(TotalKey("transfers", "all").label)
    if total is not None:
        out.append(
            f"Over {months} months from {start}, {band(total)} people are transferred "
            f"(median across {summary['replicas']} replicas), about {people(returns)} of them "
            "to their own country."
        )
    for d in summary["destinations"]:
        if d["route"] == "return":
            continue
        sent = t.get(TotalKey("transfers", d["key"]).label)
        if _zero(sent):
            continue
        assert sent is not None
        # a cost item's key is "LINE|CURRENCY", each line's key starting with its destination's
        items = [(TotalKey.parse(label), stats) for label, stats in t.items()]
        costs = [
            (item.key.rsplit("|", 1)[1], stats)
            for item, stats in items
            if item.name == "cost_item" and item.key.startswith(f"{d['key']}:")
        ]
        by_currency: dict[str, float] = {}
        for currency, stats in costs:
            by_currency[currency] = by_currency.get(currency, 0.0) + stats["p50"]
        cost = " and ".join(money(v, c) for c, v in sorted(by_currency.items()))
        out.append(
            f"The {names.get(d['key'], d['key'])} agreement takes {band(sent)} people"
            + (f", at a cost of {cost} to the sender (median)." if cost else ", at no priced cost.")
        )
    blocked, court = t.get("blocked"), t.get("court_blocked")
    if blocked is not None:
        out.append(
            f"{band(blocked)} cases have no destination the agreements and the law allow and "
            f"are released; courts block {band(court) if court else '0'} transfers."
        )
    citizens, protected = t.get("wrongful_citizen"), t.get("wrongful_protected")
    if _zero(citizens) and _zero(protected):
        out.append("No one is transferred wrongly in any replica.")
    else:
        parts = []
        if not _zero(citizens):
            assert citizens is not None
            parts.append(f"{band(citizens)} citizens of the sending state")
        if not _zero(protected):
            assert protected is not None
            parts.append(f"{band(protected)} people protected against the receiving state")
        out.append(f"Through record errors, {' and '.join(parts)} are transferred wrongly.")
    comparison = summary.get("comparison")
    if comparison is not None:
        diff = comparison["totals"].get(TotalKey("transfers", "all").label, {}).get("difference")
        held = comparison["totals"].get("custody_end", {}).get("difference")
        if diff is not None and held is not None:
            out.append(
                f"With against without {without_words(comparison, names)}, on the same random "
                f"draws: a difference of {band(diff)} in people transferred, and of "
                f"{band(held)} in people in the sender's custody at the end."
            )
    return out


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


def without_words(comparison: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The agreements a run was compared without, by name ("El Salvador (2025)")."""
    return ", ".join(names.get(key, key) for key in comparison["without"])


def compared_label(total: TotalKey, names: Mapping[str, str], *, whole: bool = False) -> str:
    """A row's label; a destination's is a sub-row of all transfers ("… to El Salvador
    (2025)"), or, `whole`, words that stand alone (for a note naming rows left out of the
    table)."""
    if total.label in COMPARED:
        return COMPARED[total.label]
    if total.name == "cost_total":
        return f"Total cost, millions of {total.key}"
    if total.key.startswith("return:"):
        country = country_name(total.key.removeprefix("return:"))
        return f"Returns to {country}" if whole else f"… returned to {country}"
    name = names.get(total.key, total.key)
    return f"Transfers to {name}" if whole else f"… to {name}"


def comparison_rows(
    summary: dict[str, Any], names: Mapping[str, str] | None = None
) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(label, with, without, difference) for the headline totals of a with/without run, and
    the labels of those zero in every replica of both runs (left out, for a note to name).

    Each figure is a median with its bare 5–95% range, as `median_cell` writes it (money in
    millions): a median between two replicas' counts to one place, as the runs compared show it.
    """
    names = _names(summary, names)
    c = summary["comparison"]
    keyed = [TotalKey.parse(label) for label in c["totals"]]
    wanted = [
        TotalKey("transfers", "all"),
        *[t for t in keyed if t.name == "transfers" and t.key and t.key != "all"],
        *[TotalKey.parse(label) for label in list(COMPARED)[1:]],
        *[t for t in keyed if t.name == "cost_total"],
    ]
    rows, zero = [], []
    for total in wanted:
        row = c["totals"].get(total.label)
        if row is None:
            continue
        if all(zero_in_every_replica(row[p]) for p in ("with", "without")):
            zero.append(compared_label(total, names, whole=True))
            continue
        three = ("with", "without", "difference")
        with_, without, difference = (
            median_cell(
                row[p], millions=total.name == "cost_total", row=[row[q]["p50"] for q in three]
            )
            for p in three
        )
        rows.append((compared_label(total, names), with_, without, difference))
    return rows, zero
