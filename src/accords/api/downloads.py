"""`.json` and `.csv` beside every page (the Datasette convention).

`/agreements` has `/agreements.json` and `/agreements.csv` with the same filters;
`/agreements/{id}` has `/agreements/{id}.json` and `/agreements/{id}/facts.csv` (every fact with
its source); `/compare?ids=…` has `/compare.json?ids=…`; `/runs/{id}` has
`/compare.csv?ids=…` (one row per term, one column per agreement); `/runs` has `/runs.csv`
(the JSON is `/api/simulations`); `/runs/compare?a=…&b=…` has `/runs/compare.json` and
`/runs/compare.csv`; `/runs/{id}` has `/runs/{id}/summary.json` and `/runs/{id}/monthly.csv`.
The JSON is the JSON API's (and the CLI's `--json`), built by the same functions; the CSV holds
the rows the page shows, with codes (`in_force`) as in JSON, so a spreadsheet can filter on them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Query
from fastapi.responses import Response

from accords.api import deps
from accords.api.agreements import compare_output
from accords.api.pages import (
    AgreementsQueryDep,
    RegistryDep,
    RunsDep,
    change_days,
    optional_day,
)
from accords.api.simulations import finished, monthly_frame
from accords.registry.changes import changes_output
from accords.registry.export import FACT_COLUMNS, fact_rows
from accords.registry.outputs import (
    AgreementSummary,
    CompareOutput,
    ListOutput,
    ShowOutput,
    view_agreement,
)
from accords.report.compare import comparison_json, headline_rows
from accords.spreadsheet import spreadsheet_safe

router = APIRouter(include_in_schema=False)

CSV = "text/csv; charset=utf-8"
SUMMARY_COLUMNS = list(AgreementSummary.model_fields)
RUN_COLUMNS = (
    "id",
    "scenario_name",
    "status",
    "replicas",
    "seed",
    "created_at",
    "seconds",
    "source",
)
BANDS = ("p5", "p50", "p95")


CHANGE_COLUMNS = (
    "public_on",
    "part",
    "what",
    "new_fact",
    "source_url",
    "publisher",
    "source_date",
    "quote",
)


def csv_response(frame: pl.DataFrame, filename: str) -> Response:
    buffer = io.BytesIO()
    spreadsheet_safe(frame).write_csv(buffer)
    return Response(
        buffer.getvalue(),
        media_type=CSV,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def rows_frame(rows: Iterable[Mapping[str, Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


@router.get("/agreements.json", response_model=ListOutput)
def agreements_json(reg: RegistryDep, query: AgreementsQueryDep) -> ListOutput:
    return ListOutput(on=query.day, agreements=query.rows(reg), data_version=str(reg.version))


@router.get("/agreements.csv")
def agreements_csv(reg: RegistryDep, query: AgreementsQueryDep) -> Response:
    rows = [r.model_dump(mode="json") for r in query.rows(reg)]
    frame = rows_frame(rows, dict.fromkeys(SUMMARY_COLUMNS, pl.String))
    return csv_response(frame, f"agreements-{query.day}.csv")


@router.get("/agreements/{agreement_id}.json", response_model=ShowOutput)
def agreement_json(
    agreement_id: str, reg: RegistryDep, as_known_on: str | None = None, on: str | None = None
) -> ShowOutput:
    viewed, view = view_agreement(
        deps.agreement(reg, agreement_id),
        optional_day(as_known_on, "as_known_on"),
        optional_day(on, "on"),
    )
    return ShowOutput(view=view, agreement=viewed, data_version=str(reg.version))


@router.get("/agreements/{agreement_id}/facts.csv")
def agreement_facts_csv(
    agreement_id: str, reg: RegistryDep, as_known_on: str | None = None, on: str | None = None
) -> Response:
    """Every fact of the agreement (in the view asked for) with each of its sources."""
    viewed, _ = view_agreement(
        deps.agreement(reg, agreement_id),
        optional_day(as_known_on, "as_known_on"),
        optional_day(on, "on"),
    )
    return csv_response(rows_frame(fact_rows(viewed), FACT_COLUMNS), f"{viewed.id}-facts.csv")


@router.get("/compare.json", response_model=CompareOutput)
def compare_json(
    reg: RegistryDep,
    ids: Annotated[list[str], Query(min_length=2)],
    on: str | None = None,
) -> CompareOutput:
    deps.known_ids(reg, ids, "ids")
    return compare_output(reg, ids, optional_day(on, "on"))


@router.get("/compare.csv")
def compare_csv(
    reg: RegistryDep,
    ids: Annotated[list[str], Query(min_length=2)],
    on: str | None = None,
) -> Response:
    """One row per term, one column per agreement, as the compare page shows them."""
    deps.known_ids(reg, ids, "ids")
    out = compare_output(reg, ids, optional_day(on, "on"))
    rows = [{"term": r.field} | dict(zip(ids, map(str, r.values), strict=True)) for r in out.rows]
    frame = rows_frame(rows, dict.fromkeys(["term", *ids], pl.String))
    return csv_response(frame, f"compare-{'-'.join(ids)}.csv")


@router.get("/runs.csv")
def runs_csv(runs: RunsDep) -> Response:
    """The runs list, newest first: what each run was and how it ended."""
    rows = [{c: r.to_json(full=False)[c] for c in RUN_COLUMNS} for r in runs.store.list()]
    schema = dict.fromkeys(RUN_COLUMNS, pl.String) | {
        "replicas": pl.Int64,
        "seed": pl.Int64,
        "seconds": pl.Float64,
    }
    return csv_response(rows_frame(rows, schema), "runs.csv")


@router.get("/runs/compare.json")
def runs_compare_json(runs: RunsDep, a: str, b: str) -> dict[str, Any]:
    return comparison_json(finished(runs, a), finished(runs, b), runs.registry)


@router.get("/runs/compare.csv")
def runs_compare_csv(runs: RunsDep, a: str, b: str) -> Response:
    """Each headline figure in both runs: the 5th, 50th and 95th percentile, and B − A."""
    run_a, run_b = finished(runs, a), finished(runs, b)
    rows = [
        {"key": r.key, "figure": r.label}
        | {
            f"{run}_{p}": (stats or {}).get(p)
            for run, stats in (("a", r.a), ("b", r.b))
            for p in BANDS
        }
        | {"change_of_median": r.change}
        for r in headline_rows(run_a, run_b, runs.registry)
    ]
    columns = [f"{run}_{p}" for run in "ab" for p in BANDS] + ["change_of_median"]
    schema = {"key": pl.String, "figure": pl.String} | dict.fromkeys(columns, pl.Float64)
    return csv_response(rows_frame(rows, schema), f"compare-{run_a.id}-{run_b.id}.csv")


@router.get("/runs/{run_id}/summary.json")
def run_summary_json(run_id: str, runs: RunsDep) -> dict[str, Any]:
    return finished(runs, run_id).summary or {}


@router.get("/runs/{run_id}/monthly.csv")
def run_monthly_csv(run_id: str, runs: RunsDep) -> Response:
    """One row per replica, month, series and key: what the run's charts draw from."""
    return csv_response(monthly_frame(runs, run_id), f"{run_id}-monthly.csv")


@router.get("/agreements/{agreement_id}/changes.csv")
def agreement_changes_csv(
    agreement_id: str,
    reg: RegistryDep,
    since: Annotated[str | None, Query(alias="from")] = None,
    until: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """What became public between two days, one row per change and source."""
    agreement = deps.agreement(reg, agreement_id)
    start, end = change_days(agreement, since, until)
    rows = [
        {
            "public_on": change.public_on.isoformat(),
            "part": change.section,
            "what": change.what,
            "new_fact": change.new,
            "source_url": source.url,
            "publisher": source.publisher,
            "source_date": source.date.text if source.date else None,
            "quote": source.quote,
        }
        for change in changes_output(reg, agreement.id, start, end).changes
        for source in change.sources
    ]
    schema = dict.fromkeys(CHANGE_COLUMNS, pl.String) | {"new_fact": pl.Boolean}
    return csv_response(rows_frame(rows, schema), f"{agreement.id}-changes-{start}-{end}.csv")
