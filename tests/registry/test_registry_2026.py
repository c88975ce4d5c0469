"""The arrangements added from the 2026 facts: present, current to their newest source, honest.

Each record's `as_of` is the day its newest source was published: never before a source it
cites, and never after the last day its newest source could date from. The list shows that day
beside each status ("as last confirmed on"), so no status reads as confirmed past its record.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from accords.registry.export import iter_facts, transferred_headline
from accords.registry.loader import Registry
from accords.registry.models import Agreement, Basis, CapacityKind, NationalityMode, Status
from accords.registry.views import status_on

# Issue 12's arrangements, with the status each record ends on and the day it runs to.
NEW_RECORDS = [
    ("usa-gnq-2025", Status.IN_FORCE, date(2026, 3, 16)),
    ("usa-plw-2025", Status.SIGNED, date(2026, 2, 13)),
    ("usa-blz-2025", Status.SIGNED, date(2025, 11, 13)),
    ("usa-ecu-2025", Status.SIGNED, date(2025, 12, 5)),
    ("usa-atg-2026", Status.ANNOUNCED, date(2026, 1, 10)),
    ("usa-dma-2026", Status.ANNOUNCED, date(2026, 1, 6)),
    ("usa-kna-2026", Status.SIGNED, date(2026, 1, 10)),
    ("usa-lca-2026", Status.ANNOUNCED, date(2026, 1, 12)),
    ("usa-cmr-2026", Status.IN_FORCE, date(2026, 3, 16)),
    ("usa-lbr-2025", Status.ANNOUNCED, date(2025, 12, 22)),
    ("usa-arg-2026", Status.NEGOTIATING, date(2026, 1, 31)),
    ("usa-grd-2026", Status.NEGOTIATING, date(2026, 1, 29)),
    ("usa-guy-2026", Status.NEGOTIATING, date(2026, 1, 6)),
    ("usa-uzb-2025", Status.IN_FORCE, date(2025, 4, 30)),
    ("aus-nru-2025", Status.IN_FORCE, date(2025, 11, 1)),
]


@pytest.mark.parametrize(
    ("agreement_id", "status", "as_of"), NEW_RECORDS, ids=[r[0] for r in NEW_RECORDS]
)
def test_each_new_arrangement_is_shipped_with_its_last_status_and_record_date(
    registry: Registry, agreement_id: str, status: Status, as_of: date
) -> None:
    agreement = registry.get(agreement_id)
    assert agreement.as_of == as_of
    assert status_on(agreement, as_of) is status


def source_dates(agreement: Agreement) -> tuple[date, date]:
    """The newest source's earliest and latest possible days."""
    dated = [s.date for _, fact in iter_facts(agreement) for s in fact.sources if s.date]
    return max(d.earliest for d in dated), max(d.latest for d in dated)


def test_every_record_runs_to_its_newest_source_and_no_further(registry: Registry) -> None:
    wrong = []
    for agreement in registry:
        earliest, latest = source_dates(agreement)
        if not earliest <= agreement.as_of <= latest:
            wrong.append(
                f"{agreement.id}: as_of {agreement.as_of}, newest source {earliest}..{latest}"
            )
    assert not wrong, "\n".join(wrong)


def test_the_list_shows_the_day_each_record_runs_to(invoke, registry: Registry) -> None:
    payload = json.loads(invoke("agreements", "list", "--json", expect=0).stdout)
    rows = {row["id"]: row for row in payload["agreements"]}
    for agreement in registry:
        assert rows[agreement.id]["as_of"] == agreement.as_of.isoformat()
    venezuela = rows["usa-ven-2025"]
    assert venezuela["status_as_of"] == "2026-02-04"
    assert venezuela["status_text"] == "in force as last confirmed on 2026-02-04"


def test_a_reported_zero_is_a_figure_not_a_gap(registry: Registry) -> None:
    """The Senate report: Palau "has yet to accept any"; Ecuador: no transfers known."""
    assert transferred_headline(registry.get("usa-plw-2025")) == "0 (to 2026-01-31)"
    assert transferred_headline(registry.get("usa-ecu-2025")) == "0 (to 2025-12-05)"


def test_conflicting_figures_are_kept_side_by_side(registry: Registry) -> None:
    first_flight = {
        int(n.people)
        for n in registry.get("usa-ven-2025").numbers
        if n.refers_to.text == "2026-01-16" and n.people is not None
    }
    assert first_flight == {199, 231}
    ecuador = registry.get("usa-ecu-2025")
    (cap,) = ecuador.terms.capacity
    assert (cap.kind, cap.people, cap.period_months) == (
        CapacityKind.TRANSFERS_PER_PERIOD,
        None,
        12,
    )
    # neither 300 a year nor "no specific quota" is picked
    quota_claims = {c.id for c in ecuador.claims if c.term == "capacity"}
    assert quota_claims == {"ecuador-up-to-300-a-year", "us-no-specific-quota"}


@pytest.mark.parametrize(
    "agreement_id", ["usa-gnq-2025", "usa-cmr-2026", "usa-lca-2026", "usa-lbr-2025"]
)
def test_undisclosed_or_single_person_terms_cover_no_nationality(
    registry: Registry, agreement_id: str
) -> None:
    """No agreement text: the registry never reads who was sent as who is covered."""
    (term,) = registry.get(agreement_id).terms.nationalities
    assert term.mode is NationalityMode.UNKNOWN
    assert term.note


def test_every_new_record_says_what_it_infers(registry: Registry) -> None:
    """A status dated from a first transfer is the registry's reading, and its note says so."""
    for agreement_id in ("usa-gnq-2025", "usa-cmr-2026", "usa-uzb-2025", "aus-nru-2025"):
        first = registry.get(agreement_id).status[-1]
        assert first.status is Status.IN_FORCE
        assert first.note and "registry's reading" in first.note
        assert first.basis is Basis.INFERRED


def test_palau_gives_a_total_cap_and_a_group_size_each_with_its_kind(registry: Registry) -> None:
    total, batch = registry.get("usa-plw-2025").terms.capacity
    assert (total.kind, total.people) == (CapacityKind.TOTAL, 75)
    assert (batch.kind, batch.people) == (CapacityKind.BATCH, 10)
