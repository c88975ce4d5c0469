"""State codes: ISO 3166-1 alpha-3, plus the one party that is not a state.

The EU is a party to the EU–Turkey Statement but sends no one itself. It gets the code `EUE`,
the alpha-3 code ICAO Doc 9303 uses for the European Union as an issuing authority; agreements
with a non-state party name the member state that actually sends (`acting_sender`).
"""

from __future__ import annotations

import difflib
import re
from functools import cache

import pycountry

# States ISO 3166-1 has not assigned a code to, with the user-assigned code in common use.
EXTRA_STATES: dict[str, str] = {
    "XKX": "Kosovo (user-assigned code used by the European Commission and the IMF)",
}

NON_STATE_PARTIES: dict[str, str] = {
    "EUE": "European Union (not a state; the member state that sends is named as acting_sender)",
}


@cache
def _iso_names() -> dict[str, str]:
    # The name people use ("Venezuela", not "Venezuela, Bolivarian Republic of") where ISO
    # gives one.
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update({code: text.split(" (")[0] for code, text in EXTRA_STATES.items()})
    return names


def all_state_codes() -> list[str]:
    return list(_iso_names())


def is_state(code: str) -> bool:
    return code in _iso_names()


def is_party(code: str) -> bool:
    return code in _iso_names() or code in NON_STATE_PARTIES


def country_name(code: str) -> str:
    return _iso_names().get(code) or NON_STATE_PARTIES.get(code, code)


# Names English writes with "the" in running text: plural names and those that name a form of
# state ("the United States", "the Dominican Republic", "the Bahamas").
_WITH_ARTICLE = re.compile(
    r"^(United |European )|(Republic|Kingdom|Islands|Emirates|Federation)$|"
    r"^(Bahamas|Comoros|Gambia|Holy See|Maldives|Netherlands|Philippines)$"
)


def country_in_text(code: str) -> str:
    """The country's name as it reads inside a sentence: "a citizen of the United States"."""
    name = country_name(code)
    return f"the {name}" if "," not in name and _WITH_ARTICLE.search(name) else name


def suggest(code: str, *, allow_non_state: bool = True) -> list[str]:
    """The closest valid codes to a wrong one: by code spelling, then by country name."""
    names = _iso_names()
    pool = list(names) + (list(NON_STATE_PARTIES) if allow_non_state else [])
    upper = code.strip().upper()
    close = difflib.get_close_matches(upper, pool, n=3, cutoff=0.5)
    by_name = [
        c
        for c, name in names.items()
        if upper and (upper in name.upper() or name.upper().startswith(upper))
    ]
    if not by_name:
        lookup = {name.upper(): c for c, name in names.items()}
        by_name = [lookup[n] for n in difflib.get_close_matches(upper, list(lookup), n=2)]
    first: list[str] = []
    if len(upper) == 2:
        alpha2 = pycountry.countries.get(alpha_2=upper)
        if alpha2 is not None:
            first.append(alpha2.alpha_3)
    out: list[str] = []
    for c in first + close + by_name:
        if c not in out:
            out.append(c)
    return out[:4]


def describe_bad_code(code: str, *, allow_non_state: bool = True) -> str:
    hints = suggest(code, allow_non_state=allow_non_state)
    hint = (
        " Did you mean " + ", ".join(f"{c} ({country_name(c)})" for c in hints) + "?"
        if hints
        else ""
    )
    return f"{code!r} is not an ISO 3166-1 alpha-3 country code.{hint}"


def check_state(code: str) -> str:
    if not isinstance(code, str) or not is_state(code):
        raise ValueError(describe_bad_code(str(code), allow_non_state=False))
    return code


def check_party(code: str) -> str:
    if not isinstance(code, str) or not is_party(code):
        raise ValueError(describe_bad_code(str(code)))
    return code
