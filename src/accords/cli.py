"""The `accords` command: one typer app with a sub-app or command per capability."""

from __future__ import annotations

import typer

from accords.commands import agreements, cases, runs, serve, simulate

app = typer.Typer(
    name="accords",
    help="Migration agreements between states, and the laws that bound them, as cited rules.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(agreements.app, name="agreements")
app.add_typer(runs.app, name="runs")
app.command("check")(cases.check_command)
app.command("evaluate")(cases.evaluate_command)
app.command("simulate")(simulate.simulate)
app.command("serve")(serve.serve)


if __name__ == "__main__":
    app()
