"""Charts for the pages, drawn by plotly.js served from this server (never a CDN).

Each chart is a cartesian plotly figure given to the page as JSON in a `<div>`'s
`data-figure` attribute; `/static/charts.js` draws every such `<div>` with plotly.js from
`/static/plotly.min.js`. No inline script: the pages' Content-Security-Policy runs scripts
from this server's files only. Every chart has a table beside it with the same data, so a reader
without JavaScript loses nothing but the picture.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from html import escape

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from accords.labels import plain
from accords.registry.models import Agreement, Status
from accords.report.charts import Chart

STATUS_COLOURS = {
    Status.NEGOTIATING: "#9e9e9e",
    Status.ANNOUNCED: "#8c6d1f",
    Status.SIGNED: "#1f6f8c",
    Status.IN_FORCE: "#2e7d32",
    Status.SUSPENDED: "#c62828",
    Status.ENDED: "#555555",
}
# The toolbar shows while the pointer is over a chart (on a phone, after a tap), so that it never
# covers the data of a chart a reader is only looking at.
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": ["lasso2d"],
}


@cache
def plotly_js() -> str:
    """plotly.js from the installed plotly package, read once per process."""
    text: str = get_plotlyjs()
    return text


def status_segments(agreement: Agreement, end: date) -> list[tuple[Status, date, date, str]]:
    """(status, from, to, label) for each status change, each lasting until the next one."""
    changes = agreement.status
    out = []
    for i, change in enumerate(changes):
        start = change.effective()
        stop = changes[i + 1].effective() if i + 1 < len(changes) else max(end, start)
        if stop <= start:
            stop = start + timedelta(days=1)
        by = f" — {change.by}" if change.by else ""
        out.append((change.status, start, stop, f"{plain(change.status)} from {change.date}{by}"))
    return out


def timeline_chart(agreement: Agreement, end: date) -> str:
    """The agreement's status over time, one coloured band per status, as figure JSON: a row
    for each status the record has, in words, in the order statuses go."""
    fig = go.Figure()
    segments = status_segments(agreement, end)
    rows = [plain(s) for s in Status if any(segment[0] is s for segment in segments)]
    for status, start, stop, label in segments:
        words = plain(status)
        fig.add_trace(
            go.Scatter(
                x=[start.isoformat(), stop.isoformat()],
                y=[words, words],
                mode="lines+markers",
                line={"color": STATUS_COLOURS[status], "width": 14},
                marker={"size": 8, "color": STATUS_COLOURS[status]},
                name=words,
                hovertext=[label, label],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        height=max(140, 60 + 40 * len(rows)),
        margin={"l": 110, "r": 20, "t": 10, "b": 40},
        xaxis={"type": "date", "title": None},
        yaxis={
            "categoryorder": "array",
            "categoryarray": rows,
            "title": None,
            "fixedrange": True,
        },
        showlegend=False,  # the rows are named by the statuses
        template="plotly_white",
    )
    return figure_json(fig)


def figure_json(fig: go.Figure) -> str:
    """A figure as the JSON a page's `data-figure` attribute holds (drawn by /static/charts.js)."""
    figure = json.loads(fig.to_json())
    figure["config"] = CONFIG
    return json.dumps(figure, separators=(",", ":"))


def page_chart(chart: Chart, div_id: str) -> str:
    """A report's chart on a page: its figure JSON, at the chart's own height, in the `<div>`
    that /static/charts.js draws (no inline script or style)."""
    chart.figure.update_layout(height=chart.height)
    return (
        f'<div id="{escape(div_id)}" class="chart plotly-chart" role="img" '
        f'aria-label="{escape(chart.label)}" data-figure="{escape(figure_json(chart.figure))}">'
        "</div>"
    )
