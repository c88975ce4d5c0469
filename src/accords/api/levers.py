"""The scenario runner's levers: the values a person moves in the browser instead of in YAML.

Each lever is one value of a scenario (an agreement's dates, places and prices; the courts'
and the pipeline's rates; record errors; the run's size), shown pre-filled with the value the
scenario runs, and beside it where that value comes from: the registry's source for an
agreement's term the scenario leaves alone, the comment the scenario writes on the line (its
source, or its `ASSUMPTION` mark), or the model's default where the scenario says nothing.

The form carries each lever's pre-filled text too (a hidden `was-NAME` field): only a lever
whose text was changed becomes an override (`Overrides`), so a lever left alone never
overrides a scenario pasted or uploaded beside the form, and a request without the hidden
fields (a script) sets exactly the levers it sends.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from accords.registry.describe import short_name
from accords.registry.export import iter_facts
from accords.registry.loader import Registry
from accords.registry.models import (
    Agreement,
    Capacity,
    CapacityKind,
    PriceKind,
    Source,
    Status,
    TermSubject,
)
from accords.registry.views import holds_on
from accords.simulation.costs import CostKind
from accords.simulation.plan import Destination, build_plan
from accords.simulation.scenario import Overrides, PeriodCap, Scenario
from accords.store.scenario_text import commented_values


class Kind(StrEnum):
    """What a lever holds, which says how its text is read and checked."""

    COUNT = "count"  # a whole number, 0 or more
    POSITIVE = "positive"  # a whole number, 1 or more
    PERCENT = "percent"  # a share, written as a percentage 0-100
    MONTHS = "months"  # a number of months, 1 or more
    DATE = "date"  # YYYY-MM-DD
    AMOUNT = "amount"  # money: an amount, 0 or more
    CURRENCY = "currency"  # an ISO 4217 code
    YEAR = "year"  # a price year
    CHOICE = "choice"  # one of the lever's `choices` ("" for as the scenario says)
    FLAG = "flag"  # a box ticked ("yes") or not ("")


@dataclass(frozen=True)
class Origin:
    """Where a lever's pre-filled value comes from, in words, with its source if it has one."""

    words: str
    url: str | None = None
    quote: str | None = None
    assumption: bool = False


@dataclass(frozen=True)
class Lever:
    name: str  # the form field's name (and id)
    label: str
    kind: Kind
    value: str  # the pre-filled text ("" for none)
    origin: Origin
    path: str  # the scenario field it sets, as problems name it ("pipeline.share_challenged")
    help: str = ""
    maximum: int | None = None  # the server's limit, for the form (checked with the scenario)
    context: str = ""  # what the label belongs to, for messages ("Price per person a year: ")
    choices: tuple[tuple[str, str], ...] = ()  # (value, words) of a CHOICE lever

    @property
    def words(self) -> str:
        """The lever named in a message: "price per person a year: amount"."""
        text = self.context + self.label
        return text[0].lower() + text[1:]


@dataclass(frozen=True)
class AgreementLevers:
    """One agreement's levers: its places, its caps on transfers, then (folded) its dates
    and prices."""

    id: str
    title: str
    name: str  # its short name, where the title does not fit ("El Salvador (2025)")
    index: int  # its place in the scenario's `agreements`
    places: Lever
    terms: tuple[Lever, ...]
    prices: tuple[tuple[str, tuple[Lever, Lever, Lever]], ...]  # (what, amount/currency/year)
    # the most sent in all, per period (people, months), in whole batches, whether the
    # registry's caps are lifted, and (for an agreement with a stated term) whether it is
    # renewed; empty: as the scenario says
    caps: tuple[Lever, ...] = ()

    @property
    def cap(self) -> dict[str, Lever]:
        """The cap levers by the scenario term they set ("total_transfers", ...)."""
        return {lever.path.split(".", 1)[1]: lever for lever in self.caps}


@dataclass(frozen=True)
class Levers:
    run: tuple[Lever, ...]
    agreements: tuple[AgreementLevers, ...]
    courts: tuple[Lever, ...]
    errors: tuple[Lever, ...]

    def including(self, other: Levers) -> Levers:
        """These levers, and `other`'s agreements that these lack (a form drawn for another
        scenario: a changed lever of an agreement this scenario does not name is an error)."""
        mine = {g.id for g in self.agreements}
        extra = tuple(g for g in other.agreements if g.id not in mine)
        return Levers(self.run, self.agreements + extra, self.courts, self.errors)

    def all(self) -> list[Lever]:
        out = [*self.run, *self.courts, *self.errors]
        for group in self.agreements:
            out += [group.places, *group.caps, *group.terms]
            out += [lever for _, trio in group.prices for lever in trio]
        return out


def _source(source: Source, what: str) -> Origin:
    who = source.publisher or source.url.split("/")[2]
    when = f", {source.date.text}" if source.date is not None else ""
    return Origin(f"{what}: {who}{when}", source.url, source.quote)


# the scenario's bound on a period's months, for the form
PERIOD_MONTHS_MAX = int(PeriodCap.model_json_schema()["properties"]["months"]["maximum"])

SCENARIO_DEFAULT = Origin("Not set in the scenario: the model's default, no source")


def _scenario_origin(notes: Mapping[str, str], path: str, unsourced: str) -> Origin:
    """A scenario value's origin: its line's comment (a source, or an ASSUMPTION mark)."""
    if path not in notes:
        return SCENARIO_DEFAULT
    note = notes[path]
    if "ASSUMPTION" in note:
        return Origin(note[note.find("ASSUMPTION") :], assumption=True)
    if note:
        return Origin(f"Scenario: {note}")
    return Origin(unsourced)


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def _percent(share: float) -> str:
    return f"{round(share * 100, 6):g}"


def _places_origin(agreement: Agreement, use: dict[str, Any], places: int | None) -> Origin:
    """Where a number of places comes from: the scenario, or the registry's fact that states
    that number of people among the agreement's terms (with its first source)."""
    if use.get("unlimited_places"):
        return Origin("Set in the scenario: no limit")
    if use.get("places") is not None:
        return Origin("Set in the scenario")
    if places is None:
        return Origin("The registry gives no number of places: no limit")
    for _, fact in iter_facts(agreement.terms):
        stated = getattr(fact, "people", None)
        if stated is None:
            stated = getattr(fact, "value", None)
        if stated is not None and stated == places and fact.sources:
            return _source(fact.sources[0], "Registry")
    return Origin("Registry")


def _in_horizon(agreement: Agreement, kind: CapacityKind, days: Sequence[date]) -> list[Capacity]:
    """The agreement's capacity terms of one kind that hold on some month of the run, as the
    plan applies them (`simulation.plan`)."""
    return [
        c
        for c in agreement.terms.capacity
        if c.kind is kind and any(holds_on(c.valid_from, c.valid_to, day) for day in days)
    ]


def _registry_cap(
    agreement: Agreement, kind: CapacityKind, days: Sequence[date], what: str
) -> tuple[Capacity | None, Origin]:
    """The registry's binding cap of one kind (the smallest number; per period, the one of the
    shortest period) and where it comes from, or why there is none."""
    terms = _in_horizon(agreement, kind, days)
    numbered = sorted(
        (c for c in terms if c.people is not None),
        key=lambda c: (c.period_months or 0, c.people or 0),
    )
    if not numbered:
        if terms:
            return terms[0], Origin(
                f"The registry names {what} ({terms[0].label}) but its sources give no "
                "number: no limit"
            )
        return None, Origin(f"The registry gives no {what}: no limit")
    chosen = numbered[0]
    origin = _source(chosen.sources[0], "Registry") if chosen.sources else Origin("Registry")
    others = [c for c in numbered[1:] if kind is CapacityKind.TRANSFERS_PER_PERIOD]
    if others:
        also = "; ".join(f"{c.people:,} in {c.period_months} months" for c in others)
        origin = replace(
            origin, words=f"{origin.words}. It also caps {also}; a value set here replaces both"
        )
    return chosen, origin


def _cap_levers(
    index: int,
    use: dict[str, Any],
    original: Agreement,
    days: Sequence[date],
    renew_agreements: bool,
) -> tuple[Lever, ...]:
    """An agreement's caps on transfers, pre-filled as the plan applies them: the scenario's
    override, else the registry's term with its source. An empty field keeps the scenario."""
    key, path = original.id, f"agreements[{index}]"
    lifted = Origin("Set in the scenario: the registry's caps are lifted, no limit")
    keep = "empty: as the scenario says"

    total, total_origin = "", lifted
    if use.get("total_transfers") is not None:
        total, total_origin = str(use["total_transfers"]), Origin("Set in the scenario")
    elif not use.get("unlimited_transfers"):
        cap, total_origin = _registry_cap(original, CapacityKind.TOTAL, days, "total")
        total = "" if cap is None or cap.people is None else str(cap.people)

    people, months, period_origin = "", "", lifted
    if use.get("transfers_per_period") is not None:
        people = str(use["transfers_per_period"]["people"])
        months = str(use["transfers_per_period"]["months"])
        period_origin = Origin("Set in the scenario")
    elif use.get("transfers_per_month") is not None:
        people, months = str(use["transfers_per_month"]), "1"
        period_origin = Origin("Set in the scenario (a month)")
    elif not use.get("unlimited_transfers"):
        cap, period_origin = _registry_cap(
            original, CapacityKind.TRANSFERS_PER_PERIOD, days, "cap per period"
        )
        if cap is not None:
            people = "" if cap.people is None else str(cap.people)
            months = str(cap.period_months or "")

    batch, batch_origin = "", Origin("The registry gives no batch: people leave as cleared")
    if use.get("batch_size") is not None:
        batch, batch_origin = str(use["batch_size"]), Origin("Set in the scenario")
    else:
        cap, batch_origin = _registry_cap(original, CapacityKind.BATCH, days, "batch size")
        batch = "" if cap is None or cap.people is None else str(cap.people)

    levers = [
        Lever(
            f"total_transfers-{key}",
            "Most people sent in all",
            Kind.COUNT,
            total,
            total_origin,
            f"{path}.total_transfers",
            help=f"over the whole run; {keep}",
        ),
        Lever(
            f"transfers_per_period-{key}",
            "Most people sent in each period",
            Kind.COUNT,
            people,
            period_origin,
            f"{path}.transfers_per_period.people",
            help=keep,
        ),
        Lever(
            f"transfers_per_period-{key}-months",
            "Months in a period",
            Kind.POSITIVE,
            months,
            period_origin,
            f"{path}.transfers_per_period.months",
            help="of the cap per period; empty: 1",
            maximum=PERIOD_MONTHS_MAX,
        ),
        Lever(
            f"batch_size-{key}",
            "People per departure (batch)",
            Kind.POSITIVE,
            batch,
            batch_origin,
            f"{path}.batch_size",
            help=f"people leave only in whole groups of this size; {keep}",
        ),
        Lever(
            f"unlimited_transfers-{key}",
            "Lift the registry's caps (send without a limit)",
            Kind.FLAG,
            "yes" if use.get("unlimited_transfers") else "",
            Origin("Set in the scenario")
            if use.get("unlimited_transfers")
            else Origin("The scenario keeps the registry's caps"),
            f"{path}.unlimited_transfers",
            help="the registry's caps in all and per period no longer apply; a cap you type "
            "here still does",
        ),
    ]
    stated = [
        t
        for t in original.terms.term_length
        if t.applies_to is TermSubject.AGREEMENT and t.months is not None
    ]
    if stated:
        term = stated[0]
        renewed = use.get("renewed")
        if renewed is not None:
            renew_origin = Origin("Set in the scenario")
        else:
            renewed = renew_agreements
            where = _source(term.sources[0], "Registry").words if term.sources else "Registry"
            said = "renewed" if renewed else "not renewed"
            renew_origin = Origin(
                f"{where}: a term of {_number(term.months or 0)} months; the scenario takes "
                f"terms as {said} (renew_agreements)",
                term.sources[0].url if term.sources else None,
                term.sources[0].quote if term.sources else None,
            )
        levers.append(
            Lever(
                f"renewed-{key}",
                "Its term renewed",
                Kind.CHOICE,
                "yes" if renewed else "no",
                renew_origin,
                f"{path}.renewed",
                help="not renewed: no transfers after its term ends",
                choices=(("yes", "Renewed"), ("no", "Not renewed")),
            )
        )
    return tuple(levers)


def _status_day(agreement: Agreement, status: Status) -> tuple[str, Origin | None]:
    for change in agreement.status:
        if change.status is status:
            origin = _source(change.sources[0], "Registry") if change.sources else None
            return change.effective().isoformat(), origin
    return "", None


def _agreement_levers(
    index: int,
    use: dict[str, Any],
    dest: Destination,
    original: Agreement,
    days: Sequence[date] = (),
    renew_agreements: bool = False,
) -> AgreementLevers:
    key = dest.key
    places = Lever(
        f"places-{key}",
        "Places",
        Kind.COUNT,
        "" if dest.places is None else str(dest.places),
        _places_origin(original, use, dest.places),
        f"agreements[{index}].places",
        help="people held at once; empty: no limit",
    )
    start, start_origin = _status_day(original, Status.IN_FORCE)
    if use.get("in_force_from"):
        start, start_origin = str(use["in_force_from"]), Origin("Set in the scenario")
    end, end_origin = _status_day(original, Status.ENDED)
    if use.get("ends"):
        end, end_origin = str(use["ends"]), Origin("Set in the scenario")
    terms = (
        Lever(
            f"in_force_from-{key}",
            "In force from",
            Kind.DATE,
            start,
            start_origin or Origin("No entry into force on record: never in force unless set"),
            f"agreements[{index}].in_force_from",
        ),
        Lever(
            f"ends-{key}",
            "Ends on",
            Kind.DATE,
            end,
            end_origin or Origin("No end on record"),
            f"agreements[{index}].ends",
            help="everyone it holds is released that day",
        ),
    )
    prices = []
    for name, kind, what in (
        ("price_per_person_year", CostKind.PER_PERSON_YEAR, "Price per person a year"),
        ("price_per_transfer", CostKind.PER_PERSON_TRANSFERRED, "Price per person transferred"),
    ):
        line = next((c for c in dest.cost_lines if c.kind is kind), None)
        origin = Origin("No such price on record")
        year = ""
        if use.get(name):
            origin = Origin("Set in the scenario")
            year = str(use[name]["price_year"])
        elif line is not None:
            item = next(
                (
                    p
                    for p in original.terms.price_schedule
                    if p.kind is PriceKind(kind.value) and f"{key}:{p.id}" == line.key
                ),
                None,
            )
            if item is not None:
                origin = _source(item.sources[0], "Registry")
                year = str(item.money.price_year)
        path = f"agreements[{index}].{name}"
        prices.append(
            (
                what,
                (
                    Lever(
                        f"{name}-{key}",
                        "Amount",
                        Kind.AMOUNT,
                        _number(line.amount) if line else "",
                        origin,
                        f"{path}.amount",
                        context=f"{what}: ",
                    ),
                    Lever(
                        f"{name}-{key}-currency",
                        "Currency",
                        Kind.CURRENCY,
                        line.currency if line else "",
                        origin,
                        f"{path}.currency",
                        help="ISO 4217 code, e.g. USD",
                        context=f"{what}: ",
                    ),
                    Lever(
                        f"{name}-{key}-year",
                        "Price year",
                        Kind.YEAR,
                        year,
                        origin,
                        f"{path}.price_year",
                        context=f"{what}: ",
                    ),
                ),
            )
        )
    caps = _cap_levers(index, use, original, days, renew_agreements)
    return AgreementLevers(
        key, dest.agreement.title, short_name(original), index, places, terms, tuple(prices), caps
    )


def _scenario_lever(
    scenario: dict[str, Any],
    notes: Mapping[str, str],
    name: str,
    path: str,
    label: str,
    kind: Kind,
    help: str = "",
    maximum: int | None = None,
    unsourced: str = "Set in the scenario, without a source",
) -> Lever:
    node: Any = scenario
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    value = "" if node is None else _percent(node) if kind is Kind.PERCENT else _number(node)
    origin = _scenario_origin(notes, path, unsourced)
    return Lever(name, label, kind, value, origin, path, help, maximum)


def scenario_levers(
    scenario: Scenario,
    text: str,
    registry: Registry,
    limits: Mapping[str, int] | None = None,
) -> Levers:
    """The levers of `scenario` (read from `text`), pre-filled with what it runs.

    `limits` are the server's maxima by lever name (replicas, size, horizon_months).
    """
    limits = limits or {}
    notes: dict[str, str] = {}
    for value in commented_values(text):
        notes.setdefault(value.field, value.note)
    data = scenario.model_dump(mode="json")
    plan = build_plan(scenario, registry)
    uses = {u["id"]: (i, u) for i, u in enumerate(data.get("agreements") or [])}
    groups = sorted(
        (
            _agreement_levers(
                *uses[dest.key],
                dest,
                registry.get(dest.key),
                plan.days,
                scenario.renew_agreements,
            )
            for dest in plan.destinations
            if dest.key in uses  # not ordinary returns
        ),
        key=lambda g: g.index,
    )

    def lever(name: str, path: str, label: str, kind: Kind, help: str = "") -> Lever:
        return _scenario_lever(data, notes, name, path, label, kind, help, limits.get(name))

    def setting(name: str, path: str, label: str, help: str = "") -> Lever:
        """A setting of the run itself (not a figure that needs a source)."""
        return _scenario_lever(
            data,
            notes,
            name,
            path,
            label,
            Kind.POSITIVE,
            help,
            limits.get(name),
            "As in the scenario",
        )

    run: tuple[Lever, ...] = (
        setting("replicas", "replicas", "Replicas", "runs of the same scenario"),
        replace(
            setting("seed", "seed", "Seed", "the same seed gives the same run"), kind=Kind.COUNT
        ),
        setting("size", "population.synthetic.size", "Population size", "persons entering"),
        setting("horizon_months", "horizon_months", "Horizon (months)"),
    )
    courts = (
        lever(
            "months_to_final_order",
            "pipeline.months_to_final_order",
            "Months to a final order",
            Kind.MONTHS,
            "mean time from entering custody to a final order",
        ),
        lever(
            "share_challenged",
            "pipeline.share_challenged",
            "Transfers challenged in court (%)",
            Kind.PERCENT,
            "of third-country transfers",
        ),
        lever(
            "court_block_probability",
            "pipeline.court_block_probability",
            "Challenges a court upholds (%)",
            Kind.PERCENT,
            "the transfer is blocked",
        ),
        lever(
            "court_delay_months",
            "pipeline.court_delay_months",
            "Months a challenge takes",
            Kind.MONTHS,
            "mean",
        ),
    )
    errors = (
        lever(
            "citizen_recorded_as_noncitizen",
            "record_errors.citizen_recorded_as_noncitizen",
            "Citizens recorded as non-citizens (%)",
            Kind.PERCENT,
            "of the true citizens in the population",
        ),
        lever(
            "protection_dropped",
            "record_errors.protection_dropped",
            "Protected people whose record lost it (%)",
            Kind.PERCENT,
            "of those protected",
        ),
    )
    if scenario.population.synthetic is None:
        run = tuple(r for r in run if r.name != "size")
    return Levers(run, tuple(groups), courts, errors)


def _read(lever: Lever, text: str) -> tuple[Any, str | None]:
    """The lever's value as JSON data from its text, or a message in words."""
    words = lever.words
    if lever.kind is Kind.CHOICE:
        if text not in {value for value, _ in lever.choices}:
            named = " or ".join(repr(value) for value, _ in lever.choices)
            return None, f"{words}: expected {named}, got {text!r}"
        return {"yes": True, "no": False}.get(text, text), None
    if lever.kind in (Kind.DATE, Kind.CURRENCY):
        if lever.kind is Kind.CURRENCY:
            code = text.upper()
            if len(code) != 3 or not code.isalpha():
                return None, f"{words}: expected a three-letter currency code (USD), got {text!r}"
            return code, None
        try:
            return date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, f"{words}: expected a date as YYYY-MM-DD, got {text!r}"
    whole = lever.kind in (Kind.COUNT, Kind.POSITIVE, Kind.YEAR)
    try:
        number: float = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        return None, f"{words}: expected {kind}, got {text!r}"
    if not math.isfinite(number):
        return None, f"{words}: expected a finite number, got {text!r}"
    low, high = {
        Kind.COUNT: (0, None),
        Kind.POSITIVE: (1, None),
        Kind.PERCENT: (0, 100),
        Kind.MONTHS: (1, None),
        Kind.AMOUNT: (0, None),
        Kind.YEAR: (1900, 2100),
    }[lever.kind]
    if number < low or (high is not None and number > high):
        between = f"between {low:,} and {high:,}" if high is not None else f"{low:,} or more"
        return None, f"{words}: expected {between}, got {text}"
    return (number / 100 if lever.kind is Kind.PERCENT else number), None


@dataclass
class FormLevers:
    """What a submitted form sets: the overrides, and a message per field in error."""

    run: dict[str, int] = field(default_factory=dict)
    terms: list[tuple[str, str, Any]] = field(default_factory=list)
    values: list[tuple[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def overrides(self, compare_without: Sequence[str]) -> Overrides:
        return Overrides(
            replicas=self.run.get("replicas"),
            seed=self.run.get("seed"),
            size=self.run.get("size"),
            horizon_months=self.run.get("horizon_months"),
            compare_without=tuple(compare_without),
            terms=tuple(self.terms),
            values=tuple(self.values),
        )


def _changed(form: Mapping[str, str], lever: Lever) -> str | None:
    """The lever's text if the form changed it (or sent it without its pre-filled text)."""
    if lever.name not in form:
        return None
    text = form[lever.name].strip()
    was = form.get(f"was-{lever.name}")
    if was is not None and text == was.strip():
        return None
    return text


def read_form(form: Mapping[str, str], levers: Levers) -> FormLevers:
    """The overrides a submitted form makes: only the levers it changed, each checked."""
    out = FormLevers()

    def value(lever: Lever, text: str) -> Any:
        parsed, problem = _read(lever, text)
        if problem is not None:
            out.errors[lever.name] = problem
        return parsed

    for lever in levers.run:
        text = _changed(form, lever)
        if text:
            parsed = value(lever, text)
            if parsed is not None:
                out.run[lever.name] = int(parsed)
    for lever in (*levers.courts, *levers.errors):
        text = _changed(form, lever)
        if text:
            out.values.append((lever.path, value(lever, text)))
        elif text == "":
            out.errors[lever.name] = f"{lever.words}: give a value (or leave it as it was)"
    for group in levers.agreements:
        text = _changed(form, group.places)
        if text:
            out.terms.append((group.id, "places", value(group.places, text)))
        elif text == "":
            out.terms.append((group.id, "places", None))
            out.terms.append((group.id, "unlimited_places", True))
        _read_caps(form, group, out, value)
        for lever in group.terms:
            text = _changed(form, lever)
            if text is not None:
                term = lever.path.rsplit(".", 1)[1]
                out.terms.append((group.id, term, value(lever, text) if text else None))
        for what, trio in group.prices:
            texts = [_changed(form, lever) for lever in trio]
            if all(t is None for t in texts):
                continue
            term = trio[0].path.split(".")[-2]
            given = [form.get(lever.name, "").strip() for lever in trio]
            if not given[0]:
                out.errors[trio[0].name] = f"{what}: give an amount (0 for no such price)"
                continue
            money = {}
            for lever, text, key in zip(
                trio, given, ("amount", "currency", "price_year"), strict=True
            ):
                if not text:
                    out.errors[lever.name] = f"{what}: give the {key.replace('_', ' ')} too"
                else:
                    money[key] = value(lever, text)
            out.terms.append((group.id, term, money))
    return out


def _read_caps(
    form: Mapping[str, str],
    group: AgreementLevers,
    out: FormLevers,
    value: Callable[[Lever, str], Any],
) -> None:
    """An agreement's caps the form changed. An emptied field keeps what the scenario says;
    a cap per period is its people and months together (1 month when they are left empty).
    The box lifting the registry's caps sets `unlimited_transfers` either way it was changed,
    so unticking it restores caps a scenario had lifted; caps typed beside it still apply,
    as they do in a scenario file."""
    caps = group.cap
    lifted = _changed(form, caps["unlimited_transfers"])
    if lifted is not None:  # a box: "yes" ticked, "" (its hidden twin) not
        out.terms.append((group.id, "unlimited_transfers", lifted == "yes"))
    for term in ("total_transfers", "batch_size", "renewed"):
        lever = caps.get(term)
        text = _changed(form, lever) if lever is not None else None
        if lever is not None and text:
            out.terms.append((group.id, term, value(lever, text)))
    people, months = caps["transfers_per_period.people"], caps["transfers_per_period.months"]
    if _changed(form, people) is None and _changed(form, months) is None:
        return
    given = form.get(people.name, "").strip()
    if not given:
        return  # as the scenario says
    period = form.get(months.name, "").strip() or "1"
    cap = {"people": value(people, given), "months": value(months, period)}
    out.terms.append((group.id, "transfers_per_period", cap))


def field_errors(problems: Sequence[Any], levers: Levers, errors: dict[str, str]) -> None:
    """Put each problem that names a lever's scenario field (or its agreement) beside it."""
    by_path: dict[str, Lever] = {}
    for lever in levers.all():  # a scenario's own levers first, then another form's
        by_path.setdefault(lever.path, lever)
    whole = {f"agreements[{g.index}]": g for g in levers.agreements}
    by_override: dict[str, Lever] = {}  # `places[usa-slv-2025]`, as `Overrides` names a term
    for g in levers.agreements:
        for lever in (g.places, *g.caps, *g.terms):
            by_override.setdefault(f"{lever.path.split('.')[1]}[{g.id}]", lever)
    for problem in problems:
        name = problem.field or ""
        found = by_path.get(name) or by_override.get(name)
        message = problem.message
        if found is None and name in whole:
            found = whole[name].terms[-1]  # a rule on the whole agreement: its dates
            for term in whole[name].terms:  # its fields named as the form names them
                message = message.replace(f"'{term.path.rsplit('.', 1)[1]}'", f"'{term.words}'")
        if found is not None:
            words = found.words[0].upper() + found.words[1:]
            errors.setdefault(found.name, f"{words}: {message}")


__all__ = [
    "AgreementLevers",
    "FormLevers",
    "Kind",
    "Lever",
    "Levers",
    "Origin",
    "field_errors",
    "read_form",
    "scenario_levers",
]
