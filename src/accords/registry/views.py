"""The two clocks of a fact: "as known on K" and "in force on D".

`as_known_on` keeps only what the public record held on day K: a source counts from the last day
its date could be (a page dated "March 2025" from 31 March), a fact keeps only the sources public
by K, and a fact none of whose sources was public by K is left out; a note that mentions a date
after K (the registry's reading, written with hindsight) is replaced by a line saying so.
`status_on` and `valid_on` say what held on day D. The two compose: the record as known on K,
asked about day D.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from accords.registry.dates import FuzzyDate
from accords.registry.models import Agreement, Fact, Ruling, Source, Status, StatusChange
from accords.registry.prose_dates import mentions_after


class Dated(Protocol):
    @property
    def valid_from(self) -> FuzzyDate | None: ...

    @property
    def valid_to(self) -> FuzzyDate | None: ...


D = TypeVar("D", bound=Dated)


def source_public_by(source: Source, fact: Fact, day: date) -> bool:
    """Whether `source` was certainly public on `day`: its date's last possible day has passed.

    An undated page is only counted when its fact has a `public_from` that has passed.
    """
    if source.date is not None:
        return source.date.latest <= day
    return fact.public_from is not None and fact.public_from.latest <= day


def public_sources(fact: Fact, day: date) -> list[Source]:
    """The fact's sources public by `day`; empty when the fact itself was not yet public."""
    known = fact.known_from()
    if known is None or known > day:
        return []
    return [s for s in fact.sources if source_public_by(s, fact, day)]


def _is_known(fact: Fact, day: date) -> bool:
    return bool(public_sources(fact, day))


M = TypeVar("M", bound=BaseModel)

# What a view as known on a day shows in place of a note that mentions a later date: the note is
# the registry's reading, written with the whole record, and would tell what was not yet known.
LATER_NOTE = (
    "The registry's note on this item mentions events after {day}; it is left out of this view."
)


def _prune(model: M, day: date) -> M:
    """The model with every fact and source not yet public on `day` removed, at any depth.

    A fact in a list is dropped; a single fact in an optional field becomes None (a facility
    known in 2024 keeps its capacity only if the capacity was public by then too); a fact kept
    keeps only its sources public by then, and its note only if the note mentions no later date.
    """
    updates: dict[str, Any] = {}
    if isinstance(model, Fact):
        sources = public_sources(model, day)
        if sources != model.sources:
            updates["sources"] = sources
        if model.note is not None and mentions_after(model.note, day):
            updates["note"] = LATER_NOTE.format(day=day)
    for name in type(model).model_fields:
        if name in updates:
            continue
        value = getattr(model, name)
        if isinstance(value, Fact):
            updates[name] = _prune(value, day) if _is_known(value, day) else None
        elif isinstance(value, BaseModel):
            updates[name] = _prune(value, day)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            updates[name] = [
                _prune(item, day)
                for item in value
                if not isinstance(item, Fact) or _is_known(item, day)
            ]
    return model.model_copy(update=updates) if updates else model


def as_known_on(agreement: Agreement, day: date) -> Agreement:
    """The agreement as the public record stood on `day` (later facts and claims left out)."""
    pruned = _prune(agreement, day)
    known_claims = {c.id for c in pruned.claims}
    claims = [
        c.model_copy(update={"responds_to": [r for r in c.responds_to if r in known_claims]})
        for c in pruned.claims
    ]
    return pruned.model_copy(update={"claims": claims})


def status_change_on(agreement: Agreement, day: date) -> StatusChange | None:
    """The last status change in effect on `day`; None before the first one."""
    current = None
    for change in agreement.status:
        if change.effective() <= day:
            current = change
    return current


def possible_status_changes(agreement: Agreement, day: date) -> list[StatusChange | None]:
    """Each status change that may be the one in effect on `day`, as far as the record can
    tell: the last one that had certainly happened (its latest possible day is past; None
    before any), then each later one whose date spans the day (2025-01-01/2025-05-02 on
    2025-04-01). One item: the record says which status held; more: it cannot say."""
    certain: StatusChange | None = None
    after = 0
    for i, change in enumerate(agreement.status):
        if change.date.latest <= day:
            certain, after = change, i + 1
    spanning = [c for c in agreement.status[after:] if c.date.earliest <= day < c.date.latest]
    return [certain, *spanning]


def status_on(agreement: Agreement, day: date) -> Status | None:
    change = status_change_on(agreement, day)
    return change.status if change is not None else None


@dataclass(frozen=True)
class StatusReading:
    """The status for a day, read no later than the record goes.

    `as_of` is the day the status is read for: the day asked, or the record's end when the day
    asked is later (then `past_record` is true and the words say "as last confirmed on").
    """

    status: Status | None
    since: FuzzyDate | None
    as_of: date
    past_record: bool

    def text(self) -> str:
        if self.status is None:
            return f"no status on the record on {self.as_of.isoformat()}"
        words = self.status.value.replace("_", " ")
        if self.past_record:
            return f"{words} as last confirmed on {self.as_of.isoformat()}"
        return f"{words} since {self.since}"


def read_status(agreement: Agreement, day: date, record_end: date | None = None) -> StatusReading:
    """The status on `day`, never past `record_end` (default: the record's `as_of`)."""
    end = min(agreement.as_of, record_end) if record_end is not None else agreement.as_of
    read_day = min(day, end)
    change = status_change_on(agreement, read_day)
    return StatusReading(
        status=change.status if change else None,
        since=change.date if change else None,
        as_of=read_day,
        past_record=day > end,
    )


def holds_on(start: FuzzyDate | None, end: FuzzyDate | None, day: date) -> bool:
    """Whether a dated term holds on `day`: from its start (inclusive) to its end (exclusive).

    A fuzzy start counts from its latest day and a fuzzy end from its earliest, so a term is
    only said to hold on days the record shows it certainly did.
    """
    if start is not None and day < start.latest:
        return False
    return not (end is not None and day >= end.earliest)


def valid_on(items: Sequence[D], day: date) -> list[D]:
    return [i for i in items if holds_on(i.valid_from, i.valid_to, day)]


def ruling_binds_on(ruling: Ruling, day: date) -> bool:
    return holds_on(ruling.valid_from or ruling.decided, ruling.valid_to, day)


def in_force_on(agreement: Agreement, day: date) -> Agreement:
    """The agreement's terms and rulings that held on `day`, with its status history to then."""
    terms = agreement.terms
    return agreement.model_copy(
        update={
            "status": [c for c in agreement.status if c.effective() <= day],
            "terms": terms.model_copy(
                update={
                    "nationalities": valid_on(terms.nationalities, day),
                    "categories": valid_on(terms.categories, day),
                    "exclusions": valid_on(terms.exclusions, day),
                    "arrival": valid_on(terms.arrival, day),
                }
            ),
            "rulings": [r for r in agreement.rulings if ruling_binds_on(r, day)],
        }
    )
