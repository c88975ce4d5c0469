"""The OpenAPI document: what each operation accepts and answers, as exactly as a schema can.

FastAPI's generated schema says what the route signatures say. Much of what the API accepts is
decided elsewhere (a person is validated strictly by the engine's reader, a state is read from
its code or English name, a simulation is bounded by the server's settings), so this module
completes the document from the same sources the API reads: the registry's agreement ids, the
spellings `resolve_party` accepts, this server's limits, and every error as a problem document.
A schema-driven client (or test) can then tell a valid request from an invalid one before
sending it. Rules that cross two parts of a request (a birth date after the query's date, a
query value that replaces the scenario's) are stated in words where they apply.
"""

from __future__ import annotations

import copy
from typing import Any

import pycountry
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from accords.api import cases
from accords.api.problems import PROBLEM_MEDIA_TYPE, Problem
from accords.api.query_levers import openapi_parameters
from accords.api.scenario_schema import SCENARIO_RULES, default_fits, scenario_schemas
from accords.api.settings import Settings
from accords.registry.countries import is_party, spellings

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
STATE_CODE_REF = {"$ref": "#/components/schemas/StateCode"}

PROBLEM_TITLES = {
    "400": "Malformed multipart body (problem document)",
    "404": "Not found (problem document)",
    "409": "The run has no results yet (problem document)",
    "413": "Payload too large (problem document)",
    "415": "Unsupported media type (problem document)",
    "422": "Invalid request (problem document)",
    "429": "Too many runs (problem document)",
    "500": "Internal error (problem document)",
}

PARTY_FILTERS = ("sender", "receiver")
# Query parameters that a server setting bounds: (parameter, setting).
SIMULATION_LIMITS = {
    "replicas": "max_replicas",
    "size": "max_population_size",
    "horizon_months": "max_horizon_months",
}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, completed as the module docstring says (built once)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    components.update(cases.person_schemas())
    components.update(state_schemas())
    _add_components(components, scenario_schemas(app.state.registry, app.state.settings))
    components["Money"]["properties"]["currency"] = {
        "type": "string",
        "enum": sorted(c.alpha_3 for c in pycountry.currencies),
        "description": "An ISO 4217 currency code.",
    }
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    settings: Settings = app.state.settings
    ids: list[str] = app.state.registry.ids
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _complete_parameter(parameter, path, ids, settings)
            _document_problems(path, operation)
    start = schema["paths"]["/api/simulations"]["post"]
    start["parameters"] = start.get("parameters", []) + openapi_parameters(ids)
    body = start["requestBody"]
    body["description"] += " " + SCENARIO_RULES
    body["required"] = not default_fits(settings)
    _describe_upload(schema["paths"]["/api/evaluate"]["post"]["requestBody"], components, settings)
    _add_links(schema["paths"])
    app.openapi_schema = schema
    return schema


def _add_components(components: dict[str, Any], added: dict[str, dict[str, Any]]) -> None:
    """Component schemas from another model, where a name means one schema only."""
    for name, value in added.items():
        if components.setdefault(name, value) != value:
            raise ValueError(f"two different schemas are both named {name!r}")


def state_schemas() -> dict[str, dict[str, Any]]:
    """`State` (a state by code or name, as persons and scenarios give it), `Party` (the EU
    too) and `StateCode` (a code only, as population files give it).

    `State` and `Party` are patterns listing every spelling rather than enums: some 700
    values, which schema-driven tools would otherwise try one by one in every field.
    """
    tolerance = (
        "; a name is also read in any case and without accents or punctuation, and a name "
        "that fits several states (`Korea`) is refused, listing them."
    )
    schemas: dict[str, dict[str, Any]] = {}
    for name, allow_non_state, what in (
        ("State", False, "A state: its ISO 3166-1 alpha-3 code (XKX for Kosovo)"),
        ("Party", True, "A party: a state's alpha-3 code (EUE for the European Union)"),
    ):
        texts = spellings(allow_non_state=allow_non_state)
        schemas[name] = {
            "type": "string",
            "pattern": "^(" + "|".join(map(_literal, texts)) + ")$",
            "description": f"{what} or its English name{tolerance}",
            "examples": ["SLV", "El Salvador"],
        }
    schemas["StateCode"] = {
        "type": "string",
        "enum": [s for s in spellings(allow_non_state=False) if is_party(s)],
        "description": "A state's ISO 3166-1 alpha-3 code (XKX for Kosovo), upper case.",
    }
    return schemas


REGEX_SPECIAL = frozenset(".^$*+?()[]{}|\\/")


def _literal(text: str) -> str:
    """`text` as a regular expression matching only itself (ECMA 262 and Python alike)."""
    return "".join("\\" + c if c in REGEX_SPECIAL else c for c in text)


FILE_TYPES = ("text/csv", "application/vnd.apache.parquet")


def _describe_upload(body: dict[str, Any], components: dict[str, Any], settings: Settings) -> None:
    """The population part of `/api/evaluate`: a file of rows in the person schema.

    A file's states are codes (a name is for documents a person writes), and its text cells
    are trimmed, so an id must hold more than spaces. `contentSchema` says what the file
    holds once decoded; `encoding` says which file types carry it.
    """
    row = copy.deepcopy(components["Person"])
    row["title"] = "PopulationRow"
    row["description"] = (
        "One row of a population file (CSV or Parquet): a column per field, any may be "
        "missing but id and present_in. In CSV a list is codes separated by `;` (`-` for the "
        "empty list, an empty cell for unknown)."
    )
    props = row["properties"]
    props["id"]["pattern"] = "[^\\s]"
    props["present_in"]["$ref"] = STATE_CODE_REF["$ref"]
    for name in ("citizenships", "protection_against"):
        for option in props[name]["anyOf"]:
            if option.get("type") == "array":
                option["items"] = STATE_CODE_REF
    components["PopulationRow"] = row
    limit = settings.max_population_rows
    media = body["content"]["multipart/form-data"]
    upload = components[media["schema"]["$ref"].rsplit("/", 1)[1]]
    part = upload["properties"]["population"]
    part.pop("contentMediaType", None)
    part["format"] = "binary"
    part["contentSchema"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/PopulationRow"},
        "minItems": 1,
        "maxItems": limit,
    }
    part["description"] = (
        f"A CSV or Parquet file (by its name's suffix, else its part's type), one row a "
        f"person: at most {limit:,} rows (CSV: lines after the header; setting "
        "max_population_rows), else a 413. Ids are unique, and nobody is born after the day "
        "evaluated (the query's `date`): else a 422 naming `id` or `birth_date`."
    )
    media["encoding"] = {"population": {"contentType": ", ".join(FILE_TYPES)}}


def _complete_parameter(
    parameter: dict[str, Any], path: str, ids: list[str], settings: Settings
) -> None:
    if parameter["in"] != "query":
        return
    schema = parameter["schema"]
    # A query string cannot carry null: an optional parameter is one that may be left out.
    options = [o for o in schema.pop("anyOf", [schema]) if o.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    else:
        schema["anyOf"] = options
    name = parameter["name"]
    if name in ("agreement", "ids"):
        # Agreement ids given as parameters must be the registry's: say which they are.
        schema["items"] = {"type": "string", "enum": ids}
    elif name in PARTY_FILTERS and path == "/api/agreements":
        schema.pop("type", None)
        schema["anyOf"] = [
            {"$ref": "#/components/schemas/Party"},
            {"type": "string", "maxLength": 0, "description": "Empty: any."},
        ]
    elif name in SIMULATION_LIMITS and path == "/api/simulations":
        limit = int(getattr(settings, SIMULATION_LIMITS[name]))
        schema["maximum"] = limit
        parameter["description"] = (
            f"{parameter.get('description', '')} At most {limit:,} on this server (setting "
            f"{SIMULATION_LIMITS[name]}); more is a 422 limit-exceeded."
        ).strip()


def _document_problems(path: str, operation: dict[str, Any]) -> None:
    """Every error status the operation can answer, each as a problem document."""
    responses = operation.setdefault("responses", {})
    codes = {"422", "500"}
    if "{" in path:
        codes.add("404")
    if operation.get("requestBody"):
        codes.add("413")
    if path.startswith("/api/simulations/{"):
        codes.add("409")
    if path == "/api/simulations" and "requestBody" in operation:
        codes.add("429")
    if path == "/api/evaluate":
        codes |= {"400", "415"}
    for code in sorted(codes):
        entry = responses.setdefault(code, {})
        if code == "422" or not entry.get("description"):
            entry["description"] = PROBLEM_TITLES[code]
        entry["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}


# What a response names that another operation reads: (path, method, status) -> the operations
# it leads to, each with its path parameter and where the value is in the response.
LINKS: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {
    ("/api/simulations", "post", "202"): [
        (name, path, "run_id", "$response.body#/id")
        for name, path in (
            ("status", "/api/simulations/{run_id}"),
            ("summary", "/api/simulations/{run_id}/summary"),
            ("monthly", "/api/simulations/{run_id}/monthly"),
            ("report", "/api/simulations/{run_id}/report"),
        )
    ],
    ("/api/simulations", "get", "200"): [
        ("first_run", "/api/simulations/{run_id}", "run_id", "$response.body#/0/id"),
    ],
    ("/api/agreements", "get", "200"): [
        (name, path, "agreement_id", "$response.body#/agreements/0/id")
        for name, path in (
            ("first_agreement", "/api/agreements/{agreement_id}"),
            ("first_timeline", "/api/agreements/{agreement_id}/timeline"),
            ("first_changes", "/api/agreements/{agreement_id}/changes"),
        )
    ],
}


def _add_links(paths: dict[str, Any]) -> None:
    """OpenAPI links from each answer to the operations that read what it names."""
    for (path, method, status), targets in LINKS.items():
        response = paths[path][method]["responses"][status]
        response["links"] = {
            name: {
                "operationId": paths[target]["get"]["operationId"],
                "parameters": {parameter: expression},
            }
            for name, target, parameter, expression in targets
        }
