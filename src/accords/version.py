"""Which data an answer came from: one content digest of the registry, law and calibration.

The data version is the first 16 hex digits of a SHA-256 over every agreement file of the
registry in use (by id), the law tables (`accords.law`) and the calibration tables, plus the
date of the newest source in the registry. It changes exactly when one of those files changes,
so a figure quoted with its data version can be reproduced from the same data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

# The installed package's version, read without importing the package (which imports this).
PACKAGE_VERSION = metadata.version("accords")

if TYPE_CHECKING:
    from accords.registry.loader import Registry


@dataclass(frozen=True)
class DataVersion:
    digest: str
    newest_source: date | None

    def __str__(self) -> str:
        newest = self.newest_source.isoformat() if self.newest_source else "no dated source"
        return f"{self.digest} (sources to {newest})"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "digest": self.digest,
            "newest_source": self.newest_source.isoformat() if self.newest_source else None,
            "text": str(self),
        }


class Versioned(BaseModel):
    """An answer that names the data it rests on, so a quote of it can be reproduced."""

    data_version: str = Field(
        description="The registry, law and calibration tables the answer rests on: a content "
        "digest and the date of the newest source (as `accords --version` prints it)."
    )


def law_and_calibration_files() -> list[Path]:
    """The shipped law tables and calibration tables, in a stable order."""
    package = Path(str(resources.files("accords")))
    law = sorted((package / "law").glob("*.py"))
    calibration = sorted((package / "data" / "calibration").glob("*.csv"))
    return law + calibration


def data_digest(agreement_files: dict[str, Path]) -> str:
    """The digest over agreement files (by id) and the shipped law and calibration tables.

    Bytes only, nothing parsed: the run store records the shipped registry's digest without
    paying for a full validation of every agreement.
    """
    digest = hashlib.sha256()
    for agreement_id in sorted(agreement_files):
        digest.update(f"agreement:{agreement_id}\0".encode())
        digest.update(agreement_files[agreement_id].read_bytes())
    root = Path(str(resources.files("accords")))
    for path in law_and_calibration_files():
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_version(registry: Registry) -> DataVersion:
    from accords.registry.export import iter_facts

    dated = [
        s.date.latest
        for agreement in registry
        for _, fact in iter_facts(agreement)
        for s in fact.sources
        if s.date is not None
    ]
    return DataVersion(data_digest(registry.files), max(dated) if dated else None)


def version_text(registry: Registry) -> str:
    """What `accords --version` prints: the package version and the data version."""
    return f"accords {PACKAGE_VERSION}\ndata {registry.version}"


def provenance(registry: Registry, day: date) -> dict[str, str]:
    """What an evaluation's output says about where it came from (a Parquet file's footer)."""
    return {
        "accords_version": PACKAGE_VERSION,
        "data_version": str(registry.version),
        "data_digest": registry.version.digest,
        "evaluated_on": day.isoformat(),
    }
