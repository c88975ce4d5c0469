"""One self-contained HTML page for a finished run: charts, key figures, and what they rest on.

The page is meant to be mailed, archived or opened on a plane: plotly.js is embedded once in the
page (no CDN, no network), every chart has a sentence saying what it shows and a table of the
figures behind it (for screen readers, and for anyone who wants the numbers), and the scenario's
assumptions sit next to the results with their sources, because a figure without the assumption
that produced it is how a model gets misquoted. The layout is one column that narrows to a phone.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import polars as pl
from plotly.offline import get_plotlyjs
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from accords.engine.reasons import REASONS, Group
from accords.labels import plain, plain_reason
from accords.law.national import INA_OWN_COUNTRY
from accords.numbers import figure
from accords.registry.countries import country_name
from accords.registry.describe import capacity_text, term_length_text
from accords.registry.loader import Registry, load_registry
from accords.registry.models import Agreement, Source
from accords.report.headlines import comparison_rows, headline_sentences, without_words
from accords.report.plotly_css import plotly_styles
from accords.simulation.plan import registry_version
from accords.simulation.series import (
    IN_BOTH_RUNS,
    PCTS,
    TotalKey,
    agreement_names,
    cost_item_words,
    destination_label,
    spelled_out,
    split_zero,
    total_text,
    zero_note,
)
from accords.store.records import RunRecord
from accords.store.scenario_text import assumptions
from accords.validation import InputError
from accords.version import PACKAGE_VERSION
from accords.visible import visible

from .charts import (
    MAIN_SERIES,
    Chart,
    blocked_chart,
    capacity_chart,
    chart_html,
    cost_chart,
    difference_chart,
    figure_csv,
    transfers_chart,
    wrongful_chart,
)

TITLES = {
    "transfers": "Monthly transfers by destination",
    "capacity": "Stock vs capacity per facility",
    "costs": "Cumulative cost per currency",
    "blocked": "Blocked cases by reason",
    "wrongful": "Wrongful transfers",
    "assumptions": "Assumptions and sources",
}

CSS = """
:root { --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#ffffff; --soft:#f6f8fa;
        --mark:#fff1b8; --accent:#0072B2; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .5rem; padding-top: .5rem;
     border-top: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
p.lede { color: var(--muted); margin: .25rem 0 1rem; }
.badge { display:inline-block; padding:.1rem .5rem; border-radius:.75rem; font-size:.8rem;
         font-weight:600; background:#ffe3c2; color:#6b3b00; vertical-align: middle; }
dl.meta { display:grid; grid-template-columns: max-content 1fr; gap:.15rem 1rem; margin:.5rem 0;
          font-size:.9rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin:0; overflow-wrap:anywhere; }
nav ol { padding-left: 1.2rem; columns: 2 14rem; font-size: .95rem; }
a { color: var(--accent); overflow-wrap: anywhere; }
p, li { overflow-wrap: break-word; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: .9rem; margin: .25rem 0 .5rem; }
.chart { width: 100%; height: var(--h, 400px); }
.table-wrap { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; font-size: .9rem; min-width: 20rem; }
tbody th[scope=row] { font-weight: 500; min-width: 10rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .25rem; }
details { margin: .5rem 0 1rem; }
summary { cursor: pointer; color: var(--accent); }
details.zero-rows > summary { color: var(--muted); }
pre { background: var(--soft); padding: .75rem; overflow-x: auto; font-size: .8rem;
      line-height: 1.4; border-radius: .25rem; }
mark { background: var(--mark); }
ul.assumptions li { margin: .2rem 0; }
ul.assumptions code, pre code { white-space: pre-wrap; }
article.agreement { border-left: 3px solid var(--line); padding-left: .75rem; margin: 1rem 0; }
.quote { color: var(--muted); }
.note { background: var(--soft); border-left: 3px solid var(--accent); padding: .5rem .75rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; padding-bottom: 2rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.35rem; }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: .35rem; }
  nav ol { columns: 1; }
  table { font-size: .8rem; }
  th, td { padding: .25rem .4rem; }
  /* legends wrap onto several lines on a phone: give the plot area that room back */
  .chart { height: calc(var(--h, 400px) + 140px); }
}
"""

HEADLINE = [
    ("entries", "Persons entering the sender's custody"),
    ("decided", "Cases reaching a final order (checked by the engine)"),
    ("transfers[all]", "Transfers, all destinations"),
    ("blocked", "Cases no destination permitted (released)"),
    ("court_blocked", "Transfers blocked by a court"),
    ("wrongful", "Wrongful transfers"),
    ("wrongful_citizen", "… of citizens of the sending state"),
    ("wrongful_protected", "… of persons protected against the receiver"),
    ("queue_end", "Waiting for a destination at the end"),
    ("custody_end", "In the sender's custody at the end"),
]


def e(text: object) -> str:
    """Text for HTML: escaped, with control and bidi characters shown (accords.visible)."""
    return html.escape(visible(str(text), lines=True), quote=True)


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    caption: str | None = None,
    numeric_from: int = 1,
) -> str:
    """An HTML table; cells are given already escaped, columns from `numeric_from` right-aligned."""
    head = "".join(
        f'<th scope="col"{" class=num" if i >= numeric_from else ""}>{h}</th>'
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            (
                f'<th scope="row">{c}</th>'
                if i == 0
                else f"<td{' class=num' if i >= numeric_from else ''}>{c}</td>"
            )
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _stats_table(
    totals: dict[str, dict[str, float]],
    keys: Iterable[tuple[str, str]],
    *,
    caption: str | None = None,
) -> str:
    """The totals named by `keys` ((total, label)) as a p5/p50/p95 table; those zero in every
    replica are folded away under a note that names them, and open to show them."""
    present = [(label, totals[key], TotalKey.parse(key)) for key, label in keys if key in totals]
    labels = [row[0] for row in present]
    whole = dict(zip(labels, spelled_out(labels), strict=True))
    shown, zero = split_zero(present, lambda row: row[1])

    def rows(chosen: list[tuple[str, dict[str, float], TotalKey]]) -> list[list[str]]:
        return [[e(label), *(total_text(t, stats[p]) for p in PCTS)] for label, stats, t in chosen]

    out = _table(PCT_HEADERS, rows(shown), caption=caption) if shown else ""
    if zero:
        # folded away from their parent rows, sub-rows are named in full; shown, in full too
        folded = [(whole[label], stats, t) for label, stats, t in zero]
        out += (
            f'<details class="zero-rows"><summary>{e(zero_note([r[0] for r in folded]))}'
            f"</summary>{_table(PCT_HEADERS, rows(folded))}</details>"
        )
    return out


PCT_HEADERS = ("", "p5", "p50 (median)", "p95")


Draw = Callable[[Chart, str], str]


def inline_chart(chart: Chart, div_id: str) -> str:
    """A chart for the self-contained page: its div, sized by the page's CSS, and its script."""
    return (
        f'<div class="chart" style="--h: {chart.height}px" role="img" '
        f'aria-label="{e(chart.label)}">{chart_html(chart, div_id)}</div>'
    )


def _figure(name: str, chart: Chart | None, empty: str, data: str, draw: Draw) -> str:
    if chart is None:
        return f'<p class="note">{e(empty)}</p>{data}'
    return (
        f'<figure aria-labelledby="h-{name}" aria-describedby="cap-{name}">'
        f"{draw(chart, f'chart-{name}')}"
        f'<figcaption id="cap-{name}">{e(chart.label)}</figcaption></figure>'
        f'<p class="downloads"><a download="{e(name)}.csv" '
        f'href="data:text/csv;charset=utf-8,{quote(figure_csv(chart.figure))}">'
        "download the data (CSV)</a> of this chart; the chart's camera button saves it as PNG</p>"
        f"<details><summary>The figures behind this chart</summary>{data}</details>"
    )


def _comparison_section(
    s: dict[str, Any], monthly: pl.DataFrame, draw: Draw, names: Mapping[str, str]
) -> str:
    """With and without the agreements compared: the headline totals and a difference chart
    per main series, each difference taken replica by replica on the same random draws."""
    c = s["comparison"]
    compared, zero = comparison_rows(s, names)
    rows = [[e(label), *(e(v) for v in values)] for label, *values in compared]
    specs = list(MAIN_SERIES) + [
        ("cost_month", cur, True, f"cost, {cur} (cumulative)", f"Cumulative cost, {cur}")
        for cur in s["currencies"]
    ]
    charts = []
    for i, (series, key, cumulative, _, what) in enumerate(specs):
        chart = difference_chart(monthly, series, key or "", cumulative=cumulative, what=what)
        if chart is not None:
            charts.append(
                f'<figure aria-describedby="cap-difference-{i}">'
                f"{draw(chart, f'chart-difference-{i}')}"
                f'<figcaption id="cap-difference-{i}">{e(chart.label)}</figcaption></figure>'
            )
    return (
        '<section id="comparison" aria-labelledby="h-comparison">'
        f'<h2 id="h-comparison">With and without {e(without_words(c, names))}</h2>'
        f"<p>{e(c['method'])} Each figure is the median across replicas with its 5–95% range; "
        "people are whole persons, but for a median between two replicas' counts (2.5); money "
        "is in millions.</p>"
        + _table(("", "with", "without", "difference"), rows)
        + (
            f'<p class="note">{e(zero_note(zero, "left out", IN_BOTH_RUNS))}</p>'
            if zero
            else ""
        )
        + "".join(charts)
        + "</section>"
    )


def _section(name: str, intro: str, body: str) -> str:
    return (
        f'<section id="{name}" aria-labelledby="h-{name}">'
        f'<h2 id="h-{name}">{e(TITLES[name])}</h2><p>{intro}</p>{body}</section>'
    )


def _source_link(source: Source) -> str:
    who = source.publisher or source.url.split("/")[2]
    when = f", {source.date.text}" if source.date is not None else ""
    quote = source.quote if len(source.quote) <= 240 else source.quote[:237].rstrip() + "…"
    return (
        f'<a href="{e(source.url)}" rel="noopener noreferrer">{e(who)}{e(when)}</a> '
        f'<span class="quote">“{e(quote)}”</span>'
    )


def _returns_block(returns: list[dict[str, Any]], scenario: dict[str, Any]) -> str:
    """Ordinary returns (no agreement needed) share one legal basis: shown once."""
    settings = scenario.get("ordinary_returns") or {}
    url = settings.get("source_url") or INA_OWN_COUNTRY.url
    quote = settings.get("source_quote") or INA_OWN_COUNTRY.quote
    per_month = settings.get("transfers_per_month")
    limit = f"at most {e(per_month)} a month each" if per_month is not None else "no monthly limit"
    to = ", ".join(e(country_name(d["receiver"])) for d in returns)
    return (
        '<article class="agreement" aria-label="ordinary returns">'
        f"<h4>Ordinary returns to a person's own country: {to}</h4>"
        f"<p>Removals that need no agreement; tried before any third country; {limit}.</p>"
        f'<p>Legal basis: <a href="{e(url)}" rel="noopener noreferrer">{e(url)}</a> '
        f'<span class="quote">“{e(quote)}”</span></p></article>'
    )


def _agreement_block(dest: dict[str, Any], agreement: Agreement | None) -> str:
    key = dest["key"]
    facts = [
        f"kind: {e(dest['kind'])}",
        "route: return to own country" if dest["route"] == "return" else "route: third country",
        f"places: {e(dest['places'])}" if dest.get("places") is not None else "places: no limit",
    ]
    # runs recorded before the capacity kinds name a monthly limit instead of their limits
    if dest.get("transfers_per_month") is not None:
        facts.append(f"transfers per month: {e(dest['transfers_per_month'])}")
    facts.extend(e(limit) for limit in dest.get("limits") or [])
    if dest.get("batch") is not None:
        facts.append(f"sent in whole groups of {e(dest['batch'])}")
    if dest.get("stay_months") is not None:
        facts.append(f"stay: {e(dest['stay_months'])} months ({e(dest['stay_distribution'])})")
    out = [f'<article class="agreement" aria-label="{e(key)}">']
    title = agreement.title if agreement is not None else key
    out.append(f"<h4>{e(title)} <code>{e(key)}</code></h4>")
    out.append(f"<p>{e(dest['receiver'])} · {' · '.join(facts)}</p>")
    if agreement is None:
        out.append('<p class="note">Not in the registry this report was built with.</p>')
    else:
        out.append(f"<p>{e(agreement.summary)}</p>")
        if agreement.status:
            items = "".join(
                f"<li>{e(s.date.text)}: <strong>{e(plain(s.status))}</strong>"
                f"{' by ' + e(s.by) if s.by else ''} — {_source_link(s.sources[0])}</li>"
                for s in agreement.status
            )
            out.append(f"<h5>Status timeline</h5><ul>{items}</ul>")
        facilities = list(agreement.terms.facilities)
        if facilities:
            items = "".join(
                f"<li>{e(f.name)}{' (' + e(f.location) + ')' if f.location else ''}"
                f" — {_source_link(f.sources[0])}</li>"
                for f in facilities
            )
            out.append(f"<h5>Facilities</h5><ul>{items}</ul>")
        limits = [(capacity_text(c), c) for c in agreement.terms.capacity] + [
            (term_length_text(t), t) for t in agreement.terms.term_length
        ]
        if limits:
            items = "".join(
                f"<li>{e(text)} — {_source_link(fact.sources[0])}</li>" for text, fact in limits
            )
            out.append(f"<h5>Capacity and term, as the record gives them</h5><ul>{items}</ul>")
    prices = dest.get("prices") or []
    if prices:
        items = "".join(
            f"<li>{e(plain(p['kind'], 'price_kind'))}: {'up to ' if p.get('up_to') else ''}"
            f"{e(figure(p['amount']))} {e(p['currency'])}"
            + (
                f' — <a href="{e(p["source"])}" rel="noopener noreferrer">source</a>'
                if p.get("source", "") and str(p["source"]).startswith("http")
                else (f" — {e(p['source'])}" if p.get("source") else "")
            )
            + "</li>"
            for p in prices
        )
        out.append(f"<h5>Prices charged in this run</h5><ul>{items}</ul>")
    out.append("</article>")
    return "".join(out)


def _scenario_data(yaml_text: str) -> dict[str, Any]:
    try:
        data = YAML(typ="safe").load(yaml_text)
    except YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _yaml_block(yaml_text: str) -> str:
    lines = []
    for line in yaml_text.splitlines():
        escaped = e(line)
        lines.append(f"<mark>{escaped}</mark>" if "ASSUMPTION" in line else escaped)
    return "<pre><code>" + "\n".join(lines) + "</code></pre>"


BlockedRow = tuple[str, str, float, float, float]


def _blocked_rows(totals: dict[str, dict[str, float]]) -> list[BlockedRow]:
    rows = []
    for label, stats in totals.items():
        total = TotalKey.parse(label)
        if total.name != "blocked_by_reason":
            continue
        code = total.key
        base = code.removesuffix("_unknown")
        spec = REASONS.get(base)
        group = (
            {Group.LAW: "law", Group.COVERAGE: "coverage", Group.STATUS: "status"}.get(
                spec.group, "law"
            )
            if spec is not None
            else "law"
        )
        shown = plain_reason(code)
        rows.append((shown, group, stats["p5"], stats["p50"], stats["p95"]))
    court = totals.get("court_blocked")
    if court is not None and court["p95"] > 0:
        rows.append(("court challenge upheld", "court", court["p5"], court["p50"], court["p95"]))
    return sorted(rows, key=lambda r: (-r[3], r[0]))


@dataclass(frozen=True)
class ReportBody:
    """A report's parts, as HTML built (and escaped) here: what the self-contained page and
    the run's web page both show, each around its own header and scripts."""

    title: str
    synthetic: bool
    description: str | None
    meta: list[tuple[str, str]]  # (label, HTML)
    nav: str  # the <li> items of the contents
    sections: list[str]


def report_body(
    record: RunRecord,
    monthly: pl.DataFrame,
    *,
    registry: Registry | None = None,
    draw: Draw = inline_chart,
) -> ReportBody:
    """The report of a finished run, its charts drawn by `draw` (inline scripts by default).

    `registry` gives the agreements' texts and sources; the shipped registry if not given (the
    page says so when its version differs from the one the run used).
    """
    if record.status != "done" or record.summary is None:
        why = f" ({record.error})" if record.error else ""
        raise ValueError(f"run {record.id} is {record.status}{why}; a report needs a finished run")
    if monthly.is_empty():
        raise ValueError(f"run {record.id}: its monthly series are empty")
    s = record.summary
    totals: dict[str, dict[str, float]] = s["totals"]
    scenario = _scenario_data(record.scenario_yaml)

    reg_note = ""
    if registry is None:
        try:
            registry = load_registry()
        except InputError:
            registry = None
    if registry is None:
        reg_note = "The registry could not be read, so agreements are shown by id only."
    elif registry_version(registry) != record.registry_version:
        reg_note = (
            f"The registry has changed since this run (run: {record.registry_version}, "
            f"now: {registry_version(registry)}); agreement texts and sources below are from "
            "the current registry."
        )
    names = agreement_names(s["destinations"], registry)

    sections = []
    # At a glance
    glance = HEADLINE + [
        (TotalKey("cost_total", c).label, f"Total cost, {c}") for c in s["currencies"]
    ]
    findings = "".join(f"<li>{e(sentence)}</li>" for sentence in headline_sentences(s, names))
    sections.append(
        '<section id="glance" aria-labelledby="h-glance"><h2 id="h-glance">At a glance</h2>'
        f'<ul class="findings">{findings}</ul>'
        f"<p>Totals over the {e(s['horizon_months'])} months (or at the end), across "
        f"{e(s['replicas'])} replicas: the median and the range that holds 90% of them.</p>"
        + _stats_table(totals, glance)
        + "</section>"
    )
    if "comparison" in s:
        sections.append(_comparison_section(s, monthly, draw, names))

    transfer_rows = _stats_table(
        totals,
        [
            (label, destination_label(total.key, names))
            for label in totals
            if (total := TotalKey.parse(label)).name == "transfers" and total.key not in ("", "all")
        ],
        caption="Transfers over the horizon",
    )
    sections.append(
        _section(
            "transfers",
            "Persons transferred each month to each destination: the line is the median across "
            "replicas, the shaded band the 5–95% range. Returns to a person's own country are "
            "tried first, then third countries in the scenario's priority order. An agreement "
            "is named by the state it sends people to and the year of its first dated status.",
            _figure(
                "transfers",
                transfers_chart(monthly, names),
                "No transfers in this run.",
                transfer_rows,
                draw,
            ),
        )
    )

    cap_rows = []
    for d in s["destinations"]:
        peak = totals.get(TotalKey("stock_peak", d["key"]).label)
        if peak is not None:
            cap_rows.append(
                [
                    e(destination_label(d["key"], names)),
                    e(d["places"] if d["places"] is not None else "no limit"),
                    e("; ".join(d.get("limits") or []) or "none"),
                    *(figure(peak[p]) for p in ("p5", "p50", "p95")),
                ]
            )
    sections.append(
        _section(
            "capacity",
            "Persons held by each receiving facility at the end of each month (median and 5–95% "
            "band), against its places (dashed). Places stay reserved while a case is in court.",
            _figure(
                "capacity",
                capacity_chart(monthly, names),
                "No destination in this run holds people for a stay.",
                _table(
                    ("", "places", "limits on transfers", "peak p5", "peak p50", "peak p95"),
                    cap_rows,
                    caption="Peak number held",
                ),
                draw,
            ),
        )
    )

    cost_rows = _stats_table(
        totals,
        [(TotalKey("cost_total", c).label, f"Total, {c}") for c in s["currencies"]]
        + [
            (label, cost_item_words(total.key, names))
            for label in totals
            if (total := TotalKey.parse(label)).name == "cost_item"
        ],
        caption="Costs over the horizon, by item",
    )
    sections.append(
        _section(
            "costs",
            "Running total of costs in each currency (median and 5–95% band). Amounts are "
            "never converted between currencies or adjusted between price years; each panel is "
            "one currency.",
            _figure(
                "costs",
                cost_chart(monthly),
                "No priced costs in this run.",
                cost_rows,
                draw,
            ),
        )
    )

    blocked = _blocked_rows(totals)
    sections.append(
        _section(
            "blocked",
            "Cases no destination permitted, by the reason each agreement in force gave (a case "
            "counts under every reason that failed for it, so the bars add up to more than the "
            "cases), and transfers a court blocked. Bars are medians; whiskers the 5–95% range.",
            _figure(
                "blocked",
                blocked_chart(blocked),
                "No case was blocked in any replica.",
                _table(
                    ("reason", "kind", "p5", "p50 (median)", "p95"),
                    [[e(r[0]), e(r[1]), figure(r[2]), figure(r[3]), figure(r[4])] for r in blocked],
                    numeric_from=2,
                ),
                draw,
            ),
        )
    )

    sections.append(
        _section(
            "wrongful",
            "Transfers that the records allowed but the truth did not: of people who are in "
            "truth citizens of the sending state, or truly protected against the receiving "
            "state (record errors). Cumulative; median and 5–95% band.",
            _figure(
                "wrongful",
                wrongful_chart(monthly),
                "This run has no wrongful-transfer series.",
                _stats_table(
                    totals, HEADLINE[5:8], caption="Wrongful transfers over the horizon"
                ),
                draw,
            ),
        )
    )

    sections.append(_assumptions(record, s, scenario, registry, reg_note))

    synthetic = bool(s["population"].get("synthetic"))
    finished = record.finished_at.strftime("%Y-%m-%d %H:%M UTC") if record.finished_at else "—"
    meta = [
        ("Run", f"<code>{e(record.id)}</code> ({e(record.source)})"),
        ("Population", e(s["population"]["label"])),
        (
            "Horizon",
            f"{e(s['horizon_months'])} months from {e(s['start'][:7])}, "
            f"{e(s['replicas'])} replicas, seed {e(s['seed'])}",
        ),
        ("Finished", e(finished)),
        ("Scenario hash", f"<code>{e(record.scenario_hash[:16])}</code>"),
        (
            "Versions",
            f"registry <code>{e(record.registry_version)}</code>, "
            f"accords {e(record.package_version)}",
        ),
    ]
    description = scenario.get("description")
    nav = "".join(
        f'<li><a href="#{k}">{e(v)}</a></li>'
        for k, v in [
            ("glance", "At a glance"),
            *([("comparison", "With and without")] if "comparison" in s else []),
            *TITLES.items(),
        ]
    )
    return ReportBody(
        title=e(record.scenario_name),
        synthetic=synthetic,
        description=e(description) if description else None,
        meta=meta,
        nav=nav,
        sections=sections,
    )


def render_report(
    record: RunRecord, monthly: pl.DataFrame, *, registry: Registry | None = None
) -> str:
    """The report of a finished run as one HTML document (plotly.js embedded, no network)."""
    body = report_body(record, monthly, registry=registry)
    badge = ' <span class="badge">SYNTHETIC population</span>' if body.synthetic else ""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{body.title} — accords run {e(record.id)}</title>"
        f"<style>{CSS}</style>"
        # plotly.js's rules given here: under the server's hashed CSP it cannot insert them.
        + "".join(
            f'<style id="{style_id}" class="no-inline-styles">{css}</style>'
            for style_id, css in plotly_styles().items()
        )
        + f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>"
        f"<header><h1>{body.title}{badge}</h1>"
        + (f'<p class="lede">{body.description}</p>' if body.description else "")
        + '<dl class="meta">'
        + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in body.meta)
        + "</dl>"
        f'<nav aria-label="Contents"><ol>{body.nav}</ol></nav></header>'
        "<main>" + "".join(body.sections) + "</main>"
        f"<footer><p>Generated {e(generated)} by accords {e(PACKAGE_VERSION)}. These are "
        "model outputs for the scenario above, not observations"
        + (", and the population is synthetic" if body.synthetic else "")
        + ". Every figure the scenario does not take from a cited source is marked "
        "ASSUMPTION.</p></footer></body></html>\n"
    )


def _assumptions(
    record: RunRecord,
    s: dict[str, Any],
    scenario: dict[str, Any],
    registry: Registry | None,
    reg_note: str,
) -> str:
    parts = []
    marked = assumptions(record.scenario_yaml)
    if marked:
        rows = [
            [f"<code>{e(a.field)}</code>", f"<code>{e(a.value)}</code>", e(a.note)] for a in marked
        ]
        parts.append(
            "<h3>Marked assumptions</h3><p>Figures the scenario gives without a source (its "
            "<code>ASSUMPTION</code> comments). Change them in the scenario file to see how "
            "much the results depend on them.</p>"
            + _table(("field", "value", "assumption"), rows, numeric_from=3)
        )
    else:
        parts.append(
            '<h3>Marked assumptions</h3><p class="note">The scenario as recorded has no '
            "ASSUMPTION comments; check its values below against their sources.</p>"
        )
    blocks = []
    returns = [d for d in s["destinations"] if d["key"].startswith("return:")]
    if returns:
        blocks.append(_returns_block(returns, scenario))
    for dest in s["destinations"]:
        if dest["key"].startswith("return:"):
            continue
        agreement = None
        if registry is not None and dest["key"] in registry:
            agreement = registry.get(dest["key"])
        blocks.append(_agreement_block(dest, agreement))
    parts.append(
        "<h3>Agreements and returns used</h3>"
        + (f'<p class="note">{e(reg_note)}</p>' if reg_note else "")
        + "".join(blocks)
    )
    calibration = s.get("calibration") or []
    if calibration:
        rows = [
            [
                e(row["quantity"]) + (f" <code>{e(row['key'])}</code>" if row.get("key") else ""),
                e(figure(float(row["value"]))) + (f" {e(row['unit'])}" if row.get("unit") else ""),
                e(row.get("date") or ""),
                f'<a href="{e(row["source_url"])}" rel="noopener noreferrer">source</a> '
                f'<span class="quote">“{e(row.get("quote") or "")}”</span>',
            ]
            for row in calibration
        ]
        parts.append(
            "<h3>Calibration tables</h3>"
            + _table(("quantity", "value", "date", "source"), rows, numeric_from=4)
        )
    notes = s.get("notes") or []
    if notes:
        parts.append(
            "<h3>Notes from the run</h3><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>"
        )
    parts.append(
        "<h3>The scenario as run</h3><p>The resolved scenario, with the comments of the file it "
        "came from; lines with an ASSUMPTION are highlighted.</p>"
        + _yaml_block(record.scenario_yaml)
    )
    return _section(
        "assumptions",
        "What these results rest on: the scenario's own assumptions, the agreements with their "
        "registry sources, and the calibration tables.",
        "".join(parts),
    )
