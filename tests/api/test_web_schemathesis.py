"""Property tests of the JSON API from its own OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and not, and every schemathesis check runs on
each answer: no 5xx; status, content type, headers and body as the schema documents them;
schema-invalid requests rejected (ST201) and schema-valid ones accepted (ST202: no 400, 413,
415 or 422). Population files for /api/evaluate are drawn from the rows its upload declares
(`contentSchema`) and written as CSV or Parquet. A stateful run then follows the schema's
links (a started run to its status and results, a listed agreement to its pages), against a
server of its own that starts every valid run, so that each drawn sequence replays the same.
The seed is fixed and the examples bounded (`ACCORDS_SCHEMATHESIS_EXAMPLES` raises them for a
longer run). The main app runs with the small limits of `conftest.small_settings`, so
generated requests start at most one small simulation at a time (the rest get 429).

What JSON Schema cannot say, the schema states in words, and this test reads it the same way:
a request breaking a rule that ties two of its parts together (`broken_rules`) must get that
rule's 422 instead of being accepted; and a request made invalid only in a way the words
allow (a state spelled as the API tolerates, a scenario value the query replaces:
`valid_as_read`) is not required to be rejected.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import math
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
import polars as pl
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from webhelpers import small_settings

from accords.api import create_app
from accords.api.query_levers import LEVERS
from accords.engine.person import SCHEMA
from accords.engine.population import LIST_COLUMNS
from accords.registry.countries import resolve_party, state_from_code_or_name
from accords.simulation.scenario import load_scenario

EXAMPLES = int(os.environ.get("ACCORDS_SCHEMATHESIS_EXAMPLES", "8"))
SEED = 20250203

store = Path(tempfile.mkdtemp(prefix="accords-schemathesis-")) / "runs.duckdb"
app = create_app(small_settings(store))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.seed = SEED
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def population_rows() -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows drawn by schemathesis from the `contentSchema` the upload's part declares."""
    document = app.openapi()
    upload = document["components"]["schemas"]["Body_evaluate_api_evaluate_post"]
    rows = {
        **document,
        "paths": {
            "/rows": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": upload["properties"]["population"]["contentSchema"]
                            }
                        },
                    },
                    "responses": {"200": {"description": "rows"}},
                }
            }
        },
    }
    operation = schemathesis.openapi.from_dict(rows)["/rows"]["POST"]
    return operation.as_strategy().map(lambda case: case.body)


def population_file(kind: str) -> st.SearchStrategy[bytes]:
    """Schema-valid rows written as the API reads them: lists `;`-joined in CSV, `-` for []."""

    def write(rows: list[dict[str, Any]]) -> bytes:
        frame = pl.DataFrame(rows, schema=FILE_COLUMNS, orient="row")
        buffer = io.BytesIO()
        if kind == "parquet":
            dates = [pl.col(c).str.to_date("%Y-%m-%d") for c in ("birth_date", "arrival_date")]
            frame.with_columns(dates).write_parquet(buffer)
        else:
            lists = [
                pl.when(pl.col(c).is_null())
                .then(None)
                .when(pl.col(c).list.len() == 0)
                .then(pl.lit("-"))
                .otherwise(pl.col(c).list.join(";"))
                .alias(c)
                for c in LIST_COLUMNS
            ]
            frame.with_columns(lists).write_csv(buffer)
        return buffer.getvalue()

    return population_rows().map(write)


# Rows as JSON gives them: enums and dates are text.
FILE_COLUMNS = {
    n: pl.String if t in (pl.Date,) or isinstance(t, pl.Enum) else t for n, t in SCHEMA.items()
}
schemathesis.openapi.media_type("text/csv", population_file("csv"))
schemathesis.openapi.media_type("application/vnd.apache.parquet", population_file("parquet"))


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def broken_rules(case: schemathesis.Case) -> set[str]:
    """The fields of the rules stated in words that this request breaks (empty: none)."""
    query = case.query or {}
    path = case.operation.path
    if path == "/api/agreements/{agreement_id}/changes":
        since, until = _day(query.get("from")), _day(query.get("to")) or date.today()
        return {"to"} if since and until < since else set()
    if path == "/api/check" and isinstance(case.body, dict):
        on = _day(query.get("date")) or date.today()
        born = _day(case.body.get("birth_date"))
        return {"birth_date"} if born and born > on else set()
    if path == "/api/evaluate" and isinstance(case.body, dict):
        return population_rules(case.body.get("population"), query)
    if path == "/api/simulations" and case.operation.method.upper() == "POST":
        return scenario_rules(case.body if isinstance(case.body, dict) else None, query)
    return set()


def population_rules(data: Any, query: dict[str, Any]) -> set[str]:
    """The stated rules of POST /api/evaluate's file: its size, unique ids, no one unborn."""
    if not isinstance(data, bytes):
        return set()
    parquet = data.startswith(b"PAR1")
    if not parquet and data.count(b"\n") - 1 > app.state.settings.max_population_rows:
        return {"population"}  # answered 413, before the file is decoded
    frame = pl.read_parquet(data) if parquet else pl.read_csv(data, infer_schema=False)
    ids = frame["id"].cast(pl.String).str.strip_chars()
    broken = {"id"} if ids.is_duplicated().any() else set()
    on = _day(query.get("date")) or date.today()
    born = [_day(str(b)) for b in frame["birth_date"].drop_nulls().to_list()]
    return broken | ({"birth_date"} if any(b and b > on for b in born) else set())


def deep_objects(query: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The query's deepObject parameters (`places[usa-slv-2025]=5`) as objects by name."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in query.items():
        name, bracket, rest = key.partition("[")
        if bracket and rest.endswith("]") and name in LEVER_NAMES:
            found.setdefault(name, {})[rest[:-1]] = value
    return found


LEVER_NAMES = {lever.name for lever in LEVERS}


def scenario_rules(body: dict[str, Any] | None, query: dict[str, Any]) -> set[str]:
    """The stated rules of POST /api/simulations within one scenario (limits are in the
    schema), with the agreement levers of the query in place of the scenario's fields: each
    names an agreement the scenario lists, or is refused naming the parameter as sent."""
    scenario = copy.deepcopy(body or load_scenario().model_dump(mode="json"))
    broken = set()
    uses = scenario.get("agreements")
    ids = [u["id"] for u in uses or []]
    for name, values in deep_objects(query).items():
        for agreement_id, value in values.items():
            use = next((u for u in uses or [] if u.get("id") == agreement_id), None)
            if use is None:
                broken.add(f"{name}[{agreement_id}]")
            else:
                use[name] = value
    if len(set(ids)) < len(ids):
        broken.add("agreements")
    for i, use in enumerate(uses or []):
        start, end = _day(use.get("in_force_from")), _day(use.get("ends"))
        if start and end and end <= start:
            broken.add(f"agreements[{i}]")
    runs = ids if uses is not None else app.state.registry.ids
    for i, agreement_id in enumerate(scenario.get("compare_without", [])):
        if agreement_id not in runs:
            broken.add(f"compare_without[{i}]")
    return broken


def _read_state(value: Any, *, parties: bool = False) -> Any:
    """A state as the API reads it (code or name, any case, accents and punctuation aside)."""
    try:
        return resolve_party(value) if parties else state_from_code_or_name(value)
    except (ValueError, TypeError):
        return value


def _number(text: Any) -> Any:
    try:
        return int(text)
    except (TypeError, ValueError):
        return text


def _query_number(schema: dict[str, Any], text: Any) -> Any:
    """A query's text read as the API reads it, where the parameter's schema says it is a
    number: `1` a whole number for an integer, `0.5` or `1` a real number for a number."""
    kind = schema.get("type")
    if kind == "integer":
        return _number(text)
    if kind == "number" and isinstance(text, str):
        try:
            value = float(text)
        except ValueError:
            return text
        return value if math.isfinite(value) else text
    return text


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _read_fields(body: dict[str, Any], single: list[str], lists: list[str]) -> None:
    """Read, in place, the states in these fields of `body` (where they are present)."""
    for name in single:
        if name in body:
            body[name] = _read_state(body[name])
    for name in lists:
        if isinstance(body.get(name), list):
            body[name] = [_read_state(v) for v in body[name]]


def _read_states(path: str, query: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:
    """The request's query and body with every state read as the API reads it."""
    query = dict(query)
    body = copy.deepcopy(body)
    if path == "/api/agreements":
        for name in ("sender", "receiver"):
            if query.get(name):
                query[name] = _read_state(query[name], parties=True)
    elif path == "/api/check" and isinstance(body, dict):
        _read_fields(body, ["present_in"], ["citizenships", "protection_against"])
    elif path == "/api/simulations":
        if body is None or isinstance(body, NotSet):  # no body: the default scenario
            body = load_scenario().model_dump(mode="json")
        if not isinstance(body, dict):
            return query, body
        # A query parameter replaces the scenario's value before anything is checked.
        for name in ("replicas", "seed", "horizon_months"):
            if name in query:
                body[name] = _number(query[name])
        synthetic = _object(_object(body.get("population")).get("synthetic"))
        if "size" in query and synthetic:
            synthetic["size"] = _number(query["size"])
        _read_fields(body, ["sender"], [])
        for name in ("nationalities", "protection_against"):
            if isinstance(synthetic.get(name), dict):
                synthetic[name] = {_read_state(k): v for k, v in synthetic[name].items()}
        _read_fields(_object(body.get("ordinary_returns")), [], ["nationalities"])
    return query, body


def _wire(schema: dict[str, Any], value: Any) -> Any:
    """A deepObject member's text as the API reads it: `true`/`false` a boolean, digits a
    whole number, where the member's schema says so."""
    member = schema.get("additionalProperties", {}).get("type")
    if member == "boolean" and value in ("true", "false"):
        return value == "true"
    if member == "integer":
        return _number(value)
    return value


@functools.cache
def _validator(schema_part: str) -> Any:
    return jsonschema_rs.validator_for(
        {**json.loads(schema_part), "components": app.openapi()["components"]}
    )


def _valid(schema_part: dict[str, Any], value: Any) -> bool:
    try:
        return bool(_validator(json.dumps(schema_part, sort_keys=True)).is_valid(value))
    except ValueError:  # not a JSON value at all (raw bytes)
        return False


def valid_as_read(case: schemathesis.Case) -> bool:
    """Whether the request fits the schema once read as the API reads it, as the schema
    says in words: a state in any case, without accents or punctuation (the schema's pattern
    lists the spellings), and for a scenario the query's values in place of its own (or of
    the default scenario's, without a body)."""
    path = case.operation.path
    query, body = _read_states(path, case.query or {}, case.body)
    operation = app.openapi()["paths"][path][case.operation.method.lower()]
    objects = deep_objects(query)
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter.get("style") == "deepObject" and name in objects:
            values = {k: _wire(parameter["schema"], v) for k, v in objects[name].items()}
            if not _valid(parameter["schema"], values):
                return False
        elif parameter["in"] == "query" and name in query:
            value = query[name]
            if parameter["schema"].get("type") == "array" and not isinstance(value, list):
                value = [value]
            value = _query_number(parameter["schema"], value)
            if not _valid(parameter["schema"], value):
                return False
        elif parameter["in"] == "query" and parameter.get("required"):
            return False
    content = operation.get("requestBody", {}).get("content", {})
    if isinstance(body, NotSet):
        return not content
    media = content.get(case.media_type or "", next(iter(content.values()), None))
    return media is not None and _valid(media["schema"], body)


def exclusions(case: schemathesis.Case) -> tuple[list[Any], set[str]]:
    """The checks not to run on this case's answer, and the stated rules it breaks (if any).

    A request that schemathesis made invalid only in a way the schema's words allow (a state
    spelled as the API tolerates, a scenario value the query replaces) is not invalid: it is
    not checked as rejected (ST201)."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if not positive and case.operation.path in TOLERANT and valid_as_read(case):
        return [negative_data_rejection], set()
    rules = broken_rules(case) if positive else set()
    return ([positive_data_acceptance] if rules else []), rules


# The operations whose requests are read as the schema's words say (see valid_as_read).
TOLERANT = {"/api/agreements", "/api/check", "/api/simulations"}


def answers_rules(response: Any, rules: set[str]) -> None:
    """A request breaking stated rules is answered 422 naming the field of one of them (or,
    for a population file over the row limit, 413)."""
    if not rules:
        return
    if response.status_code == 413:
        assert "population" in rules, response.text
    else:
        assert response.status_code == 422, response.text
        assert response.json()["field"] in rules, response.text


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    excluded, rules = exclusions(case)
    answers_rules(case.call_and_validate(excluded_checks=excluded), rules)


# The stateful run has a server of its own that runs every run it is sent, so that whether a
# call starts a run (202) never depends on how far an earlier run has got (429): the sequence
# Hypothesis draws must replay the same.
workflow_app = create_app(
    small_settings(store.with_name("workflow.duckdb"), max_concurrent_runs=10**6)
)
workflow_schema = schemathesis.openapi.from_asgi("/openapi.json", workflow_app)
workflow_schema.config.seed = SEED


class APIWorkflow(workflow_schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the schema's links, each answer checked as above."""

    def validate_response(
        self,
        response: schemathesis.Response,
        case: schemathesis.Case,
        additional_checks: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        excluded, rules = exclusions(case)
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=excluded,
            transport_kwargs=kwargs or None,
            recorder=getattr(self, "recorder", None),
        )
        answers_rules(response, rules)


TestAPIWorkflow = APIWorkflow.TestCase
TestAPIWorkflow.settings = settings(
    HYPOTHESIS, max_examples=max(2, EXAMPLES // 2), stateful_step_count=6
)


def test_runs_started_by_generated_requests_finish() -> None:
    """Whatever runs the generated requests started end within the limits' time."""
    for started in (app, workflow_app):
        assert started.state.runs.wait(timeout=120), started.state.runs.active()
