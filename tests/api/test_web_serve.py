"""`accords serve` binds its port before it says it serves: a port in use is one clear error."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
import uvicorn
from typer.testing import Result

Invoke = Callable[..., Result]  # the `invoke` fixture of tests/conftest.py


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[list[socket.socket]]:
    """The sockets serve hands to uvicorn, recorded instead of served on."""
    calls: list[list[socket.socket]] = []

    def run(self: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        calls.append(list(sockets or []))
        self.started = True

    def run_unbound(*args: object, **kwargs: object) -> None:
        raise AssertionError("uvicorn was left to bind the port itself")

    monkeypatch.setattr(uvicorn.Server, "run", run)
    monkeypatch.setattr(uvicorn, "run", run_unbound)
    return calls


def test_a_port_in_use_is_an_error_before_serving_is_announced(
    invoke: Invoke, tmp_path: Path, handed: list[list[socket.socket]]
) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = invoke("serve", "--port", str(port), "--db", tmp_path / "runs.duckdb", expect=2)
    assert result.stderr == (
        f"error: port {port} is already in use on 127.0.0.1; choose another with --port\n"
    )
    assert "serving" not in result.stdout
    assert handed == []


def test_a_free_port_is_bound_then_announced_then_served(
    invoke: Invoke, tmp_path: Path, handed: list[list[socket.socket]]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = invoke("serve", "--port", str(port), "--db", tmp_path / "runs.duckdb", expect=0)
    assert f"serving on http://127.0.0.1:{port}/" in result.stdout
    (sockets,) = handed
    try:
        assert [s.getsockname() for s in sockets] == [("127.0.0.1", port)]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # listening already: the port is ours from before the announcement
    finally:
        for sock in sockets:
            sock.close()


def test_a_host_that_is_not_this_machines_is_named(
    invoke: Invoke, tmp_path: Path, handed: list[list[socket.socket]]
) -> None:
    result = invoke(
        "serve", "--host", "192.0.2.1", "--port", "8000", "--db", tmp_path / "runs.duckdb",
        expect=2,
    )
    assert result.stderr == "error: --host 192.0.2.1: not an address of this machine\n"
    assert handed == []
