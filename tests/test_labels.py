"""The plain-words table: complete for every code a person can read, and used where they read."""

from __future__ import annotations

import pytest

from accords.engine.reasons import REASONS, Verdict
from accords.labels import DOMAINS, ENUM_LABELS, REASON_LABELS, plain, plain_list, plain_reason
from accords.registry.models import Category, Kind, Status


@pytest.mark.parametrize("enum", list(ENUM_LABELS), ids=lambda e: e.__name__)
def test_every_member_of_every_labelled_enum_has_words(enum: type) -> None:
    assert set(ENUM_LABELS[enum]) == {m.value for m in enum}
    for member in enum:
        assert plain(member) and "_" not in plain(member)


def test_every_domain_names_a_labelled_enum() -> None:
    assert set(DOMAINS.values()) == set(ENUM_LABELS)


def test_every_reason_code_and_its_unknown_variant_has_words() -> None:
    assert set(REASON_LABELS) == set(REASONS)
    for code, spec in REASONS.items():
        assert "_" not in plain_reason(code)
        assert plain_reason(spec.unknown_code) == f"{REASON_LABELS[code]} (unknown)"


def test_enum_members_and_code_strings_read_the_same() -> None:
    assert plain(Status.IN_FORCE) == plain("in_force", "status") == "in force"
    assert plain(Kind.DETENTION_OUTSOURCING) == "detention outsourcing"
    assert plain("citizen_of_sender", "reason") == "citizen of the sending state"
    assert plain(Verdict.NOT_IN_FORCE) == "not in force"
    assert plain("legal_form", "field") == "legal form"
    assert plain_list([Category.SERVING_SENTENCE, Category.CONVICTED]) == (
        "serving a sentence, convicted of a crime"
    )


def test_a_code_without_words_is_still_shown_spelled_out() -> None:
    assert plain("some_new_code", "status") == "some new code"
    assert plain_reason("some_new_reason") == "some new reason"
    assert plain(None) == "—"
