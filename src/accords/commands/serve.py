"""`accords serve`: the JSON API and the web pages on one local port (uvicorn)."""

from __future__ import annotations

import socket
from dataclasses import replace
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
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="Another host name the server answers for (repeatable; e.g. behind a proxy). "
            "It always answers for the address it listens on and for localhost.",
        ),
    ] = None,
) -> None:
    """Serve the API (/api, schema at /openapi.json) and the pages (agreements, checker, runs).

    Limits (request size, population rows, replicas, concurrent runs) come from ACCORDS_API_*
    variables; see docs/web.md.
    """
    import uvicorn

    from accords.api import Settings, create_app
    from accords.store import StoreError, check_store_path, default_db_path
    from accords.validation import InputError

    try:
        settings = Settings.from_env(db=db, registry=registry)
        settings = replace(
            settings,
            allowed_hosts=allowed_hosts(
                host, [*(settings.allowed_hosts or ()), *(allowed_host or [])]
            ),
        )
        check_store_path(settings.db.expanduser() if settings.db else default_db_path())
        app = create_app(settings)
    except (ValueError, InputError, StoreError) as exc:
        fail(str(exc))
    console.print(f"accords: serving on http://{host}:{port}/ (Ctrl-C stops)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def allowed_hosts(bound: str, extra: list[str]) -> tuple[str, ...]:
    """The Host names to answer for: the bound address, this machine's names, and `extra`.

    A request naming any other host is refused, so a page whose DNS name is rebound to this
    address cannot read what the server answers.
    """
    names = {bound, "localhost", "127.0.0.1", "::1", *extra}
    if bound in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
    return tuple(sorted(n.lower() for n in names if n))
