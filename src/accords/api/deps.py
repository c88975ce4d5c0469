"""What every route reads from the app: its settings, registry and run manager."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated

import pycountry
from fastapi import Request
from pydantic import BeforeValidator

from accords.api.problems import ApiError, ProblemItem
from accords.api.settings import Settings
from accords.registry.countries import EXTRA_STATES, is_state, resolve_party
from accords.registry.loader import Registry
from accords.registry.models import Agreement

if TYPE_CHECKING:
    from accords.api.runner import RunManager


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD: pydantic alone would read `0` as 1970-01-01 (a Unix timestamp)."""
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError(f"{value!r} is not a date; expected YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


def interval(start: date, end: date) -> tuple[date, date]:
    """The days from `start` to `end` a query asks for (`from`, `to`): a 422 naming `to` when
    it is before `from`, for the JSON API and the pages alike."""
    if end < start:
        raise ApiError(
            422,
            "validation-error",
            f"'to' ({end}) is before 'from' ({start})",
            [ProblemItem(field="to", message="before 'from'", location="query")],
        )
    return start, end


@cache
def state_codes() -> tuple[str, ...]:
    """Every code a person's state fields accept (ISO 3166-1 alpha-3, and XKX), sorted."""
    iso = {c.alpha_3 for c in pycountry.countries if is_state(c.alpha_3)}
    return tuple(sorted(iso | set(EXTRA_STATES)))


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def registry(request: Request) -> Registry:
    value: Registry = request.app.state.registry
    return value


def runs(request: Request) -> RunManager:
    value: RunManager = request.app.state.runs
    return value


def agreement(reg: Registry, agreement_id: str) -> Agreement:
    """The agreement, or a 404 problem with the registry's did-you-mean hint."""
    try:
        return reg.get(agreement_id)
    except KeyError as exc:
        raise ApiError(404, "not-found", str(exc.args[0])) from None


def known_ids(reg: Registry, ids: list[str] | None, field: str) -> list[str] | None:
    """Agreement ids given as a parameter, each once: each must exist (422 naming the field).

    Repeats are dropped: the engine evaluates each agreement once per person and fails on an
    agreement listed twice.
    """
    if not ids:
        return None
    ids = list(dict.fromkeys(ids))
    for agreement_id in ids:
        try:
            reg.get(agreement_id)
        except KeyError as exc:
            raise ApiError(
                422,
                "validation-error",
                str(exc.args[0]),
                [ProblemItem(field=field, message=str(exc.args[0]), location="query")],
            ) from None
    return ids


def party_param(value: str | None, field: str) -> str | None:
    """A state given by code or English name as a query parameter, as its code (else a 422)."""
    if not value:
        return None
    try:
        return resolve_party(value)
    except ValueError as exc:
        raise ApiError(
            422,
            "validation-error",
            f"{field}: {exc}",
            [ProblemItem(field=field, message=str(exc), location="query")],
        ) from None
