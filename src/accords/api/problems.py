"""Errors as RFC 9457 problem documents, and the request-size guard.

Every error the JSON API returns has the same shape (`type`, `title`, `status`, `detail`, and
`field`/`errors` naming what was wrong), whatever raised it: a pydantic validation error, an
input file's problems, an unknown id, a limit. A client therefore needs one error path, and
the web pages reuse the same `ApiError` to show the same words beside a form.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accords.validation import InputError, field_path

PROBLEM_MEDIA_TYPE = "application/problem+json"

# The problem types this API uses: slug -> (title, what it means). Served at /problems/<slug>.
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "validation-error": (
        "Invalid request",
        "A parameter, field or document did not validate; `errors` lists every problem "
        "with its field (and line and column for YAML/JSON documents).",
    ),
    "not-found": ("Not found", "No agreement, run or page has this id."),
    "payload-too-large": (
        "Payload too large",
        "The request body or the population it holds is larger than this server accepts.",
    ),
    "limit-exceeded": (
        "Limit exceeded",
        "A simulation asked for more replicas, persons or months than this server allows.",
    ),
    "too-many-runs": (
        "Too many runs",
        "This server is already running as many simulations as it allows; retry later.",
    ),
    "unsupported-media-type": (
        "Unsupported media type",
        "The upload is not in a format this endpoint reads (CSV or Parquet; YAML or JSON).",
    ),
    "bad-host": (
        "Unknown host",
        "The request's Host header names a host this server does not answer for "
        "(setting allowed_hosts).",
    ),
    "cross-site": (
        "Cross-site request",
        "A request sent from another site's page may not change anything on this server.",
    ),
    "run-not-finished": (
        "Run not finished",
        "The run has no results yet (still running) or none at all (it failed).",
    ),
}


class ProblemItem(BaseModel):
    """One problem: the field it is in, what is wrong, and where in a document."""

    field: str = Field(description="Dotted path of the field ('' for the whole input).")
    message: str
    location: str | None = Field(
        default=None, description="Where the field was: body, query, path, file, scenario."
    )
    line: int | None = None
    column: int | None = None
    hint: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="A URI naming the kind of problem (about:blank if generic).")
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="The request path.")
    field: str | None = Field(default=None, description="The first offending field, if any.")
    errors: list[ProblemItem] = Field(default_factory=list)


class ApiError(Exception):
    """Raised anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        kind: str | None,
        detail: str,
        errors: Sequence[ProblemItem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers

    @property
    def title(self) -> str:
        if self.kind in PROBLEM_TYPES:
            return PROBLEM_TYPES[self.kind][0]
        return HTTPStatus(self.status).phrase

    def document(self, instance: str | None = None) -> Problem:
        return Problem(
            type=f"/problems/{self.kind}" if self.kind else "about:blank",
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            field=self.errors[0].field if self.errors else None,
            errors=self.errors,
        )


def input_problem(exc: InputError, location: str, status: int = 422) -> ApiError:
    """A file's problems (line, column, field, hint) as one validation problem."""
    items = [
        ProblemItem(
            field=p.field,
            message=p.message,
            location=location,
            line=p.line,
            column=p.column,
            hint=p.hint,
        )
        for p in exc.problems
    ]
    first = exc.problems[0] if exc.problems else None
    detail = f"{len(items)} problem(s) in the {location}" + (
        f"; first: {first.field + ': ' if first and first.field else ''}{first.message}"
        if first
        else ""
    )
    return ApiError(status, "validation-error", detail, items)


def validation_items(errors: Sequence[Any], location: str | None = None) -> list[ProblemItem]:
    """pydantic/FastAPI error dicts as problem items (the location taken from `loc[0]`)."""
    items = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        where = location
        if where is None and loc and loc[0] in ("body", "query", "path", "header", "cookie"):
            where, loc = str(loc[0]), loc[1:]
        message = str(error.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        items.append(ProblemItem(field=field_path(loc), message=message, location=where))
    return items


def from_validation_error(exc: ValidationError, location: str) -> ApiError:
    items = validation_items(exc.errors(), location)
    first = items[0]
    return ApiError(
        422,
        "validation-error",
        f"{len(items)} problem(s) in the {location}; first: "
        + (f"{first.field}: " if first.field else "")
        + first.message,
        items,
    )


def problem_response(problem: ApiError, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.document(request.url.path).model_dump(mode="json"),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def problem_from_request_validation(exc: RequestValidationError) -> ApiError:
    items = validation_items(exc.errors())
    first = items[0] if items else ProblemItem(field="", message="invalid request")
    where = f"{first.location} " if first.location else ""
    detail = f"{len(items)} problem(s); first: {where}{first.field or 'value'}: {first.message}"
    return ApiError(422, "validation-error", detail, items)


def problem_from_http(exc: StarletteHTTPException) -> ApiError:
    kind = {404: "not-found", 413: "payload-too-large"}.get(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return ApiError(exc.status_code, kind, detail, headers=getattr(exc, "headers", None))


class BodyTooLarge(StarletteHTTPException):
    """A body that passed the limit while streaming.

    An HTTPException, so that FastAPI's body parsing passes it on unchanged (it turns other
    exceptions into a 400) and the problem handlers answer it like any other 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))


def _too_large(limit: int) -> str:
    return (
        f"the request body is larger than this server accepts ({limit:,} bytes; "
        "setting max_body_bytes)"
    )


class BodyLimitMiddleware:
    """Refuses request bodies over `limit` bytes with a 413 problem, before reading them all.

    A declared Content-Length over the limit is refused at once; a chunked body is counted as
    it streams and refused when it passes the limit, so no request can make the server buffer
    more than the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        problem = ApiError(413, "payload-too-large", _too_large(self.limit))
        response = JSONResponse(
            problem.document(scope.get("path")).model_dump(mode="json"),
            status_code=413,
            media_type=PROBLEM_MEDIA_TYPE,
        )
        await response(scope, _drain_receive, send)


async def _drain_receive() -> Message:
    return {"type": "http.disconnect"}
