"""`accords serve`: the JSON API and the web pages on one local port (uvicorn).

The port is bound here, before the server is announced, and the bound sockets are handed to
uvicorn: a port already in use is then one error saying so, rather than a line saying the
server is running followed by uvicorn's own failure; and no other process can take the port
between the check and the start.
"""

from __future__ import annotations

import errno
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
    sockets = listen(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    console.print(
        f"accords: serving on http://{shown_host}:{port}/ (Ctrl-C stops)", highlight=False
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=False)
    )
    server.run(sockets=sockets)
    if not server.started:  # the app's start-up failed; uvicorn has logged why
        raise typer.Exit(3)


def listen(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on every address `host` names (both of "localhost"'s, as uvicorn's
    own binding would), or an error (exit 2) naming the host and port and what to change.

    An address family the machine does not have (IPv6 switched off) is skipped, as asyncio
    skips it, as long as one address is bound.
    """
    try:
        found = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        fail(f"--host {host}: not an address to listen on ({exc.strerror})")
    sockets: list[socket.socket] = []
    seen: set[tuple[int, object]] = set()
    try:
        for family, kind, proto, _, address in found:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno != errno.EADDRNOTAVAIL or len(found) == 1:
                    raise
                sockets.pop().close()
                continue
            sock.listen()
    except OSError as exc:
        for sock in sockets:
            sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(f"port {port} is already in use on {host}; choose another with --port")
        if exc.errno == errno.EADDRNOTAVAIL:
            fail(f"--host {host}: not an address of this machine")
        fail(f"cannot listen on {host} port {port}: {exc.strerror or exc}")
    if not sockets:
        fail(f"--host {host}: not an address of this machine")
    return sockets


def allowed_hosts(bound: str, extra: list[str]) -> tuple[str, ...]:
    """The Host names to answer for: the bound address, this machine's names, and `extra`.

    A request naming any other host is refused, so a page whose DNS name is rebound to this
    address cannot read what the server answers.
    """
    names = {bound, "localhost", "127.0.0.1", "::1", *extra}
    if bound in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
    return tuple(sorted(n.lower() for n in names if n))
