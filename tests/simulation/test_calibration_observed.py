"""The observed series for backtests: cited rows, periods in order, disagreeing sources kept."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from accords.simulation import calibration

NAME = "usa-ice-2025-2026"


def test_every_observed_row_validates_and_cites_a_page_and_its_words() -> None:
    rows = calibration.load_observed(NAME)
    assert len(rows) > 40
    for row in rows:
        assert row.source_url.startswith(("http://", "https://"))
        assert row.quote.strip()
        assert row.period_start.earliest <= row.period_end.latest


def test_the_detained_population_runs_oldest_first_to_february_2026() -> None:
    series = calibration.observed_series(NAME, "ice_detained")
    ends = [p.period_end.earliest for p in series]
    assert ends == sorted(ends)
    assert series[0].period_start.earliest == date(2025, 2, 4)
    last = series[-1]
    assert last.period_end.earliest == date(2026, 2, 7)
    (trac,) = last.figures
    assert (trac.value, trac.bound, trac.publisher) == (68289, "exact", "TRAC")


def test_a_figure_keeps_the_sources_own_precision() -> None:
    """ "More than 68,400" is a floor and "about 73,000" an approximation, not exact counts."""
    by_day = {
        p.period_end.earliest: p.figures for p in calibration.observed_series(NAME, "ice_detained")
    }
    assert [(r.value, r.bound) for r in by_day[date(2025, 12, 14)]] == [(68400, "more_than")]
    (internal,) = by_day[date(2026, 1, 15)]
    assert (internal.value, internal.bound) == (73000, "about")
    assert "internal" in internal.data_source


def test_two_pages_for_the_same_claim_share_one_point() -> None:
    (point,) = [
        p
        for p in calibration.observed_series(NAME, "dhs_claimed_deportations")
        if p.period_end.text == "2025-12-10"
    ]
    assert {r.publisher for r in point.figures} == {"Newsmax", "A-Political"}
    assert not point.conflicting


def write_table(path: Path, values: list[tuple[str, str]]) -> None:
    """A one-quantity observed table; each (value, publisher) is a row for 1 Mar 2026."""
    template = calibration.load_observed(NAME)[0].model_dump(mode="json")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(template))
        writer.writeheader()
        for value, publisher in values:
            writer.writerow(
                {k: ("" if v is None else v) for k, v in template.items()}
                | {"period_start": "2026-03-01", "period_end": "2026-03-01"}
                | {"value": value, "publisher": publisher}
            )


def test_disagreeing_figures_for_one_day_are_kept_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_table(tmp_path / "t.csv", [("70000", "A"), ("73000", "B")])
    monkeypatch.setattr(calibration, "calibration_dir", lambda: tmp_path)
    monkeypatch.setitem(calibration.OBSERVED, "test", "t.csv")
    calibration.load_observed.cache_clear()
    try:
        (point,) = calibration.observed_series("test", "ice_detained")
    finally:
        calibration.load_observed.cache_clear()
    assert point.conflicting
    assert [(r.value, r.publisher) for r in point.figures] == [(70000, "A"), (73000, "B")]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    good = calibration.load_observed(NAME)[0].model_dump(mode="json")
    with pytest.raises(ValidationError, match="before period_start"):
        calibration.ObservedRow.model_validate(
            good | {"period_start": "2026-02-01", "period_end": "2026-01-31"}
        )
