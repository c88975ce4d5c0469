"""The checker by GET: the permalink, /check.json and /check.csv answer as POST /api/check."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.engine.person import Person
from accords.registry.loader import load_registry

SENDERS = sorted({a.sending_state for a in load_registry()})
CODES = ["USA", "VEN", "SLV", "GBR", "RWA", "MEX", "HND", "COL", "AFG", "ITA", "ALB"]
ROW = re.compile(
    r'<tr class="verdict-row verdict-(\w+)">\s*<td class="agreement"><a href="#why-([\w-]+)"'
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


cases = st.builds(
    Person,
    id=st.just("case-1"),
    present_in=st.sampled_from(SENDERS),
    citizenships=_maybe(st.lists(st.sampled_from(CODES), max_size=2, unique=True)),
    age=_maybe(st.integers(0, 90)),
    sex=_maybe(st.sampled_from(["male", "female", "other"])),
    asylum_claim=_maybe(st.sampled_from(["none", "pending", "granted", "denied"])),
    protection_against=_maybe(st.lists(st.sampled_from(CODES), max_size=2, unique=True)),
    final_removal_order=_maybe(st.booleans()),
    criminal_conviction=_maybe(st.booleans()),
    serving_sentence=_maybe(st.booleans()),
    gang_designation=_maybe(st.booleans()),
    arrival_date=_maybe(st.dates(date(2015, 1, 1), date(2026, 1, 1))),
    arrival_mode=_maybe(st.sampled_from(["land_port", "land_irregular", "air", "sea_irregular"])),
    vulnerable=_maybe(st.booleans()),
    family_unit=_maybe(st.booleans()),
    removal_basis=_maybe(st.sampled_from(["ordinary", "alien_enemies_act"])),
)
days = st.dates(date(2019, 1, 1), date(2026, 6, 30))


def query(person: Person, day: date) -> list[tuple[str, str]]:
    """The person as a permalink's query: lists repeated (one parameter per code)."""
    pairs = [("date", day.isoformat())]
    for name, value in person.model_dump(mode="json").items():
        if value is None:
            continue
        if isinstance(value, list):
            pairs += [(name, code) for code in value] if value else [(name, "-")]
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        else:
            pairs.append((name, str(value)))
    return pairs


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(person=cases, day=days)
def test_the_permalink_renders_the_verdicts_of_the_api(
    client: TestClient, person: Person, day: date
) -> None:
    api = client.post(
        "/api/check", params={"date": day.isoformat()}, json=person.model_dump(mode="json")
    )
    assert api.status_code == 200, api.text
    expected = {r["agreement"]: r["verdict"] for r in api.json()["results"]}
    page = client.get("/check", params=query(person, day))
    assert page.status_code == 200, page.text
    shown = {agreement: verdict for verdict, agreement in ROW.findall(page.text)}
    assert shown == expected
    assert client.get("/check.json", params=query(person, day)).json() == api.json()


def test_lists_may_be_repeated_or_separated(client: TestClient) -> None:
    base = {"present_in": "USA", "date": "2025-04-01"}
    repeated = client.get(
        "/check.json", params=[*base.items(), ("citizenships", "USA"), ("citizenships", "VEN")]
    )
    separated = client.get("/check.json", params={**base, "citizenships": "USA;VEN"})
    assert repeated.status_code == separated.status_code == 200
    assert repeated.json() == separated.json()
    assert all(r["verdict"] != "permitted" for r in repeated.json()["results"])


def test_the_csv_reads_back_as_the_json(client: TestClient) -> None:
    params = {
        "present_in": "USA",
        "citizenships": "VEN",
        "final_removal_order": "true",
        "date": "2025-07-01",
    }
    response = client.get("/check.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    results = {
        r["agreement"]: r for r in client.get("/check.json", params=params).json()["results"]
    }
    assert {r["agreement"] for r in rows} == set(results)
    for row in rows:
        result = results[row["agreement"]]
        assert row["verdict"] == result["verdict"]
        assert row["decisive"] == (result["decisive"] or "")
        reasons = row["reasons"].split(";") if row["reasons"] else []
        assert reasons == [x["code"] for x in result["reasons"]]
        assert (row["person"], row["date"]) == ("case-1", "2025-07-01")
