"""A person's answer does not depend on who is evaluated beside them.

The engine evaluates the agreements of one sending state together, over the persons in that
state, sharing the checks those agreements apply alike, and keeps the result wide. None of
that may change a person's rows: evaluated alone, in a batch of any size, in any order, next to
persons of other states or of the same one, each person gets the same verdicts, masks and
reasons, and the reasons always decode the masks.
"""

from __future__ import annotations

from datetime import date

from engine_strategies import AGREEMENTS, days, populations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.engine.evaluate import evaluate_frame
from accords.engine.person import Person, persons_frame
from accords.engine.reasons import REASONS, verdict_of

Rows = dict[tuple[str, str], tuple[str, int, int, list[str]]]


def rows_of(persons: list[Person], day: date, applicable_only: bool) -> Rows:
    evaluation = evaluate_frame(
        persons_frame(persons), AGREEMENTS, day, applicable_only=applicable_only, with_reasons=True
    )
    return {
        (r["person_id"], r["agreement"]): (
            r["verdict"],
            r["fail_mask"],
            r["unknown_mask"],
            r["reasons"],
        )
        for r in evaluation.verdicts.to_dicts()
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persons=populations(2, 30), day=days(), data=st.data(), applicable_only=st.booleans())
def test_a_person_is_answered_the_same_in_any_batch_and_order(
    persons: list[Person], day: date, data: st.DataObject, applicable_only: bool
) -> None:
    """Rows of the whole population equal those of shuffled batches of it, and of each
    person alone; masks decode to the verdict and the reasons."""
    whole = rows_of(persons, day, applicable_only)
    shuffled = data.draw(st.permutations(persons), label="order")
    size = data.draw(st.integers(1, len(persons)), label="batch size")
    batched: Rows = {}
    for start in range(0, len(shuffled), size):
        batched.update(rows_of(shuffled[start : start + size], day, applicable_only))
    assert batched == whole
    for person in data.draw(st.lists(st.sampled_from(persons), min_size=1, max_size=3)):
        alone = rows_of([person], day, applicable_only)
        assert alone == {key: row for key, row in whole.items() if key[0] == person.id}
    for verdict, fail, unknown, reasons in whole.values():
        assert verdict == verdict_of(fail, unknown).value
        decoded = [
            s.code if fail & s.bit else s.unknown_code
            for s in REASONS.values()
            if (fail | unknown) & s.bit
        ]
        assert reasons == decoded
    expected = {
        (p.id, a.id)
        for p in persons
        for a in AGREEMENTS
        if not applicable_only or a.sending_state == p.present_in
    }
    assert set(whole) == expected
