"""/api/check (one person) and /api/evaluate (a population file): the case engine over HTTP.

`/api/check` answers with exactly what `accords check --json` prints, from the same
`accords.engine.check.check`. `/api/evaluate` reads an uploaded CSV or Parquet file in memory,
counts its rows before decoding it (Parquet metadata; CSV lines), checks it with the engine's
own `validate_population` (so errors name the same columns and rows as the CLI), and answers
with the verdicts as Parquet or as JSON streamed in slices, so the answer is never held whole
as Python objects (docs/web.md gives the memory the largest allowed request takes).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ValidationError

from accords.api import deps
from accords.api.offloop import off_loop
from accords.api.problems import ApiError, ProblemItem, from_validation_error, input_problem
from accords.api.settings import Settings
from accords.engine.check import CheckOutput, check
from accords.engine.evaluate import evaluate_frame
from accords.engine.person import Person
from accords.engine.population import validate_population
from accords.engine.reasons import Verdict
from accords.registry.loader import Registry
from accords.validation import InputError, Problem, validate_strictly

router = APIRouter(prefix="/api", tags=["cases"])

RegistryDep = Annotated[Registry, Depends(deps.registry)]
SettingsDep = Annotated[Settings, Depends(deps.settings)]
DateQuery = Annotated[
    deps.Day | None,
    Query(
        alias="date",
        description="Day to evaluate (YYYY-MM-DD; default today). No person may be born after "
        "it: a later `birth_date` is a 422 naming `birth_date`.",
    ),
]
AgreementQuery = Annotated[
    list[str] | None,
    Query(description="Only these agreement ids (repeatable); default: the sender's."),
]

PARQUET = "application/vnd.apache.parquet"
VERDICT_COLUMNS = ("person_id", "agreement", "verdict", "reasons", "fail_mask", "unknown_mask")


STATE_REF = {"$ref": "#/components/schemas/State"}


def person_schemas() -> dict[str, dict[str, Any]]:
    """The Person schema for the OpenAPI document, saying what validation will demand.

    The engine's model types states as plain strings and reads them in a validator; the API's
    schema lists the spellings it reads (`State`: codes and English names) and says that age
    and birth date exclude each other, so a client (or a schema-driven test) knows what is
    valid before sending it.
    """
    ref = "#/components/schemas/{model}"
    person = Person.model_json_schema(ref_template=ref)
    schemas: dict[str, dict[str, Any]] = person.pop("$defs", {})
    props = person["properties"]
    props["present_in"] = {**props["present_in"], **STATE_REF}
    props["present_in"].pop("type", None)
    for name in ("citizenships", "protection_against"):
        for option in props[name]["anyOf"]:
            if option.get("type") == "array":
                option["items"] = STATE_REF
    props["birth_date"]["description"] = (
        "On or before the day evaluated (the query's `date`, default today)."
    )
    person["not"] = {
        "required": ["age", "birth_date"],
        "properties": {"age": {"type": "integer"}, "birth_date": {"type": "string"}},
    }
    schemas["Person"] = person
    return schemas


PERSON_BODY = {
    "required": True,
    "description": "One person in the person schema (JSON).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}},
}


async def strict_person(request: Request) -> Person:
    """The body as a Person, validated strictly: `false` is not an age, nor `0` a date.

    FastAPI would validate the parsed body leniently (pydantic's lax mode turns `true` into 1
    and `0` into 1970-01-01); a case's facts must be exactly what the client meant.
    """
    body = await request.body()
    settings: Settings = request.app.state.settings
    return await off_loop(settings.parse_seconds, _person_from_json, body)


def _person_from_json(body: bytes) -> Person:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ApiError(
            422,
            "validation-error",
            f"the body is not JSON: {exc}",
            [ProblemItem(field="", message="malformed JSON", location="body")],
        ) from None
    try:
        return validate_strictly(Person, data)
    except ValidationError as exc:
        raise from_validation_error(exc, "body") from None


@router.post(
    "/check",
    response_model=CheckOutput,
    summary="Check one case",
    openapi_extra={"requestBody": PERSON_BODY},
)
def check_case(
    person: Annotated[Person, Depends(strict_person)],
    reg: RegistryDep,
    on: DateQuery = None,
    agreement: AgreementQuery = None,
) -> CheckOutput:
    """Could this person be sent under each agreement on that date, and why or why not?"""
    chosen = deps.known_ids(reg, agreement, "agreement")
    try:
        return check(person, date=on or date.today(), agreements=chosen, registry=reg)
    except InputError as exc:
        raise input_problem(exc, "body") from None


class VerdictCount(BaseModel):
    agreement: str
    verdict: Verdict
    count: int


class VerdictRow(BaseModel):
    person_id: str
    agreement: str
    verdict: Verdict
    reasons: list[str]
    fail_mask: int
    unknown_mask: int


class EvaluateOutput(BaseModel):
    date: date
    persons: int
    cases: int
    counts: list[VerdictCount]
    verdicts: list[VerdictRow]


def read_upload(upload: UploadFile, settings: Settings, on: date) -> pl.DataFrame:
    """The uploaded population, validated for `on`: 413 past the row limit, 415/422 unreadable."""
    name = Path(upload.filename or "population")
    suffix = name.suffix.lower()
    content_type = (upload.content_type or "").lower()
    if suffix not in (".csv", ".parquet"):
        if "csv" in content_type:
            suffix = ".csv"
        elif "parquet" in content_type:
            suffix = ".parquet"
        else:
            raise ApiError(
                415,
                "unsupported-media-type",
                f"{name.name}: expected a .csv or .parquet file (person schema)",
            )
    label = name.with_suffix(suffix)
    data = upload.file.read()
    rows = _row_count(label, data)
    if rows > settings.max_population_rows:
        raise ApiError(
            413,
            "payload-too-large",
            f"{label.name} has {rows:,} {'lines' if suffix == '.csv' else 'rows'}; this server "
            f"evaluates at most {settings.max_population_rows:,} rows "
            "(setting max_population_rows)",
        )
    try:
        if suffix == ".csv":
            raw = pl.read_csv(io.BytesIO(data), infer_schema=False)
        else:
            raw = pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise _unreadable(label, exc) from None
    if raw.height == 0:
        raise input_problem(
            InputError([Problem(label, None, None, "", "the population has no rows")]), "file"
        )
    try:
        return validate_population(label, raw, on=on)
    except InputError as exc:
        raise input_problem(exc, "file") from None


def _unreadable(label: Path, exc: Exception) -> ApiError:
    problem = Problem(label, None, None, "", f"cannot read: {exc}")
    return input_problem(InputError([problem]), "file")


def _row_count(label: Path, data: bytes) -> int:
    """Rows in a Parquet file (from its metadata) or lines after a CSV header, not decoded."""
    if label.suffix == ".csv":
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        return max(0, lines - 1)
    try:
        return int(pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable(label, exc) from None


SLICE_ROWS = 20_000


def _json_stream(head: dict[str, Any], verdicts: pl.DataFrame) -> Iterator[bytes]:
    """`head` with a `verdicts` array, written SLICE_ROWS verdicts at a time."""
    opening = json.dumps(head, default=str)
    yield (opening[:-1] + (', "verdicts": [' if head else '"verdicts": [')).encode()
    for offset in range(0, verdicts.height, SLICE_ROWS):
        chunk = verdicts.slice(offset, SLICE_ROWS).write_ndjson().rstrip("\n")
        yield ((b"," if offset else b"") + chunk.replace("\n", ",").encode())
    yield b"]}"


@router.post(
    "/evaluate",
    summary="Evaluate a population",
    response_model=EvaluateOutput,
    responses={
        200: {
            "description": "Verdicts per (person, agreement): JSON, or Parquet (format=parquet).",
            "content": {PARQUET: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def evaluate(
    population: Annotated[
        UploadFile, File(description="CSV or Parquet in the person schema (one row a person).")
    ],
    reg: RegistryDep,
    settings: SettingsDep,
    on: DateQuery = None,
    agreement: AgreementQuery = None,
    format: Annotated[
        Literal["json", "parquet"], Query(description="json (default) or parquet.")
    ] = "json",
) -> EvaluateOutput | Response:
    """Every person against every chosen agreement: the verdicts `accords evaluate` writes."""
    chosen = reg.select(deps.known_ids(reg, agreement, "agreement"))
    day = on or date.today()
    frame = read_upload(population, settings, day)
    evaluation = evaluate_frame(frame, chosen, day, with_reasons=True)
    verdicts = evaluation.verdicts.select(*VERDICT_COLUMNS)
    if format == "parquet":
        buffer = io.BytesIO()
        verdicts.write_parquet(buffer)
        return Response(
            buffer.getvalue(),
            media_type=PARQUET,
            headers={"Content-Disposition": 'attachment; filename="verdicts.parquet"'},
        )
    counts = [
        VerdictCount(agreement=a, verdict=Verdict(v), count=n)
        for a, v, n in evaluation.counts().iter_rows()
    ]
    head = {
        "date": day.isoformat(),
        "persons": frame.height,
        "cases": verdicts.height,
        "counts": [c.model_dump(mode="json") for c in counts],
    }
    return StreamingResponse(_json_stream(head, verdicts), media_type="application/json")
