"""The person (case) schema, and the population frame it maps to.

Unknown is a value, not an error: every attribute but `id` and `present_in` may be null, and
the engine says what an unknown would change instead of guessing. A population file has one
column per field; list fields (citizenships, protection_against) are lists of alpha-3 codes,
or, in CSV, codes separated by `;` (an empty cell is unknown, `-` is the empty list).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import polars as pl
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from accords.registry.countries import state_from_code_or_name
from accords.registry.models import ArrivalMode, RemovalBasis

# A state as a person file gives it: its alpha-3 code or its English name, read as the code.
StateCode = Annotated[str, AfterValidator(state_from_code_or_name)]


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class AsylumClaim(StrEnum):
    NONE = "none"
    PENDING = "pending"
    GRANTED = "granted"
    DENIED = "denied"


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(min_length=1)
    present_in: StateCode = Field(description="The state the person is in (the sending state).")
    citizenships: list[StateCode] | None = Field(
        default=None, description="Every citizenship held; [] for stateless, null if unknown."
    )
    birth_date: date | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    sex: Sex | None = None
    immigration_status: str | None = None
    asylum_claim: AsylumClaim | None = None
    protection_against: list[StateCode] | None = Field(
        default=None, description="States to which non-refoulement applies; null if unknown."
    )
    final_removal_order: bool | None = None
    criminal_conviction: bool | None = None
    serving_sentence: bool | None = None
    gang_designation: bool | None = None
    arrival_date: date | None = None
    arrival_mode: ArrivalMode | None = None
    vulnerable: bool | None = None
    family_unit: bool | None = None
    removal_basis: RemovalBasis | None = None

    @model_validator(mode="after")
    def _age_or_birth(self) -> Person:
        if self.age is not None and self.birth_date is not None:
            raise ValueError("give either 'age' or 'birth_date', not both")
        return self


def _enum_values(enum: type[StrEnum]) -> list[str]:
    return [m.value for m in enum]


# The population frame: one column per Person field, with these polars types.
SCHEMA: dict[str, Any] = {
    "id": pl.String,
    "present_in": pl.String,
    "citizenships": pl.List(pl.String),
    "birth_date": pl.Date,
    "age": pl.Int16,
    "sex": pl.Enum(_enum_values(Sex)),
    "immigration_status": pl.String,
    "asylum_claim": pl.Enum(_enum_values(AsylumClaim)),
    "protection_against": pl.List(pl.String),
    "final_removal_order": pl.Boolean,
    "criminal_conviction": pl.Boolean,
    "serving_sentence": pl.Boolean,
    "gang_designation": pl.Boolean,
    "arrival_date": pl.Date,
    "arrival_mode": pl.Enum(_enum_values(ArrivalMode)),
    "vulnerable": pl.Boolean,
    "family_unit": pl.Boolean,
    "removal_basis": pl.Enum(_enum_values(RemovalBasis)),
}

REQUIRED_COLUMNS = ("id", "present_in")


def persons_frame(persons: list[Person]) -> pl.DataFrame:
    """Validated persons as a population frame (the one path the engine evaluates)."""
    rows = [p.model_dump(mode="python") for p in persons]
    for row in rows:
        for key in ("sex", "asylum_claim", "arrival_mode", "removal_basis"):
            if row[key] is not None:
                row[key] = str(row[key].value) if hasattr(row[key], "value") else row[key]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
