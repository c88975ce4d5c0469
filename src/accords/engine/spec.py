"""What a rule is: the declaration every reason code has, and the verdict precedence.

A reason code is declared once (`ReasonSpec`, in `accords.engine.rules`): its code, its fixed
bit in the reason masks, its group, its sentences (fails, unknown, passes), the person facts it
reads, where its citations come from, and the condition it compiles to. The engine, the
explanations, the trace, the docs table and the tests' code lists are all derived from those
declarations, so adding a code touches one declaration and its test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from functools import cached_property

import polars as pl

from accords.law import rules_for
from accords.law.rules import Citation, LawRule
from accords.registry.models import Agreement, Basis, Fact, StatusChange
from accords.registry.views import possible_status_changes, status_change_on


class Group(IntEnum):
    STATUS = 0
    LAW = 1
    COVERAGE = 2


class Verdict(StrEnum):
    PERMITTED = "permitted"
    UNDETERMINED = "undetermined"
    NOT_COVERED = "not_covered"
    BARRED = "barred"
    NOT_IN_FORCE = "not_in_force"


VERDICTS = [v.value for v in Verdict]


class CitedFrom(StrEnum):
    """Where a rule's citations come from (the docs table's last column)."""

    STATUS = "the agreement's status record and suspending rulings"
    LAW = "the sending state's law and the international layer (accords.law)"
    RULINGS = "rulings in the agreement's record"
    AGREEMENT = "the agreement's parties"
    TERMS = "the agreement's terms on the day"


@dataclass(frozen=True)
class Precedence:
    """One row of the verdict table: when `group`'s checks fail (or, for no group, when any
    check is unknown), the verdict is `verdict`; the first matching row wins."""

    group: Group | None
    verdict: Verdict
    when: str


PRECEDENCE: tuple[Precedence, ...] = (
    Precedence(Group.STATUS, Verdict.NOT_IN_FORCE, "a status check fails"),
    Precedence(Group.LAW, Verdict.BARRED, "a legal check fails"),
    Precedence(Group.COVERAGE, Verdict.NOT_COVERED, "a coverage check fails"),
    Precedence(None, Verdict.UNDETERMINED, "nothing fails, but a fact needed to decide is unknown"),
)
OTHERWISE = Verdict.PERMITTED


@dataclass
class Context:
    """What every condition may read: the agreement, the day, and the law in force on it."""

    agreement: Agreement
    day: date

    @cached_property
    def law(self) -> dict[str, list[LawRule]]:
        return rules_for(self.agreement.sending_state, self.day)

    @cached_property
    def status(self) -> StatusChange | None:
        return status_change_on(self.agreement, self.day)

    @cached_property
    def possible_statuses(self) -> list[StatusChange | None]:
        return possible_status_changes(self.agreement, self.day)


@dataclass
class Applied:
    """What a rule compiled to for one agreement on one day.

    `fails` is a nullable boolean expression over the population frame (true: fails, false:
    passes, null: unknown), or a constant when the person's facts do not matter. `rule` says in
    words what was applied (the term, status entry, ruling or law); `fact` is the agreement-side
    fact read when the check reads none of the person's; `reads` the person fields it reads.
    """

    fails: pl.Expr | bool
    rule: str
    citations: list[Citation] = field(default_factory=list)
    reads: tuple[str, ...] = ()
    fact: str | None = None


Condition = Callable[[Context], Applied | None]


@dataclass(frozen=True)
class ReasonSpec:
    """One reason code, declared once.

    `bit` is fixed: it is stored in every `fail_mask`/`unknown_mask` already written, so it is
    never derived from an order and never reused. `condition` returns None when the rule does not
    apply to the agreement on the day (it is then not evaluated, and not in the trace).
    """

    code: str
    bit: int
    group: Group
    fails: str
    unknown: str
    passes: str
    when: str
    cited_from: CitedFrom
    condition: Condition

    @property
    def unknown_code(self) -> str:
        return f"{self.code}_unknown"


# After a citation's label: how its fact is known, briefly (the rule's words say it in full).
SHORT_BASIS = {
    Basis.INFERRED: " (inferred from this source)",
    Basis.REPORTED_PRACTICE: " (reported practice)",
}


def fact_citation(fact: Fact, label: str) -> Citation:
    """A registry fact cited by its first source, saying how the fact is known."""
    source = fact.sources[0]
    inferred = fact.basis is Basis.INFERRED
    return Citation(
        label=label + SHORT_BASIS.get(fact.basis, ""),
        url=source.url,
        publisher=source.publisher,
        date=source.date.text if source.date else None,
        quote=source.quote,
        basis=fact.basis.value,
        inferred_from=fact.note if inferred else None,
    )
