"""Resolving a scenario against the registry: destinations, their limits, prices and dates.

The plan is built once, in the parent process, and shipped to every replica: replicas never
read the registry or the scenario file themselves, so every backend (this process, local worker
processes or a Dask cluster) runs exactly the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from accords.law.national import INA_OWN_COUNTRY
from accords.registry.dates import FuzzyDate
from accords.registry.loader import Registry
from accords.registry.models import (
    Agreement,
    CapacityKind,
    Kind,
    NationalityMode,
    Source,
    Status,
    StatusChange,
    TermSubject,
)
from accords.registry.views import holds_on
from accords.simulation.capacity import NOT_APPLIED, Limit
from accords.simulation.costs import CostLine, agreement_lines, sender_lines
from accords.simulation.population import read_population_file
from accords.simulation.scenario import AgreementUse, Distribution, Scenario

# The US ordinary-returns basis, 8 U.S.C. 1231(b)(2)(D), in force since its enactment date.
INA_IN_FORCE = date.fromisoformat(str(INA_OWN_COUNTRY.date))


@dataclass(frozen=True)
class Destination:
    """Where a case can go: one agreement (or ordinary return), with its limits and prices."""

    key: str
    agreement: Agreement
    receiver: str
    is_return: bool
    places: int | None
    limits: tuple[Limit, ...]  # caps on transfers per period and in all, and the term's end
    batch: int | None
    stay_months: float | None
    stay_geometric: bool
    cost_lines: tuple[CostLine, ...]


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    destinations: tuple[Destination, ...]
    sender_costs: tuple[CostLine, ...]
    days: tuple[date, ...]  # the evaluation day of each month (the 15th)
    registry_version: str
    notes: tuple[str, ...] = field(default=())
    # A population file, read and validated once when the plan is built (not per replica), so
    # a bad file is refused before any work and every replica starts from the same persons.
    population: pl.DataFrame | None = field(default=None, compare=False)
    # The counterfactual of `scenario.compare_without`: the same plan without those agreements.
    without: Plan | None = None

    @property
    def horizon(self) -> int:
        return len(self.days)

    def cost_lines(self) -> list[tuple[int | None, CostLine]]:
        """Every cost line with its destination index (None for the sender's own)."""
        lines: list[tuple[int | None, CostLine]] = [(None, line) for line in self.sender_costs]
        for i, dest in enumerate(self.destinations):
            lines.extend((i, line) for line in dest.cost_lines)
        return lines


def month_days(start: date, horizon: int) -> tuple[date, ...]:
    """Mid-month days: an agreement counts as in force for a month if it is on the 15th."""
    out = []
    for m in range(horizon):
        year, month = divmod(start.month - 1 + m, 12)
        out.append(date(start.year + year, month + 1, 15))
    return tuple(out)


def is_return(agreement: Agreement) -> bool:
    """An agreement that sends people to their own country (routing tries these first)."""
    return agreement.kind is Kind.READMISSION or any(
        t.mode is NationalityMode.OWN_NATIONALS for t in agreement.terms.nationalities
    )


def _override_source(what: str) -> Source:
    # Built without validation on purpose: the scenario, not a web page, is the source here, and
    # the reason it gives names it as such.
    return Source.model_construct(
        url="scenario:override",
        publisher="scenario",
        date=None,
        date_note=None,
        original=None,
        quote=what,
        reliability=None,
    )


def _change(status: Status, day: date, what: str) -> StatusChange:
    return StatusChange.model_construct(
        status=status,
        date=FuzzyDate.parse(day),
        by="scenario override",
        sources=[_override_source(what)],
        public_from=None,
        note=None,
    )


def apply_dates(agreement: Agreement, use: AgreementUse) -> Agreement:
    """The agreement with the scenario's in-force and end dates replacing the registry's."""
    changes = list(agreement.status)
    if use.in_force_from is not None:
        start = use.in_force_from
        changes = [c for c in changes if c.effective() < start and c.status is not Status.IN_FORCE]
        changes += [c for c in agreement.status if c.effective() > start]
        changes.append(_change(Status.IN_FORCE, start, f"in force from {start} (scenario)"))
    if use.ends is not None:
        changes = [c for c in changes if c.effective() < use.ends]
        changes.append(_change(Status.ENDED, use.ends, f"ended on {use.ends} (scenario)"))
    changes.sort(key=lambda c: c.effective())
    return agreement.model_copy(update={"status": changes})


def _entries(agreement: Agreement, kind: CapacityKind, days: tuple[date, ...]) -> list[int]:
    """The numbers of the agreement's capacity terms of one kind in force on some month's day."""
    return [
        c.people
        for c in agreement.terms.capacity
        if c.kind is kind
        and c.people is not None
        and any(holds_on(c.valid_from, c.valid_to, day) for day in days)
    ]


def _places(agreement: Agreement, use: AgreementUse, days: tuple[date, ...]) -> int | None:
    if use.unlimited_places:
        return None
    if use.places is not None:
        return use.places
    return min(_entries(agreement, CapacityKind.PLACES, days), default=None)


def _batch(agreement: Agreement, use: AgreementUse, days: tuple[date, ...]) -> int | None:
    if use.batch_size is not None:
        return use.batch_size
    return min(_entries(agreement, CapacityKind.BATCH, days), default=None)


def first_in_force(agreement: Agreement) -> date | None:
    """The first day the record has the agreement in force: its periods and term count from it."""
    starts = [c.effective() for c in agreement.status if c.status is Status.IN_FORCE]
    return min(starts, default=None)


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def periods(
    days: tuple[date, ...],
    start: date,
    months: int | None,
    valid_from: FuzzyDate | None = None,
    valid_to: FuzzyDate | None = None,
) -> tuple[int, ...]:
    """Each month's period under a limit: periods of `months` from `start`'s month (one period
    when `months` is None), and `NOT_APPLIED` on days outside `valid_from`/`valid_to`."""
    base = _month_number(start)
    return tuple(
        (0 if months is None else max(0, _month_number(day) - base) // months)
        if holds_on(valid_from, valid_to, day)
        else NOT_APPLIED
        for day in days
    )


def add_months(day: date, months: float) -> date:
    """`day` plus `months` calendar months (the day kept where the month has it; a fraction
    of a month counts 30 days)."""
    whole = int(months)
    year, month = divmod(day.month - 1 + whole, 12)
    first = date(day.year + year, month + 1, 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    end = first.replace(day=min(day.day, (following - timedelta(days=1)).day))
    return end + timedelta(days=round((months - whole) * 30))


def _caps(
    agreement: Agreement, use: AgreementUse, days: tuple[date, ...], start: date
) -> list[Limit]:
    """Per-period and total caps: the scenario's where it gives them, else the registry's."""
    limits: list[Limit] = []
    per_period = use.per_period()
    if per_period is not None:
        people, months = per_period
        what = f"at most {people:,} sent in each {months} month(s) (scenario)"
        limits.append(Limit(people, periods(days, start, months), False, what))
    elif not use.unlimited_transfers:
        for c in agreement.terms.capacity:
            if c.kind is CapacityKind.TRANSFERS_PER_PERIOD and c.people is not None:
                what = f"at most {c.people:,} sent in each {c.period_months} months ({c.label})"
                span = periods(days, start, c.period_months, c.valid_from, c.valid_to)
                limits.append(Limit(c.people, span, False, what))
    if use.total_transfers is not None:
        what = f"at most {use.total_transfers:,} sent in all (scenario)"
        limits.append(Limit(use.total_transfers, periods(days, start, None), True, what))
    elif not use.unlimited_transfers:
        for c in agreement.terms.capacity:
            if c.kind is CapacityKind.TOTAL and c.people is not None:
                what = f"at most {c.people:,} sent in all ({c.label})"
                span = periods(days, start, None, c.valid_from, c.valid_to)
                limits.append(Limit(c.people, span, True, what))
    return [limit for limit in limits if any(p != NOT_APPLIED for p in limit.period)]


def _term_end(
    agreement: Agreement, renewed: bool, days: tuple[date, ...], start: date | None
) -> Limit | None:
    """The end of the agreement's stated term, as a limit of 0 from then on (none if renewed)."""
    lengths = [
        t.months
        for t in agreement.terms.term_length
        if t.applies_to is TermSubject.AGREEMENT and t.months is not None
    ]
    if renewed or start is None or not lengths:
        return None
    end = min(add_months(start, months) for months in lengths)
    span = tuple(0 if day >= end else NOT_APPLIED for day in days)
    if all(p == NOT_APPLIED for p in span):
        return None
    what = f"the agreement's term ends on {end.isoformat()} and is not renewed: none sent after"
    return Limit(0, span, True, what)


def _stay(agreement: Agreement, use: AgreementUse) -> float | None:
    if use.stay_months is not None:
        return use.stay_months
    for term in agreement.terms.term_length:
        if term.applies_to is TermSubject.STAY and term.months is not None:
            return term.months
    return None


def _unnumbered(agreement: Agreement, use: AgreementUse) -> list[str]:
    """Notes for capacity terms the sources give no number for (no limit is applied)."""
    overridden = {
        CapacityKind.PLACES: use.places is not None or use.unlimited_places,
        CapacityKind.TRANSFERS_PER_PERIOD: use.per_period() is not None or use.unlimited_transfers,
        CapacityKind.TOTAL: use.total_transfers is not None or use.unlimited_transfers,
        CapacityKind.BATCH: use.batch_size is not None,
    }
    return [
        f"{agreement.id}: the sources give no number for '{c.label}', so no limit is applied "
        "(give one in the scenario)."
        for c in agreement.terms.capacity
        if c.people is None and not overridden[c.kind]
    ]


def ordinary_return(sender: str, receiver: str, url: str, quote: str, as_of: date) -> Agreement:
    """A removal to the person's own country outside any agreement, as an engine input."""
    source = {"url": url, "quote": quote}
    return Agreement.model_validate(
        {
            "id": f"{sender.lower()}-{receiver.lower()}-ordinary-return",
            "title": f"Ordinary removal from {sender} to {receiver} (own nationals; no agreement)",
            "sender": sender,
            "receiver": receiver,
            "kind": Kind.READMISSION.value,
            "summary": "Scenario input: removal of a state's own nationals to it.",
            "as_of": as_of,
            "status": [
                {"status": "in_force", "date": INA_IN_FORCE.isoformat(), "sources": [source]}
            ],
            "terms": {"nationalities": [{"mode": "own_nationals", "sources": [source]}]},
        }
    )


def registry_version(registry: Registry) -> str:
    """The registry's data digest (`Registry.version`), as a run's provenance records it."""
    return registry.version.digest


class PlanError(ValueError):
    """The scenario names something the registry does not have (field, message)."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


def build_plan(
    scenario: Scenario, registry: Registry, *, population: pl.DataFrame | None = None
) -> Plan:
    """The scenario resolved against the registry; refuses what cannot run, before any work.

    `population` is the scenario's population file when it was already read (the counterfactual
    of a comparison shares its plan's persons); otherwise the file is read here.
    """
    uses = scenario_uses(scenario, registry)
    check_compare_without(scenario, registry)
    if population is None and scenario.population.file is not None:
        population = read_population_file(scenario.population.file, scenario.sender)
    without = _counterfactual(scenario, uses, registry, population)
    days = month_days(scenario.start, scenario.horizon_months)
    notes: list[str] = []
    destinations: list[Destination] = []
    for i, use in enumerate(uses):
        try:
            agreement = registry.get(use.id)
        except KeyError as exc:
            raise PlanError(f"agreements[{i}].id", str(exc.args[0])) from None
        if agreement.sending_state != scenario.sender:
            raise PlanError(
                f"agreements[{i}].id",
                f"{use.id} sends from {agreement.sending_state}, not {scenario.sender}",
            )
        agreement = apply_dates(agreement, use)
        start = first_in_force(agreement)
        renewed = scenario.renew_agreements if use.renewed is None else use.renewed
        term_end = _term_end(agreement, renewed, days, start)
        limits = _caps(agreement, use, days, start or scenario.start)
        notes.extend(_unnumbered(agreement, use))
        destinations.append(
            Destination(
                key=agreement.id,
                agreement=agreement,
                receiver=agreement.receiver,
                is_return=is_return(agreement),
                places=_places(agreement, use, days),
                limits=tuple(limits + ([term_end] if term_end else [])),
                batch=_batch(agreement, use, days),
                stay_months=_stay(agreement, use),
                stay_geometric=use.stay_distribution is Distribution.GEOMETRIC,
                cost_lines=tuple(agreement_lines(agreement, use)),
            )
        )
    returns = scenario.ordinary_returns
    if returns is not None:
        url, quote = returns.source_url, returns.source_quote
        if url is None or quote is None:
            if scenario.sender != "USA":
                raise PlanError(
                    "ordinary_returns.source_url",
                    "ordinary returns need the legal basis they rest on (source_url and "
                    "source_quote); only the US basis (8 U.S.C. 1231(b)(2)(D)) is built in",
                )
            url, quote = str(INA_OWN_COUNTRY.url), str(INA_OWN_COUNTRY.quote)
        per_month: tuple[Limit, ...] = ()
        if returns.transfers_per_month is not None:
            what = f"at most {returns.transfers_per_month:,} sent a month (scenario)"
            monthly = periods(days, scenario.start, 1)
            per_month = (Limit(returns.transfers_per_month, monthly, False, what),)
        for code in returns.nationalities:
            agreement = ordinary_return(scenario.sender, code, url, quote, scenario.start)
            destinations.insert(
                sum(d.is_return for d in destinations),
                Destination(
                    key=f"return:{code}",
                    agreement=agreement,
                    receiver=code,
                    is_return=True,
                    places=None,
                    limits=per_month,
                    batch=None,
                    stay_months=None,
                    stay_geometric=False,
                    cost_lines=(),
                ),
            )
    # Returns are tried first; among returns and among third countries the scenario's order holds.
    ordered = [d for d in destinations if d.is_return] + [
        d for d in destinations if not d.is_return
    ]
    if any(line.up_to for d in ordered for line in d.cost_lines):
        notes.append(
            "Some prices are ceilings ('up to'); they are charged in full, so those totals are "
            "upper bounds."
        )
    return Plan(
        scenario=scenario,
        destinations=tuple(ordered),
        sender_costs=tuple(sender_lines(scenario.costs)),
        days=days,
        registry_version=registry_version(registry),
        notes=tuple(notes),
        population=population,
        without=without,
    )


def scenario_uses(scenario: Scenario, registry: Registry) -> list[AgreementUse]:
    """The agreements the scenario runs: those it lists, else every one of its sender's."""
    if scenario.agreements is None:
        return [AgreementUse(id=a.id) for a in registry.for_sender(scenario.sender)]
    return list(scenario.agreements)


def check_compare_without(scenario: Scenario, registry: Registry) -> None:
    """Refuse a `compare_without` id the scenario does not run, naming the closest it does (a
    cheap check, so a command can make it before it records or starts anything)."""
    ids = [u.id for u in scenario_uses(scenario, registry)]
    for i, agreement_id in enumerate(scenario.compare_without):
        if agreement_id not in ids:
            close = [c for c in registry.suggest(agreement_id) if c in ids]
            hint = f"; did you mean {close[0]}?" if close else ""
            raise PlanError(
                f"compare_without[{i}]",
                f"{agreement_id} is not among the scenario's agreements ({', '.join(ids)}){hint}",
            )


def _counterfactual(
    scenario: Scenario,
    uses: list[AgreementUse],
    registry: Registry,
    population: pl.DataFrame | None,
) -> Plan | None:
    """The plan of the same scenario without the agreements in `compare_without`."""
    if not scenario.compare_without:
        return None
    kept = [u for u in uses if u.id not in scenario.compare_without]
    return build_plan(
        scenario.model_copy(update={"agreements": kept, "compare_without": []}),
        registry,
        population=population,
    )


def describe(plan: Plan) -> list[dict[str, Any]]:
    """The destinations as plain data, for the run's provenance."""
    return [
        {
            "key": d.key,
            "receiver": d.receiver,
            "kind": d.agreement.kind.value,
            "route": "return" if d.is_return else "third_country",
            "places": d.places,
            "limits": [limit.what for limit in d.limits],
            "batch": d.batch,
            "stay_months": d.stay_months,
            "stay_distribution": "geometric" if d.stay_geometric else "fixed",
            "prices": [
                {
                    "key": c.key,
                    "kind": c.kind,
                    "amount": c.amount,
                    "currency": c.currency,
                    "up_to": c.up_to,
                    "threshold_people": c.threshold_people,
                    "source": c.source,
                }
                for c in d.cost_lines
            ],
        }
        for d in plan.destinations
    ]
