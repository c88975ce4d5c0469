"""One case: a person, a date, the agreements of the state they are in — and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from accords.engine.evaluate import evaluate_frame, explain
from accords.engine.person import Person, persons_frame
from accords.engine.reasons import Verdict
from accords.law.rules import Citation
from accords.registry.loader import Registry, load_registry
from accords.validation import load_model


class CitationOut(Citation):
    also: list[Citation] = Field(default_factory=list)


class ReasonOut(BaseModel):
    code: str
    message: str
    citation: CitationOut | None


class AgreementResult(BaseModel):
    agreement: str
    sender: str
    receiver: str
    verdict: Verdict
    reasons: list[ReasonOut]


class CheckOutput(BaseModel):
    person: str
    date: date
    results: list[AgreementResult]


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
    chosen = reg.select(agreements) if agreements else reg.for_sender(case.present_in)
    evaluation = evaluate_frame(persons_frame([case]), chosen, day, applicable_only=False)
    rows = {r["agreement"]: r for r in evaluation.verdicts.to_dicts()}
    results = []
    for agreement in chosen:
        row = rows[agreement.id]
        reasons = explain(
            evaluation.compiled[agreement.id],
            row["fail_mask"],
            row["unknown_mask"],
            case.present_in,
        )
        results.append(
            AgreementResult(
                agreement=agreement.id,
                sender=agreement.sending_state,
                receiver=agreement.receiver,
                verdict=Verdict(row["verdict"]),
                reasons=[
                    ReasonOut(
                        code=r.code,
                        message=r.message,
                        citation=CitationOut(**r.citation.model_dump(), also=list(r.also))
                        if r.citation
                        else None,
                    )
                    for r in reasons
                ],
            )
        )
    return CheckOutput(person=case.id, date=day, results=results)


def _today() -> date:
    from datetime import date as _date

    return _date.today()
