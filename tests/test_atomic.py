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


def test_a_file_is_not_an_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "run"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, expected a folder"):
        refuse_bad_output(blocker, folder=True)
    refuse_bad_output(tmp_path / "new-run", folder=True)
    refuse_bad_output(tmp_path, folder=True)  # an existing folder is filled, not refused
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


PROC = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
RUN_ID = "20250101-000000-abcdef"


def _bad_outputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Each command's output options, given the wrong kind of path: arguments, and the words
    of the refusal. `folder` is a folder, `file` a file, `/proc` a place no one can write."""
    folder, file, db = str(tmp / "folder"), str(tmp / "file"), str(tmp / "runs.duckdb")
    export = ["agreements", "export", "--format"]
    sim = ["simulate", "--replicas", "1", "--workers", "1", "--db", db]
    return {
        "export into a folder": (
            [*export, "csv", "--out", f"{folder}/reg.facts.csv"],
            "reg.facts.csv: --out: is a folder, expected a file",
        ),
        "export under a file": (
            [*export, "csv", "--out", f"{file}/reg.csv"],
            f"cannot be created: {file} is a file, not a folder",
        ),
        "export facts into a folder": (
            [*export, "csv", "--out", str(tmp / "folder" / "reg.csv")],
            "reg.facts.csv: --out: is a folder, expected a file",
        ),
        "export in /proc": (
            [*export, "json", "--out", "/proc/x.json"],
            "cannot be written in /proc",
        ),
        "report in /proc": (
            ["runs", "report", RUN_ID, "--db", db, "--out", "/proc/x.html"],
            "/proc/x.html: --out: cannot be written in /proc",
        ),
        "report into a folder": (
            ["runs", "report", RUN_ID, "--db", db, "--out", folder],
            "is a folder, expected a file",
        ),
        "compare into a folder": (
            ["runs", "compare", RUN_ID, RUN_ID, "--db", db, "--out", folder],
            "is a folder, expected a file",
        ),
        "run folder in /proc": ([*sim, "--out", "/proc/run"], "cannot be written in /proc"),
        "run folder is a file": ([*sim, "--out", file], "--out: is a file, expected a folder"),
        "run report in /proc": ([*sim, "--report", "/proc/r.html"], "--report: cannot be written"),
        "run report into a folder": ([*sim, "--report", folder], "is a folder, expected a file"),
        "example in /proc": (["simulate", "--init", "/proc/s.yaml"], "--init: cannot be written"),
        "run store under a file": (
            [*sim[:-2], "--db", f"{file}/runs.duckdb"],
            f"--db: cannot be created: {file} is a file, not a folder",
        ),
        "served store under a file": (
            ["serve", "--port", "1", "--db", f"{file}/runs.duckdb"],
            f"--db: cannot be created: {file} is a file, not a folder",
        ),
        "parts folder is a file": (
            ["evaluate", str(tmp / "persons.csv"), "--cluster", "tcp://127.0.0.1:1", "--out", file],
            "--out: is a file, expected a folder",
        ),
    }


@PROC
@pytest.mark.parametrize("case", list(_bad_outputs(Path("/tmp"))))
def test_every_output_option_is_refused_before_any_work(
    case: str, tmp_path: Path, invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wrong kind of output path is one clear error (exit 2, naming the path and what was
    expected), found before anything is read, run, served or written: no traceback, no new
    file, no run recorded."""
    import uvicorn

    def served(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr(uvicorn, "run", served)
    monkeypatch.setattr(uvicorn.Server, "run", served)
    (tmp_path / "folder" / "reg.facts.csv").mkdir(parents=True)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "persons.csv").write_text(POPULATION, encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    args, words = _bad_outputs(tmp_path)[case]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr.replace("\n", ""), result.stderr
    assert result.stderr.startswith("error: ")
    assert sorted(tmp_path.rglob("*")) == before
