"""Property tests of the JSON API from its own OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and not, and every schemathesis check runs on
each answer: no 5xx; status, content type, headers and body as the schema documents them;
schema-invalid requests rejected (a 4xx) and schema-valid ones accepted (ST202: no 400, 413,
415 or 422). A stateful run then follows the schema's links (a started run to its status and
results, a listed agreement to its pages). The seed is fixed and the examples bounded
(`ACCORDS_SCHEMATHESIS_EXAMPLES` raises them for a longer run). The app runs with the small
limits of `conftest.small_settings`, so generated requests can start at most one small
simulation at a time (the rest get 429).

Rules that tie two parts of a request together cannot be written in JSON Schema; the schema
states them in words, and `broken_rules` reads them the same way: a generated request that
breaks one is not valid, so it must get exactly that 422 instead of being accepted.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from webhelpers import small_settings

from accords.api import create_app
from accords.simulation.scenario import load_scenario

EXAMPLES = int(os.environ.get("ACCORDS_SCHEMATHESIS_EXAMPLES", "8"))
SEED = 20250203
# Bodies whose validity no JSON Schema can state: the bytes of a CSV or Parquet population,
# a scenario's YAML. A schema-valid one may still be rejected (422), and rightly.
OPAQUE_BODIES = {("POST", "/api/evaluate")}

store = Path(tempfile.mkdtemp(prefix="accords-schemathesis-")) / "runs.duckdb"
app = create_app(small_settings(store))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.seed = SEED
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


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
    if path == "/api/simulations" and case.operation.method.upper() == "POST":
        return scenario_rules(case.body if isinstance(case.body, dict) else None, query)
    return set()


def scenario_rules(body: dict[str, Any] | None, query: dict[str, Any]) -> set[str]:
    """The stated rules of POST /api/simulations, read as its description states them."""
    scenario = body or load_scenario().model_dump(mode="json")
    overrides = {k: int(v) for k, v in query.items() if k in ("replicas", "horizon_months")}
    scenario = {**scenario, **overrides}
    size = int(query.get("size", scenario["population"]["synthetic"]["size"]))
    limits = app.state.settings
    broken = {
        field
        for field, value, limit in (
            ("replicas", scenario.get("replicas", 10), limits.max_replicas),
            ("population.synthetic.size", size, limits.max_population_size),
            ("horizon_months", scenario["horizon_months"], limits.max_horizon_months),
        )
        if value > limit
    }
    uses = scenario.get("agreements")
    ids = [u["id"] for u in uses or []]
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


def exclusions(case: schemathesis.Case) -> tuple[list[Any], set[str]]:
    """The checks not to run on this case's answer, and the stated rule it breaks (if any)."""
    operation = (case.operation.method.upper(), case.operation.path)
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    rules = broken_rules(case) if positive else set()
    return ([positive_data_acceptance] if operation in OPAQUE_BODIES or rules else []), rules


def answers_rules(response: Any, rules: set[str]) -> None:
    """A request breaking stated rules is answered 422, naming the field of one of them."""
    if rules:
        assert response.status_code == 422, response.text
        assert response.json()["field"] in rules, response.text


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    excluded, rules = exclusions(case)
    answers_rules(case.call_and_validate(excluded_checks=excluded), rules)


class APIWorkflow(schema.as_state_machine()):  # type: ignore[misc]
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
    assert app.state.runs.wait(timeout=60), app.state.runs.active()
