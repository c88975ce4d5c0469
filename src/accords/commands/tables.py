"""Terminal tables that never split a word: whole words wrap, only URLs fold.

Rich shrinks the widest columns first when a table is wider than the terminal, so at 80
columns it cuts `offshore_processing` into `offshore_proce|ssing` or ends a cell with "…".
`fit` gives every column at least the width of its longest word (a URL may fold: it sits on its
own line), drops the columns a table marks optional, least valuable first, while even that does
not fit, and shares what is left so that short cells stay on one line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

URL = re.compile(r"^\(?https?://")


def _plain(cell: RenderableType) -> str | None:
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return Text.from_markup(cell).plain
    return None


def _needs(console: Console, column: Column, cells: Sequence[RenderableType]) -> tuple[int, int]:
    """(longest word, longest line) of a column's header and cells, URLs not counted as words."""
    shortest, widest = 1, 1
    for cell in [column.header, *cells]:
        text = _plain(cell)
        if text is None:
            measured = Measurement.get(console, console.options, cell)
            shortest, widest = max(shortest, measured.minimum), max(widest, measured.maximum)
            continue
        for line in text.splitlines() or [""]:
            widest = max(widest, len(line))
            for word in line.split():
                if not URL.match(word):
                    shortest = max(shortest, len(word))
    return shortest, widest


def _overhead(table: Table) -> int:
    """Characters a table spends on borders and padding around its columns' content."""
    _, right, _, left = table.padding
    count = len(table.columns)
    edges = (count - 1 + (2 if table.show_edge else 0)) if table.box else 0
    return count * (left + right) + edges


def fit(table: Table, console: Console, optional: Sequence[str] = ()) -> Table:
    """Make `table` fit the console without splitting a word; returns it for chaining.

    `optional` names headers that may be dropped at narrow widths, first named first dropped.
    """
    width = console.width
    droppable = list(optional)
    while True:
        needs = [_needs(console, c, list(c.cells)) for c in table.columns]
        spare = width - _overhead(table) - sum(low for low, _ in needs)
        gone = next((c for name in droppable for c in table.columns if str(c.header) == name), None)
        if spare >= 0 or gone is None:
            break
        table.columns.remove(gone)
        droppable.remove(str(gone.header))
    if sum(high for _, high in needs) + _overhead(table) <= width:
        return table
    extra = _water_fill([high - low for low, high in needs], max(spare, 0))
    for column, (low, _), more in zip(table.columns, needs, extra, strict=True):
        column.width = low + more
        column.overflow = "fold"
    return table


def _water_fill(wants: list[int], spare: int) -> list[int]:
    """Share `spare` so that modest wants are met in full and the largest share the rest.

    A short cell (a date, a status) then stays on one line and only the long texts wrap.
    """
    given = [0] * len(wants)
    open_ = sorted(range(len(wants)), key=lambda i: wants[i])
    while open_ and spare > 0:
        level = spare // len(open_)
        if level == 0:
            for i in open_[:spare]:
                given[i] += 1
            break
        i = open_[0]
        step = min(wants[i] - given[i], level)
        for j in open_:
            given[j] += step
        spare -= step * len(open_)
        open_ = [j for j in open_ if given[j] < wants[j]]
    return given
