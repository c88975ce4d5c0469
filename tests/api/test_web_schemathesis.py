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
states them in words, and `broken_rule` reads them the same way: a generated request that
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

EXAMPLES = int(os.environ.get("ACCORDS_SCHEMATHESIS_EXAMPLES", "8"))
SEED = 20250203
# Bodies whose validity no JSON Schema can state: the bytes of a CSV or Parquet population,
# a scenario's YAML. A schema-valid one may still be rejected (422), and rightly.
OPAQUE_BODIES = {("POST", "/api/evaluate"), ("POST", "/api/simulations")}

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


def broken_rule(case: schemathesis.Case) -> str | None:
    """The field of a rule the schema states in words that this request breaks, if any."""
    query = case.query or {}
    path = case.operation.path
    if path == "/api/agreements/{agreement_id}/changes":
        since, until = _day(query.get("from")), _day(query.get("to")) or date.today()
        return "to" if since and until < since else None
    if path == "/api/check" and isinstance(case.body, dict):
        on = _day(query.get("date")) or date.today()
        born = _day(case.body.get("birth_date"))
        return "birth_date" if born and born > on else None
    return None


def exclusions(case: schemathesis.Case) -> tuple[list[Any], str | None]:
    """The checks not to run on this case's answer, and the stated rule it breaks (if any)."""
    operation = (case.operation.method.upper(), case.operation.path)
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    rule = broken_rule(case) if positive else None
    return ([positive_data_acceptance] if operation in OPAQUE_BODIES or rule else []), rule


def answers_rule(response: Any, rule: str | None) -> None:
    """A request breaking a stated rule is answered 422, naming the rule's field."""
    if rule:
        assert response.status_code == 422, response.text
        assert response.json()["field"] == rule, response.text


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    excluded, rule = exclusions(case)
    answers_rule(case.call_and_validate(excluded_checks=excluded), rule)


class APIWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the schema's links, each answer checked as above."""

    def validate_response(
        self,
        response: schemathesis.Response,
        case: schemathesis.Case,
        additional_checks: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        excluded, rule = exclusions(case)
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=excluded,
            transport_kwargs=kwargs or None,
            recorder=getattr(self, "recorder", None),
        )
        answers_rule(response, rule)


TestAPIWorkflow = APIWorkflow.TestCase
TestAPIWorkflow.settings = settings(
    HYPOTHESIS, max_examples=max(2, EXAMPLES // 2), stateful_step_count=6
)


def test_runs_started_by_generated_requests_finish() -> None:
    """Whatever runs the generated requests started end within the limits' time."""
    assert app.state.runs.wait(timeout=60), app.state.runs.active()
