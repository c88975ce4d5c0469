"""The run store across processes: `accords simulate` killed mid-run, and readers during a run.

These start the real CLI in a subprocess (`python -m accords.cli simulate ...`) on a private
database, and read the same database from this process while it runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accords.simulation.result import RunResult
from accords.simulation.scenario import Scenario
from accords.store import RunRecord, RunStore

pytestmark = pytest.mark.slow


def start_simulate(tiny_path: Path, db: Path, out: Path, replicas: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "accords.cli", "simulate", str(tiny_path),
            "--db", str(db), "--out", str(out), "--replicas", str(replicas), "--workers", "1",
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_for(store: RunStore, proc: subprocess.Popen[str], ready: str) -> RunRecord:
    """Poll the store until the subprocess's run is `ready` ('running' with progress, here)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"simulate exited early: {proc.stderr and proc.stderr.read()}"
        runs = store.list() if store.path.exists() else []
        if runs and runs[0].status == ready and runs[0].progress_done >= 1:
            return runs[0]
        time.sleep(0.02)
    raise AssertionError("the run never showed up as running")


def test_a_killed_run_is_marked_failed_and_the_store_stays_consistent(
    tmp_path: Path,
    db: Path,
    tiny_path: Path,
    tiny: Scenario,
    tiny_result: RunResult,
) -> None:
    RunStore(db)  # create the file, so this process can poll it from the start
    proc = start_simulate(tiny_path, db, tmp_path / "out", replicas=400)
    try:
        run = wait_for(RunStore(db), proc, "running")
        assert run.pid == proc.pid
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    store = RunStore(db)  # opening the store marks the dead run failed
    record = store.get(run.id)
    assert record.status == "failed", record
    assert record.error is not None and record.error.startswith("interrupted")
    assert record.finished_at is not None and record.summary is None
    assert not (db.parent / "runs" / run.id).exists()
    assert not (tmp_path / "out").exists()  # the run folder is only written at the end

    # The database is intact and takes new runs.
    fresh = store.create(tiny, source="cli")
    store.complete(fresh, tiny_result)
    assert [r.id for r in store.list()] == [fresh, run.id]
    assert store.monthly(fresh).height == tiny_result.monthly.height


def test_a_reader_never_sees_done_without_the_monthly_series(
    tmp_path: Path, db: Path, tiny_path: Path
) -> None:
    RunStore(db)
    proc = start_simulate(tiny_path, db, tmp_path / "out", replicas=12)
    reader = RunStore(db)
    seen: set[str] = set()
    try:
        while True:
            finished = proc.poll() is not None
            for record in reader.list():
                seen.add(record.status)
                if record.status == "done":
                    path = reader.monthly_path(record.id)
                    assert path.exists(), f"{record.id} is done but {path} is missing"
                    monthly = reader.monthly(record.id)
                    assert set(monthly["replica"].unique()) == set(range(12))
                    assert record.summary is not None and record.summary["replicas"] == 12
            if finished:
                break
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr and proc.stderr.read()
    assert "done" in seen and "running" in seen
    assert reader.list()[0].status == "done"


def test_ctrl_c_marks_the_run_failed_at_once(tmp_path: Path, db: Path, tiny_path: Path) -> None:
    RunStore(db)
    proc = start_simulate(tiny_path, db, tmp_path / "out", replicas=400)
    try:
        run = wait_for(RunStore(db), proc, "running")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode != 0
    record = RunStore(db).get(run.id)
    assert record.status == "failed"
    assert record.error == "interrupted by the user (Ctrl-C)"
