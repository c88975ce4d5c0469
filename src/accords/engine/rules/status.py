"""Status rules: was the agreement in force on the day?

The status record is a list of dated changes (announced, signed, in force, suspended, ended);
the one in effect on the day decides, and a ruling that suspends the agreement overrides it.
Exactly one of the three status checks fails when the agreement is not in force; all three pass
when it is, each saying which entry of the record it read.
"""

from __future__ import annotations

from accords.engine.spec import Applied, CitedFrom, Context, Group, ReasonSpec, fact_citation
from accords.labels import plain
from accords.law.rules import Citation
from accords.registry.models import Ruling, RulingEffect, Status, StatusChange
from accords.registry.views import ruling_binds_on


def _suspending(ctx: Context) -> list[Ruling]:
    return [
        r
        for r in ctx.agreement.rulings
        if r.effect is RulingEffect.SUSPENDS_AGREEMENT and ruling_binds_on(r, ctx.day)
    ]


def _entry(ctx: Context, change: StatusChange, first: bool = False) -> Citation:
    status = plain(change.status)
    said = "first recorded status, " if first else "status "
    return fact_citation(change, f"{ctx.agreement.id}: {said}{status} ({change.date})")


def status_text(ctx: Context) -> str:
    """The agreement's status on the day in words, as the record gives it: never past the
    record's end (a later day reads "as last confirmed on" the record's last day)."""
    change = ctx.status
    if change is None:
        return "not yet announced"
    if _suspending(ctx):
        return "suspended by a court"
    if ctx.day > ctx.agreement.as_of:
        return f"{plain(change.status)} as last confirmed on {ctx.agreement.as_of}"
    return f"{plain(change.status)} since {change.date}"


# not_yet_in_force: the record's entry in effect on the day is announced or signed, or no
# entry is in effect yet. Before the first entry the record's first entry is cited: it is the
# source for "not before this date", and the rule says the registry reads absence that way.
def not_yet_in_force(ctx: Context) -> Applied:
    change = ctx.status
    if change is None:
        first = ctx.agreement.status[0] if ctx.agreement.status else None
        return Applied(
            True,
            "no status is recorded before this day"
            + (
                f"; the record begins with {plain(first.status)} on {first.date}"
                if first
                else "; the record has no status entry"
            )
            + " (the registry reads an agreement with no recorded status as not in force)",
            [_entry(ctx, first, first=True)] if first else [],
            fact=status_text(ctx),
        )
    fails = change.status not in (Status.IN_FORCE, Status.SUSPENDED, Status.ENDED) and not (
        _suspending(ctx)
    )
    return Applied(
        fails,
        f"the record's status on the day: {status_text(ctx)}",
        [_entry(ctx, change)],
        fact=status_text(ctx),
    )


# ended: the record's entry in effect on the day is `ended` (and no ruling suspends it).
def ended(ctx: Context) -> Applied | None:
    change = ctx.status
    if change is None:
        return None
    return Applied(
        change.status is Status.ENDED and not _suspending(ctx),
        f"the record's status on the day: {status_text(ctx)}",
        [_entry(ctx, change)],
        fact=status_text(ctx),
    )


# suspended: a ruling in force on the day suspends the agreement, or the record's entry in
# effect is `suspended`.
def suspended(ctx: Context) -> Applied | None:
    change = ctx.status
    if change is None:
        return None
    rulings = _suspending(ctx)
    if rulings:
        ruling = rulings[0]
        return Applied(
            True,
            f"{ruling.case} ({ruling.court}) suspends the agreement while it is in force",
            [fact_citation(ruling, f"{ruling.case} ({ruling.court})")],
            fact=status_text(ctx),
        )
    return Applied(
        change.status is Status.SUSPENDED,
        f"the record's status on the day: {status_text(ctx)}; no ruling in the record suspends it",
        [_entry(ctx, change)],
        fact=status_text(ctx),
    )


SPECS = [
    ReasonSpec(
        code="not_yet_in_force",
        bit=1 << 0,
        group=Group.STATUS,
        fails="The agreement was not yet in force on {day} ({status}).",
        unknown="",
        passes="The agreement counts as in force on {day} ({status}).",
        when="the agreement's status on the day is in negotiation, announced or signed, or "
        "nothing is recorded",
        cited_from=CitedFrom.STATUS,
        condition=not_yet_in_force,
    ),
    ReasonSpec(
        code="ended",
        bit=1 << 1,
        group=Group.STATUS,
        fails="The agreement had ended by {day}.",
        unknown="",
        passes="No end of the agreement is recorded by {day}.",
        when="the agreement's status on the day is ended",
        cited_from=CitedFrom.STATUS,
        condition=ended,
    ),
    ReasonSpec(
        code="suspended",
        bit=1 << 2,
        group=Group.STATUS,
        fails="The agreement was suspended on {day}.",
        unknown="",
        passes="No suspension of the agreement is recorded for {day}.",
        when="the agreement's status on the day is suspended, or a ruling in force suspends it",
        cited_from=CitedFrom.STATUS,
        condition=suspended,
    ),
]
