"""Reports of finished runs: one self-contained HTML page with charts and their sources."""

from __future__ import annotations

from pathlib import Path

from accords.atomic import write_atomic
from accords.report.page import TITLES, render_report


def write_report(path: Path, page: str) -> None:
    """Write a report atomically, readable like any other document (not the temp file's 0600)."""

    def write(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")
        tmp.chmod(0o644)

    write_atomic(path, write)


__all__ = ["TITLES", "render_report", "write_report"]
