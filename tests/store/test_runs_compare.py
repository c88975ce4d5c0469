"""`accords runs compare A B`: headline figures side by side, the scenario diff, the page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import Result

import accords.commands.runs as runs_cmd
from accords.store import RunStore

Invoke = Callable[..., Result]  # the `invoke` fixture of tests/conftest.py


@pytest.fixture(autouse=True)
def wide_runs_console(monkeypatch: pytest.MonkeyPatch) -> None:
    console = Console(width=300, color_system=None, highlight=False, emoji=False)
    monkeypatch.setattr(runs_cmd, "console", console)


def two_runs(invoke: Invoke, tmp_path: Path, db: Path, tiny_path: Path) -> tuple[str, str]:
    ids = []
    for seed, places in ((3, None), (3, 5)):
        text = tiny_path.read_text(encoding="utf-8")
        if places is not None:
            text = text.replace("[{id: usa-slv-2025}]", f"[{{id: usa-slv-2025, places: {places}}}]")
        path = tmp_path / f"s{len(ids)}.yaml"
        path.write_text(text, encoding="utf-8")
        out = invoke(
            "simulate",
            path,
            "--db",
            db,
            "--out",
            tmp_path / f"o{len(ids)}",
            "--workers",
            "1",
            "--seed",
            str(seed),
            "--json",
            expect=0,
        )
        ids.append(json.loads(out.stdout)["run_id"])
    return ids[0], ids[1]


def test_compare_shows_both_runs_figures_and_what_differs(
    invoke: Invoke, tmp_path: Path, db: Path, tiny_path: Path
) -> None:
    a, b = two_runs(invoke, tmp_path, db, tiny_path)
    data = json.loads(invoke("runs", "compare", a, b, "--db", db, "--json", expect=0).stdout)
    assert (data["a"], data["b"]) == (a, b)
    rows = {r["key"]: r for r in data["rows"]}
    slv = rows["transfers[usa-slv-2025]"]
    shown_a = json.loads(invoke("runs", "show", a, "--db", db, "--json", expect=0).stdout)
    shown_b = json.loads(invoke("runs", "show", b, "--db", db, "--json", expect=0).stdout)
    assert slv["a"] == shown_a["summary"]["totals"]["transfers[usa-slv-2025]"]
    assert slv["b"] == shown_b["summary"]["totals"]["transfers[usa-slv-2025]"]
    assert slv["change"] == slv["b"]["p50"] - slv["a"]["p50"]
    assert slv["label"] == "… to El Salvador (2025)"  # the table's words
    assert slv["b"]["p95"] <= 5  # run B has five places
    changed = {
        (line[0], line[1:].strip()) for line in data["scenario_diff"][2:] if line[:1] in "+-"
    }
    assert changed == {("-", "places:"), ("+", "places: 5")}

    page = tmp_path / "compare.html"
    human = invoke("runs", "compare", a, b, "--db", db, "--out", page, expect=0).stdout
    assert "What differs in the scenarios" in human and "places: 5" in human
    assert "Transfers, all destinations" in human
    assert "… to El Salvador (2025)" in " ".join(human.split())  # in words, from the registry
    html = page.read_text(encoding="utf-8")
    assert "Run A against run B" in html and "Cumulative cost, USD" in html
    assert "… to El Salvador (2025)" in html
    assert "<script src" not in html  # plotly.js is embedded: the page works offline


def test_the_same_scenario_twice_says_only_the_draws_differ(
    invoke: Invoke, tmp_path: Path, db: Path, tiny_path: Path
) -> None:
    ids = []
    for i in range(2):
        out = invoke(
            "simulate",
            tiny_path,
            "--db",
            db,
            "--out",
            tmp_path / f"o{i}",
            "--workers",
            "1",
            "--json",
            expect=0,
        )
        ids.append(json.loads(out.stdout)["run_id"])
    human = invoke("runs", "compare", *ids, "--db", db, expect=0).stdout
    assert "only the random draws differ" in human


def test_compare_names_a_missing_run(invoke: Invoke, tmp_path: Path, db: Path) -> None:
    RunStore(db)
    missing = invoke("runs", "compare", "nope-a", "nope-b", "--db", db, expect=2)
    assert "'nope-a' is not a run id" in missing.stderr
