"""Same-origin web: foreign hosts, cross-site writes and inline code are refused.

A page on another site could post a form or a `text/plain` body to a local server (starting
runs), and a DNS name rebound to 127.0.0.1 could read its answers; a strict
Content-Security-Policy keeps any text that slipped into a page from running.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webhelpers import small_settings

from accords.api import create_app
from accords.api.security import inline_policy
from accords.commands.serve import allowed_hosts

EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = tmp_path_factory.mktemp("guarded") / "runs.duckdb"
    app = create_app(small_settings(store, allowed_hosts=("testserver", "127.0.0.1")))
    with TestClient(app) as client:
        yield client


def _runs(client: TestClient) -> int:
    return len(client.get("/api/simulations").json())


def test_a_text_plain_post_starts_no_run(guarded: TestClient) -> None:
    before = _runs(guarded)
    answer = guarded.post(
        "/api/simulations", content="name: x\n", headers={"content-type": "text/plain"}
    )
    assert answer.status_code == 415
    assert _runs(guarded) == before


@pytest.mark.parametrize(
    ("path", "form"),
    [("/api/simulations", None), ("/runs", {"scenario_text": ""}), ("/check", {"id": "a"})],
)
@pytest.mark.parametrize("header", ["origin", "referer"])
def test_cross_site_writes_are_refused(
    guarded: TestClient, path: str, form: dict[str, str] | None, header: str
) -> None:
    before = _runs(guarded)
    answer = guarded.post(path, data=form, headers={header: EVIL + "/page"})
    assert answer.status_code == 403 and answer.json()["type"] == "/problems/cross-site"
    assert _runs(guarded) == before


def test_same_origin_forms_still_work(guarded: TestClient) -> None:
    answer = guarded.post(
        "/check",
        data={"id": "a", "present_in": "USA", "date": "2025-06-01"},
        headers={"origin": "http://testserver"},
    )
    assert answer.status_code == 200


def test_foreign_hosts_are_refused(guarded: TestClient) -> None:
    assert guarded.get("/api/agreements", headers={"host": "rebound.example"}).status_code == 400
    assert guarded.get("/api/agreements", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_serve_answers_for_its_address_and_localhost_only() -> None:
    hosts = allowed_hosts("127.0.0.1", ["Proxy.Example"])
    assert set(hosts) == {"127.0.0.1", "localhost", "::1", "proxy.example"}


def test_every_page_has_a_strict_policy(guarded: TestClient) -> None:
    for url in ("/", "/agreements", "/agreements/usa-slv-2025", "/check", "/runs/new"):
        policy = guarded.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url


def test_templates_have_no_inline_script_style_or_handler() -> None:
    folder = Path(str(resources.files("accords.api") / "templates"))
    for template in folder.glob("*.html"):
        text = template.read_text("utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), template.name
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text), template.name


def test_a_self_contained_report_is_allowed_only_its_own_inline_parts() -> None:
    html = '<style>p{}</style><script>go()</script><div style="--h: 3px"></div>'
    policy = inline_policy(html)
    assert "'unsafe-inline'" not in policy and policy.count("'sha256-") == 3
    assert "script-src 'sha256-" in policy and "'unsafe-hashes'" in policy


def test_plotly_styles_are_files_under_the_ids_plotly_checks(guarded: TestClient) -> None:
    """plotly.js skips a style element whose id is in the page; each one it would insert is here."""
    page = guarded.get("/agreements/usa-slv-2025").text
    ids = re.findall(r'<link id="([^"]+)" class="no-inline-styles" rel="stylesheet"', page)
    assert "plotly.js-style-global" in ids and len(ids) >= 2
    for element_id in ids:
        sheet = guarded.get(f"/static/plotly-styles/{element_id}.css")
        assert sheet.status_code == 200 and "{" in sheet.text, element_id
    assert guarded.get("/static/plotly-styles/nothing.css").status_code == 404
