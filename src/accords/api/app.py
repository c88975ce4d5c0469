"""The FastAPI application: JSON under /api, HTML pages, static files, problem documents.

`create_app(settings)` builds a whole server from its settings (limits, run store path,
registry): the CLI's `accords serve`, the tests and an ASGI host all get the same app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from swagger_ui_bundle import swagger_ui_path

from accords.api import agreements, cases, downloads, pages, simulations
from accords.api.charts import plotly_js
from accords.api.openapi import build_openapi
from accords.api.problems import (
    PROBLEM_TYPES,
    ApiError,
    BodyLimitMiddleware,
    problem_from_http,
    problem_from_request_validation,
    problem_response,
)
from accords.api.runner import RunManager
from accords.api.security import SameOriginMiddleware
from accords.api.settings import Settings
from accords.registry.loader import load_registry
from accords.report.plotly_css import plotly_styles
from accords.version import PACKAGE_VERSION

STATIC_DIR = Path(str(resources.files("accords.api") / "static"))

DESCRIPTION = """\
Migration agreements between states, and the laws that bound them, as cited rules.

JSON answers are the same as the `accords` CLI's `--json` output. Errors are RFC 9457 problem
documents (`application/problem+json`) with `type`, `title`, `status`, `detail`, and `field`
and `errors` naming what was wrong.
"""


def _is_api(request: Request) -> bool:
    """JSON API paths and the data files beside pages (`/agreements.csv`) answer problems."""
    path = request.url.path
    return path.startswith("/api") or path.endswith((".json", ".csv"))


def _answer(request: Request, problem: ApiError) -> Response:
    """A problem document for the API, the same problem as an HTML page for a browser."""
    if _is_api(request):
        return problem_response(problem, request)
    response = pages.render(
        request,
        "error.html",
        {"problem": problem.document(request.url.path)},
        status_code=problem.status,
    )
    response.headers.update(problem.headers or {})
    return response


def _allowed(app: FastAPI, request: Request) -> str:
    """Every method some route accepts on this request's path (for a 405's Allow header)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def _install_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return _answer(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _answer(request, problem_from_request_validation(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        problem = problem_from_http(exc)
        if exc.status_code == 405:
            # Starlette names only the first route on the path; a path may have several.
            problem.headers = {**(problem.headers or {}), "Allow": _allowed(app, request)}
        return _answer(request, problem)

    async def on_error(request: Request, exc: Exception) -> Response:
        problem = ApiError(500, None, f"internal error: {type(exc).__name__}: {exc}")
        return _answer(request, problem)

    app.add_exception_handler(ApiError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_error)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole server: API, pages and static files, with `settings`' limits and store."""
    settings = settings or Settings.from_env()
    registry = load_registry(settings.registry)
    runs = RunManager(settings, registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # Runs are daemon threads: give those in flight a moment to record their end; a run
        # still going when the process exits is marked interrupted by the store's next reader.
        runs.wait(timeout=5.0)

    app = FastAPI(
        title="accords",
        version=PACKAGE_VERSION,
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's own /docs loads Swagger UI from a CDN: served below instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.runs = runs
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(SameOriginMiddleware, allowed_hosts=settings.allowed_hosts)
    _install_handlers(app)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        return Response(
            plotly_js(),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/static/plotly-styles/{element_id}.css", include_in_schema=False)
    def plotly_stylesheet(element_id: str) -> Response:
        css = plotly_styles().get(element_id)
        if css is None:
            raise ApiError(404, "not-found", f"plotly.js inserts no style {element_id!r}")
        return Response(
            css,
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon")

    @app.get("/problems/{slug}", include_in_schema=False, response_class=HTMLResponse)
    def problem_type(request: Request, slug: str) -> HTMLResponse:
        if slug not in PROBLEM_TYPES:
            raise ApiError(404, "not-found", f"no problem type {slug!r}")
        title, description = PROBLEM_TYPES[slug]
        return pages.render(
            request, "problem_type.html", {"slug": slug, "title": title, "description": description}
        )

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        """The interactive API docs: Swagger UI from the swagger-ui-bundle package, offline."""
        return pages.render(request, "docs.html", {"section": "docs"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger-ui")
    app.include_router(agreements.router)
    app.include_router(cases.router)
    app.include_router(simulations.router)
    app.include_router(downloads.router)
    app.include_router(pages.router)

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]
    return app


__all__ = ["create_app"]
