"""/api/agreements, /api/compare, /api/export: the registry as JSON and as data files.

The JSON is the CLI's `--json` output, built by the same functions (`view_agreement`,
`compare_rows`, `AgreementSummary`), so the API and the command line never disagree.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from accords.api import deps
from accords.registry.changes import ChangesOutput, changes_output
from accords.registry.export import export as export_registry
from accords.registry.export import facts_path
from accords.registry.loader import Registry
from accords.registry.models import Kind, Status, StatusChange
from accords.registry.outputs import (
    CompareOutput,
    ListOutput,
    ShowOutput,
    View,
    compare_rows,
    filter_agreements,
    view_agreement,
)
from accords.registry.views import in_force_on
from accords.version import PACKAGE_VERSION, Versioned

router = APIRouter(prefix="/api", tags=["agreements"])

RegistryDep = Annotated[Registry, Depends(deps.registry)]
OnQuery = Annotated[deps.Day | None, Query(description="Only what held on this day (YYYY-MM-DD).")]
KnownQuery = Annotated[
    deps.Day | None,
    Query(description="Only what the public record held on this day (YYYY-MM-DD)."),
]

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@router.get("/agreements", response_model=ListOutput, summary="List agreements")
def list_agreements(
    reg: RegistryDep,
    on: OnQuery = None,
    sender: Annotated[
        str | None, Query(description="Sending state: alpha-3 code or English name.")
    ] = None,
    receiver: Annotated[
        str | None, Query(description="Receiving state: alpha-3 code or English name.")
    ] = None,
    kind: Annotated[Kind | None, Query(description="Kind of agreement.")] = None,
    status: Annotated[Status | None, Query(description="Status on `on` (or today).")] = None,
) -> ListOutput:
    """Every agreement (or those matching the filters) with its status on a day."""
    day = on or date.today()
    return ListOutput(
        on=day,
        data_version=str(reg.version),
        agreements=filter_agreements(
            reg,
            day,
            deps.party_param(sender, "sender"),
            deps.party_param(receiver, "receiver"),
            kind,
            status,
        ),
    )


class VersionOut(Versioned):
    accords_version: str = Field(description="The package version.")
    data_digest: str = Field(description="The content digest alone.")
    newest_source: date | None = Field(description="The date of the registry's newest source.")


@router.get("/version", response_model=VersionOut, summary="Which code and data answer here")
def version(reg: RegistryDep) -> VersionOut:
    """The package version and the data version: quote them with any answer of this server."""
    data = reg.version
    return VersionOut(
        accords_version=PACKAGE_VERSION,
        data_version=str(data),
        data_digest=data.digest,
        newest_source=data.newest_source,
    )


@router.get("/agreements/{agreement_id}", response_model=ShowOutput, summary="Show an agreement")
def show_agreement(
    agreement_id: str, reg: RegistryDep, as_known_on: KnownQuery = None, on: OnQuery = None
) -> ShowOutput:
    """One agreement: terms, timeline, numbers, rulings, claims, every fact with its sources."""
    viewed, view = view_agreement(deps.agreement(reg, agreement_id), as_known_on, on)
    return ShowOutput(view=view, agreement=viewed, data_version=str(reg.version))


@router.get(
    "/agreements/{agreement_id}/changes",
    response_model=ChangesOutput,
    summary="What became public about an agreement between two days",
)
def agreement_changes(
    agreement_id: str,
    reg: RegistryDep,
    since: Annotated[
        deps.Day, Query(alias="from", description="After the record as known on this day.")
    ],
    until: Annotated[
        deps.Day | None,
        Query(
            alias="to",
            description="Up to the record as known on this day (default today); not before "
            "`from` (a 422 naming `to`).",
        ),
    ] = None,
) -> ChangesOutput:
    """New facts (statuses, terms, figures, rulings, claims) and new sources for known facts,
    each with the sources that made it public: `accords agreements changes`."""
    start, end = deps.interval(since, until or date.today())
    return changes_output(reg, deps.agreement(reg, agreement_id).id, start, end)


class TimelineAgreement(BaseModel):
    id: str
    status: list[StatusChange]


class TimelineOutput(Versioned):
    view: View
    agreement: TimelineAgreement


@router.get(
    "/agreements/{agreement_id}/timeline",
    response_model=TimelineOutput,
    summary="An agreement's status timeline",
)
def agreement_timeline(
    agreement_id: str, reg: RegistryDep, as_known_on: KnownQuery = None
) -> TimelineOutput:
    """The dated status changes of one agreement, each with its sources."""
    viewed, view = view_agreement(deps.agreement(reg, agreement_id), as_known_on, None)
    return TimelineOutput(
        view=view,
        agreement=TimelineAgreement(id=viewed.id, status=viewed.status),
        data_version=str(reg.version),
    )


def compare_output(
    reg: Registry, ids: list[str], on: date | None, *, words: bool = False
) -> CompareOutput:
    day = on or date.today()
    agreements = [deps.agreement(reg, i) for i in ids]
    if on:
        agreements = [in_force_on(a, day) for a in agreements]
    view = View(as_known_on=None, on=on, status=None, hidden_facts=0)
    rows = compare_rows(agreements, day, words=words)
    return CompareOutput(view=view, ids=ids, rows=rows, data_version=str(reg.version))


@router.get("/compare", response_model=CompareOutput, summary="Compare agreements")
def compare(
    reg: RegistryDep,
    ids: Annotated[
        list[str], Query(min_length=2, description="Two or more agreement ids (repeat `ids`).")
    ],
    on: OnQuery = None,
) -> CompareOutput:
    """Agreements side by side, term by term (as `accords agreements compare --json`)."""
    deps.known_ids(reg, ids, "ids")
    return compare_output(reg, ids, on)


@router.get(
    "/export",
    summary="Download the registry as data",
    response_class=Response,
    responses={
        200: {
            "description": "The table as a file.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "application/vnd.apache.parquet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    },
)
def export(
    reg: RegistryDep,
    format: Annotated[Literal["csv", "json", "parquet"], Query(description="File format.")],
    table: Annotated[
        Literal["agreements", "facts"],
        Query(description="CSV and Parquet: which table (JSON holds both)."),
    ] = "agreements",
) -> Response:
    """The file `accords agreements export` writes: one row per agreement, or per (fact, source)."""
    with tempfile.TemporaryDirectory(prefix="accords-export-") as tmp:
        out = Path(tmp) / f"registry.{format}"
        export_registry(reg, format, out)
        chosen = facts_path(out) if table == "facts" and format != "json" else out
        content = chosen.read_bytes()
    name = chosen.name if format != "json" else "registry.json"
    return Response(
        content,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="accords-{name}"'},
    )
