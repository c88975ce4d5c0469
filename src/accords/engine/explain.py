"""A verdict's reasons and its trace, decoded from the reason masks.

The trace lists every check the engine evaluated for an agreement on a day, in declaration
order, each with its outcome (read from the masks), the fact it read, the rule it applied in
words and its citation — passing checks too. Everything but the facts comes from the compiled
agreement and the masks, so a person's trace alone and inside a population of millions is the
same: both are decoded here from the same two integers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from accords.engine.compile import Check, CompiledAgreement
from accords.engine.expressions import READ_AS
from accords.engine.reasons import PRECEDENCE, REASONS, Verdict
from accords.labels import plain
from accords.law.rules import Citation
from accords.registry.countries import country_in_text


class Outcome(StrEnum):
    PASSES = "passes"
    FAILS = "fails"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Step:
    """One evaluated check: what it read, what it applied, what came out, and its sources."""

    check: str
    outcome: Outcome
    message: str
    fact: str
    rule: str
    citations: tuple[Citation, ...]
    reads: tuple[str, ...]
    if_fails: str

    @property
    def reason_code(self) -> str:
        """The code as `reasons` lists it: `<code>_unknown` for an undecidable check."""
        return f"{self.check}_unknown" if self.outcome is Outcome.UNKNOWN else self.check


@dataclass(frozen=True)
class Assumption:
    """A passing check a permitted verdict rests on: it holds only if the record is right."""

    check: str
    fact: str
    message: str


def _value(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]" if value else "[] (none)"
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value if isinstance(value, StrEnum) else value)


def facts_text(reads: tuple[str, ...], facts: Mapping[str, Any]) -> str:
    """The person's recorded values a check read, e.g. `citizenships = [VEN]`."""
    if "age" in reads and facts.get("age") is None and facts.get("birth_date") is not None:
        reads = tuple(r for r in reads if r != "age")
    elif "birth_date" in reads:
        reads = tuple(r for r in reads if r != "birth_date")
    if not reads:
        return "nothing from the person's record (the rule covers anyone)"
    return "; ".join(_read(name, facts.get(name)) for name in reads)


def _read(name: str, value: Any) -> str:
    if value is None and name in READ_AS:
        return f"{name} not recorded (read as {plain(READ_AS[name])})"
    return f"{name} = {_value(value)}"


def _outcome(check: Check, fail_mask: int, unknown_mask: int) -> Outcome:
    bit = check.spec.bit
    if fail_mask & bit:
        return Outcome.FAILS
    return Outcome.UNKNOWN if unknown_mask & bit else Outcome.PASSES


def trace(
    compiled: CompiledAgreement, fail_mask: int, unknown_mask: int, facts: Mapping[str, Any]
) -> list[Step]:
    """Every evaluated check for one (person, agreement), decoded from the person's masks.

    `facts` are the person's recorded fields (a `Person` dumped, or a population row): only
    the `fact` text reads them; outcomes come from the masks alone.
    """
    agreement = compiled.agreement
    values = {
        "day": compiled.day.isoformat(),
        "sender": country_in_text(agreement.sending_state),
        "receiver": country_in_text(agreement.receiver),
        "kind": plain(agreement.kind),
        "present_in": country_in_text(str(facts.get("present_in"))),
        "status": compiled.status_text,
    }
    steps = []
    for check in compiled.checks:
        outcome = _outcome(check, fail_mask, unknown_mask)
        spec, applied = check.spec, check.applied
        template = {
            Outcome.FAILS: spec.fails,
            Outcome.UNKNOWN: spec.unknown,
            Outcome.PASSES: spec.passes,
        }[outcome]
        steps.append(
            Step(
                check=spec.code,
                outcome=outcome,
                message=template.format(**values),
                fact=applied.fact if applied.fact is not None else facts_text(applied.reads, facts),
                rule=applied.rule,
                citations=tuple(applied.citations),
                reads=applied.reads,
                if_fails=spec.fails.format(**values),
            )
        )
    return steps


def reasons(steps: list[Step]) -> list[Step]:
    """The failing and undecidable checks: the verdict's reasons."""
    return [s for s in steps if s.outcome is not Outcome.PASSES]


def decisive(steps: list[Step], verdict: Verdict) -> Step | None:
    """The check that decides the verdict: the first failing one of the group the precedence
    table chose, or for `undetermined` the first unknown one; None for `permitted`."""
    row = next((r for r in PRECEDENCE if r.verdict is verdict), None)
    if row is None:
        return None
    wanted = Outcome.UNKNOWN if row.group is None else Outcome.FAILS
    for step in steps:
        if step.outcome is wanted and (row.group is None or REASONS[step.check].group is row.group):
            return step
    return None


# Where the person is, is the question asked, not a recorded fact the answer rests on.
GIVEN = frozenset({"present_in"})


def assumptions(steps: list[Step]) -> list[Assumption]:
    """The passing checks that read the person's record: each holds only if the record does."""
    return [
        Assumption(
            check=s.check,
            fact=s.fact,
            message=f"Holds only if the record is right ({s.fact}); otherwise: {s.if_fails}",
        )
        for s in steps
        if s.outcome is Outcome.PASSES and set(s.reads) - GIVEN
    ]
