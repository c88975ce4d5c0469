"""Calibration tables: cited aggregates the synthetic population is drawn to match.

Each row carries the page it comes from and the words it rests on: `quote_kind` says whether
`quote` is the page's own words (`verbatim`) or the project's facts-table entry for that page
(`facts_table`, where the page's exact words were not recorded). Nothing here is estimated: a
derived share (e.g. "other nationalities") is computed in code from rows, and says so.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


TABLES = {"usa-fy2024": ("usa_removals_fy2024.csv", "usa_detention_costs.csv")}


def calibration_dir() -> Path:
    return Path(str(resources.files("accords") / "data" / "calibration"))


def read_table(path: Path) -> list[CalibrationRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            CalibrationRow.model_validate(
                {k: (v if v != "" else None) for k, v in row.items()}
                | {
                    "key": row["key"],
                }
            )
            for row in csv.DictReader(handle)
        ]


@cache
def load_calibration(name: str) -> tuple[CalibrationRow, ...]:
    """Every row of a named calibration (e.g. `usa-fy2024`)."""
    return tuple(row for file in TABLES[name] for row in read_table(calibration_dir() / file))


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
