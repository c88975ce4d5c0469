"""What every command shares: the console, registry opening, dates, JSON output, failing."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from accords.registry.loader import Registry, load_registry
from accords.validation import InputError

console = Console()
errors = Console(stderr=True)

RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        envvar="ACCORDS_REGISTRY",
        help="Agreements folder or file to use instead of the shipped registry.",
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def fail_input(exc: InputError) -> NoReturn:
    for problem in exc.problems:
        errors.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


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


def emit_json(payload: BaseModel | dict[str, Any] | list[Any]) -> None:
    """Print JSON to stdout, unstyled, so it can be piped into other tools."""
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def data_dir() -> Path:
    return Path(os.environ.get("ACCORDS_HOME", Path.home() / ".local" / "share" / "accords"))
