"""Status rules: was the agreement in force on the day?

The status record is a list of dated changes (announced, signed, in force, suspended, ended);
the one in effect on the day decides, and a ruling that suspends the agreement overrides it.
Exactly one of the three status checks fails when the agreement is not in force; all three pass
when it is, each saying which entry of the record it read. Where a change's date is known only
as a range and the day falls inside it (in force on 2025-01-01/2025-05-02, asked about
2025-04-01), the record cannot say which status held: a check whose answer depends on that is
unknown, never decided either way.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

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


UNKNOWN = pl.lit(None, dtype=pl.Boolean)


def _decided(ctx: Context, fails: Callable[[StatusChange | None], bool]) -> bool:
    """Whether the check's answer is the same under every status the record allows on the
    day (`possible_status_changes`)."""
    return len({fails(change) for change in ctx.possible_statuses}) == 1


def _in_doubt(ctx: Context) -> bool:
    """Whether the statuses the record allows on the day differ in what the checks read (in
    force, suspended, ended, or none of these): "in negotiation" or nothing yet do not."""

    def held(change: StatusChange | None) -> Status | None:
        holding = (Status.IN_FORCE, Status.SUSPENDED, Status.ENDED)
        return change.status if change is not None and change.status in holding else None

    return len({held(change) for change in ctx.possible_statuses}) > 1


def _undecided(ctx: Context) -> Applied:
    """The check where the record cannot say which status held: unknown, citing each entry
    that may have been in effect."""
    return Applied(
        UNKNOWN,
        f"the record cannot say which status held on the day: {status_text(ctx)}",
        [_entry(ctx, change) for change in ctx.possible_statuses if change is not None],
        fact=status_text(ctx),
    )


def _entry(ctx: Context, change: StatusChange, first: bool = False) -> Citation:
    status = plain(change.status)
    said = "first recorded status, " if first else "status "
    return fact_citation(change, f"{ctx.agreement.id}: {said}{status} ({change.date})")


def status_text(ctx: Context) -> str:
    """The agreement's status on the day in words, as the record gives it: never past the
    record's end (a later day reads "as last confirmed on" the record's last day)."""
    change = ctx.status
    held, *spanning = ctx.possible_statuses
    if _in_doubt(ctx) and not _suspending(ctx) and ctx.day <= ctx.agreement.as_of:
        before = f"{plain(held.status)} since {held.date}" if held else "nothing recorded before"
        after = "; ".join(
            f"{plain(c.status)} from a day between {c.date.earliest} and {c.date.latest}"
            for c in spanning
            if c is not None
        )
        return f"{before}, then {after}: not known which held on {ctx.day}"
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
def _not_in_force_under(ctx: Context) -> Callable[[StatusChange | None], bool]:
    suspending = bool(_suspending(ctx))

    def fails(change: StatusChange | None) -> bool:
        if change is None:
            return True
        held = change.status in (Status.IN_FORCE, Status.SUSPENDED, Status.ENDED)
        return not held and not suspending

    return fails


def not_yet_in_force(ctx: Context) -> Applied:
    if not _decided(ctx, _not_in_force_under(ctx)):
        return _undecided(ctx)
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
    return Applied(
        _not_in_force_under(ctx)(change),
        f"the record's status on the day: {status_text(ctx)}",
        [_entry(ctx, change)],
        fact=status_text(ctx),
    )


# ended: the record's entry in effect on the day is `ended` (and no ruling suspends it).
def ended(ctx: Context) -> Applied | None:
    change = ctx.status
    if change is None:
        return None
    suspending = bool(_suspending(ctx))

    def fails(change: StatusChange | None) -> bool:
        return change is not None and change.status is Status.ENDED and not suspending

    if not _decided(ctx, fails):
        return _undecided(ctx)
    return Applied(
        fails(change),
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

    def fails(change: StatusChange | None) -> bool:
        return change is not None and change.status is Status.SUSPENDED

    if not _decided(ctx, fails):
        return _undecided(ctx)
    return Applied(
        fails(change),
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
        unknown="Whether the agreement was in force on {day} is not known ({status}).",
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
        unknown="Whether the agreement had ended by {day} is not known ({status}).",
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
        unknown="Whether the agreement was suspended on {day} is not known ({status}).",
        passes="No suspension of the agreement is recorded for {day}.",
        when="the agreement's status on the day is suspended, or a ruling in force suspends it",
        cited_from=CitedFrom.STATUS,
        condition=suspended,
    ),
]
