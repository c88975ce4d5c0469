"""The registry as tables: one row per agreement, and one row per (fact, source).

Researchers load these into a notebook or a spreadsheet; the facts table keeps every source's
quote next to the value it supports, so nothing leaves the registry without its citation.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel

from accords.atomic import atomic_path, refuse_bad_output
from accords.registry.loader import Registry
from accords.registry.models import Agreement, Fact, Metric
from accords.registry.views import status_change_on
from accords.spreadsheet import read_back, spreadsheet_safe
from accords.validation import InputError, Problem

ExportFormat = Literal["csv", "json", "parquet"]
SUFFIXES: dict[ExportFormat, str] = {"csv": ".csv", "json": ".json", "parquet": ".parquet"}

AGREEMENT_COLUMNS: dict[str, Any] = {
    "id": pl.String,
    "title": pl.String,
    "sender": pl.String,
    "acting_sender": pl.String,
    "receiver": pl.String,
    "kind": pl.String,
    "legal_form": pl.String,
    "status": pl.String,
    "status_since": pl.String,
    "as_of": pl.String,
    "transferred_people": pl.String,
    "n_facts": pl.Int64,
    "n_sources": pl.Int64,
}

FACT_COLUMNS: dict[str, Any] = {
    "agreement": pl.String,
    "path": pl.String,
    "fact_type": pl.String,
    "value": pl.String,
    "public_from": pl.String,
    "source_url": pl.String,
    "publisher": pl.String,
    "original": pl.String,
    "source_date": pl.String,
    "quote": pl.String,
}


def iter_facts(node: BaseModel, path: str = "") -> Iterator[tuple[str, Fact]]:
    """Every fact inside a model, with its field path (e.g. terms.facilities[0].capacity)."""
    if isinstance(node, Fact):
        yield path, node
    for name in type(node).model_fields:
        value = getattr(node, name)
        child = f"{path}.{name}" if path else name
        if isinstance(value, BaseModel):
            yield from iter_facts(value, child)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from iter_facts(item, f"{child}[{i}]")


def fact_value(fact: Fact) -> str:
    """The fact's own content, without its sources or nested facts, as compact JSON."""
    data = fact.model_dump(mode="json", exclude={"sources", "public_from", "note"})
    flat = {k: v for k, v in data.items() if not (isinstance(v, dict) and "sources" in v)}
    return json.dumps(flat, ensure_ascii=False, sort_keys=True)


def transferred_headline(agreement: Agreement) -> str | None:
    """The latest reported total of people transferred, with every conflicting figure kept.

    A reported zero ("has yet to accept any") is a figure, not a gap.
    """
    totals = [
        n
        for n in agreement.numbers
        if n.metric is Metric.TRANSFERRED_TOTAL and n.people is not None
    ]
    if not totals:
        return None
    latest = max(n.refers_to.latest for n in totals)
    values = sorted(
        {int(n.people) for n in totals if n.refers_to.latest == latest and n.people is not None}
    )
    return " | ".join(f"{v:,}" for v in values) + f" (to {latest.isoformat()})"


def agreement_row(agreement: Agreement, today: date) -> dict[str, Any]:
    change = status_change_on(agreement, today)
    facts = list(iter_facts(agreement))
    return {
        "id": agreement.id,
        "title": agreement.title,
        "sender": agreement.sender,
        "acting_sender": agreement.acting_sender,
        "receiver": agreement.receiver,
        "kind": agreement.kind.value,
        "legal_form": agreement.legal_form.value if agreement.legal_form else None,
        "status": change.status.value if change else None,
        "status_since": change.date.text if change else None,
        "as_of": agreement.as_of.isoformat(),
        "transferred_people": transferred_headline(agreement),
        "n_facts": len(facts),
        "n_sources": sum(len(f.sources) for _, f in facts),
    }


def fact_rows(agreement: Agreement) -> Iterator[dict[str, Any]]:
    for path, fact in iter_facts(agreement):
        value = fact_value(fact)
        public = fact.known_from()
        for source in fact.sources:
            yield {
                "agreement": agreement.id,
                "path": path,
                "fact_type": type(fact).__name__,
                "value": value,
                "public_from": public.isoformat() if public else None,
                "source_url": source.url,
                "publisher": source.publisher,
                "original": source.original,
                "source_date": source.date.text if source.date else None,
                "quote": source.quote,
            }


def tables(registry: Registry, today: date | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    day = today or date.today()
    agreements = pl.DataFrame(
        [agreement_row(a, day) for a in registry], schema=AGREEMENT_COLUMNS, orient="row"
    )
    facts = pl.DataFrame(
        [row for a in registry for row in fact_rows(a)], schema=FACT_COLUMNS, orient="row"
    )
    return agreements, facts


def facts_path(out: Path) -> Path:
    """Where the facts table goes beside a CSV or Parquet agreements table."""
    return out.with_name(f"{out.stem}.facts{out.suffix}")


def export_paths(fmt: ExportFormat, out: Path) -> list[Path]:
    """The files an export writes: one for JSON, the agreements and the facts tables otherwise."""
    return [out] if fmt == "json" else [out, facts_path(out)]


def export_format(out: Path, fmt: ExportFormat | None = None) -> ExportFormat:
    """The format `out` is written in: the one its suffix names, as for evaluate's verdicts;
    `fmt`, when given, must agree with it. Refused (InputError) otherwise: CSV in a file named
    .parquet would be read as Parquet by the next tool and fail there, far from the cause."""
    suffix = out.suffix.lower()
    got = f"the suffix {out.suffix!r}" if out.suffix else "a name without a suffix"
    if fmt is None:
        for named, known in SUFFIXES.items():
            if suffix == known:
                return named
        hint = "give --format, or end the name in " + ", ".join(SUFFIXES.values())
        raise InputError(
            [Problem(out, None, None, "--out", f"cannot tell the format from {got}", hint)]
        )
    if suffix != SUFFIXES[fmt]:
        message = f"{got} does not match --format {fmt}; expected {SUFFIXES[fmt]}"
        raise InputError([Problem(out, None, None, "--out", message)])
    return fmt


def check_export(out: Path, fmt: ExportFormat | None = None) -> ExportFormat:
    """The export's format (`export_format`), once every file it writes is known to be
    writable, before the registry is read: found while renaming, a bad second file would leave
    the first one written."""
    chosen = export_format(out, fmt)
    for path in export_paths(chosen, out):
        refuse_bad_output(path)
    return chosen


def export(
    registry: Registry, fmt: ExportFormat, out: Path, today: date | None = None
) -> list[Path]:
    """Write the tables; JSON holds both in one file, CSV and Parquet write FILE and FILE.facts.

    `out`'s suffix must be the format's (.csv, .json, .parquet), else an InputError."""
    check_export(out, fmt)
    agreements, facts = tables(registry, today)
    if fmt == "json":
        payload = {"agreements": agreements.to_dicts(), "facts": facts.to_dicts()}
        with atomic_path(out) as tmp:
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        return [out]
    second = facts_path(out)
    with contextlib.ExitStack() as stack:
        tmp_a = stack.enter_context(atomic_path(out))
        tmp_f = stack.enter_context(atomic_path(second))
        if fmt == "csv":
            spreadsheet_safe(agreements).write_csv(tmp_a)
            spreadsheet_safe(facts).write_csv(tmp_f)
        else:
            agreements.write_parquet(tmp_a)
            facts.write_parquet(tmp_f)
    return export_paths(fmt, out)


def read_export(fmt: ExportFormat, out: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read back what `export` wrote, with the same column types."""
    if fmt == "json":
        payload = json.loads(out.read_text(encoding="utf-8"))
        return (
            pl.DataFrame(payload["agreements"], schema=AGREEMENT_COLUMNS, orient="row"),
            pl.DataFrame(payload["facts"], schema=FACT_COLUMNS, orient="row"),
        )
    if fmt == "csv":
        return (
            read_back(pl.read_csv(out, schema=AGREEMENT_COLUMNS)),
            read_back(pl.read_csv(facts_path(out), schema=FACT_COLUMNS)),
        )
    return pl.read_parquet(out), pl.read_parquet(facts_path(out))
