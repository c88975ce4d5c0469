"""The HTML pages through the real app: what a reader without JavaScript gets."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from webhelpers import SMALL_RUN, planned_places, wait_for_run, wait_until_idle

import accords
from accords.simulation.scenario import Overrides, load_scenario


class Inventory(HTMLParser):
    """The page's links, scripts, ids and form controls with whether each has a label."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.ids: set[str] = set()
        self.labelled: set[str] = set()
        self.controls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if tag == "script" and a.get("src"):
            self.scripts.append(str(a["src"]))
        if tag == "label" and a.get("for"):
            self.labelled.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(str(a.get("id") or a.get("name")))


def inventory(html: str) -> Inventory:
    parser = Inventory()
    parser.feed(html)
    return parser


def assert_accessible(html: str) -> Inventory:
    """Every control labelled, one main landmark, the language set, nothing from a CDN."""
    page = inventory(html)
    unlabelled = [c for c in page.controls if c not in page.labelled]
    assert not unlabelled, f"controls without a <label for>: {unlabelled}"
    assert '<html lang="en">' in html
    assert html.count('<main id="main">') == 1
    assert 'name="viewport"' in html
    assert not [s for s in page.scripts if not s.startswith("/")], page.scripts
    return page


def test_home_links_every_section(client: TestClient) -> None:
    page = assert_accessible(client.get("/").text)
    for href in ("/agreements", "/compare", "/check", "/runs/new", "/runs"):
        assert href in page.links


def test_agreement_list_and_filters(client: TestClient) -> None:
    html = client.get("/agreements").text
    page = assert_accessible(html)
    for agreement_id in accords.load_registry().ids:
        assert f"/agreements/{agreement_id}" in page.links
    filtered = client.get("/agreements", params={"sender": "GBR", "kind": "", "status": ""}).text
    links = [h for h in inventory(filtered).links if h.startswith("/agreements/")]
    assert links == ["/agreements/gbr-rwa-2022"]
    bad = client.get("/agreements", params={"kind": "treaty"})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]
    assert "kind" in bad.text


def test_agreement_page_cites_every_source(client: TestClient) -> None:
    html = client.get("/agreements/usa-slv-2025").text
    page = assert_accessible(html)
    agreement = accords.load_registry().get("usa-slv-2025")
    for change in agreement.status:
        for source in change.sources:
            assert source.url in page.links
    cited = set(re.findall(r'href="#(src-\d+)"', html))
    assert cited and cited <= page.ids  # every footnote has its source
    assert 'id="timeline-chart"' in html and "/static/plotly.min.js" in page.scripts
    # claims beside what answered them
    assert "rubio-us-citizens" in html
    thread = html.split('class="thread"')[1]
    assert "we have a constitution" in thread.lower() or "answers rubio-us-citizens" in thread


def test_agreement_page_views(client: TestClient) -> None:
    known = client.get("/agreements/usa-slv-2025", params={"as_known_on": "2025-02-03"}).text
    assert "source(s) made public later are hidden" in known
    held = client.get("/agreements/usa-slv-2025", params={"on": "2025-06-01"}).text
    assert "Only the terms and rulings that held on 2025-06-01" in held
    missing = client.get("/agreements/nope")
    assert missing.status_code == 404 and "<h1>404" in missing.text


def test_compare_page(client: TestClient) -> None:
    html = client.get("/compare", params={"ids": ["usa-slv-2025", "gbr-rwa-2022"]}).text
    assert_accessible(html)
    assert "Side by side" in html
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert "usa-slv-2025" in header and "gbr-rwa-2022" in header
    assert ">El Salvador (2025)</a>" in header  # headed by the agreements' names, ids beside
    assert "Choose two" in client.get("/compare", params={"ids": ["usa-slv-2025", ""]}).text


def test_case_checker_explains_with_citations(client: TestClient) -> None:
    form = client.get("/check").text
    assert_accessible(form)
    assert 'method="get" action="/check"' in form  # the address bar is the permalink
    response = client.get(
        "/check",
        params={
            "present_in": "USA",
            "date": "2025-04-01",
            "agreement": "usa-slv-2025",
            "citizenships": "USA",
            "serving_sentence": "true",
            "age": "34",
        },
    )
    html = response.text
    assert_accessible(html)
    assert "citizen of the sending state" in html  # the decisive reason in words
    assert 'title="citizen_of_sender"' in html  # the code kept for those who script
    assert "verdict-barred" in html
    assert "a state does not remove its own citizens" in html
    assert "Afroyim v. Rusk" in html
    # The answer comes first, in a sentence; the table, then the form (folded), after it.
    assert "Could not be sent under the one agreement: barred by law or a court under 1." in html
    assert html.index('class="answer"') < html.index('class="overview"')
    assert html.index('class="overview"') < html.index('<form class="case"')
    assert 'id="permalink"' in html and "/check.json?" in html and "/check.csv?" in html


def test_a_posted_form_is_answered_at_its_permalink(client: TestClient) -> None:
    response = client.post(
        "/check",
        data={"id": "c", "present_in": "USA", "citizenships": "USA, VEN", "age": "34", "sex": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/check?id=c&present_in=USA&citizenships=USA;VEN&age=34"


def test_case_checker_shows_errors_beside_the_form(client: TestClient) -> None:
    response = client.get(
        "/check", params={"id": "c", "present_in": "USA", "citizenships": "XYZ", "age": "old"}
    )
    assert response.status_code == 422
    assert "citizenships[0]" in response.text and "age" in response.text
    assert 'value="XYZ"' in response.text  # what was typed is kept


def test_case_checker_refuses_an_unknown_parameter(client: TestClient) -> None:
    response = client.get("/check", params={"present_in": "USA", "citizenship": "USA"})
    assert response.status_code == 422
    assert "citizenship" in response.text and "not a field of the case" in response.text
    assert client.get("/check.json", params={"present_in": "USA", "colour": "x"}).status_code == 422


def test_runner_starts_a_run_and_lands_on_its_page(client: TestClient) -> None:
    assert_accessible(client.get("/runs/new").text)
    wait_until_idle(client)
    response = client.post(
        "/runs", data={k: str(v) for k, v in SMALL_RUN.items()}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = response.headers["location"]
    run_id = page.rsplit("/", 1)[1]
    running = client.get(page).text
    if "running" in running:
        assert 'http-equiv="refresh"' in running
    assert wait_for_run(client, run_id)["status"] == "done"
    done = client.get(page).text
    assert 'http-equiv="refresh"' not in done
    # the report in the page itself (no inner frame), its charts as figure JSON for charts.js
    assert "<iframe" not in done and 'id="h-glance">At a glance</h2>' in done
    assert 'class="chart plotly-chart"' in done and 'src="/static/charts.js"' in done
    assert "<script>" not in done and "style=" not in done and "<style" not in done
    assert "transferred: all destinations" in done  # every total, in words
    report = client.get(f"/runs/{run_id}/report")
    assert report.status_code == 200 and "Plotly.newPlot" in report.text
    assert run_id in client.get("/runs").text
    assert client.get("/api/simulations/" + run_id).json()["source"] == "web"


def test_runner_errors_are_shown(client: TestClient) -> None:
    over = client.post("/runs", data={**{k: str(v) for k, v in SMALL_RUN.items()}, "replicas": "9"})
    assert over.status_code == 422 and "max_replicas" in over.text
    typo = client.post("/runs", data={"replicas": "two"})
    assert typo.status_code == 422 and "expected a whole number" in typo.text
    broken = client.post("/runs", files={"scenario_file": ("s.yaml", b"name: [", "text/yaml")})
    assert broken.status_code == 422 and "line" in broken.text


def test_default_scenario_download(client: TestClient) -> None:
    response = client.get("/runs/default.yaml")
    assert response.status_code == 200 and "ASSUMPTION" in response.text


def _small_run(client: TestClient, **changes: str) -> str:
    wait_until_idle(client)
    data = {**{k: str(v) for k, v in SMALL_RUN.items()}, **changes}
    response = client.post("/runs", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    run_id = response.headers["location"].rsplit("/", 1)[1]
    assert wait_for_run(client, run_id)["status"] == "done"
    return run_id


def test_two_runs_compared_in_the_browser(client: TestClient) -> None:
    a, b = _small_run(client), _small_run(client, seed="8", horizon_months="5")
    run_page = client.get(f"/runs/{a}").text
    assert 'action="/runs/compare"' in run_page and f'value="{b}"' in run_page
    assert "/runs/compare" in inventory(client.get("/runs").text).links
    chooser = client.get("/runs/compare")
    assert chooser.status_code == 200 and "Choose two finished runs" in chooser.text
    assert_accessible(chooser.text)
    html = client.get("/runs/compare", params={"a": a, "b": b}).text
    page = assert_accessible(html)
    assert f"/runs/{a}" in page.links and f"/runs/{b}" in page.links
    summary_a = client.get(f"/api/simulations/{a}/summary").json()
    people = round(summary_a["totals"]["transfers[all]"]["p50"])
    assert f"{people:,}" in html  # run A's median transfers, as a whole number
    listed = client.get("/runs").text  # the runs list shows each run's headline figures
    assert re.search(rf'data-label="Transferred">{people:,} \(', listed)
    # the scenario diff names both changed values, marked as removed (A) and added (B)
    assert '<span class="removed">-seed: 7</span>' in html
    assert '<span class="added">+seed: 8</span>' in html
    assert '<span class="added">+horizon_months: 5</span>' in html
    # overlaid and difference charts as figure JSON for /static/charts.js, no inline script
    assert html.count('class="plotly-chart"') >= 6 and "month by month" in html
    assert "<script>" not in html and "style=" not in html
    missing = client.get("/runs/compare", params={"a": a, "b": "20250101-000000-abcdef"})
    assert missing.status_code == 404


MINE = """\
name: mine
sender: USA
start: 2025-04
horizon_months: 3
population: {synthetic: {size: 300, calibration: usa-fy2024}}
agreements: [{id: usa-gtm-2025}]
"""


def test_runner_compares_without_a_ticked_agreement(client: TestClient) -> None:
    form = client.get("/runs/new").text
    assert 'name="compare_without" type="checkbox" value="usa-slv-2025"' in form
    run_id = _small_run(client, compare_without="usa-slv-2025")
    summary = client.get(f"/api/simulations/{run_id}/summary").json()
    assert summary["comparison"]["without"] == ["usa-slv-2025"]
    assert "With and without El Salvador (2025)" in client.get(f"/runs/{run_id}/report").text
    wrong = client.post(
        "/runs",
        data={
            **{k: str(v) for k, v in SMALL_RUN.items()},
            "scenario_text": MINE,
            "compare_without": "usa-slv-2025",
        },
    )
    assert wrong.status_code == 422 and "compare_without[0]" in wrong.text
    assert 'value="usa-slv-2025" checked' in wrong.text  # what was ticked stays ticked


def test_the_places_lever_changes_the_run(client: TestClient) -> None:
    form = client.get("/runs/new").text
    # pre-filled with what the scenario runs (the registry's figure), its source beside it,
    # and the pre-filled text
    planned = planned_places("usa-slv-2025")
    shown = "" if planned is None else str(planned)
    assert re.search(r'id="places-usa-slv-2025" name="places-usa-slv-2025" type="number" '
                     rf'value="{shown}"', form)
    assert f'name="was-places-usa-slv-2025" value="{shown}"' in form
    if planned is not None:
        assert "Registry: El Salvador Now" in form
    run_id = _small_run(client, **{"places-usa-slv-2025": "2"})
    summary = client.get(f"/api/simulations/{run_id}/summary").json()
    assert summary["totals"]["stock_peak[usa-slv-2025]"]["p95"] <= 2
    page = client.get(f"/runs/{run_id}").text
    assert "places: 2" in page  # the scenario as run, on the run page
    wrong = client.post(
        "/runs",
        data={
            **{k: str(v) for k, v in SMALL_RUN.items()},
            "scenario_text": MINE,
            "places-usa-slv-2025": "4",
        },
    )
    assert wrong.status_code == 422 and "places[usa-slv-2025]" in wrong.text
    assert 'value="4"' in wrong.text  # what was typed stays


def test_a_cap_lever_changes_the_run(client: TestClient) -> None:
    form = client.get("/runs/new").text
    # pre-filled with the registry's total ("accept up to 300"), its source beside it
    assert re.search(r'id="total_transfers-usa-slv-2025" name="total_transfers-usa-slv-2025" '
                     r'type="number" value="300"', form)
    assert re.search(r'id="total_transfers-usa-slv-2025-origin"[^>]*>Registry: ', form)
    run_id = _small_run(client, **{"total_transfers-usa-slv-2025": "20"})
    scenario = client.get(f"/api/simulations/{run_id}").json()["scenario_yaml"]
    assert "total_transfers: 20" in scenario
    summary = client.get(f"/api/simulations/{run_id}/summary").json()
    sent = summary["totals"]["transfers[usa-slv-2025]"]
    assert (sent["p5"], sent["p95"]) == (20, 20)  # 77 or so without it, in these 6 months
    # an emptied cap keeps the scenario's: the run is the form's run without the cap
    kept = _small_run(client, **{"total_transfers-usa-slv-2025": "", "was-total_transfers-"
                                 "usa-slv-2025": "300"})
    record = client.get(f"/api/simulations/{kept}").json()
    expected = Overrides(**SMALL_RUN).apply(load_scenario())  # type: ignore[arg-type]
    assert record["scenario_hash"] == expected.digest()


def test_the_box_lifting_the_caps_reaches_the_run_and_its_page(client: TestClient) -> None:
    form = client.get("/runs/new").text
    assert "Caps on transfers to El Salvador (2025)" in form  # words, not its id
    assert "Dates and prices: El Salvador (2025)" in form
    assert "Caps on transfers to usa-slv-2025" not in form
    # unticked, with the hidden twin that sends "" when it is
    assert re.search(r'<input type="hidden" name="unlimited_transfers-usa-slv-2025" value="">\s*'
                     r'<input id="unlimited_transfers-usa-slv-2025" '
                     r'name="unlimited_transfers-usa-slv-2025" type="checkbox" value="yes" ', form)
    assert "Lift the registry&#39;s caps (send without a limit)" in form
    capped = client.get(f"/runs/{_small_run(client)}").text
    limit = "at most 300 sent in all (up to 300 people in all)"  # the registry's, as run
    assert limit in capped
    run_id = _small_run(client, **{"unlimited_transfers-usa-slv-2025": "yes"})
    record = client.get(f"/api/simulations/{run_id}").json()
    assert "unlimited_transfers: true" in record["scenario_yaml"]
    page = client.get(f"/runs/{run_id}").text
    assert "unlimited_transfers: true" in page  # the scenario as run
    assert limit not in page  # and its limits: not the registry's


def _form_defaults(html: str) -> dict[str, str]:
    """Every named input of the runner's form with the value it is drawn with, as a browser
    sends it: a box only when ticked (after its hidden twin, so its value wins)."""
    return {
        name: value
        for tag, name, value in re.findall(
            r'(<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>)', html
        )
        if name != "compare_without" and ('type="checkbox"' not in tag or " checked" in tag)
    }


def test_levers_are_prefilled_with_their_sources(client: TestClient) -> None:
    html = client.get("/runs/new").text
    assert_accessible(html)
    form = _form_defaults(html)
    # the scenario's values, each with where it comes from
    assert form["share_challenged"] == "15" and form["court_block_probability"] == "30"
    assert form["months_to_final_order"] == "1.46" and form["replicas"] == "10"
    assert form["in_force_from-usa-slv-2025"] == "2025-03-15"
    assert form["price_per_person_year-usa-slv-2025"] == "20000"
    assert form["price_per_person_year-usa-slv-2025-currency"] == "USD"
    assert re.search(r'id="share_challenged-origin"[^>]*>[^<]*<strong class="assumption">'
                     r"ASSUMPTION</strong>: share of third-country", html)
    assert "Scenario: mean; 43.7 days average detention stay" in html
    assert "Registry: The Japan News" in html  # usa-slv-2025 in force from 15 March 2025
    # the form as drawn (made small enough for this server) changes nothing else
    run_id = _small_run(client, **(form | {k: str(v) for k, v in SMALL_RUN.items()}))
    record = client.get(f"/api/simulations/{run_id}").json()
    expected = Overrides(**SMALL_RUN).apply(load_scenario())  # type: ignore[arg-type]
    assert record["scenario_hash"] == expected.digest()


def test_changed_levers_override_the_scenario_and_are_recorded(client: TestClient) -> None:
    form = _form_defaults(client.get("/runs/new").text)
    form |= {k: str(v) for k, v in SMALL_RUN.items()}
    form |= {"share_challenged": "50", "ends-usa-slv-2025": "2025-06-30",
             "price_per_person_year-usa-slv-2025": "30000"}
    run_id = _small_run(client, **form)
    scenario = client.get(f"/api/simulations/{run_id}").json()["scenario_yaml"]
    assert "share_challenged: 0.5" in scenario and "ends: '2025-06-30'" in scenario
    assert "amount: 30000" in scenario
    assert "court_block_probability: 0.3" in scenario  # left alone, as in the scenario
    summary = client.get(f"/api/simulations/{run_id}/summary").json()
    price = [p for d in summary["destinations"] if d["key"] == "usa-slv-2025" for p in d["prices"]]
    assert [p["amount"] for p in price] == [30000.0]


def test_lever_errors_are_shown_beside_their_fields(client: TestClient) -> None:
    form = _form_defaults(client.get("/runs/new").text)
    bad = client.post("/runs", data=form | {
        "share_challenged": "150",
        "in_force_from-usa-slv-2025": "next week",
        "price_per_person_year-usa-slv-2025-currency": "dollars",
    })
    assert bad.status_code == 422
    html = bad.text
    assert re.search(r'id="share_challenged-error">transfers challenged in court \(%\): '
                     r"expected between 0 and 100, got 150", html)
    assert 'id="in_force_from-usa-slv-2025-error">in force from: expected a date' in html
    assert "expected a three-letter currency code" in html
    assert 'value="next week"' in html  # what was typed stays
    # a rule of the scenario (an end before the start) is put beside the agreement's dates
    late = client.post(
        "/runs",
        data=form
        | {k: str(v) for k, v in SMALL_RUN.items()}
        | {"in_force_from-usa-slv-2025": "2025-05-01", "ends-usa-slv-2025": "2025-03-01"},
    )
    assert late.status_code == 422
    assert (
        'id="ends-usa-slv-2025-error">Ends on: &#39;ends on&#39; must come after '
        "&#39;in force from&#39;" in late.text
    )


def test_the_levers_of_a_pasted_scenario(client: TestClient) -> None:
    html = client.post("/runs", data={"scenario_text": MINE, "action": "levers"}).text
    form = _form_defaults(html)
    assert "places-usa-gtm-2025" in form and "places-usa-slv-2025" not in form
    assert form["horizon_months"] == "3" and form["size"] == "300"
    assert "Not set in the scenario: the model&#39;s default, no source" in html
    assert MINE.splitlines()[0] in html  # the scenario text is kept


def test_no_line_of_an_agreement_page_cites_one_source_twice(client: TestClient) -> None:
    marks = re.compile(r'(?:<sup class="cite"><a href="#src-\d+"[^>]*>\[\d+\]</a></sup>)+')
    for agreement_id in ("ita-alb-2023", "usa-slv-2025", "gbr-rwa-2022"):
        page = client.get(f"/agreements/{agreement_id}").text
        runs = [re.findall(r"#src-(\d+)", run) for run in marks.findall(page)]
        assert runs, agreement_id
        repeated = [numbers for numbers in runs if len(set(numbers)) < len(numbers)]
        assert not repeated, (agreement_id, repeated[:3])


def test_numbers_reported_run_oldest_first(client: TestClient) -> None:
    page = client.get("/agreements/ita-alb-2023").text
    section = page[page.index('id="numbers-h"') :]
    section = section[: section.index("</table>")]
    days = re.findall(r'<td class="nowrap" data-label="Refers to">([^<]*)</td>', section)
    assert len(days) > 3
    firsts = [day.split("/")[0] for day in days]
    assert firsts == sorted(firsts)  # ISO dates and months sort as text, a month first
