"""Fixtures shared by every test folder (registry, engine, ...).

The test tree has no `__init__.py` files, so test modules are imported by their base name:
give every test file a name that is unique across folders (e.g. `test_registry_*.py`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from accords.cli import app
from accords.commands.common import SafeConsole
from accords.registry.loader import default_agreements_dir

Invoke = Callable[..., Result]

# Validated agreements are cached in a folder of this test run's own (set before any test module
# loads the registry), never in the user's cache; the tests of the cache set their own.
os.environ["ACCORDS_CACHE"] = tempfile.mkdtemp(prefix="accords-test-cache-")
atexit.register(shutil.rmtree, os.environ["ACCORDS_CACHE"], ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _private_run_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep every test off the user's run store.

    `accords simulate` records each run in the run store, whose default is the user's data
    folder; ACCORDS_DB points at a per-session temporary file instead. Tests that need their own
    store set it again.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACCORDS_DB", str(tmp_path_factory.mktemp("run-store") / "runs.duckdb"))
        yield


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private run store for one test (ACCORDS_DB points at it, for subprocesses too)."""
    path = tmp_path / "store" / "runs.duckdb"
    monkeypatch.setenv("ACCORDS_DB", str(path))
    return path


@pytest.fixture(scope="session")
def shipped_dir() -> Path:
    """The folder of agreement files shipped in the package."""
    return default_agreements_dir()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run `accords ARGS...` in-process; unexpected exceptions propagate with their traceback.

    ACCORDS_REGISTRY is cleared so a developer's environment cannot change which registry
    the command reads.
    """
    monkeypatch.delenv("ACCORDS_REGISTRY", raising=False)

    def run(*args: str | Path, expect: int | None = None) -> Result:
        argv: Sequence[str] = [str(a) for a in args]
        result = runner.invoke(app, argv, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, (
                f"`accords {' '.join(argv)}` exited {result.exit_code}, expected {expect}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    return run


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> SafeConsole:
    """Render human output without wrapping or truncation, so tests can search it."""
    import accords.commands.agreements as agreements_cmd
    import accords.commands.common as common

    console = SafeConsole(width=2000, color_system=None, highlight=False, emoji=False)
    monkeypatch.setattr(common, "console", console)
    monkeypatch.setattr(agreements_cmd, "console", console)
    return console


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A local Dask cluster of two worker processes, for tests that compare it with local runs."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: parallel test workers each start one
        host="127.0.0.1",
    ) as local:
        yield local
