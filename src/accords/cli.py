"""The `accords` command: one typer app with a sub-app or command per capability."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from accords.commands import agreements, backtest, cases, runs, serve, simulate
from accords.commands.common import console, open_registry
from accords.version import version_text

app = typer.Typer(
    name="accords",
    help="Migration agreements between states, and the laws that bound them, as cited rules.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
)


def _print_version(value: bool) -> None:
    if value:
        env = os.environ.get("ACCORDS_REGISTRY")
        console.print(version_text(open_registry(Path(env) if env else None)), highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the package version and the data version (registry, law, calibration).",
        ),
    ] = False,
) -> None:
    """Migration agreements between states, and the laws that bound them, as cited rules."""


app.add_typer(agreements.app, name="agreements")
app.add_typer(runs.app, name="runs")
app.command("check")(cases.check_command)
app.command("evaluate")(cases.evaluate_command)
app.command("simulate")(simulate.simulate)
app.command("backtest")(backtest.backtest_command)
app.command("serve")(serve.serve)


if __name__ == "__main__":
    app()
