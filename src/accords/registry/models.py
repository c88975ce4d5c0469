"""The registry's domain model: agreements as cited, bitemporal facts.

Every fact (a status change, a term, a figure, a ruling, a claim) carries its sources and two
kinds of time: when it held (`valid_from`/`valid_to`, or the date of a status change) and when
it became public (`public_from`, by default the earliest date among its sources). The views in
`accords.registry.views` read these to answer "as known on K" and "in force on D".

A figure the sources do not give is `null` with a `note`, never a guess. Every fact also says how
it is known (`basis`): a source states it, the registry infers it (and the note says from what),
or it is reported practice (what was done, not what was agreed).
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from accords.registry.countries import check_party, check_state
from accords.registry.dates import FuzzyDate

StateCode = Annotated[str, AfterValidator(check_state)]
PartyCode = Annotated[str, AfterValidator(check_party)]


def _check_currency(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, GBP, EUR, AUD)")
    return code


CurrencyCode = Annotated[str, AfterValidator(_check_currency)]


class Strict(BaseModel):
    """A model of facts someone wrote down: unknown fields and non-finite numbers are errors.

    A typo in a field name would otherwise drop a fact silently, and `.inf` or `.nan` would
    flow into every figure computed from it. Documents are validated in strict mode too
    (`accords.validation.validate_strictly`): no boolean as a number, no number as a date.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_enum_values=False, allow_inf_nan=False
    )


class Reliability(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Source(Strict):
    """A page a fact was read on, with the exact words it rests on."""

    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    publisher: str | None = None
    original: str | None = Field(
        default=None, description="The outlet whose copy this page reprints (e.g. AP, Reuters)."
    )
    date: FuzzyDate | None = Field(
        default=None, description="The page's date; null when the page shows none."
    )
    date_note: str | None = None
    quote: str = Field(min_length=1)
    reliability: Reliability | None = None


class Basis(StrEnum):
    """How a fact is known, so an explanation never presents a reading as a source's words."""

    STATED = "stated"
    INFERRED = "inferred"
    REPORTED_PRACTICE = "reported_practice"


class Fact(Strict):
    """Anything the registry asserts: at least one source, and when it became public."""

    sources: list[Source] = Field(min_length=1)
    public_from: FuzzyDate | None = Field(
        default=None,
        description="When the fact became public; default: the earliest source date.",
    )
    note: str | None = None
    basis: Basis = Field(
        default=Basis.STATED,
        description=(
            "stated: a source's quote states the value; inferred: the registry's reading of the "
            "sources, explained in `note`; reported_practice: what was done (e.g. who was sent), "
            "not what was agreed."
        ),
    )

    @model_validator(mode="after")
    def _inference_explained(self) -> Fact:
        if self.basis is Basis.INFERRED and not self.note:
            raise ValueError("basis 'inferred' needs a 'note' saying what it is inferred from")
        return self

    def known_from(self) -> date | None:
        """The first day the public record certainly held this fact."""
        if self.public_from is not None:
            return self.public_from.latest
        dated = [s.date.latest for s in self.sources if s.date is not None]
        return min(dated) if dated else None


MAX_AMOUNT = 1e13


class Money(Strict):
    """An amount in one currency and price year: never converted silently."""

    amount: float | None = Field(
        ge=0,
        le=MAX_AMOUNT,
        description="null when the sources do not give it; at most 10^13 (no agreement's sum "
        "comes near it, and costs computed from it stay finite)",
    )
    currency: CurrencyCode
    price_year: int = Field(ge=1900, le=2100)


class Status(StrEnum):
    """Where an arrangement stands. `negotiating`: talks reported, nothing agreed yet."""

    NEGOTIATING = "negotiating"
    ANNOUNCED = "announced"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    ENDED = "ended"


ENABLING = {Status.ANNOUNCED, Status.SIGNED, Status.IN_FORCE}


class StatusChange(Fact):
    """From `date` on, the agreement had `status` (until the next change)."""

    status: Status
    date: FuzzyDate
    by: str | None = Field(default=None, description="Who made the change (a court, a government).")

    def effective(self) -> dt.date:
        """The day the change counts from when the date is fuzzy.

        An agreement is never treated as in force on a day the record cannot show it was: a
        change towards force counts from its latest possible day, a suspension or end from its
        earliest.
        """
        return self.date.latest if self.status in ENABLING else self.date.earliest


class Kind(StrEnum):
    THIRD_COUNTRY_REMOVAL = "third_country_removal"
    SAFE_THIRD_COUNTRY = "safe_third_country"
    OFFSHORE_PROCESSING = "offshore_processing"
    READMISSION = "readmission"
    DETENTION_OUTSOURCING = "detention_outsourcing"
    TRANSIT = "transit"


class NationalityMode(StrEnum):
    ANY = "any"
    LISTED = "listed"
    OWN_NATIONALS = "own_nationals"
    UNKNOWN = "unknown"


class Nationalities(Fact):
    """Which nationalities the receiver takes.

    `own_nationals`: only its own citizens (a return). `listed`: the codes in `codes` (the
    receiver's own citizens too when `include_own_nationals`). `any`: every nationality except
    `excluded`. `unknown`: the sources do not say; no case is ever covered on an unknown term.
    """

    mode: NationalityMode
    codes: list[StateCode] = Field(default_factory=list)
    excluded: list[StateCode] = Field(default_factory=list)
    include_own_nationals: bool = True
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = None

    @model_validator(mode="after")
    def _codes_match_mode(self) -> Nationalities:
        if self.mode is NationalityMode.LISTED and not self.codes:
            raise ValueError("mode 'listed' needs at least one code in 'codes'")
        if self.mode is not NationalityMode.LISTED and self.codes:
            raise ValueError(f"'codes' is only used with mode 'listed', not {self.mode.value!r}")
        return self


class Category(StrEnum):
    """Who, by their record, an agreement is for. A person is covered by any one of them."""

    ANY = "any"
    CONVICTED = "convicted"
    SERVING_SENTENCE = "serving_sentence"
    GANG_DESIGNATED = "gang_designated"
    FINAL_ORDER = "final_order"
    ASYLUM_SEEKER = "asylum_seeker"
    IRREGULAR_ARRIVAL = "irregular_arrival"
    INTERCEPTED_AT_SEA = "intercepted_at_sea"
    LAND_PORT_ARRIVAL = "land_port_arrival"


class Categories(Fact):
    any_of: list[Category] = Field(min_length=1)
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = None


class Exclusion(StrEnum):
    MINORS = "minors"
    UNACCOMPANIED_MINORS = "unaccompanied_minors"
    WOMEN = "women"
    VULNERABLE = "vulnerable"
    FAMILIES = "families"
    CONVICTED = "convicted"


class ExclusionTerm(Fact):
    excludes: Exclusion
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = None


class ArrivalMode(StrEnum):
    LAND_PORT = "land_port"
    LAND_IRREGULAR = "land_irregular"
    AIR = "air"
    SEA_IRREGULAR = "sea_irregular"
    INTERCEPTED_AT_SEA = "intercepted_at_sea"
    UNKNOWN = "unknown"


class ArrivalTerm(Fact):
    """Arrival conditions: how and when a person must have arrived to be covered."""

    modes: list[ArrivalMode] = Field(default_factory=list)
    on_or_after: FuzzyDate | None = None
    within_days_of_arrival: int | None = Field(default=None, ge=1)
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = None


class Quantity(Fact):
    """A count with its unit, or null when the sources give none."""

    value: float | None = Field(ge=0)
    unit: str = "people"


CAPACITY_KINDS_HINT = (
    "give each number with what it limits in terms.capacity: kind places, "
    "transfers_per_period with period_months, total or batch; see docs/registry.md"
)


class Facility(Fact):
    """A place where people are held; `capacity` is the facility's own size, not a promise.

    What the agreement promises (places held at once, a total, a cap per period) is in
    `terms.capacity`, each with its kind.
    """

    retired_fields: ClassVar[dict[str, str]] = {"agreed_places": CAPACITY_KINDS_HINT}

    name: str
    location: str | None = None
    capacity: Quantity | None = None


class PriceKind(StrEnum):
    LUMP_SUM = "lump_sum"
    PER_PERSON_TRANSFERRED = "per_person_transferred"
    PER_PERSON_YEAR = "per_person_year"
    PER_PERSON_MONTH = "per_person_month"
    THRESHOLD_PAYMENT = "threshold_payment"
    PER_PERSON_PROCESSING = "per_person_processing"
    PER_PERSON_DEPARTURE = "per_person_departure"


class PriceItem(Fact):
    """One line of an agreement's price schedule."""

    id: str
    kind: PriceKind
    money: Money
    threshold_people: int | None = Field(
        default=None, description="For threshold payments: paid once this many are relocated."
    )
    up_to: bool = Field(default=False, description="The amount is a ceiling, not a fixed price.")
    label: str

    @model_validator(mode="after")
    def _threshold(self) -> PriceItem:
        if (self.kind is PriceKind.THRESHOLD_PAYMENT) != (self.threshold_people is not None):
            raise ValueError("'threshold_people' is set exactly when kind is 'threshold_payment'")
        return self


class CapacityKind(StrEnum):
    """What a number of people in an agreement limits: these are different promises.

    `places`: people held at once (the stock). `transfers_per_period`: people sent within each
    `period_months`. `total`: people sent over the agreement's life. `batch`: people per transfer
    (a flight, a group).
    """

    PLACES = "places"
    TRANSFERS_PER_PERIOD = "transfers_per_period"
    TOTAL = "total"
    BATCH = "batch"


class Capacity(Fact):
    """One limit on how many people, of one kind, with its own source."""

    kind: CapacityKind
    people: int | None = Field(ge=0, description="null when the sources give no number")
    period_months: int | None = Field(
        default=None, ge=1, description="The period of a transfers_per_period limit."
    )
    label: str
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = None

    @model_validator(mode="after")
    def _period(self) -> Capacity:
        if (self.kind is CapacityKind.TRANSFERS_PER_PERIOD) != (self.period_months is not None):
            raise ValueError("'period_months' is set exactly when kind is 'transfers_per_period'")
        return self


class TermSubject(StrEnum):
    AGREEMENT = "agreement"
    STAY = "stay"


class TermLength(Fact):
    """How long the arrangement runs (`agreement`) or each person is held (`stay`), and renewal.

    `renewable` is null when the sources do not say; `renewal` gives their words on it (and who
    said it).
    """

    applies_to: TermSubject = TermSubject.AGREEMENT
    months: float | None = Field(ge=0, description="null when the sources give no length")
    renewable: bool | None = None
    renewal: str | None = None
    label: str


class Terms(Strict):
    # Fields of older files, each with what replaced it: an old file is refused with this hint.
    retired_fields: ClassVar[dict[str, str]] = {
        "quotas": CAPACITY_KINDS_HINT,
        "duration_months": (
            "give how long the agreement runs or each person is held in terms.term_length: "
            "applies_to agreement or stay, months, renewable; see docs/registry.md"
        ),
    }

    nationalities: list[Nationalities] = Field(default_factory=list)
    categories: list[Categories] = Field(default_factory=list)
    exclusions: list[ExclusionTerm] = Field(default_factory=list)
    arrival: list[ArrivalTerm] = Field(default_factory=list)
    facilities: list[Facility] = Field(default_factory=list)
    price_schedule: list[PriceItem] = Field(default_factory=list)
    capacity: list[Capacity] = Field(default_factory=list)
    term_length: list[TermLength] = Field(default_factory=list)


class Metric(StrEnum):
    TRANSFERRED = "transferred"
    TRANSFERRED_TOTAL = "transferred_total"
    RETURNED = "returned"
    HELD = "held"
    PAID = "paid"
    COMMITTED = "committed"
    COST_REPORTED = "cost_reported"
    OTHER = "other"


class ReportedNumber(Fact):
    """A figure reported about the agreement, for the date it refers to."""

    metric: Metric
    label: str
    refers_to: FuzzyDate
    people: float | None = Field(default=None, ge=0)
    money: Money | None = None

    @model_validator(mode="after")
    def _has_value_kind(self) -> ReportedNumber:
        if self.people is None and self.money is None and self.note is None:
            raise ValueError("a reported number needs 'people', 'money', or a 'note' on why null")
        return self


class RulingEffect(StrEnum):
    """What a ruling does to removals under the agreement while it is in force."""

    NONE = "none"
    SUSPENDS_AGREEMENT = "suspends_agreement"
    RECEIVING_STATE_UNSAFE = "receiving_state_unsafe"
    BARS_CLASS = "bars_class"


class RemovalBasis(StrEnum):
    ORDINARY = "ordinary"
    ALIEN_ENEMIES_ACT = "alien_enemies_act"


class ClassFilter(Strict):
    """The class of persons a ruling protects; every field given must match."""

    nationalities: list[StateCode] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    removal_basis: list[RemovalBasis] = Field(default_factory=list)
    description: str


class Ruling(Fact):
    id: str
    court: str
    case: str
    decided: FuzzyDate
    holding: str
    effect: RulingEffect = RulingEffect.NONE
    class_filter: ClassFilter | None = None
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = Field(
        default=None, description="The day the ruling stopped binding (exclusive), if it did."
    )

    @model_validator(mode="after")
    def _class(self) -> Ruling:
        if (self.effect is RulingEffect.BARS_CLASS) != (self.class_filter is not None):
            raise ValueError("'class_filter' is set exactly when effect is 'bars_class'")
        return self


class ClaimKind(StrEnum):
    CLAIM = "claim"
    OFFER = "offer"
    CLARIFICATION = "clarification"
    CORRECTION = "correction"
    CONTRADICTION = "contradiction"
    DENIAL = "denial"
    NARRATION = "narration"
    LEGAL_OPINION = "legal_opinion"


class Speaker(Strict):
    name: str = Field(description="A person's name, or who they are when unnamed.")
    role: str | None = None
    affiliation: str | None = None


class Claim(Fact):
    """A statement about a term by a named speaker, never overwritten by later ones.

    `responds_to` links a clarification, contradiction or narration to the claims it answers,
    so a reader sees each claim beside everything said about it later.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    topic: str
    term: str | None = Field(default=None, description="The term it is about, e.g. nationalities.")
    kind: ClaimKind
    speaker: Speaker
    said_on: FuzzyDate
    words: str = Field(min_length=1, description="The exact words, as the source gives them.")
    responds_to: list[str] = Field(default_factory=list)


class TextFact(Fact):
    value: str


class Agreement(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    sender: PartyCode
    receiver: StateCode
    acting_sender: StateCode | None = Field(
        default=None, description="The state that actually sends, when the sender is not a state."
    )
    kind: Kind
    legal_form: TextFact | None = Field(
        default=None, description="Required in registry files; absent in views before it was known."
    )
    summary: str
    as_of: date = Field(description="The date the registry's record of this agreement stops.")
    status: list[StatusChange] = Field(default_factory=list)
    terms: Terms
    numbers: list[ReportedNumber] = Field(default_factory=list)
    rulings: list[Ruling] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)

    @property
    def sending_state(self) -> str:
        return self.acting_sender or self.sender
