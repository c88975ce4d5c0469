"""The machine-readable shapes of `--json` output, as models so their JSON Schema is generated."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from accords.registry.export import agreement_row
from accords.registry.models import Agreement, Status


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
