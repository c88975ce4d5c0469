"""Every series a run produces is declared once, and every total in a summary comes from one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simhelpers import scenario

from accords.simulation.run import simulate
from accords.simulation.series import SERIES, TotalKey, spelled_out, total_words, zero_note


def test_a_run_has_exactly_the_declared_series_in_their_order_and_totals_from_them() -> None:
    result = simulate(scenario(replicas=1, horizon_months=3))
    assert list(result.replicas[0].series) == list(SERIES)
    names = {spec.total(m) for spec in SERIES.values() for m in spec.measures}
    labels = result.summary["totals"]
    assert labels and all(TotalKey.parse(label).name in names for label in labels)
    assert "transfers[all]" in labels and "stock_peak[usa-slv-2025]" in labels
    assert "cost_total[USD]" in labels and "queue_end" in labels


@given(st.sampled_from(sorted(SERIES)), st.text(alphabet="abc-:|[]XYZ", max_size=12))
def test_a_total_label_reads_back_as_its_name_and_key(name: str, key: str) -> None:
    assert TotalKey.parse(TotalKey(name, key).label) == TotalKey(name, key)


def test_the_note_on_zero_rows_is_one_plain_sentence() -> None:
    assert zero_note(["Transfers blocked by a court"]) == (
        "1 row is zero in every replica and is folded: transfers blocked by a court."
    )
    assert zero_note(["Wrongful transfers", "US citizens transferred", "Queue at the end"]) == (
        "3 rows are zero in every replica and are folded: wrongful transfers, US citizens "
        "transferred and queue at the end."
    )
    assert zero_note(["a", "b"], "left out", "every replica, with and without,") == (
        "2 rows are zero in every replica, with and without, and are left out: a and b."
    )
    assert zero_note([]) == ""


def test_a_sub_row_is_spelled_out_with_its_parent_row() -> None:
    labels = ["Wrongful transfers", "… of citizens of the sending state", "Queue at the end"]
    assert spelled_out(labels) == [
        "Wrongful transfers",
        "Wrongful transfers of citizens of the sending state",
        "Queue at the end",
    ]


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("blocked_by_reason[category_not_covered]", "blocked, by reason: in no covered category"),
        (
            "blocked_by_reason[non_refoulement_unknown]",
            "blocked, by reason: protected against return there (non-refoulement) (unknown)",
        ),
        ("transfers_by_nationality[GTM]", "transferred, by nationality: Guatemala"),
        ("transfers_by_nationality[XXX]", "transferred, by nationality: other nationalities"),
        ("cost_item[sender:detention|USD]", "cost, by item: the sending state's detention (USD)"),
        (
            "cost_item[usa-slv-2025:slv-per-person-year|USD]",
            "cost, by item: El Salvador (2025): slv per person year (USD)",
        ),
    ],
)
def test_every_total_reads_in_words_not_codes(label: str, words: str) -> None:
    names = {"usa-slv-2025": "El Salvador (2025)"}
    assert total_words(TotalKey.parse(label), names) == words
