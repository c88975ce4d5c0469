"""The HTML report: one offline page, with every chart, the assumptions and their sources."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from plotly.offline import get_plotlyjs

from accords.registry.loader import Registry, load_registry
from accords.report import TITLES, render_report
from accords.report.charts import bands, full_grid
from accords.simulation.series import agreement_names, destination_label
from accords.store import RunRecord, RunStore, assumption_lines

Finished = tuple[RunStore, RunRecord]

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "source", "wbr", "area", "base"}


class Balance(HTMLParser):
    """Checks that every element the page opens is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def page(finished: Finished) -> str:
    store, record = finished
    return render_report(record, store.monthly(record.id))


def test_the_page_is_self_contained_and_embeds_plotly_once(page: str) -> None:
    assert page.startswith("<!doctype html>")
    assert '<html lang="en">' in page and 'name="viewport"' in page
    assert page.count(get_plotlyjs()) == 1
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", page, re.IGNORECASE)
    assert "@import" not in page
    checker = Balance()
    checker.feed(page)
    assert not checker.problems and checker.stack == [], (checker.problems, checker.stack)


def test_every_chart_is_there_with_its_title_and_a_label(page: str) -> None:
    for name, title in TITLES.items():
        assert f">{html.escape(title)}</h2>" in page, title
        if name != "assumptions":
            assert f'id="chart-{name}"' in page, name
            assert f'aria-describedby="cap-{name}"' in page
    assert page.count('role="img" aria-label="') == 5
    assert "cumulative cost, USD" in page and "cumulative cost, EUR" in page
    # destinations in words: the agreement's receiver and year, a return's country
    assert "El Salvador (2025)" in page and "places (capacity)" in page
    assert "return to Mexico" in page and "→" not in page
    assert "citizens of the sending state" in page  # wrongful transfers' series
    assert "The figures behind this chart" in page


def test_assumptions_and_sources_are_on_the_page(finished: Finished, page: str) -> None:
    _, record = finished
    lines = assumption_lines(record.scenario_yaml)
    assert len(lines) == 4
    for line in lines:
        assert html.escape(line) in page, line
    assert "record_errors.citizen_recorded_as_noncitizen" in page
    assert "<code>{share_challenged: 0.3, court_block_probability: 0.5}</code>" in page
    slv = load_registry().get("usa-slv-2025")
    assert html.escape(slv.title) in page
    assert html.escape(slv.status[0].sources[0].url) in page
    assert "Ordinary returns to a person's own country: Mexico, Guatemala" in page
    assert "SYNTHETIC population" in page
    assert record.id in page and record.registry_version in page


def test_a_report_needs_a_finished_run(finished: Finished) -> None:
    store, record = finished
    running = RunRecord(**{**record.__dict__, "status": "running", "summary": None})
    with pytest.raises(ValueError, match="finished run"):
        render_report(running, store.monthly(record.id))


def test_text_from_the_scenario_is_escaped(finished: Finished) -> None:
    store, record = finished
    hostile = "<script>alert(1)</script>"
    renamed = RunRecord(
        **{
            **record.__dict__,
            "scenario_name": hostile,
            "scenario_yaml": record.scenario_yaml + f"# ASSUMPTION: {hostile}\n",
        }
    )
    page = render_report(renamed, store.monthly(record.id))
    assert hostile not in page and html.escape(hostile) in page


def test_bands_are_percentiles_across_replicas_with_missing_keys_as_zero() -> None:
    """Three replicas; replica 2 never has key 'b'. Cumulative bands take sums per replica."""
    rows = []
    for replica, values in enumerate(([1.0, 2.0], [3.0, 4.0], [5.0, 9.0])):
        for month, value in enumerate(values):
            rows.append((replica, month, "x", "a", value))
            if replica != 2:
                rows.append((replica, month, "x", "b", 10.0))
    monthly = pl.DataFrame(
        rows, schema=["replica", "month", "series", "key", "value"], orient="row"
    ).with_columns(pl.date(2025, pl.col("month") + 1, 1).alias("date"))
    grid = full_grid(monthly, "x")
    assert grid.height == 3 * 2 * 2
    per_month = bands(grid).filter(pl.col("key") == "a")
    assert per_month["p50"].to_list() == [3.0, 4.0]
    assert per_month["p5"].to_list() == pytest.approx(
        [np.percentile([1, 3, 5], 5), np.percentile([2, 4, 9], 5)]
    )
    b = bands(grid).filter(pl.col("key") == "b")
    assert b["p5"].to_list() == pytest.approx([np.percentile([10, 10, 0], 5)] * 2)
    cumulative = bands(grid, cumulative=True).filter(pl.col("key") == "a")
    assert cumulative["p50"].to_list() == [3.0, 7.0]  # month 1: median of 3, 7, 14
    assert cumulative["p95"].to_list() == pytest.approx(
        [np.percentile([1, 3, 5], 95), np.percentile([3, 7, 14], 95)]
    )


def test_each_chart_offers_exactly_what_it_draws_as_csv(page: str) -> None:
    import io
    from urllib.parse import unquote

    links = re.findall(
        r'<a download="([a-z]+)\.csv" href="data:text/csv;charset=utf-8,([^"]+)"', page
    )
    assert sorted(name for name, _ in links) == sorted(n for n in TITLES if n != "assumptions")
    for name, data in links:
        table = pl.read_csv(io.StringIO(unquote(html.unescape(data))))
        assert table.columns == ["series", "panel", "x", "y"], name
        assert table.height > 0 and table["series"].null_count() == 0, name
    transfers = dict(links)["transfers"]
    drawn = pl.read_csv(io.StringIO(unquote(html.unescape(transfers))))
    assert drawn["x"].cast(pl.String).str.contains(r"^\d{4}-\d{2}").all()


def test_at_a_glance_opens_with_the_runs_own_sentences(page: str, finished: Finished) -> None:
    from accords.report.headlines import headline_sentences

    _, record = finished
    assert record.summary is not None
    names = agreement_names(record.summary["destinations"], load_registry())
    sentences = headline_sentences(record.summary, names)
    assert any(s.startswith("The El Salvador (2025) agreement takes") for s in sentences)
    glance = page[page.index('id="glance"') : page.index('id="transfers"')]
    assert sentences and all(html.escape(s, quote=True) in glance for s in sentences)
    assert 'id="comparison"' not in page  # a run compared with nothing has no such section


def test_a_with_and_without_run_shows_the_difference_per_main_series(
    tmp_path: Path, tiny_text: str
) -> None:
    from accords.simulation.run import simulate
    from accords.simulation.scenario import load_scenario

    scenario = load_scenario(text=tiny_text + "compare_without: [usa-slv-2025]\n")
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.create(scenario, source="cli")
    result = simulate(scenario)
    store.complete(run_id, result)
    page = render_report(store.get(run_id), store.monthly(run_id))
    section = page[page.index('id="comparison"') : page.index('id="transfers"')]
    assert "With and without El Salvador (2025)" in section
    assert "… to El Salvador (2025)" in section  # the row of its transfers, in words
    assert '<a href="#comparison">' in page
    # one difference chart per main series and currency, each saying where it ends
    assert section.count('id="chart-difference-') == 3 + len(result.summary["currencies"])
    sent = result.summary["comparison"]["totals"]["transfers[usa-slv-2025]"]["difference"]
    assert f"{round(sent['p50']):,}" in section
    assert "with minus without, replica by replica" in section


def test_rows_zero_in_every_replica_are_folded_away_with_a_note(
    page: str, finished: Finished
) -> None:
    from accords.report.page import HEADLINE
    from accords.simulation.series import zero_in_every_replica

    _, record = finished
    assert record.summary is not None
    totals = record.summary["totals"]
    present = [(key, label) for key, label in HEADLINE if key in totals]
    zero = [label for key, label in present if zero_in_every_replica(totals[key])]
    kept = [label for _, label in present if label not in zero]
    assert zero and kept, "the tiny run has both zero and non-zero headline rows"
    glance = page[page.index('id="glance"') : page.index('id="transfers"')]
    table, _, folded = glance.partition('<details class="zero-rows">')
    rows, verb = ("1 row is", "is") if len(zero) == 1 else (f"{len(zero)} rows are", "are")
    # one plain sentence, ending with a full stop
    assert f"<summary>{rows} zero in every replica and {verb} folded: " in folded
    assert re.search(r"<summary>[^<]*\.</summary>", folded)
    for label in zero:  # named in the note (a sub-row in full), shown only once it is opened
        whole = label.replace("… ", "Wrongful transfers ")
        assert html.escape(whole[0].lower() + whole[1:]) in folded.split("</summary>")[0]
        assert f'<th scope="row">{html.escape(whole)}<' in folded
        assert f'<th scope="row">{html.escape(label)}<' not in table
    for label in kept:
        assert f'<th scope="row">{html.escape(label)}<' in table


def test_a_time_axis_names_each_month_once() -> None:
    """Left to itself plotly ticks a six-month run every half month, naming each month twice;
    ticks fall on the months' evaluation days instead, fewer of them on a long horizon."""
    import datetime

    import plotly.graph_objects as go

    from accords.report.charts import month_ticks

    def ticks(months: int) -> dict[str, object]:
        days = [datetime.date(2025 + m // 12, m % 12 + 1, 15) for m in range(months)]
        return month_ticks(go.Figure(go.Scatter(x=days, y=list(range(months)))))

    assert ticks(6) == {"dtick": "M1", "tick0": "2025-01-15"}
    assert ticks(24)["dtick"] == "M3" and ticks(60)["dtick"] == "M6"
    assert ticks(240)["dtick"] == "M12"
    assert month_ticks(go.Figure(go.Bar(x=[1, 2], y=["a", "b"]))) == {}  # not a time axis


def test_destinations_are_named_in_words_a_legend_on_a_phone_has_room_for() -> None:
    registry = load_registry()
    destinations = [
        {"key": "usa-slv-2025", "receiver": "SLV", "route": "third_country"},
        {"key": "usa-gtm-2025", "receiver": "GTM", "route": "third_country"},
        {"key": "usa-gtm-2019", "receiver": "GTM", "route": "third_country"},
        {"key": "return:MEX", "receiver": "MEX", "route": "return"},
    ]
    names = agreement_names(destinations, registry)
    labels = [destination_label(d["key"], names) for d in destinations]
    assert labels == [
        "El Salvador (2025)",
        "Guatemala (2025)",
        "Guatemala (2019)",
        "return to Mexico",
    ]
    assert all(len(label) <= 24 for label in labels)
    # without the registry (or an agreement it no longer holds): the receiver, and the id
    assert destination_label("usa-slv-2025", agreement_names(destinations, None)) == (
        "El Salvador (usa-slv-2025)"
    )
    # two agreements one name would merge (a legend groups lines by name) keep their ids
    gtm = registry.get("usa-gtm-2025")
    twin = gtm.model_copy(update={"id": "usa-gtm-2025-b"})
    twins = agreement_names(
        [
            {"key": a.id, "receiver": "GTM", "route": "third_country"}
            for a in (gtm, twin)
        ],
        Registry([gtm, twin], {}),
    )
    assert twins == {
        "usa-gtm-2025": "Guatemala (2025), usa-gtm-2025",
        "usa-gtm-2025-b": "Guatemala (2025), usa-gtm-2025-b",
    }
