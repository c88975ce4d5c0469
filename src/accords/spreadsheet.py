"""CSV cells that a spreadsheet shows as text, never runs as a formula.

Every CSV this project writes is meant to be opened in a spreadsheet, and some of its text is
not ours: a person's id typed into the checker, a scenario's name, an agreement file a user
loaded. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)` would make a link that
sends the sheet's data elsewhere). Such a text cell is written with a leading apostrophe, the
spreadsheets' own mark for "this is text" (the OWASP advice for CSV injection); a negative
number written as text (`-12.5`) is left as it is, since a spreadsheet reads it as a number.
Only text columns change; numbers, dates and booleans are written as they are.
"""

from __future__ import annotations

import polars as pl

_FORMULA_START = r"^[=+@\t\r]"
_NEGATIVE_NUMBER = r"^-\d[\d.,]*(?:[eE][+-]?\d+)?$"


def _text_columns(frame: pl.DataFrame) -> list[str]:
    return [name for name, dtype in frame.schema.items() if dtype == pl.String]


def _as_text(column: str) -> pl.Expr:
    cell = pl.col(column)
    runs = cell.str.contains(_FORMULA_START) | (
        cell.str.starts_with("-") & ~cell.str.contains(_NEGATIVE_NUMBER)
    )
    return pl.when(runs).then(pl.lit("'") + cell).otherwise(cell).alias(column)


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that a spreadsheet would run as a formula marked as text."""
    text = _text_columns(frame)
    return frame.with_columns(_as_text(name) for name in text) if text else frame


def read_back(frame: pl.DataFrame) -> pl.DataFrame:
    """What `spreadsheet_safe` wrote, as it was: the apostrophe it added before a formula's
    first character taken off again (a text that itself began with `'=` reads back without
    its apostrophe; no registry text does)."""
    marked = r"^'(?:[=+@\t\r]|-)"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(marked))
        .then(pl.col(name).str.slice(1))
        .otherwise(pl.col(name))
        .alias(name)
        for name in _text_columns(frame)
    )
