"""What changed in the public record of an agreement between two days.

Between K1 and K2 the public learnt two kinds of thing: facts that were not public on K1 and
were by K2 (a status, a term, a figure, a ruling, a claim), and new sources for facts already
known (a second report of the same figure). Both are read from the dates the "as known on"
views use (`views.public_sources`), so the record as known on K2 is the record as known on K1
plus these changes: nothing here is dated differently from the views.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from accords.labels import plain, plain_list
from accords.registry.describe import (
    capacity_text,
    money,
    nationality_text,
    period_text,
    term_length_text,
)
from accords.registry.export import iter_facts
from accords.registry.loader import Registry
from accords.registry.models import (
    Agreement,
    ArrivalTerm,
    Capacity,
    Categories,
    Claim,
    ExclusionTerm,
    Facility,
    Fact,
    Nationalities,
    PriceItem,
    Quantity,
    ReportedNumber,
    Ruling,
    Source,
    StatusChange,
    TermLength,
    TextFact,
)
from accords.registry.views import public_sources
from accords.version import Versioned

# The parts of an agreement that hold facts, in the order a reader meets them, in words.
SECTIONS = {
    "legal_form": "legal form",
    "status": "status",
    "terms": "terms",
    "numbers": "reported figures",
    "rulings": "court rulings",
    "claims": "claims",
}
_ORDER = list(SECTIONS.values())
QUOTES = "\"'“‘«"


class Change(BaseModel):
    """One fact that became public, or gained sources, between the two days."""

    model_config = ConfigDict(frozen=True)

    section: str = Field(description="Where in the record: status, terms, claims, ...")
    what: str = Field(description="The fact in words.")
    new: bool = Field(description="The fact itself became public (else: it gained sources).")
    public_on: date = Field(description="The first day the record certainly held the change.")
    sources: list[Source] = Field(description="The sources that became public in the interval.")


def _people(value: float | None) -> str:
    return "number not given" if value is None else f"{value:,.0f} people"


def describe_fact(fact: Fact, agreement: Agreement) -> str:
    """The fact in words, as a reader of the record would say it."""
    match fact:
        case StatusChange():
            return f"{plain(fact.status)} from {fact.date}"
        case TextFact():
            return fact.value
        case Nationalities():
            return f"nationalities: {nationality_text(fact, agreement.receiver)}{period_text(fact)}"
        case Categories():
            return f"covers: {plain_list(fact.any_of)}{period_text(fact)}"
        case ExclusionTerm():
            return f"excludes {plain(fact.excludes)}{period_text(fact)}"
        case ArrivalTerm():
            modes = plain_list(fact.modes) if fact.modes else "any arrival"
            since = f", arrived on or after {fact.on_or_after}" if fact.on_or_after else ""
            return f"arrival: {modes}{since}{period_text(fact)}"
        case Facility():
            return f"facility: {fact.name}" + (f", {fact.location}" if fact.location else "")
        case PriceItem():
            return f"{fact.label}: {money(fact.money)}"
        case Capacity():
            return f"capacity: {capacity_text(fact)}"
        case TermLength():
            return f"term: {term_length_text(fact)}"
        case Quantity():
            if fact.value is None:
                return f"{fact.unit}: not given"
            return _people(fact.value) if fact.unit == "people" else f"{fact.value:g} {fact.unit}"
        case ReportedNumber():
            value = _people(fact.people) if fact.money is None else money(fact.money)
            return f"{fact.label} (to {fact.refers_to}): {value}"
        case Ruling():
            return f"{fact.court}, {fact.case} ({fact.decided}): {fact.holding}"
        case Claim():
            quoted = fact.words if fact.words[:1] in QUOTES else f"“{fact.words}”"
            return f"{fact.speaker.name} ({fact.said_on}): {quoted}"
    return type(fact).__name__


def record_facts(agreement: Agreement) -> Iterator[tuple[str, Fact]]:
    """Every fact of the agreement's record, with the section (in words) it is in."""
    for path, fact in iter_facts(agreement):
        section = SECTIONS.get(re.split(r"[.\[]", path, maxsplit=1)[0])
        if section is not None:
            yield section, fact


def changes(agreement: Agreement, since: date, until: date) -> list[Change]:
    """What became public after `since` and by `until` (each day as in "as known on")."""
    if until < since:
        raise ValueError(f"the end {until} is before the start {since}")
    found: list[Change] = []
    for section, fact in record_facts(agreement):
        before = public_sources(fact, since)
        added = [s for s in public_sources(fact, until) if s not in before]
        known = fact.known_from()
        if not added or known is None:
            continue
        dated = [s.date.latest for s in added if s.date is not None]
        change = Change(
            section=section,
            what=describe_fact(fact, agreement),
            new=not before,
            public_on=max(known, min(dated)) if dated else known,
            sources=added,
        )
        found.append(change)
    return sorted(found, key=lambda c: (c.public_on, _ORDER.index(c.section)))


class ChangesOutput(Versioned):
    """`accords agreements changes --json` and `GET /api/agreements/{id}/changes`."""

    agreement: str
    since: date = Field(description="Changes are what was not public on this day ...")
    until: date = Field(description="... and was by this one.")
    new_facts: int
    new_sources: int = Field(description="Sources added to facts already public on `since`.")
    changes: list[Change]


def changes_output(
    registry: Registry, agreement_id: str, since: date, until: date
) -> ChangesOutput:
    found = changes(registry.get(agreement_id), since, until)
    return ChangesOutput(
        agreement=agreement_id,
        since=since,
        until=until,
        new_facts=sum(c.new for c in found),
        new_sources=sum(len(c.sources) for c in found if not c.new),
        changes=found,
        data_version=str(registry.version),
    )
