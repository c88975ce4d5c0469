"""Figures as a person reads them: negatives with a real minus sign, ranges that say "to"."""

from __future__ import annotations

from accords.numbers import band, figure, median_cell, money, people, span


def test_a_negative_figure_has_a_minus_sign_and_zero_has_none() -> None:
    assert (figure(-84.0), people(-84.4)) == ("−84", "−84")
    assert money(-2.5e6, "USD") == "−2.5 million USD"
    assert (figure(-0.004), people(-0.4), figure(-0.0)) == ("0.00", "0", "0")
    assert (figure(0.5), people(1234.4)) == ("0.50", "1,234")


def test_a_range_with_a_negative_bound_says_to() -> None:
    """`-84 (-85–-84)` read as a row of dashes; docs/simulator.md writes `−320 (−325 to −317)`."""
    assert span("9", "15") == "9–15"
    assert span("−85", "−84") == "−85 to −84" and span("−3", "2") == "−3 to 2"
    diff = {"p5": -85.0, "p50": -84.0, "p95": -84.0}
    assert band(diff, labelled=False) == "−84 (−85 to −84)"
    assert band(diff) == "−84 (5–95%: −85 to −84)"
    assert median_cell({"p5": -325.0, "p50": -320.0, "p95": -317.0}) == "−320 (−325 to −317)"
    assert band({"p5": 9.0, "p50": 12.0, "p95": 15.0}) == "12 (5–95%: 9–15)"
