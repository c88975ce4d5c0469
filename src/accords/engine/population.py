"""Reading a population file (CSV or Parquet) into the engine's frame, checking it all first.

Every problem is found before any evaluation starts: unknown or missing columns, values of the
wrong type, invalid country codes, bad dates. Each error names the column, the first offending
rows (as file lines for CSV, 1-based rows for Parquet) and what was expected.
"""

from __future__ import annotations

import csv
import difflib
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from accords.engine.person import REQUIRED_COLUMNS, SCHEMA
from accords.registry.countries import is_state
from accords.validation import InputError, Problem

LIST_COLUMNS = ("citizenships", "protection_against")
SHOW_ROWS = 5


def _row_label(path: Path, index: int) -> int:
    """The line a 0-based data row is on: CSV has a header line; Parquet rows count from 1."""
    return index + 2 if path.suffix == ".csv" else index + 1


def _shown(value: object) -> object:
    return value.to_list() if isinstance(value, pl.Series) else value


def offending_rows(
    path: Path, raw: pl.Series, bad: pl.Series, first_row: int = 0
) -> tuple[int, str]:
    """The first offending rows, numbered in the whole file (a batch starts at `first_row`)."""
    indices = bad.arg_true().head(SHOW_ROWS).to_list()
    shown = ", ".join(
        f"row {_row_label(path, first_row + i)} ({_shown(raw[i])!r})" for i in indices
    )
    first = _row_label(path, first_row + indices[0])
    return first, f"first offending: {shown}; {int(bad.sum())} row(s) in all"


def read_raw(path: Path) -> pl.DataFrame:
    if not path.exists():
        raise InputError([Problem(path, None, None, "", "no such file")])
    try:
        if path.suffix == ".csv":
            return pl.read_csv(path, infer_schema=False)
        if path.suffix == ".parquet":
            return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise unreadable(path, exc) from None
    raise InputError([Problem(path, None, None, "", "expected a .csv or .parquet file")])


def unreadable(path: Path, exc: Exception) -> InputError:
    """The error for a file the reader refused: for a CSV, the line that breaks it and how
    (found by reading it again with Python's strict CSV reader), else the reader's first line
    of explanation (without its advice on reader options, which a user cannot set)."""
    if path.suffix == ".csv":
        found = csv_problem(path)
        if found is not None:
            return InputError([found])
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError([Problem(path, None, None, "", f"cannot read: {reason}")])


def csv_problem(path: Path) -> Problem | None:
    """The first line of a CSV file whose fields do not match its header, or where a quote
    is never closed."""
    start = 1
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                return Problem(path, None, None, "", "the file is empty; expected a header line")
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header):
                    return Problem(
                        path,
                        start,
                        None,
                        "",
                        f"{len(row)} field(s), expected {len(header)} as in the header",
                        f"the header is: {', '.join(header)}",
                    )
                start = reader.line_num + 1
    except csv.Error as exc:
        what = "a quote opened here is never closed" if "end of data" in str(exc) else str(exc)
        return Problem(path, start, None, "", what, 'a quoted field ends with a second "')
    except UnicodeDecodeError as exc:
        return Problem(path, None, None, "", f"not UTF-8 text ({exc.reason})")
    return None


def _split_list(raw: pl.Series) -> pl.Series:
    """A list column from a list of text, from `;`-separated text, or from an all-null column."""
    if raw.dtype == pl.List(pl.String):
        return raw
    if raw.dtype != pl.String:
        return pl.Series(raw.name, [None] * raw.len(), dtype=pl.List(pl.String))
    text = raw.str.strip_chars()
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


def _check_codes(
    path: Path, name: str, raw: pl.Series, series: pl.Series, first_row: int
) -> list[Problem]:
    """Every item of a code list is a known alpha-3 code: never null, empty or lower case.

    A null or empty item is refused rather than dropped: dropping it would turn "a citizenship
    we do not know" into "no other citizenship", which can make a citizen removable.
    """
    problems = []

    def refuse(bad: pl.Series, message: str, hint: str = "") -> None:
        if bad.any():
            line, rows = offending_rows(path, raw, bad, first_row)
            problems.append(Problem(path, line, None, name, message, rows + hint))

    refuse(
        series.list.eval(pl.element().is_null()).list.any().fill_null(False),
        "a list item is null: list every code; an unknown list is an empty cell (null), "
        "a known empty list is '-' in CSV ([] in Parquet)",
    )
    refuse(
        series.list.eval(pl.element() == "").list.any().fill_null(False),
        "a list item is empty (a stray ';'?)",
    )
    flat = series.explode()
    bad_codes = sorted(
        {c for c in flat.drop_nulls().unique().to_list() if c != "" and not is_state(c)}
    )
    if bad_codes:
        upper = [c for c in bad_codes if is_state(c.upper())]
        refuse(
            series.list.eval(pl.element().is_in(bad_codes)).list.any().fill_null(False),
            "not ISO 3166-1 alpha-3 codes: " + ", ".join(repr(c) for c in bad_codes[:5]),
            f"; codes are upper case, e.g. {upper[0].upper()!r}" if upper else "",
        )
    return problems


# The Parquet column types each person field may come in (text columns are parsed, as CSV).
_TYPED_SOURCES: dict[Any, tuple[str, tuple[Any, ...]]] = {
    pl.Boolean: ("true/false", (pl.Boolean,)),
    pl.Int16: (
        "a whole number",
        (
            pl.Int8,
            pl.Int16,
            pl.Int32,
            pl.Int64,
            pl.UInt8,
            pl.UInt16,
            pl.UInt32,
            pl.UInt64,
            pl.Float32,
            pl.Float64,
        ),
    ),
    pl.Date: ("a date", (pl.Date, pl.Datetime)),
}


def _wrong_type(name: str, raw: pl.Series) -> str | None:
    """What a typed (Parquet) column should have been, if its type cannot mean the field."""
    target = SCHEMA[name]
    if raw.dtype in (pl.String, pl.Null) or raw.null_count() == raw.len():
        return None
    if isinstance(target, pl.List):
        return None if raw.dtype == pl.List(pl.String) else "a list of text codes"
    if isinstance(target, pl.Enum):
        return None if isinstance(raw.dtype, pl.Enum | pl.Categorical) else "text"
    if target == pl.String:
        return None if raw.dtype == pl.String else "text"
    expected, accepted = _TYPED_SOURCES[target]
    dtype = pl.Datetime if isinstance(raw.dtype, pl.Datetime) else raw.dtype
    return None if dtype in accepted else expected


def _cast(
    path: Path, name: str, raw: pl.Series, problems: list[Problem], first_row: int
) -> pl.Series:
    target = SCHEMA[name]
    wrong = _wrong_type(name, raw)
    if wrong is not None:
        problems.append(
            Problem(path, None, None, name, f"expected {wrong}, got a column of {raw.dtype}")
        )
        return pl.Series(name, [None] * raw.len(), dtype=target)
    if name in LIST_COLUMNS:
        series = _split_list(raw)
        problems.extend(_check_codes(path, name, raw, series, first_row))
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
            line, rows = offending_rows(path, raw, bad, first_row)
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
    if source.dtype.is_float():  # a whole number written as a float (pandas does) is fine
        bad = bad | (source.is_not_null() & (casted.cast(source.dtype) != source).fill_null(True))
    if bad.any():
        expected = _expected(target)
        line, rows = offending_rows(path, raw, bad, first_row)
        problems.append(Problem(path, line, None, name, f"expected {expected}", rows))
    if name == "present_in":
        invalid = casted.is_not_null() & ~casted.is_in(
            [c for c in casted.drop_nulls().unique().to_list() if is_state(c)]
        )
        missing = casted.is_null()
        if (invalid | missing).any():
            line, rows = offending_rows(path, raw, invalid | missing, first_row)
            problems.append(
                Problem(
                    path, line, None, name, "expected an ISO 3166-1 alpha-3 code on every row", rows
                )
            )
    if name == "age":
        out_of_range = casted.is_not_null() & ((casted < 0) | (casted > 130))
        if out_of_range.any():
            line, rows = offending_rows(path, raw, out_of_range, first_row)
            problems.append(Problem(path, line, None, name, "expected an age from 0 to 130", rows))
    if name == "id" and casted.is_null().any():
        line, rows = offending_rows(path, raw, casted.is_null(), first_row)
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


def validate_population(
    path: Path, raw: pl.DataFrame, first_row: int = 0, on: date | None = None
) -> pl.DataFrame:
    """`raw` in the person schema, or every problem found in it; a batch of a larger file
    starts at its 0-based `first_row`, so errors name rows of the whole file. Evaluated `on`
    a day, nobody may be born after it (such an age would be negative)."""
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
            columns.append(_cast(path, name, raw[name], problems, first_row))
        else:
            columns.append(pl.Series(name, [None] * raw.height, dtype=dtype))
    if problems:
        raise InputError(problems)
    frame = pl.DataFrame(columns)
    both = frame["age"].is_not_null() & frame["birth_date"].is_not_null()
    if both.any():
        line, rows = offending_rows(path, frame["id"], both, first_row)
        raise InputError([Problem(path, line, None, "age", "give either age or birth_date", rows)])
    if on is not None:
        unborn = frame["birth_date"] > on
        if unborn.any():
            line, rows = offending_rows(path, frame["id"], unborn.fill_null(False), first_row)
            raise InputError(
                [Problem(path, line, None, "birth_date", f"after the evaluation date {on}", rows)]
            )
    if _may_repeat(frame["id"]) and (duplicated := frame["id"].is_duplicated()).any():
        line, rows = offending_rows(path, frame["id"], duplicated, first_row)
        raise InputError([Problem(path, line, None, "id", "ids must be unique", rows)])
    return frame


def _may_repeat(ids: pl.Series) -> bool:
    """Whether two ids could be equal: two equal 64-bit hashes (sorting hashes is several
    times cheaper than finding duplicate strings, which is done only when this says so)."""
    hashes = np.sort(ids.hash(0x1D5).to_numpy())
    return bool((hashes[1:] == hashes[:-1]).any())


def read_population(path: Path, on: date | None = None) -> pl.DataFrame:
    """A validated population frame in the person schema; unknown columns are errors."""
    return validate_population(path, read_raw(path), on=on)
