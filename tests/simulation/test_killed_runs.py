"""Killed means stopped and clean: SIGKILL a run and nothing of it survives.

`accords simulate --workers 2` and `accords evaluate` are started in their own process group,
killed with SIGKILL at start-up, mid-run and (for evaluate) mid-write; 3 s later no process of
the group may be alive (workers die with their parent) and no output may exist. What a killed
run could not remove (its partial-output folder) the next run writing there removes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from accords.atomic import PARTIAL_PREFIX
from accords.simulation.backends import WORKER_NAME

pytestmark = pytest.mark.slow

ACCORDS = [str(Path(sys.executable).with_name("accords"))]


def _stat(entry: Path) -> list[str] | None:
    """A process's /proc stat fields after its name: state, ppid, pgrp, ..."""
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _living_in_group(group: int) -> list[int]:
    """Processes of the group that still run (a zombie is dead: it holds no memory or files)."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat(entry) if entry.name.isdigit() else None
        if fields is not None and int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat(entry) if entry.name.isdigit() else None
        if fields is not None and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _starting_workers(pid: int) -> list[int]:
    """The run's worker processes, started or still starting (not the resource tracker)."""
    found = []
    for child in _children(pid):
        try:
            command = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            found.append(child)
    return found


def _workers(pid: int) -> list[int]:
    """The run's workers past their start-up: each has set itself to die with its parent."""
    found = []
    for child in _starting_workers(pid):
        try:
            name = (Path("/proc") / str(child) / "comm").read_bytes().strip()
        except OSError:
            continue
        if name == WORKER_NAME:
            found.append(child)
    return found


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ACCORDS_DB": str(tmp_path / "runs.duckdb"), "COLUMNS": "80"}
    return subprocess.Popen(
        [*ACCORDS, *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill_and_wait(process: subprocess.Popen[bytes], within: float = 3) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + within
    while _living_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = _living_in_group(process.pid)
    assert not survivors, f"processes of the killed run still alive after {within} s: {survivors}"


def _wait_for(condition: object, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the run never reached the point to kill it at"
        time.sleep(0.05)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("moment", ["start-up", "mid-run"])
def test_a_killed_simulation_leaves_no_process_and_no_output(tmp_path: Path, moment: str) -> None:
    out = tmp_path / "run"
    process = _start(
        ["simulate", "--workers", "2", "--replicas", "400", "--out", str(out)], tmp_path
    )
    if moment == "mid-run":
        _wait_for(lambda: len(_workers(process.pid)) == 2)
    else:
        time.sleep(0.3)
    _kill_and_wait(process)
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_killed_while_starting_exit_once_started(tmp_path: Path) -> None:
    """Killed while its workers still import the engine, a run's workers exit once started.

    Until a worker has set itself to die with its parent nothing can stop it but itself, so
    this waits for their start-up (seconds on a loaded machine), not for 3 s.
    """
    out = tmp_path / "run"
    process = _start(
        ["simulate", "--workers", "2", "--replicas", "400", "--out", str(out)], tmp_path
    )
    _wait_for(lambda: len(_starting_workers(process.pid)) == 2)
    _kill_and_wait(process, within=120)
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("moment", ["start-up", "mid-write"])
def test_a_killed_evaluation_leaves_no_process_and_no_output(tmp_path: Path, moment: str) -> None:
    rows = 400_000
    persons = pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(rows)],
            "present_in": ["USA"] * rows,
            "citizenships": [["VEN"]] * rows,
            "final_removal_order": [True] * rows,
        }
    )
    source = tmp_path / "persons.parquet"
    persons.write_parquet(source)
    out = tmp_path / "verdicts.csv"
    process = _start(["evaluate", str(source), "--out", str(out), "--date", "2025-06-01"], tmp_path)
    if moment == "mid-write":
        _wait_for(
            lambda: any(
                f.stat().st_size > 0 for f in tmp_path.glob(f"{PARTIAL_PREFIX}*/verdicts.csv")
            )
        )
    else:
        time.sleep(0.3)
    _kill_and_wait(process)
    assert not out.exists()
    # The next run writing there removes what the killed one left, and writes its own output.
    again = subprocess.run(
        [*ACCORDS, "evaluate", str(source), "--out", str(tmp_path / "again.csv")],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert again.returncode == 0, again.stderr
    assert not list(tmp_path.glob(f"{PARTIAL_PREFIX}*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.csv", "persons.parquet"]
