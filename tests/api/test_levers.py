"""The runner's levers without a server: what each pre-fills, and what a changed one sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from accords import load_registry
from accords.api.levers import AgreementLevers, Levers, read_form, scenario_levers
from accords.simulation.plan import build_plan
from accords.simulation.scenario import default_scenario_path, load_scenario

REGISTRY = load_registry()


def levers_of(text: str | None = None) -> Levers:
    path = default_scenario_path()
    text = path.read_text(encoding="utf-8") if text is None else text
    return scenario_levers(load_scenario(Path("s.yaml"), text), text, REGISTRY)


def group(levers: Levers, agreement_id: str) -> AgreementLevers:
    return next(g for g in levers.agreements if g.id == agreement_id)


def drawn(levers: Levers) -> dict[str, str]:
    """The form as it is drawn: each lever's text and its hidden pre-filled text."""
    return {k: v for lever in levers.all() for k, v in ((lever.name, lever.value),
                                                         (f"was-{lever.name}", lever.value))}


def test_caps_are_prefilled_from_the_registry_with_their_source() -> None:
    slv = group(levers_of(), "usa-slv-2025").cap
    total = slv["total_transfers"]
    assert total.value == "300"  # "accept up to 300": a total, not places
    assert total.origin.words.startswith("Registry: ") and total.origin.url
    assert slv["transfers_per_period.people"].value == ""
    assert slv["transfers_per_period.people"].origin.words == (
        "The registry gives no cap per period: no limit"
    )
    assert slv["batch_size"].value == ""
    assert "renewed" not in slv  # El Salvador states no term of its own, only each stay's


TWO_CAPS = """\
name: caps
sender: ITA
start: 2024-06
horizon_months: 6
population: {synthetic: {size: 100, nationalities: {BGD: 1}}}
ordinary_returns: {nationalities: [BGD], source_url: "https://example.org/law", source_quote: "x"}
agreements:
  - id: ita-alb-2023
  - id: usa-plw-2025
"""


def test_the_binding_cap_per_period_is_shown_and_names_the_other() -> None:
    text = TWO_CAPS.replace("  - id: usa-plw-2025\n", "")
    alb = group(levers_of(text), "ita-alb-2023").cap
    people, months = alb["transfers_per_period.people"], alb["transfers_per_period.months"]
    assert (people.value, months.value) == ("3000", "1")  # AP's 3,000 a month, of the two
    assert "It also caps 36,000 in 12 months; a value set here replaces both" in (
        people.origin.words
    )
    renewed = alb["renewed"]  # a five-year term, not renewed unless the scenario says so
    assert renewed.value == "no" and "a term of 60 months" in renewed.origin.words


def test_scenario_overrides_are_prefilled_as_set_in_the_scenario() -> None:
    text = TWO_CAPS.replace("sender: ITA", "sender: USA").replace(
        "agreements:\n  - id: ita-alb-2023\n  - id: usa-plw-2025\n",
        "agreements:\n  - {id: usa-plw-2025, transfers_per_month: 4, batch_size: 2}\n",
    )
    text = text.replace("ordinary_returns: {nationalities: [BGD], source_url: "
                        '"https://example.org/law", source_quote: "x"}\n', "")
    plw = group(levers_of(text), "usa-plw-2025").cap
    assert plw["transfers_per_period.people"].value == "4"
    assert plw["transfers_per_period.months"].value == "1"
    assert plw["batch_size"].value == "2"
    assert plw["batch_size"].origin.words == "Set in the scenario"
    assert plw["total_transfers"].value == "75"  # the registry's, left alone


def test_changed_caps_reach_the_scenario_and_left_ones_do_not() -> None:
    levers = levers_of()
    form = drawn(levers)
    assert read_form(form, levers).overrides(()).apply(load_scenario()) == load_scenario()
    form |= {
        "total_transfers-usa-slv-2025": "20",
        "transfers_per_period-usa-gtm-2025": "5",
        "transfers_per_period-usa-gtm-2025-months": "3",
        "batch_size-usa-col-2025": "4",
        "transfers_per_period-usa-ven-2025": "",  # emptied: as the scenario says
    }
    chosen = read_form(form, levers)
    assert not chosen.errors
    scenario = chosen.overrides(()).apply(load_scenario())
    uses = {u.id: u for u in scenario.agreements or []}
    assert uses["usa-slv-2025"].total_transfers == 20
    assert uses["usa-gtm-2025"].per_period() == (5, 3)
    assert uses["usa-col-2025"].batch_size == 4
    assert uses["usa-ven-2025"].per_period() is None
    plan = {d.key: d for d in build_plan(scenario, REGISTRY).destinations}
    assert [limit.what for limit in plan["usa-slv-2025"].limits] == [
        "at most 20 sent in all (scenario)"
    ]
    assert plan["usa-col-2025"].batch == 4
    # a period's months left empty are one month
    form["transfers_per_period-usa-gtm-2025-months"] = ""
    scenario = read_form(form, levers).overrides(()).apply(load_scenario())
    assert {u.id: u for u in scenario.agreements or []}["usa-gtm-2025"].per_period() == (5, 1)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("total_transfers-usa-slv-2025", "-1", "most people sent in all: expected 0 or more"),
        ("total_transfers-usa-slv-2025", "lots", "expected a whole number, got 'lots'"),
        ("transfers_per_period-usa-slv-2025-months", "0", "months in a period: expected 1 or"),
        ("batch_size-usa-slv-2025", "0", "people per departure (batch): expected 1 or more"),
    ],
)
def test_a_bad_cap_is_named_in_words(name: str, text: str, message: str) -> None:
    levers = levers_of()
    form = drawn(levers) | {"transfers_per_period-usa-slv-2025": "5", name: text}
    errors = read_form(form, levers).errors
    assert message in errors[name]


def test_renewal_is_a_choice() -> None:
    text = TWO_CAPS.replace("  - id: usa-plw-2025\n", "")
    levers = levers_of(text)
    form = drawn(levers) | {"renewed-ita-alb-2023": "yes"}
    scenario = read_form(form, levers).overrides(()).apply(load_scenario(Path("s.yaml"), text))
    assert (scenario.agreements or [])[0].renewed is True
    bad = read_form(drawn(levers) | {"renewed-ita-alb-2023": "maybe"}, levers).errors
    assert "expected 'yes' or 'no', got 'maybe'" in bad["renewed-ita-alb-2023"]


def test_a_ticked_box_lifts_the_registrys_caps_and_an_unticked_one_restores_them() -> None:
    levers = levers_of()
    slv = group(levers, "usa-slv-2025")
    assert slv.name == "El Salvador (2025)"  # the folded headings' words, not its id
    box = slv.cap["unlimited_transfers"]
    assert (box.value, box.origin.words) == ("", "The scenario keeps the registry's caps")
    # the browser sends the hidden "" and, ticked, the box's "yes" after it (the last wins)
    ticked = read_form(drawn(levers) | {box.name: "yes"}, levers)
    assert not ticked.errors
    scenario = ticked.overrides(()).apply(load_scenario())
    uses = {u.id: u for u in scenario.agreements or []}
    assert uses["usa-slv-2025"].unlimited_transfers is True
    plan = {d.key: d for d in build_plan(scenario, REGISTRY).destinations}
    assert plan["usa-slv-2025"].limits == ()  # no "at most 300 sent in all"
    # a cap typed beside the ticked box still applies, as in a scenario file
    typed = drawn(levers) | {box.name: "yes", "total_transfers-usa-slv-2025": "500"}
    scenario = read_form(typed, levers).overrides(()).apply(load_scenario())
    plan = {d.key: d for d in build_plan(scenario, REGISTRY).destinations}
    assert [limit.what for limit in plan["usa-slv-2025"].limits] == [
        "at most 500 sent in all (scenario)"
    ]
    # a scenario that lifts them draws the box ticked, its caps empty; unticked, they are back
    text = default_scenario_path().read_text(encoding="utf-8").replace(
        "  - id: usa-slv-2025 ", "  - {id: usa-slv-2025, unlimited_transfers: true} ", 1
    )
    lifted = levers_of(text)
    caps = group(lifted, "usa-slv-2025").cap
    assert caps["unlimited_transfers"].value == "yes"
    assert caps["total_transfers"].value == ""
    unticked = read_form(drawn(lifted) | {box.name: ""}, lifted)
    scenario = unticked.overrides(()).apply(load_scenario(Path("s.yaml"), text))
    assert {u.id: u for u in scenario.agreements or []}["usa-slv-2025"].unlimited_transfers is False
