"""Comparison tables (`runs compare`, `simulate --compare-without`): the change a reader sees is
the shown B minus the shown A."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from accords.report.compare import CompareRow, cell, change_text
from accords.report.headlines import comparison_rows


def stats(p5: float, p50: float, p95: float) -> dict[str, float]:
    return {"p5": p5, "p50": p50, "p95": p95, "mean": p50}


def number(text: str) -> float:
    """A shown figure back as a number: its median, before any range."""
    return float(text.split(" (")[0].replace(",", "").replace("−", "-").replace("+", ""))


def test_a_median_between_two_replicas_counts_is_shown_to_one_place() -> None:
    """Over two replicas of 0 and 1 the median is 0.5: rounded to 0 beside a B of 3, the
    change +2 (2.5 rounded half to even) contradicted both."""
    row = CompareRow("wrongful", "Wrongful transfers", stats(0.05, 0.5, 0.95), stats(3, 3, 3))
    assert (cell(row, row.a), cell(row, row.b), change_text(row)) == ("0.5 (0–1)", "3", "+2.5")
    whole = CompareRow("blocked", "", stats(190, 196, 200), stats(277, 280, 284))
    assert (cell(whole, whole.a), change_text(whole)) == ("196 (190–200)", "+84")


def test_money_rows_are_in_millions_and_their_change_is_that_of_the_cells() -> None:
    row = CompareRow("cost_total[USD]", "", stats(1.1e6, 1.24e6, 1.3e6), stats(0, 0.35e6, 1e6))
    # one row's money to one number of places: 1.24 beside 0.35, not 1.2
    assert (cell(row, row.a), cell(row, row.b)) == ("1.24 (1.10–1.30)", "0.35 (0.00–1.00)")
    assert change_text(row) == "−0.89"
    large = CompareRow("cost_total[USD]", "", stats(8e8, 872.44e6, 9e8), stats(0, 860.8e6, 1e9))
    assert (cell(large, large.a), change_text(large)) == ("872.4 (800.0–900.0)", "−11.6")


# medians of counts over replicas: whole, or halfway between two counts
halves = st.integers(min_value=-20_000, max_value=20_000).map(lambda n: n / 2)
amounts = st.floats(min_value=0, max_value=5e9, allow_nan=False)


@given(a=halves, b=halves)
def test_the_shown_change_is_the_shown_b_minus_the_shown_a(a: float, b: float) -> None:
    row = CompareRow("transfers[all]", "", stats(a, a, a), stats(b, b, b))
    shown = number(cell(row, row.b)) - number(cell(row, row.a))
    assert number(change_text(row)) == round(shown, 1)
    assert change_text(row) == "0" or change_text(row)[0] in "+−"


@given(a=amounts, b=amounts)
def test_the_shown_change_in_money_is_the_shown_b_minus_the_shown_a(a: float, b: float) -> None:
    row = CompareRow("cost_total[EUR]", "", stats(a, a, a), stats(b, b, b))
    shown = number(cell(row, row.b)) - number(cell(row, row.a))
    assert number(change_text(row)) == round(shown, 2)


def test_the_with_and_without_table_shows_medians_between_two_counts() -> None:
    summary = {
        "destinations": [],
        "comparison": {
            "without": ["usa-slv-2025"],
            "totals": {
                "wrongful": {
                    "with": stats(0, 0.5, 1),
                    "without": stats(3, 3, 3),
                    "difference": stats(-3, -2.5, -2),
                },
                "cost_total[USD]": {
                    "with": stats(8e5, 9e5, 1e6),
                    "without": stats(1e6, 1.5e6, 2e6),
                    "difference": stats(-1e6, -6e5, -2e5),
                },
                "cost_total[EUR]": {
                    "with": stats(3.4e6, 3.42e6, 3.46e6),
                    "without": stats(2.9e6, 2.95e6, 3e6),
                    "difference": stats(4.5e5, 4.7e5, 4.8e5),
                },
            },
        },
    }
    rows, zero = comparison_rows(summary, {})
    assert zero == []
    assert rows[0] == ("Wrongful transfers", "0.5 (0–1)", "3", "−2.5 (−3 to −2)")
    # a row's money to one number of places: 3.42 and 2.95 beside 0.47, not 3.4 and 3.0
    assert rows[2][1:] == ("3.42 (3.40–3.46)", "2.95 (2.90–3.00)", "0.47 (0.45–0.48)")
    assert rows[1][1:] == ("0.90 (0.80–1.00)", "1.50 (1.00–2.00)", "−0.60 (−1.00 to −0.20)")
