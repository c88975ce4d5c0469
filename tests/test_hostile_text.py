"""User text is text: markup, ANSI escapes, bidi overrides and HTML in every free-text field of
a person, an agreement, a scenario and a run name are shown as written, never interpreted.

Each command and page that shows such a field is run on data carrying `HOSTILE`. The terminal
must neither crash (an unbalanced `[/]` once did) nor pass an escape sequence or U+202E
through; a page must neither run nor render the HTML and must show the controls as escapes.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML

from accords.api import create_app
from accords.api.settings import Settings
from accords.registry.loader import default_agreements_dir
from accords.simulation.scenario import default_scenario_path

HOSTILE = "[/]\x1b[31m[bold green]permitted[/]\u202eLIVE<script>alert(1)</script><b>&"
# What must never reach a terminal: the raw escape and the raw override; a page: live HTML too.
RAW = ("\x1b", "\u202e")
LIVE_HTML = ("<script>alert", "<b>")
# What must appear instead: the text as written, with the controls as escapes.
SHOWN = ("[/]\\x1", "\\x1b[31m", "\\u202eLIVE", "[bold green]permitted[/]")

# Free-text fields of an agreement (and of its facts, sources, claims and rulings).
AGREEMENT_TEXT = {
    "title", "summary", "label", "quote", "note", "name", "role", "words", "holding",
    "court", "case", "location", "by", "description", "publisher", "original", "unit",
}  # fmt: skip


def _shown(text: str, *, html: bool = False, shows: bool = True) -> None:
    """No raw control (or live HTML) in `text`, and (if `shows`) the hostile text shown."""
    for raw in RAW + (LIVE_HTML if html else ()):
        assert raw not in text, f"{raw!r} reached the output"
    # Tables wrap long cells: compare without the line breaks, spaces and borders.
    flat = "".join(ch for ch in text if not ch.isspace() and not "\u2500" <= ch <= "\u257f")
    assert not shows or any(s in flat for s in SHOWN), "the hostile text is not shown at all"


def _poison(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (v + HOSTILE if k in AGREEMENT_TEXT and isinstance(v, str) else _poison(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_poison(item) for item in node]
    return node


@pytest.fixture(scope="module")
def hostile_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped US–El Salvador agreement with `HOSTILE` appended to every text field."""
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load((default_agreements_dir() / "usa-slv-2025.yaml").read_text("utf-8"))
    folder = tmp_path_factory.mktemp("hostile-registry")
    (folder / "usa-slv-2025.yaml").write_text(json.dumps(_poison(data), default=str), "utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_person(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile-person") / "person.json"
    person = {
        "id": HOSTILE,
        "present_in": "USA",
        "citizenships": ["HND"],
        "immigration_status": HOSTILE,
        "final_removal_order": True,
    }
    path.write_text(json.dumps(person), "utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(default_scenario_path().read_text("utf-8"))
    data.update(name=HOSTILE, description=HOSTILE, replicas=1, horizon_months=3, seed=1)
    data["population"]["synthetic"]["size"] = 300
    path = tmp_path_factory.mktemp("hostile-scenario") / "scenario.json"
    path.write_text(json.dumps(data, default=str), "utf-8")
    return path


def _cli(invoke: Any, *args: str | Path) -> str:
    result = invoke(*args, expect=0)
    return str(result.stdout) + str(result.stderr)


def test_terminal_shows_a_hostile_person(invoke: Any, hostile_person: Path) -> None:
    _shown(_cli(invoke, "check", hostile_person, "--date", "2025-06-01"))


def test_terminal_shows_a_hostile_agreement(
    invoke: Any, hostile_registry: Path, hostile_person: Path
) -> None:
    reg = ("--registry", hostile_registry)
    _shown(_cli(invoke, "agreements", "list", *reg), shows=False)  # ids and codes only
    for args in (
        ("agreements", "show", "usa-slv-2025", *reg),
        ("agreements", "show", "usa-slv-2025", "--as-known-on", "2025-06-01", *reg),
        ("agreements", "show", "usa-slv-2025", "--section", "terms", *reg),
        ("agreements", "show", "usa-slv-2025", "--section", "claims", *reg),
        ("agreements", "search", "El Salvador", *reg),
        ("check", hostile_person, "--date", "2025-06-01", *reg),
    ):
        _shown(_cli(invoke, *args))


def test_terminal_shows_a_hostile_run(
    invoke: Any, hostile_scenario: Path, db: Path, tmp_path: Path
) -> None:
    _shown(_cli(invoke, "simulate", hostile_scenario, "--out", tmp_path / "out", "--workers", "1"))
    listed = _cli(invoke, "runs", "list")
    _shown(listed)
    run_id = json.loads(invoke("runs", "list", "--json", expect=0).stdout)[0]["id"]
    _shown(_cli(invoke, "runs", "show", run_id))
    invoke("runs", "report", run_id, "--out", tmp_path / "report.html", expect=0)
    _shown((tmp_path / "report.html").read_text("utf-8"), html=True)


def test_pages_show_a_hostile_agreement_and_person(
    hostile_registry: Path, hostile_person: Path, tmp_path: Path
) -> None:
    settings = replace(Settings(db=tmp_path / "runs.duckdb"), registry=hostile_registry)
    with TestClient(create_app(settings)) as client:
        for url in (
            "/agreements",
            "/agreements?q=El+Salvador",
            "/agreements/usa-slv-2025",
            "/compare?ids=usa-slv-2025",
        ):
            page = client.get(url)
            assert page.status_code == 200, url
            _shown(page.text, html=True)
        person = json.loads(hostile_person.read_text("utf-8"))
        form = {**person, "citizenships": "HND", "final_removal_order": "true"}
        _shown(client.post("/check", data={**form, "date": "2025-06-01"}).text, html=True)


def test_pages_show_a_hostile_run(hostile_scenario: Path, tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "runs.duckdb"))) as client:
        started = client.post(
            "/api/simulations",
            content=hostile_scenario.read_bytes(),
            headers={"content-type": "application/json"},
        )
        assert started.status_code == 202, started.text
        run_id = started.json()["id"]
        assert client.app.state.runs.wait(60)  # type: ignore[attr-defined]
        for url in ("/runs", f"/runs/{run_id}", f"/runs/{run_id}/report"):
            page = client.get(url)
            assert page.status_code == 200, url
            _shown(page.text, html=True)
