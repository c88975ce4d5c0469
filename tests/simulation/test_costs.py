"""Published figures reproduced from the registry's price schedules, and cost arithmetic.

Each figure is reproduced twice: by the model's own `Ledger` charging the price schedule
through the `CHARGES` table on a few events (so the arithmetic is the model's, not the test's),
and by a whole run of the monthly model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from simhelpers import scenario

from accords.registry.loader import Registry
from accords.registry.models import PriceKind
from accords.simulation.costs import CHARGES, CostKind, CostLine, Ledger, agreement_lines
from accords.simulation.run import simulate
from accords.simulation.scenario import Scenario


def three_hundred_at_once(
    agreement: str, *, start: str, horizon_months: int, sender: str = "USA", **population: Any
) -> Scenario:
    """300 persons, all decided in the first month and sent under one agreement: no other
    destination, no courts, no sender-side costs, so the run's cost is the agreement's alone."""
    return scenario(
        sender=sender,
        start=start,
        horizon_months=horizon_months,
        population={
            "size": 300,
            "calibration": None,
            "nationalities": {"XXX": 1.0},
            "true_citizen_share": 0.0,
            "protected_status_share": 0.0,
            "protection_against_nationality_share": 0.0,
            "protection_against": {},
            **population,
        },
        agreements=[{"id": agreement}],
        ordinary_returns=None,
        pipeline={
            "entries_per_month": 1e9,
            "months_to_final_order": 1,
            "final_order_distribution": "fixed",
            "share_challenged": 0.0,
        },
        costs={"detention_per_day": None, "transport_per_person": None},
        replicas=1,
    )


def charged(
    lines: list[CostLine], *, transferred: int, month_ends_held: int = 0
) -> dict[str, float]:
    """What the model's Ledger charges for `transferred` persons sent in the first month and
    held by the receiver for `month_ends_held` month-ends, the agreement in force throughout."""
    months = max(1, month_ends_held)
    ledger = Ledger([(0, line) for line in lines], 1, months, days_per_month=30)
    ledger.on_transfer(0, transferred, 0)
    for m in range(months):
        held = transferred if m < month_ends_held else 0
        ledger.on_month_end(m, 0, np.array([held]), np.array([True]))
    return ledger.totals()


def test_every_kind_of_cost_has_one_row_saying_when_and_on_what_it_is_charged() -> None:
    assert {k.value for k in PriceKind} <= {k.value for k in CostKind}
    assert set(CHARGES) == set(CostKind)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "simulator.md").read_text()
    for kind, charge in CHARGES.items():
        assert f"| `{kind.value}` | {charge.words} |" in docs, kind


def test_el_salvador_300_people_for_a_year_cost_6_million(registry: Registry) -> None:
    """300 people held 12 months at usa-slv-2025's per-person-year price cost $6m.

    Sources: AP, 16 Mar 2025, "will pay El Salvador $6 million to imprison for one year about
    300 alleged members" (https://www.elsalvadornow.org/2025/03/16/ee-uu-se-prepara-para-
    deportar-a-unos-300-presuntos-miembros-de-pandillas-a-el-salvador-us-prepares-to-deport-
    about-300-alleged-gang-members-to-el-salvador); White House (Leavitt): "the cost of detaining
    approximately 300 alleged gang members in El Salvador's high-security prisons for one year"
    (https://breezyscroll.com/world/us-to-pay-6-million-to-el-salvador-to-house-deported-
    venezuelan-migrants/amp).
    """
    lines = agreement_lines(registry.get("usa-slv-2025"))
    assert charged(lines, transferred=300, month_ends_held=12) == {
        "USD": pytest.approx(6_000_000)
    }


def test_el_salvador_6_million_through_the_monthly_model() -> None:
    """The same $6m from a run: 300 convicted persons transferred in one month, held 12 months.

    Source: as above (AP and the White House, March 2025).
    """
    s = three_hundred_at_once(
        "usa-slv-2025", start="2025-04", horizon_months=13, criminal_conviction_share=1.0
    )
    result = simulate(s)
    assert result.total("transfers", "usa-slv-2025")["p50"] == 300
    assert result.total("stock_peak", "usa-slv-2025")["p50"] == 300
    assert result.total("cost_total", "USD")["p50"] == pytest.approx(6_000_000)


def test_uk_rwanda_300_relocated_costs_496m_before_processing(registry: Registry) -> None:
    """£370m + £20,000 × 300 + £120m once 300 are relocated = £496m, before processing.

    Source: NAO press notice, 1 Mar 2024: "the Home Office will pay £370 million to the
    Government of Rwanda under the Economic Transformation and Integration Fund. The UK will pay
    a further £20,000 into the Fund for every individual who is relocated and £120 million once
    300 people have been relocated." (https://www.parliamenttoday.com/members/viewnews.html?id=153765)
    """
    lines = [
        line for line in agreement_lines(registry.get("gbr-rwa-2022"))
        if line.kind
        in (CostKind.LUMP_SUM, CostKind.PER_PERSON_TRANSFERRED, CostKind.THRESHOLD_PAYMENT)
    ]
    assert charged(lines, transferred=300) == {
        "GBP": pytest.approx(496_000_000)
    }


def test_uk_rwanda_with_processing_matches_the_guardians_541m(registry: Registry) -> None:
    """Adding up to £150,874 per person for processing gives £541.26m for 300 people.

    Sources: NAO (as above): "The UK will also pay a total of up to £150,874 per individual for
    processing and operational costs over five years."; the Guardian via EIN: "£541 million for
    300 asylum seekers" (https://ein.org.uk/node/747746).

    LBC's "£576.8m if just 300 asylum seekers are sent to Rwanda"
    (https://www.lbc.co.uk/news/rwanda-bill-costs-taxpayer-rishi-sunak-watchdog-report/) cannot
    be reproduced from the facts: the difference (£35.5m) presumably includes other costs (e.g.
    the Home Office's own set-up costs) that the facts do not itemise for 300 people.
    """
    lines = [
        line for line in agreement_lines(registry.get("gbr-rwa-2022"))
        if line.kind is not CostKind.PER_PERSON_DEPARTURE
    ]
    total = charged(lines, transferred=300)["GBP"]
    assert total == pytest.approx(541_262_200)
    assert round(total / 1e6) == 541
    assert round(total / 1e5) != 5768  # not LBC's £576.8m


def test_uk_rwanda_541m_through_the_monthly_model() -> None:
    """The £541.26m again from a run of 300 irregular arrivals sent to Rwanda in 2022.

    Sources: NAO press notice and the Guardian (via EIN), as above.
    """
    s = three_hundred_at_once(
        "gbr-rwa-2022",
        sender="GBR",
        start="2022-05",
        horizon_months=3,
        arrival_modes={"sea_irregular": 1.0},
    )
    result = simulate(s)
    assert result.total("transfers", "gbr-rwa-2022")["p50"] == 300
    assert result.total("cost_total", "GBP")["p50"] == pytest.approx(541_262_200)
    assert "USD" not in result.summary["currencies"]
    assert any("upper bound" in n for n in result.summary["notes"])


def test_monthly_costs_follow_the_price_schedule() -> None:
    """Each month: $165 × 30 × custody + $20,000/12 × persons held in CECOT + $1,978 × transfers."""
    result = simulate(scenario(replicas=1))
    m = result.monthly.filter(result.monthly["replica"] == 0)

    def series(name: str, key: str = "") -> np.ndarray:
        rows = m.filter((m["series"] == name) & (m["key"] == key)).sort("month")
        return rows["value"].to_numpy()

    expected = (
        165 * 30 * series("custody")
        + 20000 / 12 * series("stock", "usa-slv-2025")
        + 1978 * series("transfers", "all")
    )
    np.testing.assert_allclose(series("cost_month", "USD"), expected, rtol=1e-12)
    np.testing.assert_allclose(series("cost_cum", "USD"), np.cumsum(expected), rtol=1e-12)
