"""`accords runs list|show|delete` and the runs `accords simulate` records, run in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

import accords.commands.runs as runs_cmd
from accords.commands.common import SafeConsole
from accords.store import RunStore

Invoke = Callable[..., Result]  # the `invoke` fixture of tests/conftest.py


@pytest.fixture(autouse=True)
def wide_runs_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables rendered without truncation, so the test can search them."""
    console = SafeConsole(width=300, color_system=None, highlight=False, emoji=False)
    monkeypatch.setattr(runs_cmd, "console", console)


def simulate(
    invoke: Invoke, scenario: Path, db: Path, out: Path, *extra: str, expect: int = 0
) -> None:
    invoke("simulate", scenario, "--db", db, "--out", out, "--workers", "1", *extra, expect=expect)


def test_simulate_records_its_run_and_runs_lists_shows_and_deletes_it(
    invoke: Invoke, tmp_path: Path, db: Path, tiny_path: Path
) -> None:
    printed = invoke(
        "simulate", tiny_path, "--db", db, "--out", tmp_path / "out", "--workers", "1",
        "--replicas", "3", "--seed", "9", "--json", expect=0,
    )
    listed = json.loads(invoke("runs", "list", "--db", db, "--json", expect=0).stdout)
    assert len(listed) == 1
    run = listed[0]
    assert json.loads(printed.stdout)["run_id"] == run["id"]
    assert run["status"] == "done" and run["source"] == "cli"
    assert run["replicas"] == 3 and run["seed"] == 9  # the CLI's overrides, not the file's
    assert (run["progress_done"], run["progress_total"]) == (3, 3)
    assert "scenario_yaml" not in run and "summary" not in run

    shown = json.loads(invoke("runs", "show", run["id"], "--db", db, "--json", expect=0).stdout)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert shown["summary"] == summary
    assert "replicas: 3" in shown["scenario_yaml"]
    assert "# ASSUMPTION: half their records are wrong" in shown["scenario_yaml"]

    human = invoke("runs", "show", run["id"], "--db", db, expect=0).stdout
    assert run["id"] in human and "done" in human and "wrongful" in human
    assert "2 values marked ASSUMPTION" in human
    table = invoke("runs", "list", "--db", db, expect=0).stdout
    assert "store-test" in table
    # each run's headline figures, as the summary has them: median (5–95% range)
    moved = summary["totals"]["transfers[all]"]
    assert f"{round(moved['p50']):,} ({round(moved['p5']):,}–{round(moved['p95']):,})" in table
    assert "transferred" in table and "wrongly" in table
    # rows zero in every replica are folded into a note naming them, unless asked for
    zero = [
        label
        for label, stats in summary["totals"].items()
        if label in ("wrongful_protected", "court_blocked", "queue_end")
        and not any(stats[p] for p in ("p5", "p50", "p95", "mean"))
    ]
    assert zero, "the tiny scenario has rows that are zero in every replica"
    folded = invoke("runs", "show", run["id"], "--db", db, expect=0).stdout
    assert "zero in every replica and" in folded and "left out:" in folded
    assert "--zero-rows shows them" in folded
    unfolded = invoke("runs", "show", run["id"], "--db", db, "--zero-rows", expect=0).stdout
    assert "zero in every replica" not in unfolded
    assert len(unfolded.splitlines()) > len(folded.splitlines()) - 2

    invoke("runs", "delete", run["id"], "--db", db, "--yes", expect=0)
    assert json.loads(invoke("runs", "list", "--db", db, "--json", expect=0).stdout) == []
    assert not (db.parent / "runs" / run["id"]).exists()
    missing = invoke("runs", "show", run["id"], "--db", db, expect=2)
    assert "no run" in missing.stderr and str(db) in missing.stderr.replace("\n", "")


def test_a_failed_simulation_is_recorded_with_its_error(
    invoke: Invoke, tmp_path: Path, db: Path, tiny_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        tiny_path.read_text(encoding="utf-8").replace("usa-slv-2025", "usa-slv-2052"),
        encoding="utf-8",
    )
    simulate(invoke, bad, db, tmp_path / "out", expect=2)
    (run,) = json.loads(invoke("runs", "list", "--json", expect=0).stdout)  # ACCORDS_DB = db
    assert run["status"] == "failed" and "agreements[0].id" in run["error"]
    human = invoke("runs", "show", run["id"], expect=0).stdout
    assert "failed" in human and "agreements[0].id" in human
    report = invoke("runs", "report", run["id"], "--out", tmp_path / "r.html", expect=2)
    assert "failed" in report.stderr and not (tmp_path / "r.html").exists()


def test_runs_commands_name_a_bad_database(invoke: Invoke, tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database", encoding="utf-8")
    result = invoke("runs", "list", "--db", not_a_db, expect=2)
    assert "notes.txt" in result.stderr
    RunStore(tmp_path / "empty.duckdb")
    empty = invoke("runs", "list", "--db", tmp_path / "empty.duckdb", expect=0)
    assert "no runs" in empty.stdout


RUN_ID = "20250101-000000-abcdef"


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["show", RUN_ID],
        ["report", RUN_ID, "--out", "report.html"],
        ["compare", RUN_ID, RUN_ID],
        ["delete", RUN_ID, "--yes"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_runs_commands_do_not_take_a_mistyped_db_for_an_empty_store(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """Reading a store that is not there is an error, and creates nothing; only a command that
    records runs (simulate, serve) makes a new store."""
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "sub" / "rnus.duckdb"
    result = invoke("runs", *args, "--db", typo, expect=2)
    assert result.stderr.replace("\n", "") == f"error: no run store at {typo}"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []
