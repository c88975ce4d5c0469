"""Fixtures for the web tests: the real app with small limits, and a real server for Chromium.

Limits are set low so that each one can be hit cheaply (and so schemathesis cannot start a
large run): 3 replicas, 3,000 persons, 12 months, one run at a time.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webhelpers import free_port, small_settings

from accords.api import create_app


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return create_app(small_settings(tmp_path_factory.mktemp("store") / "runs.duckdb"))


@pytest.fixture(scope="module")
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1 and a free port, in a background thread."""
    app = create_app(small_settings(tmp_path_factory.mktemp("live") / "runs.duckdb"))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests save screenshots: $ACCORDS_ARTIFACTS or tests/api/artifacts/."""
    folder = Path(os.environ.get("ACCORDS_ARTIFACTS") or Path(__file__).parent / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
