"""The report in a real browser: charts drawn offline, no requests, fits a phone's width.

Uses the system Chromium (see STACK notes); skipped where it is not installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accords.report import render_report, write_report
from accords.store import RunRecord, RunStore

CHROMIUM = Path("/usr/lib/chromium/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium"),
]


def check(browser: Any, path: Path, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.main-svg').length >= 5")
    assert not errors, errors
    assert [u for u in requests if not u.startswith("file:")] == []
    for name in ("transfers", "capacity", "costs", "blocked", "wrongful"):
        box = page.locator(f"#chart-{name}").bounding_box()
        assert box is not None and box["height"] > 200, (name, box)
        assert box["width"] <= width, (name, box)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways at {width}px"
    page.close()


def test_the_report_renders_offline_on_a_wide_and_a_narrow_screen(
    tmp_path: Path, finished: tuple[RunStore, RunRecord]
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    store, record = finished
    path = tmp_path / "report.html"
    write_report(path, render_report(record, store.monthly(record.id)))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            for width in (1200, 390):
                check(browser, path, width)
        finally:
            browser.close()
