"""Cases declared in YAML (tests/cases/*.yaml), each a sentence a journalist or lawyer could say.

A case names a person (inline, or one of the file's `people`, changed `with` some fields), the
day or days it is checked on, and what the engine must answer: the verdict (or a verdict it
must not give), the reasons (exactly, or some it must include or exclude) and words the
citation of a reason must contain. A `timeline` checks one person on several days, each with
its verdict. Adding a case needs no Python: see tests/cases/README.md.

The files are read with the project's own validation, so a mistyped field or reason code is an
error naming its file and line, not a test that silently checks nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from accords.engine.check import AgreementResult, check
from accords.engine.reasons import CODES, Verdict
from accords.registry.loader import Registry
from accords.validation import load_model

CASES_DIR = Path(__file__).parent.parent / "cases"


def _known_code(code: str) -> str:
    """A reason code, or one with `_unknown` (the check could not be decided)."""
    if code.removesuffix("_unknown") not in CODES:
        raise ValueError(f"{code!r} is not a reason code (known: {', '.join(CODES)})")
    return code


Code = Annotated[str, AfterValidator(_known_code)]


class Declared(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Case(Declared):
    says: str = Field(min_length=1)
    why: str | None = None
    person: str | dict[str, Any]
    changed: dict[str, Any] = Field(default_factory=dict, alias="with")
    on: date | list[date] | None = None
    timeline: dict[date, Verdict] | None = None
    verdict: Verdict | None = None
    verdict_is_not: Verdict | None = Field(default=None, alias="verdict is not")
    reasons: list[Code] | None = None
    reasons_include: list[Code] = Field(default_factory=list, alias="reasons include")
    reasons_exclude: list[Code] = Field(default_factory=list, alias="reasons exclude")
    cites: dict[Code, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Case:
        if (self.on is None) == (self.timeline is None):
            raise ValueError("give the day(s) in 'on', or a 'timeline' of days and verdicts")
        expects = (self.verdict, self.verdict_is_not, self.reasons, self.timeline)
        if all(e is None for e in expects) and not (self.reasons_include or self.reasons_exclude):
            raise ValueError("a case must expect something: a verdict, reasons or a timeline")
        return self

    def days(self) -> list[tuple[date, Verdict | None]]:
        if self.timeline is not None:
            return list(self.timeline.items())
        days = self.on if isinstance(self.on, list) else [self.on]
        return [(d, self.verdict) for d in days if d is not None]


class CaseFile(Declared):
    agreement: str
    people: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _people_named(self) -> CaseFile:
        for case in self.cases:
            if isinstance(case.person, str) and case.person not in self.people:
                raise ValueError(f"case {case.says!r} names an unknown person {case.person!r}")
        return self


def _declared() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        declared, _ = load_model(path, CaseFile)
        for case in declared.cases:
            base = declared.people[case.person] if isinstance(case.person, str) else case.person
            person = {"id": "case", **base, **case.changed}
            for day, verdict in case.days():
                params.append(
                    pytest.param(
                        declared.agreement,
                        person,
                        day,
                        verdict,
                        case,
                        id=f"{path.stem}: {case.says} [{day}]",
                    )
                )
    return params


def _codes(result: AgreementResult) -> set[str]:
    return {reason.code for reason in result.reasons}


@pytest.mark.parametrize(("agreement", "person", "day", "verdict", "case"), _declared())
def test_declared_case(
    shipped_registry: Registry,
    agreement: str,
    person: dict[str, Any],
    day: date,
    verdict: Verdict | None,
    case: Case,
) -> None:
    (result,) = check(person, date=day, agreements=[agreement], registry=shipped_registry).results
    codes = _codes(result)
    if verdict is not None:
        assert result.verdict == verdict, sorted(codes)
    if case.verdict_is_not is not None:
        assert result.verdict != case.verdict_is_not, sorted(codes)
    if case.reasons is not None:
        assert codes == set(case.reasons)
    assert set(case.reasons_include) <= codes, sorted(codes)
    assert not set(case.reasons_exclude) & codes, sorted(codes)
    for code, words in case.cites.items():
        (reason,) = [r for r in result.reasons if r.code == code]
        assert reason.citation is not None, f"{code} has no citation"
        assert words in reason.citation.label, reason.citation.label


def test_every_case_file_declares_cases() -> None:
    """The folder is read: an empty glob would make the test above check nothing."""
    assert len(_declared()) >= 40
