"""Two finished runs side by side: headline figures, what differs in their scenarios, and charts.

`accords runs compare A B` and the web's compare view both build on this. The figures are each
run's own p5/p50/p95 across its replicas; the change is between the two medians. Two runs drawn
on different random numbers differ by sampling noise as well as by their scenarios, so the page
shows both bands (a change smaller than the bands' overlap says little).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from accords.numbers import figure, median, median_cell, median_change
from accords.registry.loader import Registry
from accords.simulation.scenario import load_scenario
from accords.simulation.series import TotalKey, agreement_names
from accords.store.records import RunRecord
from accords.store.scenario_text import plain_yaml
from accords.validation import InputError
from accords.version import PACKAGE_VERSION

from .charts import (
    MAIN_SERIES,
    MONEY_PLACES,
    PALETTE,
    PEOPLE_PLACES,
    Chart,
    _layout,
    add_band,
    bands,
    chart_html,
    drawn_as,
    full_grid,
)
from .headlines import compared_label
from .page import CSS, HEADLINE, _table, e

Stats = dict[str, float]


@dataclass(frozen=True)
class CompareRow:
    """One headline figure in both runs (None where a run has no such total)."""

    key: str
    label: str
    a: Stats | None
    b: Stats | None

    @property
    def money(self) -> bool:
        return self.key.startswith("cost_")

    @property
    def change(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        return self.b["p50"] - self.a["p50"]


def _summary(record: RunRecord) -> dict[str, Any]:
    if record.status != "done" or record.summary is None:
        raise ValueError(f"run {record.id} is {record.status}; a comparison needs finished runs")
    return record.summary


def headline_rows(
    a: RunRecord, b: RunRecord, registry: Registry | None = None
) -> list[CompareRow]:
    """Headline totals, transfers per destination and costs per currency, in both runs.

    `registry` names the agreements in words; without it, each is named by its receiving
    state and its id.
    """
    sa, sb = _summary(a), _summary(b)
    ta, tb = sa["totals"], sb["totals"]
    names = agreement_names([d for s in (sa, sb) for d in s["destinations"]], registry)
    keys: list[tuple[str, str]] = list(HEADLINE[:3])
    destinations = sorted(
        {
            total.key
            for t in (ta, tb)
            for label in t
            if (total := TotalKey.parse(label)).name == "transfers" and total.key not in ("", "all")
        }
    )
    currencies = sorted(set(sa["currencies"]) | set(sb["currencies"]))
    sent = [TotalKey("transfers", k) for k in destinations]
    costs = [TotalKey("cost_total", c) for c in currencies]
    keys += [(t.label, compared_label(t, names)) for t in sent]
    keys += list(HEADLINE[3:])
    keys += [(t.label, compared_label(t, names)) for t in costs]
    return [
        CompareRow(key, label, ta.get(key), tb.get(key))
        for key, label in keys
        if key in ta or key in tb
    ]


def comparison_json(
    a: RunRecord, b: RunRecord, registry: Registry | None = None
) -> dict[str, Any]:
    """The comparison as data (`accords runs compare --json`, `/runs/compare.json`), its
    labels in the same words as the table, the page and the CSV."""
    return {
        "a": a.id,
        "b": b.id,
        "rows": [
            {"key": r.key, "label": r.label, "a": r.a, "b": r.b, "change": r.change}
            for r in headline_rows(a, b, registry)
        ],
        "scenario_diff": scenario_diff(a, b),
    }


def resolved_text(record: RunRecord) -> str:
    """The run's scenario with every default written out (its recorded text if it won't load)."""
    try:
        return plain_yaml(load_scenario(text=record.scenario_yaml))
    except InputError:
        return record.scenario_yaml


def scenario_diff(a: RunRecord, b: RunRecord) -> list[str]:
    """A unified diff of the two resolved scenarios; empty when they are the same."""
    return list(
        difflib.unified_diff(
            resolved_text(a).splitlines(),
            resolved_text(b).splitlines(),
            fromfile=f"run {a.id}",
            tofile=f"run {b.id}",
            lineterm="",
        )
    )


def _run_band(monthly: pl.DataFrame, series: str, key: str, cumulative: bool) -> pl.DataFrame:
    grid = full_grid(monthly, series)
    return bands(grid.filter(pl.col("key") == key), cumulative=cumulative)


def _specs(a: RunRecord, b: RunRecord) -> list[tuple[str, str | None, bool, str, str]]:
    currencies = sorted(set(_summary(a)["currencies"]) | set(_summary(b)["currencies"]))
    return list(MAIN_SERIES) + [
        ("cost_month", c, True, f"cost, {c} (cumulative)", f"Cumulative cost, {c}")
        for c in currencies
    ]


def _both_bands(
    a: RunRecord, b: RunRecord, monthly_a: pl.DataFrame, monthly_b: pl.DataFrame
) -> Iterator[tuple[bool, str, str, tuple[pl.DataFrame, pl.DataFrame]]]:
    """Per main series: (whether it is money, y title, what, (run A's bands, run B's bands))
    month by month."""
    for series, key, cumulative, y_title, what in _specs(a, b):
        yield (
            series == "cost_month",
            y_title,
            what,
            (
                _run_band(monthly_a, series, key or "", cumulative),
                _run_band(monthly_b, series, key or "", cumulative),
            ),
        )


def overlay_charts(
    a: RunRecord, b: RunRecord, monthly_a: pl.DataFrame, monthly_b: pl.DataFrame
) -> list[Chart]:
    """The main series of both runs on one chart each: median lines over 5–95% bands."""
    charts = []
    for money, y_title, what, frames in _both_bands(a, b, monthly_a, monthly_b):
        fig = go.Figure()
        parts = []
        shown = figure if money else median
        for i, (record, frame) in enumerate(zip((a, b), frames, strict=True)):
            if frame.is_empty():
                continue
            name = f"{'AB'[i]}: {record.id}"
            add_band(
                fig,
                frame,
                name=name,
                colour=PALETTE[i],
                dash=None if i == 0 else "dash",
                money=money,
            )
            end = frame.row(-1, named=True)
            parts.append(f"{name} ends at median {shown(end['p50'])}")
        if not parts:
            continue
        _layout(fig, y_title)
        charts.append(Chart(fig, f"{what}, run A against run B: " + "; ".join(parts) + ".", 360))
    return charts


def difference_charts(
    a: RunRecord, b: RunRecord, monthly_a: pl.DataFrame, monthly_b: pl.DataFrame
) -> list[Chart]:
    """Per main series, run B's monthly median minus run A's (above zero: B is higher).

    The two runs drew their own random numbers, so a difference inside the bands of the
    overlaid charts may be noise; the caption says the largest gap and when it falls.
    """
    charts = []
    for money, y_title, what, (frame_a, frame_b) in _both_bands(a, b, monthly_a, monthly_b):
        if frame_a.is_empty() and frame_b.is_empty():
            continue
        joined = (
            frame_a.select("month", "date", pl.col("p50").alias("a"))
            .join(
                frame_b.select("month", pl.col("date").alias("date_b"), pl.col("p50").alias("b")),
                on="month",
                how="full",
                coalesce=True,
            )
            .sort("month")
            .with_columns(
                pl.coalesce("date", "date_b").alias("date"),
                (pl.col("b").fill_null(0) - pl.col("a").fill_null(0)).alias("gap"),
            )
        )
        shown = figure if money else median
        fig = go.Figure(
            go.Scatter(
                x=joined["date"].to_list(),
                y=[round(gap, MONEY_PLACES if money else PEOPLE_PLACES) for gap in joined["gap"]],
                mode="lines",
                name="B − A (medians)",
                meta=drawn_as("B − A (medians)", money=money),
                line={"color": PALETTE[3]},
                customdata=[shown(gap) for gap in joined["gap"]],
                hovertemplate=f"B − A, {y_title}: %{{customdata}}<extra></extra>",
            )
        )
        _layout(fig, "B − A", signed=True)
        top = joined.row(int(joined["gap"].abs().arg_max() or 0), named=True)
        end = joined.row(-1, named=True)
        label = (
            f"{what}: run B's median minus run A's, month by month. "
            f"It ends at {shown(end['gap'])}; the largest gap is {shown(top['gap'])} "
            f"in {top['date']:%B %Y}."
        )
        charts.append(Chart(fig, label, 300))
    return charts


def cell(row: CompareRow, stats: Stats | None) -> str:
    """`median (p5–p95)` (`median_cell`: money in millions, as the row's label says); the
    table's heading says what the range is."""
    if stats is None:
        return "—"
    medians = [s["p50"] for s in (row.a, row.b) if s is not None]
    return median_cell(stats, millions=row.money, row=medians)


def change_text(row: CompareRow) -> str:
    """B's median minus A's, worked out from the two cells as shown (`median_change`), so it
    is always what a reader gets by subtracting them."""
    if row.a is None or row.b is None:
        return "—"
    return median_change(row.a["p50"], row.b["p50"], millions=row.money)


def render_compare(
    a: RunRecord,
    b: RunRecord,
    monthly_a: pl.DataFrame,
    monthly_b: pl.DataFrame,
    registry: Registry | None = None,
) -> str:
    """Both runs on one offline page: headline figures, scenario differences, overlaid charts
    (`registry` names the agreements in words, as in `headline_rows`)."""
    rows = [
        [e(r.label), e(cell(r, r.a)), e(cell(r, r.b)), e(change_text(r))]
        for r in headline_rows(a, b, registry)
    ]
    diff = scenario_diff(a, b)
    diff_html = (
        "<pre><code>"
        + "\n".join(
            f"<mark>{e(line)}</mark>"
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
            else e(line)
            for line in diff
        )
        + "</code></pre>"
        if diff
        else '<p class="note">The two scenarios are the same (only the random draws differ).</p>'
    )
    figures = "".join(
        f'<figure><div class="chart" style="--h: {chart.height}px" role="img" '
        f'aria-label="{e(chart.label)}">{chart_html(chart, f"{kind}-{i}")}</div>'
        f"<figcaption>{e(chart.label)}</figcaption></figure>"
        for kind, charts in (
            ("overlay", overlay_charts(a, b, monthly_a, monthly_b)),
            ("difference", difference_charts(a, b, monthly_a, monthly_b)),
        )
        for i, chart in enumerate(charts)
    )
    meta = "".join(
        f"<dt>Run {name}</dt><dd><code>{e(r.id)}</code>: {e(r.scenario_name)}, "
        f"{e(r.replicas)} replicas, seed {e(r.seed)}</dd>"
        for name, r in (("A", a), ("B", b))
    )
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>accords: run {e(a.id)} against run {e(b.id)}</title>"
        f"<style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>"
        f'<header><h1>Run A against run B</h1><dl class="meta">{meta}</dl></header><main>'
        '<section id="headline" aria-labelledby="h-headline"><h2 id="h-headline">Headline '
        "figures</h2><p>Each run's median across its replicas, with the range that holds 90% "
        "of them; the change is B's median minus A's. The runs drew different random numbers, "
        "so part of any change is sampling noise: compare it with the bands.</p>"
        + _table(("", "run A", "run B", "B − A"), rows)
        + '</section><section id="scenario" aria-labelledby="h-scenario">'
        '<h2 id="h-scenario">What differs in the scenarios</h2>'
        "<p>Lines starting with − are run A's, + run B's (every default written out).</p>"
        + diff_html
        + '</section><section id="charts" aria-labelledby="h-charts">'
        '<h2 id="h-charts">The main series, overlaid</h2>'
        "<p>Median lines over their 5–95% bands across replicas; run A solid, run B dashed. "
        "Then, per series, run B's median minus run A's, month by month.</p>"
        + figures
        + "</section></main>"
        f"<footer><p>Generated by accords {e(PACKAGE_VERSION)}. Model outputs, not "
        "observations.</p></footer></body></html>\n"
    )
