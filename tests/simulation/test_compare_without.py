"""With and without an agreement, on common random numbers (`compare_without`)."""

from __future__ import annotations

import json

import pytest
from simhelpers import scenario
from typer.testing import CliRunner

from accords.cli import app
from accords.registry.loader import Registry
from accords.simulation.plan import PlanError, build_plan
from accords.simulation.result import WITHOUT_PREFIX
from accords.simulation.run import simulate


def _unaffected(label: str, agreement: str) -> bool:
    """Totals that must not move: all but the agreement's own and the reasons counted under it.

    A blocked case counts under every reason that failed for it under an agreement in force, so
    an agreement in force adds its reasons (e.g. "nationality not covered") to the blocked
    cases' reasons even when it changes no one's fate.
    """
    return agreement not in label and not label.startswith("blocked_by_reason[")


def test_an_agreement_no_one_is_eligible_for_makes_exactly_zero_difference() -> None:
    # Costa Rica takes only Uzbeks, Kazakhs, Pakistanis and Indians: the calibrated population
    # has none, so no one is ever eligible for it.
    s = scenario(
        agreements=[{"id": "usa-slv-2025"}, {"id": "usa-cri-2025"}, {"id": "usa-gtm-2025"}],
        compare_without=["usa-cri-2025"],
        replicas=3,
    )
    result = simulate(s)
    comparison = result.summary["comparison"]
    assert comparison["without"] == ["usa-cri-2025"]
    checked = 0
    for label, per_replica in comparison["per_replica_difference"].items():
        if _unaffected(label, "usa-cri-2025"):
            assert per_replica == [0.0] * 3, label
            checked += 1
    assert checked > 20
    assert comparison["totals"]["transfers[all]"]["with"]["p50"] > 0


@pytest.mark.parametrize(
    "none", [{"places": 0}, {"total_transfers": 0}, {"transfers_per_month": 0}], ids=str
)
def test_an_agreement_with_no_capacity_changes_nothing(none: dict[str, int]) -> None:
    s = scenario(
        agreements=[{"id": "usa-slv-2025", **none}, {"id": "usa-gtm-2025"}],
        compare_without=["usa-slv-2025"],
        replicas=3,
    )
    comparison = simulate(s).summary["comparison"]
    for label, stats in comparison["totals"].items():
        if _unaffected(label, "usa-slv-2025"):
            assert stats["with"] == stats["without"], label
            assert comparison["per_replica_difference"][label] == [0.0] * 3, label


def test_the_difference_is_taken_replica_by_replica_and_the_counterfactual_is_stored() -> None:
    s = scenario(compare_without=["usa-slv-2025"], replicas=3)
    result = simulate(s)
    comparison = result.summary["comparison"]
    with_runs = result.per_replica("transfers", "all")
    without_runs = [
        r.without.series["transfers"]["all"].sum() for r in result.replicas if r.without
    ]
    assert comparison["per_replica_difference"]["transfers[all]"] == [
        a - b for a, b in zip(with_runs, without_runs, strict=True)
    ]
    assert comparison["totals"]["transfers[usa-slv-2025]"]["without"]["p95"] == 0
    assert comparison["totals"]["transfers[usa-slv-2025]"]["difference"]["p50"] > 0
    monthly = result.monthly
    assert (monthly["series"] == WITHOUT_PREFIX + "transfers").any()
    # the run "with" is the scenario's own: its totals are the summary's
    assert (
        comparison["totals"]["transfers[all]"]["with"] == result.summary["totals"]["transfers[all]"]
    )


def test_same_seed_same_comparison() -> None:
    s = scenario(compare_without=["usa-slv-2025"], replicas=2)
    assert simulate(s).summary["comparison"] == simulate(s).summary["comparison"]


def test_comparing_without_an_agreement_the_scenario_lacks_is_an_error(
    registry: Registry,
) -> None:
    with pytest.raises(PlanError) as caught:
        build_plan(scenario(compare_without=["gbr-rwa-2022"]), registry)
    assert caught.value.field == "compare_without[0]"
    assert "not among the scenario's agreements" in str(caught.value)


def test_cli_compare_without_prints_with_without_difference(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.yaml"
    s = scenario(replicas=2)
    path.write_text(json.dumps(s.model_dump(mode="json")), encoding="utf-8")
    out = CliRunner().invoke(
        app,
        [
            "simulate",
            str(path),
            "--compare-without",
            "usa-slv-2025",
            "--workers",
            "1",
            "--db",
            str(tmp_path / "runs.duckdb"),
            "--out",
            str(tmp_path / "run"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["comparison"]["without"] == ["usa-slv-2025"]
    written = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert written["comparison"] == data["comparison"]
    # Reopened later, the run shows the same answer: its sentences first, then the comparison.
    shown = CliRunner().invoke(
        app, ["runs", "show", data["run_id"], "--db", str(tmp_path / "runs.duckdb")]
    )
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())
    assert text.startswith("• ")
    assert "With and without El Salvador (2025)" in text
    assert text.index("• ") < text.index("scenario hash") < text.index("With and without")


def test_headline_sentences_are_generated_from_the_run() -> None:
    from accords.report.headlines import headline_sentences

    def slv_sentence(places: int) -> str:
        s = scenario(agreements=[{"id": "usa-slv-2025", "places": places}], replicas=2)
        sentences = headline_sentences(simulate(s).summary)
        # without a registry to name it, the agreement is its receiving state and its id
        (line,) = [x for x in sentences if x.startswith("The El Salvador (usa-slv-2025) agreement")]
        return line

    five, fifty = slv_sentence(5), slv_sentence(50)
    assert five != fifty
    assert "takes 5 people" in five and "USD" in five
    assert "." not in five.split("takes ")[1].split(" people")[0]  # whole people


def test_cli_a_mistyped_compare_without_names_the_option_and_records_no_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps(scenario(replicas=1).model_dump(mode="json")), encoding="utf-8")
    db = tmp_path / "runs.duckdb"
    out = CliRunner().invoke(
        app, ["simulate", str(path), "--compare-without", "usa-slv-2052", "--db", str(db)]
    )
    assert out.exit_code == 2, out.output
    assert "--compare-without: usa-slv-2052 is not among" in out.stderr
    assert "did you mean usa-slv-2025?" in out.stderr
    assert not db.exists()  # nothing was recorded, not even a failed run
