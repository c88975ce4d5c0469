"""`accords serve`: the JSON API and the web pages on one local port (uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accords.commands.common import RegistryOption, console, fail


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Run store file (default: $ACCORDS_DB, else the user data folder)."
        ),
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Serve the API (/api, schema at /openapi.json) and the pages (agreements, checker, runs).

    Limits (request size, population rows, replicas, concurrent runs) come from ACCORDS_API_*
    variables; see docs/web.md.
    """
    import uvicorn

    from accords.api import Settings, create_app
    from accords.validation import InputError

    try:
        settings = Settings.from_env(db=db, registry=registry)
        app = create_app(settings)
    except (ValueError, InputError) as exc:
        fail(str(exc))
    console.print(f"accords: serving on http://{host}:{port}/ (Ctrl-C stops)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
