"""As known on K, no view shows a source dated after K: CLI JSON, JSON API and the page.

Property over every shipped agreement and any day K from before the first source to after the
last: each source in the view was certainly public by K (a fuzzy date counts from its last
possible day), and the page links no source that only became public later.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.commands import agreements
from accords.registry.dates import FuzzyDate
from accords.registry.export import iter_facts
from accords.registry.loader import load_registry

REGISTRY = load_registry()
IDS = REGISTRY.ids
DAYS = st.dates(min_value=date(2003, 1, 1), max_value=date(2026, 12, 31))


def sources_in(payload: Any) -> list[dict[str, Any]]:
    """Every source object (a mapping with `url` and `quote`) anywhere in a JSON payload."""
    if isinstance(payload, dict):
        here = [payload] if {"url", "quote"} <= payload.keys() else []
        return here + [s for v in payload.values() for s in sources_in(v)]
    if isinstance(payload, list):
        return [s for v in payload for s in sources_in(v)]
    return []


def assert_none_later(payload: Any, day: date) -> None:
    for source in sources_in(payload):
        if source["date"] is not None:
            latest = FuzzyDate.parse(source["date"]).latest
            assert latest <= day, f"{source['url']} dated {source['date']} shown as known on {day}"


def later_only_urls(agreement_id: str, day: date) -> set[str]:
    """URLs every copy of which, in the whole record, was dated after `day`."""
    dates: dict[str, list[date | None]] = {}
    for _, fact in iter_facts(REGISTRY.get(agreement_id)):
        for s in fact.sources:
            dates.setdefault(s.url, []).append(s.date.latest if s.date else None)
    return {u for u, ds in dates.items() if all(d is not None and d > day for d in ds)}


EVERY = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=10, deadline=None, suppress_health_check=EVERY)
@given(agreement_id=st.sampled_from(IDS), day=DAYS)
def test_cli_json_shows_no_later_source(
    invoke, monkeypatch: pytest.MonkeyPatch, agreement_id: str, day: date
) -> None:
    # the registry is read once for the module (reading it is tested elsewhere)
    monkeypatch.setattr(agreements, "open_registry", lambda path: REGISTRY)
    printed = invoke(
        "agreements", "show", agreement_id, "--as-known-on", day.isoformat(), "--json", expect=0
    )
    assert_none_later(json.loads(printed.stdout), day)


@settings(max_examples=40, deadline=None, suppress_health_check=EVERY)
@given(agreement_id=st.sampled_from(IDS), day=DAYS)
def test_api_json_shows_no_later_source(client, agreement_id: str, day: date) -> None:
    response = client.get(f"/api/agreements/{agreement_id}", params={"as_known_on": str(day)})
    assert response.status_code == 200
    assert_none_later(response.json(), day)


@settings(max_examples=12, deadline=None, suppress_health_check=EVERY)
@given(agreement_id=st.sampled_from(IDS), day=DAYS)
def test_the_page_links_no_later_source(client, agreement_id: str, day: date) -> None:
    page = client.get(f"/agreements/{agreement_id}", params={"as_known_on": str(day)})
    assert page.status_code == 200
    shown = [u for u in later_only_urls(agreement_id, day) if f'href="{u}"' in page.text]
    assert not shown, f"as known on {day} the page links later sources {shown}"
    # a missing value rendered as Python's None (quotes may say "None have been charged")
    assert not re.search(r">\s*None\s*<|since None|: None\b", page.text), "a page shows None"


def test_the_example_from_the_issue_no_longer_leaks(invoke) -> None:
    printed = invoke(
        "agreements", "show", "usa-slv-2025", "--as-known-on", "2025-02-05", "--json", expect=0
    )
    payload = json.loads(printed.stdout)
    urls = {s["url"] for s in sources_in(payload["agreement"])}
    assert not any("2025-03-16" in (s["date"] or "") for s in sources_in(payload))
    assert payload["view"]["hidden_sources"] > 0 and payload["view"]["hidden_note"]
    assert urls  # the view is not empty: Rubio's and Bukele's words of 3-4 Feb are there


def test_a_day_past_the_record_reads_as_last_confirmed(invoke) -> None:
    printed = invoke("agreements", "list", "--on", "2026-06-01", "--json", expect=0)
    rows = {r["id"]: r for r in json.loads(printed.stdout)["agreements"]}
    slv = rows["usa-slv-2025"]
    assert slv["status_as_of"] == "2026-02-13"
    assert slv["status_text"].endswith("as last confirmed on 2026-02-13")
    earlier = timedelta(days=1)
    inside = json.loads(
        invoke("agreements", "list", "--on", str(date(2026, 2, 13) - earlier), "--json").stdout
    )
    assert {r["id"]: r for r in inside["agreements"]}["usa-slv-2025"]["status_text"].startswith(
        "in force since"
    )
