"""Property tests of the JSON API from its own OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and not. No request may cause a 5xx, and every
response must be one the schema documents (status, content type, body shape), with invalid
requests rejected and valid ones accepted. The app runs with the small limits of
`conftest.small_settings`, so generated requests can start at most one small simulation at a
time (the rest get 429).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from webhelpers import small_settings

from accords.api import create_app

# Bodies whose validity no JSON Schema can state: the bytes of a CSV or Parquet population,
# a scenario's YAML. A schema-valid one may still be rejected (422), and rightly.
OPAQUE_BODIES = {("POST", "/api/evaluate"), ("POST", "/api/simulations")}
# Filters that take a state's code or English name ("El Salvador", "Türkiye"), matched against
# ISO 3166's names: any string fits the schema, and one naming no state is rightly a 422.
STATE_NAMES = {("GET", "/api/agreements")}

store = Path(tempfile.mkdtemp(prefix="accords-schemathesis-")) / "runs.duckdb"
app = create_app(small_settings(store))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("ACCORDS_SCHEMATHESIS_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    operation = (case.operation.method.upper(), case.operation.path)
    excluded = [positive_data_acceptance] if operation in OPAQUE_BODIES | STATE_NAMES else []
    case.call_and_validate(excluded_checks=excluded)


def test_runs_started_by_generated_requests_finish() -> None:
    """Whatever runs the generated requests started end within the limits' time."""
    assert app.state.runs.wait(timeout=60), app.state.runs.active()
