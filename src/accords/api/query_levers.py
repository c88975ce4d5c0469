"""The runner's agreement levers as query parameters of `POST /api/simulations`.

The web form moves an agreement's terms one field at a time; a client of the JSON API moves
the same ones in the query, keyed by agreement in OpenAPI's `deepObject` style:
`places[usa-slv-2025]=5`, `total_transfers[usa-slv-2025]=20`,
`transfers_per_period[usa-gtm-2025]=100/3` (100 in each 3 months; `100` alone: a month),
`price_per_person_year[usa-slv-2025]=30000 USD 2025`. The key names the scenario's own field,
so a problem names the parameter exactly as it was sent (`places[usa-slv-2025]`), and an
override of an agreement the scenario does not name is refused by `Overrides` with that name.

Each parameter's text is read here and checked as its schema says (the same schema is in the
OpenAPI document, from `openapi_parameters`), so a value the schema refuses is a 422 naming
the parameter, and one it accepts is what the scenario then validates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pycountry

from accords.api.problems import ApiError, ProblemItem
from accords.registry.models import MAX_AMOUNT
from accords.simulation.scenario import PeriodCap

PERIOD_MONTHS = int(PeriodCap.model_json_schema()["properties"]["months"]["maximum"])
CURRENCIES = sorted(c.alpha_3 for c in pycountry.currencies)

# A whole number of people, then optionally "/" and the months of a period (1 to 600).
PERIOD = r"(0|[1-9][0-9]{0,17})(/([1-9]|[1-9][0-9]|[1-5][0-9]{2}|600))?"
assert PERIOD_MONTHS == 600, "the pattern above says so"
# An amount (at most 10^13, up to 6 decimals), an ISO 4217 code and a price year.
AMOUNT = r"(0|[1-9][0-9]{0,12})(\.[0-9]{1,6})?"
assert MAX_AMOUNT == 10**13, "the pattern above says so"
PRICE_YEAR = r"(19[0-9]{2}|20[0-9]{2}|2100)"


class TextError(ValueError):
    """A parameter's text that is not what its schema says (the message says what is)."""


def _whole(low: int) -> Callable[[str], int]:
    def read(text: str) -> int:
        if not re.fullmatch(r"[0-9]+", text):
            raise TextError(f"expected a whole number, {low} or more")
        value = int(text)
        if value < low:
            raise TextError(f"expected a whole number, {low} or more")
        return value

    return read


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise TextError("expected true or false")
    return text == "true"


def _day(text: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise TextError("expected a date, YYYY-MM-DD")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise TextError("expected a date, YYYY-MM-DD") from None


def _period(text: str) -> dict[str, int]:
    if not re.fullmatch(PERIOD, text):
        raise TextError(f"expected people, or people/months with 1 to {PERIOD_MONTHS} months")
    people, _, months = text.partition("/")
    return {"people": int(people), "months": int(months or 1)}


def _price(text: str) -> dict[str, Any]:
    parts = text.split()
    if (
        len(parts) != 3
        or not re.fullmatch(AMOUNT, parts[0])
        or parts[1] not in CURRENCIES
        or not re.fullmatch(PRICE_YEAR, parts[2])
    ):
        raise TextError(
            "expected an amount, an ISO 4217 currency code and a price year, as 30000 USD 2025"
        )
    return {"amount": float(parts[0]), "currency": parts[1], "price_year": int(parts[2])}


@dataclass(frozen=True)
class QueryLever:
    """One agreement term as a deepObject query parameter: its name (the scenario's field),
    the schema of each agreement's value, what it does in words, and how its text is read."""

    name: str
    schema: dict[str, Any]
    what: str
    read: Callable[[str], Any]


WHOLE = {"type": "integer", "minimum": 0}
BOOLEAN = {"type": "boolean"}
DAY = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

LEVERS: tuple[QueryLever, ...] = (
    QueryLever("places", WHOLE, "Places held at once (replaces the registry's).", _whole(0)),
    QueryLever(
        "unlimited_places", BOOLEAN, "true: no limit on the people held at once.", _boolean
    ),
    QueryLever(
        "total_transfers",
        WHOLE,
        "The most people sent over the run (replaces the registry's total).",
        _whole(0),
    ),
    QueryLever(
        "transfers_per_period",
        {"type": "string", "pattern": f"^{PERIOD}$", "examples": ["100/3", "50"]},
        "The most people sent in each period, as people/months (`100/3`: 100 in each 3 "
        "months; `50`: 50 a month); replaces the registry's caps per period.",
        _period,
    ),
    QueryLever(
        "unlimited_transfers",
        BOOLEAN,
        "true: the registry's caps per period and in total are lifted (those given here or "
        "in the scenario still apply).",
        _boolean,
    ),
    QueryLever(
        "batch_size",
        {"type": "integer", "minimum": 1},
        "People leave only in whole groups of this size.",
        _whole(1),
    ),
    QueryLever(
        "renewed",
        BOOLEAN,
        "Whether the agreement's stated term is renewed (transfers go on after it).",
        _boolean,
    ),
    QueryLever("in_force_from", DAY, "The day it comes into force.", _day),
    QueryLever("ends", DAY, "The day it ends: everyone it holds is released.", _day),
    QueryLever(
        "price_per_person_year",
        {
            "type": "string",
            "pattern": f"^{AMOUNT} ({'|'.join(CURRENCIES)}) {PRICE_YEAR}$",
            "examples": ["30000 USD 2025"],
        },
        "Its price per person a year: amount, ISO 4217 currency and price year, separated "
        "by spaces (`30000 USD 2025`).",
        _price,
    ),
    QueryLever(
        "price_per_transfer",
        {
            "type": "string",
            "pattern": f"^{AMOUNT} ({'|'.join(CURRENCIES)}) {PRICE_YEAR}$",
            "examples": ["1500 USD 2025"],
        },
        "Its price per person transferred, written as the price per person a year is.",
        _price,
    ),
)
BY_NAME = {lever.name: lever for lever in LEVERS}
KEY = re.compile(r"^(?P<name>[a-z_]+)\[(?P<id>.*)\]$")


def read_query_levers(items: Sequence[tuple[str, str]]) -> list[tuple[str, str, Any]]:
    """The agreement terms the query sets, as `Overrides.terms` takes them: (agreement id,
    field, value), in the order of `LEVERS` and then of the query.

    Raises a 422 problem listing every parameter that is not what its schema says: a value
    of the wrong kind, one given twice, or a lever given without an agreement (`places=5`).
    Parameters that are not levers are left to the route.
    """
    found: dict[tuple[str, str], list[str]] = {}
    problems: list[ProblemItem] = []
    for key, text in items:
        match = KEY.match(key)
        if match is None:
            if key in BY_NAME:
                problems.append(
                    ProblemItem(
                        field=key,
                        message=f"give it per agreement, as {key}[usa-slv-2025]=…",
                        location="query",
                    )
                )
            continue
        if match["name"] in BY_NAME:
            found.setdefault((match["name"], match["id"]), []).append(text)
        else:
            problems.append(
                ProblemItem(
                    field=key,
                    message="not a lever of an agreement; expected one of " + ", ".join(BY_NAME),
                    location="query",
                )
            )
    terms: list[tuple[str, str, Any]] = []
    for lever in LEVERS:
        for (name, agreement_id), texts in found.items():
            if name != lever.name:
                continue
            field = f"{name}[{agreement_id}]"
            if len(texts) > 1:
                problems.append(ProblemItem(field=field, message="given twice", location="query"))
                continue
            try:
                terms.append((agreement_id, name, lever.read(texts[0].strip())))
            except TextError as exc:
                message = f"{exc}, got {texts[0]!r}"
                problems.append(ProblemItem(field=field, message=message, location="query"))
    if problems:
        raise ApiError(
            422,
            "validation-error",
            f"{len(problems)} problem(s) in the query; first: {problems[0].field}: "
            f"{problems[0].message}",
            problems,
        )
    return terms


def openapi_parameters(ids: Sequence[str]) -> list[dict[str, Any]]:
    """The levers as OpenAPI query parameters: one object per term, keyed by agreement id."""
    return [
        {
            "name": lever.name,
            "in": "query",
            "required": False,
            "style": "deepObject",
            "explode": True,
            "description": f"Per agreement, as `{lever.name}[usa-slv-2025]`: {lever.what} "
            "Only agreements the scenario names in `agreements`.",
            "schema": {
                "type": "object",
                "propertyNames": {"enum": list(ids)},
                "additionalProperties": lever.schema,
            },
        }
        for lever in LEVERS
    ]


__all__ = ["LEVERS", "openapi_parameters", "read_query_levers"]
