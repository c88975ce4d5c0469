"""At 80 columns no terminal table splits a word or cuts data with "…"; only URLs fold.

Each command is run twice: on a console wide enough that nothing wraps, which gives the words
the output holds, and at 80 columns. Every token of the narrow output must be one of those
words, or a piece of a URL (URLs fold onto their own lines): a word split as `proce|ssing`
leaves tokens no wide output has.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

import accords.commands.agreements as agreements_cmd
import accords.commands.common as common
import accords.commands.runs as runs_cmd
import accords.commands.simulate as simulate_cmd

BOX = re.compile(r"[\u2500-\u257f]")
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]+")  # two simulations get two ids
ELAPSED = re.compile(r"\b\d+:\d\d:\d\d\b|\b\d+\.\d\b")  # and take their own time (0:00:03, 1.2 s)

SCENARIO = """\
name: words
sender: USA
start: 2025-04
horizon_months: 3
population:
  synthetic: {size: 300, calibration: usa-fy2024}
agreements: [{id: usa-slv-2025}]
ordinary_returns: {nationalities: [MEX]}
costs: {detention_per_day: {amount: 165, currency: USD, price_year: 2025}}
replicas: 1
seed: 1
"""


def _tokens(text: str) -> list[str]:
    return ELAPSED.sub("TIME", RUN_ID.sub("RUN-ID", BOX.sub(" ", text))).split()


@pytest.fixture
def at_width(
    monkeypatch: pytest.MonkeyPatch, invoke: Callable[..., object]
) -> Callable[[int, list[str]], str]:
    def run(width: int, args: list[str]) -> str:
        console = Console(width=width, color_system=None, highlight=False, emoji=False)
        for module in (common, agreements_cmd, runs_cmd, simulate_cmd):
            monkeypatch.setattr(module, "console", console)
        with console.capture() as captured:
            invoke(*args, expect=0)
        return captured.get()

    return run


def is_address(line: str) -> bool:
    """A line that is one web address, printed whole for the terminal to wrap (never cut)."""
    text = line.strip()
    return text.startswith(("http://", "https://")) and " " not in text


def _assert_whole_words(at_width: Callable[[int, list[str]], str], args: list[str]) -> None:
    wide = set(_tokens(at_width(2000, args)))
    urls = [t for t in wide if "http" in t or "/" in t]  # URLs and file paths may fold
    narrow = at_width(80, args)
    assert all(len(line) <= 80 or is_address(line) for line in narrow.splitlines())
    broken = [t for t in _tokens(narrow) if t not in wide and not any(t in url for url in urls)]
    assert not broken, f"`accords {' '.join(args)}` at 80 columns splits or cuts: {broken[:10]}"


@pytest.mark.parametrize(
    "args",
    [
        ["agreements", "list"],
        ["agreements", "list", "--on", "2025-04-01"],
        ["agreements", "show", "usa-slv-2025"],
        ["agreements", "show", "gbr-rwa-2022"],
        ["agreements", "show", "aus-nru-2012", "--section", "numbers"],
        ["agreements", "compare", "usa-slv-2025", "gbr-rwa-2022", "ita-alb-2023"],
    ],
    ids=" ".join,
)
def test_agreement_tables_keep_words_whole_at_80_columns(
    at_width: Callable[[int, list[str]], str], args: list[str]
) -> None:
    _assert_whole_words(at_width, args)


@pytest.mark.slow
def test_simulation_summary_and_runs_list_keep_words_whole_at_80_columns(
    at_width: Callable[[int, list[str]], str], tmp_path: Path, db: Path
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    args = ["simulate", str(scenario), "--workers", "1", "--out", str(tmp_path / "run")]
    _assert_whole_words(at_width, args)
    _assert_whole_words(at_width, ["runs", "list"])


def test_the_check_is_not_vacuous(at_width: Callable[[int, list[str]], str]) -> None:
    """Rich on its own, without `fit`, does split words at 80 columns: the scan sees it."""
    from rich.table import Table

    table = Table()
    for name in ("kind", "status", "dates"):
        table.add_column(name)
    table.add_row("offshore_processing " * 3, "in_force " * 4, "2025-02-17/2025-02-20 " * 3)
    wide, narrow = Console(width=2000), Console(width=30)
    with wide.capture() as w:
        wide.print(table)
    with narrow.capture() as n:
        narrow.print(table)
    assert set(_tokens(n.get())) - set(_tokens(w.get()))


@pytest.mark.parametrize(
    "terminal,setting,pages",
    [(True, None, True), (False, None, False), (True, "0", False)],
    ids=["terminal", "piped", "turned-off"],
)
def test_long_output_pages_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, terminal: bool, setting: str | None, pages: bool
) -> None:
    import contextlib

    console = Console(force_terminal=terminal)
    used: list[bool] = []
    monkeypatch.setattr(console, "pager", lambda **_: used.append(True) or contextlib.nullcontext())
    monkeypatch.setattr(common, "console", console)
    if setting is None:
        monkeypatch.delenv("ACCORDS_PAGER", raising=False)
    else:
        monkeypatch.setenv("ACCORDS_PAGER", setting)
    with common.paged():
        pass
    assert bool(used) is pages
