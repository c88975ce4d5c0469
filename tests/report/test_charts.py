"""The charts' axes and data: what a reader sees on a run page and in its CSVs."""

from __future__ import annotations

import io
import math
import re

import plotly.graph_objects as go
import polars as pl
import pytest

from accords.report.charts import (
    blocked_chart,
    capacity_chart,
    cost_chart,
    difference_chart,
    figure_csv,
    transfers_chart,
    wrongful_chart,
)
from accords.report.compare import difference_charts, overlay_charts
from accords.simulation.result import WITHOUT_PREFIX
from accords.store import RunRecord, RunStore

Finished = tuple[RunStore, RunRecord]

# a whole number as the tables write it: "3", "1,200", "−2"
WHOLE = re.compile(r"^−?\d{1,3}(,\d{3})*$")


def lines_of(monthly: pl.DataFrame, record: RunRecord) -> list[go.Figure]:
    """Every line chart a run page and a comparison page draw from `monthly`."""
    charts = [
        transfers_chart(monthly, {}),
        capacity_chart(monthly, {}),
        cost_chart(monthly),
        wrongful_chart(monthly),
        difference_chart(monthly, "wrongful", "", cumulative=True, what="Wrongful transfers"),
        *overlay_charts(record, record, monthly, monthly),
        *difference_charts(record, record, monthly, monthly),
    ]
    assert all(chart is not None for chart in charts)
    return [chart.figure for chart in charts if chart is not None]


def assert_whole_ticks(axis: go.layout.YAxis | go.layout.XAxis, *, low: int, high: int) -> None:
    """Ticks on whole numbers only, labelled as such, over a range from `low` to `high` or more
    (plotly's own ticks, and SI prefixes, would write 0.2 as "200m")."""
    assert axis.tickmode == "array" and axis.tickformat is None, axis
    assert all(isinstance(v, int) for v in axis.tickvals), axis.tickvals
    assert all(WHOLE.match(text) for text in axis.ticktext), axis.ticktext
    assert axis.range[0] <= low and axis.range[1] >= high, axis.range
    assert axis.range[1] - axis.range[0] >= 1


def scaled(monthly: pl.DataFrame, most: float) -> pl.DataFrame:
    """Every series at `most` in its first month, in every replica (the run has a row for each
    replica, month and key), then nothing: at most `most` per month, and cumulatively."""
    first = pl.col("month") == pl.col("month").min()
    return monthly.with_columns(pl.when(first).then(pl.lit(most)).otherwise(0.0).alias("value"))


@pytest.mark.parametrize("most", [0.0, 3.0], ids=["all zero", "at most 3"])
def test_small_counts_get_whole_number_ticks_on_every_chart(
    finished: Finished, most: float
) -> None:
    store, record = finished
    monthly = scaled(store.monthly(record.id), most)
    for fig in lines_of(monthly, record):
        drawn: dict[str, list[float]] = {}
        for trace in fig.data:
            drawn.setdefault("yaxis" + (trace.yaxis or "y")[1:], []).extend(trace.y)
        assert drawn
        for name, values in drawn.items():
            axis = fig.layout[name]
            low, high = math.floor(min(values)), math.ceil(max(values))
            assert max(values) <= most  # the data are as meant
            if axis.rangemode == "normal":  # a difference: need not reach zero
                assert_whole_ticks(axis, low=low, high=high)
            else:
                assert_whole_ticks(axis, low=0, high=max(1, high))
                assert axis.range[0] == 0


@pytest.mark.parametrize("most", [0.0, 3.0], ids=["all zero", "at most 3"])
def test_blocked_cases_bars_get_whole_number_ticks(most: float) -> None:
    chart = blocked_chart([("no agreement covers the nationality", "coverage", 0.0, most, most)])
    assert chart is not None
    assert_whole_ticks(chart.figure.layout.xaxis, low=0, high=max(1, int(most)))


def test_large_values_keep_plotlys_ticks_and_si_prefixes(finished: Finished) -> None:
    """2,000,000 still reads "2M": plotly's step is then a whole number anyway."""
    store, record = finished
    monthly = scaled(store.monthly(record.id), 2e6)
    checked = 0
    for fig in lines_of(monthly, record):
        for name in fig.layout:
            axis = fig.layout[name]
            # (a difference is flat here, at 2,000,000 exactly: whole ticks either side of it)
            if name.startswith("yaxis") and axis.rangemode != "normal":
                assert axis.tickformat == "~s" and axis.tickmode is None, axis
                assert axis.range is None  # plotly's own
                checked += 1
    assert checked >= 5
    chart = blocked_chart([("barred by law", "law", 1e5, 2e6, 3e6)])
    assert chart is not None and chart.figure.layout.xaxis.tickformat == "~s"


def test_an_axis_is_fixed_only_where_plotlys_step_could_be_a_fraction() -> None:
    """Plotly aims at no more than 10 ticks: from a span of 10 its step is at least 1."""

    def axis(most: float) -> go.layout.XAxis:
        chart = blocked_chart([("barred by law", "law", 0.0, most, most)])
        assert chart is not None
        return chart.figure.layout.xaxis

    assert axis(9.5).tickmode == "array" and axis(9.5).tickvals == (0, 2, 4, 6, 8, 10)
    assert axis(10.0).tickformat == "~s" and axis(10.0).tickmode is None


def test_a_negative_difference_reads_with_minus_signs_and_to(finished: Finished) -> None:
    """The caption, the hover and the ticks of a difference below zero: `−3 (5–95%: −4 to −2)`,
    not `-3 (5–95%: -4–-2)`."""
    store, record = finished
    monthly = store.monthly(record.id)
    # without the agreements, 2, 3 and 4 more wrongful transfers a month in replicas 0, 1, 2
    without = monthly.filter(pl.col("series") == "wrongful").with_columns(
        pl.lit(WITHOUT_PREFIX + "wrongful").alias("series"),
        pl.col("value") + 2 + pl.col("replica"),
    )
    chart = difference_chart(
        pl.concat([monthly, without]), "wrongful", "", cumulative=False, what="Wrongful transfers"
    )
    assert chart is not None
    assert chart.label.endswith("by the end the difference is −3 (5–95%: −4 to −2).")
    (median_line,) = [trace for trace in chart.figure.data if trace.showlegend is not False]
    assert "%{customdata[1]}" in median_line.hovertemplate
    assert {tuple(shown) for shown in median_line.customdata} == {("−3", "−4 to −2")}
    assert chart.figure.layout.yaxis.ticktext[0].startswith("−")


def csv_of(fig: go.Figure) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(figure_csv(fig)), infer_schema=False)


def test_each_csv_series_is_named_for_what_it_is_and_rounded(finished: Finished) -> None:
    """A band's edges were "trace 1" and "… (band edge)", named after the line before them,
    and an interpolated percentile read 51.099999999999994."""
    store, record = finished
    monthly = store.monthly(record.id)
    names = {"usa-slv-2025": "El Salvador (2025)", "usa-gtm-2025": "Guatemala (2025)"}
    charts = {
        "transfers": transfers_chart(monthly, names),
        "capacity": capacity_chart(monthly, names),
        "costs": cost_chart(monthly),
        "wrongful": wrongful_chart(monthly),
    }
    stats = ("5th percentile", "median", "95th percentile")
    for kind, chart in charts.items():
        assert chart is not None
        table = csv_of(chart.figure)
        series = set(table["series"])
        assert not [s for s in series if s.startswith("trace ") or "band edge" in s], kind
        assert all(s.endswith(stats) for s in series), series
        bands = {s.rsplit(", ", 1)[0] for s in series if s.endswith(", 5th percentile")}
        assert bands and all(f"{b}, {stat}" in series for b in bands for stat in stats), kind
        # the edges are what they are named: p5 <= median <= p95, point by point
        for base in bands:
            by_stat = [
                table.filter(pl.col("series") == f"{base}, {stat}")
                .select("panel", "x", pl.col("y").cast(pl.Float64).alias(stat))
                for stat in stats
            ]
            on = ["panel", "x"]
            joined = by_stat[0].join(by_stat[1], on=on).join(by_stat[2], on=on)
            assert joined.height > 0
            assert (joined[stats[0]] <= joined[stats[1]]).all(), (kind, base)
            assert (joined[stats[1]] <= joined[stats[2]]).all(), (kind, base)
        places = 2 if kind == "costs" else 1
        decimals = table["y"].str.extract(r"\.(\d+)$").str.len_chars().fill_null(0)
        assert decimals.max() <= places, (kind, table.filter(decimals > places))
    transfers = set(csv_of(charts["transfers"].figure)["series"])  # type: ignore[union-attr]
    assert {"return to Mexico, 5th percentile", "return to Mexico, 95th percentile"} <= transfers
    assert "El Salvador (2025), median" in transfers
    capacity = csv_of(charts["capacity"].figure)  # type: ignore[union-attr]
    assert set(capacity["panel"]) == {"El Salvador (2025)"}  # the panel's title, not "y2"


def test_a_bar_charts_csv_holds_its_whiskers() -> None:
    chart = blocked_chart([("barred by law", "law", 1.1, 2.5, 10 / 3)])
    assert chart is not None
    table = csv_of(chart.figure)
    assert table.rows() == [
        ("barred by law, median", "y", "2.5", "barred by law"),
        ("barred by law, 5th percentile", "y", "1.1", "barred by law"),
        ("barred by law, 95th percentile", "y", "3.3", "barred by law"),
    ]
