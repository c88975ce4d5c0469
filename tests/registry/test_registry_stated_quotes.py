"""A `stated` fact's sources say it: some quote of the fact holds its figure, in some spelling.

The registry never cites a quote as stating a value it does not state. Every figure of a fact
whose `basis` is `stated` (the default) — a number of people, a term's months, a cap's
period, an amount of money, a threshold — must appear in the quote of at least one of the
fact's own sources, in one of the spellings a page uses (300, 3,000 or 3.000, "six", "one (1)
year", "$6 million", "€650m"). Where a page states the figure in other words, the words are
listed below (`PARAPHRASES`), with the figure they state, and the test checks that the words are
in a quote. A figure that no quote states is not a `stated` fact: the record must say it is
inferred, with a note saying what from. (Terms without a figure, such as nationalities or
categories, are not checked here: their words are not a figure to find.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from accords.registry.export import iter_facts
from accords.registry.loader import Registry, load_registry
from accords.registry.models import (
    Basis,
    Capacity,
    CapacityKind,
    Fact,
    PriceItem,
    Quantity,
    ReportedNumber,
    TermLength,
)

WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 15: "fifteen", 20: "twenty", 30: "thirty",
    40: "forty", 50: "fifty", 100: "a hundred",
}

# (agreement id, fact path, figure): the words of a quote that state the figure differently.
# Only words that say the figure itself belong here; a figure computed from a quote (a sum, a
# price per person) is `inferred`, with a note, and is not checked.
PARAPHRASES: dict[tuple[str, str, float], str] = {
    ("aus-nru-2012", "numbers[4]", 0): "has been empty",
    ("aus-nru-2012", "numbers[13]", 912_631_000): "912,631,00[0]",  # the page's last digit cut
    ("aus-nru-2025", "numbers[0]", 1): "the first transfer has occurred",
    ("ita-alb-2023", "numbers[6]", 1_000_000): "un milione",
    ("ita-alb-2023", "numbers[18]", 90): "Novanta persone",
    ("ita-alb-2023", "numbers[19]", 20): "attorno alle venti unità",
    ("usa-col-2025", "numbers[12]", 6000): "6 mil",  # Spanish: 6 thousand
    ("usa-col-2025", "numbers[14]", 25_000_000_000): "25.000 millones",
    ("usa-ecu-2025", "numbers[0]", 0): "No transfers are known to have occurred",
    ("usa-ecu-2025", "numbers[1]", 0): "ninguna dotación económica",
    ("usa-plw-2025", "numbers[0]", 0): "yet to receive any",
    ("usa-ssd-2025", "numbers[1]", 1): "repatriated a Mexican man",
    ("usa-uga-2025", "numbers[1]", 12): "Dozen people arrive",
}


def number_spellings(value: float) -> list[str]:
    """How a page may write a figure: digits with or without separators, words, millions."""
    out: list[str] = []
    if value == int(value):
        n = int(value)
        out += [str(n), f"{n:,}", f"{n:,}".replace(",", "."), f"{n:,}".replace(",", " ")]
        if n in WORDS:
            out += [WORDS[n], f"{WORDS[n]} ({n})"]
    else:
        out += [f"{value:g}", f"{value:,.2f}"]
    for scale, names in ((1e9, ("billion", "bn")), (1e6, ("million", "m", "millones", "milioni"))):
        if value >= scale / 10:
            short = f"{value / scale:g}"
            out += [f"{short} {names[0]}", *(f"{short}{n}" for n in names[1:])]
            out += [f"{short} {n}" for n in names[2:]]
    return out


def month_spellings(months: float) -> list[str]:
    """How a page may write a length in months: '12 months', 'one year', 'a five-year'."""
    out = [f"{months:g} months", f"{months:g}-month"]
    if months == 1:
        out += ["a month", "per month", "monthly", "each month"]
    if months % 12 == 0:
        years = int(months // 12)
        names = [str(years)] + ([WORDS[years]] if years in WORDS else [])
        out += [f"{y} {unit}" for y in names for unit in ("years", "year", "-year")]
        out += [f"{y}-year" for y in names]
        if years == 1:
            out += ["a year", "annual", "each year", "per year", "yearly", "one (1) year"]
    return out


def figures(fact: Fact) -> Iterator[tuple[str, float, list[str]]]:
    """(what, figure, spellings) for each figure the fact asserts."""
    match fact:
        case Capacity():
            if fact.people is not None:
                yield "people", fact.people, number_spellings(fact.people)
            if fact.kind is CapacityKind.TRANSFERS_PER_PERIOD and fact.period_months:
                yield "period_months", fact.period_months, month_spellings(fact.period_months)
        case TermLength():
            if fact.months is not None:
                yield "months", fact.months, month_spellings(fact.months)
        case Quantity():
            if fact.value is not None:
                yield "value", fact.value, number_spellings(fact.value)
        case ReportedNumber():
            if fact.people is not None:
                yield "people", fact.people, number_spellings(fact.people)
            if fact.money is not None and fact.money.amount is not None:
                yield "money", fact.money.amount, number_spellings(fact.money.amount)
        case PriceItem():
            if fact.money.amount is not None:
                yield "money", fact.money.amount, number_spellings(fact.money.amount)
            if fact.threshold_people is not None:
                yield "threshold", fact.threshold_people, number_spellings(fact.threshold_people)


def said(spelling: str, quote: str) -> bool:
    """The spelling in the quote as a whole figure (300 is not in 3,000 or 1300)."""
    edge = r"(?<![\d.,])" if spelling[:1].isdigit() else r"\b"
    tail = r"(?![\d]|[.,]\d)" if spelling[-1:].isdigit() else ""
    return re.search(edge + re.escape(spelling) + tail, quote, re.IGNORECASE) is not None


REGISTRY: Registry = load_registry()
CASES = [
    (agreement.id, path, what, figure, spellings, fact)
    for agreement in REGISTRY
    for path, fact in iter_facts(agreement)
    if fact.basis is Basis.STATED
    for what, figure, spellings in figures(fact)
]


def test_there_are_stated_figures_to_check() -> None:
    assert len(CASES) > 100


@pytest.mark.parametrize(
    ("agreement", "path", "what", "figure", "spellings", "fact"),
    CASES,
    ids=[f"{c[0]}:{c[1]}.{c[2]}" for c in CASES],
)
def test_a_stated_figure_is_in_a_quote_of_its_own_sources(
    agreement: str, path: str, what: str, figure: float, spellings: list[str], fact: Fact
) -> None:
    quotes = [s.quote for s in fact.sources]
    words = PARAPHRASES.get((agreement, path, figure))
    if words is not None:
        assert any(words in q for q in quotes), f"the paraphrase {words!r} is in no quote"
        return
    assert any(said(s, q) for s in spellings for q in quotes), (
        f"{agreement} {path}.{what} = {figure:g} is stated, but no quote of its sources says it: "
        f"{quotes}"
    )


def test_every_paraphrase_is_used() -> None:
    used = {(c[0], c[1], c[3]) for c in CASES}
    assert set(PARAPHRASES) <= used
