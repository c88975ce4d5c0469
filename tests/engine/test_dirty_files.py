"""Careless files: whatever a population file holds, the reader refuses it or the law holds.

Files are drawn with the mistakes people make: codes in lower case or with spaces, empty
strings and empty items (`USA;;MEX`), null items in Parquet lists, repeated ids, and columns of
the wrong type (ages as text or booleans, birth dates as numbers). For every such file, CSV or
Parquet, the validated reader either refuses it with an error naming the file, or reads a
population on which no citizen of the sending state, nobody protected against the receiver and
nobody of unknown citizenship is `permitted`, under any agreement, on any day.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from engine_strategies import AGREEMENTS, days
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accords.engine.evaluate import evaluate_frame
from accords.engine.population import read_population
from accords.validation import InputError

SENDERS = sorted({a.sending_state for a in AGREEMENTS})
CLEAN = sorted([*SENDERS, "VEN", "SLV", "RWA", "ALB", "GTM", "MEX"])


@st.composite
def code(draw: st.DrawFn) -> str | None:
    """A code as a careless file might hold it: mostly right, sometimes not."""
    clean = draw(st.sampled_from(CLEAN))
    return draw(
        st.sampled_from([clean, clean, clean, clean.lower(), f" {clean}", "", None, clean[:2]])
    )


def code_list() -> st.SearchStrategy[list[str | None] | None]:
    return st.one_of(st.none(), st.just([]), st.lists(code(), min_size=1, max_size=3))


@st.composite
def rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 6))
    ids = draw(
        st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=count, max_size=count)
    )
    return [
        {
            "id": person_id,
            "present_in": draw(st.sampled_from([*SENDERS, SENDERS[0].lower()])),
            "citizenships": draw(code_list()),
            "protection_against": draw(code_list()),
            "final_removal_order": draw(st.sampled_from([True, False, None])),
            "age": draw(st.sampled_from([30, 16, None])),
        }
        for person_id in ids
    ]


def _cell(items: list[str | None] | None) -> str:
    if items is None:
        return ""
    return ";".join("" if item is None else item for item in items) if items else "-"


def _write_csv(path: Path, people: list[dict[str, Any]], age_as: str) -> None:
    lines = ["id,present_in,citizenships,protection_against,final_removal_order,age"]
    for p in people:
        order = "" if p["final_removal_order"] is None else str(p["final_removal_order"]).lower()
        age = "" if p["age"] is None else ("true" if age_as == "boolean" else str(p["age"]))
        cells = [
            p["id"],
            p["present_in"],
            _cell(p["citizenships"]),
            _cell(p["protection_against"]),
            order,
            age,
        ]
        lines.append(",".join(f'"{c}"' for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_parquet(path: Path, people: list[dict[str, Any]], age_as: str) -> None:
    ages: list[Any] = [p["age"] for p in people]
    dtype: Any = pl.Int64
    if age_as == "text":
        ages, dtype = [None if a is None else str(a) for a in ages], pl.String
    elif age_as == "boolean":
        ages, dtype = [None if a is None else bool(a) for a in ages], pl.Boolean
    pl.DataFrame(
        {
            "id": [p["id"] for p in people],
            "present_in": [p["present_in"] for p in people],
            "citizenships": pl.Series(
                [p["citizenships"] for p in people], dtype=pl.List(pl.String)
            ),
            "protection_against": pl.Series(
                [p["protection_against"] for p in people], dtype=pl.List(pl.String)
            ),
            "final_removal_order": pl.Series(
                [p["final_removal_order"] for p in people], dtype=pl.Boolean
            ),
            "age": pl.Series(ages, dtype=dtype),
        }
    ).write_parquet(path)


@given(
    rows(),
    st.sampled_from(["csv", "parquet"]),
    st.sampled_from(["number", "text", "boolean"]),
    days(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_careless_file_is_refused_or_read_without_breaking_the_law(
    people: list[dict[str, Any]], suffix: str, age_as: str, day: date
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"persons.{suffix}"
        (_write_csv if suffix == "csv" else _write_parquet)(path, people, age_as)
        try:
            frame = read_population(path)
        except InputError as exc:
            event("refused")
            assert all(problem.file == path for problem in exc.problems)
            assert str(exc)
            return
    event("read")
    # Read: every code is clean, every id unique, and the law holds on it.
    for column in ("citizenships", "protection_against"):
        items = frame[column].explode().drop_nulls().to_list()
        assert all(item in CLEAN for item in items), items
    assert frame["id"].is_unique().all()
    result = evaluate_frame(frame, AGREEMENTS, day, applicable_only=False)
    receivers = {a.id: a.receiver for a in AGREEMENTS}
    by_id = {row["id"]: row for row in frame.to_dicts()}
    for verdict in result.verdicts.filter(pl.col("verdict") == "permitted").to_dicts():
        person = by_id[verdict["person_id"]]
        assert person["citizenships"] is not None, verdict
        assert person["present_in"] not in person["citizenships"], verdict
        assert person["protection_against"] is not None, verdict
        assert receivers[verdict["agreement"]] not in person["protection_against"], verdict
