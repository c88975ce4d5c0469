"""The JSON Schema of a scenario sent to `POST /api/simulations`, from the model and registry.

`Scenario.model_json_schema()` says what the model's fields are; what a server will run
depends on more: the states and currencies the readers accept, the registry's agreements
(each sends from one state, so which ids a scenario may name depends on its sender), and
what HTTP forbids (a population file on the server). The schema here writes all of that in
JSON Schema, one branch per sending state of the registry (and one for every other state).
What JSON Schema cannot say (two fields compared with each other, a query value replacing the
scenario's) is stated in the operation's description, in `SCENARIO_RULES`.
"""

from __future__ import annotations

import copy
from typing import Any

from accords.api.settings import Settings
from accords.registry.countries import spellings, state_from_code_or_name
from accords.registry.loader import Registry
from accords.simulation.scenario import (
    FIRST_START,
    LAST_START,
    OTHER_NATIONALITY,
    Scenario,
    load_scenario,
)

REF = "#/components/schemas/{model}"
STATE_REF = {"$ref": "#/components/schemas/State"}
NAME = "ScenarioRequest"

SCENARIO_RULES = (
    "Without a body the default scenario is run. A query parameter replaces the scenario's "
    "value before anything is checked: a scenario over this server's limits (in the schema: "
    "`replicas`, `population.synthetic.size`, `horizon_months`), or without a body whose "
    "default is over them, runs when the query brings it within them. Each agreement is "
    "named once; `compare_without` names agreements the scenario runs (those listed, or all "
    "of the sender's when none are); an agreement's `ends` comes after its `in_force_from`. "
    "An agreement's lever in the query (`places[usa-slv-2025]`, ...) replaces that "
    "agreement's field before these rules are checked, and names an agreement the scenario "
    "lists in `agreements` (else a 422 naming the parameter as sent). A scenario that breaks "
    "one of these is a 422 naming the field."
)


def scenario_schemas(registry: Registry, settings: Settings) -> dict[str, dict[str, Any]]:
    """`ScenarioRequest` and the component schemas it refers to."""
    model = Scenario.model_json_schema(ref_template=REF)
    defs: dict[str, dict[str, Any]] = model.pop("$defs")
    _population(defs)
    props = model["properties"]
    for field, prop, setting in (
        ("replicas", props["replicas"], "max_replicas"),
        ("horizon_months", props["horizon_months"], "max_horizon_months"),
        ("size", defs["SyntheticPopulation"]["properties"]["size"], "max_population_size"),
    ):
        limit = int(getattr(settings, setting))
        prop["maximum"] = min(prop["maximum"], limit)
        prop["description"] = (
            f"{prop.get('description', '')} At most {limit:,} on this server (setting {setting})."
        ).strip()
        if prop.get("default", 0) > limit:  # the model's default is more than this server runs
            model["required"].append(field)
    assert (FIRST_START.year, LAST_START.year) == (1900, 2199), "the pattern below says so"
    year = "(19|20|21)[0-9]{2}"
    props["start"] = {
        "description": props["start"]["description"] + " Or any day of such a month.",
        "anyOf": [
            {"type": "string", "pattern": f"^{year}-(0[1-9]|1[0-2])$"},
            {"type": "string", "format": "date", "pattern": f"^{year}-"},
        ],
    }
    props["sender"] = {**props["sender"], **STATE_REF}
    props["sender"].pop("type", None)
    returns = defs["OrdinaryReturns"]
    returns["properties"]["nationalities"]["items"] = STATE_REF
    # Both source fields, or neither (the built-in basis, which only the US has).
    returns["anyOf"] = [
        _sourced_returns()["anyOf"][1],
        {"properties": {"source_url": {"type": "null"}, "source_quote": {"type": "null"}}},
    ]
    senders: dict[str, list[str]] = {}
    for agreement in registry.agreements:
        senders.setdefault(agreement.sending_state, []).append(agreement.id)
    branches = [_sender_branch(code, ids) for code, ids in sorted(senders.items())]
    branches.append(_other_senders(sorted(senders)))
    model["oneOf"] = branches
    model["title"] = NAME
    model["description"] = (
        "A scenario (the same document `accords simulate` reads), as JSON or YAML. One branch "
        "per sending state: a scenario names only agreements its sender sends under."
    )
    return {**defs, NAME: model}


def _sender_branch(code: str, ids: list[str]) -> dict[str, Any]:
    """What depends on the sender, and nothing else (the base schema has the types)."""
    names = [s for s in spellings(allow_non_state=False) if _reads_as(s, code)]
    branch: dict[str, Any] = {
        "properties": {
            "sender": {"enum": names},
            "agreements": {"items": {"properties": {"id": {"enum": ids}}}},
            "compare_without": {"items": {"enum": ids}},
        },
    }
    if code != "USA":  # only the US legal basis for ordinary returns is built in
        branch["properties"]["ordinary_returns"] = _sourced_returns()
    return branch


def _other_senders(senders: list[str]) -> dict[str, Any]:
    """A state the registry has no agreement from: it can name none."""
    names = [s for s in spellings(allow_non_state=False) if any(_reads_as(s, c) for c in senders)]
    return {
        "properties": {
            "sender": {"not": {"enum": names}},
            "agreements": {"maxItems": 0},
            "compare_without": {"maxItems": 0},
            "ordinary_returns": _sourced_returns(),
        },
    }


def _sourced_returns() -> dict[str, Any]:
    """Ordinary returns that carry their legal basis (both source fields), or none."""
    return {
        "anyOf": [
            {"type": "null"},
            {
                "required": ["source_url", "source_quote"],
                "properties": {
                    "source_url": {"type": "string"},
                    "source_quote": {"type": "string"},
                },
            },
        ]
    }


def _population(defs: dict[str, dict[str, Any]]) -> None:
    """Over HTTP a population is synthetic: a file would be read on the server."""
    spec = defs["PopulationSpec"]
    spec["properties"] = {
        "synthetic": {"$ref": "#/components/schemas/SyntheticPopulation"},
        "file": {"type": "null", "description": "Not accepted over HTTP."},
    }
    spec["required"] = ["synthetic"]
    synthetic = defs["SyntheticPopulation"]
    props = synthetic["properties"]
    nationality = {"anyOf": [STATE_REF, {"const": OTHER_NATIONALITY}]}
    props["nationalities"]["anyOf"][0] = _shares(nationality)
    props["arrival_modes"]["anyOf"][0] = _shares({"$ref": "#/components/schemas/ArrivalMode"})
    props["protection_against"]["propertyNames"] = STATE_REF
    synthetic["anyOf"] = [
        {"required": ["calibration"], "properties": {"calibration": {"type": "string"}}},
        {"required": ["nationalities"], "properties": {"nationalities": {"type": "object"}}},
    ]


def _shares(keys: dict[str, Any]) -> dict[str, Any]:
    """Shares by key: none negative, not all zero (they are normalised by their sum)."""
    return {
        "type": "object",
        "propertyNames": copy.deepcopy(keys),
        "additionalProperties": {"type": "number", "minimum": 0},
        "not": {"additionalProperties": {"maximum": 0}},
    }


def _reads_as(text: str, code: str) -> bool:
    try:
        return state_from_code_or_name(text) == code
    except ValueError:
        return False


def default_fits(settings: Settings) -> bool:
    """Whether this server runs the default scenario as it is (so a body may be left out)."""
    scenario = load_scenario()
    synthetic = scenario.population.synthetic
    return (
        scenario.replicas <= settings.max_replicas
        and scenario.horizon_months <= settings.max_horizon_months
        and (synthetic is None or synthetic.size <= settings.max_population_size)
    )
