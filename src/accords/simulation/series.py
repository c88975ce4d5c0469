"""Every monthly series a run produces, declared once: name, key, unit, words, how summarised.

The model writes these series (in this order), the result summarises each as its row says, and
the terminal summary, the report and the web read totals through `TotalKey` rather than by
slicing labels apart. A total's label in `summary.json` is `name` or `name[key]` (for example
`transfers[usa-slv-2025]`, `stock_peak[usa-slv-2025]`, `cost_total[USD]`); `TotalKey` is the
one place that writes and reads that form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from accords.labels import plain_reason
from accords.numbers import band, figure, money, people, share
from accords.registry.countries import country_name
from accords.registry.describe import short_name
from accords.registry.loader import Registry
from accords.simulation.scenario import OTHER_NATIONALITY


class KeyKind(StrEnum):
    """What a series' key names."""

    NONE = "none"  # one value per month, key ""
    DESTINATION = "destination"  # a destination's key ("usa-slv-2025", "return:MEX"; "all")
    NATIONALITY = "nationality"  # a recorded nationality code
    REASON = "reason"  # a reason code, or CODE_unknown
    CURRENCY = "currency"  # an ISO 4217 code
    COST_ITEM = "cost item"  # "LINE_KEY|CURRENCY"


class Unit(StrEnum):
    PERSONS = "persons"
    PERSON_MONTHS = "person-months"
    SHARE = "share"
    MONEY = "money, in the key's currency"


class Measure(StrEnum):
    """How a series becomes a total across the horizon."""

    SUM = "sum over the months"
    END = "value at the last month"
    PEAK = "largest monthly value"


@dataclass(frozen=True)
class Series:
    name: str
    key: KeyKind
    unit: Unit
    label: str
    measures: tuple[Measure, ...]  # totals made from it (none: shown only month by month)
    total_name: str | None = None  # the SUM total's name, where it is not the series' own
    same_as: str | None = None  # another series' values under this name

    def total(self, measure: Measure) -> str:
        """The name of this series' total under `measure` (`stock_end`, `cost_total`, ...)."""
        if measure is Measure.SUM:
            return self.total_name or self.name
        return f"{self.name}_{'end' if measure is Measure.END else 'peak'}"


_SUM, _END, _PEAK = (Measure.SUM,), (Measure.END,), (Measure.PEAK,)
P, D = Unit.PERSONS, KeyKind.DESTINATION

SERIES: dict[str, Series] = {
    s.name: s
    for s in (
        Series("entries", KeyKind.NONE, P, "entered the sender's custody", _SUM),
        Series("decided", KeyKind.NONE, P, "final orders", _SUM),
        Series("blocked", KeyKind.NONE, P, "blocked: no destination permits the case", _SUM),
        Series("court_blocked", KeyKind.NONE, P, "blocked by a court", _SUM),
        Series("court_challenged", KeyKind.NONE, P, "challenged in court", _SUM),
        Series("queue", KeyKind.NONE, P, "waiting for a destination", _END),
        Series("in_court", KeyKind.NONE, P, "in court", _END),
        Series("custody", KeyKind.NONE, P, "in the sender's custody", _END),
        Series("wrongful", KeyKind.NONE, P, "wrongful transfers", _SUM),
        Series("wrongful_citizen", KeyKind.NONE, P, "citizens of the sender transferred", _SUM),
        Series("wrongful_protected", KeyKind.NONE, P, "protected persons transferred", _SUM),
        Series("requeued", KeyKind.NONE, P, "back in the queue after court", _SUM),
        Series("transfers", D, P, "transferred", _SUM),
        Series(
            "transfers_by_nationality", KeyKind.NATIONALITY, P, "transferred, by nationality", _SUM
        ),
        Series("stock", D, P, "held by the receiver", (Measure.END, Measure.PEAK)),
        Series("places", D, P, "places", ()),
        Series("capacity_use", D, Unit.SHARE, "share of places in use", _PEAK),
        Series("released_stay", D, P, "released at the end of their stay", _SUM),
        Series("released_agreement_end", D, P, "released when the agreement ended", _SUM),
        Series("blocked_by_reason", KeyKind.REASON, P, "blocked, by reason", _SUM),
        Series("cost_item", KeyKind.COST_ITEM, Unit.MONEY, "cost, by item", _SUM),
        Series("cost_month", KeyKind.CURRENCY, Unit.MONEY, "cost", _SUM, total_name="cost_total"),
        Series("cost_cum", KeyKind.CURRENCY, Unit.MONEY, "cumulative cost", ()),
        # the custody series again, under the unit of work's name (the anchor benchmarks' own)
        Series(
            "person_months",
            KeyKind.NONE,
            Unit.PERSON_MONTHS,
            "person-months in custody",
            _SUM,
            same_as="custody",
        ),
    )
}


@dataclass(frozen=True)
class TotalKey:
    """One total of a run's summary: its name (`transfers`, `stock_peak`, ...) and key."""

    name: str
    key: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}[{self.key}]" if self.key else self.name

    @classmethod
    def parse(cls, label: str) -> TotalKey:
        if label.endswith("]") and "[" in label:
            name, key = label[:-1].split("[", 1)
            return cls(name, key)
        return cls(label)


def total_text(total: TotalKey, value: float) -> str:
    """One total's value for a person: counts of people as whole persons (a percentile of a
    count rounded), shares as percentages, money as figures."""
    unit = unit_of(total)
    if unit in (Unit.PERSONS, Unit.PERSON_MONTHS):
        return people(value)
    return share(value) if unit is Unit.SHARE else figure(value)


_AFTER = {Measure.SUM: "", Measure.END: ", at the end", Measure.PEAK: ", at most"}


def total_words(total: TotalKey, names: Mapping[str, str] | None = None) -> str:
    """A total in words for a person: "transferred: return to Guatemala", "held by the
    receiver, at most: El Salvador (2025)" (an agreement by its name in `names`, from
    `agreement_names`, else its id), "cost (USD)"; the name with its key where no series
    declares it."""
    for spec in SERIES.values():
        for measure in spec.measures:
            if spec.total(measure) == total.name:
                words = spec.label + _AFTER[measure]
                break
        else:
            continue
        break
    else:
        return total.label
    if not total.key:
        return words
    if spec.key is KeyKind.CURRENCY:
        return f"{words} ({total.key})"
    if spec.key is KeyKind.REASON:
        return f"{words}: {plain_reason(total.key)}"
    if spec.key is KeyKind.NATIONALITY:
        other = total.key == OTHER_NATIONALITY
        return f"{words}: {'other nationalities' if other else country_name(total.key)}"
    if spec.key is KeyKind.COST_ITEM:
        return f"{words}: {cost_item_words(total.key, names or {})}"
    if total.key == "all":
        return f"{words}: all destinations"
    return f"{words}: {destination_label(total.key, names or {})}"


def cost_item_words(key: str, names: Mapping[str, str]) -> str:
    """A priced item's key in words: "sender:detention|USD" is "the sending state's detention
    (USD)", "usa-slv-2025:slv-per-person-year|USD" "El Salvador (2025): slv per person year
    (USD)" (the agreement by its name in `names`)."""
    line, _, currency = key.partition("|")
    payer, _, item = line.partition(":")
    who = "the sending state's" if payer == "sender" else f"{names.get(payer, payer)}:"
    return f"{who} {item.replace('-', ' ').replace('_', ' ')} ({currency})"


def agreement_names(
    destinations: Iterable[Mapping[str, Any]], registry: Registry | None
) -> dict[str, str]:
    """The words a person reads for each agreement a run sent people under, by its key: its
    short name in the registry ("El Salvador (2025)"), or, where the registry lacks it (a run
    made with another registry, or none could be read), its receiving state and its id. Two
    that one name would merge keep their ids beside it: a legend groups lines by name."""
    names: dict[str, str] = {}
    for d in destinations:
        key = d["key"]
        if key.startswith("return:"):
            continue  # an ordinary return, named by `destination_label`
        agreement = registry.get(key) if registry is not None and key in registry else None
        names[key] = (
            short_name(agreement)
            if agreement is not None
            else f"{country_name(d['receiver'])} ({key})"
        )
    taken = Counter(names.values())
    return {k: f"{n}, {k}" if taken[n] > 1 else n for k, n in names.items()}


def destination_label(key: str, names: Mapping[str, str]) -> str:
    """A destination in words: "return to Mexico", or its agreement's name in `names`."""
    if key.startswith("return:"):
        return f"return to {country_name(key.split(':', 1)[1])}"
    return names.get(key, key)


def unit_of(total: TotalKey) -> Unit:
    """The unit of a total (`transfers[...]`, `stock_peak[...]`, `cost_total[USD]`, ...)."""
    for spec in SERIES.values():
        if any(spec.total(m) == total.name for m in spec.measures):
            return spec.unit
    raise KeyError(f"no series has a total named {total.name!r}")


PCTS = ("p5", "p50", "p95")  # the percentiles across replicas a summary gives each total


def zero_in_every_replica(stats: Mapping[str, float]) -> bool:
    """Whether a total is zero in every replica: its percentiles and its mean are all 0 (a
    total is never negative, so a mean of 0 means no replica had any)."""
    return all(stats.get(name, 0.0) == 0 for name in ("p5", "p50", "p95", "mean"))


Row = TypeVar("Row")


def split_zero(
    rows: Iterable[Row], stats: Callable[[Row], Mapping[str, float]]
) -> tuple[list[Row], list[Row]]:
    """Rows split into those with any value and those whose `stats` are zero in every
    replica, each in its order: a table shows the first and folds the second away under
    `zero_note`."""
    shown: list[Row] = []
    zero: list[Row] = []
    for row in rows:
        (zero if zero_in_every_replica(stats(row)) else shown).append(row)
    return shown, zero


# Where the rows of a comparison are zero: in both runs of every replica.
IN_BOTH_RUNS = "every replica, with and without,"


def zero_note(
    labels: Sequence[str], fate: str = "folded", where: str = "every replica"
) -> str:
    """The sentence where rows zero in every replica are folded away (or, `fate`, left out):
    "2 rows are zero in every replica and are folded: transfers blocked by a court and
    people moved wrongly." A person reads it as a sentence, so the labels are lower-cased
    (an acronym such as "US" kept) and joined with "and". No rows: no sentence."""
    count = len(labels)
    if not count:
        return ""
    rows = "1 row is" if count == 1 else f"{count} rows are"
    verb = "is" if count == 1 else "are"
    words = [_in_sentence(label) for label in labels]
    listed = words[0] if count == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{rows} zero in {where} and {verb} {fate}: {listed}."


def spelled_out(labels: Sequence[str]) -> list[str]:
    """Table labels as words that stand alone: a sub-row, whose label continues the row above
    it ("… of citizens of the sending state" under "Wrongful transfers"), gets its parent's
    words in front, so a note that names it away from the table reads whole."""
    out: list[str] = []
    parent = ""
    for label in labels:
        if label.startswith("… ") and parent:
            out.append(f"{parent} {label[2:]}")
        else:
            parent = label
            out.append(label)
    return out


def _in_sentence(label: str) -> str:
    """A row's label inside a sentence: its first letter lower-cased unless it begins an
    acronym ("US citizens" stays)."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


@dataclass(frozen=True)
class Headline:
    """A finished run's headline figures, as the runs lists show them (terminal and web):
    people transferred and transferred wrongly, each the median with its bare 5–95% range,
    and the median total cost in each currency."""

    transferred: str
    wrongly: str
    cost: str

    @classmethod
    def of(cls, summary: Mapping[str, Any]) -> Headline:
        totals = summary["totals"]
        zero = {"p5": 0.0, "p50": 0.0, "p95": 0.0}
        costs = [
            money(stats["p50"], total.key)
            for label, stats in totals.items()
            if (total := TotalKey.parse(label)).name == "cost_total"
        ]
        return cls(
            band(totals.get(TotalKey("transfers", "all").label, zero), labelled=False),
            band(totals.get(TotalKey("wrongful").label, zero), labelled=False),
            "; ".join(costs) or "none",
        )
