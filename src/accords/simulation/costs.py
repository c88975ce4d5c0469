"""Money: agreements' price schedules and the sender's own costs, per currency.

An amount is never converted: every cost line keeps its currency, and totals are reported per
currency. How each price kind is charged, in one line each:

- `lump_sum`: once, in the first simulated month the agreement is in force.
- `per_person_transferred`: at each transfer.
- `per_person_year` / `per_person_month`: on the persons held at the end of each month (1/12 of
  the yearly price, or the monthly price).
- `threshold_payment`: once, in the month cumulative transfers reach `threshold_people`.
- `per_person_processing`: at each transfer, in full. Where the schedule says "up to" this is a
  ceiling, so the total is an upper bound (the run says so).
- `per_person_departure`: at each release from the receiver's custody (end of stay).
- sender detention: per person-day in the sender's custody (end-of-month count × days).
- transport: per person transferred, to any destination.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from accords.registry.models import Agreement, PriceItem, PriceKind
from accords.simulation.scenario import AgreementUse, Costs


@dataclass(frozen=True)
class CostLine:
    """One priced item: what it is, how it is charged, and its source."""

    key: str  # e.g. "usa-slv-2025:slv-per-person-year", "sender:detention"
    kind: str  # a PriceKind value, or "detention_per_day", "transport_per_person"
    amount: float
    currency: str
    label: str
    threshold_people: int | None = None
    up_to: bool = False
    source: str | None = None


def agreement_lines(agreement: Agreement, use: AgreementUse | None = None) -> list[CostLine]:
    """The agreement's price schedule, with the scenario's overrides replacing like items."""
    items: list[PriceItem] = list(agreement.terms.price_schedule)
    overrides: dict[PriceKind, CostLine] = {}
    if use is not None:
        for money, kind, slug, what in (
            (
                use.price_per_person_year,
                PriceKind.PER_PERSON_YEAR,
                "per-person-year",
                "per person-year",
            ),
            (
                use.price_per_transfer,
                PriceKind.PER_PERSON_TRANSFERRED,
                "per-transfer",
                "per person transferred",
            ),
        ):
            if money is not None and money.amount is not None:
                overrides[kind] = CostLine(
                    f"{agreement.id}:override-{slug}",
                    kind.value,
                    money.amount,
                    money.currency,
                    f"{what} (scenario override)",
                    source="scenario",
                )
    lines = [
        CostLine(
            key=f"{agreement.id}:{item.id}",
            kind=item.kind.value,
            amount=item.money.amount,
            currency=item.money.currency,
            label=item.label,
            threshold_people=item.threshold_people,
            up_to=item.up_to,
            source=item.sources[0].url,
        )
        for item in items
        if item.money.amount is not None and item.kind not in overrides
    ]
    return lines + list(overrides.values())


def sender_lines(costs: Costs) -> list[CostLine]:
    lines = []
    if costs.detention_per_day is not None and costs.detention_per_day.amount is not None:
        m = costs.detention_per_day
        lines.append(
            CostLine(
                "sender:detention",
                "detention_per_day",
                m.amount or 0.0,
                m.currency,
                "sender detention per person-day",
            )
        )
    if costs.transport_per_person is not None and costs.transport_per_person.amount is not None:
        m = costs.transport_per_person
        lines.append(
            CostLine(
                "sender:transport",
                "transport_per_person",
                m.amount or 0.0,
                m.currency,
                "transport per person transferred",
            )
        )
    return lines


def schedule_total(
    lines: Sequence[CostLine],
    transferred: int,
    person_months_held: float,
    departures: int = 0,
    *,
    in_force: bool = True,
) -> dict[str, float]:
    """The price schedule's total per currency for aggregate quantities.

    The same arithmetic the monthly model applies month by month; used to check it and to
    reproduce published figures (e.g. 300 people held 12 months in El Salvador).
    """
    totals: dict[str, float] = {}
    for line in lines:
        kind = line.kind
        value = 0.0
        if kind == PriceKind.LUMP_SUM.value:
            value = line.amount if in_force else 0.0
        elif kind in (
            PriceKind.PER_PERSON_TRANSFERRED.value,
            PriceKind.PER_PERSON_PROCESSING.value,
        ):
            value = line.amount * transferred
        elif kind == PriceKind.PER_PERSON_YEAR.value:
            value = line.amount / 12.0 * person_months_held
        elif kind == PriceKind.PER_PERSON_MONTH.value:
            value = line.amount * person_months_held
        elif kind == PriceKind.THRESHOLD_PAYMENT.value:
            value = (
                line.amount
                if line.threshold_people is not None and transferred >= line.threshold_people
                else 0.0
            )
        elif kind == PriceKind.PER_PERSON_DEPARTURE.value:
            value = line.amount * departures
        else:
            continue
        totals[line.currency] = totals.get(line.currency, 0.0) + value
    return totals


class Ledger:
    """Each cost line's amount per month, charged as the model's events happen.

    `lines` are the plan's cost lines with their destination index (None for the sender's own).
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
        self.of_destination: list[list[int]] = [[] for _ in range(destinations)]
        for i, (d, _) in enumerate(self.lines):
            if d is not None:
                self.of_destination[d].append(i)
        self.transport = [i for i, (_, c) in enumerate(self.lines) if c.key == "sender:transport"]
        self.transferred = np.zeros(destinations, dtype=np.int64)
        self.paid_once: set[int] = set()

    def on_transfer(self, destination: int, k: int, month: int) -> None:
        """`k` persons transferred to the destination in `month`."""
        before = int(self.transferred[destination])
        self.transferred[destination] += k
        for i in self.of_destination[destination]:
            line = self.lines[i][1]
            if line.kind in (PriceKind.PER_PERSON_TRANSFERRED, PriceKind.PER_PERSON_PROCESSING):
                self.amounts[i, month] += line.amount * k
            elif (
                line.kind == PriceKind.THRESHOLD_PAYMENT
                and line.threshold_people is not None
                and before < line.threshold_people <= before + k
                and i not in self.paid_once
            ):
                self.paid_once.add(i)
                self.amounts[i, month] += line.amount
        for i in self.transport:
            self.amounts[i, month] += self.lines[i][1].amount * k

    def on_release(self, destination: int, k: int, month: int) -> None:
        """`k` persons leave the receiver's custody in `month`."""
        for i in self.of_destination[destination]:
            line = self.lines[i][1]
            if line.kind == PriceKind.PER_PERSON_DEPARTURE:
                self.amounts[i, month] += line.amount * k

    def on_month_end(
        self,
        month: int,
        custody: int,
        stock: npt.NDArray[np.int64],
        in_force: npt.NDArray[np.bool_],
    ) -> None:
        """The month's charges on stocks: the sender's custody, each receiver's holdings."""
        for i, (d, line) in enumerate(self.lines):
            if line.kind == "detention_per_day":
                self.amounts[i, month] += line.amount * self.days_per_month * custody
            if d is None:
                continue
            if line.kind == PriceKind.PER_PERSON_YEAR:
                self.amounts[i, month] += line.amount / 12.0 * stock[d]
            elif line.kind == PriceKind.PER_PERSON_MONTH:
                self.amounts[i, month] += line.amount * stock[d]
            elif line.kind == PriceKind.LUMP_SUM and in_force[d] and i not in self.paid_once:
                self.paid_once.add(i)
                self.amounts[i, month] += line.amount
