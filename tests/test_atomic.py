"""Outputs: refused before any work when they cannot be right; partial files never left behind.

A run killed mid-write cannot clean up after itself, so its partial output lives in a folder
named after its process, and the next run writing to the same place removes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accords.atomic import (
    PARTIAL_PREFIX,
    atomic_path,
    refuse_bad_output,
    refuse_overwriting,
    write_text_atomic,
)
from accords.validation import InputError

POPULATION = "id,present_in,citizenships\na,USA,VEN\n"


def _refusal(target: Path, inputs: tuple[Path, ...] = ()) -> str:
    with pytest.raises(InputError) as caught:
        refuse_overwriting(target, inputs)
        refuse_bad_output(target)
    (problem,) = caught.value.problems
    assert problem.field == "--out"
    return problem.message


def test_a_folder_is_not_an_output(tmp_path: Path) -> None:
    assert "is a folder" in _refusal(tmp_path)


def test_the_input_is_not_an_output_under_any_name(tmp_path: Path) -> None:
    source = tmp_path / "persons.csv"
    source.write_text(POPULATION, encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(source)
    os.link(source, tmp_path / "hard.csv")
    for name in ("persons.csv", "link.csv", "hard.csv", "./sub/../persons.csv"):
        assert "is the input" in _refusal(tmp_path / name, (source,)), name


def test_an_output_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert "not a folder" in _refusal(blocker / "deeper" / "out.csv")


def test_a_good_output_is_accepted_and_nothing_is_left(tmp_path: Path) -> None:
    refuse_overwriting(tmp_path / "new" / "out.csv", (tmp_path / "in.csv",))
    refuse_bad_output(tmp_path / "new" / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_neither_target_nor_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []


def test_the_next_run_removes_what_a_killed_run_left(tmp_path: Path) -> None:
    """A child process dies (SIGKILL) inside atomic_path; the next write removes its folder."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from accords.atomic import atomic_path\n"
        "with atomic_path(Path(sys.argv[1])) as tmp:\n"
        "    tmp.write_text('half', encoding='utf-8')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    target = tmp_path / "out.csv"
    killed = subprocess.run([sys.executable, "-c", code, str(target)], check=False)
    assert killed.returncode == -9
    left = list(tmp_path.glob(f"{PARTIAL_PREFIX}*"))
    assert len(left) == 1 and not target.exists()
    write_text_atomic(tmp_path / "other.csv", "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.csv"]


def test_a_dead_processs_probe_file_is_removed_too(tmp_path: Path) -> None:
    """refuse_bad_output probes a folder with a file named like a partial folder."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    probe = tmp_path / f"{PARTIAL_PREFIX}{dead.stdout.strip()}-probe"
    probe.write_text("", encoding="utf-8")
    write_text_atomic(tmp_path / "out.csv", "x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_running_processs_partial_folder_is_kept(tmp_path: Path) -> None:
    alive = tmp_path / f"{PARTIAL_PREFIX}{os.getppid()}-abc"
    alive.mkdir()
    write_text_atomic(tmp_path / "out.csv", "x\n")
    assert alive.exists()


def test_evaluate_refuses_to_overwrite_its_input(tmp_path: Path, invoke) -> None:
    source = tmp_path / "persons.csv"
    source.write_text(POPULATION, encoding="utf-8")
    result = invoke("evaluate", str(source), "--out", str(source), "--date", "2025-06-01")
    assert result.exit_code == 2
    assert "is the input" in result.stderr
    assert source.read_text(encoding="utf-8") == POPULATION
