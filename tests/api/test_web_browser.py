"""End to end in Debian's Chromium (Playwright, sync API) against the real server.

The server is uvicorn on 127.0.0.1 and a free port (`live_server`); every request to any other
host is refused and recorded, so a page that needed a CDN would fail here. Screenshots go to
tests/api/artifacts/ (or $ACCORDS_ARTIFACTS) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from webhelpers import CHROMIUM, CHROMIUM_ARGS, planned_places

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
    ),
]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

TIMEOUT_MS = 30_000
# Assertions wait as long as actions do: on a loaded machine a page can take 10 s to arrive.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Tab:
    """A page that refuses other hosts and records console errors and outside requests."""

    def __init__(self, browser: object, base: str, width: int = 1280, height: int = 900) -> None:
        viewport = {"width": width, "height": height}
        self.context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.base = base
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.context.route("**/*", self._only_local)

    def _only_local(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlparse(url).hostname == "127.0.0.1":
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    def goto(self, path: str) -> object:
        return self.page.goto(self.base + path)

    def close(self) -> None:
        assert not self.outside, f"requests to other hosts: {self.outside}"
        assert not self.errors, f"console errors: {self.errors}"
        self.context.close()


@contextmanager
def opened(browser: object, base: str, width: int = 1280, height: int = 900) -> Iterator[Tab]:
    """A `Tab` of this size, checked and closed when the block ends."""
    tab = Tab(browser, base, width, height)
    try:
        yield tab
    finally:
        tab.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tab(browser: object, live_server: str) -> Iterator[Tab]:
    with opened(browser, live_server) as tab:
        yield tab


def fill_small_run(page: object, seed: str = "7") -> None:
    """The runner's run levers set to a run small enough to be quick (within the limits)."""
    for label, value in (
        ("Replicas", "2"),
        ("Seed", seed),
        ("Population size", "2000"),
        ("Horizon (months)", "6"),
    ):
        page.get_by_label(label).fill(value)  # type: ignore[attr-defined]


RUN_URL = re.compile(r"/runs/\d{8}-\d{6}-[0-9a-f]{6}$")


def start_run(page: object, started: Path | None = None) -> str:
    """Start the run the runner's form sets; its id, once its page shows the report (the page
    refreshes itself every 2 s until the run is done, then shows the report in it)."""
    page.get_by_role("button", name="Start the run").click()  # type: ignore[attr-defined]
    expect(page).to_have_url(RUN_URL)
    if started is not None:
        page.screenshot(path=str(started))  # type: ignore[attr-defined]
    chart = page.locator(".report .js-plotly-plot .main-svg").first  # type: ignore[attr-defined]
    expect(chart).to_be_visible(timeout=90_000)
    return str(page.url).rsplit("/", 1)[1]  # type: ignore[attr-defined]


def sideways(page: object) -> int:
    """How far the page scrolls sideways (0 or 1 when it fits the screen)."""
    return int(
        page.evaluate(  # type: ignore[attr-defined]
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


Box = tuple[float, float, float, float]


def box(locator: object) -> Box:
    """An element's box on the page: left, top, right, bottom."""
    found = locator.bounding_box()  # type: ignore[attr-defined]
    assert found is not None, f"{locator} is not drawn"
    return found["x"], found["y"], found["x"] + found["width"], found["y"] + found["height"]


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_agreement_list_and_the_us_el_salvador_page(tab: Tab, artifacts: Path) -> None:
    response = tab.goto("/agreements")
    assert response.status == 200  # type: ignore[attr-defined]
    page = tab.page
    expect(page.get_by_role("heading", name="Agreements", exact=True)).to_be_visible()
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 20
    page.screenshot(path=str(artifacts / "agreements.png"), full_page=True)

    page.locator("details.more-filters summary").click()
    page.get_by_label("Receiving state").select_option("SLV")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    page.get_by_role("link", name=re.compile("El Salvador")).first.click()
    expect(page).to_have_url(re.compile(r"/agreements/usa-slv-2025$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("El Salvador")
    chart = page.locator("#timeline-chart .main-svg").first
    expect(chart).to_be_visible()
    expect(page.get_by_role("heading", name="Claims, beside what was said about them later"))
    expect(page.locator("ol.sources li").first).to_be_visible()
    page.screenshot(path=str(artifacts / "agreement-usa-slv-2025.png"), full_page=True)
    page.screenshot(path=str(artifacts / "agreement-usa-slv-2025-top.png"))
    claims = page.locator("section", has=page.locator("#claims-h"))
    claims.locator(".thread").first.screenshot(path=str(artifacts / "agreement-claims.png"))


def test_pages_fit_a_narrow_screen(browser: object, live_server: str, artifacts: Path) -> None:
    with opened(browser, live_server, 375) as narrow:
        for path, name in (
            ("/agreements/usa-slv-2025", "agreement-narrow.png"),
            ("/check", "check-narrow.png"),
        ):
            narrow.goto(path)
            overflow = sideways(narrow.page)
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 375px wide"
            narrow.page.screenshot(path=str(artifacts / name), full_page=False)
        # the agreement's reported numbers and court rulings become cards: no table of them
        # needs its own sideways scrolling either
        narrow.goto("/agreements/usa-slv-2025")
        for section in ("numbers-h", "rulings-h"):
            inside = narrow.page.evaluate(  # type: ignore[attr-defined]
                f"(() => {{ const w = document.querySelector('[aria-labelledby={section}] "
                ".table-wrap'); return w.scrollWidth - w.clientWidth; })()"
            )
            assert inside <= 1, f"{section}: its table scrolls sideways by {inside}px"


def test_case_checker_explains_a_us_citizen(tab: Tab, artifacts: Path) -> None:
    tab.goto("/check")
    page = tab.page
    page.get_by_label("Present in (sending state)").select_option("USA")
    page.get_by_label("Date", exact=True).fill("2025-04-01")
    page.get_by_label("Citizenships").fill("USA")
    page.get_by_label("Serving a sentence").select_option("true")
    page.get_by_label("Criminal conviction").select_option("true")
    page.get_by_role("button", name="Check").click()
    expect(page).to_have_url(re.compile(r"/check\?.*present_in=USA.*citizenships=USA"))
    row = page.locator("table.overview tr", has_text="usa-slv-2025")
    expect(row.locator(".badge")).to_have_text("barred")
    expect(row).to_contain_text("citizen of the sending state")
    why = page.locator("#why-usa-slv-2025")
    why.locator("summary").click()
    expect(why.locator("li.outcome-fails").first).to_contain_text(
        "a state does not remove its own citizens"
    )
    expect(why.locator("li.outcome-passes").first).to_be_visible()  # passing checks too
    page.screenshot(path=str(artifacts / "check-us-citizen.png"), full_page=True)
    # The address is the permalink: loading it again gives the same overview.
    rows = page.locator("table.overview tbody tr").all_inner_texts()
    page.goto(page.url)
    assert page.locator("table.overview tbody tr").all_inner_texts() == rows


PERMALINK = "/check?present_in=USA&citizenships=USA&age=35&date=2025-04-01"


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_checker_overview_is_in_the_first_viewport(
    browser: object, live_server: str, artifacts: Path, width: int, height: int
) -> None:
    with opened(browser, live_server, width, height) as tab:
        tab.goto(PERMALINK)
        page = tab.page
        first_row = page.locator("table.overview tbody tr").first
        expect(first_row).to_be_in_viewport()
        assert page.locator("#results-h").bounding_box()["y"] < height / 4  # type: ignore[index]
        overflow = sideways(page)
        assert overflow <= 1, f"the result scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=str(artifacts / f"check-permalink-{width}x{height}.png"))


def test_small_scenario_runs_and_its_charts_are_drawn(tab: Tab, artifacts: Path) -> None:
    tab.goto("/runs/new")
    page = tab.page
    fill_small_run(page)
    start_run(page, started=artifacts / "run-started.png")
    report = page.locator(".report")
    assert page.locator("iframe").count() == 0
    page.screenshot(path=str(artifacts / "run-done.png"), full_page=True)
    report.locator(".js-plotly-plot").first.screenshot(path=str(artifacts / "run-chart.png"))
    expect(page.get_by_role("heading", name="Every total")).to_be_visible()
    expect(page.get_by_text("transferred: all destinations").first).to_be_visible()
    tab.goto("/runs")
    expect(page.locator("table.list tbody tr").first).to_contain_text("done")


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_search_finds_el_salvador_by_name(
    browser: object, live_server: str, artifacts: Path, width: int, height: int
) -> None:
    with opened(browser, live_server, width, height) as tab:
        page = tab.page
        tab.goto("/agreements")
        page.get_by_role("searchbox", name="Search").fill("El Salvador")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/agreements\?.*q=El\+Salvador"))
        first = page.locator("table.list tbody tr").first
        expect(first).to_contain_text("usa-slv-2025")
        expect(first.locator("ul.matches")).to_contain_text("parties: El Salvador (SLV)")
        expect(page.get_by_role("link", name="CSV").first).to_have_attribute(
            "href", re.compile(r"/agreements\.csv\?.*q=El\+Salvador")
        )
        page.get_by_role("link", name=re.compile("^Kind")).click()
        expect(page).to_have_url(re.compile(r"sort=kind"))
        expect(page.locator("table.list tbody tr").first).to_be_visible()
        page.screenshot(path=str(artifacts / f"agreements-search-{width}.png"), full_page=False)


def test_api_docs_load_offline(tab: Tab, artifacts: Path) -> None:
    tab.goto("/agreements")
    tab.page.get_by_role("link", name="API docs").click()
    expect(tab.page).to_have_url(re.compile(r"/docs$"))
    expect(tab.page.locator(".swagger-ui .opblock").first).to_be_visible()
    tab.page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
    # Under the pages' Content-Security-Policy a call still runs from the docs (a blocked
    # script or style would be a console error, which the tab refuses on closing).
    tab.page.locator(".swagger-ui .opblock-summary").first.click()
    tab.page.get_by_role("button", name="Try it out").click()
    tab.page.get_by_role("button", name="Execute").click()
    status = tab.page.locator(".swagger-ui .live-responses-table tr.response .response-col_status")
    expect(status).to_have_text("200")


def _start_small_run(tab: Tab, seed: str) -> str:
    """Start a small run from the runner's form; its id, once its page shows the report."""
    tab.goto("/runs/new")
    fill_small_run(tab.page, seed)
    return start_run(tab.page)


def test_two_runs_compared_from_a_run_page(
    browser: object, live_server: str, artifacts: Path
) -> None:
    with opened(browser, live_server) as tab:
        first = _start_small_run(tab, "7")
        second = _start_small_run(tab, "8")
        page = tab.page
        page.get_by_label("Compare with run").select_option(first)
        page.get_by_role("button", name="Compare").click()
        expect(page).to_have_url(re.compile(rf"/runs/compare\?a={second}&b={first}$"))
        expect(page.get_by_role("heading", name="Run A against run B")).to_be_visible()
        expect(page.locator("pre.diff .removed")).to_contain_text("seed: 8")
        expect(page.locator("pre.diff .added")).to_contain_text("seed: 7")
        charts = page.locator(".plotly-chart .main-svg")
        expect(charts.first).to_be_visible()
        assert charts.count() >= 6  # overlaid and difference charts, each drawn
        page.screenshot(path=str(artifacts / "runs-compare.png"), full_page=True)
    with opened(browser, live_server, 390) as narrow:
        narrow.goto(f"/runs/compare?a={first}&b={second}")
        expect(narrow.page.locator(".plotly-chart .main-svg").first).to_be_visible()
        overflow = sideways(narrow.page)
        assert overflow <= 1, f"the compare page scrolls sideways by {overflow}px at 390px wide"
        narrow.page.screenshot(path=str(artifacts / "runs-compare-narrow.png"), full_page=True)


def test_levers_set_in_the_runner_change_the_run_page(
    browser: object, live_server: str, artifacts: Path
) -> None:
    """El Salvador's places and the share of transfers challenged in court, moved in the form,
    change what the run's page shows: at most that many held, and no court blocks."""
    with opened(browser, live_server) as tab:
        tab.goto("/runs/new")
        page = tab.page
        fill_small_run(page)
        el_salvador = page.locator(".lever", has_text="El Salvador")
        places = el_salvador.get_by_label("Places")
        planned = planned_places("usa-slv-2025")  # pre-filled as the scenario runs it
        expect(places).to_have_value("" if planned is None else str(planned))
        if planned is not None:
            expect(el_salvador).to_contain_text("Registry: El Salvador Now")  # its source
        places.fill("5")
        page.get_by_text("Courts, pipeline and record errors").click()
        challenged = page.get_by_label("Transfers challenged in court (%)")
        expect(challenged).to_have_value("15")
        challenged.fill("0")
        page.screenshot(path=str(artifacts / "runner-levers.png"), full_page=True)
        start_run(page)
        report = page.locator(".report")
        capacity = report.locator("#capacity")
        capacity.get_by_text("The figures behind this chart").click()
        row = capacity.locator("tr", has_text="El Salvador (2025)")  # named in words
        expect(row.locator("td").first).to_have_text("5")  # its places, as set
        peak = row.locator("td").last.inner_text()  # the most it held at once (p95)
        assert int(peak) <= 5, peak
        # no transfer is challenged, so none is blocked by a court: folded away, and named
        zero = report.locator("#glance details.zero-rows summary")
        expect(zero).to_contain_text("zero in every replica")
        expect(zero).to_contain_text("and are folded: transfers blocked by a court")
        expect(page.locator("pre", has_text="share_challenged: 0.0")).to_have_count(1)
        page.screenshot(path=str(artifacts / "run-levers.png"), full_page=True)
        run_url = page.url
    with opened(browser, live_server, **PHONE) as narrow:
        narrow.page.goto(run_url)
        expect(narrow.page.locator(".report .js-plotly-plot .main-svg").first).to_be_visible()
        overflow = sideways(narrow.page)
        assert overflow <= 1, f"the run page scrolls sideways by {overflow}px at 390px wide"
        narrow.page.screenshot(path=str(artifacts / "run-levers-narrow.png"))


def last_month_is_drawn(chart: object, month: str) -> None:
    """The month axis names the run's last month at its right edge, inside the chart (plotly
    hides a tick label that would run past the figure's edge)."""
    last = chart.locator(".xtick").last  # type: ignore[attr-defined]
    expect(last).to_have_text(month)
    expect(last).to_be_visible()
    drawn = box(chart.locator(".main-svg").first)  # type: ignore[attr-defined]
    assert box(last)[2] <= drawn[2], (box(last), drawn)


def test_a_cap_set_in_the_runner_changes_the_run_page(
    browser: object, live_server: str, artifacts: Path
) -> None:
    """El Salvador's total ("accept up to 300"), lowered in the form, is what the run's page
    shows it took: 20 in every replica."""
    with opened(browser, live_server) as tab:
        tab.goto("/runs/new")
        page = tab.page
        fill_small_run(page)
        caps = page.locator(".lever", has_text="El Salvador").locator("details.lever-caps")
        total = caps.get_by_label("Most people sent in all")
        expect(total).to_be_visible()  # open: the agreement has a cap
        expect(total).to_have_value("300")  # pre-filled as the scenario runs it
        expect(caps.locator(".origin").first).to_contain_text("Registry: ")  # its source
        total.fill("20")
        caps.screenshot(path=str(artifacts / "runner-caps.png"))
        page.screenshot(path=str(artifacts / "runner-1280x900.png"))
        start_run(page)
        row = page.locator("table.totals tr", has_text="transferred: El Salvador (2025)")
        expect(row.locator("td")).to_have_text(["20", "20", "20"])  # p5, p50, p95
        expect(page.locator("pre", has_text="total_transfers: 20")).to_have_count(1)
        page.screenshot(path=str(artifacts / "run-cap-1280x900.png"))
        months = page.locator("#capacity .xtick").all_text_contents()
        assert len(months) >= 5 and len(set(months)) == len(months), months  # each month once
        last_month_is_drawn(page.locator("#capacity .js-plotly-plot").first, "Jul 2025")
        run_url = page.url
    with opened(browser, live_server, **PHONE) as phone:
        phone.page.goto(run_url)
        last_month_is_drawn(phone.page.locator("#transfers .js-plotly-plot").first, "Jul 2025")
        for path, name in (("/runs/new", "runner"), (run_url, "run-cap")):
            phone.page.goto(path if path.startswith("http") else live_server + path)
            assert sideways(phone.page) <= 1, f"{path} scrolls sideways at 390px wide"
            phone.page.screenshot(path=str(artifacts / f"{name}-390x844.png"))
        capacity = phone.page.locator("#capacity .js-plotly-plot")
        expect(capacity.locator(".main-svg").first).to_be_visible()
        capacity.scroll_into_view_if_needed()
        capacity.screenshot(path=str(artifacts / "run-cap-capacity-390.png"))
        # its legend runs into neither its panel's title nor the month axis
        legend = box(capacity.locator("g.legend"))
        for other in (capacity.locator(".annotation-text").first, capacity.locator(".xtick").last):
            assert not overlap(legend, box(other)), (legend, box(other))
