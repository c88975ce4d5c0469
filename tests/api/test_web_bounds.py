"""One request cannot hold up the others: documents are read off the event loop, bounded.

A scenario or person is parsed and validated in a worker thread with a time bound
(`Settings.parse_seconds`); the readers' own limits refuse an alias bomb or deep nesting at
once; /api/evaluate counts rows before decoding and streams its JSON answer.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from webhelpers import small_settings

import accords.api.cases as cases_api
import accords.api.simulations as simulations_api
from accords.api import create_app

BOMB = "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, n in zip(["", *"abcdef"], "abcdefg", strict=True)
)
PARQUET = "application/vnd.apache.parquet"


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = tmp_path_factory.mktemp("bounded") / "runs.duckdb"
    app = create_app(small_settings(store, parse_seconds=1))
    with TestClient(app) as client:
        yield client


def test_an_alias_bomb_is_a_422_over_the_api_and_the_form(bounded: TestClient) -> None:
    api = bounded.post(
        "/api/simulations", content=BOMB, headers={"content-type": "application/yaml"}
    )
    assert api.status_code == 422 and "aliases" in api.json()["detail"]
    form = bounded.post("/runs", data={"scenario_text": BOMB})
    assert form.status_code == 422 and "aliases" in form.text


def test_deep_json_person_is_a_422(bounded: TestClient) -> None:
    body = '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}"
    answer = bounded.post("/api/check", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422


def test_a_slow_document_neither_blocks_the_server_nor_runs_past_its_bound(
    bounded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(30)
        raise AssertionError("released")

    monkeypatch.setattr(simulations_api, "prepare_scenario", slow)
    answers: list[Any] = []
    poster = threading.Thread(
        target=lambda: answers.append(
            bounded.post(
                "/api/simulations",
                content="name: x\n",
                headers={"content-type": "application/yaml"},
            )
        )
    )
    poster.start()
    try:
        assert entered.wait(30), "the scenario was never read"
        # While that document is being read, the server answers others.
        assert bounded.get("/api/agreements").status_code == 200
        poster.join(30)
        assert answers and answers[0].status_code == 422
        assert "parse_seconds" in answers[0].json()["detail"]
    finally:
        release.set()
        poster.join(30)


def _parquet(rows: int) -> bytes:
    frame = pl.DataFrame({"id": [f"p{i}" for i in range(rows)], "present_in": ["USA"] * rows})
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["people.parquet", "people.csv"])
def test_rows_are_counted_before_decoding(bounded: TestClient, name: str) -> None:
    data = _parquet(51)
    if name.endswith(".csv"):
        data = pl.read_parquet(io.BytesIO(data)).write_csv().encode()
    answer = bounded.post("/api/evaluate", files={"population": (name, data, "text/plain")})
    assert answer.status_code == 413 and "51" in answer.json()["detail"]


def test_evaluate_streams_the_verdicts_as_one_json_document(
    bounded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases_api, "SLICE_ROWS", 7)  # several slices, the last one short
    answer = bounded.post(
        "/api/evaluate?date=2025-06-01",
        files={"population": ("people.parquet", _parquet(50), PARQUET)},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["persons"] == 50 and len(body["verdicts"]) == body["cases"] > 0
    assert sum(c["count"] for c in body["counts"]) == body["cases"]
    assert set(body["verdicts"][0]) == {
        "person_id", "agreement", "verdict", "reasons", "fail_mask", "unknown_mask"
    }  # fmt: skip
