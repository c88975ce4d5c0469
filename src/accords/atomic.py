"""Writing output files so a reader never sees half of one, and a failure leaves nothing behind.

Everything a run has not finished writing lives in one folder of its own beside the target,
named after the process (`.accords-partial-<pid>-…`); a finished file is renamed onto its
target and the folder removed. A run that is killed cannot remove its folder, so the next run
writing to the same place removes every such folder whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from accords.validation import InputError, Problem

PARTIAL_PREFIX = ".accords-partial-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Remove the partial-output folders in `folder` left by processes that no longer run."""
    removed = []
    for found in folder.glob(f"{PARTIAL_PREFIX}*"):
        pid_text = found.name.removeprefix(PARTIAL_PREFIX).split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            if found.is_dir():
                shutil.rmtree(found, ignore_errors=True)
            else:  # a writability probe its process did not live to remove
                found.unlink(missing_ok=True)
            removed.append(found)
    return removed


@contextlib.contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """This run's folder beside `target` for what it has not finished; removed whatever happens."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{os.getpid()}-", dir=target.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path for `target` (an empty file), moved onto it only if the block succeeds."""
    with staging_folder(target) as folder:
        tmp = folder / target.name
        tmp.touch()
        yield tmp
        tmp.replace(target)


def write_atomic(target: Path, write: Callable[[Path], object]) -> None:
    with atomic_path(target) as tmp:
        write(tmp)


def write_text_atomic(target: Path, text: str) -> None:
    write_atomic(target, lambda p: p.write_text(text, encoding="utf-8"))


def _refuse(target: Path, option: str, message: str) -> NoReturn:
    raise InputError([Problem(target, None, None, option, message)])


def refuse_bad_output(target: Path, option: str = "--out", *, folder: bool = False) -> None:
    """Refuse, before any work, an output that is the wrong kind of thing or cannot be written.

    `folder` says the output is a folder the command fills (which may already exist); otherwise
    it is a file. Every command's output path comes here first, so a long run never ends on a
    path it cannot write (found after an hour of evaluation, that would waste the hour), and
    every command words the refusal the same way.

    Writability is tried, not inferred from permission bits: a probe file is created, and
    removed, in the nearest folder that exists (root may write where the bits say no, yet not
    in /proc or on a read-only mount).
    """
    if folder:
        if target.exists() and not target.is_dir():
            _refuse(target, option, "is a file, expected a folder")
    elif target.is_dir():
        _refuse(target, option, "is a folder, expected a file")
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        _refuse(target, option, f"cannot be created: {ancestor} is a file, not a folder")
    _probe(target, option, ancestor)
    if folder and target.is_dir():
        _probe(target, option, target)


def _probe(target: Path, option: str, folder: Path) -> None:
    """Refuse `target` unless a file can be created in `folder` (the probe is removed)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=f"{PARTIAL_PREFIX}{os.getpid()}-", dir=folder)
    except OSError as exc:
        _refuse(target, option, f"cannot be written in {folder}: {exc.strerror or exc}")
    else:
        os.close(fd)
        Path(probe).unlink()


def refuse_overwriting(target: Path, inputs: Sequence[Path], option: str = "--out") -> None:
    """Refuse an output that is one of the inputs under any name (a link counts): writing it
    would replace the data it is computed from."""
    for source in inputs:
        same = target.resolve() == source.resolve() or (
            target.exists() and source.exists() and target.samefile(source)
        )
        if same:
            message = (
                f"is the input {source}; writing it would replace the data it is computed from"
            )
            _refuse(target, option, message)
