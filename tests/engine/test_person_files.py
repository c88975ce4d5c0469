"""The law holds through person files: what `accords check FILE` reads is never permitted
wrongly.

Persons drawn by the engine's strategies are written as YAML or JSON files, read back through
the strict reader every person file goes through (`load_person`), and checked under every
agreement on any day: no citizen of the sending state, nobody protected against the receiver
and nobody of unknown citizenship or protection is ever `permitted`; a person born after the
day is refused as input.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from engine_strategies import AGREEMENTS, REGISTRY, days, person_fields
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.engine.check import check, load_person
from accords.validation import InputError


def _text(fields: dict[str, Any], suffix: str) -> str:
    data = {"id": "p", **{k: v for k, v in fields.items() if v is not None}}
    plain = json.loads(json.dumps(data, default=str))  # dates and enums as text
    if suffix == ".json":
        return json.dumps(plain)
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in plain.items())


@given(person_fields(), st.sampled_from([".yaml", ".json"]), days())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_person_read_from_a_file_is_never_wrongly_permitted(
    fields: dict[str, Any], suffix: str, day: date
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"person{suffix}"
        path.write_text(_text(fields, suffix), encoding="utf-8")
        person = load_person(path)
    if person.birth_date is not None and person.birth_date > day:
        with pytest.raises(InputError, match="after the evaluation date"):
            check(person, date=day, registry=REGISTRY)
        return
    receivers = {a.id: a.receiver for a in AGREEMENTS}
    result = check(person, date=day, agreements=[a.id for a in AGREEMENTS], registry=REGISTRY)
    for verdict in result.results:
        if verdict.verdict != "permitted":
            continue
        assert person.citizenships is not None, verdict
        assert person.present_in not in person.citizenships, verdict
        assert person.protection_against is not None, verdict
        assert receivers[verdict.agreement] not in person.protection_against, verdict
