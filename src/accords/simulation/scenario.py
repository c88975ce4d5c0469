"""The scenario: everything a run depends on besides the registry, the code and the seed.

A scenario is a YAML file validated here through `accords.validation.load_model`, so a mistake
is reported with its file, line and field. Every number a scenario holds is either taken from a
cited calibration table (`calibration:` names it) or is the user's own assumption; the model
never fills a gap with a figure of its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from accords.registry.countries import state_from_code_or_name
from accords.registry.models import ArrivalMode, Money, Strict
from accords.validation import load_model

# ICAO Doc 9303's code for an unspecified nationality: the calibration tables give removals for
# a few countries and a total, so the rest are "some other nationality", never a guessed one.
OTHER_NATIONALITY = "XXX"


def _nationality(code: str) -> str:
    return code if code == OTHER_NATIONALITY else state_from_code_or_name(code)


StateCode = Annotated[str, AfterValidator(state_from_code_or_name)]  # code or English name
# A web address without spaces or control characters, spelled so that Python and JSON Schema
# (ECMA 262) regular expressions read it alike: their `\s` differ at U+001C-001F, U+0085, U+FEFF.
URL = r"^https?://[^\s\x00-\x1f\x7f-\x9f\ufeff]+$"
NationalityCode = Annotated[str, AfterValidator(_nationality)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


def first_of_month(value: object) -> object:
    """`2025-02` or a date: a scenario runs in whole months, so the day is dropped."""
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    if isinstance(value, str) and len(value) in (7, 10):
        try:
            return first_of_month(date.fromisoformat(value if len(value) == 10 else f"{value}-01"))
        except ValueError:
            return value  # refused by the date field, with its line
    return value


# The months a scenario may start in: a run's dates stay within what dates can hold, and a
# typo such as 0225 is refused rather than simulated.
FIRST_START, LAST_START = date(1900, 1, 1), date(2199, 12, 1)

def _start_in_range(month: date) -> date:
    if not FIRST_START <= month <= LAST_START:
        raise ValueError(
            f"a scenario starts from {FIRST_START:%Y-%m} to {LAST_START:%Y-%m}, "
            f"not {month.year:04d}-{month.month:02d}"
        )
    return month


# A month, given as `2025-02` or as any day in it; validated per field, so the rest of a
# document keeps its strict JSON reading (a model-level "before" step would lose it).
Month = Annotated[date, BeforeValidator(first_of_month)]


class SyntheticPopulation(Strict):
    """A synthetic population (labelled synthetic in every output).

    Shares left null come from the calibration tables; a share with no table behind it defaults
    to 0 (nobody), so a figure is never made up on the user's behalf.
    """

    size: int = Field(ge=1, le=50_000_000, description="Persons entering over the horizon.")
    calibration: Literal["usa-fy2024", "usa-2025"] | None = Field(
        default=None, description="Cited tables for nationality and criminal-history shares."
    )
    nationalities: dict[NationalityCode, float] | None = Field(
        default=None, description="Shares by nationality (normalised); overrides calibration."
    )
    criminal_conviction_share: Share | None = None
    gang_designated_share: Share = 0.0
    true_citizen_share: Share = Field(
        default=0.0, description="Share who are in truth citizens of the sending state."
    )
    protected_status_share: Share = Field(
        default=0.0, description="Share granted asylum or refugee status (in truth)."
    )
    asylum_pending_share: Share = Field(
        default=0.0,
        description="Share with an asylum claim pending (on the record and in truth), among "
        "those not granted.",
    )
    protection_against_nationality_share: Share = Field(
        default=0.0, description="Share protected against return to their own country."
    )
    protection_against: dict[StateCode, Share] = Field(
        default_factory=dict, description="Share protected against each third country."
    )
    minor_share: Share | None = Field(default=None, description="null: age unknown")
    female_share: Share | None = Field(default=None, description="null: sex unknown")
    vulnerable_share: Share | None = Field(default=None, description="null: unknown")
    arrival_modes: dict[ArrivalMode, float] | None = Field(
        default=None, description="Shares by arrival mode; null: unknown."
    )

    @model_validator(mode="after")
    def _has_nationalities(self) -> SyntheticPopulation:
        if self.nationalities is None and self.calibration is None:
            raise ValueError("give 'nationalities' shares or a 'calibration' to draw them from")
        for name, shares in (
            ("nationalities", self.nationalities),
            ("arrival_modes", self.arrival_modes),
        ):
            if shares is not None and (
                not shares or sum(shares.values()) <= 0 or min(shares.values()) < 0
            ):
                raise ValueError(f"'{name}' needs non-negative shares with a positive sum")
        return self


class PopulationSpec(Strict):
    """Either a synthetic population or a user's file (CSV or Parquet, in the person schema).

    A file is the truth about its persons; the scenario's record errors are drawn on top of it.
    Its persons enter in file order.
    """

    synthetic: SyntheticPopulation | None = None
    file: Path | None = None

    @model_validator(mode="after")
    def _one(self) -> PopulationSpec:
        if (self.synthetic is None) == (self.file is None):
            raise ValueError("give exactly one of 'synthetic' or 'file'")
        if self.file is not None and self.file.suffix.lower() not in {".csv", ".parquet"}:
            raise ValueError(f"population file must be .csv or .parquet, got {self.file.name!r}")
        return self


class Distribution(StrEnum):
    """How a duration in months is drawn around its mean: exactly it, or geometric."""

    FIXED = "fixed"
    GEOMETRIC = "geometric"


class PeriodCap(Strict):
    """At most `people` sent within each `months` (periods count from the agreement's first
    day in force)."""

    people: int = Field(ge=0)
    months: int = Field(ge=1, le=600)


class AgreementUse(Strict):
    """An agreement from the registry, with the scenario's overrides of its terms.

    Every override replaces the registry's terms of its kind for this agreement only; what is
    not overridden comes from the registry (`terms.capacity`, `terms.term_length`).
    """

    id: str
    places: int | None = Field(
        default=None, ge=0, description="Places held at once (replaces the registry's places)."
    )
    unlimited_places: bool = Field(
        default=False, description="Ignore the registry's places (no limit on people held)."
    )
    transfers_per_month: int | None = Field(
        default=None,
        ge=0,
        description="At most this many sent each month; the same as transfers_per_period with "
        "months 1 (transfers_per_period wins where both are given).",
    )
    transfers_per_period: PeriodCap | None = Field(
        default=None,
        description="At most `people` sent in each `months` (replaces the registry's caps per "
        "period).",
    )
    total_transfers: int | None = Field(
        default=None,
        ge=0,
        description="At most this many sent over the run (replaces the registry's total).",
    )
    unlimited_transfers: bool = Field(
        default=False,
        description="Ignore the registry's caps per period and in total (the scenario's own "
        "caps still apply).",
    )
    batch_size: int | None = Field(
        default=None,
        ge=1,
        description="Transfers go in whole groups of this size; the rest wait (replaces the "
        "registry's batch).",
    )
    renewed: bool | None = Field(
        default=None,
        description="Whether the agreement's stated term is renewed, so transfers go on after "
        "it; null: the scenario's `renew_agreements`.",
    )
    stay_months: float | None = Field(default=None, ge=1, description="How long a person is held.")
    stay_distribution: Distribution = Distribution.FIXED
    price_per_person_year: Money | None = None
    price_per_transfer: Money | None = None
    in_force_from: date | None = None
    ends: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AgreementUse:
        if self.in_force_from and self.ends and self.ends <= self.in_force_from:
            raise ValueError("'ends' must come after 'in_force_from'")
        return self

    def per_period(self) -> tuple[int, int] | None:
        """The scenario's cap per period as (people, months), if it gives one."""
        if self.transfers_per_period is not None:
            return self.transfers_per_period.people, self.transfers_per_period.months
        if self.transfers_per_month is not None:
            return self.transfers_per_month, 1
        return None


class OrdinaryReturns(Strict):
    """Removals to a person's own country outside any agreement in the registry.

    Most removals need no agreement (e.g. 87,298 to Mexico in FY2024). The engine still applies
    the sending state's law to them through a readmission-like rule built from `source`.
    """

    nationalities: list[StateCode] = Field(min_length=1)
    transfers_per_month: int | None = Field(default=None, ge=0)
    source_url: str | None = Field(default=None, pattern=URL)
    source_quote: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _source_pair(self) -> OrdinaryReturns:
        if (self.source_url is None) != (self.source_quote is None):
            raise ValueError("give both 'source_url' and 'source_quote', or neither")
        return self


class Pipeline(Strict):
    """How cases move: entries, final orders and the courts."""

    entries_per_month: float | None = Field(
        default=None, gt=0, description="Mean (Poisson); null: the population enters uniformly."
    )
    months_to_final_order: float = Field(default=1.0, ge=1.0)
    final_order_distribution: Distribution = Distribution.GEOMETRIC
    share_challenged: Share = 0.0
    court_block_probability: Share = 0.0
    court_delay_months: float = Field(default=1.0, ge=1.0)
    challenge_returns: bool = Field(
        default=False, description="Whether returns to a person's own country are challenged too."
    )


class RecordErrors(Strict):
    """Errors in the sender's records: the engine sees the record, outcomes count the truth."""

    citizen_recorded_as_noncitizen: Share = 0.0
    protection_dropped: Share = 0.0


class Costs(Strict):
    """The sender's own costs, each in its own currency."""

    detention_per_day: Money | None = None
    transport_per_person: Money | None = None
    days_per_month: int = Field(default=30, ge=28, le=31)


class Scenario(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    sender: StateCode
    start: Annotated[
        Month,
        AfterValidator(_start_in_range),
        Field(description="First month (YYYY-MM), from 1900-01 to 2199-12."),
    ]
    horizon_months: int = Field(ge=1, le=600)
    population: PopulationSpec
    agreements: list[AgreementUse] | None = Field(
        default=None, description="Registry ids in priority order; omitted: all of the sender's."
    )
    compare_without: list[str] = Field(
        default_factory=list,
        description="Agreements to compare against: the run is repeated without them, on the "
        "same random draws, and the difference reported.",
    )
    ordinary_returns: OrdinaryReturns | None = None
    renew_agreements: bool = Field(
        default=False,
        description="Whether agreements whose stated term (`term_length`, applies_to agreement) "
        "runs out within the horizon are taken as renewed, so transfers go on; false: they "
        "stop when the term ends. An agreement's own `renewed` overrides it.",
    )
    pipeline: Pipeline = Pipeline()
    record_errors: RecordErrors = RecordErrors()
    costs: Costs = Costs()
    replicas: int = Field(default=10, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="At most 2^63 - 1.")

    @field_validator("agreements")
    @classmethod
    def _unique_agreements(cls, uses: list[AgreementUse] | None) -> list[AgreementUse] | None:
        ids = [a.id for a in uses or []]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"agreements listed twice: {', '.join(dupes)}")
        return uses

    def digest(self) -> str:
        """A stable hash of the resolved scenario, for provenance."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


class OverrideError(ValueError):
    """An override that does not apply to this scenario (field, message)."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


@dataclass(frozen=True)
class Overrides:
    """The parameters a command line, a form or a query may change without editing a scenario.

    Applied in one place (`apply`), by `accords simulate`, the HTTP API and `accords.simulate`
    alike, so the run store records exactly what runs.
    """

    replicas: int | None = None
    seed: int | None = None
    size: int | None = None
    horizon_months: int | None = None
    # agreements to compare against, added to the scenario's own `compare_without`
    compare_without: tuple[str, ...] = ()
    # (agreement id, field of its `AgreementUse`, value as JSON data) for agreements the scenario
    # names: ("usa-slv-2025", "places", 150) or ("usa-slv-2025", "ends", "2025-09-30")
    terms: tuple[tuple[str, str, Any], ...] = ()
    # (dotted field path, value as JSON data) of the scenario's own settings:
    # ("pipeline.share_challenged", 0.3), ("record_errors.protection_dropped", 0.01)
    values: tuple[tuple[str, Any], ...] = ()

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario with these values, validated again.

        Raises pydantic's ValidationError for a value out of range, and `OverrideError` for a
        population size given to a scenario whose population is a file, a term given to an
        agreement the scenario does not name, or a path that is not one of its settings.
        """
        if self == Overrides():
            return scenario
        data: dict[str, Any] = scenario.model_dump(mode="json")
        for name in ("replicas", "seed", "horizon_months"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.size is not None:
            if data["population"].get("synthetic") is None:
                raise OverrideError("size", "the scenario has no synthetic population")
            data["population"]["synthetic"]["size"] = self.size
        for agreement_id, name, value in self.terms:
            uses = data.get("agreements") or []
            use = next((u for u in uses if u["id"] == agreement_id), None)
            if use is None:
                named = ", ".join(u["id"] for u in uses) or "none: it uses all of the sender's"
                raise OverrideError(
                    f"{name}[{agreement_id}]",
                    f"{agreement_id} is not among the agreements the scenario names ({named})",
                )
            if name not in AgreementUse.model_fields or name == "id":
                raise OverrideError(f"{name}[{agreement_id}]", f"{name!r} is not an agreement term")
            use[name] = value
            if name == "places" and value is not None:  # a number replaces "no limit"
                use["unlimited_places"] = False
        for path, value in self.values:
            *parents, leaf = path.split(".")
            node: Any = data
            for part in parents:
                node = node.get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict) or leaf not in node:
                raise OverrideError(path, f"{path!r} is not a setting of the scenario")
            node[leaf] = value
        if self.compare_without:
            data["compare_without"] = list(
                dict.fromkeys([*data["compare_without"], *self.compare_without])
            )
        return Scenario.model_validate(data)


def default_scenario_path() -> Path:
    return Path(str(resources.files("accords") / "data" / "scenarios" / "default.yaml"))


def load_scenario(path: Path | None = None, text: str | None = None) -> Scenario:
    """A validated scenario; a relative population path is read from the scenario's folder."""
    source = path or default_scenario_path()
    scenario, _ = load_model(source, Scenario, text)
    pop = scenario.population
    if pop.file is not None and not pop.file.is_absolute():
        scenario = scenario.model_copy(
            update={"population": PopulationSpec(file=(source.parent / pop.file).resolve())}
        )
    return scenario


def example_text() -> str:
    """The commented example that `accords simulate --init` writes: the default scenario."""
    return default_scenario_path().read_text(encoding="utf-8")
