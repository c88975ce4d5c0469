"""The report's charts: percentile bands across replicas, built from a run's monthly series.

A run is a Monte Carlo sample, so a single line would hide how much replicas disagree. Every
time series is drawn as its median (p50) with a shaded 5–95% band, each percentile taken
*across replicas* month by month (of the cumulative total, for cumulative charts: the band of a
sum is not the sum of bands). A key missing from a replica's series counts as zero there, as in
the run's summary. Only cartesian traces are used: geo traces would fetch map data from a CDN,
and the report must work offline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from accords.numbers import band, figure, median, people, span
from accords.simulation.result import WITHOUT_PREFIX
from accords.simulation.series import destination_label
from accords.spreadsheet import spreadsheet_safe

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#8C6D1F",
    "#000000",
)
MAX_DESTINATIONS = 6
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

CONFIG: dict[str, Any] = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}


# The main series two runs (or a run with and without agreements) are compared on:
# (series, key, cumulative, y title, what); costs are added per currency.
MAIN_SERIES: list[tuple[str, str | None, bool, str, str]] = [
    ("transfers", "all", False, "transfers per month", "Monthly transfers, all destinations"),
    ("wrongful", "", True, "wrongful transfers (cumulative)", "Wrongful transfers, cumulative"),
    ("custody", "", False, "persons in custody", "Persons in the sender's custody"),
]


@dataclass(frozen=True)
class Chart:
    """One figure and the sentence that says what it shows (its accessible label)."""

    figure: go.Figure
    label: str
    height: int


def rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def full_grid(monthly: pl.DataFrame, series: str) -> pl.DataFrame:
    """One series with a row for every replica × month × key (missing values are 0)."""
    part = monthly.filter(pl.col("series") == series).select("replica", "month", "key", "value")
    keys = part.select("key").unique()
    if keys.is_empty():
        return pl.DataFrame(
            schema={
                "replica": pl.Int32,
                "month": pl.Int32,
                "date": pl.Date,
                "key": pl.String,
                "value": pl.Float64,
            }
        )
    grid = (
        monthly.select("replica")
        .unique()
        .join(monthly.select("month", "date").unique(), how="cross")
        .join(keys, how="cross")
    )
    return (
        grid.join(part, on=["replica", "month", "key"], how="left")
        .with_columns(pl.col("value").fill_null(0.0))
        .sort("key", "replica", "month")
    )


def bands(values: pl.DataFrame, *, cumulative: bool = False) -> pl.DataFrame:
    """p5/p50/p95 across replicas per key and month (of the running total if `cumulative`)."""
    if cumulative:
        values = values.sort("key", "replica", "month").with_columns(
            pl.col("value").cum_sum().over("key", "replica")
        )
    return (
        values.group_by("key", "month", "date")
        .agg(
            pl.col("value").quantile(0.05, "linear").alias("p5"),
            pl.col("value").quantile(0.50, "linear").alias("p50"),
            pl.col("value").quantile(0.95, "linear").alias("p95"),
        )
        .sort("key", "month")
    )


def replica_totals(values: pl.DataFrame) -> pl.DataFrame:
    """Per key: p5/p50/p95 across replicas of the total over the horizon."""
    return (
        values.group_by("key", "replica")
        .agg(pl.col("value").sum())
        .group_by("key")
        .agg(
            pl.col("value").quantile(0.05, "linear").alias("p5"),
            pl.col("value").quantile(0.50, "linear").alias("p50"),
            pl.col("value").quantile(0.95, "linear").alias("p95"),
        )
        .sort("p50", "key", descending=[True, False])
    )


def _layout(fig: go.Figure, y_title: str, *, signed: bool = False) -> None:
    """The charts' common look; `signed` for a difference, whose axis need not reach zero but
    marks it."""
    fig.update_layout(
        template="plotly_white",
        autosize=True,  # the page sets the height, taller on a narrow screen
        # room above for the panels' titles, where there are any
        margin={"l": 64, "r": 16, "t": 40 if fig.layout.annotations else 16, "b": 40},
        font={"family": FONT, "size": 13},
        hovermode="x unified",
        # Below the plot, at the foot of the figure: above it, a legend that wraps onto
        # several lines on a phone ran into the panels' titles. Plotly grows the bottom margin
        # to hold it under the month axis.
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "xanchor": "left",
            "x": 0,
            "title": None,
        },
    )
    fig.update_yaxes(title_text=y_title, rangemode="normal" if signed else "tozero")
    if signed:
        fig.update_yaxes(zeroline=True, zerolinewidth=2)
    # The last month's tick sits on the plot's right edge and half its label past it: plotly
    # hides a label that runs past the figure, so it is allowed and the margin grows to hold it
    # (more on a phone, where the labels slant).
    fig.update_xaxes(automargin=True, ticklabeloverflow="allow")
    months = month_ticks(fig)
    if months:  # a time axis (not the blocked cases' counts)
        fig.update_xaxes(tickformat="%b %Y", hoverformat="%b %Y", **months)
    for letter in ("x", "y"):
        whole_ticks(fig, letter)


# Below this span, plotly's own tick step can be a fraction (it aims at up to 10 ticks).
SMALL_SPAN = 10


def whole_ticks(fig: go.Figure, letter: str) -> None:
    """Give every numeric axis of `fig` (`letter` "x" or "y") ticks a person can read.

    The figures are counts of people (or sums of money): left to itself plotly ticks an axis
    whose values span less than about 10 every 0.2 or 0.5, and the SI prefixes that make 2M
    read "2M" write 0.2 as "200m" (milli), which reads as 200 million; an axis of zeros spans
    0 to 1 in such steps. Such an axis gets its ticks here instead: whole numbers only, over a
    range of at least one, with their labels written out. Over a wider span plotly's step is at
    least 1, so its ticks and the SI prefixes stay. Axes of dates or categories are left alone.
    """
    spans: dict[str, list[float]] = {}
    for trace in fig.data:
        values = _drawn_values(trace, letter)
        if values is None:
            continue
        anchor = getattr(trace, f"{letter}axis", None) or letter
        spans.setdefault(anchor, []).extend(values)
    for anchor, values in spans.items():
        axis = fig.layout[f"{letter}axis{anchor[1:]}"]
        low, high = min(values, default=0.0), max(values, default=0.0)
        floored = axis.rangemode != "normal"  # "tozero", and bars, which start at zero
        if floored:
            low, high = min(low, 0.0), max(high, 0.0)
        if high - low >= SMALL_SPAN:
            axis.update(tickformat="~s")
            continue
        bottom, top = math.floor(low), math.ceil(high)
        if top - bottom < 1:  # one value throughout: a count from 0 to 1, else one either side
            bottom, top = (bottom, bottom + 1) if floored else (bottom - 1, top + 1)
        step = 1 if top - bottom <= 5 else 2
        first = math.ceil(bottom / step) * step
        ticks = list(range(first, top + 1, step))
        # a little room for the lines' width at the edges, but none below a floor of zero
        pad = 0.04 * (top - bottom)
        axis.update(
            range=[bottom if floored and bottom == 0 else bottom - pad, top + pad],
            autorange=False,
            tickmode="array",
            tickvals=ticks,
            ticktext=[people(float(t)) for t in ticks],
        )


def _drawn_values(trace: Any, letter: str) -> list[float] | None:
    """The numbers a trace draws along one axis (a bar's whiskers included); None where that
    axis holds dates or categories."""
    values = getattr(trace, letter, None)
    if values is None or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        return None
    drawn = [float(v) for v in values]
    error = getattr(trace, f"error_{letter}", None)
    if error is not None and error.array is not None:
        minus = error.arrayminus if error.arrayminus is not None else error.array
        drawn += [v + float(e) for v, e in zip(drawn, error.array, strict=True)] + [
            v - float(e) for v, e in zip(drawn, minus, strict=True)
        ]
    return [v for v in drawn if math.isfinite(v)]


def month_ticks(fig: go.Figure) -> dict[str, Any]:
    """Ticks on whole months of the series (each month's 15th, its evaluation day): left to
    itself plotly ticks a short horizon every half month, so each month is named twice. One
    tick a month up to a year, then every 3, 6 or 12 months, so a phone's axis has room."""
    days = sorted({x for trace in fig.data for x in (getattr(trace, "x", None) or ())})
    if not days or not all(isinstance(d, date) for d in days):
        return {}  # not a time axis (the blocked cases' bars)
    step = next((m for limit, m in ((12, 1), (36, 3), (72, 6)) if len(days) <= limit), 12)
    return {"dtick": f"M{step}", "tick0": days[0].isoformat()}


def add_band(
    fig: go.Figure,
    frame: pl.DataFrame,
    *,
    name: str,
    colour: str,
    unit: str = "",
    row: int | None = None,
    show_legend: bool = True,
    dash: str | None = None,
    money: bool = False,
) -> None:
    """A median line over its 5–95% band; hovering shows the three values as the tables write
    them (people: whole persons, a median between two counts to one place; `money`: amounts).

    Each line is drawn, and named in the chart's CSV (`drawn_as`), as what it is: the band's
    edges the 95th and 5th percentiles, the line the median."""
    dates = frame["date"].to_list()
    where: dict[str, int] = {"row": row, "col": 1} if row is not None else {}
    common = {"x": dates, "mode": "lines", "legendgroup": name, "hoverinfo": "skip"}
    places = MONEY_PLACES if money else PEOPLE_PLACES

    def drawn(column: str) -> list[float]:
        return [round(v, places) for v in frame[column]]

    fig.add_trace(
        go.Scatter(
            y=drawn("p95"),
            line={"width": 0},
            showlegend=False,
            name=f"{name}, 95th percentile",
            meta=drawn_as(name, "95th percentile", money=money),
            **common,
        ),
        **where,
    )
    fig.add_trace(
        go.Scatter(
            y=drawn("p5"),
            line={"width": 0},
            fill="tonexty",
            fillcolor=rgba(colour, 0.18),
            showlegend=False,
            name=f"{name}, 5th percentile",
            meta=drawn_as(name, "5th percentile", money=money),
            **common,
        ),
        **where,
    )
    mid, bound = (figure, figure) if money else (median, people)
    customdata = [
        [mid(p50), span(bound(p5), bound(p95))]
        for p5, p50, p95 in zip(frame["p5"], frame["p50"], frame["p95"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=drawn("p50"),
            mode="lines",
            name=name,
            meta=drawn_as(name, "median", money=money),
            legendgroup=name,
            showlegend=show_legend,
            line={"color": colour, "width": 2.5, "dash": dash},
            customdata=customdata,
            hovertemplate=(
                f"{name}: %{{customdata[0]}}{unit} (5–95%: %{{customdata[1]}})<extra></extra>"
            ),
        ),
        **where,
    )


# What the figures are rounded to, drawn and in the charts' CSVs: counts of people to one
# place (a median between two replicas' counts is x.5), money to the cent. Percentiles taken
# by interpolation carry float noise (51.099999999999994) that means nothing.
PEOPLE_PLACES = 1
MONEY_PLACES = 2


def drawn_as(series: str, stat: str = "", *, money: bool = False) -> dict[str, Any]:
    """A trace's `meta`: what `figure_csv` names its points ("return to Mexico, median") and
    the decimals they are written with."""
    return {
        "series": f"{series}, {stat}" if stat else series,
        "places": MONEY_PLACES if money else PEOPLE_PLACES,
    }


def transfers_chart(monthly: pl.DataFrame, names: Mapping[str, str]) -> Chart | None:
    """Monthly transfers per destination; beyond six, the smallest are summed as 'other'."""
    values = full_grid(monthly, "transfers").filter(pl.col("key") != "all")
    if values.is_empty():
        return None
    order = replica_totals(values)["key"].to_list()
    keep = order[:MAX_DESTINATIONS] if len(order) > MAX_DESTINATIONS + 1 else order
    rest = [k for k in order if k not in keep]
    labels = {k: destination_label(k, names) for k in keep}
    if rest:
        other = f"other ({len(rest)} destinations)"
        values = (
            values.with_columns(
                pl.when(pl.col("key").is_in(keep)).then(pl.col("key")).otherwise(pl.lit(other))
            )
            .group_by("replica", "month", "date", "key")
            .agg(pl.col("value").sum())
        )
        labels[other] = other
        keep = [*keep, other]
    banded = bands(values)
    fig = go.Figure()
    for i, key in enumerate(keep):
        add_band(
            fig,
            banded.filter(pl.col("key") == key),
            name=labels[key],
            colour=PALETTE[i % len(PALETTE)],
        )
    height = 420
    _layout(fig, "persons transferred per month")
    totals = replica_totals(values)
    top = totals.row(0, named=True)
    label = (
        f"Line chart of monthly transfers for {len(keep)} destinations. The largest is "
        f"{labels.get(top['key'], top['key'])}, with a median of {band(top)} over the horizon."
    )
    return Chart(fig, label, height)


def stacked_panels(titles: Sequence[str]) -> go.Figure:
    """One panel per title, one above the other, sharing the month axis."""
    return make_subplots(
        rows=len(titles),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.12, 0.3 / len(titles)),
        subplot_titles=list(titles),
    )


def capacity_chart(monthly: pl.DataFrame, names: Mapping[str, str]) -> Chart | None:
    """Per destination with limited places: persons held (band) against its places (dashed)."""
    stock = full_grid(monthly, "stock")
    places = full_grid(monthly, "places")
    keys = sorted(set(stock["key"].to_list()))
    if not keys:
        return None
    height = 120 + 240 * len(keys)
    fig = stacked_panels([destination_label(k, names) for k in keys])
    parts = []
    for row, key in enumerate(keys, start=1):
        held = bands(stock.filter(pl.col("key") == key))
        add_band(
            fig,
            held,
            name="persons held",
            colour=PALETTE[0],
            row=row,
            show_legend=row == 1,
        )
        cap = bands(places.filter(pl.col("key") == key))
        if not cap.is_empty():
            fig.add_trace(
                go.Scatter(
                    x=cap["date"].to_list(),
                    y=[round(v, PEOPLE_PLACES) for v in cap["p50"]],
                    mode="lines",
                    name="places (capacity)",
                    meta=drawn_as("places (capacity)", "median"),
                    legendgroup="places",
                    showlegend=row == 1,
                    line={"color": PALETTE[3], "width": 2, "dash": "dash", "shape": "hv"},
                    hovertemplate="places: %{y:,.0f}<extra></extra>",
                ),
                row=row,
                col=1,
            )
            peak = max(held["p50"].to_list())
            cap_max = max(cap["p50"].to_list())
            parts.append(
                f"{destination_label(key, names)} holds at most {figure(peak)} "
                f"(median) of {figure(cap_max)} places"
            )
    _layout(fig, "persons")
    fig.update_yaxes(title_text="persons")
    label = "Line charts of persons held against places per facility. " + "; ".join(parts) + "."
    return Chart(fig, label, height)


def cost_chart(monthly: pl.DataFrame) -> Chart | None:
    """Cumulative cost per currency (one panel each: amounts are never converted or summed)."""
    values = full_grid(monthly, "cost_month")
    currencies = sorted(set(values["key"].to_list()))
    if not currencies:
        return None
    banded = bands(values, cumulative=True)
    height = 120 + 260 * len(currencies)
    fig = stacked_panels([f"cumulative cost, {c}" for c in currencies])
    parts = []
    for row, currency in enumerate(currencies, start=1):
        frame = banded.filter(pl.col("key") == currency)
        add_band(
            fig,
            frame,
            name=currency,
            colour=PALETTE[(row - 1) % len(PALETTE)],
            unit=f" {currency}",
            row=row,
            money=True,
        )
        fig.update_yaxes(title_text=currency, row=row, col=1)
        end = frame.row(-1, named=True)
        parts.append(
            f"{figure(end['p50'])} {currency} by the end "
            f"(5–95%: {span(figure(end['p5']), figure(end['p95']))})"
        )
    _layout(fig, "")
    for row, currency in enumerate(currencies, start=1):
        fig.update_yaxes(title_text=currency, row=row, col=1)
    label = "Line chart of cumulative cost per currency: median " + "; ".join(parts) + "."
    return Chart(fig, label, height)


def blocked_chart(
    rows: Sequence[tuple[str, str, float, float, float]],
) -> Chart | None:
    """Horizontal bars: median total per reason, with whiskers for the 5–95% range.

    `rows` are (label, group, p5, p50, p95), largest first.
    """
    if not rows:
        return None
    colours = {"law": PALETTE[3], "coverage": PALETTE[0], "status": PALETTE[2], "court": PALETTE[4]}
    fig = go.Figure()
    for group in ("law", "coverage", "status", "court"):
        mine = [r for r in rows if r[1] == group]
        if not mine:
            continue
        name = {
            "law": "barred by law",
            "coverage": "not covered by the agreement",
            "status": "agreement not in force",
            "court": "blocked by a court",
        }[group]
        fig.add_trace(
            go.Bar(
                y=[r[0] for r in mine],
                x=[round(r[3], PEOPLE_PLACES) for r in mine],
                orientation="h",
                name=name,
                # the whiskers are named in the CSV as the percentiles they are
                meta=drawn_as(name, "median"),
                marker={"color": colours[group]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r[4] - r[3] for r in mine],
                    "arrayminus": [r[3] - r[2] for r in mine],
                    "color": "#444",
                    "thickness": 1.2,
                },
                customdata=[[median(r[3]), span(people(r[2]), people(r[4]))] for r in mine],
                hovertemplate="%{y}: %{customdata[0]} (5–95%: %{customdata[1]})<extra></extra>",
            )
        )
    height = 140 + 34 * len(rows)
    _layout(fig, "")
    fig.update_layout(hovermode="closest", barmode="overlay")
    fig.update_yaxes(
        title_text=None,
        categoryorder="array",
        categoryarray=[r[0] for r in reversed(rows)],
        automargin=True,
        rangemode=None,
    )
    fig.update_xaxes(title_text="cases (median, 5–95% whiskers)")
    top = rows[0]
    label = (
        f"Bar chart of blocked cases by reason over the horizon; the most frequent is {top[0]} "
        f"with a median of {band({'p5': top[2], 'p50': top[3], 'p95': top[4]})}."
    )
    return Chart(fig, label, height)


def wrongful_chart(monthly: pl.DataFrame) -> Chart | None:
    """Cumulative wrongful transfers: of true citizens, and of truly protected persons."""
    names = {
        "wrongful_citizen": "citizens of the sending state",
        "wrongful_protected": "persons protected against the receiver",
    }
    frames = []
    for series, label in names.items():
        grid = full_grid(monthly, series)
        if not grid.is_empty():
            frames.append(grid.with_columns(pl.lit(label).alias("key")))
    if not frames:
        return None
    banded = bands(pl.concat(frames), cumulative=True)
    fig = go.Figure()
    parts = []
    for i, label in enumerate(names.values()):
        frame = banded.filter(pl.col("key") == label)
        if frame.is_empty():
            continue
        add_band(fig, frame, name=label, colour=PALETTE[3 if i == 0 else 4])
        end = frame.row(-1, named=True)
        parts.append(f"{label}: median {band(end)}")
    height = 380
    _layout(fig, "wrongful transfers (cumulative)")
    label = "Line chart of cumulative wrongful transfers by the end; " + "; ".join(parts) + "."
    return Chart(fig, label, height)


def figure_csv(figure: go.Figure) -> str:
    """Exactly what a chart draws, as CSV: one row per point of every trace (bands included).

    `series` names what a point is, as `drawn_as` put it ("return to Mexico, 5th percentile",
    "…, median"); a bar's whiskers are rows of their own, its 5th and 95th percentiles.
    `panel` is the title of the stacked panel the point is in (the axis, "y", without such
    titles). `x` and `y` are written as drawn: dates, the labels of a bar chart's categories,
    or numbers to the places `drawn_as` gives (people to one, money to two), without the float
    noise of an interpolated percentile.
    """
    titles = [a.text for a in figure.layout.annotations or ()]
    rows: list[dict[str, str]] = []
    for index, trace in enumerate(figure.data):
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        series = str(meta.get("series") or trace.name or f"trace {index + 1}")
        places = int(meta.get("places", PEOPLE_PLACES))
        xs, ys = trace.x, trace.y
        if xs is None or ys is None:
            continue
        axis = getattr(trace, "yaxis", None) or "y"
        number = int(axis[1:] or 1)
        panel = titles[number - 1] if len(titles) >= number else axis
        points = [(series, x, y) for x, y in zip(xs, ys, strict=False)]
        error = getattr(trace, "error_x", None)
        if trace.type == "bar" and error is not None and error.array is not None:
            base = series.removesuffix(", median")
            minus = error.arrayminus if error.arrayminus is not None else error.array
            ends = (("5th percentile", -1, minus), ("95th percentile", 1, error.array))
            points += [
                (f"{base}, {stat}", x + sign * e, y)
                for stat, sign, errors in ends
                for x, y, e in zip(xs, ys, errors, strict=False)
            ]
        for name, x, y in points:
            rows.append(
                {
                    "series": name,
                    "panel": panel,
                    "x": _csv_value(x, places),
                    "y": _csv_value(y, places),
                }
            )
    frame = pl.DataFrame(rows, schema=dict.fromkeys(("series", "panel", "x", "y"), pl.String))
    return spreadsheet_safe(frame).write_csv()


def _csv_value(value: Any, places: int) -> str:
    """A number to `places` decimals, trailing zeros dropped ("51.1", "3"); anything else
    (a date, a category) as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def chart_html(chart: Chart, div_id: str) -> str:
    """The figure's div and script; plotly.js itself is embedded once by the page."""
    html: str = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        config=CONFIG,
        div_id=div_id,
        default_height="100%",
        default_width="100%",
    )
    return html


def difference_chart(
    monthly: pl.DataFrame, series: str, key: str, *, cumulative: bool, what: str
) -> Chart | None:
    """With minus without, replica by replica, month by month: its median and 5–95% band.

    Both runs of a replica share their random draws, so the difference is taken within each
    replica before the percentiles; its band is the comparison's own, not the two runs' bands.
    """
    with_ = full_grid(monthly, series).filter(pl.col("key") == key)
    without = full_grid(monthly, WITHOUT_PREFIX + series).filter(pl.col("key") == key)
    if with_.is_empty() and without.is_empty():
        return None
    joined = (
        with_.select("replica", "month", "date", "key", "value")
        .join(
            without.select(
                "replica",
                "month",
                pl.col("date").alias("date_w"),
                "key",
                pl.col("value").alias("without"),
            ),
            on=["replica", "month", "key"],
            how="full",
            coalesce=True,
        )
        .with_columns(
            pl.coalesce("date", "date_w").alias("date"),
            (pl.col("value").fill_null(0.0) - pl.col("without").fill_null(0.0)).alias("value"),
            pl.lit(key).alias("key"),
        )
        .select("replica", "month", "date", "key", "value")
    )
    frame = bands(joined, cumulative=cumulative)
    fig = go.Figure()
    money = series == "cost_month"
    add_band(fig, frame, name="with − without", colour=PALETTE[3], money=money)
    _layout(fig, "with − without", signed=True)
    end = frame.row(-1, named=True)
    # counts of people as whole persons; money in millions or billions
    label = (
        f"{what}, with minus without, replica by replica: by the end the difference is "
        f"{band(end, currency='' if money else None)}."
    )
    return Chart(fig, label, 320)
