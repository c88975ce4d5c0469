"""The run store in one process: a run's life from create to delete, and what it refuses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from datetime import UTC
from pathlib import Path

import duckdb
import pytest

from accords.simulation.result import RunResult
from accords.simulation.scenario import Scenario, load_scenario
from accords.store import RunStore, StoreError, assumptions, default_db_path


def test_a_run_round_trips_from_create_to_done(
    db: Path, tiny: Scenario, tiny_path: Path, tiny_result: RunResult
) -> None:
    store = RunStore(db)
    run_id = store.create(tiny, source="cli", scenario_path=tiny_path)
    running = store.get(run_id)
    assert running.status == "running" and running.summary is None and running.error is None
    assert (running.progress_done, running.progress_total) == (0, 2)
    assert running.pid == os.getpid() and running.source == "cli"
    assert running.scenario_name == "store-test" and running.seed == 3 and running.replicas == 2
    assert running.scenario_hash == tiny.digest()
    assert running.created_at.tzinfo is UTC and running.finished_at is None
    assert not store.monthly_path(run_id).exists()
    with pytest.raises(StoreError, match="running"):
        store.monthly(run_id)

    store.progress(run_id, 1, 2)
    assert store.get(run_id).progress_done == 1

    store.complete(run_id, tiny_result)
    done = store.get(run_id)
    assert done.status == "done" and done.progress_done == 2
    assert done.summary == json.loads(json.dumps(tiny_result.summary))
    assert done.registry_version == tiny_result.summary["registry_version"]
    assert done.finished_at is not None and done.seconds is not None and done.seconds >= 0
    assert store.monthly_path(run_id) == db.parent / "runs" / run_id / "monthly.parquet"
    assert store.monthly(run_id).equals(tiny_result.monthly)
    # The recorded YAML keeps the file's comments and loads back to the same scenario.
    assert "# ASSUMPTION: half their records are wrong" in done.scenario_yaml
    again = load_scenario(tiny_path, text=done.scenario_yaml)
    assert again.digest() == done.scenario_hash
    assert [a.field for a in assumptions(done.scenario_yaml)] == [
        "population.synthetic.true_citizen_share",
        "record_errors.citizen_recorded_as_noncitizen",
    ]
    assert json.loads(json.dumps(done.to_json()))["id"] == run_id


def test_a_scenario_without_its_file_is_recorded_with_every_default(
    db: Path, tiny: Scenario
) -> None:
    store = RunStore(db)
    record = store.get(store.create(tiny, source="api"))
    assert "All defaults written out" in record.scenario_yaml
    assert load_scenario(Path("x.yaml"), text=record.scenario_yaml).digest() == tiny.digest()


def test_list_is_newest_first(db: Path, tiny: Scenario, tiny_result: RunResult) -> None:
    store = RunStore(db)
    ids = [store.create(tiny, source=s) for s in ("cli", "api", "web")]
    store.complete(ids[0], tiny_result)
    store.fail(ids[1], "boom")
    listed = store.list()
    assert [r.id for r in listed] == ids[::-1]
    assert [r.status for r in listed] == ["running", "failed", "done"]
    assert [r.source for r in listed] == ["web", "api", "cli"]
    assert RunStore(db).list() == listed  # a second store on the same file agrees


def test_delete_removes_the_row_and_its_files(
    db: Path, tiny: Scenario, tiny_result: RunResult
) -> None:
    store = RunStore(db)
    keep, gone = store.create(tiny, source="cli"), store.create(tiny, source="cli")
    with pytest.raises(StoreError, match="still running"):
        store.delete(gone)
    for run_id in (keep, gone):
        store.complete(run_id, tiny_result)
    folder = store.monthly_path(gone).parent
    assert folder.exists()
    store.delete(gone)
    assert not folder.exists()
    assert [r.id for r in store.list()] == [keep]
    assert store.monthly_path(keep).exists()
    with pytest.raises(KeyError, match=re.escape(str(db))):
        store.get(gone)
    with pytest.raises(KeyError):
        store.delete(gone)


def test_failures_are_recorded_and_a_done_run_stays_done(
    db: Path, tiny: Scenario, tiny_result: RunResult
) -> None:
    store = RunStore(db)
    failed = store.create(tiny, source="cli")
    store.fail(failed, "PlanError: agreements[0].id: no agreement")
    record = store.get(failed)
    assert record.status == "failed" and record.error is not None
    assert "agreements[0].id" in record.error and record.finished_at is not None
    with pytest.raises(StoreError, match="failed"):
        store.complete(failed, tiny_result)
    assert not store.monthly_path(failed).parent.exists()
    done = store.create(tiny, source="cli")
    store.complete(done, tiny_result)
    store.fail(done, "the report could not be written")
    assert store.get(done).status == "done" and store.get(done).error is None


def test_unknown_and_malformed_ids_name_the_store(db: Path) -> None:
    store = RunStore(db)
    with pytest.raises(KeyError, match="no run '20250101-000000-abcdef'"):
        store.get("20250101-000000-abcdef")
    with pytest.raises(KeyError, match="not a run id"):
        store.get("../../etc")
    with pytest.raises(ValueError, match="source"):
        store.create(load_scenario(None), source="notebook")


def test_default_path_comes_from_accords_db(db: Path) -> None:
    assert default_db_path() == db
    assert RunStore().path == db and db.exists()


def test_a_file_that_is_not_a_run_store_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not an accords run store"):
        RunStore(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match=re.escape(str(text))):
        RunStore(text)
    with pytest.raises(StoreError, match="is a folder"):
        RunStore(tmp_path)


def test_a_run_whose_process_exited_is_marked_interrupted(db: Path, tiny_path: Path) -> None:
    """A process that records a run and exits without finishing it (no fail(), no complete())."""
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from accords.simulation.scenario import load_scenario\n"
        "from accords.store import RunStore\n"
        "store = RunStore(Path(sys.argv[1]))\n"
        "print(store.create(load_scenario(Path(sys.argv[2])), source='api'), flush=True)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(db), str(tiny_path)],
        capture_output=True, text=True, check=True, timeout=60,
    )
    run_id = out.stdout.strip()
    record = RunStore(db).get(run_id)
    assert record.status == "failed"
    assert record.error is not None and record.error.startswith("interrupted")
    assert str(record.pid) in record.error


def test_threads_share_a_store(db: Path, tiny: Scenario, tiny_result: RunResult) -> None:
    """A web server's threads read while another writes: no lock errors inside one process."""
    store = RunStore(db)
    problems: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        reader = RunStore(db)
        while not stop.is_set():
            try:
                for record in reader.list():
                    if record.status == "done":
                        assert reader.monthly(record.id).height > 0
            except BaseException as exc:  # collected, then re-raised in the test
                problems.append(exc)
                return

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(5):
            run_id = store.create(tiny, source="web")
            store.progress(run_id, 1, 2)
            store.complete(run_id, tiny_result)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not problems, problems
    assert len(store.list()) == 5


def test_monthly_of_a_done_run_whose_file_was_removed_names_the_file(
    db: Path, tiny: Scenario, tiny_result: RunResult
) -> None:
    store = RunStore(db)
    run_id = store.create(tiny, source="cli")
    store.complete(run_id, tiny_result)
    store.monthly_path(run_id).unlink()
    with pytest.raises(StoreError, match=r"monthly\.parquet"):
        store.monthly(run_id)


def test_a_run_recorded_without_a_registry_carries_the_shipped_data_digest() -> None:
    """The store's fast digest (files only) equals the registry's own, so reports agree."""
    from accords.registry.loader import load_registry
    from accords.store.db import shipped_registry_version

    assert shipped_registry_version() == load_registry().version.digest
