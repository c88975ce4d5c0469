"""Running the shared anchor benchmarks beside ours, in the same invocation, for ratios.

The anchors (`../shared/anchors/` beside the repository, or `--anchor-dir`) are what a user
would otherwise pick for the same shape of work; figures drift between runs on a shared
machine, so a ratio is only meaningful when both sides ran in one invocation. Their folder may
be read-only, so it is copied to a temporary folder first (as its README says), and its
`bench_one.py` runs in a fresh process with the anchors' own interpreter when one is given
(`--anchor-python`, or ANCHOR_PYTHON), else this one (the evaluate anchor's polars and numpy
implementations need nothing this project does not install).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `../shared/anchors/` beside the checkout, or beside a folder holding it (a git worktree).
DEFAULT_DIR = next(
    (p / "shared" / "anchors" for p in ROOT.parents if (p / "shared" / "anchors").is_dir()),
    ROOT.parent / "shared" / "anchors",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--anchor", action="store_true", help="Also run the matching anchor.")
    parser.add_argument("--anchor-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--anchor-python", default=os.environ.get("ANCHOR_PYTHON", sys.executable))


class Anchor:
    """One anchor folder, copied once per invocation."""

    def __init__(self, folder: Path, python: str) -> None:
        if not (folder / "bench_one.py").exists():
            raise SystemExit(f"--anchor: no bench_one.py in {folder} (see --anchor-dir)")
        self.tmp = tempfile.TemporaryDirectory(prefix="anchor-")
        self.folder = Path(self.tmp.name) / folder.name
        shutil.copytree(folder, self.folder, ignore=shutil.ignore_patterns("data", "results"))
        self.python = python

    def run(self, *args: str) -> dict[str, object]:
        """`python SCRIPT ARGS` in the copy; its last stdout line, parsed as JSON (or {})."""
        done = subprocess.run(
            [self.python, *args], cwd=self.folder, check=True, capture_output=True, text=True
        )
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "{}"
        parsed: dict[str, object] = json.loads(last) if last.startswith("{") else {}
        return parsed

    def close(self) -> None:
        self.tmp.cleanup()
