"""One case: a person, a date, the agreements of the state they are in — and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from accords.engine.evaluate import evaluate_frame
from accords.engine.explain import Outcome, Step, assumptions, decisive, reasons, trace
from accords.engine.person import Person, persons_frame
from accords.engine.reasons import Verdict
from accords.law.rules import Citation
from accords.registry.countries import country_name
from accords.registry.loader import Registry, load_registry
from accords.registry.models import Agreement
from accords.validation import InputError, Problem, load_model
from accords.version import Versioned


class CitationOut(Citation):
    also: list[Citation] = Field(default_factory=list)


def _cite(citations: tuple[Citation, ...]) -> CitationOut | None:
    if not citations:
        return None
    return CitationOut(**citations[0].model_dump(), also=list(citations[1:]))


class ReasonOut(BaseModel):
    code: str
    message: str
    citation: CitationOut | None


class TraceStep(BaseModel):
    """One evaluated check: passing checks are listed too."""

    check: str = Field(description="The reason code of the check.")
    outcome: Outcome
    fact: str = Field(
        description="What it read: the person's recorded values, or the agreement's status or "
        "rulings on the day."
    )
    rule: str = Field(description="The term, status entry, ruling or law it applied, in words.")
    message: str = Field(description="The outcome in a sentence.")
    citation: CitationOut | None


class AssumptionOut(BaseModel):
    """A passing check the verdict rests on: it holds only if the person's record is right."""

    check: str
    fact: str
    message: str


class AgreementResult(BaseModel):
    agreement: str
    title: str
    kind: str
    sender: str
    receiver: str
    verdict: Verdict
    decisive: str | None = Field(
        description="The reason that decides the verdict (as in `reasons`); null when permitted."
    )
    reasons: list[ReasonOut]
    trace: list[TraceStep]
    assumptions: list[AssumptionOut] = Field(
        description="For a permitted verdict, the passing checks that rest on the record."
    )


class CheckOutput(Versioned):
    person: str
    date: date
    results: list[AgreementResult]


def _result(agreement: Agreement, verdict: Verdict, steps: list[Step]) -> AgreementResult:
    failing = reasons(steps)
    deciding = decisive(steps, verdict)
    return AgreementResult(
        agreement=agreement.id,
        title=agreement.title,
        kind=agreement.kind.value,
        sender=agreement.sending_state,
        receiver=agreement.receiver,
        verdict=verdict,
        decisive=deciding.reason_code if deciding else None,
        reasons=[
            ReasonOut(code=s.reason_code, message=s.message, citation=_cite(s.citations))
            for s in failing
        ],
        trace=[
            TraceStep(
                check=s.check,
                outcome=s.outcome,
                fact=s.fact,
                rule=s.rule,
                message=s.message,
                citation=_cite(s.citations),
            )
            for s in steps
        ],
        assumptions=[
            AssumptionOut(check=a.check, fact=a.fact, message=a.message)
            for a in (assumptions(steps) if verdict is Verdict.PERMITTED else [])
        ],
    )


def load_person(path: Path, text: str | None = None) -> Person:
    person, _ = load_model(path, Person, text)
    return person


def check(
    person: Person | dict[str, Any],
    date: date | None = None,
    agreements: Sequence[str] | None = None,
    registry: Registry | None = None,
) -> CheckOutput:
    """Verdicts for one person on one day, under the agreements of the state they are in."""
    case = person if isinstance(person, Person) else Person.model_validate(person)
    reg = registry or load_registry()
    day = date or _today()
    if case.birth_date is not None and case.birth_date > day:
        message = f"{case.birth_date} is after the evaluation date {day}"
        raise InputError([Problem(Path(f"person {case.id}"), None, None, "birth_date", message)])
    chosen = reg.select(agreements) if agreements else reg.for_sender(case.present_in)
    frame = persons_frame([case])
    evaluation = evaluate_frame(frame, chosen, day, applicable_only=False)
    facts = frame.row(0, named=True)
    rows = {r["agreement"]: r for r in evaluation.verdicts.to_dicts()}
    results = []
    for agreement in chosen:
        row = rows[agreement.id]
        steps = trace(
            evaluation.compiled[agreement.id], row["fail_mask"], row["unknown_mask"], facts
        )
        results.append(_result(agreement, Verdict(row["verdict"]), steps))
    return CheckOutput(person=case.id, date=day, results=results, data_version=str(reg.version))


def _today() -> date:
    from datetime import date as _date

    return _date.today()


class CitationNumbers:
    """Footnote numbers for a check's citations: each citation once, in order of first use, so
    a table of 17 agreements barred by the same law cites it as [1] once."""

    def __init__(self) -> None:
        self.cited: list[Citation] = []
        self._index: dict[tuple[str, str | None, str | None], int] = {}

    def number(self, citation: Citation | None) -> int | None:
        if citation is None:
            return None
        key = (citation.label, citation.url, citation.quote)
        if key not in self._index:
            self.cited.append(citation)
            self._index[key] = len(self.cited)
        return self._index[key]

    def numbers(self, citation: CitationOut | None) -> list[int]:
        """The numbers of a citation and every citation listed beside it (`also`)."""
        if citation is None:
            return []
        first = Citation(**citation.model_dump(exclude={"also"}))
        return [n for c in [first, *citation.also] if (n := self.number(c)) is not None]


# Overview order: the verdicts a reader acts on first.
VERDICT_ORDER = [
    Verdict.PERMITTED,
    Verdict.UNDETERMINED,
    Verdict.BARRED,
    Verdict.NOT_COVERED,
    Verdict.NOT_IN_FORCE,
]


def answer_sentence(results: Sequence[AgreementResult]) -> str:
    """The answer in one sentence, before the table: under how many agreements the person could
    be sent (and where), then how many the record cannot decide, and why the others cannot be
    used: "Could not be sent under any of the 31 agreements: barred by law or a court under 6;
    25 not in force on that day."."""
    if not results:
        return "No agreement in the registry has this sending state."
    by: dict[Verdict, list[AgreementResult]] = {v: [] for v in VERDICT_ORDER}
    for r in results:
        by[r.verdict].append(r)
    total = len(results)
    agreements = "agreement" if total == 1 else "agreements"

    def where(verdict: Verdict) -> str:
        names = sorted({country_name(r.receiver) for r in by[verdict]})
        return f" (to {', '.join(names)})"

    permitted = len(by[Verdict.PERMITTED])
    if permitted:
        lead = f"Could be sent under {permitted} of the {total} {agreements}"
        lead += where(Verdict.PERMITTED)
    elif by[Verdict.UNDETERMINED]:
        lead = f"None of the {total} {agreements} permits it on the record as it stands"
    elif total == 1:
        lead = "Could not be sent under the one agreement"
    else:
        lead = f"Could not be sent under any of the {total} {agreements}"
    words = {
        Verdict.UNDETERMINED: "the record cannot decide {n}",
        Verdict.BARRED: "barred by law or a court under {n}",
        Verdict.NOT_COVERED: "not covered by {n}",
        Verdict.NOT_IN_FORCE: "{n} not in force on that day",
    }
    rest = []
    for verdict, text in words.items():
        if by[verdict]:
            part = text.format(n=len(by[verdict]))
            rest.append(part + (where(verdict) if verdict is Verdict.UNDETERMINED else ""))
    return lead + (": " + "; ".join(rest) if rest else "") + "."


def overview_order(results: list[AgreementResult]) -> list[AgreementResult]:
    """Permitted and undetermined first, then barred, not covered, not in force; by id within."""
    return sorted(results, key=lambda r: (VERDICT_ORDER.index(r.verdict), r.agreement))


def decisive_step(result: AgreementResult) -> TraceStep | None:
    """The trace step `decisive` names (None for a permitted verdict)."""
    for step in result.trace:
        code = f"{step.check}_unknown" if step.outcome is Outcome.UNKNOWN else step.check
        if code == result.decisive:
            return step
    return None
