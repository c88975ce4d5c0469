"""Terms in plain words, the same on the terminal and on the web pages."""

from __future__ import annotations

from accords.registry.countries import country_name
from accords.registry.models import Nationalities, NationalityMode
from accords.registry.views import Dated


def party(code: str | None) -> str:
    return f"{country_name(code)} ({code})" if code else "—"


def nationality_text(term: Nationalities, receiver: str) -> str:
    if term.mode is NationalityMode.LISTED:
        return "listed: " + ", ".join(party(c) for c in term.codes)
    if term.mode is NationalityMode.ANY:
        return "any nationality" + (f" except {', '.join(term.excluded)}" if term.excluded else "")
    if term.mode is NationalityMode.OWN_NATIONALS:
        return f"only nationals of {party(receiver)}"
    return "unknown (the sources do not say)"


def period_text(term: Dated) -> str:
    """' (from X to Y)' for a term that held only for a while; '' for one that always held."""
    if term.valid_from is None and term.valid_to is None:
        return ""
    return f" (from {term.valid_from or '…'} to {term.valid_to or '…'})"
