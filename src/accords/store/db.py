"""The run store: every simulation run, its provenance and status, in one embedded DuckDB file.

Layout: the database (`runs.duckdb` by default) holds one row per run; each finished run's
monthly series sit beside it in `runs/<id>/monthly.parquet`. The CLI, the API and the web pages
all read and write runs through `RunStore`, so they agree on what a run is.

Three guarantees, and how they are kept:

- **A reader never sees a half-written run.** The Parquet file is written atomically (temporary
  file, then rename) *before* the row's status flips to `done` in its own transaction, and a
  run's results are only served when its status is `done`.
- **A killed run does not stay "running" forever.** A run records the pid, host and start time of
  its process; whenever the store is opened or listed, a running run whose process is gone is
  marked `failed` ("interrupted") and its partial files are removed.
- **Several processes can share the file.** DuckDB lets one process write, or several read, at a
  time, and holds its lock for as long as a connection is open. So no connection is kept: every
  operation opens one (read-only where it only reads), runs one short transaction and closes it,
  retrying while another process holds the lock. Within a process, operations on one file are
  serialised by a lock, since DuckDB refuses a read-only and a read-write connection to the same
  file side by side in one process.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import logging
import os
import random
import re
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import duckdb
import platformdirs
import polars as pl

from accords.atomic import atomic_path, refuse_bad_output
from accords.registry.loader import AGREEMENT_SUFFIXES, Registry, default_agreements_dir
from accords.simulation.plan import registry_version
from accords.simulation.result import RunResult
from accords.simulation.scenario import Scenario
from accords.store import liveness
from accords.store.records import STATUSES, RunRecord, Status
from accords.store.scenario_text import resolved_yaml
from accords.validation import InputError
from accords.version import PACKAGE_VERSION, data_digest

log = logging.getLogger("accords.store")

SOURCES = ("cli", "api", "web")
SCHEMA_VERSION = "1"
RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
INTERRUPTED = "interrupted: the process running it (pid {pid}) exited before it finished"

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS run_order START 1;
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY,
    ord BIGINT NOT NULL DEFAULT nextval('run_order'),
    status VARCHAR NOT NULL,
    scenario_name VARCHAR NOT NULL,
    scenario_yaml VARCHAR NOT NULL,
    scenario_text VARCHAR,
    scenario_origin VARCHAR,
    scenario_hash VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    replicas INTEGER NOT NULL,
    registry_version VARCHAR NOT NULL,
    package_version VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL,
    error VARCHAR,
    summary VARCHAR,
    pid INTEGER,
    host VARCHAR,
    pid_start VARCHAR
);
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
"""

# The columns of a RunRecord, in its field order.
_RECORD_COLUMNS = (
    "id, status, scenario_name, scenario_yaml, scenario_hash, seed, replicas, registry_version, "
    "package_version, source, created_at, started_at, finished_at, progress_done, "
    "progress_total, error, summary, pid"
)

_process_locks: dict[Path, threading.RLock] = {}
_process_locks_guard = threading.Lock()


class StoreError(RuntimeError):
    """The run store cannot do what was asked (the message names the database file)."""


class StoreMissingError(StoreError):
    """No run store at the path, and the caller only reads: a mistyped path is not a new store."""


class StoreBusyError(StoreError):
    """Another process held the database's lock for longer than the store waits."""


def default_db_path() -> Path:
    """$ACCORDS_DB, else `runs.duckdb` in the user's data folder (platformdirs)."""
    env = os.environ.get("ACCORDS_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("accords")) / "runs.duckdb"


def _now() -> datetime:
    """UTC now without tzinfo: DuckDB TIMESTAMP columns are naive and hold UTC here."""
    return datetime.now(UTC).replace(tzinfo=None)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


_shipped_version: str | None = None


def shipped_registry_version() -> str:
    """The shipped registry's data digest, equal to `Registry.version.digest` for it.

    Read from the files directly (agreement ids equal file stems, which the loader checks) so
    recording a run does not cost a full validation of the registry.
    """
    global _shipped_version
    if _shipped_version is None:
        folder = default_agreements_dir()
        files = {p.stem: p for p in folder.iterdir() if p.suffix in AGREEMENT_SUFFIXES}
        _shipped_version = data_digest(files)
    return _shipped_version


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "different configuration" in text


def check_store_path(path: Path) -> None:
    """Refuse (StoreError) a run store path that is a folder, or where none can be created.

    `accords serve` opens its store on first use, so it checks the path before it starts: a bad
    `--db` is then an error at start-up, not on every request."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; --db takes a database file path")
    if not path.exists():
        try:
            refuse_bad_output(path, "--db")
        except InputError as exc:
            raise StoreError(str(exc)) from None


class RunStore:
    """The runs in one DuckDB file (see the module docstring for the guarantees).

    Opening a store creates the file if needed (unless `create` is false: a reader given a
    mistyped path would otherwise make an empty store there and report that it has no runs) and
    marks runs whose process has died as failed.
    """

    #: Seconds an operation waits for another process's lock before giving up.
    lock_timeout: float = 30.0
    #: Progress updates are advisory: they wait less, and a busy store skips one.
    progress_timeout: float = 2.0

    def __init__(self, path: Path | None = None, *, create: bool = True) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        if not create and not self.path.exists():
            raise StoreMissingError(f"no run store at {self.path}")
        check_store_path(self.path)
        self.runs_dir = self.path.parent / "runs"
        with _process_locks_guard:
            self._lock = _process_locks.setdefault(self.path.resolve(), threading.RLock())
        self._ensure_schema()
        self.reap()

    # -- connections -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(
        self, *, read_only: bool, timeout: float | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """One short-lived connection, retried while another process holds the lock."""
        budget = self.lock_timeout if timeout is None else timeout
        deadline = time.monotonic() + budget
        delay = 0.005
        with self._lock:
            while True:
                try:
                    con = duckdb.connect(str(self.path), read_only=read_only)
                    break
                except duckdb.Error as exc:
                    if "interrupted" in str(exc).lower():
                        raise KeyboardInterrupt from exc  # a Ctrl-C while opening the file
                    if not _is_lock_conflict(exc):
                        raise StoreError(f"{self.path}: cannot open the run store ({exc})") from exc
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(
                            f"{self.path}: the run store stayed locked by another process for "
                            f"{budget:.0f} s ({exc})"
                        ) from exc
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 2, 0.1)
            try:
                yield con
            except (RuntimeError, duckdb.InterruptException) as exc:
                # DuckDB turns a Ctrl-C during a query into an error; callers handle it as the
                # KeyboardInterrupt it is.
                if "interrupted" in str(exc).lower():
                    raise KeyboardInterrupt from exc
                raise
            finally:
                con.close()

    @contextlib.contextmanager
    def _write(self, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside one transaction (rolled back on any error)."""
        with self._connect(read_only=False, timeout=timeout) as con:
            con.begin()
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()

    def _ensure_schema(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            with self._connect(read_only=True) as con:
                tables = {
                    r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
                }
                if "runs" in tables:
                    rows = con.execute(
                        "SELECT value FROM store_meta WHERE key = 'schema_version'"
                    ).fetchall()
                    version = rows[0][0] if rows else None
                    if version != SCHEMA_VERSION:
                        raise StoreError(
                            f"{self.path}: run store schema version {version!r}; this accords "
                            f"reads version {SCHEMA_VERSION!r}"
                        )
                    return
                if tables:
                    raise StoreError(
                        f"{self.path}: a DuckDB file but not an accords run store "
                        f"(tables: {', '.join(sorted(tables))})"
                    )
        with self._write() as con:
            con.execute(_SCHEMA)
            con.execute(
                "INSERT INTO store_meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [SCHEMA_VERSION],
            )

    # -- reading -----------------------------------------------------------------------------

    def _records(
        self, where: str = "", params: builtins.list[Any] | None = None
    ) -> builtins.list[RunRecord]:
        query = f"SELECT {_RECORD_COLUMNS} FROM runs {where} ORDER BY ord DESC"
        with self._connect(read_only=True) as con:
            rows = con.execute(query, params or []).fetchall()
        return [_record(row) for row in rows]

    def _require(self, run_id: str) -> RunRecord:
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            raise KeyError(
                f"{run_id!r} is not a run id (ids look like 20250203-141516-a1b2c3); "
                f"`accords runs list` shows the runs in {self.path}"
            )
        found = self._records("WHERE id = ?", [run_id])
        if not found:
            raise KeyError(
                f"no run {run_id!r} in the run store {self.path}; "
                "`accords runs list` shows the runs there"
            )
        return found[0]

    def list(self) -> builtins.list[RunRecord]:
        """Every run, newest first (after marking runs whose process died as failed)."""
        self.reap()
        return self._records()

    def get(self, run_id: str) -> RunRecord:
        """One run; KeyError naming the store if there is no such run."""
        record = self._require(run_id)
        if record.status == "running" and self._dead([run_id]):
            self.reap()
            record = self._require(run_id)
        return record

    def monthly_path(self, run_id: str) -> Path:
        """Where a finished run's monthly series are (exists only once the run is done)."""
        if not RUN_ID.match(run_id):
            raise KeyError(f"{run_id!r} is not a run id")
        return self.runs_dir / run_id / "monthly.parquet"

    def monthly(self, run_id: str) -> pl.DataFrame:
        """A finished run's monthly series (long: replica, month, date, series, key, value)."""
        record = self.get(run_id)
        if record.status != "done":
            why = f": {record.error}" if record.error else ""
            raise StoreError(
                f"run {run_id} is {record.status}{why}; only a finished run has monthly series"
            )
        path = self.monthly_path(run_id)
        if not path.exists():
            raise StoreError(f"{path}: missing, though run {run_id} is done (files were removed)")
        return pl.read_parquet(path)

    # -- writing -----------------------------------------------------------------------------

    def create(
        self,
        scenario: Scenario,
        *,
        source: str,
        scenario_text: str | None = None,
        scenario_path: Path | None = None,
        registry: Registry | None = None,
    ) -> str:
        """Record a new run (status running) of `scenario` in this process; returns its id.

        `scenario_text` (or the file at `scenario_path`) is the YAML the scenario was read from:
        its comments, such as ASSUMPTION markers, are kept in the recorded YAML. `registry` is
        the registry the run uses (its version is recorded; the shipped one if not given).
        """
        if source not in SOURCES:
            raise ValueError(f"source: {source!r} is not one of {', '.join(SOURCES)}")
        if scenario_text is None and scenario_path is not None:
            scenario_text = scenario_path.read_text(encoding="utf-8")
        origin = str(scenario_path) if scenario_path is not None else None
        version = (
            registry_version(registry) if registry is not None else (shipped_registry_version())
        )
        now = _now()
        pid = os.getpid()
        run_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        with self._write() as con:
            con.execute(
                """INSERT INTO runs (id, status, scenario_name, scenario_yaml, scenario_text,
                scenario_origin, scenario_hash, seed, replicas, registry_version, package_version,
                source, created_at, started_at, progress_done, progress_total, pid, host,
                pid_start) VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                """,
                [
                    run_id,
                    scenario.name,
                    resolved_yaml(scenario, scenario_text, origin),
                    scenario_text,
                    origin,
                    scenario.digest(),
                    scenario.seed,
                    scenario.replicas,
                    version,
                    PACKAGE_VERSION,
                    source,
                    now,
                    now,
                    scenario.replicas,
                    pid,
                    liveness.host(),
                    liveness.start_token(pid),
                ],
            )
        return run_id

    def progress(self, run_id: str, done: int, total: int) -> None:
        """Record that `done` of `total` replicas have finished.

        Progress is advisory, so when another process keeps the file locked this update is
        skipped rather than holding up the simulation; the next one catches up.
        """
        with contextlib.suppress(StoreBusyError), self._write(self.progress_timeout) as con:
            con.execute(
                "UPDATE runs SET progress_done = ?, progress_total = ? "
                "WHERE id = ? AND status = 'running'",
                [done, total, run_id],
            )

    def complete(self, run_id: str, result: RunResult) -> None:
        """Store a finished run: monthly Parquet first (atomically), then the row flips to done.

        The summary is authoritative for provenance (a caller may have overridden the seed or
        replicas after `create`), so seed, replicas, hashes and versions are taken from it.
        """
        record = self._require(run_id)
        if record.status != "running":
            raise StoreError(f"run {run_id} is {record.status}; only a running run can complete")
        target = self.monthly_path(run_id)
        with atomic_path(target) as tmp:
            result.monthly.write_parquet(tmp)
            tmp.chmod(0o644)  # an ordinary data file, not the temporary file's 0600
        summary = result.summary
        scenario = result.plan.scenario
        try:
            with self._write() as con:
                rows = con.execute(
                    "SELECT status, scenario_text, scenario_origin, scenario_hash FROM runs "
                    "WHERE id = ?",
                    [run_id],
                ).fetchall()
                if not rows or rows[0][0] != "running":
                    state = rows[0][0] if rows else "deleted"
                    raise StoreError(f"run {run_id} was {state} before it could complete")
                text, origin, recorded_hash = rows[0][1], rows[0][2], rows[0][3]
                yaml_text = None
                if summary["scenario_hash"] != recorded_hash:
                    yaml_text = resolved_yaml(scenario, text, origin)
                con.execute(
                    """UPDATE runs SET status = 'done', summary = ?, finished_at = ?,
                    progress_done = ?, progress_total = ?, seed = ?, replicas = ?,
                    scenario_hash = ?, registry_version = ?, package_version = ?,
                    scenario_yaml = coalesce(?, scenario_yaml) WHERE id = ?""",
                    [
                        json.dumps(summary, ensure_ascii=False),
                        _now(),
                        len(result.replicas),
                        len(result.replicas),
                        summary["seed"],
                        summary["replicas"],
                        summary["scenario_hash"],
                        summary["registry_version"],
                        summary["package_version"],
                        yaml_text,
                        run_id,
                    ],
                )
        except BaseException:
            # The row did not flip to done: its file must not outlive it.
            shutil.rmtree(target.parent, ignore_errors=True)
            raise

    @contextlib.contextmanager
    def recording(
        self,
        run_id: str,
        total: int,
        *,
        on_store_error: Callable[[str], None] | None = None,
    ) -> Iterator[Recording]:
        """The lifecycle of a created run, the same for the CLI and the API.

        Inside the block the caller runs the simulation, calling `advance` after each replica
        and `complete` with the result (or `fail` with its own words for the error). Any
        exception that leaves the block unrecorded, Ctrl-C included, marks the run failed with
        it, and goes on. A store problem while recording a failure never hides the error that
        caused it: it goes to `on_store_error` (else the log).
        """
        run = Recording(self, run_id, total, on_store_error)
        try:
            yield run
        except KeyboardInterrupt:
            # One Ctrl-C can surface twice: native code (polars) raises KeyboardInterrupt while
            # Python's own handler is still pending and fires at the next call. So the record
            # is made again if that second one cuts it short.
            try:
                run.interrupted()
            except KeyboardInterrupt:
                run.interrupted()
            raise
        except BaseException as exc:
            if not run.recorded:
                run.fail(f"{type(exc).__name__}: {exc}")
            raise

    def fail(self, run_id: str, error: str) -> None:
        """Mark a running run failed with `error`, and remove any files it had started.

        A run that is already done stays done: a failure after its results were stored (say,
        writing a report) does not make those results wrong.
        """
        self._require(run_id)
        with self._write() as con:
            con.execute(
                "UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
                "WHERE id = ? AND status = 'running'",
                [error, _now(), run_id],
            )
        if self._require(run_id).status == "failed":
            shutil.rmtree(self.runs_dir / run_id, ignore_errors=True)

    def delete(self, run_id: str) -> None:
        """Remove a run's row, then its files (so no done row is ever left without its file)."""
        record = self.get(run_id)
        if record.status == "running":
            raise StoreError(
                f"run {run_id} is still running (pid {record.pid}); wait for it to finish or "
                "stop that process, then delete it"
            )
        with self._write() as con:
            con.execute("DELETE FROM runs WHERE id = ?", [run_id])
        shutil.rmtree(self.runs_dir / run_id, ignore_errors=True)

    # -- interrupted runs --------------------------------------------------------------------

    def _dead(self, ids: builtins.list[str] | None = None) -> builtins.list[tuple[str, int]]:
        """Running runs of this host whose process is gone: (id, pid)."""
        where = "WHERE status = 'running' AND host = ?"
        params: builtins.list[Any] = [liveness.host()]
        if ids:
            where += f" AND id IN ({', '.join('?' for _ in ids)})"
            params.extend(ids)
        with self._connect(read_only=True) as con:
            rows = con.execute(f"SELECT id, pid, pid_start FROM runs {where}", params).fetchall()
        return [
            (run_id, pid)
            for run_id, pid, token in rows
            if pid is None or not liveness.alive(int(pid), token)
        ]

    def reap(self) -> builtins.list[str]:
        """Mark running runs whose process has exited as failed; returns their ids.

        Runs recorded on another host are left alone: their process cannot be checked here.
        """
        dead = self._dead()
        if not dead:
            return []
        with self._write() as con:
            for run_id, pid in dead:
                con.execute(
                    "UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
                    "WHERE id = ? AND status = 'running'",
                    [INTERRUPTED.format(pid=pid), _now(), run_id],
                )
        for run_id, _ in dead:
            shutil.rmtree(self.runs_dir / run_id, ignore_errors=True)
        return [run_id for run_id, _ in dead]


def _record(row: tuple[Any, ...]) -> RunRecord:
    (
        run_id,
        status,
        name,
        yaml_text,
        digest,
        seed,
        replicas,
        reg_version,
        pkg_version,
        source,
        created,
        started,
        finished,
        done,
        total,
        error,
        summary,
        pid,
    ) = row
    if status not in STATUSES:
        raise StoreError(f"run {run_id} has an unknown status {status!r}")
    return RunRecord(
        id=run_id,
        status=cast(Status, status),
        scenario_name=name,
        scenario_yaml=yaml_text,
        scenario_hash=digest,
        seed=int(seed),
        replicas=int(replicas),
        registry_version=reg_version,
        package_version=pkg_version,
        source=source,
        created_at=cast(datetime, _utc(created)),
        started_at=_utc(started),
        finished_at=_utc(finished),
        progress_done=int(done),
        progress_total=int(total),
        error=error,
        summary=json.loads(summary) if summary is not None else None,
        pid=None if pid is None else int(pid),
    )


class Recording:
    """A run being recorded (see `RunStore.recording`)."""

    def __init__(
        self,
        store: RunStore,
        run_id: str,
        total: int,
        on_store_error: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.total = total
        self.done = 0
        self.recorded = False
        self._on_store_error = on_store_error

    def advance(self, _: object = None) -> None:
        """One more replica finished (the store's progress is advisory)."""
        self.done += 1
        self.store.progress(self.run_id, self.done, self.total)

    def complete(self, result: RunResult) -> None:
        self.store.complete(self.run_id, result)
        self.recorded = True

    def fail(self, error: str) -> None:
        """Mark the run failed with `error`, without letting a store problem hide it."""
        self.recorded = True
        try:
            self.store.fail(self.run_id, error)
        except (StoreError, KeyError) as exc:
            message = f"could not record the failure of run {self.run_id}: {exc}"
            if self._on_store_error is not None:
                self._on_store_error(message)
            else:
                log.error("%s", message)

    def interrupted(self) -> None:
        """Record a Ctrl-C; further Ctrl-Cs are ignored for the moment the write takes."""
        if threading.current_thread() is not threading.main_thread():
            self.fail("interrupted by the user (Ctrl-C)")
            return
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.fail("interrupted by the user (Ctrl-C)")
        finally:
            signal.signal(signal.SIGINT, previous)
