"""Every reason code's declaration, in the order checks are evaluated and explained."""

from __future__ import annotations

from accords.engine.rules import coverage, law, status
from accords.engine.spec import ReasonSpec

SPECS: list[ReasonSpec] = [*status.SPECS, *law.SPECS, *coverage.SPECS]
