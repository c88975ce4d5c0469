"""How a fact is known (`basis`) and what a capacity number limits (`capacity`, `term_length`).

Files written before `basis` existed still load (every fact defaults to `stated`); a file can
say a term is inferred (with a note on what from) or reported practice, and give each kind of
capacity with its own source. The older `quotas`, `duration_months` and a facility's
`agreed_places` said no kind: a file that still uses them is refused, pointed to what replaced
them.
"""

from __future__ import annotations

import pytest

from accords.registry.loader import load_agreement
from accords.registry.models import Basis, CapacityKind, TermSubject
from accords.validation import InputError

SOURCE = """\
      sources:
        - url: https://example.org/capacity
          date: 2024-02-01
          quote: The centre will hold up to 300 people at once, for one year, renewable.
"""

CAPACITY = (
    "  capacity:\n"
    "    - kind: places\n"
    "      people: 300\n"
    "      label: up to 300 people at once\n" + SOURCE + "    - kind: transfers_per_period\n"
    "      people: 50\n"
    "      period_months: 12\n"
    "      label: up to 50 people within a year\n"
    "      basis: inferred\n"
    "      note: Read from the one-year term and the 50 places.\n" + SOURCE + "  term_length:\n"
    "    - applies_to: agreement\n"
    "      months: 12\n"
    "      renewable: true\n"
    "      renewal: renewable, per the minister\n"
    "      label: one year, renewable\n" + SOURCE
)


def with_capacity(text: str) -> str:
    anchor = "  price_schedule:\n"
    assert text.count(anchor) == 1
    return text.replace(anchor, CAPACITY + anchor)


def test_old_files_load_and_every_fact_defaults_to_stated(registry) -> None:
    example = registry.get("usa-slv-2025")
    assert example.status[0].basis is Basis.STATED
    assert all(n.basis is Basis.STATED for n in example.terms.nationalities if n.note is None)


def test_capacity_kinds_and_term_length_load(minimal_text: str, write_agreement) -> None:
    agreement = load_agreement(write_agreement(with_capacity(minimal_text)).path)
    places, per_year = agreement.terms.capacity
    assert (places.kind, places.people, places.basis) == (CapacityKind.PLACES, 300, Basis.STATED)
    assert (per_year.kind, per_year.period_months) == (CapacityKind.TRANSFERS_PER_PERIOD, 12)
    assert per_year.basis is Basis.INFERRED
    (term,) = agreement.terms.term_length
    assert (term.applies_to, term.months, term.renewable) == (TermSubject.AGREEMENT, 12, True)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "      note: Read from the one-year term and the 50 places.\n",
            "",
            "terms.capacity[1]",
            "basis 'inferred' needs a 'note' saying what it is inferred from",
        ),
        (
            "      period_months: 12\n",
            "",
            "terms.capacity[1]",
            "'period_months' is set exactly when kind is 'transfers_per_period'",
        ),
        (
            "    - kind: places\n",
            "    - kind: seats\n",
            "terms.capacity[0].kind",
            "Input should be 'places', 'transfers_per_period', 'total' or 'batch'",
        ),
        (
            "      basis: inferred\n",
            "      basis: guessed\n",
            "terms.capacity[1].basis",
            "Input should be 'stated', 'inferred' or 'reported_practice'",
        ),
    ],
    ids=["inferred-without-note", "per-period-without-period", "unknown-kind", "unknown-basis"],
)
def test_bad_basis_or_capacity_is_named_with_its_field(
    minimal_text: str, write_agreement, edit_text, old: str, new: str, field: str, message: str
) -> None:
    written = write_agreement(edit_text(with_capacity(minimal_text), old, new))
    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    (problem,) = info.value.problems
    assert problem.field == field
    assert message in problem.message
    assert problem.line is not None


@pytest.mark.parametrize(
    ("old_field", "where", "replaced_by"),
    [
        ("  quotas:\n    - people: 300\n      label: up to 300\n", "terms.quotas", "capacity"),
        (
            "  duration_months:\n    - value: 12\n      unit: months\n",
            "terms.duration_months",
            "term_length",
        ),
        (
            "  facilities:\n    - name: a centre\n      agreed_places:\n        value: 300\n",
            "terms.facilities[0].agreed_places",
            "capacity",
        ),
    ],
    ids=["quotas", "duration_months", "agreed_places"],
)
def test_a_retired_capacity_field_is_refused_with_what_replaced_it(
    minimal_text: str, write_agreement, old_field: str, where: str, replaced_by: str
) -> None:
    anchor = "  price_schedule:\n"
    text = minimal_text.replace(anchor, old_field + SOURCE + anchor)
    written = write_agreement(text)
    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    problems = [p for p in info.value.problems if p.field == where]
    assert len(problems) == 1, info.value.problems
    (problem,) = problems
    assert problem.message == "no longer a field (older files used it)"
    assert problem.hint is not None and f"terms.{replaced_by}" in problem.hint
    assert problem.line == written.line_of(where.rsplit(".", 1)[-1] + ":")
