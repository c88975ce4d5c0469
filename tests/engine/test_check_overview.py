"""`accords check` in the terminal: the overview first, details and the trace on request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from accords.labels import plain
from accords.registry.loader import Registry

EXAMPLES = Path(__file__).parents[2] / "examples"


def accords(*args: str) -> str:
    """The real CLI in a subprocess at 80 columns, as a user's terminal would run it."""
    env = {k: v for k, v in os.environ.items() if k != "ACCORDS_REGISTRY"} | {"COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "accords.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_first_screen_holds_every_agreement_with_its_verdict(
    shipped_registry: Registry,
) -> None:
    out = accords(
        "check", str(EXAMPLES / "us-citizen-serving-sentence.yaml"), "--date", "2025-04-01"
    )
    first = out.splitlines()[:40]
    # only a citation's web address may run longer: it is printed whole, for the terminal to wrap
    assert all(len(line) <= 80 or line.startswith("    http") for line in out.splitlines())
    verdicts = {
        line.split()[0]: line
        for line in first
        if line.split() and line.split()[0].startswith("usa-")
    }
    us = {a.id for a in shipped_registry.for_sender("USA")}
    assert set(verdicts) == us
    assert all("barred" in verdicts[i] or "not in force" in verdicts[i] for i in us)
    assert "citizen of the sending state [1]" in verdicts["usa-slv-2025"]
    assert "[1] Afroyim v. Rusk" in out  # one citation for the 5 agreements it decides
    assert "✓" not in out  # no details unless asked


def test_the_answer_comes_first_in_one_sentence(shipped_registry: Registry) -> None:
    citizen = accords(
        "check", str(EXAMPLES / "us-citizen-serving-sentence.yaml"), "--date", "2025-04-01"
    )
    us = len(shipped_registry.for_sender("USA"))
    first = " ".join(" ".join(citizen.splitlines()[:5]).split())
    assert f"Could not be sent under any of the {us} agreements: barred by law" in first
    other = accords("check", str(EXAMPLES / "venezuelan-final-order.yaml"), "--date", "2025-07-01")
    lines = other.splitlines()
    table = next(i for i, line in enumerate(lines) if line.startswith("agreement "))
    sentence = " ".join(" ".join(lines[:table]).split())
    permitted = sum(" permitted " in line for line in lines[table:] if line.startswith("usa-"))
    assert permitted, "no permitted agreement on that day: this test no longer tests anything"
    assert f"Could be sent under {permitted} of the {us} agreements (to " in sentence


def test_overview_puts_permitted_and_undetermined_first() -> None:
    out = accords("check", str(EXAMPLES / "venezuelan-final-order.yaml"), "--date", "2025-07-01")
    rows = [line.split("  ") for line in out.splitlines() if line.startswith("usa-")]
    order = ["permitted", "undetermined", "barred", "not covered", "not in force"]
    seen = [next(v for v in order if any(cell.strip() == v for cell in row)) for row in rows]
    assert seen == sorted(seen, key=order.index)


def test_explain_shows_every_check_with_what_it_read_and_the_rule() -> None:
    out = accords(
        "check",
        str(EXAMPLES / "venezuelan-final-order.yaml"),
        "--date",
        "2025-07-01",
        "--agreement",
        "usa-slv-2025",
        "--explain",
    )
    assert plain("permitted", "verdict") in out
    assert out.count("✓") >= 12  # passing checks are shown
    assert "read: citizenships = [VEN]" in out
    assert "rule: covers any nationality" in out
    assert "Holds only if the record is right" in out
    assert "registry's reading" in out  # the final-order rule says it is a reading


def test_details_show_the_reasons_of_every_agreement_without_passing_checks() -> None:
    out = accords(
        "check",
        str(EXAMPLES / "us-citizen-serving-sentence.yaml"),
        "--date",
        "2025-04-01",
        "--details",
    )
    assert "✗ The person is a citizen of the United States" in out
    assert "✓" not in out
    assert "“Held: Congress has no power" in out  # quotes come with the details
