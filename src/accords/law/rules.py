"""Legal rules that bar a removal, each with the words it rests on and the dates it is in force.

A rule names one reason code; the engine evaluates the code's condition once and cites every
rule in force for the sending state on the day, the state's own law first, then the
international layer. Rules are data, not code: adding a jurisdiction adds rows, never checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """Where a reason comes from: a law, a ruling or an agreement's term, with its words."""

    label: str
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    quote: str | None = None
    basis: str | None = Field(
        default=None,
        description="For a registry fact: stated (the quote states it), inferred (the "
        "registry's reading, see `inferred_from`) or reported_practice; null for law texts.",
    )
    inferred_from: str | None = Field(
        default=None, description="For an inferred fact: what the registry reads it from."
    )


@dataclass(frozen=True)
class LawRule:
    code: str
    jurisdiction: str
    citation: Citation
    in_force_from: date | None = None
    in_force_to: date | None = None
    exempt_removal_basis: tuple[str, ...] = field(default=())
    # The rule in words where the cited text does not itself state it: what the registry reads
    # from the text, said as a reading (a `{kind}` placeholder names the agreement's kind).
    reading: str | None = None

    def in_force_on(self, day: date) -> bool:
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return not (self.in_force_to is not None and day >= self.in_force_to)
