"""Cite this: every citable page names its permalink, the accords version and the data version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

import accords
from accords.api import create_app
from accords.api.settings import Settings
from accords.citing import cite_answer
from accords.registry.loader import load_registry


def test_a_citation_names_code_data_link_and_day() -> None:
    cited = cite_answer(
        "A {tricky} title \\ here",
        "http://x.example/a?b=1",
        "abc (sources to 2026-06-11)",
        date(2026, 12, 2),
    )
    assert "accords " + accords.__version__ in cited.text
    assert "abc (sources to 2026-06-11)" in cited.text and "http://x.example/a?b=1" in cited.text
    assert "accessed 2026-12-02" in cited.text
    body = cited.bibtex.replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}")  # a title's braces cannot break the entry
    assert cited.bibtex.startswith("@misc{accords-a-tricky-title")


def test_agreement_check_and_changes_pages_can_be_cited(tmp_path: Path) -> None:
    version = str(load_registry().version)
    with TestClient(create_app(Settings(db=tmp_path / "runs.duckdb"))) as client:
        for url in (
            "/agreements/usa-slv-2025",
            "/check?id=a&present_in=USA&citizenships=VEN&final_removal_order=true&date=2025-07-01",
            "/agreements/usa-slv-2025/changes?from=2025-02-03&to=2025-03-16",
        ):
            page = client.get(url)
            assert page.status_code == 200, url
            assert "Cite this" in page.text and "@misc{" in page.text, url
            assert version in page.text, url
            assert "http://testserver" + url.split("?")[0] in page.text, url
