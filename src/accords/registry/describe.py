"""Terms in plain words, the same on the terminal and on the web pages."""

from __future__ import annotations

from collections.abc import Sequence

from accords.labels import plain, plain_list
from accords.registry.countries import country_name
from accords.registry.models import (
    Agreement,
    Basis,
    Capacity,
    CapacityKind,
    Claim,
    Fact,
    Money,
    Nationalities,
    NationalityMode,
    ReportedNumber,
    TermLength,
    TermSubject,
)
from accords.registry.views import Dated


def party(code: str | None) -> str:
    return f"{country_name(code)} ({code})" if code else "—"


def short_name(agreement: Agreement) -> str:
    """The agreement named where a title does not fit (a chart's legend on a phone, a folded
    heading): its receiving state and the year of its first dated status, "El Salvador
    (2025)". Its title runs to eighty characters and its id is a code; the agreements of one
    run share a sender, so the receiver and the year tell them apart."""
    receiver = country_name(agreement.receiver)
    days = [change.effective() for change in agreement.status]
    return f"{receiver} ({min(days).year})" if days else receiver


def nationality_text(term: Nationalities, receiver: str) -> str:
    if term.mode is NationalityMode.LISTED:
        return "listed: " + ", ".join(party(c) for c in term.codes)
    if term.mode is NationalityMode.ANY:
        return "any nationality" + (f" except {', '.join(term.excluded)}" if term.excluded else "")
    if term.mode is NationalityMode.OWN_NATIONALS:
        return f"only nationals of {party(receiver)}"
    return "unknown (the sources do not say)"


def period_text(term: Dated) -> str:
    """' (from X to Y)' for a term that held only for a while; '' for one that always held."""
    if term.valid_from is None and term.valid_to is None:
        return ""
    return f" (from {term.valid_from or '…'} to {term.valid_to or '…'})"


READING = "The registry's reading: "


def how_known(fact: Fact) -> str:
    """' (inferred by the registry from its sources: …)' or ' (reported practice …)' after a
    rule's words; '' when stated.

    An explanation never presents the registry's reading as a source's words. The note says in
    a sentence what the reading rests on; its opening "The registry's reading:" is dropped,
    as the words before it already say so.
    """
    if fact.basis is Basis.INFERRED:
        note = (fact.note or "").removeprefix(READING)
        return f" (inferred by the registry from its sources: {note})"
    if fact.basis is Basis.REPORTED_PRACTICE:
        return " (reported practice: what was done, not what was agreed)"
    return ""


def numbers_by_date(agreement: Agreement) -> list[ReportedNumber]:
    """The agreement's reported numbers oldest first, as the changes page and a timeline
    read (a month before any day in it, a span by its first day)."""
    return sorted(agreement.numbers, key=lambda n: (n.refers_to.earliest, n.refers_to.latest))


def capacity_text(c: Capacity) -> str:
    """What a capacity term limits, in words: 'at most 50 sent in each 12 months — …'."""
    what = {
        CapacityKind.PLACES: "held at once",
        CapacityKind.TRANSFERS_PER_PERIOD: "sent in each month"
        if c.period_months == 1
        else f"sent in each {c.period_months} months",
        CapacityKind.TOTAL: "sent in all",
        CapacityKind.BATCH: "sent in each group",
    }[c.kind]
    limit = f"{what}: number not given" if c.people is None else f"at most {c.people:,} {what}"
    return f"{limit} — {c.label}{period_text(c)}{how_known(c)}"


def term_length_text(t: TermLength) -> str:
    """How long the agreement runs or each person is held, and whether it may be renewed."""
    months = "a length not given" if t.months is None else f"{t.months:g} months"
    held = "the agreement runs" if t.applies_to is TermSubject.AGREEMENT else "each person held"
    renewal = {True: "renewable", False: "not renewable", None: "renewal not said"}[t.renewable]
    if t.renewal:
        renewal += f" ({t.renewal})"
    return f"{held} {months}, {renewal} — {t.label}{how_known(t)}"


def money(m: Money | None) -> str:
    if m is None:
        return "—"
    if m.amount is None:
        return f"unknown {m.currency} ({m.price_year})"
    return f"{m.amount:,.0f} {m.currency} ({m.price_year} prices)"


def term_rows(a: Agreement) -> list[tuple[str, str, list[Fact]]]:
    """(term, text, facts cited) for each term, worded like `accords agreements show`."""
    t = a.terms
    rows: list[tuple[str, str, list[Fact]]] = []
    for n in t.nationalities:
        text = nationality_text(n, a.receiver)
        rows.append(("Nationalities", text + period_text(n), [n]))
    for c in t.categories:
        cats = plain_list(c.any_of)
        rows.append(("Categories", f"any of: {cats}{period_text(c)}", [c]))
    for e in t.exclusions:
        rows.append(("Excludes", plain(e.excludes) + period_text(e), [e]))
    for ar in t.arrival:
        parts = []
        if ar.modes:
            parts.append(plain_list(ar.modes))
        if ar.on_or_after:
            parts.append(f"on or after {ar.on_or_after}")
        if ar.within_days_of_arrival:
            parts.append(f"within {ar.within_days_of_arrival} days of arrival")
        rows.append(("Arrival", "; ".join(parts) + period_text(ar), [ar]))
    for f in t.facilities:
        facts: list[Fact] = [f]
        text = f"{f.name}, {f.location or 'location unknown'}"
        if f.capacity and f.capacity.value:
            text += f"; capacity {f.capacity.value:,.0f} {f.capacity.unit}"
            facts.append(f.capacity)
        rows.append(("Facility", text, facts))
    for p in t.price_schedule:
        ceiling = "up to " if p.up_to else ""
        threshold = f" once {p.threshold_people} relocated" if p.threshold_people else ""
        rows.append(
            (
                f"Price ({plain(p.kind)})",
                f"{ceiling}{money(p.money)}{threshold} — {p.label}{how_known(p)}",
                [p],
            )
        )
    for cap in t.capacity:
        rows.append((f"Capacity ({plain(cap.kind)})", capacity_text(cap), [cap]))
    for length in t.term_length:
        rows.append((f"Term ({plain(length.applies_to)})", term_length_text(length), [length]))
    return rows


def claim_threads(claims: Sequence[Claim]) -> list[tuple[int, Claim]]:
    """Claims in reading order: each claim, then what answered it, indented by depth."""
    children: dict[str, list[Claim]] = {}
    for c in claims:
        for parent in c.responds_to[:1]:
            children.setdefault(parent, []).append(c)
    ordered: list[tuple[int, Claim]] = []

    def visit(claim: Claim, depth: int) -> None:
        ordered.append((depth, claim))
        for child in sorted(children.get(claim.id, []), key=lambda x: x.said_on.earliest):
            visit(child, depth + 1)

    for c in sorted(claims, key=lambda x: x.said_on.earliest):
        if not c.responds_to:
            visit(c, 0)
    return ordered
