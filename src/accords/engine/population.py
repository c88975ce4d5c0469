"""Reading a population file (CSV or Parquet) into the engine's frame, checking it all first.

Every problem is found before any evaluation starts: unknown or missing columns, values of the
wrong type, invalid country codes, bad dates. Each error names the column, the first offending
rows (as file lines for CSV, 1-based rows for Parquet) and what was expected.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import polars as pl

from accords.engine.person import REQUIRED_COLUMNS, SCHEMA
from accords.registry.countries import is_state
from accords.validation import InputError, Problem

LIST_COLUMNS = ("citizenships", "protection_against")
SHOW_ROWS = 5


def _row_label(path: Path, index: int) -> int:
    """The line a 0-based data row is on: CSV has a header line; Parquet rows count from 1."""
    return index + 2 if path.suffix == ".csv" else index + 1


def _offending(path: Path, raw: pl.Series, bad: pl.Series) -> tuple[int, str]:
    indices = bad.arg_true().head(SHOW_ROWS).to_list()
    shown = ", ".join(f"row {_row_label(path, i)} ({raw[i]!r})" for i in indices)
    return _row_label(path, indices[0]), f"first offending: {shown}; {int(bad.sum())} row(s) in all"


def read_raw(path: Path) -> pl.DataFrame:
    if not path.exists():
        raise InputError([Problem(path, None, None, "", "no such file")])
    try:
        if path.suffix == ".csv":
            return pl.read_csv(path, infer_schema=False)
        if path.suffix == ".parquet":
            return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError([Problem(path, None, None, "", f"cannot read: {exc}")]) from None
    raise InputError([Problem(path, None, None, "", "expected a .csv or .parquet file")])


def _split_list(raw: pl.Series) -> pl.Series:
    if raw.dtype == pl.List(pl.String):
        return raw
    text = raw.cast(pl.String).str.strip_chars()
    return (
        pl.select(
            pl.when(text == "-")
            .then(pl.lit([], dtype=pl.List(pl.String)))
            .when((text == "") | text.is_null())
            .then(pl.lit(None, dtype=pl.List(pl.String)))
            .otherwise(text.str.split(";").list.eval(pl.element().str.strip_chars()))
        )
        .to_series()
        .alias(raw.name)
    )


def _cast(path: Path, name: str, raw: pl.Series, problems: list[Problem]) -> pl.Series:
    target = SCHEMA[name]
    if name in LIST_COLUMNS:
        series = _split_list(raw)
        flat = series.explode()
        bad_codes = sorted({c for c in flat.drop_nulls().unique().to_list() if not is_state(c)})
        if bad_codes:
            bad = series.list.eval(pl.element().is_in(bad_codes)).list.any().fill_null(False)
            line, rows = _offending(path, raw, bad)
            problems.append(
                Problem(
                    path,
                    line,
                    None,
                    name,
                    f"not ISO 3166-1 alpha-3 codes: {', '.join(bad_codes[:5])}",
                    rows,
                )
            )
        return series
    source = raw
    if raw.dtype == pl.String and target == pl.Boolean:
        lowered = raw.str.to_lowercase().str.strip_chars()
        source = lowered.replace_strict(
            {
                "true": True,
                "false": False,
                "1": True,
                "0": False,
                "yes": True,
                "no": False,
                "": None,
            },
            default=None,
            return_dtype=pl.Boolean,
        )
        bad = lowered.is_not_null() & source.is_null() & (lowered != "")
        if bad.any():
            line, rows = _offending(path, raw, bad)
            problems.append(Problem(path, line, None, name, "expected true/false", rows))
        return source.alias(name)
    if raw.dtype == pl.String:
        stripped = raw.str.strip_chars()
        source = (
            pl.select(pl.when(stripped == "").then(None).otherwise(stripped))
            .to_series()
            .alias(name)
        )
    if target == pl.Date and source.dtype == pl.String:
        casted = source.str.to_date("%Y-%m-%d", strict=False)
    else:
        casted = source.cast(target, strict=False)
    bad = source.is_not_null() & casted.is_null()
    if bad.any():
        expected = _expected(target)
        line, rows = _offending(path, raw, bad)
        problems.append(Problem(path, line, None, name, f"expected {expected}", rows))
    if name == "present_in":
        invalid = casted.is_not_null() & ~casted.is_in(
            [c for c in casted.drop_nulls().unique().to_list() if is_state(c)]
        )
        missing = casted.is_null()
        if (invalid | missing).any():
            line, rows = _offending(path, raw, invalid | missing)
            problems.append(
                Problem(
                    path, line, None, name, "expected an ISO 3166-1 alpha-3 code on every row", rows
                )
            )
    if name == "age":
        out_of_range = casted.is_not_null() & ((casted < 0) | (casted > 130))
        if out_of_range.any():
            line, rows = _offending(path, raw, out_of_range)
            problems.append(Problem(path, line, None, name, "expected an age from 0 to 130", rows))
    if name == "id" and casted.is_null().any():
        line, rows = _offending(path, raw, casted.is_null())
        problems.append(Problem(path, line, None, name, "every row needs an id", rows))
    return casted


def _expected(dtype: Any) -> str:
    if isinstance(dtype, pl.Enum):
        return "one of " + ", ".join(dtype.categories.to_list())
    if dtype == pl.Date:
        return "a date YYYY-MM-DD"
    if dtype == pl.Int16:
        return "a whole number"
    return str(dtype)


def validate_population(path: Path, raw: pl.DataFrame) -> pl.DataFrame:
    problems: list[Problem] = []
    for name in raw.columns:
        if name not in SCHEMA:
            close = difflib.get_close_matches(name, list(SCHEMA), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known columns: " + ", ".join(SCHEMA)
            problems.append(
                Problem(
                    path, 1 if path.suffix == ".csv" else None, None, name, "unknown column", hint
                )
            )
    for name in REQUIRED_COLUMNS:
        if name not in raw.columns:
            problems.append(
                Problem(
                    path,
                    1 if path.suffix == ".csv" else None,
                    None,
                    name,
                    "required column is missing",
                )
            )
    if problems:
        raise InputError(problems)
    columns = []
    for name, dtype in SCHEMA.items():
        if name in raw.columns:
            columns.append(_cast(path, name, raw[name], problems))
        else:
            columns.append(pl.Series(name, [None] * raw.height, dtype=dtype))
    if problems:
        raise InputError(problems)
    frame = pl.DataFrame(columns)
    both = frame["age"].is_not_null() & frame["birth_date"].is_not_null()
    if both.any():
        line, rows = _offending(path, frame["id"], both)
        raise InputError([Problem(path, line, None, "age", "give either age or birth_date", rows)])
    duplicated = frame["id"].is_duplicated()
    if duplicated.any():
        line, rows = _offending(path, frame["id"], duplicated)
        raise InputError([Problem(path, line, None, "id", "ids must be unique", rows)])
    return frame


def read_population(path: Path) -> pl.DataFrame:
    """A validated population frame in the person schema; unknown columns are errors."""
    return validate_population(path, read_raw(path))
