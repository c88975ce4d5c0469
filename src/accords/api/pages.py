"""The web pages: server-rendered HTML over the same functions as the JSON API.

Every page reads without JavaScript (forms are plain GET/POST, a running simulation's page
refreshes itself); JavaScript only draws the charts, from plotly.js served by this server.
Errors on a page are the JSON API's problems (`ApiError`), shown beside the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from accords.api import deps
from accords.api.agreements import compare_output
from accords.api.charts import figure_json, page_chart, timeline_chart
from accords.api.levers import Levers, field_errors, read_form, scenario_levers
from accords.api.offloop import off_loop
from accords.api.problems import ApiError, ProblemItem, from_validation_error
from accords.api.runner import PreparedScenario, RunManager, check_scenario, read_scenario
from accords.api.security import inline_policy
from accords.api.settings import Settings
from accords.api.simulations import get_record, report_html
from accords.citing import Citation, cite_answer
from accords.engine.check import (
    CheckOutput,
    CitationNumbers,
    answer_sentence,
    check,
    decisive_step,
    overview_order,
)
from accords.engine.person import AsylumClaim, Person, Sex
from accords.labels import plain
from accords.numbers import figure
from accords.registry.changes import changes_output
from accords.registry.citations import SourceIndex
from accords.registry.countries import country_name
from accords.registry.describe import (
    claim_threads,
    money,
    numbers_by_date,
    party,
    short_name,
    term_rows,
)
from accords.registry.loader import Registry
from accords.registry.models import (
    Agreement,
    ArrivalMode,
    Claim,
    Kind,
    RemovalBasis,
    Status,
)
from accords.registry.outputs import AgreementSummary, filter_agreements, view_agreement
from accords.registry.search import Match, search
from accords.report.charts import Chart
from accords.report.compare import (
    cell,
    change_text,
    difference_charts,
    headline_rows,
    overlay_charts,
    scenario_diff,
)
from accords.report.page import report_body
from accords.report.plotly_css import plotly_styles
from accords.simulation.scenario import default_scenario_path, load_scenario
from accords.simulation.series import (
    PCTS,
    Headline,
    TotalKey,
    agreement_names,
    split_zero,
    total_text,
    total_words,
    zero_note,
)
from accords.spreadsheet import spreadsheet_safe
from accords.store import StoreError
from accords.version import PACKAGE_VERSION
from accords.visible import visible

router = APIRouter(include_in_schema=False)

TEMPLATES_DIR = Path(str(resources.files("accords.api") / "templates"))
templates = Jinja2Templates(directory=TEMPLATES_DIR)

RegistryDep = Annotated[Registry, Depends(deps.registry)]
RunsDep = Annotated[RunManager, Depends(deps.runs)]
SettingsDep = Annotated[Settings, Depends(deps.settings)]


def _quoted(words: str) -> str:
    text = words.strip()
    return text if text[:1] in "“\"'" else f"“{text}”"


def _when(moment: datetime | None) -> str:
    """A run's time to the second, in UTC (the store keeps times in UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


def _inert(value: object) -> object:
    """Every value a template prints: user text with its control characters made visible.

    Jinja's autoescape then escapes the HTML in it; a value marked safe (a chart's HTML,
    built by this server) is left as it is.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value, lines=True)
    return value


templates.env.finalize = _inert
templates.env.globals.update(
    party=party,
    money=money,
    numbers_by_date=numbers_by_date,
    version=PACKAGE_VERSION,
    fmt=figure,
    section=None,
    plotly_style_ids=tuple(plotly_styles()),
)
templates.env.filters["quoted"] = _quoted
templates.env.filters["plain"] = plain
templates.env.filters["when"] = _when


def _citation(request: Request, title: str, data_version: str | None = None) -> Citation:
    """The "Cite this" block of a page: its permalink, read today, on this server's data (or,
    for a run, the data it was run on)."""
    data = data_version or str(request.app.state.registry.version)
    return cite_answer(title, str(request.url), data, date.today())


templates.env.globals["citation"] = _citation


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def threads(claims: list[Claim]) -> list[tuple[Claim, list[tuple[int, Claim]]]]:
    """Each first claim with every later statement answering it (depth from 1), in order."""
    out: list[tuple[Claim, list[tuple[int, Claim]]]] = []
    for depth, claim in claim_threads(claims):
        if depth == 0:
            out.append((claim, []))
        elif out:
            out[-1][1].append((depth, claim))
    return out


def optional_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422,
            "validation-error",
            f"{field}: {value!r} is not a date; expected YYYY-MM-DD",
            [ProblemItem(field=field, message="expected a date YYYY-MM-DD", location="query")],
        ) from None


def _optional_enum(kind: type[Kind] | type[Status], value: str | None, field: str) -> Any:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ApiError(
            422,
            "validation-error",
            f"{field}: {value!r} is not one of {allowed}",
            [ProblemItem(field=field, message=f"expected one of {allowed}", location="query")],
        ) from None


def _parties(codes: set[str]) -> list[tuple[str, str]]:
    return sorted(((c, country_name(c)) for c in codes), key=lambda x: x[1])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, reg: RegistryDep) -> HTMLResponse:
    return render(request, "home.html", {"count": len(reg)})


SORT_KEYS: dict[str, Callable[[AgreementSummary], Any]] = {
    "agreement": lambda r: r.title.casefold(),
    "parties": lambda r: (country_name(r.acting_sender or r.sender), country_name(r.receiver)),
    "kind": lambda r: plain(r.kind, "kind"),
    "status": lambda r: (plain(r.status), r.status_since or ""),
    "transferred": lambda r: _people(r.transferred_people),
}


def _people(headline: str | None) -> int:
    """The first figure of a "3,127 | 4,183 (to 2023-12-31)" headline, for sorting; -1 if none."""
    figure = (headline or "").split(" ")[0].replace(",", "")
    return int(figure) if figure.isdigit() else -1


class AgreementsQuery:
    """The agreements page's filters, search and order, read once for the page and its .json
    and .csv twins: each row the page shows, in its order, is a row of the files."""

    def __init__(
        self,
        sender: str | None = None,
        receiver: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        on: str | None = None,
        q: str | None = None,
        sort: str | None = None,
    ) -> None:
        self.filters = {"sender": sender, "receiver": receiver, "kind": kind, "status": status}
        self.filters.update(on=on, q=q, sort=sort)
        self.day = optional_day(on, "on") or date.today()
        self.sender = deps.party_param(sender, "sender")
        self.receiver = deps.party_param(receiver, "receiver")
        self.kind = _optional_enum(Kind, kind, "kind")
        self.status = _optional_enum(Status, status, "status")
        self.sort = (sort or "").removeprefix("-")
        if self.sort and self.sort not in SORT_KEYS:
            allowed = ", ".join(SORT_KEYS)
            raise ApiError(
                422,
                "validation-error",
                f"sort: {sort!r} is not one of {allowed} (a leading - reverses)",
                [ProblemItem(field="sort", message=f"expected one of {allowed}", location="query")],
            )
        self.descending = bool(sort and sort.startswith("-"))
        self.matches: dict[str, list[Match]] = {}

    def rows(self, reg: Registry) -> list[AgreementSummary]:
        rows = filter_agreements(reg, self.day, self.sender, self.receiver, self.kind, self.status)
        text = (self.filters["q"] or "").strip()
        if text:
            hits = search(reg, text).hits
            self.matches = {h.id: h.matches for h in hits}
            rank = {h.id: i for i, h in enumerate(hits)}
            rows = sorted((r for r in rows if r.id in rank), key=lambda r: rank[r.id])
        if self.sort:
            rows = sorted(rows, key=SORT_KEYS[self.sort], reverse=self.descending)
        return rows

    def link(self, path: str, **changes: str | None) -> str:
        """`path` with the same filters (and `changes`), e.g. /agreements.csv?receiver=SLV."""
        given = [(k, v) for k, v in {**self.filters, **changes}.items() if v]
        return path + ("?" + urlencode(given) if given else "")

    def sort_link(self, key: str) -> str:
        """The page sorted by `key`; by `-key` when it is already sorted by `key` ascending."""
        flip = self.sort == key and not self.descending
        return self.link("/agreements", sort=f"-{key}" if flip else key)


AgreementsQueryDep = Annotated[AgreementsQuery, Depends()]


@router.get("/agreements", response_class=HTMLResponse)
def agreements_page(request: Request, reg: RegistryDep, query: AgreementsQueryDep) -> HTMLResponse:
    names = {c: country_name(c) for a in reg for c in (a.sender, a.receiver, a.sending_state)}
    context = {
        "section": "agreements",
        "rows": query.rows(reg),
        "day": query.day,
        "names": names,
        "filters": query.filters,
        "links": {fmt: query.link(f"/agreements.{fmt}") for fmt in ("json", "csv")},
        "query": query,
        "sort_keys": list(SORT_KEYS),
        "senders": _parties({a.sending_state for a in reg}),
        "receivers": _parties({a.receiver for a in reg}),
        "kinds": list(Kind),
        "statuses": list(Status),
    }
    return render(request, "agreements.html", context)


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_page(
    request: Request,
    agreement_id: str,
    reg: RegistryDep,
    as_known_on: str | None = None,
    on: str | None = None,
) -> HTMLResponse:
    known_day = optional_day(as_known_on, "as_known_on")
    on_day = optional_day(on, "on")
    agreement = deps.agreement(reg, agreement_id)
    viewed, view = view_agreement(agreement, known_day, on_day)
    # The chart stops where the record stops, and never runs past the as-known-on day.
    end = min(viewed.as_of, known_day) if known_day else viewed.as_of
    params = {k: v for k, v in (("as_known_on", known_day), ("on", on_day)) if v}
    context = {
        "section": "agreements",
        "a": viewed,
        "view": view,
        "today": date.today(),
        "notes": SourceIndex(),
        "chart": timeline_chart(viewed, end) if viewed.status else "",
        "terms": term_rows(viewed),
        "threads": threads(viewed.claims),
        "query": ("?" + urlencode(params)) if params else "",
    }
    return render(request, "agreement.html", context)


def change_days(agreement: Agreement, since: str | None, until: str | None) -> tuple[date, date]:
    """The interval asked for; by default from the day before the first status to the record's
    end (the whole record as it became public)."""
    first = agreement.status[0].date.earliest if agreement.status else agreement.as_of
    start = optional_day(since, "from") or first - timedelta(days=1)
    return deps.interval(start, optional_day(until, "to") or agreement.as_of)


@router.get("/agreements/{agreement_id}/changes", response_class=HTMLResponse)
def changes_page(
    request: Request,
    agreement_id: str,
    reg: RegistryDep,
    since: Annotated[str | None, Query(alias="from")] = None,
    until: Annotated[str | None, Query(alias="to")] = None,
) -> HTMLResponse:
    agreement = deps.agreement(reg, agreement_id)
    start, end = change_days(agreement, since, until)
    out = changes_output(reg, agreement.id, start, end)
    context = {
        "section": "agreements",
        "a": agreement,
        "out": out,
        "notes": SourceIndex(),
        "query": "?" + urlencode({"from": start.isoformat(), "to": end.isoformat()}),
    }
    return render(request, "changes.html", context)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    reg: RegistryDep,
    ids: Annotated[list[str] | None, Query()] = None,
    on: str | None = None,
) -> HTMLResponse:
    chosen = [i for i in (ids or []) if i]
    on_day = optional_day(on, "on")
    result = None
    message = None
    if len(chosen) >= 2:
        result = compare_output(reg, chosen, on_day, words=True)
    elif ids:
        message = "Choose two agreements to compare."
    query = urlencode(
        [("ids", i) for i in chosen] + ([("on", on_day.isoformat())] if on_day else [])
    )
    context = {
        "section": "compare",
        "all_agreements": list(reg),
        "chosen": chosen,
        "on": on_day,
        "result": result,
        "names": {i: short_name(reg.get(i)) for i in (result.ids if result else [])},
        "message": message,
        "query": query,
    }
    return render(request, "compare.html", context)


LIST_FIELDS = ("citizenships", "protection_against")
OPTIONAL_FIELDS = (
    "age",
    "birth_date",
    "sex",
    "immigration_status",
    "asylum_claim",
    "final_removal_order",
    "criminal_conviction",
    "serving_sentence",
    "gang_designation",
    "arrival_date",
    "arrival_mode",
    "vulnerable",
    "family_unit",
    "removal_basis",
)


def person_from_form(form: dict[str, str]) -> Person:
    """A Person from the checker's fields: empty means unknown, `-` an empty list."""
    data: dict[str, Any] = {"id": form.get("id", "").strip(), "present_in": form.get("present_in")}
    for name in LIST_FIELDS:
        text = form.get(name, "").strip()
        if text == "-":
            data[name] = []
        elif text:
            data[name] = [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]
    for name in OPTIONAL_FIELDS:
        text = form.get(name, "").strip()
        if text:
            data[name] = text
    return Person.model_validate(data)


CASE_FIELDS = frozenset({"id", "present_in", *LIST_FIELDS, *OPTIONAL_FIELDS})
CHECK_PARAMS = CASE_FIELDS | {"date", "agreement"}


def case_form(request: Request) -> dict[str, str]:
    """The checker's fields from the query string: a list field may repeat or use `;`/`,`.

    An unknown parameter is an error, not ignored: `citizenship=USA` (a typo) must not check
    a person of unknown citizenship and look like an answer.
    """
    params = request.query_params
    unknown = sorted(set(params) - CHECK_PARAMS)
    if unknown:
        raise ApiError(
            422,
            "validation-error",
            f"unknown parameter(s): {', '.join(unknown)}",
            [
                ProblemItem(
                    field=name,
                    message="not a field of the case; expected one of "
                    + ", ".join(sorted(CHECK_PARAMS)),
                    location="query",
                )
                for name in unknown
            ],
        )
    form = {name: ",".join(params.getlist(name)) for name in params}
    form.setdefault("id", "case-1")
    return form


def check_query(form: dict[str, str]) -> str:
    """The permalink query of a case: only the fields given, list fields `;`-separated."""
    pairs = []
    for name in ("id", "present_in", "date", "agreement", *LIST_FIELDS, *OPTIONAL_FIELDS):
        value = form.get(name, "").strip()
        if value:
            pairs.append(
                (name, value.replace(",", ";").replace(" ", "") if name in LIST_FIELDS else value)
            )
    return urlencode(pairs, safe=";")


def run_case(reg: Registry, form: dict[str, str]) -> CheckOutput:
    """The check the form asks for (raises the API's problems, so every route words them alike)."""
    try:
        day = optional_day(form.get("date"), "date") or date.today()
        person = person_from_form(form)
    except ValidationError as exc:
        raise from_validation_error(exc, "query") from None
    agreement = form.get("agreement") or None
    chosen = deps.known_ids(reg, agreement.split(",") if agreement else None, "agreement")
    return check(person, date=day, agreements=chosen, registry=reg)


def _check_context(reg: Registry, form: dict[str, str]) -> dict[str, Any]:
    return {
        "section": "check",
        "form": form,
        "senders": _parties({a.sending_state for a in reg}),
        "states": [(c, country_name(c)) for c in deps.state_codes()],
        "all_agreements": list(reg),
        "sexes": [s.value for s in Sex],
        "asylum_claims": [c.value for c in AsylumClaim],
        "arrival_modes": [m.value for m in ArrivalMode],
        "removal_bases": [b.value for b in RemovalBasis],
    }


@router.get("/check", response_class=HTMLResponse)
def check_page(request: Request, reg: RegistryDep) -> HTMLResponse:
    """The case checker; with `present_in` in the query, the verdicts too (the URL is the
    permalink: the form submits by GET)."""
    try:
        form = case_form(request)
    except ApiError as problem:
        context = _check_context(reg, {"id": "case-1", "present_in": "USA"})
        context["problem"] = problem.document()
        return render(request, "check.html", context, status_code=problem.status)
    if "present_in" not in form:
        form = {"id": "case-1", "present_in": "USA", "date": date.today().isoformat()}
        return render(request, "check.html", _check_context(reg, form))
    context = _check_context(reg, form)
    try:
        result = run_case(reg, form)
    except ApiError as problem:
        context["problem"] = problem.document()
        return render(request, "check.html", context, status_code=problem.status)
    query = check_query(form | {"date": result.date.isoformat()})
    notes = CitationNumbers()
    context.update(
        result=result,
        overview=overview_order(result.results),
        answer=answer_sentence(result.results),
        decisive_step=decisive_step,
        country_name=country_name,
        notes=notes,
        query=query,
        permalink=str(request.url.replace(query=query)),
    )
    return render(request, "check.html", context)


@router.post("/check")
async def check_submit(request: Request) -> RedirectResponse:
    """A form posted to the old address: answered at its permalink (303 to the GET URL)."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    return RedirectResponse(f"/check?{check_query(form)}", status_code=303)


@router.get("/check.json")
def check_json(request: Request, reg: RegistryDep) -> CheckOutput:
    """The case of the permalink as JSON: what `POST /api/check` and `check --json` answer."""
    return run_case(reg, case_form(request))


CSV_COLUMNS = ("agreement", "receiver", "verdict", "decisive", "reasons", "title")


@router.get("/check.csv")
def check_csv(request: Request, reg: RegistryDep) -> Response:
    """The case of the permalink as CSV: one row per agreement, reasons `;`-separated."""
    result = run_case(reg, case_form(request))
    rows = [
        (
            result.person,
            result.date.isoformat(),
            r.agreement,
            r.receiver,
            r.verdict.value,
            r.decisive or "",
            ";".join(x.code for x in r.reasons),
            r.title,
        )
        for r in overview_order(result.results)
    ]
    columns = dict.fromkeys(("person", "date", *CSV_COLUMNS), pl.String)
    table = spreadsheet_safe(pl.DataFrame(rows, schema=columns, orient="row"))
    return Response(
        table.write_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="check-{result.date}.csv"'},
    )


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, runs: RunsDep) -> HTMLResponse:
    records = runs.store.list()
    context = {
        "section": "runs",
        "runs": records,
        "headlines": {r.id: Headline.of(r.summary) for r in records if r.summary is not None},
        "any_running": any(r.status == "running" for r in records),
    }
    return render(request, "runs.html", context)


def _limits(settings: Settings) -> dict[str, int]:
    return {
        "replicas": settings.max_replicas,
        "size": settings.max_population_size,
        "horizon_months": settings.max_horizon_months,
    }


def _levers(settings: Settings, reg: Registry, read: PreparedScenario | None = None) -> Levers:
    """The levers of a scenario read from the form, or of the default scenario."""
    if read is None:
        path = default_scenario_path()
        read = PreparedScenario(load_scenario(path), path.read_text(encoding="utf-8"))
    return scenario_levers(read.scenario, read.text or "", reg, _limits(settings))


def _runner_context(
    settings: Settings,
    levers: Levers,
    form: dict[str, str],
    compared: Sequence[str] = (),
) -> dict[str, Any]:
    """The runner's form: the levers of a scenario, pre-filled (or as the person left them),
    and the agreements ticked to compare without."""
    return {
        "section": "runner",
        "settings": settings,
        "form": form,
        "errors": {},
        "levers": levers,
        "compared": set(compared),
    }


@router.get("/runs/new", response_class=HTMLResponse)
def runner_page(request: Request, settings: SettingsDep, reg: RegistryDep) -> HTMLResponse:
    return render(request, "runner.html", _runner_context(settings, _levers(settings, reg), {}))


@router.get("/runs/default.yaml")
def default_scenario() -> Response:
    return Response(
        default_scenario_path().read_text(encoding="utf-8"),
        media_type="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="default-scenario.yaml"'},
    )


def _form_problem(errors: dict[str, str]) -> ApiError:
    return ApiError(
        422,
        "validation-error",
        "; ".join(errors.values()),
        [ProblemItem(field=k, message=v, location="form") for k, v in errors.items()],
    )


@router.post("/runs", response_class=HTMLResponse)
async def runner_submit(request: Request, runs: RunsDep, settings: SettingsDep) -> Response:
    """Start a run from the runner's form; or, with `action=levers`, show the form again with
    the levers of the scenario given in it (pre-filled from that scenario)."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    compared = tuple(v for v in raw.getlist("compare_without") if isinstance(v, str) and v)
    default = _levers(settings, runs.registry)
    context = _runner_context(settings, default, form, compared)
    errors: dict[str, str] = context["errors"]
    text = form.get("scenario_text", "")
    json_body = False
    upload = raw.get("scenario_file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read()
        if content:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                errors["scenario_file"] = "the scenario file is not UTF-8 text"
            json_body = upload.filename.lower().endswith(".json")
            form["scenario_text"] = text
    levers = default
    try:
        if errors:
            raise _form_problem(errors)
        read = await off_loop(settings.parse_seconds, read_scenario, text, json_body=json_body)
        levers = _levers(settings, runs.registry, read)
        if form.get("action") == "levers":
            # the form drawn again for this scenario: every lever pre-filled from it
            kept = {"scenario_text": form["scenario_text"]} if "scenario_text" in form else {}
            return render(request, "runner.html", _runner_context(settings, levers, kept))
        levers = levers.including(default)  # the form may have been drawn for the default
        context["levers"] = levers
        chosen = read_form(form, levers)
        errors.update(chosen.errors)
        if errors:
            raise _form_problem(errors)
        prepared = await off_loop(
            settings.parse_seconds,
            check_scenario,
            read,
            chosen.overrides(compared),
            settings,
            runs.registry,
        )
        run_id = runs.start(prepared, source="web")
    except ApiError as problem:
        field_errors(problem.errors, levers, errors)
        context["problem"] = problem.document()
        return render(request, "runner.html", context, status_code=problem.status)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


def _compare_chart(chart: Chart) -> dict[str, str]:
    """A comparison chart for the page: its figure JSON (at its own height) and its sentence."""
    chart.figure.update_layout(height=chart.height)
    return {"figure": figure_json(chart.figure), "label": chart.label}


@router.get("/runs/compare", response_class=HTMLResponse)
def runs_compare_page(
    request: Request, runs: RunsDep, a: str | None = None, b: str | None = None
) -> HTMLResponse:
    """Two finished runs side by side: headline figures, scenario differences, charts.

    Without both runs chosen, the page is the form that chooses them (finished runs only).
    """
    done = [r for r in runs.store.list() if r.status == "done"]
    context: dict[str, Any] = {"section": "runs", "done": done, "a": a or "", "b": b or ""}
    if not a or not b:
        context["message"] = "Choose two finished runs to compare."
        return render(request, "runs_compare.html", context)
    run_a, run_b = get_record(runs, a), get_record(runs, b)
    try:
        rows = headline_rows(run_a, run_b, runs.registry)
    except ValueError as exc:
        context["message"] = str(exc)
        return render(request, "runs_compare.html", context, status_code=409)
    try:
        monthly_a, monthly_b = runs.store.monthly(run_a.id), runs.store.monthly(run_b.id)
    except StoreError as exc:
        context["message"] = str(exc)
        return render(request, "runs_compare.html", context, status_code=409)
    context |= {
        "run_a": run_a,
        "run_b": run_b,
        "rows": [(r.label, cell(r, r.a), cell(r, r.b), change_text(r)) for r in rows],
        "diff": scenario_diff(run_a, run_b)[2:],
        "overlays": [_compare_chart(c) for c in overlay_charts(run_a, run_b, monthly_a, monthly_b)],
        "differences": [
            _compare_chart(c) for c in difference_charts(run_a, run_b, monthly_a, monthly_b)
        ],
    }
    return render(request, "runs_compare.html", context)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str, runs: RunsDep) -> HTMLResponse:
    """A run: its progress while it runs, then its report in the page (charts drawn by
    /static/charts.js), every total, and a form to compare it with another run."""
    record = get_record(runs, run_id)
    others = [r for r in runs.store.list() if r.status == "done" and r.id != record.id]
    context: dict[str, Any] = {"section": "runs", "run": record, "others": others}
    summary = record.summary or {}
    names = agreement_names(summary.get("destinations", []), runs.registry)
    shown, zero = split_zero(summary.get("totals", {}).items(), lambda t: t[1])
    context["totals"] = [
        (total_words(key := TotalKey.parse(label), names), [total_text(key, s[p]) for p in PCTS])
        for label, s in shown
    ]
    zero_words = [total_words(TotalKey.parse(label), names) for label, _ in zero]
    context["zero_note"] = zero_note(zero_words)
    context["zero_totals"] = zero_words
    if record.status == "done":
        try:
            monthly = runs.store.monthly(record.id)
        except StoreError as exc:
            context["report_problem"] = str(exc)
        else:
            body = report_body(record, monthly, registry=runs.registry, draw=page_chart)
            context["report"] = body
            # the report builds its HTML and escapes the text in it
            context["sections"] = [Markup(section) for section in body.sections]
    return render(request, "run.html", context)


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def run_report_page(run_id: str, runs: RunsDep) -> HTMLResponse:
    html = report_html(runs, run_id)
    return HTMLResponse(html, headers={"Content-Security-Policy": inline_policy(html)})
