"""/api/simulations: start a scenario run in the background, follow it, read its results.

The body of `POST /api/simulations` is the scenario itself (YAML, or JSON with a JSON content
type), or nothing for the default scenario; the main parameters are query overrides. The run is
recorded in the run store and runs in the background: the answer is 202 with the run's id and
a Location to poll.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from accords.api import deps
from accords.api.offloop import off_loop
from accords.api.problems import ApiError
from accords.api.query_levers import read_query_levers
from accords.api.runner import RunManager, prepare_scenario
from accords.api.settings import Settings
from accords.report import render_report
from accords.simulation.scenario import Overrides
from accords.store import RunRecord, StoreError

router = APIRouter(prefix="/api", tags=["simulations"])

RunsDep = Annotated[RunManager, Depends(deps.runs)]
SettingsDep = Annotated[Settings, Depends(deps.settings)]
PARQUET = "application/vnd.apache.parquet"


class RunOut(BaseModel):
    """A run as the store records it (`accords runs show --json`), plus where to read it."""

    id: str
    status: str = Field(description="running, done or failed")
    scenario_name: str
    scenario_hash: str
    seed: int
    replicas: int
    registry_version: str
    package_version: str
    source: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    seconds: float | None
    progress_done: int
    progress_total: int
    error: str | None
    pid: int | None
    scenario_yaml: str | None = Field(default=None, description="Only on a single run.")
    links: dict[str, str]

    @classmethod
    def of(cls, record: RunRecord, *, full: bool) -> RunOut:
        data: dict[str, Any] = record.to_json(full=full)
        data.pop("summary", None)
        base = f"/api/simulations/{record.id}"
        links = {"self": base, "page": f"/runs/{record.id}"}
        if record.status == "done":
            links |= {
                "summary": f"{base}/summary",
                "monthly": f"{base}/monthly",
                "report": f"{base}/report",
            }
        return cls.model_validate({**data, "links": links})


def get_record(runs: RunManager, run_id: str) -> RunRecord:
    try:
        return runs.store.get(run_id)
    except KeyError:
        # The store's message names its file: a path on the server, not the client's business.
        raise ApiError(
            404,
            "not-found",
            f"no run {run_id!r} on this server (run ids look like 20250203-141516-a1b2c3; "
            "GET /api/simulations lists them)",
        ) from None


def monthly_frame(runs: RunManager, run_id: str) -> pl.DataFrame:
    """A finished run's monthly series; 404 or 409 problems as `finished` gives them."""
    finished(runs, run_id)
    try:
        return runs.store.monthly(run_id)
    except StoreError as exc:
        raise ApiError(409, "run-not-finished", str(exc)) from None


def finished(runs: RunManager, run_id: str) -> RunRecord:
    """The run, if it is done; 409 (with its status and error) if not."""
    record = get_record(runs, run_id)
    if record.status != "done":
        why = f": {record.error}" if record.error else ""
        raise ApiError(
            409,
            "run-not-finished",
            f"run {run_id} is {record.status}{why}; results exist only once it is done",
        )
    return record


def report_html(runs: RunManager, run_id: str) -> str:
    record = finished(runs, run_id)
    try:
        return render_report(record, runs.store.monthly(run_id), registry=runs.registry)
    except StoreError as exc:
        raise ApiError(409, "run-not-finished", str(exc)) from None


SCENARIO = {"schema": {"$ref": "#/components/schemas/ScenarioRequest"}}
SCENARIO_BODY = {
    "required": False,
    "description": "The scenario, as YAML (also application/x-yaml, text/yaml, or no content "
    "type) or as JSON (with a JSON content type).",
    "content": {"application/yaml": SCENARIO, "application/json": SCENARIO},
}


@router.post(
    "/simulations",
    status_code=202,
    response_model=RunOut,
    summary="Start a simulation",
    openapi_extra={"requestBody": SCENARIO_BODY},
    responses={202: {"description": "Started; poll the Location (or links.self) for progress."}},
)
async def start_simulation(
    request: Request,
    runs: RunsDep,
    settings: SettingsDep,
    replicas: Annotated[int | None, Query(ge=1, description="Replicas (overrides).")] = None,
    seed: Annotated[int | None, Query(ge=0, le=2**63 - 1, description="Seed.")] = None,
    size: Annotated[int | None, Query(ge=1, description="Synthetic population size.")] = None,
    horizon_months: Annotated[int | None, Query(ge=1, description="Months to simulate.")] = None,
    months_to_final_order: Annotated[
        float | None, Query(ge=1, description="Mean months from custody to a final order.")
    ] = None,
    share_challenged: Annotated[
        float | None, Query(ge=0, le=1, description="Share of third-country transfers challenged.")
    ] = None,
    court_block_probability: Annotated[
        float | None, Query(ge=0, le=1, description="Share of challenges a court upholds.")
    ] = None,
    court_delay_months: Annotated[
        float | None, Query(ge=1, description="Mean months a challenge takes.")
    ] = None,
    citizen_recorded_as_noncitizen: Annotated[
        float | None, Query(ge=0, le=1, description="Share of true citizens recorded as not.")
    ] = None,
    protection_dropped: Annotated[
        float | None, Query(ge=0, le=1, description="Share of protected whose record lost it.")
    ] = None,
) -> Response:
    """Start a run of the scenario in the body (or the default) in the background, with the
    runner's levers from the query: the run's size, the courts' and pipeline's rates, record
    errors, and each agreement's terms (`places[usa-slv-2025]=5`)."""
    terms = read_query_levers(request.query_params.multi_items())
    rates = {
        "pipeline.months_to_final_order": months_to_final_order,
        "pipeline.share_challenged": share_challenged,
        "pipeline.court_block_probability": court_block_probability,
        "pipeline.court_delay_months": court_delay_months,
        "record_errors.citizen_recorded_as_noncitizen": citizen_recorded_as_noncitizen,
        "record_errors.protection_dropped": protection_dropped,
    }
    overrides = Overrides(
        replicas=replicas,
        seed=seed,
        size=size,
        horizon_months=horizon_months,
        terms=tuple(terms),
        values=tuple((path, value) for path, value in rates.items() if value is not None),
    )
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, "validation-error", "the scenario is not UTF-8 text") from None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    prepared = await off_loop(
        settings.parse_seconds,
        prepare_scenario,
        text,
        overrides,
        settings,
        runs.registry,
        json_body=content_type.endswith("json"),
    )
    run_id = runs.start(prepared, source="api")
    out = RunOut.of(runs.store.get(run_id), full=False)
    return Response(
        out.model_dump_json(),
        status_code=202,
        media_type="application/json",
        headers={"Location": out.links["self"]},
    )


@router.get("/simulations", response_model=list[RunOut], summary="List runs")
def list_runs(runs: RunsDep) -> list[RunOut]:
    """Every run in the store, newest first (CLI, API and web runs alike)."""
    return [RunOut.of(r, full=False) for r in runs.store.list()]


@router.get("/simulations/{run_id}", response_model=RunOut, summary="A run's status")
def get_run(run_id: str, runs: RunsDep) -> RunOut:
    """Status, progress (replicas done of total), provenance and the resolved scenario."""
    return RunOut.of(get_record(runs, run_id), full=True)


@router.get(
    "/simulations/{run_id}/summary",
    summary="A run's summary",
    response_model=dict[str, Any],
)
def run_summary(run_id: str, runs: RunsDep) -> dict[str, Any]:
    """p5/p50/p95 and mean across replicas of every total, with provenance (summary.json)."""
    summary = finished(runs, run_id).summary
    return summary or {}


@router.get(
    "/simulations/{run_id}/monthly",
    summary="A run's monthly series (Parquet)",
    response_class=Response,
    responses={200: {"content": {PARQUET: {"schema": {"type": "string", "format": "binary"}}}}},
)
def run_monthly(run_id: str, runs: RunsDep) -> Response:
    """One row per replica, month, series and key (monthly.parquet)."""
    frame = monthly_frame(runs, run_id)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return Response(
        buffer.getvalue(),
        media_type=PARQUET,
        headers={"Content-Disposition": f'attachment; filename="{run_id}-monthly.parquet"'},
    )


@router.get(
    "/simulations/{run_id}/report",
    summary="A run's report (HTML)",
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def run_report(run_id: str, runs: RunsDep) -> Response:
    """The self-contained HTML report with its charts, as a download."""
    return Response(
        report_html(runs, run_id),
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{run_id}-report.html"'},
    )
