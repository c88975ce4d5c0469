"""Scenario files: errors point at file, line and field; the default and --init load."""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.registry.loader import Registry
from accords.simulation.plan import PlanError, build_plan
from accords.simulation.scenario import (
    OverrideError,
    Overrides,
    default_scenario_path,
    example_text,
    load_scenario,
)
from accords.validation import InputError

GOOD = """\
name: small
sender: USA
start: 2025-03
horizon_months: 6
population:
  synthetic:
    size: 100
    calibration: usa-fy2024
agreements:
  - id: usa-slv-2025
    places: 50
"""


def problems(path: Path, text: str) -> list[tuple[int | None, str, str]]:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_a_good_scenario_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD, encoding="utf-8")
    s = load_scenario(path)
    assert s.start.isoformat() == "2025-03-01"
    assert s.agreements is not None and s.agreements[0].places == 50


def test_a_bad_value_is_reported_at_its_line_and_field(tmp_path: Path) -> None:
    found = problems(tmp_path / "s.yaml", GOOD.replace("horizon_months: 6", "horizon_months: -6"))
    assert found[0][:2] == (4, "horizon_months")


def test_a_nested_bad_value_names_the_nested_field(tmp_path: Path) -> None:
    found = problems(tmp_path / "s.yaml", GOOD.replace("places: 50", "places: lots"))
    assert found[0][:2] == (11, "agreements[0].places")


def test_an_unknown_field_gets_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("size: 100", "sise: 100"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(":7:" in m and "population.synthetic.sise" in m and "'size'" in m for m in messages)


def test_a_bad_country_code_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path / "s.yaml", GOOD.replace("sender: USA", "sender: UAS"))
    assert found[0][:2] == (2, "sender")


def test_an_unknown_agreement_names_the_field_and_suggests(
    tmp_path: Path, registry: Registry
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("usa-slv-2025", "usa-slv-2052"), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        build_plan(load_scenario(path), registry)
    assert caught.value.field == "agreements[0].id"
    assert "usa-slv-2025" in str(caught.value)


def test_the_default_and_the_init_example_load(tmp_path: Path, registry: Registry) -> None:
    default = load_scenario()
    assert default.sender == "USA" and default.start.isoformat() == "2025-02-01"
    plan = build_plan(default, registry)
    keys = [d.key for d in plan.destinations]
    assert "usa-slv-2025" in keys and keys[0].startswith(("return:", "usa-col", "usa-ven"))
    slv = next(d for d in plan.destinations if d.key == "usa-slv-2025")
    assert (slv.places, slv.stay_months) == (None, 12)
    assert [(limit.people, limit.final) for limit in slv.limits] == [(300, True)]
    assert default.renew_agreements is False
    path = tmp_path / "example.yaml"
    path.write_text(example_text(), encoding="utf-8")
    assert load_scenario(path) == default
    assert "ASSUMPTION" in example_text() and "SYNTHETIC" in example_text()


def test_the_default_population_has_the_nationalities_the_el_salvador_transfers_concerned() -> None:
    from accords.simulation import calibration
    from accords.simulation.scenario import load_scenario

    spec = load_scenario().population.synthetic
    assert spec is not None and spec.calibration == "usa-2025"
    shares = calibration.nationality_shares(spec.calibration)
    assert shares["VEN"] == 14000 / 271484 and shares["SLV"] == 15284 / 271484
    assert abs(sum(shares.values()) - 1) < 1e-12
    (ven,) = [r for r in calibration.load_calibration("usa-2025") if r.key == "VEN"]
    assert ven.quote_kind == "verbatim" and "14.000" in ven.quote
    assert "ASSUMPTION" in (ven.note or "")


def test_places_override_sets_one_named_agreement_and_refuses_others(registry: Registry) -> None:
    scenario = load_scenario(default_scenario_path())
    changed = Overrides(terms=(("usa-slv-2025", "places", 7),)).apply(scenario)
    plan = build_plan(changed, registry)
    assert {d.key: d.places for d in plan.destinations}["usa-slv-2025"] == 7
    assert scenario.agreements is not None and scenario.agreements[0].places is None
    with pytest.raises(OverrideError, match="not among the agreements the scenario names"):
        Overrides(terms=(("gbr-rwa-2022", "places", 7),)).apply(scenario)
