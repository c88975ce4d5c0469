"""The trace: every evaluated check, passing ones too, decoded from the masks of the verdict."""

from __future__ import annotations

import random
from datetime import date

import polars as pl
from engine_strategies import AGREEMENTS, CODES, SENDING_STATES, days, persons
from hypothesis import HealthCheck, given, settings

from accords.engine.check import check
from accords.engine.compile import compile_agreement
from accords.engine.evaluate import evaluate_frame
from accords.engine.explain import Outcome, trace
from accords.engine.person import AsylumClaim, Person, Sex, persons_frame
from accords.engine.reasons import Verdict
from accords.registry.loader import Registry
from accords.registry.models import Basis

DAY = date(2025, 7, 1)
VENEZUELAN: dict[str, object] = {
    "present_in": "USA",
    "citizenships": ["VEN"],
    "age": 30,
    "sex": "male",
    "asylum_claim": "none",
    "protection_against": [],
    "final_removal_order": True,
    "criminal_conviction": True,
    "serving_sentence": False,
    "gang_designation": False,
}
# One case per verdict kind: (person fields, agreement, day, verdict).
CASES = [
    (VENEZUELAN, "usa-slv-2025", DAY, Verdict.PERMITTED),
    ({**VENEZUELAN, "citizenships": ["USA"]}, "usa-slv-2025", DAY, Verdict.BARRED),
    (VENEZUELAN, "usa-col-2025", DAY, Verdict.NOT_COVERED),
    (VENEZUELAN, "usa-slv-2025", date(2025, 1, 1), Verdict.NOT_IN_FORCE),
    ({**VENEZUELAN, "citizenships": None}, "usa-slv-2025", DAY, Verdict.UNDETERMINED),
]
# Checks that read neither the person nor a source when nothing in the record applies.
NOTHING_RECORDED = {"no such ruling recorded", "no such order recorded"}


def _one(fields: dict[str, object], agreement: str, day: date, reg: Registry):  # type: ignore[no-untyped-def]
    return check(Person(id="case", **fields), date=day, agreements=[agreement], registry=reg)


def test_each_verdict_kind_traces_every_evaluated_check(shipped_registry: Registry) -> None:
    for fields, agreement_id, day, verdict in CASES:
        (result,) = _one(fields, agreement_id, day, shipped_registry).results
        assert result.verdict is verdict, (agreement_id, day, result.verdict)
        compiled = compile_agreement(shipped_registry.get(agreement_id), day)
        assert [s.check for s in result.trace] == [c.code for c in compiled.checks]
        for step in result.trace:
            assert step.fact and step.rule and step.message, step
            if step.fact not in NOTHING_RECORDED:
                assert step.citation is not None, step
        # `reasons` are exactly the trace's failing and unknown checks, in order.
        codes = [
            s.check + ("_unknown" if s.outcome is Outcome.UNKNOWN else "")
            for s in result.trace
            if s.outcome is not Outcome.PASSES
        ]
        assert [r.code for r in result.reasons] == codes
        if verdict is Verdict.PERMITTED:
            assert result.decisive is None and result.reasons == []
            assert {a.check for a in result.assumptions} >= {
                "citizen_of_sender",
                "non_refoulement",
                "no_final_order",
            }
        else:
            assert result.decisive in codes and result.assumptions == []


def test_permitted_verdict_says_what_it_rests_on(shipped_registry: Registry) -> None:
    """The El Salvador case of the issue: in force since, covers any nationality and convicted
    persons, not a US citizen and no protection on the record, a final order (with the law)."""
    (result,) = _one(VENEZUELAN, "usa-slv-2025", DAY, shipped_registry).results
    steps = {s.check: s for s in result.trace}
    assert "in force since 2025-03-15" in steps["not_yet_in_force"].fact
    assert steps["nationality_not_covered"].rule == "covers any nationality"
    assert "convicted" in steps["category_not_covered"].rule
    assert steps["citizen_of_sender"].fact == "citizenships = [VEN]"
    assert steps["non_refoulement"].fact == "protection_against = [] (none)"
    assert "final_removal_order = yes" in steps["no_final_order"].fact
    assert "registry's reading" in steps["no_final_order"].rule
    assert all(s.outcome is Outcome.PASSES for s in result.trace)


def test_not_yet_in_force_before_any_record_is_cited(shipped_registry: Registry) -> None:
    for agreement in shipped_registry:
        first = agreement.status[0].effective() if agreement.status else None
        if first is None or first <= date(2010, 1, 2):
            continue
        (result,) = check(
            Person(id="c", present_in=agreement.sending_state),
            date=date(2010, 1, 1),
            agreements=[agreement.id],
            registry=shipped_registry,
        ).results
        (reason,) = [r for r in result.reasons if r.code == "not_yet_in_force"]
        assert reason.citation is not None, agreement.id


def _background(n: int) -> list[Person]:
    """A seeded population that exercises every kind of fact, known and unknown."""
    rng = random.Random(20251201)

    def maybe(value: object) -> object:
        return None if rng.random() < 0.2 else value

    people = []
    for i in range(n):
        people.append(
            Person(
                id=f"bg{i}",
                present_in=rng.choice(SENDING_STATES),
                citizenships=maybe(rng.sample(CODES, rng.randint(0, 2))),  # type: ignore[arg-type]
                age=maybe(rng.randint(0, 80)),  # type: ignore[arg-type]
                sex=maybe(rng.choice(list(Sex))),  # type: ignore[arg-type]
                asylum_claim=maybe(rng.choice(list(AsylumClaim))),  # type: ignore[arg-type]
                protection_against=maybe(rng.sample(CODES, rng.randint(0, 1))),  # type: ignore[arg-type]
                final_removal_order=maybe(rng.random() < 0.5),  # type: ignore[arg-type]
                criminal_conviction=maybe(rng.random() < 0.5),  # type: ignore[arg-type]
                serving_sentence=maybe(rng.random() < 0.3),  # type: ignore[arg-type]
                gang_designation=maybe(rng.random() < 0.2),  # type: ignore[arg-type]
                vulnerable=maybe(rng.random() < 0.2),  # type: ignore[arg-type]
                family_unit=maybe(rng.random() < 0.3),  # type: ignore[arg-type]
            )
        )
    return people


BACKGROUND = persons_frame(_background(10_000 - 1))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=persons("the-case"), day=days())
def test_a_case_alone_has_the_trace_it_has_in_a_population_of_ten_thousand(
    person: Person, day: date
) -> None:
    alone = {
        r.agreement: r
        for r in check(person, date=day, agreements=[a.id for a in AGREEMENTS]).results
    }
    frame = pl.concat([BACKGROUND.head(5_000), persons_frame([person]), BACKGROUND.tail(4_999)])
    assert frame.height == 10_000
    evaluation = evaluate_frame(frame, AGREEMENTS, day, applicable_only=False)
    rows = evaluation.verdicts.filter(pl.col("person_id") == person.id).to_dicts()
    facts = frame.filter(pl.col("id") == person.id).row(0, named=True)
    assert len(rows) == len(AGREEMENTS)
    for row in rows:
        steps = trace(
            evaluation.compiled[row["agreement"]], row["fail_mask"], row["unknown_mask"], facts
        )
        mine = alone[row["agreement"]]
        assert mine.verdict.value == row["verdict"]
        assert [(s.check, s.outcome.value, s.fact, s.rule, s.message) for s in steps] == [
            (s.check, s.outcome.value, s.fact, s.rule, s.message) for s in mine.trace
        ]


def test_an_inferred_term_is_explained_as_the_registrys_reading(
    shipped_registry: Registry,
) -> None:
    """Where a term is the registry's reading, the rule and the citation say what it is read
    from, never presenting the reading as the source's words."""
    slv = shipped_registry.get("usa-slv-2025")
    term = slv.terms.nationalities[0].model_copy(
        update={"basis": Basis.INFERRED, "note": "The registry's reading: who was sent in March."}
    )
    inferred = slv.model_copy(
        update={"terms": slv.terms.model_copy(update={"nationalities": [term]})}
    )
    compiled = compile_agreement(inferred, DAY)
    (step,) = [c for c in compiled.checks if c.code == "nationality_not_covered"]
    assert step.applied.rule.endswith(
        "(inferred by the registry from its sources: who was sent in March.)"
    )
    (cite,) = step.citations
    assert cite.basis == "inferred"
    assert cite.inferred_from == "The registry's reading: who was sent in March."
    assert cite.label.endswith("(inferred from this source)")


def test_status_words_come_from_the_labels_and_stop_at_the_record(
    shipped_registry: Registry,
) -> None:
    """A negotiating record reads 'in negotiation'; a day after the record's end reads 'as last
    confirmed on' that end, never as if the record went on."""
    grd = shipped_registry.get("usa-grd-2026")
    (talks,) = _one(VENEZUELAN, "usa-grd-2026", grd.as_of, shipped_registry).results
    steps = {s.check: s for s in talks.trace}
    assert talks.verdict is Verdict.NOT_IN_FORCE
    assert steps["not_yet_in_force"].fact.startswith("in negotiation since ")
    assert "negotiating" not in steps["not_yet_in_force"].citation.label  # type: ignore[union-attr]
    slv = shipped_registry.get("usa-slv-2025")
    later = date(slv.as_of.year + 1, 1, 1)
    (result,) = _one(VENEZUELAN, "usa-slv-2025", later, shipped_registry).results
    status = next(s for s in result.trace if s.check == "not_yet_in_force")
    assert status.fact == f"in force as last confirmed on {slv.as_of}"
    assert "since" not in status.message


def test_a_removal_basis_not_recorded_reads_as_the_engine_reads_it(
    shipped_registry: Registry,
) -> None:
    (result,) = _one(
        {**VENEZUELAN, "removal_basis": None}, "usa-slv-2025", DAY, shipped_registry
    ).results
    order = next(s for s in result.trace if s.check == "no_final_order")
    assert order.outcome is Outcome.PASSES
    assert "removal_basis not recorded (read as ordinary removal)" in order.fact


def test_sentences_name_countries_as_english_does(shipped_registry: Registry) -> None:
    (result,) = _one(
        {**VENEZUELAN, "citizenships": ["USA"]}, "usa-slv-2025", DAY, shipped_registry
    ).results
    citizen = next(s for s in result.trace if s.check == "citizen_of_sender")
    assert "citizen of the United States" in citizen.message
    assert "to El Salvador" in next(s for s in result.trace if s.check == "non_refoulement").rule
