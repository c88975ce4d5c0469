"""Rules that span several fields of an agreement, each reported at the field that breaks it."""

from __future__ import annotations

from collections.abc import Iterator

from accords.registry.models import Agreement

Finding = tuple[tuple[str | int, ...], str]


def check_agreement(agreement: Agreement, file_stem: str) -> Iterator[Finding]:
    if agreement.id != file_stem:
        yield ("id",), f"id {agreement.id!r} does not match the file name {file_stem!r}.yaml"
    if agreement.legal_form is None:
        yield ("legal_form",), "required field is missing"
    if not agreement.status:
        yield ("status",), "required: at least one dated status change"
    if not agreement.terms.nationalities:
        yield ("terms", "nationalities"), "required: at least one nationality term"
    if agreement.sender == agreement.receiver:
        yield ("receiver",), "sender and receiver are the same state"
    if agreement.sender == "EUE" and agreement.acting_sender is None:
        yield ("sender",), "EUE is not a state: name the member state that sends in acting_sender"
    yield from _timeline(agreement)
    yield from _valid_periods(agreement)
    yield from _ids(agreement)


def _timeline(agreement: Agreement) -> Iterator[Finding]:
    for i in range(1, len(agreement.status)):
        before, change = agreement.status[i - 1], agreement.status[i]
        if change.date.latest < before.date.earliest:
            yield (
                ("status", i, "date"),
                f"dates out of order: {change.status.value} on {change.date} comes after "
                f"{before.status.value} on {before.date}; list status changes oldest first",
            )


def _valid_periods(agreement: Agreement) -> Iterator[Finding]:
    terms = agreement.terms
    groups: list[tuple[str, list[object]]] = [
        ("nationalities", list(terms.nationalities)),
        ("categories", list(terms.categories)),
        ("exclusions", list(terms.exclusions)),
        ("arrival", list(terms.arrival)),
    ]
    for name, items in groups:
        for i, item in enumerate(items):
            start = getattr(item, "valid_from", None)
            end = getattr(item, "valid_to", None)
            if start is not None and end is not None and end.latest < start.earliest:
                yield (
                    ("terms", name, i, "valid_to"),
                    f"valid_to {end} is before valid_from {start}",
                )
    for i, ruling in enumerate(agreement.rulings):
        if ruling.valid_to is not None:
            start = ruling.valid_from or ruling.decided
            if ruling.valid_to.latest < start.earliest:
                yield (("rulings", i, "valid_to"), f"valid_to {ruling.valid_to} is before {start}")


def _ids(agreement: Agreement) -> Iterator[Finding]:
    seen: dict[str, tuple[str | int, ...]] = {}
    located: list[tuple[str, tuple[str | int, ...]]] = []
    located += [(c.id, ("claims", i, "id")) for i, c in enumerate(agreement.claims)]
    located += [(r.id, ("rulings", i, "id")) for i, r in enumerate(agreement.rulings)]
    located += [
        (p.id, ("terms", "price_schedule", i, "id"))
        for i, p in enumerate(agreement.terms.price_schedule)
    ]
    for ident, loc in located:
        if ident in seen:
            yield loc, f"duplicate id {ident!r} (first used at {'.'.join(map(str, seen[ident]))})"
        else:
            seen[ident] = loc
    claim_ids = {c.id for c in agreement.claims}
    for i, claim in enumerate(agreement.claims):
        for j, ref in enumerate(claim.responds_to):
            if ref not in claim_ids:
                yield (("claims", i, "responds_to", j), f"responds to unknown claim {ref!r}")
