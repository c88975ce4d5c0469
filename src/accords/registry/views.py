"""The two clocks of a fact: "as known on K" and "in force on D".

`as_known_on` keeps only what the public record held on day K (a fact counts from the day its
public date certainly passed). `status_on` and `valid_on` say what held on day D. The two
compose: the record as known on K, asked about day D.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from accords.registry.dates import FuzzyDate
from accords.registry.models import Agreement, Fact, Ruling, Status, StatusChange


class Dated(Protocol):
    @property
    def valid_from(self) -> FuzzyDate | None: ...

    @property
    def valid_to(self) -> FuzzyDate | None: ...


F = TypeVar("F", bound=Fact)
D = TypeVar("D", bound=Dated)


def _is_known(fact: Fact, day: date) -> bool:
    known = fact.known_from()
    return known is not None and known <= day


def _known(items: Sequence[F], day: date) -> list[F]:
    return [item for item in items if _is_known(item, day)]


M = TypeVar("M", bound=BaseModel)


def _prune(model: M, day: date) -> M:
    """The model with every fact not yet public on `day` removed, at any depth.

    A fact in a list is dropped; a single fact in an optional field becomes None (a facility
    known in 2024 keeps its capacity only if the capacity was public by then too).
    """
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
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


def status_on(agreement: Agreement, day: date) -> Status | None:
    change = status_change_on(agreement, day)
    return change.status if change is not None else None


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
