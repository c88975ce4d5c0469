"""`accords simulate --report` and `accords runs report` write the page, atomically."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

from plotly.offline import get_plotlyjs
from typer.testing import Result

from accords.report import TITLES

Invoke = Callable[..., Result]  # the `invoke` fixture of tests/conftest.py


def assert_report(path: Path, run_id: str) -> None:
    page = path.read_text(encoding="utf-8")
    assert page.count(get_plotlyjs()) == 1
    assert run_id in page and "# ASSUMPTION: half their records are wrong" in page
    assert all(title in page for title in TITLES.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp files


def test_simulate_report_and_runs_report_write_the_page(
    invoke: Invoke, tmp_path: Path, db: Path, tiny_path: Path
) -> None:
    first = tmp_path / "reports" / "first.html"
    done = invoke(
        "simulate", tiny_path, "--db", db, "--out", tmp_path / "out", "--workers", "1",
        "--report", first, expect=0,
    )
    (run,) = json.loads(invoke("runs", "list", "--db", db, "--json", expect=0).stdout)
    assert run["id"] in done.stdout
    assert_report(first, run["id"])

    second = tmp_path / "reports" / "second.html"
    invoke("runs", "report", run["id"], "--db", db, "--out", second, expect=0)
    assert_report(second, run["id"])

    missing = invoke("runs", "report", "20250101-000000-abcdef", "--out", tmp_path / "x.html",
                     expect=2)
    assert "no run" in missing.stderr and not (tmp_path / "x.html").exists()
