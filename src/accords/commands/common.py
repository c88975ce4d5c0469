"""What every command shares: the console, registry opening, dates, JSON output, failing.

User text (ids, names, titles, quotes, file names) reaches the terminal only through `shown`
(for a markup string) or `TextTable` (for table cells): Rich markup in it is escaped and its
control characters are made visible (`accords.visible`). The consoles themselves make control
characters visible in anything else they print and never crash on markup they cannot parse.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console, HighlighterType, JustifyMethod, OverflowMethod, RenderableType
from rich.errors import MarkupError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text

from accords.atomic import refuse_bad_output
from accords.registry.countries import resolve_party
from accords.registry.loader import Registry, load_registry
from accords.validation import InputError
from accords.visible import visible


def shown(value: object) -> str:
    """User text for a markup string: markup escaped, controls and line breaks visible."""
    return escape(visible(str(value)))


class SafeConsole(Console):
    """A console whose strings cannot carry terminal control sequences or break on markup.

    Every string printed (or put in a table cell) is rendered through `render_str`: control
    characters are made visible first, and a string whose markup does not parse (a stray
    `[/]` that `shown` did not catch) is printed as plain text instead of crashing.
    """

    def render_str(
        self,
        text: str,
        *,
        style: str | Style = "",
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        emoji: bool | None = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        highlighter: HighlighterType | None = None,
    ) -> Text:
        args: dict[str, Any] = {
            "style": style,
            "justify": justify,
            "overflow": overflow,
            "emoji": emoji,
            "highlight": highlight,
            "highlighter": highlighter,
        }
        text = visible(text, lines=True)
        try:
            return super().render_str(text, markup=markup, **args)
        except MarkupError:
            return super().render_str(text, markup=False, **args)


class TextTable(Table):
    """A table whose string cells are user text: shown as written, never read as markup."""

    def add_row(
        self,
        *renderables: RenderableType | None,
        style: StyleType | None = None,
        end_section: bool = False,
    ) -> None:
        cells = [
            Text(visible(cell, lines=True)) if isinstance(cell, str) else cell
            for cell in renderables
        ]
        super().add_row(*cells, style=style, end_section=end_section)


console = SafeConsole()


def progress_bar(label: str, unit: str = "", *, disable: bool = False) -> Progress:
    """The bar long commands show while they work: what, how far (done of total, in `unit`),
    for how long; it leaves the screen when done, and is off for machine-readable output."""
    columns = [
        TextColumn(f"[bold]{escape(label)}[/bold] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        *([TextColumn(escape(unit))] if unit else []),
        TimeElapsedColumn(),
    ]
    return Progress(*columns, console=console, transient=True, disable=disable)


errors = SafeConsole(stderr=True)

RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        envvar="ACCORDS_REGISTRY",
        help="Agreements folder or file to use instead of the shipped registry.",
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    text = escape(visible(message, lines=True))
    errors.print(f"[red]error:[/red] {text}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def fail_input(exc: InputError) -> NoReturn:
    for problem in exc.problems:
        errors.print(f"[red]error:[/red] {shown(problem)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def require_writable(path: Path | None, option: str = "--out", *, folder: bool = False) -> None:
    """Stop (exit 2, naming the path and the option) unless `path` can be written as a file,
    or as a folder with `folder`; a command calls it for each output before any work starts."""
    if path is None:
        return
    try:
        refuse_bad_output(path, option, folder=folder)
    except InputError as exc:
        fail_input(exc)


def open_registry(path: Path | None) -> Registry:
    try:
        return load_registry(path)
    except InputError as exc:
        fail_input(exc)


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date; expected YYYY-MM-DD")


def parse_state(text: str, option: str) -> str:
    """A state's code from its code or English name ("El Salvador" is SLV)."""
    try:
        return resolve_party(text)
    except ValueError as exc:
        fail(f"{option}: {exc}")


def emit_json(payload: BaseModel | dict[str, Any] | list[Any]) -> None:
    """Print JSON to stdout, unstyled, so it can be piped into other tools."""
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def paged() -> Iterator[None]:
    """Long output through a pager when stdout is a terminal (as `git log` does), never piped.

    The pager is $PAGER (else `less`); `less` gets `-FRX` unless $LESS says otherwise, so output
    that fits one screen prints and exits, and colours survive. `ACCORDS_PAGER=0` turns it off.
    """
    if not console.is_terminal or os.environ.get("ACCORDS_PAGER", "1") in {"0", "", "no"}:
        yield
        return
    os.environ.setdefault("LESS", "FRX")
    with console.pager(styles=True):
        yield
