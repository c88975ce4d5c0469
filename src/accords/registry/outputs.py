"""The machine-readable shapes of `--json` output, as models so their JSON Schema is generated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from accords.labels import plain
from accords.registry.describe import capacity_text, nationality_text, party, term_length_text
from accords.registry.export import agreement_row, iter_facts
from accords.registry.loader import Registry
from accords.registry.models import Agreement, Kind, Status
from accords.registry.views import (
    StatusReading,
    as_known_on,
    in_force_on,
    read_status,
    status_on,
)
from accords.version import Versioned


class AgreementSummary(BaseModel):
    id: str
    title: str
    sender: str = Field(description="The party that sends (alpha-3; EUE for the EU).")
    acting_sender: str | None = Field(description="The state that actually sends, if not sender.")
    receiver: str
    kind: str
    status: Status | None = Field(
        description="Status on the day asked (default: today), read no later than `as_of`."
    )
    status_since: str | None = Field(description="The date of the status change in effect.")
    status_as_of: date = Field(
        description="The day the status is read for: the day asked, or `as_of` if that is earlier."
    )
    status_text: str = Field(
        description="The status in words, e.g. 'in force as last confirmed on 2026-02-13'."
    )
    as_of: date = Field(description="The date the registry's record of this agreement stops.")
    transferred_people: str | None = Field(description="Latest reported total, conflicts kept.")

    @classmethod
    def of(cls, agreement: Agreement, day: date) -> AgreementSummary:
        row = agreement_row(agreement, day)
        reading = read_status(agreement, day)
        row |= {"status_as_of": reading.as_of, "status_text": reading.text()}
        return cls.model_validate({k: row[k] for k in cls.model_fields})


class ListOutput(Versioned):
    on: date
    agreements: list[AgreementSummary]


class View(BaseModel):
    as_known_on: date | None = Field(description="Only facts public by this day are included.")
    on: date | None = Field(description="Only terms and rulings holding on this day.")
    status: Status | None = Field(
        description="Status on `on` (or the as-known-on day, or today), never past the record."
    )
    status_as_of: date | None = Field(
        default=None,
        description="The day the status is read for: the day asked, or the record's end.",
    )
    status_text: str | None = Field(
        default=None, description="The status in words, e.g. 'in force since 2025-03-15'."
    )
    hidden_facts: int = Field(description="Facts left out by the view.")
    hidden_sources: int = Field(
        default=0, description="Sources left out as not yet public (of any fact, kept or not)."
    )
    hidden_note: str | None = Field(default=None, description="Why facts or sources are hidden.")


class ShowOutput(Versioned):
    view: View
    agreement: Agreement


class CompareRow(BaseModel):
    field: str
    values: list[Any]


class CompareOutput(Versioned):
    view: View
    ids: list[str]
    rows: list[CompareRow]


class ProblemOut(BaseModel):
    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    hint: str | None


class ValidateOutput(BaseModel):
    valid: bool
    data_version: str | None = Field(
        description="The files' data version with the shipped law and calibration (as "
        "`accords --version` prints it); null unless every file is valid."
    )
    files: list[str]
    agreements: list[str]
    problems: list[ProblemOut]


def filter_agreements(
    reg: Registry,
    day: date,
    sender: str | None = None,
    receiver: str | None = None,
    kind: Kind | None = None,
    status: Status | None = None,
) -> list[AgreementSummary]:
    """The list's rows, filtered as `accords agreements list` filters them (plus status).

    `sender` and `receiver` are codes (see `deps.party_param` for names)."""
    chosen = [
        a
        for a in reg
        if (not sender or sender in {a.sender, a.sending_state})
        and (not receiver or a.receiver == receiver)
        and (kind is None or a.kind is kind)
        and (status is None or status_on(a, day) is status)
    ]
    return [AgreementSummary.of(a, day) for a in chosen]


def view_agreement(
    agreement: Agreement, known_day: date | None, on_day: date | None
) -> tuple[Agreement, View]:
    """The agreement as known on one day and/or as it held on another, and what was left out."""
    viewed = agreement
    note = None
    if known_day is not None:
        viewed = as_known_on(viewed, known_day)
    known = viewed
    if on_day is not None:
        viewed = in_force_on(viewed, on_day)
    all_facts = [f for _, f in iter_facts(agreement)]
    hidden = len(all_facts) - len(list(iter_facts(viewed)))
    hidden_sources = sum(len(f.sources) for f in all_facts) - sum(
        len(f.sources) for _, f in iter_facts(known)
    )
    reading = read_status(viewed, on_day or known_day or date.today(), known_day)
    if known_day is not None:
        note = (
            f"Only sources public by {known_day} are shown; a source dated only by month or year "
            "counts from its last possible day. A fact none of whose sources was public yet is "
            "hidden."
        )
    if on_day is not None:
        held = f"Only the terms and rulings that held on {on_day} are shown."
        note = f"{note} {held}" if note else held
    return viewed, View(
        as_known_on=known_day,
        on=on_day,
        status=reading.status,
        status_as_of=reading.as_of,
        status_text=reading.text(),
        hidden_facts=hidden,
        hidden_sources=hidden_sources,
        hidden_note=note,
    )


def compare_rows(
    agreements: list[Agreement], day: date, *, words: bool = False
) -> list[CompareRow]:
    """Agreements side by side, one row per term (the `compare` command and the API).

    Values are codes (`in_force`) for JSON and CSV; with `words` they are the plain words a
    person reads (`in force`, nationalities and parties by name).
    """

    def say(value: StrEnum) -> str:
        return plain(value) if words else value.value

    def nat(a: Agreement) -> str:
        if words:
            return "; ".join(nationality_text(n, a.receiver) for n in a.terms.nationalities)
        return "; ".join(
            n.mode.value + (f" {','.join(n.codes)}" if n.codes else "")
            for n in a.terms.nationalities
        )

    def state(code: str) -> str:
        return party(code) if words else code

    def status(reading: StatusReading) -> str | None:
        """The code; in words, with the day it was last confirmed when the record ends first."""
        if reading.status is None:
            return None
        if not words:
            return reading.status.value
        if reading.past_record:
            return f"{plain(reading.status)} as last confirmed on {reading.as_of}"
        return f"{plain(reading.status)} since {reading.since}"

    getters: dict[str, Callable[[Agreement], object]] = {
        "title": lambda a: a.title,
        "sender": lambda a: state(a.acting_sender or a.sender),
        "receiver": lambda a: state(a.receiver),
        "kind": lambda a: say(a.kind),
        "legal_form": lambda a: a.legal_form.value if a.legal_form else None,
        "status": lambda a: status(read_status(a, day)),
        "first_status": lambda a: (
            f"{say(a.status[0].status)} {a.status[0].date}" if a.status else None
        ),
        "nationalities": nat,
        "categories": lambda a: "; ".join(
            (", " if words else ",").join(say(x) for x in c.any_of) for c in a.terms.categories
        ),
        "exclusions": lambda a: ", ".join(say(e.excludes) for e in a.terms.exclusions),
        "facilities": lambda a: "; ".join(f.name for f in a.terms.facilities),
        "price_schedule": lambda a: "; ".join(p.label for p in a.terms.price_schedule),
        "capacity": lambda a: "; ".join(capacity_text(c) for c in a.terms.capacity),
        "term_length": lambda a: "; ".join(term_length_text(t) for t in a.terms.term_length),
        "transferred_people": lambda a: AgreementSummary.of(a, day).transferred_people,
        "rulings": lambda a: len(a.rulings),
        "claims": lambda a: len(a.claims),
        "as_of": lambda a: a.as_of.isoformat(),
    }
    return [CompareRow(field=k, values=[get(a) for a in agreements]) for k, get in getters.items()]
