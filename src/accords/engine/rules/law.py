"""Legal rules: what bars the removal whatever the agreement says.

The conditions are the engine's; the words they rest on are `accords.law`'s rules in force for
the sending state on the day (the state's own first, then the international layer). The three
structural bars (citizenship, non-refoulement, granted protection) are applied whatever rules
are in force, and cited by those that are.
"""

from __future__ import annotations

import polars as pl

from accords.engine.expressions import (
    CATEGORY_READS,
    all_of,
    any_of,
    basis_in,
    category_matches,
    col,
    holds_any,
    member,
)
from accords.engine.spec import Applied, CitedFrom, Context, Group, ReasonSpec, fact_citation
from accords.labels import plain
from accords.law import requires_decided_claim, requires_final_order
from accords.law.rules import Citation
from accords.registry.countries import country_in_text
from accords.registry.models import RulingEffect
from accords.registry.views import ruling_binds_on


def _cites(ctx: Context, code: str) -> list[Citation]:
    return [r.citation for r in ctx.law.get(code, [])]


def _law_words(ctx: Context, code: str, fallback: str) -> str:
    """The rule in words: what each law rule in force says it rests on, or `fallback`."""
    readings = [r.reading for r in ctx.law.get(code, []) if r.reading]
    return "; ".join(readings) if readings else fallback


# citizen_of_sender: "No one shall be arbitrarily deprived of the right to enter his own
# country" (ICCPR 12(4)); in the US, removal applies to aliens only (8 U.S.C. 1101(a)(3)).
def citizen_of_sender(ctx: Context) -> Applied:
    sender = ctx.agreement.sending_state
    return Applied(
        holds_any([sender]),
        f"a state does not remove its own citizens: a citizen of {country_in_text(sender)} "
        "cannot be sent",
        _cites(ctx, "citizen_of_sender"),
        reads=("citizenships",),
    )


# non_refoulement: no return "to the frontiers of territories where his life or freedom would
# be threatened" (Refugee Convention 33(1)); CAT 3(1); national withholding of removal.
def non_refoulement(ctx: Context) -> Applied:
    receiver = ctx.agreement.receiver
    return Applied(
        member("protection_against", [receiver]),
        f"no one protected against return to {country_in_text(receiver)} may be sent there",
        _cites(ctx, "non_refoulement"),
        reads=("protection_against",),
    )


# protected_status: a refugee lawfully in the territory is not expelled "save on grounds of
# national security or public order" (Refugee Convention 32(1)).
def protected_status(ctx: Context) -> Applied:
    return Applied(
        col("_claim") == "granted",
        "a person granted refugee or asylee status is not removed",
        _cites(ctx, "protected_status"),
        reads=("asylum_claim",),
    )


# pending_protection_claim: kinds that return or remove a person need the claim decided first;
# safe-third-country and offshore-processing transfers exist to hear it elsewhere.
def pending_protection_claim(ctx: Context) -> Applied | None:
    kind = ctx.agreement.kind
    if not requires_decided_claim(kind):
        return None
    return Applied(
        col("_claim") == "pending",
        f"a {plain(kind)} agreement does not hear protection claims: a pending "
        "claim must be decided before the transfer",
        _cites(ctx, "pending_protection_claim"),
        reads=("asylum_claim",),
    )


# no_final_order: applied where the kind removes a person (not a safe-third-country or
# offshore-processing transfer) and the sending state's law has a final-order rule in force;
# removal bases the rule exempts (the Alien Enemies Act) need no order.
def no_final_order(ctx: Context) -> Applied | None:
    kind = ctx.agreement.kind
    rules = ctx.law.get("no_final_order", [])
    if not (requires_final_order(kind) and rules):
        return None
    exempt = sorted({b for r in rules for b in r.exempt_removal_basis})
    needs_order = ~basis_in(exempt) if exempt else pl.lit(True)
    words = _law_words(ctx, "no_final_order", "a removal needs a final removal order").format(
        kind=plain(kind)
    )
    bases = " or ".join(plain(e, "removal_basis") for e in exempt)
    exempt_words = f" (no order is needed for a removal under the {bases})"
    return Applied(
        needs_order & ~col("final_removal_order"),
        words + (exempt_words if exempt else ""),
        _cites(ctx, "no_final_order"),
        reads=("final_removal_order", "removal_basis"),
    )


# receiving_state_unsafe: a ruling in the agreement's record, in force on the day, holds the
# receiving state unsafe for these transfers (e.g. AAA v SSHD for Rwanda).
def receiving_state_unsafe(ctx: Context) -> Applied:
    unsafe = [
        r
        for r in ctx.agreement.rulings
        if r.effect is RulingEffect.RECEIVING_STATE_UNSAFE and ruling_binds_on(r, ctx.day)
    ]
    receiver = country_in_text(ctx.agreement.receiver)
    if not unsafe:
        return Applied(
            False,
            f"no ruling in the record, in force on the day, holds {receiver} unsafe",
            fact="no such ruling recorded",
        )
    return Applied(
        True,
        "; ".join(f"{r.case} ({r.court}, {r.decided}): {r.holding}" for r in unsafe),
        [fact_citation(r, f"{r.case} ({r.court}, {r.decided})") for r in unsafe],
        fact=f"{len(unsafe)} ruling(s) in force on the day",
    )


# court_order: a ruling in force on the day bars removing a class (by nationality, category or
# removal basis); the person is barred if they belong to any such class.
def court_order(ctx: Context) -> Applied:
    classes = [
        r
        for r in ctx.agreement.rulings
        if r.effect is RulingEffect.BARS_CLASS and r.class_filter and ruling_binds_on(r, ctx.day)
    ]
    if not classes:
        return Applied(
            False,
            "no court order in the record, in force on the day, protects a class of persons",
            fact="no such order recorded",
        )
    members = []
    reads: set[str] = set()
    for ruling in classes:
        f = ruling.class_filter
        assert f is not None
        parts = []
        if f.nationalities:
            parts.append(holds_any(list(f.nationalities)))
            reads.add("citizenships")
        if f.categories:
            parts.append(any_of([category_matches(c) for c in f.categories]))
            reads.update(field for c in f.categories for field in CATEGORY_READS[c])
        if f.removal_basis:
            parts.append(basis_in([b.value for b in f.removal_basis]))
            reads.add("removal_basis")
        members.append(all_of(parts))
    return Applied(
        any_of(members),
        "; ".join(
            f"{r.case} ({r.court}) protects {r.class_filter.description}"
            for r in classes
            if r.class_filter
        ),
        [fact_citation(r, f"{r.case} ({r.court}, {r.decided})") for r in classes],
        reads=tuple(sorted(reads)),
    )


SPECS = [
    ReasonSpec(
        code="citizen_of_sender",
        bit=1 << 3,
        group=Group.LAW,
        fails="The person is a citizen of {sender}, the sending state; a state does not remove "
        "its own citizens.",
        unknown="The person's citizenship is unknown; if they are a citizen of {sender}, removal "
        "is barred.",
        passes="The record shows no citizenship of {sender}, the sending state.",
        when="the person holds the sending state's citizenship (dual citizens included)",
        cited_from=CitedFrom.LAW,
        condition=citizen_of_sender,
    ),
    ReasonSpec(
        code="non_refoulement",
        bit=1 << 4,
        group=Group.LAW,
        fails="The person holds protection against return to {receiver} (non-refoulement).",
        unknown="It is unknown whether the person holds protection against {receiver}; if they "
        "do, transfer there is barred.",
        passes="The record shows no protection against return to {receiver}.",
        when="the person holds protection against the receiving state",
        cited_from=CitedFrom.LAW,
        condition=non_refoulement,
    ),
    ReasonSpec(
        code="protected_status",
        bit=1 << 5,
        group=Group.LAW,
        fails="The person has been granted refugee or asylee status in {sender}.",
        unknown="The person's asylum status is unknown; if it was granted, removal is barred.",
        passes="The record shows no grant of refugee or asylee status.",
        when="asylum or refugee status granted",
        cited_from=CitedFrom.LAW,
        condition=protected_status,
    ),
    ReasonSpec(
        code="pending_protection_claim",
        bit=1 << 6,
        group=Group.LAW,
        fails="The person's protection claim is pending, and a {kind} agreement requires it to "
        "be decided first.",
        unknown="It is unknown whether the person has a pending protection claim; if so, it must "
        "be decided first.",
        passes="The record shows no pending protection claim.",
        when="a pending claim, where the kind of agreement requires it decided first",
        cited_from=CitedFrom.LAW,
        condition=pending_protection_claim,
    ),
    ReasonSpec(
        code="no_final_order",
        bit=1 << 7,
        group=Group.LAW,
        fails="The person has no final removal order, which a {kind} agreement requires.",
        unknown="It is unknown whether the person has a final removal order; without one, "
        "removal is barred.",
        passes="The record shows a final removal order, or a removal basis that needs none.",
        when="no final removal order, where the kind and the sending state's law require one",
        cited_from=CitedFrom.LAW,
        condition=no_final_order,
    ),
    ReasonSpec(
        code="receiving_state_unsafe",
        bit=1 << 8,
        group=Group.LAW,
        fails="A ruling in force on {day} holds that {receiver} is not a safe country for this "
        "transfer.",
        unknown="",
        passes="No ruling in force on {day} holds {receiver} unsafe.",
        when="a ruling in force holds the receiving state unsafe",
        cited_from=CitedFrom.RULINGS,
        condition=receiving_state_unsafe,
    ),
    ReasonSpec(
        code="court_order",
        bit=1 << 9,
        group=Group.LAW,
        fails="A court order in force on {day} bars the removal of a class the person belongs to.",
        unknown="It is unknown whether the person belongs to a class a court order in force "
        "protects.",
        passes="The person is in no class a court order in force on {day} protects.",
        when="a court order in force protects a class the person belongs to",
        cited_from=CitedFrom.RULINGS,
        condition=court_order,
    ),
]
