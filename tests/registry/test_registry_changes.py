"""What changed in the public record between two days: a golden case and a property.

The golden case is what the public knew of the US–El Salvador deal when it was announced
(3 Feb 2025) and what it had learnt by the day after the first flights (16 Mar 2025). The
property ties the changes to the "as known on" views: every fact public on K2 and not on K1 is
a new change, and every source of a change became public after K1 and by K2.
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.registry.changes import changes, record_facts
from accords.registry.loader import Registry, load_registry
from accords.registry.models import Agreement
from accords.registry.views import public_sources

GOLDEN = Path(__file__).parent / "golden" / "changes-usa-slv-2025-2025-02-03-2025-03-16.json"
REGISTRY: Registry = load_registry()


def test_what_the_public_learnt_of_the_el_salvador_deal_by_16_march_2025() -> None:
    found = changes(REGISTRY.get("usa-slv-2025"), date(2025, 2, 3), date(2025, 3, 16))
    rendered = json.dumps([c.model_dump(mode="json") for c in found], indent=1, ensure_ascii=False)
    if os.environ.get("ACCORDS_UPDATE_GOLDEN"):
        GOLDEN.write_text(rendered + "\n", encoding="utf-8")
    assert rendered + "\n" == GOLDEN.read_text(encoding="utf-8"), (
        "the changes differ from the golden file; if the data changed on purpose, rerun with "
        "ACCORDS_UPDATE_GOLDEN=1 and review the diff"
    )
    assert any(c.section == "claims" and "Rubio" in c.what for c in found)
    assert all(date(2025, 2, 3) <= c.public_on <= date(2025, 3, 16) for c in found)


def test_an_interval_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before the start"):
        changes(REGISTRY.get("usa-slv-2025"), date(2025, 3, 16), date(2025, 2, 3))


@given(
    st.sampled_from(list(REGISTRY)),
    st.dates(date(2012, 1, 1), date(2026, 12, 31)),
    st.integers(0, 800),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_changes_are_the_difference_of_the_two_views(
    agreement: Agreement, since: date, days: int
) -> None:
    until = since + timedelta(days=days)
    found = changes(agreement, since, until)
    newly = [
        fact
        for _, fact in record_facts(agreement)
        if public_sources(fact, until) and not public_sources(fact, since)
    ]
    assert sum(c.new for c in found) == len(newly)
    for change in found:
        assert change.public_on <= until
        assert change.public_on > since or not change.new
        for source in change.sources:
            assert source.date is None or since < source.date.latest <= until


def test_the_command_lists_the_changes_with_their_sources(invoke) -> None:
    args = ["agreements", "changes", "usa-slv-2025", "--from", "2025-02-03", "--to", "2025-03-16"]
    text = invoke(*args)
    assert text.exit_code == 0, text.output
    assert "13 new facts" in text.stdout and "Marco Rubio" in text.stdout
    assert "Sources" in text.stdout and "lincolndailynews.com" in text.stdout
    payload = json.loads(invoke(*args, "--json").stdout)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert payload["changes"] == golden
    assert payload["new_facts"] == 13 and payload["data_version"] == str(REGISTRY.version)
    backwards = invoke(
        "agreements", "changes", "usa-slv-2025", "--from", "2025-03-16", "--to", "2025-02-03"
    )
    assert backwards.exit_code != 0 and "before --from" in backwards.stderr


def test_the_api_the_page_and_the_csv_give_the_same_changes(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from accords.api import create_app
    from accords.api.settings import Settings

    query = "?from=2025-02-03&to=2025-03-16"
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    with TestClient(create_app(Settings(db=tmp_path / "runs.duckdb"))) as client:
        answer = client.get(f"/api/agreements/usa-slv-2025/changes{query}").json()
        assert answer["changes"] == golden
        page = client.get(f"/agreements/usa-slv-2025/changes{query}").text
        assert "13 new facts" in page and "Marco Rubio" in page
        csv = client.get(f"/agreements/usa-slv-2025/changes.csv{query}").text.splitlines()
        assert csv[0].startswith("public_on,part,what,new_fact,source_url")
        assert len(csv) - 1 == sum(len(c["sources"]) for c in golden)
        backwards = client.get("/api/agreements/usa-slv-2025/changes?from=2025-03-16&to=2025-02-03")
        assert backwards.status_code == 422
        whole = client.get("/agreements/usa-slv-2025/changes")  # the whole record by default
        assert whole.status_code == 200 and "What became public" in whole.text
