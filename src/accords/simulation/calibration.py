"""Calibration tables: cited aggregates the synthetic population is drawn to match.

Each row carries the page it comes from and the words it rests on: `quote_kind` says whether
`quote` is the page's own words (`verbatim`) or the project's facts-table entry for that page
(`facts_table`, where the page's exact words were not recorded). Nothing here is estimated: a
derived share (e.g. "other nationalities") is computed in code from rows, and says so.

Observed tables (`OBSERVED`) are series over time to check a model against (backtests): ICE's
detained population on given days, removals over given periods. Each row is one source's figure
for one period; where sources disagree on the same period, every figure is kept and
`observed_series` returns them side by side, never averaged or picked.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from accords.registry.dates import FuzzyDate
from accords.simulation.scenario import OTHER_NATIONALITY


class CalibrationRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    quantity: str
    key: str
    value: float
    unit: str
    currency: str | None
    price_year: int | None
    source_url: str = Field(pattern=r"^https?://\S+$")
    date: str
    quote: str = Field(min_length=1)
    quote_kind: Literal["verbatim", "facts_table"]
    confidence: str
    note: str | None


class ObservedRow(BaseModel):
    """One source's figure for one quantity over one period (a single day for a stock).

    `bound` keeps the source's own precision: `exact`, `about` ("nearly 42,000"), `more_than`
    or `at_least` (a floor, not a value). `data_source` says whose data it is (ICE's public
    releases, internal DHS data, an estimate, an official claim), which is why figures for the
    same day can differ.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    quantity: str
    period_start: FuzzyDate
    period_end: FuzzyDate
    value: float = Field(ge=0)
    bound: Literal["exact", "about", "more_than", "at_least"]
    unit: str
    data_source: str
    source_url: str = Field(pattern=r"^https?://\S+$")
    publisher: str
    original: str | None
    date: FuzzyDate = Field(description="The page's date (fuzzy when the page shows none).")
    quote: str = Field(min_length=1)
    confidence: Literal["high", "medium", "low"]
    note: str | None

    @model_validator(mode="after")
    def _ordered(self) -> ObservedRow:
        if self.period_end.latest < self.period_start.earliest:
            raise ValueError(
                f"period_end {self.period_end} is before period_start {self.period_start}"
            )
        return self


class ObservedPoint(BaseModel):
    """Every source's figure for one quantity and period, side by side."""

    model_config = ConfigDict(frozen=True)

    period_start: FuzzyDate
    period_end: FuzzyDate
    figures: tuple[ObservedRow, ...]

    @property
    def conflicting(self) -> bool:
        return len({(r.value, r.bound) for r in self.figures}) > 1


# `usa-2025` adds Venezuela, whose removals the FY2024 table does not give: its 2025 returns
# (Venezuela's own count) are set against the FY2024 total, an assumption its row states.
TABLES = {
    "usa-fy2024": ("usa_removals_fy2024.csv", "usa_detention_costs.csv"),
    "usa-2025": (
        "usa_removals_fy2024.csv",
        "usa_removals_venezuela_2025.csv",
        "usa_detention_costs.csv",
    ),
}
OBSERVED = {"usa-ice-2025-2026": "usa_ice_observed_2025_2026.csv"}


def calibration_dir() -> Path:
    return Path(str(resources.files("accords") / "data" / "calibration"))


def _csv_rows(path: Path) -> list[dict[str, str | None]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(handle)
        ]


def read_table(path: Path) -> list[CalibrationRow]:
    return [
        CalibrationRow.model_validate(row | {"key": row["key"] or ""}) for row in _csv_rows(path)
    ]


@cache
def load_calibration(name: str) -> tuple[CalibrationRow, ...]:
    """Every row of a named calibration (e.g. `usa-fy2024`)."""
    return tuple(row for file in TABLES[name] for row in read_table(calibration_dir() / file))


@cache
def load_observed(name: str) -> tuple[ObservedRow, ...]:
    """Every row of a named observed table (e.g. `usa-ice-2025-2026`), in file order."""
    path = calibration_dir() / OBSERVED[name]
    return tuple(ObservedRow.model_validate(row) for row in _csv_rows(path))


def observed_series(name: str, quantity: str) -> list[ObservedPoint]:
    """One quantity's figures by period, oldest first; disagreeing sources share a point."""
    by_period: dict[tuple[str, str], list[ObservedRow]] = {}
    for row in load_observed(name):
        if row.quantity == quantity:
            by_period.setdefault((row.period_start.text, row.period_end.text), []).append(row)
    points = [
        ObservedPoint(
            period_start=rs[0].period_start, period_end=rs[0].period_end, figures=tuple(rs)
        )
        for rs in by_period.values()
    ]
    return sorted(points, key=lambda p: (p.period_end.earliest, p.period_start.earliest))


def rows(name: str, quantity: str) -> list[CalibrationRow]:
    return [r for r in load_calibration(name) if r.quantity == quantity]


def nationality_shares(name: str) -> dict[str, float]:
    """Removals by country as shares of all removals; the remainder is `XXX` (other).

    The remainder is derived (total minus the listed countries), not a reported figure.
    """
    total = rows(name, "removals_total")[0].value
    by_country = {r.key: r.value for r in rows(name, "removals_by_country")}
    other = total - sum(by_country.values())
    counts = by_country | ({OTHER_NATIONALITY: other} if other > 0 else {})
    return {code: count / total for code, count in counts.items()}


def criminal_history_share(name: str) -> float:
    """Removals with a criminal history over all removals (FY2024: 88,763 / 271,484)."""
    return rows(name, "removals_criminal_history")[0].value / rows(name, "removals_total")[0].value


def sources(name: str) -> list[dict[str, object]]:
    """The rows as plain dicts, for the run's provenance."""
    return [r.model_dump() for r in load_calibration(name)]
