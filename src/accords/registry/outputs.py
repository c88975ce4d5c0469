"""The machine-readable shapes of `--json` output, as models so their JSON Schema is generated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from accords.registry.export import agreement_row, iter_facts
from accords.registry.models import Agreement, Status
from accords.registry.views import as_known_on, in_force_on, status_on


class AgreementSummary(BaseModel):
    id: str
    title: str
    sender: str = Field(description="The party that sends (alpha-3; EUE for the EU).")
    acting_sender: str | None = Field(description="The state that actually sends, if not sender.")
    receiver: str
    kind: str
    status: Status | None = Field(description="Status on the day asked (default: today).")
    status_since: str | None
    as_of: date = Field(description="The date the registry's record of this agreement stops.")
    transferred_people: str | None = Field(description="Latest reported total, conflicts kept.")

    @classmethod
    def of(cls, agreement: Agreement, day: date) -> AgreementSummary:
        row = agreement_row(agreement, day)
        return cls.model_validate({k: row[k] for k in cls.model_fields})


class ListOutput(BaseModel):
    on: date
    agreements: list[AgreementSummary]


class View(BaseModel):
    as_known_on: date | None = Field(description="Only facts public by this day are included.")
    on: date | None = Field(description="Only terms and rulings holding on this day.")
    status: Status | None = Field(description="Status on `on` (or today).")
    hidden_facts: int = Field(description="Facts left out by the view.")


class ShowOutput(BaseModel):
    view: View
    agreement: Agreement


class CompareRow(BaseModel):
    field: str
    values: list[Any]


class CompareOutput(BaseModel):
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
    files: list[str]
    agreements: list[str]
    problems: list[ProblemOut]


def view_agreement(
    agreement: Agreement, known_day: date | None, on_day: date | None
) -> tuple[Agreement, View]:
    """The agreement as known on one day and/or as it held on another, and what was left out."""
    viewed = agreement
    if known_day is not None:
        viewed = as_known_on(viewed, known_day)
    if on_day is not None:
        viewed = in_force_on(viewed, on_day)
    hidden = len(list(iter_facts(agreement))) - len(list(iter_facts(viewed)))
    status = status_on(viewed, on_day or known_day or date.today())
    return viewed, View(as_known_on=known_day, on=on_day, status=status, hidden_facts=hidden)


def compare_rows(agreements: list[Agreement], day: date) -> list[CompareRow]:
    """Agreements side by side, one row per term (the `compare` command and the API)."""

    def nat(a: Agreement) -> str:
        return "; ".join(
            n.mode.value + (f" {','.join(n.codes)}" if n.codes else "")
            for n in a.terms.nationalities
        )

    getters: dict[str, Callable[[Agreement], object]] = {
        "title": lambda a: a.title,
        "sender": lambda a: a.acting_sender or a.sender,
        "receiver": lambda a: a.receiver,
        "kind": lambda a: a.kind.value,
        "legal_form": lambda a: a.legal_form.value if a.legal_form else None,
        "status": lambda a: s.value if (s := status_on(a, day)) else None,
        "first_status": lambda a: (
            f"{a.status[0].status.value} {a.status[0].date}" if a.status else None
        ),
        "nationalities": nat,
        "categories": lambda a: "; ".join(
            ",".join(x.value for x in c.any_of) for c in a.terms.categories
        ),
        "exclusions": lambda a: ", ".join(e.excludes.value for e in a.terms.exclusions),
        "facilities": lambda a: "; ".join(f.name for f in a.terms.facilities),
        "price_schedule": lambda a: "; ".join(p.label for p in a.terms.price_schedule),
        "quotas": lambda a: "; ".join(q.label for q in a.terms.quotas),
        "transferred_people": lambda a: AgreementSummary.of(a, day).transferred_people,
        "rulings": lambda a: len(a.rulings),
        "claims": lambda a: len(a.claims),
        "as_of": lambda a: a.as_of.isoformat(),
    }
    return [CompareRow(field=k, values=[get(a) for a in agreements]) for k, get in getters.items()]
