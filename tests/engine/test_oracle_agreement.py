"""The vectorized engine agrees with the per-person oracle on random populations.

For every agreement of the shipped registry, plus a few synthetic ones that use the terms the
shipped data does not (nationality exclusions, arrival windows, every exclusion, a ruling that
suspends an agreement, class orders by category), `evaluate_frame` and the oracle give the same
verdict and the same set of reason codes for every person on every day.

Mismatches the oracle reproduces with a named quirk (a known engine bug, reported and pinned by
an xfail test) are tolerated; any other mismatch fails with the person, agreement and day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine_oracle import (
    ANY_NATIONALITY_UNKNOWN_IS_NOT_COVERED,
    KNOWN_QUIRKS,
    oracle,
)
from engine_strategies import AGREEMENTS, days, populations, timeline_days
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.engine.evaluate import evaluate_frame
from accords.engine.person import Person, persons_frame
from accords.registry.models import Agreement

SOURCE = [{"url": "https://example.org/synthetic", "quote": "Synthetic term for the tests."}]


def _status(*changes: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"status": s, "date": d, "sources": SOURCE} for s, d in changes]


def synthetic(agreement_id: str, sender: str, receiver: str, kind: str, **parts: Any) -> Agreement:
    """A minimal agreement for the engine: status timeline, terms and rulings as given."""
    return Agreement.model_validate(
        {
            "id": agreement_id,
            "title": f"Synthetic {agreement_id}",
            "sender": sender,
            "receiver": receiver,
            "kind": kind,
            "summary": "Synthetic agreement used only by the engine tests.",
            "as_of": "2027-12-31",
            "status": parts.get(
                "status", _status(("signed", "2019-06"), ("in_force", "2020-01-01"))
            ),
            "terms": parts.get("terms", {}),
            "rulings": parts.get("rulings", []),
        }
    )


def _term(**fields: Any) -> dict[str, Any]:
    return {**fields, "sources": SOURCE}


SYNTHETIC: list[Agreement] = [
    # Every nationality but two, and not the receiver's own; every category; every exclusion;
    # two arrival terms (one with a mode, a fuzzy start date and a window, one by air only).
    synthetic(
        "test-usa-mex-everything",
        "USA",
        "MEX",
        "third_country_removal",
        terms={
            "nationalities": [
                _term(mode="any", excluded=["VEN", "CUB"], include_own_nationals=False)
            ],
            "categories": [
                _term(any_of=["serving_sentence", "final_order", "land_port_arrival"]),
                _term(any_of=["intercepted_at_sea", "asylum_seeker"], valid_from="2021-06"),
            ],
            "exclusions": [
                _term(excludes=e)
                for e in [
                    "minors",
                    "unaccompanied_minors",
                    "women",
                    "vulnerable",
                    "families",
                    "convicted",
                ]
            ],
            "arrival": [
                _term(
                    modes=["land_irregular", "sea_irregular"],
                    on_or_after="2020-03",
                    within_days_of_arrival=365,
                ),
                _term(modes=["air"], valid_to="2026-01-01"),
            ],
        },
    ),
    # A readmission of listed nationals (the receiver's own excluded) beside an unknown term,
    # suspended by a court for a while and later ended; a class order by category and
    # nationality, and one by removal basis alone.
    synthetic(
        "test-gbr-alb-listed",
        "GBR",
        "ALB",
        "readmission",
        status=_status(
            ("announced", "2019-01-01/2019-01-10"),
            ("in_force", "2020-01"),
            ("suspended", "2022-02"),
            ("in_force", "2022-06-01"),
            ("ended", "2026-07-01"),
        ),
        terms={
            "nationalities": [
                _term(mode="listed", codes=["IRQ", "AFG"], include_own_nationals=False),
                _term(mode="unknown", valid_from="2023-01-01", valid_to="2024-01-01"),
                _term(mode="own_nationals", valid_from="2024-01-01"),
            ],
            "categories": [_term(any_of=["irregular_arrival", "convicted", "gang_designated"])],
        },
        rulings=[
            {
                "id": "suspends",
                "court": "Test court",
                "case": "Suspension case",
                "decided": "2021-03-01",
                "holding": "Suspends the agreement.",
                "effect": "suspends_agreement",
                "valid_to": "2021-09-01",
                "sources": SOURCE,
            },
            {
                "id": "class-by-category",
                "court": "Test court",
                "case": "Class case",
                "decided": "2023-05",
                "holding": "Bars removal of convicted or gang-designated Iraqis.",
                "effect": "bars_class",
                "class_filter": {
                    "nationalities": ["IRQ"],
                    "categories": ["convicted", "gang_designated"],
                    "description": "Iraqis with a conviction or gang designation",
                },
                "sources": SOURCE,
            },
            {
                "id": "class-by-basis",
                "court": "Test court",
                "case": "Basis case",
                "decided": "2024-02-01",
                "holding": "Bars removals under the Alien Enemies Act.",
                "effect": "bars_class",
                "class_filter": {
                    "removal_basis": ["alien_enemies_act"],
                    "description": "Anyone removed under the Alien Enemies Act",
                },
                "valid_to": "2025-02-01",
                "sources": SOURCE,
            },
            {
                "id": "unsafe",
                "court": "Test court",
                "case": "Unsafe case",
                "decided": "2025-01-15",
                "holding": "The receiving state is unsafe.",
                "effect": "receiving_state_unsafe",
                "valid_from": "2025-02",
                "valid_to": "2025-06",
                "sources": SOURCE,
            },
        ],
    ),
    # An 'any' term with nothing excluded and the receiver's own nationals left out.
    synthetic(
        "test-ita-tun-any-but-own",
        "ITA",
        "TUN",
        "safe_third_country",
        terms={"nationalities": [_term(mode="any", include_own_nationals=False)]},
    ),
    # Status changes dated only by ranges, two of them overlapping: on a day inside both, the
    # record cannot say whether the agreement was in force, suspended or ended.
    synthetic(
        "test-esp-mar-fuzzy",
        "ESP",
        "MAR",
        "readmission",
        status=_status(
            ("signed", "2019-03"),
            ("in_force", "2019-06-01/2019-09-30"),
            ("suspended", "2021-03-01/2021-03-31"),
            ("ended", "2021-03-15/2021-04-15"),
        ),
        terms={"nationalities": [_term(mode="any")]},
    ),
]

ALL_AGREEMENTS = [*AGREEMENTS, *SYNTHETIC]
ALL_DAYS = timeline_days(ALL_AGREEMENTS)


def mismatches(
    persons: list[Person], agreements: list[Agreement], day: date
) -> tuple[list[str], int]:
    """Rows where engine and oracle disagree (beyond known quirks), and how many were quirks."""
    evaluation = evaluate_frame(
        persons_frame(persons), agreements, day, applicable_only=False, with_reasons=True
    )
    by_id = {p.id: p for p in persons}
    by_agreement = {a.id: a for a in agreements}
    rows = evaluation.verdicts.select("person_id", "agreement", "verdict", "reasons").to_dicts()
    assert len(rows) == len(persons) * len(agreements)
    problems: list[str] = []
    quirky = 0
    for row in rows:
        person, agreement = by_id[row["person_id"]], by_agreement[row["agreement"]]
        engine = (row["verdict"], set(row["reasons"]))
        assert len(row["reasons"]) == len(set(row["reasons"])), row
        expected = oracle(person, agreement, day)
        if engine == expected:
            continue
        if engine == oracle(person, agreement, day, quirks=KNOWN_QUIRKS):
            quirky += 1
            continue
        problems.append(
            f"{agreement.id} on {day}: engine {engine[0]} {sorted(engine[1])}, "
            f"oracle {expected[0]} {sorted(expected[1])}; person {person.model_dump_json()}"
        )
    return problems, quirky


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(persons=populations(50, 200), day=days(ALL_DAYS))
def test_engine_and_oracle_agree_on_every_verdict_and_reason(
    persons: list[Person], day: date
) -> None:
    problems, _ = mismatches(persons, ALL_AGREEMENTS, day)
    assert not problems, f"{len(problems)} disagreement(s), first ones:\n" + "\n".join(problems[:5])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_engine_and_oracle_agree_for_one_agreement_on_its_own_timeline(
    data: st.DataObject,
) -> None:
    """Small populations, one agreement, days drawn from that agreement's own dates."""
    agreement = data.draw(st.sampled_from(ALL_AGREEMENTS), label="agreement")
    day = data.draw(days(timeline_days([agreement])), label="day")
    persons = data.draw(populations(1, 30), label="persons")
    problems, _ = mismatches(persons, [agreement], day)
    assert not problems, "\n".join(problems[:5])


def test_the_synthetic_agreements_reach_every_reason_code() -> None:
    """The oracle comparison above only means something if the checks it compares can fire."""
    from accords.engine.reasons import CODES

    fired: set[str] = set()
    persons = [
        Person(
            id=f"q{i}",
            present_in=p,
            citizenships=c,
            age=a,
            sex=s,
            asylum_claim=claim,
            protection_against=pa,
            final_removal_order=fo,
            criminal_conviction=cv,
            serving_sentence=None,
            gang_designation=None,
            arrival_date=ad,
            arrival_mode=am,
            vulnerable=v,
            family_unit=f,
            removal_basis=rb,
        )
        for i, (p, c, a, s, claim, pa, fo, cv, ad, am, v, f, rb) in enumerate(
            [
                (
                    "USA",
                    ["USA"],
                    10,
                    "female",
                    "granted",
                    ["MEX", "ALB"],
                    False,
                    True,
                    date(2019, 1, 1),
                    "air",
                    True,
                    True,
                    "ordinary",
                ),
                (
                    "GBR",
                    ["IRQ"],
                    17,
                    None,
                    "pending",
                    None,
                    None,
                    True,
                    None,
                    "land_irregular",
                    None,
                    False,
                    "alien_enemies_act",
                ),
                (
                    "ITA",
                    None,
                    None,
                    "male",
                    None,
                    [],
                    True,
                    None,
                    date(2024, 12, 1),
                    None,
                    False,
                    None,
                    None,
                ),
            ]
        )
    ]
    for day in [
        date(2016, 1, 1),
        date(2021, 5, 1),
        date(2022, 3, 1),
        date(2023, 6, 1),
        date(2024, 3, 1),
        date(2025, 3, 1),
        date(2026, 8, 1),
    ]:
        for agreement in ALL_AGREEMENTS:
            for person in persons:
                _, reasons = oracle(person, agreement, day)
                fired |= {r.removesuffix("_unknown") for r in reasons}
        problems, _ = mismatches(persons, ALL_AGREEMENTS, day)
        assert not problems, "\n".join(problems[:5])
    assert set(CODES) - fired == set()


# --- Known engine bugs, pinned ------------------------------------------------------------

BUG_ANY_NATIONALITY = (
    "BUG src/accords/engine/compile.py _nationality_covered: for a nationality term "
    "`mode: any` with nothing excluded, `col('citizenships').is_not_null()` makes an unknown "
    "citizenship (null) *not covered* (False) instead of covered: a person whose citizenship "
    "is unknown gets `nationality_not_covered` and verdict not_covered under an agreement that "
    "takes every nationality (e.g. usa-slv-2025)."
)


def test_an_unknown_citizenship_is_covered_by_an_any_nationality_term() -> None:
    agreement = next(a for a in AGREEMENTS if a.id == "usa-slv-2025")
    person = Person(
        id="unknown-citizenship",
        present_in="USA",
        citizenships=None,
        protection_against=[],
        asylum_claim="none",
        final_removal_order=True,
        criminal_conviction=True,
    )
    day = date(2025, 4, 1)
    evaluation = evaluate_frame(persons_frame([person]), [agreement], day, with_reasons=True)
    row = evaluation.verdicts.row(0, named=True)
    assert oracle(person, agreement, day) == ("undetermined", {"citizen_of_sender_unknown"})
    assert oracle(person, agreement, day, quirks={ANY_NATIONALITY_UNKNOWN_IS_NOT_COVERED}) == (
        "not_covered",
        {"citizen_of_sender_unknown", "nationality_not_covered"},
    )
    assert "nationality_not_covered" not in row["reasons"]
    assert row["verdict"] == "undetermined"


BUG_DUPLICATE_CODE = (
    "BUG src/accords/engine/compile.py CompiledAgreement.fail_mask/unknown_mask: the masks "
    "are built with pl.sum_horizontal of the checks' bits, not a bitwise OR, so two checks with "
    "the same code (two exclusion terms of the same kind valid on the same day) add the bit "
    "twice and it carries into the next code: a convicted person gets `arrival_not_covered` "
    "instead of `excluded_convicted`."
)


def test_two_terms_with_the_same_exclusion_report_it_once() -> None:
    agreement = synthetic(
        "test-usa-uga-twice",
        "USA",
        "UGA",
        "safe_third_country",
        terms={
            "nationalities": [_term(mode="any")],
            "exclusions": [
                _term(excludes="convicted", valid_to="2026-01-01"),
                _term(excludes="convicted", valid_from="2025-06-01"),
            ],
        },
    )
    person = Person(
        id="convicted", present_in="USA", citizenships=["VEN"], criminal_conviction=True
    )
    day = date(2025, 9, 1)
    evaluation = evaluate_frame(persons_frame([person]), [agreement], day, with_reasons=True)
    row = evaluation.verdicts.row(0, named=True)
    verdict, reasons = oracle(person, agreement, day)
    assert "excluded_convicted" in reasons
    assert (row["verdict"], set(row["reasons"])) == (verdict, reasons)


def test_a_day_inside_a_status_range_is_undetermined_not_decided() -> None:
    """The record dates each change of the synthetic Spain–Morocco agreement only by a range:
    inside one, neither "not in force" nor "permitted" is an answer the record supports."""
    (fuzzy,) = (a for a in SYNTHETIC if a.id == "test-esp-mar-fuzzy")
    person = Person.model_validate(
        {
            "id": "p",
            "present_in": "ESP",
            "citizenships": ["DZA"],
            "age": 30,
            "asylum_claim": "none",
            "protection_against": [],
        }
    )

    def answer(day: str) -> tuple[str, set[str]]:
        evaluation = evaluate_frame(
            persons_frame([person]), [fuzzy], date.fromisoformat(day), with_reasons=True
        )
        (row,) = evaluation.verdicts.select("verdict", "reasons").to_dicts()
        return row["verdict"], set(row["reasons"])

    assert answer("2019-05-31")[0] == "not_in_force"
    assert answer("2019-07-01") == ("undetermined", {"not_yet_in_force_unknown"})
    assert answer("2019-09-30")[0] != "not_in_force"
    assert answer("2021-03-10") == ("undetermined", {"suspended_unknown"})
    assert answer("2021-03-20") == ("undetermined", {"suspended_unknown", "ended_unknown"})
    assert answer("2021-04-15") == ("not_in_force", {"ended"})
