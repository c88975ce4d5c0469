"""The reason-code declarations: fixed bits, the docs table, and the precedence table."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from accords.engine.reasons import PRECEDENCE, REASONS, Group, Verdict, docs_table, verdict_of

HERE = Path(__file__).parent
DOCS = HERE.parents[1] / "docs" / "engine.md"
ALL_BITS = sum(s.bit for s in REASONS.values())


def test_bits_are_the_committed_table() -> None:
    """Masks already written to files decode the same: no code's bit or group ever moves."""
    with (HERE / "reason_bits.csv").open() as f:
        committed = {row["code"]: (row["group"], int(row["bit"])) for row in csv.DictReader(f)}
    declared = {s.code: (s.group.name.lower(), s.bit) for s in REASONS.values()}
    # A new code may be added (with a new bit); a committed one may never change or vanish.
    assert {code: declared.get(code) for code in committed} == committed
    new_bits = {bit for code, (_, bit) in declared.items() if code not in committed}
    assert not new_bits & {bit for _, bit in committed.values()}


def test_every_code_has_its_sentences() -> None:
    for spec in REASONS.values():
        assert spec.fails and spec.passes and spec.when, spec.code
        assert spec.bit.bit_count() == 1, spec.code


def test_docs_table_is_generated_from_the_declarations() -> None:
    text = DOCS.read_text()
    assert docs_table() in text, "docs/engine.md's reason table differs; paste:\n" + docs_table()


def test_docs_list_the_precedence_in_order() -> None:
    text = DOCS.read_text()
    places = [text.index(f"`{row.verdict.value}` — {row.when}") for row in PRECEDENCE]
    assert places == sorted(places)


masks = st.integers(min_value=0, max_value=ALL_BITS)


@given(fail=masks, unknown=masks)
def test_precedence_table_is_status_then_law_then_coverage_then_unknown(
    fail: int, unknown: int
) -> None:
    def bits(group: Group) -> int:
        return sum(s.bit for s in REASONS.values() if s.group is group)

    expected = (
        Verdict.NOT_IN_FORCE
        if fail & bits(Group.STATUS)
        else Verdict.BARRED
        if fail & bits(Group.LAW)
        else Verdict.NOT_COVERED
        if fail & bits(Group.COVERAGE)
        else Verdict.UNDETERMINED
        if unknown
        else Verdict.PERMITTED
    )
    assert verdict_of(fail, unknown) is expected
