"""Money: agreements' price schedules and the sender's own costs, charged by one table.

An amount is never converted: every cost line keeps its currency, and totals are reported per
currency. `CostKind` names every kind of cost a run charges (an agreement's price kinds and the
sender's own), and `CHARGES` says, for each, when it is charged and on what; the monthly model
(through `Ledger`), the published-figure tests and the documentation all read that one table.
A sender's own line applies to every destination.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from accords.registry.models import Agreement, PriceItem, PriceKind
from accords.simulation.scenario import AgreementUse, Costs


class CostKind(StrEnum):
    """Every kind of cost a run charges: each `PriceKind` of the registry, and the sender's own."""

    LUMP_SUM = PriceKind.LUMP_SUM.value
    PER_PERSON_TRANSFERRED = PriceKind.PER_PERSON_TRANSFERRED.value
    PER_PERSON_YEAR = PriceKind.PER_PERSON_YEAR.value
    PER_PERSON_MONTH = PriceKind.PER_PERSON_MONTH.value
    THRESHOLD_PAYMENT = PriceKind.THRESHOLD_PAYMENT.value
    PER_PERSON_PROCESSING = PriceKind.PER_PERSON_PROCESSING.value
    PER_PERSON_DEPARTURE = PriceKind.PER_PERSON_DEPARTURE.value
    DETENTION_PER_DAY = "detention_per_day"
    TRANSPORT_PER_PERSON = "transport_per_person"


class Event(StrEnum):
    """When the model charges a cost."""

    TRANSFER = "at each transfer"
    RELEASE = "at each release from the receiver's custody"
    MONTH_END = "at each month's end"


class Basis(StrEnum):
    """What a cost is charged on, at its event."""

    PERSONS = "persons transferred or released"
    HELD = "persons the receiver holds"
    CUSTODY_DAYS = "person-days in the sender's custody"
    FIRST_MONTH_IN_FORCE = "once, when the agreement is first in force"
    THRESHOLD = "once, when cumulative transfers reach the threshold"


@dataclass(frozen=True)
class Charge:
    """When a kind of cost is charged, on what, and for how many units its amount is."""

    event: Event
    basis: Basis
    words: str
    units: float = 1.0  # the amount is for this many units of the basis (12 month-ends a year)


CHARGES: dict[CostKind, Charge] = {
    CostKind.LUMP_SUM: Charge(
        Event.MONTH_END,
        Basis.FIRST_MONTH_IN_FORCE,
        "once, in the first simulated month the agreement is in force",
    ),
    CostKind.PER_PERSON_TRANSFERRED: Charge(
        Event.TRANSFER, Basis.PERSONS, "at each transfer, per person"
    ),
    CostKind.PER_PERSON_YEAR: Charge(
        Event.MONTH_END,
        Basis.HELD,
        "each month, 1/12 of the price per person the receiver holds at the month's end",
        units=12,
    ),
    CostKind.PER_PERSON_MONTH: Charge(
        Event.MONTH_END,
        Basis.HELD,
        "each month, per person the receiver holds at the month's end",
    ),
    CostKind.THRESHOLD_PAYMENT: Charge(
        Event.TRANSFER,
        Basis.THRESHOLD,
        "once, in the month cumulative transfers to the destination reach the threshold",
    ),
    CostKind.PER_PERSON_PROCESSING: Charge(
        Event.TRANSFER,
        Basis.PERSONS,
        "at each transfer, per person, in full: where the schedule says 'up to' this is a "
        "ceiling, so the total is an upper bound (the run says so)",
    ),
    CostKind.PER_PERSON_DEPARTURE: Charge(
        Event.RELEASE,
        Basis.PERSONS,
        "at each release from the receiver's custody (end of stay or of the agreement), per person",
    ),
    CostKind.DETENTION_PER_DAY: Charge(
        Event.MONTH_END,
        Basis.CUSTODY_DAYS,
        "each month, per person-day in the sender's custody (the month-end count × days per month)",
    ),
    CostKind.TRANSPORT_PER_PERSON: Charge(
        Event.TRANSFER, Basis.PERSONS, "at each transfer to any destination, per person"
    ),
}


@dataclass(frozen=True)
class CostLine:
    """One priced item: what it is, how it is charged (`CHARGES[kind]`), and its source."""

    key: str  # e.g. "usa-slv-2025:slv-per-person-year", "sender:detention"
    kind: CostKind
    amount: float
    currency: str
    label: str
    threshold_people: int | None = None
    up_to: bool = False
    source: str | None = None

    @property
    def charge(self) -> Charge:
        return CHARGES[self.kind]


def agreement_lines(agreement: Agreement, use: AgreementUse | None = None) -> list[CostLine]:
    """The agreement's price schedule, with the scenario's overrides replacing like items."""
    items: list[PriceItem] = list(agreement.terms.price_schedule)
    overrides: dict[CostKind, CostLine] = {}
    if use is not None:
        for money, kind, slug, what in (
            (
                use.price_per_person_year,
                CostKind.PER_PERSON_YEAR,
                "per-person-year",
                "per person-year",
            ),
            (
                use.price_per_transfer,
                CostKind.PER_PERSON_TRANSFERRED,
                "per-transfer",
                "per person transferred",
            ),
        ):
            if money is not None and money.amount is not None:
                overrides[kind] = CostLine(
                    f"{agreement.id}:override-{slug}",
                    kind,
                    money.amount,
                    money.currency,
                    f"{what} (scenario override)",
                    source="scenario",
                )
    lines = [
        CostLine(
            key=f"{agreement.id}:{item.id}",
            kind=CostKind(item.kind.value),
            amount=item.money.amount,
            currency=item.money.currency,
            label=item.label,
            threshold_people=item.threshold_people,
            up_to=item.up_to,
            source=item.sources[0].url,
        )
        for item in items
        if item.money.amount is not None and CostKind(item.kind.value) not in overrides
    ]
    return lines + list(overrides.values())


def sender_lines(costs: Costs) -> list[CostLine]:
    """The sender's own costs (they apply to every destination)."""
    lines = []
    for key, kind, money, label in (
        (
            "sender:detention",
            CostKind.DETENTION_PER_DAY,
            costs.detention_per_day,
            "sender detention per person-day",
        ),
        (
            "sender:transport",
            CostKind.TRANSPORT_PER_PERSON,
            costs.transport_per_person,
            "transport per person transferred",
        ),
    ):
        if money is not None and money.amount is not None:
            lines.append(CostLine(key, kind, money.amount, money.currency, label))
    return lines


class Ledger:
    """Each cost line's amount per month, charged by `CHARGES` as the model's events happen.

    `lines` are the plan's cost lines with their destination index (None for the sender's own,
    which apply to every destination).
    """

    def __init__(
        self,
        lines: Sequence[tuple[int | None, CostLine]],
        destinations: int,
        horizon: int,
        days_per_month: int,
    ) -> None:
        self.lines = list(lines)
        self.amounts = np.zeros((len(self.lines), horizon))
        self.days_per_month = days_per_month
        # per event and destination: the lines it charges (a sender's line under every one)
        self.charged: dict[Event, list[list[int]]] = {
            event: [
                [
                    i
                    for i, (at, line) in enumerate(self.lines)
                    if line.charge.event is event and at in (d, None)
                ]
                for d in range(destinations)
            ]
            for event in Event
        }
        self.month_end = [
            i for i, (_, c) in enumerate(self.lines) if c.charge.event is Event.MONTH_END
        ]
        self.transferred = np.zeros(destinations, dtype=np.int64)
        self.paid_once: set[int] = set()

    def _add(self, i: int, month: int, quantity: float) -> None:
        line = self.lines[i][1]
        self.amounts[i, month] += line.amount / line.charge.units * quantity

    def on_transfer(self, destination: int, k: int, month: int) -> None:
        """`k` persons transferred to the destination in `month`."""
        before = int(self.transferred[destination])
        self.transferred[destination] += k
        for i in self.charged[Event.TRANSFER][destination]:
            line = self.lines[i][1]
            if line.charge.basis is Basis.PERSONS:
                self._add(i, month, k)
            elif (
                line.charge.basis is Basis.THRESHOLD
                and line.threshold_people is not None
                and before < line.threshold_people <= before + k
                and i not in self.paid_once
            ):
                self.paid_once.add(i)
                self._add(i, month, 1)

    def on_release(self, destination: int, k: int, month: int) -> None:
        """`k` persons leave the receiver's custody in `month`."""
        for i in self.charged[Event.RELEASE][destination]:
            self._add(i, month, k)

    def on_month_end(
        self,
        month: int,
        custody: int,
        stock: npt.NDArray[np.int64],
        in_force: npt.NDArray[np.bool_],
    ) -> None:
        """The month's charges on stocks: the sender's custody, each receiver's holdings."""
        for i in self.month_end:
            d, line = self.lines[i]
            basis = line.charge.basis
            if basis is Basis.CUSTODY_DAYS:
                self._add(i, month, self.days_per_month * custody)
            elif d is None:
                continue
            elif basis is Basis.HELD:
                self._add(i, month, stock[d])
            elif basis is Basis.FIRST_MONTH_IN_FORCE and in_force[d] and i not in self.paid_once:
                self.paid_once.add(i)
                self._add(i, month, 1)

    def totals(self) -> dict[str, float]:
        """Everything charged so far, per currency."""
        out: dict[str, float] = {}
        for i, (_, line) in enumerate(self.lines):
            out[line.currency] = out.get(line.currency, 0.0) + float(self.amounts[i].sum())
        return out
